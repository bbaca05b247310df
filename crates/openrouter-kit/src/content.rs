//! Multimodal message content: text, images, files (PDF, …) and audio, for chat and Responses.
//!
//! A [`Part`] is our own convenience, not a type of the document: chat and the Responses API
//! spell the same content differently (`image_url` vs `input_image`, `file.file_data` vs
//! `file_data`), and applications should not have to know both. [`Part::to_chat`] and
//! [`Part::to_responses`] produce each endpoint's JSON shape.

use std::path::Path;

use base64::Engine;
use serde_json::{Value, json};

use crate::Error;

/// One piece of a message's content.
#[derive(Clone, PartialEq)]
pub enum Part {
    /// Text.
    Text {
        /// The text.
        text: String,
        /// Mark it as a prompt-cache breakpoint (`cache_control: ephemeral`).
        cache: bool,
    },
    /// `url` is an `https:` URL or a `data:` URL.
    Image {
        /// The image: an `https:` URL or a `data:` URL.
        url: String,
        /// `low`, `high` or `auto`; the provider's default when `None`.
        detail: Option<String>,
    },
    /// `data` is a URL or a `data:` URL; `filename` tells providers what it is.
    File {
        /// The file's name, which tells providers what it is.
        filename: String,
        /// A URL or a `data:` URL.
        data: String,
    },
    /// Base64 audio and its format (`wav`, `mp3`, …).
    Audio {
        /// Base64 audio.
        data: String,
        /// `wav`, `mp3`, …
        format: String,
    },
}

impl std::fmt::Debug for Part {
    // Base64 payloads run to megabytes; show their size, not their bytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short = |s: &str| {
            if s.len() <= 96 {
                return s.to_string();
            }
            let head: String = s.chars().take(64).collect();
            format!("{head}… ({} bytes)", s.len())
        };
        match self {
            Part::Text { text, cache } => f.debug_struct("Text").field("text", text).field("cache", cache).finish(),
            Part::Image { url, detail } => f.debug_struct("Image").field("url", &short(url)).field("detail", detail).finish(),
            Part::File { filename, data } => f.debug_struct("File").field("filename", filename).field("data", &short(data)).finish(),
            Part::Audio { data, format } => f.debug_struct("Audio").field("data", &short(data)).field("format", format).finish(),
        }
    }
}

impl Part {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        Part::Text { text: text.into(), cache: false }
    }

    /// Mark a text part as a prompt-cache breakpoint (`cache_control: {type: ephemeral}`;
    /// Anthropic and Gemini models cache up to here). No effect on other parts.
    pub fn cached(self) -> Self {
        match self {
            Part::Text { text, .. } => Part::Text { text, cache: true },
            other => other,
        }
    }

    /// An image the provider fetches itself.
    pub fn image_url(url: impl Into<String>) -> Self {
        Part::Image { url: url.into(), detail: None }
    }

    /// An image sent inline as a base64 `data:` URL; the MIME type is read from the bytes
    /// (PNG, JPEG, GIF, WebP), or an error if they are none of those.
    pub fn image_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mime = sniff_image(bytes).ok_or_else(|| Error::Config("the bytes are not a PNG, JPEG, GIF or WebP image".into()))?;
        Ok(Part::Image { url: data_url(mime, bytes), detail: None })
    }

    /// An image file read from disk and sent inline.
    pub fn image_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::image_bytes(&read(path.as_ref())?)
    }

    /// `low`, `high`, `auto` (or `original`, OpenRouter's extension) for an image part.
    pub fn detail(self, level: impl Into<String>) -> Self {
        match self {
            Part::Image { url, .. } => Part::Image { url, detail: Some(level.into()) },
            other => other,
        }
    }

    /// A document (PDF, text, …) sent inline; the MIME type comes from the file name's extension.
    pub fn file_bytes(filename: impl Into<String>, bytes: &[u8]) -> Self {
        let filename = filename.into();
        let mime = mime_from_extension(&filename);
        Part::File { data: data_url(mime, bytes), filename }
    }

    /// A document the provider fetches by URL (`https://…/paper.pdf`).
    pub fn file_url(filename: impl Into<String>, url: impl Into<String>) -> Self {
        Part::File { filename: filename.into(), data: url.into() }
    }

    /// A document read from disk and sent inline, named after its file name.
    pub fn file_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
        Ok(Self::file_bytes(name, &read(path)?))
    }

    /// Audio bytes in `format` (`wav`, `mp3`, `flac`, `m4a`, `ogg`, …).
    pub fn audio_bytes(bytes: &[u8], format: impl Into<String>) -> Self {
        Part::Audio { data: base64::engine::general_purpose::STANDARD.encode(bytes), format: format.into() }
    }

    /// An audio file read from disk; its format is its extension.
    pub fn audio_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let format = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .ok_or_else(|| Error::Config(format!("{} has no extension to tell its audio format", path.display())))?;
        Ok(Self::audio_bytes(&read(path)?, format))
    }

    /// This part in chat completions' content shape.
    pub fn to_chat(&self) -> Value {
        match self {
            Part::Text { text, cache: false } => json!({"type": "text", "text": text}),
            Part::Text { text, cache: true } => json!({"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}),
            Part::Image { url, detail } => {
                let mut image = json!({"url": url});
                if let Some(d) = detail {
                    image["detail"] = json!(d);
                }
                json!({"type": "image_url", "image_url": image})
            }
            Part::File { filename, data } => json!({"type": "file", "file": {"filename": filename, "file_data": data}}),
            Part::Audio { data, format } => json!({"type": "input_audio", "input_audio": {"data": data, "format": format}}),
        }
    }

    /// This part in the Responses API's input content shape.
    pub fn to_responses(&self) -> Value {
        match self {
            Part::Text { text, cache: false } => json!({"type": "input_text", "text": text}),
            Part::Text { text, cache: true } => json!({"type": "input_text", "text": text, "cache_control": {"type": "ephemeral"}}),
            Part::Image { url, detail } => {
                json!({"type": "input_image", "image_url": url, "detail": detail.as_deref().unwrap_or("auto")})
            }
            Part::File { filename, data } if data.starts_with("data:") => {
                json!({"type": "input_file", "filename": filename, "file_data": data})
            }
            Part::File { filename, data } => json!({"type": "input_file", "filename": filename, "file_url": data}),
            Part::Audio { data, format } => json!({"type": "input_audio", "input_audio": {"data": data, "format": format}}),
        }
    }
}

impl From<&str> for Part {
    fn from(text: &str) -> Self {
        Part::text(text)
    }
}

impl From<String> for Part {
    fn from(text: String) -> Self {
        Part::text(text)
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))
}

fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The image formats providers accept, by their magic numbers (an extension can lie).
fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

fn mime_from_extension(filename: &str) -> &'static str {
    let ext = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "md" => "text/markdown",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];

    #[test]
    fn image_bytes_become_a_data_url_with_the_sniffed_type() {
        let part = Part::image_bytes(PNG).unwrap().detail("high");
        assert_eq!(part.to_chat(), json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAA==", "detail": "high"}}));
        assert_eq!(part.to_responses()["type"], "input_image");
        assert_eq!(part.to_responses()["image_url"], "data:image/png;base64,iVBORw0KGgoAAA==");
        let jpeg = Part::image_bytes(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap();
        assert!(matches!(jpeg, Part::Image { ref url, .. } if url.starts_with("data:image/jpeg;base64,")));
    }

    #[test]
    fn bytes_that_are_not_an_image_are_refused() {
        let err = Part::image_bytes(b"%PDF-1.7").unwrap_err();
        assert!(err.to_string().contains("not a PNG"), "{err}");
    }

    #[test]
    fn files_read_from_disk_keep_their_name_and_type() {
        let dir = std::env::temp_dir().join(format!("openrouter-content-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pdf = dir.join("report.pdf");
        std::fs::write(&pdf, b"%PDF-1.7 hello").unwrap();
        let part = Part::file_path(&pdf).unwrap();
        let chat = part.to_chat();
        assert_eq!(chat["file"]["filename"], "report.pdf");
        assert!(chat["file"]["file_data"].as_str().unwrap().starts_with("data:application/pdf;base64,JVBERi0xLjcg"));
        assert_eq!(part.to_responses()["type"], "input_file");

        let wav = dir.join("hello.WAV");
        std::fs::write(&wav, b"RIFF....WAVE").unwrap();
        let audio = Part::audio_file(&wav).unwrap();
        assert_eq!(audio.to_chat(), json!({"type": "input_audio", "input_audio": {"data": "UklGRi4uLi5XQVZF", "format": "wav"}}));

        let missing = Part::image_file(dir.join("nope.png")).unwrap_err();
        assert!(missing.to_string().contains("nope.png"), "{missing}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn remote_files_and_cached_text() {
        let part = Part::file_url("paper.pdf", "https://example.com/paper.pdf");
        assert_eq!(part.to_responses(), json!({"type": "input_file", "filename": "paper.pdf", "file_url": "https://example.com/paper.pdf"}));
        assert_eq!(Part::text("long context").cached().to_chat()["cache_control"], json!({"type": "ephemeral"}));
    }

    #[test]
    fn debug_does_not_dump_payloads() {
        let part = Part::audio_bytes(&[7u8; 10_000], "mp3");
        let shown = format!("{part:?}");
        assert!(shown.len() < 200 && shown.contains("bytes"), "{shown}");
    }
}
