//! `openapi: 3.1.x` → `3.0.3`.
//!
//! progenitor parses with the `openapiv3` crate, which rejects any version but 3.0.x. The other
//! passes turn the 3.1 constructs OpenRouter uses into their 3.0 forms, so declaring 3.0.3 is
//! honest once they have run (and [`super::reject_unknown`] fails on anything they missed).

use anyhow::Result;
use serde_json::Value;

use super::Notes;
use crate::spec::check_openapi_3;

pub fn run(doc: &mut Value, _notes: &mut Notes) -> Result<usize> {
    check_openapi_3(doc)?;
    if doc["openapi"] == "3.0.3" {
        return Ok(0);
    }
    doc["openapi"] = Value::from("3.0.3");
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn declares_303_and_refuses_swagger() {
        let mut doc = json!({"openapi": "3.1.0"});
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 1);
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(run(&mut doc, &mut Notes::default()).unwrap(), 0);
        let err = run(&mut json!({"swagger": "2.0"}), &mut Notes::default()).unwrap_err();
        assert!(err.to_string().contains("Swagger 2.0"), "{err}");
    }
}
