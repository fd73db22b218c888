//! Actions as types: each generated request implements [`Operation`], which
//! names its reply type and its [`Action`] facts. What used to be written
//! once per action in every generated crate (the body of each call method,
//! the arms of `Client::invoke`, the mock's decoder) is written once here:
//!
//! - a call method is `operation::send(&self.inner, request)`;
//! - with the `json` feature, a version's `Entry` table
//!   (`Entry::of::<Request>()` per action) is the data behind calling an
//!   action by name with JSON (`invoke`) and decoding a reply body by action
//!   name (`decode`), which the mock endpoint and the example checks use.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Action, Client, Error};

#[cfg(feature = "json")]
mod by_name;
#[cfg(feature = "json")]
pub use by_name::{decode, invoke, Entry, JsonCall};

/// A request type: what its action is and what its reply decodes into.
pub trait Operation: Serialize {
    /// The typed reply.
    type Output: DeserializeOwned;
    /// The action's name and retry facts.
    const ACTION: Action;
}

/// Sends `request` and decodes its reply: the body of every generated
/// call method.
pub async fn send<O: Operation>(client: &Client, request: O) -> Result<O::Output, Error> {
    client.call_action(&O::ACTION, &request).await
}
