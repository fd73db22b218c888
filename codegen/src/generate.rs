//! The whole pipeline: spec folder in, file tree out. Nothing is written
//! here, so a failure anywhere leaves `generated/` untouched.
//!
//! Services are independent: each is loaded, resolved and rendered on its
//! own, spread over threads ([`crate::parallel`]).

use std::path::Path;

use crate::files::FileTree;
use crate::parallel;
use crate::render::crate_files;
use crate::resolve::resolve;
use crate::spec::{choose_docs, load_version, version_dirs, DocLang, SpecError, SpecErrors};

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("the spec has errors:\n{0}")]
    Spec(#[from] SpecErrors),
}

/// Loads `spec_root`, resolves it and renders every crate; paths are
/// relative to `generated/`.
pub fn generate(spec_root: &Path) -> Result<FileTree, GenerateError> {
    generate_services(spec_root, &[])
}

/// Like [`generate`], for the service folders named in `services` only
/// (every service when it is empty).
pub fn generate_services(spec_root: &Path, services: &[String]) -> Result<FileTree, GenerateError> {
    generate_in(spec_root, services, DocLang::default())
}

/// Like [`generate_services`], with the docs in `lang` where the spec has
/// that language (see [`DocLang`]).
pub fn generate_in(
    spec_root: &Path,
    services: &[String],
    lang: DocLang,
) -> Result<FileTree, GenerateError> {
    let services = version_dirs(spec_root, services)?;
    let results = parallel::map(&services, |(_, dirs)| generate_service(dirs, lang));
    let mut files = FileTree::new();
    let mut spec_errors: Vec<SpecError> = Vec::new();
    for result in results {
        match result {
            Ok(tree) => files.extend(tree),
            Err(GenerateError::Spec(SpecErrors(found))) => spec_errors.extend(found),
        }
    }
    if spec_errors.is_empty() {
        Ok(files)
    } else {
        Err(SpecErrors(spec_errors).into())
    }
}

/// One service folder: its versions become one crate.
fn generate_service(dirs: &[std::path::PathBuf], lang: DocLang) -> Result<FileTree, GenerateError> {
    let mut errors = Vec::new();
    let mut versions = Vec::new();
    for dir in dirs {
        match load_version(dir) {
            Ok(mut version) => {
                choose_docs(&mut version, lang);
                versions.push(version);
            }
            Err(SpecErrors(found)) => errors.extend(found),
        }
    }
    if !errors.is_empty() {
        return Err(SpecErrors(errors).into());
    }
    let mut files = FileTree::new();
    for krate in &resolve(&versions)? {
        files.extend(crate_files(krate));
    }
    Ok(files)
}
