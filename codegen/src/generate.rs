//! The whole pipeline: spec folder in, file tree out. Nothing is written
//! here, so a failure anywhere leaves `generated/` untouched.

use std::path::Path;

use crate::files::FileTree;
use crate::render::{crate_files, RenderError};
use crate::resolve::resolve;
use crate::spec::{load_tree, SpecErrors};

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("the spec has errors:\n{0}")]
    Spec(#[from] SpecErrors),
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// Loads `spec_root`, resolves it and renders every crate; paths are
/// relative to `generated/`.
pub fn generate(spec_root: &Path) -> Result<FileTree, GenerateError> {
    let versions = load_tree(spec_root)?;
    let crates = resolve(&versions)?;
    let mut files = FileTree::new();
    for krate in &crates {
        files.extend(crate_files(krate)?);
    }
    Ok(files)
}
