//! The API key, held so that it cannot leak through formatting.

use std::fmt;

/// An OpenRouter API key. `Debug` and `Display` print a redaction, never the key; the only way
/// to read it is [`ApiKey::expose`], which the client calls when it builds the `Authorization`
/// header (marked sensitive, so reqwest and tracing do not print it either).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Fails on an empty or blank key, or one with characters a header cannot carry.
    pub fn new(key: impl Into<String>) -> Result<Self, crate::Error> {
        let key = key.into();
        let trimmed = key.trim();
        if trimmed.is_empty() {
            return Err(crate::Error::MissingApiKey);
        }
        if trimmed.bytes().any(|b| b.is_ascii_control() || !b.is_ascii()) {
            return Err(crate::Error::Config("the API key holds characters an HTTP header cannot carry".into()));
        }
        Ok(Self(trimmed.to_string()))
    }

    /// The key itself, for the `Authorization` header; keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_formats_the_key() {
        let key = ApiKey::new(" sk-or-v1-secret ").unwrap();
        assert_eq!(key.expose(), "sk-or-v1-secret");
        assert!(!format!("{key:?} {key} {key:#?}").contains("secret"));
        assert!(ApiKey::new("  ").is_err());
        assert!(ApiKey::new("sk\r\nX-Evil: 1").is_err());
    }
}
