//! Stage 1: the spec files, their serde model, and the loader that checks them.

mod doc_lang;
pub mod extras;
mod load;
mod locate;
pub mod model;
mod type_ref;

pub use doc_lang::{choose_docs, DocLang};
pub use load::{
    check_name, load_tree, load_version, load_version_from_texts, read_version_files, version_dirs,
    ServiceVersion, Sourced, SpecError, SpecErrors, SpecName, CHANGELOG_DIR, EXTENSION_PREFIX,
    SCHEMA_DIR,
};
pub use locate::locate;
pub use type_ref::{Primitive, TypeRef};
