//! Every operation of the pinned document, called through a configured `openrouter_kit::Client`
//! against `openrouter-kit-mock`, its answer decoded into the generated type.
//!
//! The calls (`generated/operation_calls.rs`) and the mock's answers are both generated from the
//! document by `cargo xtask generate`; the one operation the generated client cannot send
//! (`uploadFile`, multipart) goes through `client.files()`.
//!
//! Run with `--features management` (CI: `--all-features`) for all 97.

use std::collections::BTreeMap;

use openrouter_kit_mock::{MockOpenRouter, Origin};

mod support {
    use futures_util::TryStreamExt;
    use openrouter_kit_api::{ByteStream, Error, ResponseValue};
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    /// An argument from its JSON; a document example that does not fit the generated type is
    /// reported as the case's failure.
    pub fn parse<T: DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| format!("the argument {json} does not decode: {e}"))
    }

    pub async fn typed<T: Serialize, E: std::fmt::Debug>(r: Result<ResponseValue<T>, Error<E>>) -> Result<Value, String> {
        let value = r.map_err(|e| format!("{e:?}"))?.into_inner();
        serde_json::to_value(value).map_err(|e| e.to_string())
    }

    pub async fn bytes<E: std::fmt::Debug>(r: Result<ResponseValue<ByteStream>, Error<E>>) -> Result<Value, String> {
        let stream = r.map_err(|e| format!("{e:?}"))?.into_inner().into_inner();
        let chunks: Vec<_> = stream.try_collect().await.map_err(|e| e.to_string())?;
        Ok(Value::String(String::from_utf8_lossy(&chunks.concat()).into_owned()))
    }

    pub async fn unit<E: std::fmt::Debug>(r: Result<ResponseValue<()>, Error<E>>) -> Result<Value, String> {
        r.map(|_| Value::Null).map_err(|e| format!("{e:?}"))
    }
}

#[path = "generated/operation_calls.rs"]
mod operation_calls;

#[tokio::test]
async fn every_operation_is_called_and_its_answer_decoded() {
    let mock = MockOpenRouter::start().await;
    let client = mock.client();
    let mut failures = Vec::new();
    let mut called = 0;
    let mut by_origin: BTreeMap<&str, usize> = BTreeMap::new();
    let mut skipped = Vec::new();

    for op in openrouter_kit_mock::operations() {
        let result = match operation_calls::call(op.id, client.api()).await {
            Some(result) => result,
            None if op.id == "uploadFile" => client
                .files()
                .upload("document.pdf", b"%PDF-1.7 contract test")
                .await
                .map(|f| serde_json::to_value(f).unwrap_or_default())
                .map_err(|e| e.to_string()),
            None => {
                skipped.push(op.id);
                continue;
            }
        };
        called += 1;
        let received = mock.requests_to(op.id).await;
        match (&result, received.len()) {
            (Err(e), _) => failures.push(format!("{}: {e}", op.id)),
            (Ok(_), 1) if received[0].has_bearer(openrouter_kit_mock::MOCK_API_KEY) => {
                let origin = match op.origin {
                    Origin::Example => "the document's example",
                    Origin::Synthesized => "a body built from the schema",
                    Origin::Empty => "no body (as documented)",
                };
                *by_origin.entry(origin).or_default() += 1;
            }
            (Ok(_), n) => failures.push(format!("{}: the mock received {n} requests for it, or without the key", op.id)),
        }
    }

    let total = openrouter_kit_mock::operations().len();
    println!("{called}/{total} operations called through openrouter_kit::Client and decoded into their generated types");
    for (origin, n) in &by_origin {
        println!("  {n:>3} answered with {origin}");
    }
    if !skipped.is_empty() {
        println!("  not compiled in this build (enable the `management` feature): {}", skipped.len());
    }
    assert!(failures.is_empty(), "{} operations failed:\n{}", failures.len(), failures.join("\n"));
    if cfg!(feature = "management") {
        assert_eq!(called, total, "every operation is reachable; skipped: {skipped:?}");
    } else {
        assert_eq!(called + skipped.len(), total);
    }
    assert_eq!(total, 97 + 2, "the pinned document's 97 operations (openapi/openapi.lock.toml) and the overlay's 2 legacy ones");
    for legacy in ["createCompletions", "getParameters"] {
        assert!(openrouter_kit_mock::operations().iter().any(|o| o.id == legacy), "{legacy} has no mock answer");
    }
}
