//! The documented error codes of a version
//! ([`crate::resolve::error_codes`]).

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCodeSet {
    pub source: String,
    /// In spec order.
    pub codes: Vec<ErrorCode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorCode {
    pub code: String,
    pub variant: String,
    /// As the list has it.
    pub description: String,
    /// Rustdoc: the description as Markdown, then the code.
    pub doc: String,
}
