//! Stage 3: the emitters, one module per kind of generated file. Each
//! reads the [`crate::model`] and returns that file's text, written
//! through the one [`writer::RustWriter`] (Rust) or as Markdown
//! ([`reports`]); [`crate::render`] adds the header and collects the files.

pub mod client;
pub mod errors;
pub mod mock;
pub mod models;
pub mod paginators;
pub mod reports;
pub mod streams;
pub mod waiters;
pub mod writer;

pub use client::{lib_rs, version_mod_rs};
pub use mock::mock_rs;
