//! The Tencent Cloud SDK generator.
//!
//! The pipeline, one module per stage ([`generate`] runs them all), each
//! depending only on the stages before it:
//! 1. [`spec`]: load the JSON spec files and check them against the schema;
//! 2. [`resolve`]: build the [`model`] (types only): final Rust names
//!    ([`resolve::naming`]), Rust types and directions (input and output
//!    types), recursion boxing, pagination, streaming, waiters and error
//!    codes ([`docs`] turns HTML into Markdown);
//! 3. [`emit`]: one module per kind of generated file;
//! 4. [`render`]: headers and formatting; returns path → text, which
//!    [`files`] writes and compares.
//!
//! [`tools`] holds what is not a stage: the tccli importer, the spec
//! diff, the example-reply check and the README of a published crate. [`wire_names`] is shared with the
//! runtime, file for file.
//!
//! # How generated files are written
//!
//! The type files (`models.rs`, `output.rs`: most of the output) are
//! written as text in a layout of their own ([`emit::models`]): one item
//! after another with a blank line between them, one field, argument or
//! member per line, lines never wrapped, `#[rustfmt::skip]`. The other
//! files (clients, mock, paginators, waiters, errors, streams) are
//! `quote` tokens formatted by prettyplease in [`render`]. Both are
//! deterministic: the same spec gives the same bytes.
//!
//! Why two: the types are about 85 % of the generated Rust and their shape
//! is fixed, and parsing and formatting them through syn and prettyplease
//! was 84 % of generation time, so they are text; the other files are
//! small, varied and easier to read and review as `quote` templates. (The
//! issue's aim of one writer for every file is not reached yet: the token
//! files would move to the text writer next.)

pub mod docs;
pub mod emit;
pub mod files;
pub mod generate;
pub mod model;
pub mod parallel;
pub mod render;
pub mod resolve;
pub mod spec;
pub mod tools;
/// The runtime's `wire_names.rs`, the same file: common params and
/// read-only prefixes, one list each for generator and runtime.
#[path = "../../runtime/src/wire_names.rs"]
pub mod wire_names;

pub use resolve::naming;
pub use tools::{diff, example_check, import};
