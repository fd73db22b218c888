//! Tools around the pipeline, not stages of it (`cargo xtask import`,
//! `diff`, `decode-examples`, the published crates' READMEs of `release`): they read or write specs and reports, and
//! the pipeline ([`crate::generate`]) never calls them.

pub mod crate_readme;
pub mod diff;
pub mod example_check;
pub mod import;
