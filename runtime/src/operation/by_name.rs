//! Actions by name, with JSON in and out (the `json` feature): the table
//! behind a generated `Client::invoke` and the mock's decoding.

use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::{send, Operation};
use crate::{Client, Error, Family};

/// A future that [`Entry::invoke`] returns.
pub type JsonCall<'a> = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send + 'a>>;

/// One action of a version, by name, for calls and decoding with JSON.
#[derive(Clone, Copy)]
pub struct Entry {
    /// The action's wire name.
    pub name: &'static str,
    /// Reads JSON params into the typed request, sends it and gives the
    /// typed reply back as JSON.
    pub invoke: for<'a> fn(&'a Client, Value) -> JsonCall<'a>,
    /// Decodes a reply body (status 200) as a call does and gives the
    /// typed reply back as JSON.
    pub decode: fn(Family, &[u8]) -> Result<Value, Error>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry").field("name", &self.name).finish()
    }
}

impl Entry {
    /// The entry of the action whose request type is `O`.
    pub const fn of<O>() -> Entry
    where
        O: Operation + DeserializeOwned + Send + Sync + 'static,
        O::Output: Serialize + Send,
    {
        Entry {
            name: O::ACTION.name,
            invoke: invoke_typed::<O>,
            decode: decode_typed::<O>,
        }
    }
}

fn invoke_typed<O>(client: &Client, params: Value) -> JsonCall<'_>
where
    O: Operation + DeserializeOwned + Send + Sync + 'static,
    O::Output: Serialize + Send,
{
    Box::pin(async move {
        let action = O::ACTION.name;
        let request: O = serde_json::from_value(params).map_err(|e| Error::Encode {
            action: action.to_owned(),
            message: format!("the params do not fit the request: {e}"),
        })?;
        to_json(action, send(client, request).await?)
    })
}

fn decode_typed<O: Operation>(family: Family, body: &[u8]) -> Result<Value, Error>
where
    O::Output: Serialize,
{
    let action = O::ACTION.name;
    let reply = crate::reply::decode_reply::<O::Output>(family, action, 200, body)?;
    to_json(action, reply)
}

/// A typed reply as JSON.
fn to_json(action: &str, reply: impl Serialize) -> Result<Value, Error> {
    serde_json::to_value(reply).map_err(|e| Error::Decode {
        action: action.to_owned(),
        status: 200,
        message: format!("the typed reply does not serialize: {e}"),
        body: String::new(),
    })
}

fn find<'t>(table: &'t [Entry], action: &str) -> Option<&'t Entry> {
    table.iter().find(|entry| entry.name == action)
}

/// Calls `action` of `table` with JSON params, through its typed request
/// and reply: the params must fit the request struct.
pub async fn invoke(
    client: &Client,
    table: &[Entry],
    action: &str,
    params: Value,
) -> Result<Value, Error> {
    match find(table, action) {
        Some(entry) => (entry.invoke)(client, params).await,
        None => Err(Error::Config(format!("unknown action `{action}`"))),
    }
}

/// Decodes a reply body of `action` as a call does, into the action's
/// typed reply, and gives that back as JSON; `None` for an action the
/// table does not have.
pub fn decode(
    table: &[Entry],
    family: Family,
    action: &str,
    body: &[u8],
) -> Option<Result<Value, Error>> {
    find(table, action).map(|entry| (entry.decode)(family, body))
}
