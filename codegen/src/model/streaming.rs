//! Which actions stream their reply ([`crate::resolve::streaming`]).

use super::Skipped;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamingAction {
    pub action: String,
    /// `chat_completions_stream`.
    pub method: String,
    /// The action's own method.
    pub call: String,
    pub deprecated: bool,
    pub request: String,
    pub response: String,
    /// The request's `Stream` member: wire and Rust names, `Option<bool>`.
    pub wire: String,
    pub field: String,
    pub optional: bool,
    pub host: Option<String>,
    pub client_token: Option<String>,
    pub read_only: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Streaming {
    /// In action order.
    pub actions: Vec<StreamingAction>,
    /// Actions with a `Stream` member that get no streaming method.
    pub skipped: Vec<Skipped>,
}

impl Streaming {
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty() && self.skipped.is_empty()
    }
}
