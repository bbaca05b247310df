//! API-key management (`/keys`, a management key required). Wrapped to give the list a name
//! (the generated method is called `list`) and to return this crate's errors.

use openrouter_kit_api::types::{CreateKeysBody, CreateKeysResponse, DeleteKeysResponse, GetKeyResponse, ListResponse, UpdateKeysBody, UpdateKeysResponse};

use crate::{Client, Error};

/// `client.keys()`.
#[derive(Debug, Clone, Copy)]
pub struct Keys<'a> {
    client: &'a Client,
}

impl<'a> Keys<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// The keys, disabled ones too if asked; `offset` pages.
    pub async fn list(self, include_disabled: bool, offset: Option<u64>) -> Result<ListResponse, Error> {
        let include = include_disabled.then_some("true");
        crate::error::generated(self.client.api().list(include, offset, None).await).await
    }

    /// A new key; the response holds its secret, shown this once.
    pub async fn create(self, body: &CreateKeysBody) -> Result<CreateKeysResponse, Error> {
        crate::error::generated(self.client.api().create_keys(body).await).await
    }

    /// The key with this hash.
    pub async fn get(self, hash: &str) -> Result<GetKeyResponse, Error> {
        crate::error::generated(self.client.api().get_key(hash).await).await
    }

    /// Changes the key with this hash (name, limit, disabled, …).
    pub async fn update(self, hash: &str, body: &UpdateKeysBody) -> Result<UpdateKeysResponse, Error> {
        crate::error::generated(self.client.api().update_keys(hash, body).await).await
    }

    /// Deletes the key with this hash.
    pub async fn delete(self, hash: &str) -> Result<DeleteKeysResponse, Error> {
        crate::error::generated(self.client.api().delete_keys(hash).await).await
    }
}
