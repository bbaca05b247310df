//! Models: the list with filters, one model, its endpoints, the count, the user's list.
//!
//! Wrapped because the generated `get_models` takes 31 positional `Option`s (and a new filter
//! in the document would shift them); [`ModelFilter`] names them.

use serde_json::json;

use openrouter_kit_api::types::{ModelResponse, ModelsCountResponse, ModelsListResponse};

use crate::{Client, Error};

/// `client.models()`.
#[derive(Debug, Clone, Copy)]
pub struct Models<'a> {
    client: &'a Client,
}

/// Filters of the model list; the server applies them. Empty lists and `None` mean "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelFilter {
    /// Only models supporting all of these request parameters (`tools`, `response_format`, …).
    pub supported_parameters: Vec<String>,
    /// Only models taking these input modalities (`text`, `image`, `audio`, `file`, `video`).
    pub input_modalities: Vec<String>,
    /// Output modalities the model must have (`text`, `image`, `audio`, …).
    pub output_modalities: Vec<String>,
    /// At most this price (USD per million prompt tokens).
    pub max_price: Option<f64>,
    /// At most this price per million completion tokens.
    pub max_output_price: Option<f64>,
    /// At least this context length.
    pub context: Option<i64>,
    /// A category (`programming`, `roleplay`, …).
    pub category: Option<String>,
    /// Free-text search.
    pub query: Option<String>,
    /// Only these providers' models (`openai`, `anthropic`).
    pub providers: Vec<String>,
    /// A sort order the API knows (`newest`, `pricing-low-to-high`, …).
    pub sort: Option<String>,
    /// At most this many models.
    pub limit: Option<i64>,
    /// Skip this many first.
    pub offset: Option<u64>,
}

impl ModelFilter {
    /// Only models that support this request parameter (`tools`, `response_format`, …).
    pub fn supporting(mut self, parameter: &str) -> Self {
        self.supported_parameters.push(parameter.into());
        self
    }

    /// Only models that take this input modality.
    pub fn input(mut self, modality: &str) -> Self {
        self.input_modalities.push(modality.into());
        self
    }

    /// Only models that give this output modality.
    pub fn output(mut self, modality: &str) -> Self {
        self.output_modalities.push(modality.into());
        self
    }

    /// Only models whose prompt price is at most this, in US dollars per million tokens.
    pub fn max_price(mut self, usd_per_million_prompt_tokens: f64) -> Self {
        self.max_price = Some(usd_per_million_prompt_tokens);
        self
    }
}

fn joined(values: &[String]) -> Option<String> {
    (!values.is_empty()).then(|| values.join(","))
}

/// A server-controlled enum from its text (unknown values are kept, never rejected).
fn open<T: serde::de::DeserializeOwned>(value: &Option<String>) -> Option<T> {
    value.as_ref().and_then(|v| serde_json::from_value(json!(v)).ok())
}

impl<'a> Models<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// The models that pass `filter` (the server filters what it can, the rest is filtered here).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use openrouter_kit::ModelFilter;
    /// let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    /// let filter = ModelFilter::default().supporting("tools").input("image");
    /// let models = mock.client().models().list(&filter).await?;
    /// for model in models.data.iter() {
    ///     println!("{}", model.id.as_deref().unwrap_or_default());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn list(self, filter: &ModelFilter) -> Result<ModelsListResponse, Error> {
        let f = filter;
        let (params, inputs, outputs, providers) =
            (joined(&f.supported_parameters), joined(&f.input_modalities), joined(&f.output_modalities), joined(&f.providers));
        let response = self
            .client
            .api()
            .get_models(
                None,
                open(&f.category),
                f.context,
                None,
                inputs.as_deref(),
                f.limit,
                None,
                None,
                None,
                None,
                f.max_output_price,
                f.max_price,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                f.offset,
                outputs.as_deref(),
                providers.as_deref(),
                f.query.as_deref(),
                None,
                open(&f.sort),
                params.as_deref(),
                None,
                None,
                None,
            )
            .await;
        crate::error::generated(response).await
    }

    /// One model by id (`openai/gpt-4o`).
    pub async fn get(self, id: &str) -> Result<ModelResponse, Error> {
        let (author, slug) = split(id)?;
        crate::error::generated(self.client.api().get_model(author, slug).await).await
    }

    /// The request parameters a model supports (`temperature`, `tools`, …): legacy
    /// `GET /parameters/{author}/{slug}`, dropped from the document after 2025-10-23 and still
    /// answered by the service; `provider` narrows it to one provider's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), openrouter_kit::Error> {
    /// # let mock = openrouter_kit_mock::MockOpenRouter::start().await;
    /// # let client = mock.client();
    /// let parameters = client.models().parameters("openai/gpt-4", None).await?;
    /// let supported = parameters.data.and_then(|d| d.supported_parameters).unwrap_or_default();
    /// # assert!(!supported.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn parameters(self, id: &str, provider: Option<&str>) -> Result<openrouter_kit_api::types::ModelParametersResponse, Error> {
        let (author, slug) = split(id)?;
        crate::error::generated(self.client.api().get_parameters(author, slug, provider).await).await
    }

    /// The providers serving a model, with their prices, limits and uptime.
    /// The model's endpoints (providers serving it, with their pricing and limits): the `data`
    /// of the answer's envelope.
    pub async fn endpoints(self, id: &str) -> Result<openrouter_kit_api::types::ListEndpointsResponse, Error> {
        let (author, slug) = split(id)?;
        let envelope = crate::error::generated(self.client.api().list_endpoints(author, slug).await).await?;
        envelope.data.ok_or_else(|| {
            Error::Decode(Box::new(crate::error::DecodeError {
                what: "model endpoints",
                path: "data".into(),
                snippet: serde_json::to_string(&envelope.extra).unwrap_or_default(),
                source: serde::de::Error::missing_field("data"),
            }))
        })
    }

    /// How many models there are.
    pub async fn count(self) -> Result<ModelsCountResponse, Error> {
        crate::error::generated(self.client.api().list_models_count(None).await).await
    }

    /// The models the key's user has enabled (their provider preferences applied).
    pub async fn for_user(self) -> Result<ModelsListResponse, Error> {
        crate::error::generated(self.client.api().list_models_user(None, None).await).await
    }
}

fn split(id: &str) -> Result<(&str, &str), Error> {
    id.split_once('/').filter(|(a, s)| !a.is_empty() && !s.is_empty()).ok_or_else(|| Error::Config(format!("a model id is author/slug, not {id:?}")))
}
