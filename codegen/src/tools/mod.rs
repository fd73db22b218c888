//! Tools around the pipeline, not stages of it (`cargo xtask import`,
//! `diff`, `decode-examples`): they read or write specs and reports, and
//! the pipeline ([`crate::generate`]) never calls them.

pub mod diff;
pub mod example_check;
pub mod import;
