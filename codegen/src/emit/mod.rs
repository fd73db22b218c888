//! Stage 3: the emitters, one module per kind of generated file. Each
//! reads the [`crate::model`] and returns that file's content: text for
//! the types ([`models`], through [`writer`]), tokens for the rest
//! ([`tokens`] has their shared helpers), which [`crate::render`] formats
//! and writes.

pub mod client;
pub mod errors;
pub mod mock;
pub mod models;
pub mod paginators;
pub mod reports;
pub mod streams;
pub mod tokens;
pub mod waiters;
pub mod writer;

pub use client::{lib_rs, version_mod_rs};
pub use mock::mock_rs;
