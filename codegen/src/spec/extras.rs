//! The serde model of the optional per-version files next to
//! `service.json`: `errorcodes.json` (the service's documented error codes)
//! and `waiters.json` (how to wait for a resource state). They mirror
//! `$defs/errorcodes` and `$defs/waiters` of the schema.

use serde::{Deserialize, Serialize};

/// `errorcodes.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCodes {
    /// Where the list comes from.
    pub source: String,
    /// In code order.
    pub codes: Vec<ErrorCodeDef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCodeDef {
    /// `FailedOperation.AccountVerifyFailed`.
    pub code: String,
    pub description: String,
    /// The Rust variant name, when the one made from `code` is taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

/// `waiters.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiters {
    pub waiters: Vec<WaiterDef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterDef {
    /// `InstancesRunning`: the method is `wait_until_instances_running`.
    pub name: String,
    pub description: String,
    /// The action polled.
    pub action: String,
    /// Its input member (a list of strings) the awaited ids go into.
    pub ids: String,
    /// Its input member set to the number of ids, so one page holds them all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// Its output member listing the resources.
    pub items: String,
    /// The field of a listed resource holding its id.
    pub id: String,
    /// The field of a listed resource holding its state.
    pub state: String,
    /// The first acceptor that matches decides; nothing matching: poll again.
    pub acceptors: Vec<AcceptorDef>,
    pub interval_seconds: u64,
    pub timeout_seconds: u64,
}

/// Exactly one of `state`, `absent` and `error` is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptorDef {
    /// The resource's state equals this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The reply does not list the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent: Option<bool>,
    /// The call fails with this error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub result: AcceptorResult,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AcceptorResult {
    Success,
    Failure,
    Retry,
}
