//! What the runtime knows about an action beyond its name, generated into
//! each call site: where it goes and whether resending it is safe.

/// Static facts about one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// `RunInstances`.
    pub name: &'static str,
    /// A host that serves this action instead of the service's host.
    pub host: Option<&'static str>,
    /// The wire name of the request's idempotency token field
    /// (`ClientToken`), if it has one. The client fills it in when the caller
    /// left it empty, so that every attempt carries the same token.
    pub client_token: Option<&'static str>,
    /// The action only reads (decided by the generator from the name prefix,
    /// see [`is_read_only_name`]), so sending it twice does no harm.
    pub read_only: bool,
}

pub use crate::wire_names::{is_read_only_name, READ_ONLY_PREFIXES};

impl Action {
    /// An action known only by name: treated as one that changes something
    /// and has no idempotency token, the safe assumption for retries.
    pub const fn named(name: &'static str) -> Action {
        Action {
            name,
            host: None,
            client_token: None,
            read_only: false,
        }
    }

    /// Whether a retry after an attempt that may have had an effect is safe.
    pub fn is_idempotent(&self) -> bool {
        self.read_only || self.client_token.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_names_are_recognised_by_prefix() {
        assert!(is_read_only_name("DescribeInstances"));
        assert!(is_read_only_name("InquiryPriceRunInstances"));
        assert!(is_read_only_name("InquirePricingModifyInstances"));
        assert!(!is_read_only_name("RunInstances"));
        assert!(!is_read_only_name("Describe"));
        assert!(!is_read_only_name("Getaway"));
        assert!(!is_read_only_name("TerminateInstances"));
    }
}
