//! Imports a whole tccli installation: every
//! `tccli/services/<service>/v<version>/api.json` (with its `examples.json`)
//! becomes `<service>/<YYYY-MM-DD>/` of a spec tree.

use std::path::{Path, PathBuf};

use super::tccli::{self, ImportError};
use super::SpecFiles;
use crate::parallel;

/// One service version found in a tccli installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TccliVersion {
    /// `cvm`.
    pub service: String,
    /// tccli's folder name, `v20170312`.
    pub folder: String,
    pub api: PathBuf,
    pub examples: Option<PathBuf>,
    /// The same version's `api.json` in tccli-intl-en, for English docs,
    /// and its `examples.json`.
    pub intl: Option<PathBuf>,
    pub intl_examples: Option<PathBuf>,
}

/// One imported service version.
#[derive(Debug)]
pub struct ImportedVersion {
    pub service: String,
    /// `2017-03-12`: the spec folder name.
    pub version: String,
    /// tccli's folder name, `v20170312`.
    pub folder: String,
    pub files: SpecFiles,
    /// Example replies left out because they are not JSON objects, as
    /// `examples.json: actions.X[i].output: why`.
    pub skipped_examples: Vec<String>,
    /// Members kept in tccli's shape without English text, because
    /// tccli-intl-en gives them another shape.
    pub intl_mismatches: Vec<String>,
}

/// Why a tccli installation could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{0}")]
    Import(#[from] ImportError),
    #[error("{root}: no service `{service}` (no <service>/v<version>/api.json)")]
    UnknownService { root: PathBuf, service: String },
}

/// The `services` folder of a tccli installation: `root` may be the
/// unpacked wheel, its `tccli` folder, or `services` itself.
pub fn services_dir(root: &Path) -> Result<PathBuf, TreeError> {
    for candidate in [
        root.join("tccli/services"),
        root.join("services"),
        root.to_owned(),
    ] {
        if candidate.join("cvm").is_dir() {
            return Ok(candidate);
        }
    }
    Err(TreeError::Io {
        path: root.to_owned(),
        message: "not a tccli installation: no tccli/services/cvm folder".into(),
    })
}

/// Every `<service>/v<version>/api.json` under the installation at `root`,
/// sorted by service and version.
pub fn find_versions(root: &Path) -> Result<Vec<TccliVersion>, TreeError> {
    let services = services_dir(root)?;
    let mut found = Vec::new();
    for service in sorted_subdirs(&services)? {
        for version in sorted_subdirs(&service)? {
            let api = version.join("api.json");
            let folder = file_name(&version);
            if !folder.starts_with('v') || !api.is_file() {
                continue;
            }
            let examples = version.join("examples.json");
            found.push(TccliVersion {
                service: file_name(&service),
                folder,
                api,
                examples: examples.is_file().then_some(examples),
                intl: None,
                intl_examples: None,
            });
        }
    }
    Ok(found)
}

/// Gives each version its tccli-intl-en twin, where the installation at
/// `intl_root` has one (`<service>/<folder>/api.json`).
pub fn attach_intl(
    intl_root: &Path,
    mut versions: Vec<TccliVersion>,
) -> Result<Vec<TccliVersion>, TreeError> {
    let services = services_dir(intl_root)?;
    for version in &mut versions {
        let dir = services.join(&version.service).join(&version.folder);
        let (api, examples) = (dir.join("api.json"), dir.join("examples.json"));
        version.intl = api.is_file().then_some(api);
        version.intl_examples = (version.intl.is_some() && examples.is_file()).then_some(examples);
    }
    Ok(versions)
}

/// Keeps the versions of `services` (all when empty), and with `latest`
/// only the newest version of each service. Unknown services are errors.
pub fn select(
    root: &Path,
    versions: Vec<TccliVersion>,
    services: &[String],
    latest: bool,
) -> Result<Vec<TccliVersion>, TreeError> {
    if let Some(unknown) = services
        .iter()
        .find(|s| !versions.iter().any(|v| &v.service == *s))
    {
        return Err(TreeError::UnknownService {
            root: root.to_owned(),
            service: unknown.clone(),
        });
    }
    let mut kept: Vec<TccliVersion> = versions
        .into_iter()
        .filter(|v| services.is_empty() || services.contains(&v.service))
        .collect();
    if latest {
        // Sorted by service then version: the last of each run is the newest.
        let mut newest: Vec<TccliVersion> = Vec::new();
        for version in kept {
            match newest.last_mut() {
                Some(last) if last.service == version.service => *last = version,
                _ => newest.push(version),
            }
        }
        kept = newest;
    }
    Ok(kept)
}

/// Imports one version; example replies that are not JSON objects are
/// left out and listed.
pub fn import_version(version: &TccliVersion) -> Result<ImportedVersion, TreeError> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| TreeError::Io {
            path: path.to_owned(),
            message: e.to_string(),
        })
    };
    let api_name = version.api.display().to_string();
    let api_text = read(&version.api)?;
    let named = |path: &Option<PathBuf>| match path {
        Some(path) => read(path).map(|text| Some((path.display().to_string(), text))),
        None => Ok(None),
    };
    let examples = named(&version.examples)?;
    let intl = named(&version.intl)?;
    let intl_examples = named(&version.intl_examples)?;
    let intl = pair(&intl).map(|api| tccli::IntlSource {
        api,
        examples: pair(&intl_examples),
    });
    let imported = tccli::import_skipping_bad_replies(&api_name, &api_text, pair(&examples), intl)?;
    Ok(ImportedVersion {
        service: imported.service,
        version: imported.version,
        folder: version.folder.clone(),
        files: imported.files,
        skipped_examples: imported.skipped_examples,
        intl_mismatches: imported.intl_mismatches,
    })
}

/// Imports every version, in parallel; the first error in version order wins.
pub fn import_all(versions: &[TccliVersion]) -> Result<Vec<ImportedVersion>, TreeError> {
    parallel::map(versions, import_version)
        .into_iter()
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn sorted_subdirs(dir: &Path) -> Result<Vec<PathBuf>, TreeError> {
    let entries = std::fs::read_dir(dir).map_err(|e| TreeError::Io {
        path: dir.to_owned(),
        message: e.to_string(),
    })?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && !file_name(p).starts_with("__"))
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn pair(file: &Option<(String, String)>) -> Option<(&str, &str)> {
    file.as_ref()
        .map(|(name, text)| (name.as_str(), text.as_str()))
}
