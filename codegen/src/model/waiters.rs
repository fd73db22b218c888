//! Declared waiters, resolved against their actions
//! ([`crate::resolve::waiters`]).

use crate::spec::extras::AcceptorResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiter {
    /// `InstancesRunning`.
    pub name: String,
    /// `wait_until_instances_running`.
    pub method: String,
    /// `INSTANCES_RUNNING`: the static with its spec.
    pub constant: String,
    pub description: String,
    pub action: String,
    /// The action's method and request struct.
    pub call: String,
    pub request: String,
    /// Rust names of the request's ids and limit fields.
    pub ids: String,
    pub limit: Option<String>,
    /// Rust names: the reply's list, and the id and state fields of its items.
    pub items: String,
    pub id: String,
    pub state: String,
    /// The state field is a number (the legacy API's status codes).
    pub numeric_state: bool,
    pub acceptors: Vec<Acceptor>,
    pub interval_seconds: u64,
    pub timeout_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    State(String),
    Absent,
    ErrorCode(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptor {
    pub matcher: Matcher,
    pub result: AcceptorResult,
}
