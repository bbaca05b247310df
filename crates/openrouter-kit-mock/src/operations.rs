//! The document's operations as the mock knows them, and which one a request is for.

/// Where an operation's default answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The document's own example for the response (or for its schema).
    Example,
    /// Built from the response schema (no example in the document), or placeholder bytes for
    /// audio, video and file downloads.
    Synthesized,
    /// The document specifies no body.
    Empty,
}

/// One operation of the pinned document and its default answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The document's `operationId` (`sendChatCompletionRequest`, `getCredits`, …).
    pub id: &'static str,
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// The path template, `{name}` for a parameter, relative to the API base URL.
    pub path: &'static str,
    /// The status of the default answer (the first success the document lists).
    pub status: u16,
    /// The default answer's content type (empty for no body).
    pub content_type: &'static str,
    /// Where the default answer came from.
    pub origin: Origin,
    /// The operation also answers with `text/event-stream` when the request has `stream: true`.
    pub streams: bool,
    /// The default answer's body (the document's form; see [`crate::Fidelity`]).
    pub body: &'static str,
}

/// Every operation of the pinned document.
pub fn operations() -> &'static [Operation] {
    crate::defaults::OPERATIONS
}

/// The operation with this `operationId`.
pub fn operation(id: &str) -> Option<&'static Operation> {
    operations().iter().find(|o| o.id == id)
}

/// The operation a request is for: the method matches and the path matches the template, the
/// template with most literal segments winning (`/models/count` over `/models/{id}`).
pub fn operation_for(method: &str, path: &str) -> Option<&'static Operation> {
    operations()
        .iter()
        .filter(|o| o.method.eq_ignore_ascii_case(method))
        .filter_map(|o| literal_segments(o.path, path).map(|n| (n, o)))
        .max_by_key(|(n, _)| *n)
        .map(|(_, o)| o)
}

/// How many literal segments of `template` match `path`, or `None` if it does not match.
fn literal_segments(template: &str, path: &str) -> Option<usize> {
    let mut t = template.trim_matches('/').split('/');
    let mut p = path.trim_matches('/').split('/');
    let mut literal = 0;
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some(literal),
            (Some(ts), Some(ps)) if ts.starts_with('{') && ts.ends_with('}') => {
                if ps.is_empty() {
                    return None;
                }
            }
            (Some(ts), Some(ps)) if ts == ps => literal += 1,
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_found_by_its_own_path() {
        for op in operations() {
            let concrete = op.path.split('/').map(|s| if s.starts_with('{') { "abc" } else { s }).collect::<Vec<_>>().join("/");
            assert_eq!(operation_for(op.method, &concrete).map(|o| o.id), Some(op.id), "{} {}", op.method, concrete);
        }
    }

    #[test]
    fn literal_paths_win_over_templates() {
        assert_eq!(literal_segments("/models/{a}", "/models/count"), Some(1));
        assert_eq!(literal_segments("/models/count", "/models/count"), Some(2));
        assert_eq!(literal_segments("/models/{a}", "/models/a/b"), None);
        assert!(operation_for("GET", "/no/such/thing").is_none());
    }
}
