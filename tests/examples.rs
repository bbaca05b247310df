//! Every component example of the pinned document decodes into its generated type and encodes
//! back to equivalent JSON.
//!
//! "Equivalent": equal once `null`s are dropped on both sides (absent and `null` are one state
//! for an `Option`) and numbers are compared by value (`1` and `1.0`); a tag (`type`, `object`)
//! the type fills in with its only value where the example omits it is the same value (the
//! normaliser's server-tolerance rule: an absent tag means its only value). Anything else the
//! generated type adds or loses is a failure, listed with its reason. A component the crate has
//! no type of its own for is decoded as the type standing for it (see `stand_in` in the generated
//! dispatch); when that is the schema extending it, what the extension adds (its tag) is allowed.
//! The ones this document is
//! known to get wrong itself are in `KNOWN_BAD_EXAMPLES`, each with the reason, and the test
//! fails if one of them starts passing (so the list never goes stale).

use openrouter_workspace_tests::{canonical, first_difference};
use serde_json::Value;

#[path = "generated/component_types.rs"]
mod component_types;

/// Examples that contradict their own schema in the 2026-08-22 document, with the reason. Empty
/// today: the one that did (`OutputFileSearchCallItem` has a `results` its schema lacks) is kept
/// in `extra` since output items keep unknown fields.
const KNOWN_BAD_EXAMPLES: &[(&str, &str)] = &[];

/// `…/type: "message" was added`: a tag filled in with its value.
pub fn is_filled_in_tag(difference: &str) -> bool {
    let Some((at, rest)) = difference.split_once(": ") else { return false };
    (at.ends_with("/type") || at.ends_with("/object")) && rest.starts_with('"') && rest.ends_with("\" was added")
}

#[test]
fn component_examples_round_trip() {
    let Some(path) = openrouter_workspace_tests::shared_document("2026-08-22") else { return };
    let doc = xtask::spec::Document::read(&path).unwrap().value;
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object).unwrap();
    let (mut total, mut passed, mut by_stand_in, mut no_type) = (0, 0, 0, Vec::new());
    let mut failures = Vec::new();
    let mut known_bad_passing = Vec::new();
    for (name, schema) in schemas {
        let Some(example) = schema.get("example") else { continue };
        total += 1;
        let known = KNOWN_BAD_EXAMPLES.iter().find(|(n, _)| n == name);
        let outcome = match component_types::round_trip(name, example) {
            None => {
                no_type.push(name.as_str());
                continue;
            }
            Some(Err(e)) => Err(format!("does not decode: {e}")),
            Some(Ok(back)) => {
                let extended = component_types::stand_in(name).is_some_and(|why| why.starts_with("the allOf base"));
                match first_difference(&canonical(example), &canonical(&back), "") {
                    Some(d) if extended && d.ends_with(" was added") => Ok(()),
                    Some(d) if is_filled_in_tag(&d) => Ok(()),
                    None => Ok(()),
                    Some(d) => Err(format!("does not round-trip: {d}")),
                }
            }
        };
        match (outcome, known) {
            (Ok(()), None) => {
                passed += 1;
                by_stand_in += usize::from(component_types::stand_in(name).is_some());
            }
            (Ok(()), Some(_)) => known_bad_passing.push(name.as_str()),
            (Err(_), Some(_)) => {}
            (Err(e), None) => match component_types::stand_in(name) {
                Some(why) => failures.push(format!("{name} (decoded as {why}): {e}")),
                None => failures.push(format!("{name}: {e}")),
            },
        }
    }
    println!(
        "{passed}/{total} component examples decode into their generated type and encode back to equivalent JSON \
         ({by_stand_in} of them through the type standing for a component the crate has no type of its own for); \
         {} known bad (listed with reasons in tests/examples.rs); {} components have no type to decode into: {no_type:?}",
        KNOWN_BAD_EXAMPLES.len(),
        no_type.len()
    );
    assert!(failures.is_empty(), "{} examples fail:\n{}", failures.len(), failures.join("\n"));
    assert!(known_bad_passing.is_empty(), "these examples now pass; remove them from KNOWN_BAD_EXAMPLES: {known_bad_passing:?}");
    assert_eq!(total, 752, "the pinned document has 752 component examples");
}
