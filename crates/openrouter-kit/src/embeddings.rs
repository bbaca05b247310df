//! Embeddings and rerank: the typed request is pleasant as generated; these add the common
//! "texts in, vectors out" shape.

use openrouter_kit_api::types::{CreateEmbeddingsBody, CreateEmbeddingsBodyInput, CreateEmbeddingsResponse, CreateEmbeddingsResponseDataItemEmbedding, CreateRerankBody, CreateRerankResponse};
use serde_json::json;

use crate::{Client, Error};

/// `client.embeddings()`.
#[derive(Debug, Clone, Copy)]
pub struct Embeddings<'a> {
    client: &'a Client,
}

impl<'a> Embeddings<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Any embeddings request, as the document describes it.
    pub async fn create(self, body: &CreateEmbeddingsBody) -> Result<CreateEmbeddingsResponse, Error> {
        crate::error::generated(self.client.api().create_embeddings(body).await).await
    }

    /// One vector per text, in the texts' order (by each item's `index`). A base64 embedding
    /// (requested with `encoding_format: base64`) is an error here; use [`Self::create`].
    pub async fn embed<S: Into<String>>(&self, model: &str, texts: impl IntoIterator<Item = S>) -> Result<Vec<Vec<f64>>, Error> {
        let texts: Vec<String> = texts.into_iter().map(Into::into).collect();
        let body = CreateEmbeddingsBody {
            input: CreateEmbeddingsBodyInput::StringArray(texts.clone()),
            ..serde_json::from_value(json!({"model": model, "input": []})).map_err(|e| Error::Config(e.to_string()))?
        };
        let response = self.create(&body).await?;
        let mut items: Vec<_> = response.data.into_vec();
        items.sort_by_key(|d| d.index.unwrap_or(0));
        let vectors: Vec<Vec<f64>> = items
            .into_iter()
            .map(|d| match d.embedding {
                Some(CreateEmbeddingsResponseDataItemEmbedding::Array(v)) => Ok(v),
                _ => Err(Error::Config("an embedding came back base64-encoded or empty; use create()".into())),
            })
            .collect::<Result<_, _>>()?;
        if vectors.len() != texts.len() {
            return Err(Error::Config(format!("{} texts sent, {} embeddings received", texts.len(), vectors.len())));
        }
        Ok(vectors)
    }

    /// Rerank `documents` by relevance to `query`; results best first, each with its index.
    pub async fn rerank<S: Into<String>>(&self, model: &str, query: &str, documents: impl IntoIterator<Item = S>) -> Result<CreateRerankResponse, Error> {
        let documents: Vec<String> = documents.into_iter().map(Into::into).collect();
        let body: CreateRerankBody = serde_json::from_value(json!({"model": model, "query": query, "documents": documents}))
            .map_err(|e| Error::Config(format!("the rerank request does not fit this version's type: {e}")))?;
        crate::error::generated(self.client.api().create_rerank(&body).await).await
    }
}
