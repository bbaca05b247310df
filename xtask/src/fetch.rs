//! `cargo xtask fetch`: get the document and pin it.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::spec::{self, Document, Lock};

/// Read the document from a URL or a local path (default: upstream), check it, store it at
/// [`spec::CACHE_PATH`] and write the lock.
///
/// The lock's date is the document's own, never the clock's: `date` when given, else one the
/// document states (a date in `info.version`), else the date in a local copy's file name, else
/// the upstream answer's `Last-Modified`. A document that none of these dates is refused, asking
/// for `--date`.
pub fn fetch(root: &Path, from: Option<&str>, date: Option<&str>) -> Result<Lock> {
    let source = from.unwrap_or(spec::UPSTREAM_URL);
    let is_url = source.starts_with("http://") || source.starts_with("https://");
    let (bytes, last_modified) = if is_url {
        download(source)?
    } else {
        (std::fs::read(source).with_context(|| format!("cannot read {source}"))?, None)
    };
    let doc = Document::from_bytes(&bytes).with_context(|| format!("the document at {source}"))?;
    let label = if is_url {
        source.to_string()
    } else {
        // Never record a path of this machine: the file name says which copy it was.
        Path::new(source).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()
    };
    let version = doc.value.pointer("/info/version").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let (date, date_from) = match date {
        Some(d) => (date_of(d).with_context(|| format!("--date {d} is not a YYYY-MM-DD date"))?, "--date"),
        None => match (date_of(&version), date_of(&label), last_modified.as_deref().and_then(http_date)) {
            (Some(d), _, _) => (d, "info.version"),
            (None, Some(d), _) => (d, "file name"),
            (None, None, Some(d)) => (d, "Last-Modified"),
            (None, None, None) => bail!(
                "cannot tell the date of {label}: neither the document, its file name nor the server's answer gives one; pass --date YYYY-MM-DD (the date it was published)"
            ),
        },
    };
    let cache = root.join(spec::CACHE_PATH);
    if let Some(dir) = cache.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&cache, &bytes)?;
    let lock = Lock {
        upstream: spec::UPSTREAM_URL.to_string(),
        date,
        date_from: date_from.to_string(),
        source: label,
        sha256: doc.sha256.clone(),
        openapi: doc.value["openapi"].as_str().unwrap_or_default().to_string(),
        title: doc.value.pointer("/info/title").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        version,
        operations: doc.operation_count(),
        schemas: doc.schema_count(),
    };
    lock.write(root)?;
    Ok(lock)
}

/// Download with a bounded wait; a non-2xx status is an error that names it. Returns the body
/// and the `Last-Modified` header.
pub fn download(url: &str) -> Result<(Vec<u8>, Option<String>)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(120)))
        .http_status_as_error(true)
        .build()
        .into();
    let mut response = agent.get(url).call().with_context(|| format!("GET {url}"))?;
    let last_modified = response.headers().get("last-modified").and_then(|v| v.to_str().ok()).map(str::to_string);
    let bytes = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .with_context(|| format!("reading the body of {url}"))?;
    Ok((bytes, last_modified))
}

/// `Wed, 19 Aug 2026 07:28:00 GMT` (an HTTP date) → `2026-08-19`.
fn http_date(text: &str) -> Option<String> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let mut parts = text.split_whitespace().skip(1);
    let day: u32 = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == name)? + 1;
    let year: u32 = parts.next()?.parse().ok()?;
    (1..=31).contains(&day).then(|| format!("{year:04}-{month:02}-{day:02}"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date_of("openrouter-2026-08-22.yaml").as_deref(), Some("2026-08-22"));
        assert_eq!(date_of("openapi.yaml"), None);
        assert_eq!(http_date("Wed, 19 Aug 2026 07:28:00 GMT").as_deref(), Some("2026-08-19"));
        assert_eq!(http_date("yesterday"), None);
    }
}
