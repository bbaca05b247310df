//! Files (`/files`). Upload is written by hand: it is `multipart/form-data`, which the generated
//! client cannot send (see `cargo xtask generate`'s summary). The other file operations are
//! pleasant as generated: `client.api().list_files(…)`, `get_file_metadata`,
//! `download_file_content`, `delete_file`.

use std::path::Path;

use openrouter_kit_api::types::FileResponse;

use crate::Error;
use crate::client::Client;

/// `client.files()`.
#[derive(Debug, Clone, Copy)]
pub struct Files<'a> {
    client: &'a Client,
}

impl<'a> Files<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Upload `bytes` as `filename` (the server tells the type from the contents; at most 100 MB).
    pub async fn upload(self, filename: &str, bytes: &[u8]) -> Result<FileResponse, Error> {
        let boundary = format!("openrouter-rs-{:016x}", fastrand::u64(..));
        let body = multipart_file(&boundary, filename, bytes);
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let answer = self.client.post_read("/files", "uploadFile", &content_type, body).await?;
        crate::error::decode("uploaded file", &answer.body)
    }

    /// Upload a file from disk under its own name.
    pub async fn upload_path(self, path: impl AsRef<Path>) -> Result<FileResponse, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
        self.upload(&name, &bytes).await
    }
}

/// A `multipart/form-data` body with one part, `file`. The file name is quoted with `"` and
/// CR/LF removed, so no name can break out of its header line.
fn multipart_file(boundary: &str, filename: &str, bytes: &[u8]) -> Vec<u8> {
    let safe: String = filename.chars().filter(|c| !matches!(c, '"' | '\r' | '\n' | '\\')).collect();
    let mut body = Vec::with_capacity(bytes.len() + 256);
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(format!("Content-Disposition: form-data; name=\"file\"; filename=\"{safe}\"\r\n").as_bytes());
    body.extend_from_slice(b"Content-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_one_file_part_and_names_cannot_inject_headers() {
        let body = multipart_file("B", "a\"b\r\nX-Evil: 1.pdf", b"%PDF");
        let text = String::from_utf8(body).unwrap();
        assert_eq!(
            text,
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"abX-Evil: 1.pdf\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n%PDF\r\n--B--\r\n"
        );
    }
}
