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
//! 4. [`render`]: headers; returns path → text, which [`files`] writes
//!    and compares.
//!
//! [`tools`] holds what is not a stage: the tccli importer, the spec
//! diff, the example-reply check and the README of a published crate. [`wire_names`] is shared with the
//! runtime, file for file.
//!
//! # How generated files are written
//!
//! One writer, [`emit::writer::RustWriter`], writes every generated Rust
//! file: the crate root, each version's module (client, `Operation`
//! impls), the types (`models.rs`, `output.rs`), the mock, paginators,
//! streamed calls, waiters and error codes. Each emitter in [`emit`]
//! reads like a template of its file: one `line` per line of Rust, a
//! `block` for what a brace opens and closes, `doc` for docs, `quoted`
//! for every string literal. [`render`] puts the header above each file.
//! The output is deterministic: the same spec gives the same bytes.
//!
//! Why text: the files used to be `quote` tokens parsed by syn and
//! formatted by prettyplease, and that was 84 % of generation time
//! (`syn::parse2` 41 %, `prettyplease::unparse` 18 %, building and dropping
//! the tokens 25 %). The types moved to text first; with every file on the
//! writer, syn, quote, proc-macro2 and prettyplease are no longer
//! dependencies. Nothing parses the output here: a template mistake shows
//! when the generated crates are compiled (they are workspace members, and
//! `cargo xtask scale-check` builds every service).
//!
//! The layout is the writer's own and copies no formatter's rules:
//! 4-space indentation; one blank line between items (a run of `use`
//! declarations is one item) and none between the members of a block;
//! fields, variants, match arms, initializers and table entries one per
//! line; everything else (signatures, parameter and `use` lists, fixed
//! lists) on one line, never wrapped; docs as `///` and `//!` lines, or a
//! `#[doc]` attribute for a line a comment cannot hold. The crate root
//! says `#![cfg_attr(rustfmt, rustfmt::skip)]` and declares every module
//! `#[rustfmt::skip]`, so `cargo fmt` leaves the files as written. The
//! rules in full are in [`emit::writer`].

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
