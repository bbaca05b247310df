//! Generation lookup (`GET /generation?id=`): what a request cost, which provider served it,
//! token counts. The record appears a little after the request ends (OpenRouter writes it
//! asynchronously), so [`Generations::wait`] polls while the answer is `404`.

use std::time::Duration;

use openrouter_kit_api::types::GenerationResponse;

use crate::{Client, Error};

/// `client.generations()`.
#[derive(Debug, Clone, Copy)]
pub struct Generations<'a> {
    client: &'a Client,
}

impl<'a> Generations<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// The record now; `404` (not written yet, or no such id) is [`Error::Api`].
    pub async fn get(self, id: &str) -> Result<GenerationResponse, Error> {
        crate::error::generated(self.client.api().get_generation(id).await).await
    }

    /// The record, asking again every `interval` while the answer is `404`, for at most
    /// `timeout`; then the last `404`.
    pub async fn wait(self, id: &str, interval: Duration, timeout: Duration) -> Result<GenerationResponse, Error> {
        let deadline = crate::clock::deadline(timeout);
        loop {
            match self.get(id).await {
                Err(e) if e.status().map(|s| s.as_u16()) == Some(404) && crate::clock::fits(deadline, interval) => {
                    tracing::debug!(id, "generation not recorded yet; polling");
                    tokio::time::sleep(interval).await;
                }
                other => return other,
            }
        }
    }
}
