//! Loading an OpenAPI document (YAML or JSON) and the lock file that pins it.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Where OpenRouter publishes its document.
pub const UPSTREAM_URL: &str = "https://openrouter.ai/openapi.yaml";

/// The lock file, relative to the workspace root.
pub const LOCK_PATH: &str = "openapi/openapi.lock.toml";

/// Where `fetch` stores the document, relative to the workspace root (git-ignored).
pub const CACHE_PATH: &str = "openapi/cache/openapi.yaml";

/// A loaded document: its bytes' digest and the parsed tree.
pub struct Document {
    pub sha256: String,
    pub value: Value,
    /// What reading it accepted that a strict reader refuses (keys given twice, last one kept).
    pub warnings: Vec<String>,
}

impl Document {
    /// Parse bytes as YAML (a superset of JSON) and check that they are OpenAPI 3.x.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let sha256 = sha256_hex(bytes);
        let text = std::str::from_utf8(bytes).context("the document is not UTF-8")?;
        let (value, warnings) = match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text) {
            Ok(yaml) => (yaml_to_json(yaml)?, Vec::new()),
            // YAML readers of other ecosystems accept a key given twice in one mapping and keep
            // the last: so does this one, saying which keys it was.
            Err(e) if e.to_string().contains("duplicate entry") => {
                let mut duplicates = std::collections::BTreeMap::new();
                let deserializer = serde_yaml_ng::Deserializer::from_str(text);
                let value = serde::de::DeserializeSeed::deserialize(Lenient { duplicates: &mut duplicates }, deserializer)
                    .context("the document is neither YAML nor JSON")?;
                let warnings = duplicates
                    .into_iter()
                    .map(|(key, n)| format!("key `{key}` appears more than once in one mapping ({n} repeat(s)): the last value is kept"))
                    .collect();
                (value, warnings)
            }
            Err(e) => return Err(anyhow::Error::new(e).context("the document is neither YAML nor JSON")),
        };
        check_openapi_3(&value)?;
        // Every command reads the document here, so every one says so.
        for w in &warnings {
            eprintln!("warning: {w}");
        }
        Ok(Self { sha256, value, warnings })
    }

    pub fn read(path: &Path) -> Result<Self> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        Self::from_bytes(&bytes).with_context(|| format!("in {}", path.display()))
    }

    pub fn operation_count(&self) -> usize {
        operations(&self.value).count()
    }

    pub fn schema_count(&self) -> usize {
        self.value
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map_or(0, Map::len)
    }
}

/// Refuse anything that does not declare `openapi: 3.x` (Swagger 2.0, a random YAML file, an HTML
/// error page served with status 200).
pub fn check_openapi_3(value: &Value) -> Result<()> {
    match value.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(()),
        Some(v) => bail!(
            "this is OpenAPI {v}; the pipeline reads OpenAPI 3.0 and 3.1 documents only"
        ),
        None if value.get("swagger").is_some() => {
            bail!("this is a Swagger 2.0 document; the pipeline reads OpenAPI 3.0 and 3.1 only")
        }
        None => bail!("this is not an OpenAPI 3.x document: it has no `openapi` field"),
    }
}

/// HTTP methods that carry operations in a path item.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation as (path, method, operation object).
pub fn operations(doc: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.iter())
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |m| item.get(*m).map(|op| (path.as_str(), *m, op)))
        })
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads YAML into JSON as [`yaml_to_json`] does, keeping the last of duplicate keys and
/// counting them (by key) instead of failing.
struct Lenient<'a> {
    duplicates: &'a mut std::collections::BTreeMap<String, usize>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Lenient<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Lenient<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        serde::de::DeserializeSeed::deserialize(self, d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Lenient { duplicates: &mut *self.duplicates })? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Lenient { duplicates: &mut *self.duplicates })? {
            let key = match key {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => return Err(serde::de::Error::custom(format!("unsupported mapping key {other}"))),
            };
            let value = map.next_value_seed(Lenient { duplicates: &mut *self.duplicates })?;
            if out.insert(key.clone(), value).is_some() {
                *self.duplicates.entry(key).or_insert(0) += 1;
            }
        }
        Ok(Value::Object(out))
    }
}

/// YAML allows non-string keys (`200:` for a status); JSON schema tooling wants strings.
fn yaml_to_json(yaml: serde_yaml_ng::Value) -> Result<Value> {
    use serde_yaml_ng::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            Value::Array(items.into_iter().map(yaml_to_json).collect::<Result<_>>()?)
        }
        Y::Mapping(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => bail!("unsupported mapping key {other:?}"),
                };
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

/// The committed pin of the document the generated crate was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// Where OpenRouter publishes the document.
    pub upstream: String,
    /// Where this copy came from: the upstream URL, or the file name of a local copy.
    pub source: String,
    pub sha256: String,
    /// The document's own date (see [`crate::fetch::fetch`] for where it comes from).
    pub date: String,
    /// Where the date came from: `info.version`, `file name`, `Last-Modified` or `--date`.
    #[serde(default)]
    pub date_from: String,
    pub openapi: String,
    pub title: String,
    pub version: String,
    pub operations: usize,
    pub schemas: usize,
}

impl Lock {
    pub fn read(root: &Path) -> Result<Option<Self>> {
        let path = root.join(LOCK_PATH);
        if !path.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path)?;
        Ok(Some(toml::from_str(&text).with_context(|| format!("in {}", path.display()))?))
    }

    pub fn write(&self, root: &Path) -> Result<()> {
        let body = toml::to_string(self)?;
        let text = format!(
            "# The OpenAPI document `crates/openrouter-kit-api` is generated from.\n\
             # Written by `cargo xtask fetch`; checked by `cargo xtask generate`.\n{body}"
        );
        std::fs::write(root.join(LOCK_PATH), text)?;
        Ok(())
    }
}

/// The workspace root (the parent of the xtask crate).
pub fn workspace_root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

/// Every document in `../shared/openapi/`, oldest first (empty when the folder is absent).
pub fn shared_documents(root: &Path) -> Result<Vec<PathBuf>> {
    let dir = root.join("..").join("shared").join("openapi");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    docs.sort();
    Ok(docs)
}

/// The shared copy of a dated document beside the checkout, if present.
pub fn shared_document(root: &Path, date: &str) -> PathBuf {
    root.join("..").join("shared").join("openapi").join(format!("openrouter-{date}.yaml"))
}

#[cfg(test)]
mod duplicate_key_tests {
    use super::*;

    #[test]
    fn a_key_given_twice_is_read_last_one_wins_with_a_warning_naming_it() {
        let yaml = b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n      requestBody:\n        required: false\n        required: true\n        content: {}\n      responses:\n        200: {description: ok}\n";
        let doc = Document::from_bytes(yaml).unwrap();
        assert_eq!(doc.value["paths"]["/x"]["post"]["requestBody"]["required"], Value::Bool(true));
        assert_eq!(doc.value["paths"]["/x"]["post"]["responses"]["200"]["description"], "ok", "numeric keys become strings");
        assert_eq!(doc.warnings.len(), 1);
        assert!(doc.warnings[0].contains("key `required`"), "{:?}", doc.warnings);
        // Without duplicates: the strict reader, no warning.
        let clean = Document::from_bytes(b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap();
        assert!(clean.warnings.is_empty());
        // What is not YAML at all is still refused.
        assert!(Document::from_bytes(b"openapi: [unclosed").is_err());
    }
}
