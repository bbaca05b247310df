//! `cargo xtask fetch`: get the document and pin it.

use std::path::Path;

use anyhow::{Context as _, Result};

use crate::spec::{self, Document, Lock};

/// Read the document from a URL or a local path (default: upstream), check it, store it at
/// [`spec::CACHE_PATH`] and write the lock.
pub fn fetch(root: &Path, from: Option<&str>) -> Result<Lock> {
    let source = from.unwrap_or(spec::UPSTREAM_URL);
    let is_url = source.starts_with("http://") || source.starts_with("https://");
    let bytes = if is_url { download(source)? } else { std::fs::read(source).with_context(|| format!("cannot read {source}"))? };
    let doc = Document::from_bytes(&bytes).with_context(|| format!("the document at {source}"))?;
    let cache = root.join(spec::CACHE_PATH);
    if let Some(dir) = cache.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&cache, &bytes)?;
    let label = if is_url {
        source.to_string()
    } else {
        // Never record a path of this machine: the file name says which copy it was.
        Path::new(source).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()
    };
    let lock = Lock {
        upstream: spec::UPSTREAM_URL.to_string(),
        date: date_of(&label).unwrap_or_else(today),
        source: label,
        sha256: doc.sha256.clone(),
        openapi: doc.value["openapi"].as_str().unwrap_or_default().to_string(),
        title: doc.value.pointer("/info/title").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        version: doc.value.pointer("/info/version").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        operations: doc.operation_count(),
        schemas: doc.schema_count(),
    };
    lock.write(root)?;
    Ok(lock)
}

/// Download with a bounded wait; a non-2xx status is an error that names it.
pub fn download(url: &str) -> Result<Vec<u8>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(120)))
        .http_status_as_error(true)
        .build()
        .into();
    let mut response = agent.get(url).call().with_context(|| format!("GET {url}"))?;
    let bytes = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .with_context(|| format!("reading the body of {url}"))?;
    Ok(bytes)
}

/// A `YYYY-MM-DD` inside a file name such as `openrouter-2026-08-22.yaml`.
fn date_of(label: &str) -> Option<String> {
    let b = label.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let s = &label[i..i + 10];
        let ok = s.bytes().enumerate().all(|(j, c)| if j == 4 || j == 7 { c == b'-' } else { c.is_ascii_digit() });
        ok.then(|| s.to_string())
    })
}

/// Today's UTC date, computed from the system clock (days since the epoch → civil date).
fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Howard Hinnant's civil-from-days algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date_of("openrouter-2026-08-22.yaml").as_deref(), Some("2026-08-22"));
        assert_eq!(date_of("openapi.yaml"), None);
        assert_eq!(today().len(), 10);
    }
}
