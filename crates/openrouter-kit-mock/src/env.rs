//! The rule the examples follow: the real service when `OPENROUTER_API_KEY` is set, this mock
//! when it is not.

use crate::MockOpenRouter;

/// Where a program's requests go.
#[derive(Debug)]
pub enum Backend {
    /// OpenRouter itself (`OPENROUTER_API_KEY`, and `OPENROUTER_BASE_URL` if set).
    Real(openrouter_kit::Client),
    /// The bundled mock, offline; the client points at it.
    Mock {
        /// A client pointed at the mock.
        client: openrouter_kit::Client,
        /// The mock, to script its answers.
        mock: MockOpenRouter,
    },
}

impl Backend {
    /// The real service if `OPENROUTER_API_KEY` is set (and not empty), the mock otherwise.
    pub async fn from_env() -> Result<Self, openrouter_kit::Error> {
        match std::env::var("OPENROUTER_API_KEY") {
            Ok(key) if !key.trim().is_empty() => Ok(Backend::Real(openrouter_kit::Client::from_env()?)),
            _ => {
                let mock = MockOpenRouter::start().await;
                Ok(Backend::Mock { client: mock.client(), mock })
            }
        }
    }

    /// The client to use, whichever backend it talks to.
    pub fn client(&self) -> &openrouter_kit::Client {
        match self {
            Backend::Real(client) | Backend::Mock { client, .. } => client,
        }
    }

    /// The mock, when that is where requests go (to script its answers).
    pub fn mock(&self) -> Option<&MockOpenRouter> {
        match self {
            Backend::Real(_) => None,
            Backend::Mock { mock, .. } => Some(mock),
        }
    }

    /// One line saying where requests go, for a program's first line of output.
    pub fn describe(&self) -> String {
        match self {
            Backend::Real(client) => format!("OPENROUTER_API_KEY is set: talking to {}", client.base_url()),
            Backend::Mock { mock, .. } => format!(
                "OPENROUTER_API_KEY is not set: running offline against the bundled mock (openrouter-kit-mock at {})",
                mock.uri()
            ),
        }
    }
}
