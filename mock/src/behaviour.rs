//! How a service's own behaviour plugs into the mock: it answers the
//! actions it keeps state for and leaves the rest to the example replies.

use std::any::Any;

use serde_json::Value;

use tencentcloud_runtime::service::Family;

/// What a behaviour answered: a whole reply body, or an API error that the
/// engine writes in the family's format.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Reply(Value),
    Error(String, String),
}

impl Outcome {
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Outcome {
        Outcome::Error(code.into(), message.into())
    }
}

/// A service's stateful behaviour (e.g. CVM's instances, images and key
/// pairs). Registered on the builder with [`super::MockBuilder::behaviour`].
pub trait ServiceBehaviour: Send + 'static {
    /// Answers `action` against the behaviour's state, or `None` for an
    /// action it does not handle (the example reply is served instead).
    /// `params` are the request's params as JSON (strings for `.N` params).
    fn handle(
        &mut self,
        family: Family,
        action: &str,
        params: &Value,
        request_id: &str,
    ) -> Option<Outcome>;

    /// For [`super::MockServer::with_behaviour`]: reaching the concrete
    /// state from a test.
    fn as_any(&mut self) -> &mut dyn Any;
}
