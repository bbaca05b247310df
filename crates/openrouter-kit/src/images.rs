//! Image generation (`POST /images`): one answer, or a stream of partial images.

use serde::Serialize;

use crate::Error;
use crate::client::Client;
use crate::stream::EventStream;
use openrouter_kit_api::types::{ImageGenerationResponse, ImageStreamingResponseData};

/// `client.images()`.
#[derive(Debug, Clone, Copy)]
pub struct Images<'a> {
    client: &'a Client,
}

/// Events carry `type` (`image_generation.partial_image`, `.completed`, …); `{type: "error",
/// error}` ends the stream as an `Err`.
impl<'a> Images<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Generate images; the whole answer.
    pub async fn create<R: Serialize + ?Sized>(self, request: &R) -> Result<ImageGenerationResponse, Error> {
        self.client.create("/images", "createImages", "image generation", request).await
    }

    /// Generate images, streamed: partial images, then the final one (`image_generation.completed`).
    pub async fn stream<R: Serialize + ?Sized>(self, request: &R) -> Result<EventStream<ImageStreamingResponseData>, Error> {
        self.client.stream("/images", "createImages", request).await
    }
}
