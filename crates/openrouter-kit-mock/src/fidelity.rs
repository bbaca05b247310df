//! Whether the mock answers like the real service or strictly like its document.
//!
//! The two differ only where the service is known to leave out fields its document marks
//! required (recorded traffic, see `notes/openrouter-behaviour.md` of the workspace). Each such
//! field is listed once, in [`SERVICE_OMISSIONS`], with its reason; everything else the mock
//! sends is valid against the document in both forms (a workspace test checks every answer with
//! a JSON Schema validator).

use serde_json::Value;

/// Which of the two forms the mock's answers take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fidelity {
    /// As the real service answers: the fields of [`SERVICE_OMISSIONS`] are left out. Test
    /// that a client copes with real traffic.
    #[default]
    Service,
    /// Every answer valid against the document, required fields included. Test a client that
    /// validates strictly (generated SDKs of other languages).
    Document,
}

/// A field the document requires and the service leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Omission {
    /// The operation whose answers leave it out (its `operationId`).
    pub operation: &'static str,
    /// The JSON pointer of the object that lacks it in the answer; `*` stands for every element
    /// of an array.
    pub at: &'static str,
    /// The property left out.
    pub field: &'static str,
    /// Why: what recorded traffic showed.
    pub reason: &'static str,
}

/// Every place where [`Fidelity::Service`] departs from the document.
pub const SERVICE_OMISSIONS: &[Omission] = &[
    Omission {
        operation: "sendChatCompletionRequest",
        at: "",
        field: "system_fingerprint",
        reason: "absent from most recorded chat completions (only some OpenAI models send it)",
    },
    Omission { operation: "getGeneration", at: "/data", field: "workspace_id", reason: "absent from recorded generation stats" },
    Omission {
        operation: "sendChatCompletionRequest",
        at: "/error/metadata",
        field: "error_type",
        reason: "absent from a recorded mid-stream error chunk",
    },
    Omission { operation: "getModels", at: "", field: "total_count", reason: "absent from recorded model lists" },
    Omission { operation: "getModels", at: "", field: "links", reason: "absent from recorded model lists" },
    Omission { operation: "listModelsUser", at: "", field: "total_count", reason: "a model list, as `getModels`" },
    Omission { operation: "listModelsUser", at: "", field: "links", reason: "a model list, as `getModels`" },
    Omission { operation: "listEmbeddingsModels", at: "", field: "total_count", reason: "a model list, as `getModels`" },
    Omission { operation: "listEmbeddingsModels", at: "", field: "links", reason: "a model list, as `getModels`" },
];

impl Fidelity {
    /// `answer` of `operation` in this form: as is for [`Fidelity::Document`], without the
    /// listed omissions for [`Fidelity::Service`].
    pub fn apply(self, operation: &str, mut answer: Value) -> Value {
        if self == Fidelity::Service {
            for omission in SERVICE_OMISSIONS.iter().filter(|o| o.operation == operation) {
                remove_at(&mut answer, omission.at, omission.field);
            }
        }
        answer
    }
}

fn remove_at(value: &mut Value, at: &str, field: &str) {
    let mut parts = at.trim_start_matches('/').splitn(2, '/');
    match parts.next().filter(|p| !p.is_empty()) {
        None => {
            if let Some(object) = value.as_object_mut() {
                object.remove(field);
            }
        }
        Some(step) => {
            let rest = parts.next().map(|r| format!("/{r}")).unwrap_or_default();
            match (step, value) {
                ("*", Value::Array(items)) => items.iter_mut().for_each(|item| remove_at(item, &rest, field)),
                (key, Value::Object(object)) => {
                    if let Some(inner) = object.get_mut(key) {
                        remove_at(inner, &rest, field);
                    }
                }
                (index, Value::Array(items)) => {
                    if let Some(inner) = index.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                        remove_at(inner, &rest, field);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_service_form_leaves_out_only_the_listed_fields() {
        let answer = json!({"data": {"id": "g", "workspace_id": "w"}, "other": 1});
        assert_eq!(Fidelity::Service.apply("getGeneration", answer.clone()), json!({"data": {"id": "g"}, "other": 1}));
        assert_eq!(Fidelity::Document.apply("getGeneration", answer.clone()), answer);
        assert_eq!(Fidelity::Service.apply("getCredits", answer.clone()), answer);
        let mut list = json!({"data": [{"a": 1, "b": 2}, {"a": 3}]});
        remove_at(&mut list, "/data/*", "a");
        assert_eq!(list, json!({"data": [{"b": 2}, {}]}));
    }
}
