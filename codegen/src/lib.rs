//! The Tencent Cloud SDK generator.
//!
//! The pipeline, one module per stage ([`generate`] runs them all):
//! 1. [`spec`]: load the JSON spec files and check them against the schema;
//! 2. [`resolve`]: a resolved model with final Rust names, types, encodings
//!    and directions (input and output types) ([`naming`] decides names,
//!    [`docs`] turns HTML into Markdown);
//! 3. [`emit`]: Rust tokens with `quote`; [`emit_models`] writes the types,
//!    most of the output, as text in a layout of its own;
//! 4. [`render`]: format with prettyplease, add headers, return path → text.
//!
//! [`files`] writes and compares trees; [`import`] converts tccli's spec;
//! [`diff`] reports what changed between two specs; [`crate_readme`] writes
//! a published crate's README.

pub mod crate_readme;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod emit_errors;
pub mod emit_extras;
pub mod emit_models;
pub mod emit_paginators;
pub mod emit_waiters;
pub mod error_codes;
pub mod example_check;
pub mod files;
pub mod generate;
pub mod import;
pub mod naming;
pub mod paginate;
pub mod parallel;
pub mod render;
pub mod resolve;
pub mod spec;
pub mod streaming;
pub mod waiters;
