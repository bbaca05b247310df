//! Speech (text to audio bytes), transcription (audio to text) and video jobs (create, poll,
//! download).

use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use futures_util::TryStreamExt;
use openrouter_kit_api::types::{SpeechRequest, SttRequest, SttResponse, VideoGenerationRequest, VideoGenerationResponse, VideoGenerationResponseStatus};
use serde_json::json;

use crate::{Client, Error};

async fn collect(stream: openrouter_kit_api::ByteStream) -> Result<Bytes, Error> {
    let chunks: Vec<Bytes> = stream.into_inner().try_collect().await.map_err(Error::Transport)?;
    Ok(chunks.concat().into())
}

/// `client.audio()`.
#[derive(Debug, Clone, Copy)]
pub struct Audio<'a> {
    client: &'a Client,
}

impl<'a> Audio<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Text to speech: the audio bytes, in the request's `response_format`.
    pub async fn speech(self, request: &SpeechRequest) -> Result<Bytes, Error> {
        collect(crate::error::generated(self.client.api().create_audio_speech(request).await).await?).await
    }

    /// Any transcription request, as the document describes it.
    pub async fn transcription(self, request: &SttRequest) -> Result<SttResponse, Error> {
        crate::error::generated(self.client.api().create_audio_transcriptions(request).await).await
    }

    /// The text of `audio` (bytes in `format`: `wav`, `mp3`, …).
    pub async fn transcribe(self, model: &str, audio: &[u8], format: &str) -> Result<String, Error> {
        let data = base64::engine::general_purpose::STANDARD.encode(audio);
        let request: SttRequest = serde_json::from_value(json!({"model": model, "input_audio": {"data": data, "format": format}}))
            .map_err(|e| Error::Config(format!("the transcription request does not fit this version's type: {e}")))?;
        Ok(self.transcription(&request).await?.text.unwrap_or_default())
    }
}

/// `client.videos()`.
#[derive(Debug, Clone, Copy)]
pub struct Videos<'a> {
    client: &'a Client,
}

impl<'a> Videos<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Start a job.
    pub async fn create(self, request: &VideoGenerationRequest) -> Result<VideoGenerationResponse, Error> {
        crate::error::generated(self.client.api().create_videos(request).await).await
    }

    /// The job's state now.
    pub async fn get(self, job_id: &str) -> Result<VideoGenerationResponse, Error> {
        crate::error::generated(self.client.api().get_videos(job_id).await).await
    }

    /// Poll every `interval` until the job is completed, failed, cancelled or expired, for at
    /// most `timeout`; the last state either way (check `status`).
    pub async fn wait(self, job_id: &str, interval: Duration, timeout: Duration) -> Result<VideoGenerationResponse, Error> {
        let deadline = crate::clock::deadline(timeout);
        loop {
            let job = self.get(job_id).await?;
            let pending = matches!(job.status, Some(VideoGenerationResponseStatus::Pending | VideoGenerationResponseStatus::InProgress));
            if !pending || !crate::clock::fits(deadline, interval) {
                return Ok(job);
            }
            tokio::time::sleep(interval).await;
        }
    }

    /// The video bytes of a completed job (`index` for jobs with several outputs).
    pub async fn download(self, job_id: &str, index: Option<u64>) -> Result<Bytes, Error> {
        collect(crate::error::generated(self.client.api().list_videos_content(job_id, index).await).await?).await
    }
}
