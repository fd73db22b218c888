//! Reads a spec tree from disk, checks it against the JSON Schema and
//! against the rules the schema cannot express, and reports every problem
//! with its file, line:column and JSON pointer.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::extras::{ErrorCodes, Waiters};
use super::locate::locate;
use super::model::{Action, Field, ServiceMeta, TypeDef};
use super::type_ref::TypeRef;

const SCHEMA: &str = include_str!("../../../api-spec/schema/spec.schema.json");

/// The folder under the spec root that holds the schema, not a service.
pub const SCHEMA_DIR: &str = "schema";

/// The folder under the spec root that holds the published crates'
/// changelogs (`cargo xtask release`), not a service.
pub const CHANGELOG_DIR: &str = "changelog";

/// One problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// JSON pointer to the offending value; empty for the whole file.
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(
            f,
            "{}:{}:{}: at {}: {}",
            self.file.display(),
            self.line,
            self.column,
            pointer,
            self.message
        )
    }
}

/// Every problem found; the generator writes nothing while there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

/// A parsed spec value with the file it came from, to point errors at it.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub value: T,
    pub file: PathBuf,
    text: String,
}

impl<T> Sourced<T> {
    pub fn error(&self, pointer: impl Into<String>, message: impl Into<String>) -> SpecError {
        let pointer = pointer.into();
        let (line, column) = locate(&self.text, &pointer);
        SpecError {
            file: self.file.clone(),
            line,
            column,
            pointer,
            message: message.into(),
        }
    }
}

/// One service version: `api-spec/<service>/<version>/`.
#[derive(Debug, Clone)]
pub struct ServiceVersion {
    pub dir: PathBuf,
    pub meta: Sourced<ServiceMeta>,
    /// By action name.
    pub actions: BTreeMap<String, Sourced<Action>>,
    /// By type name.
    pub types: BTreeMap<String, Sourced<TypeDef>>,
    /// `errorcodes.json`, if the version has one.
    pub error_codes: Option<Sourced<ErrorCodes>>,
    /// `waiters.json`, if the version has one.
    pub waiters: Option<Sourced<Waiters>>,
}

/// The `<service>/<version>/` folders under `root`, grouped by service
/// folder, in name order; only `services` when it is not empty.
pub fn version_dirs(
    root: &Path,
    services: &[String],
) -> Result<Vec<(String, Vec<PathBuf>)>, SpecErrors> {
    let mut errors = Vec::new();
    let mut found = Vec::new();
    for service_dir in sorted_dirs(root, &mut errors) {
        let name = service_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let service = name != SCHEMA_DIR && name != CHANGELOG_DIR;
        if !service || !(services.is_empty() || services.contains(&name)) {
            continue;
        }
        let versions = sorted_dirs(&service_dir, &mut errors);
        found.push((name, versions));
    }
    for service in services {
        if !found.iter().any(|(name, _)| name == service) {
            errors.push(file_error(root, format!("no service folder `{service}`")));
        }
    }
    if found.is_empty() && errors.is_empty() {
        errors.push(file_error(
            root,
            "no `<service>/<version>/service.json` found",
        ));
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(SpecErrors(errors))
    }
}

/// Loads every `<service>/<version>/` under `root`, in name order.
pub fn load_tree(root: &Path) -> Result<Vec<ServiceVersion>, SpecErrors> {
    let mut errors = Vec::new();
    let mut versions = Vec::new();
    for (_, dirs) in version_dirs(root, &[])? {
        for version_dir in dirs {
            match load_version(&version_dir) {
                Ok(version) => versions.push(version),
                Err(SpecErrors(found)) => errors.extend(found),
            }
        }
    }
    if versions.is_empty() && errors.is_empty() {
        errors.push(file_error(
            root,
            "no `<service>/<version>/service.json` found",
        ));
    }
    if errors.is_empty() {
        Ok(versions)
    } else {
        Err(SpecErrors(errors))
    }
}

/// Loads and checks one `<service>/<version>/` folder: its
/// [`read_version_files`], parsed as [`load_version_from_texts`] does.
pub fn load_version(dir: &Path) -> Result<ServiceVersion, SpecErrors> {
    let mut errors = Vec::new();
    let files = read_spec_files(dir, &mut errors);
    parse_version(dir, &files, errors)
}

/// The spec files of one `<service>/<version>/` folder, keyed by their
/// path relative to `dir` as [`load_version_from_texts`] takes them:
/// `service.json`, `actions/*.json`, `types/*.json`, and `errorcodes.json`
/// and `waiters.json` when they exist. Nothing else in the folder is read.
/// A missing `service.json`, a file in `actions/` or `types/` that is not
/// `.json` and a file or folder that cannot be read are errors naming it.
pub fn read_version_files(dir: &Path) -> Result<BTreeMap<PathBuf, String>, SpecErrors> {
    let mut errors = Vec::new();
    let files = read_spec_files(dir, &mut errors);
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(SpecErrors(errors))
    }
}

/// [`read_version_files`], adding its errors to `errors` and returning the
/// files it could read, so that [`load_version`] reports every problem.
fn read_spec_files(dir: &Path, errors: &mut Vec<SpecError>) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    let mut read = |relative: PathBuf, errors: &mut Vec<SpecError>| {
        let path = dir.join(&relative);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                files.insert(relative, text);
            }
            Err(e) => errors.push(file_error(&path, format!("cannot read: {e}"))),
        }
    };
    read(PathBuf::from("service.json"), errors);
    for folder in ["actions", "types"] {
        for relative in json_files(dir, folder, errors) {
            read(relative, errors);
        }
    }
    for name in ["errorcodes.json", "waiters.json"] {
        if dir.join(name).exists() {
            read(PathBuf::from(name), errors);
        }
    }
    files
}

/// The `.json` files of `dir/folder` (none when it does not exist) as
/// `folder/<name>.json`, in name order; anything else in it is an error.
fn json_files(dir: &Path, folder: &str, errors: &mut Vec<SpecError>) -> Vec<PathBuf> {
    let path = dir.join(folder);
    if !path.exists() {
        return Vec::new();
    }
    let entries = match std::fs::read_dir(&path) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(file_error(&path, format!("cannot read folder: {e}")));
            return Vec::new();
        }
    };
    let mut names: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| Path::new(folder).join(name))
        .filter(|relative| {
            let json = relative.extension().is_some_and(|e| e == "json");
            if !json {
                errors.push(file_error(
                    &dir.join(relative),
                    "unexpected file: spec folders hold only .json files",
                ));
            }
            json
        })
        .collect()
}

/// Like [`load_version`], from file texts in memory keyed by their path
/// relative to `dir` (`service.json`, `actions/X.json`, `types/Y.json`,
/// and the optional `errorcodes.json` and `waiters.json`).
/// Errors name `dir.join(path)`, as if the files were on disk.
pub fn load_version_from_texts(
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
) -> Result<ServiceVersion, SpecErrors> {
    parse_version(dir, files, Vec::new())
}

/// Parses and checks a version folder's file texts after the `errors`
/// found reading them, in the order the folder is read: `service.json`,
/// `actions/`, `types/`, `errorcodes.json`, `waiters.json`.
fn parse_version(
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
    mut errors: Vec<SpecError>,
) -> Result<ServiceVersion, SpecErrors> {
    let (mut meta, mut actions, mut types) = (None, Vec::new(), Vec::new());
    let (mut error_codes, mut waiters) = (None, None);
    let mut ordered: Vec<_> = files
        .iter()
        .map(|(relative, text)| (spec_kind(relative), relative, text))
        .collect();
    ordered.sort_by_key(|(kind, _, _)| kind.map_or(usize::MAX, |kind| kind as usize));
    for (kind, relative, text) in ordered {
        let path = dir.join(relative);
        let text = text.clone();
        match kind {
            Some(SpecKind::Service) => {
                meta = parse_file::<ServiceMeta>(&path, text, "service", &mut errors)
            }
            Some(SpecKind::Action) => {
                actions.extend(parse_file::<Action>(&path, text, "action", &mut errors))
            }
            Some(SpecKind::Type) => {
                types.extend(parse_file::<TypeDef>(&path, text, "type", &mut errors))
            }
            Some(SpecKind::ErrorCodes) => {
                error_codes = parse_file::<ErrorCodes>(&path, text, "errorcodes", &mut errors)
            }
            Some(SpecKind::Waiters) => {
                waiters = parse_file::<Waiters>(&path, text, "waiters", &mut errors)
            }
            None => errors.push(file_error(
                &path,
                "unexpected file: a version folder holds service.json, actions/*.json and types/*.json",
            )),
        }
    }
    let service = dir.join("service.json");
    // Reported once: reading it may have failed already.
    if meta.is_none()
        && !files.contains_key(Path::new("service.json"))
        && !errors.iter().any(|e| e.file == service)
    {
        errors.push(file_error(&service, "cannot read: missing"));
    }
    check_version(dir, meta, actions, types, error_codes, waiters, errors)
}

/// The spec files of a version folder, in the order it is read.
#[derive(Debug, Clone, Copy)]
enum SpecKind {
    Service,
    Action,
    Type,
    ErrorCodes,
    Waiters,
}

/// What the file at `relative` (to its version folder) holds, if it is a
/// spec file.
fn spec_kind(relative: &Path) -> Option<SpecKind> {
    let folder = relative
        .parent()
        .and_then(Path::to_str)
        .filter(|_| relative.extension().is_some_and(|e| e == "json"));
    match (relative.to_str(), folder) {
        (Some("service.json"), _) => Some(SpecKind::Service),
        (Some("errorcodes.json"), _) => Some(SpecKind::ErrorCodes),
        (Some("waiters.json"), _) => Some(SpecKind::Waiters),
        (_, Some("actions")) => Some(SpecKind::Action),
        (_, Some("types")) => Some(SpecKind::Type),
        _ => None,
    }
}

fn check_version(
    dir: &Path,
    meta: Option<Sourced<ServiceMeta>>,
    actions: Vec<Sourced<Action>>,
    types: Vec<Sourced<TypeDef>>,
    error_codes: Option<Sourced<ErrorCodes>>,
    waiters: Option<Sourced<Waiters>>,
    mut errors: Vec<SpecError>,
) -> Result<ServiceVersion, SpecErrors> {
    let Some(meta) = meta else {
        return Err(SpecErrors(errors));
    };

    check_meta(dir, &meta, &mut errors);
    let actions = keyed_by_name(actions, |a| &a.name, &mut errors);
    let types = keyed_by_name(types, |t| &t.name, &mut errors);
    let type_names: BTreeSet<&str> = types.keys().map(String::as_str).collect();
    for action in actions.values() {
        check_fields(
            action,
            "/input",
            &action.value.input,
            &type_names,
            &mut errors,
        );
        check_fields(
            action,
            "/output",
            &action.value.output,
            &type_names,
            &mut errors,
        );
    }
    for ty in types.values() {
        check_fields(ty, "/fields", &ty.value.fields, &type_names, &mut errors);
    }
    if errors.is_empty() {
        Ok(ServiceVersion {
            dir: dir.to_owned(),
            meta,
            actions,
            types,
            error_codes,
            waiters,
        })
    } else {
        Err(SpecErrors(errors))
    }
}

fn check_meta(dir: &Path, meta: &Sourced<ServiceMeta>, errors: &mut Vec<SpecError>) {
    let expect_dir = |pointer: &str, value: &str, dir: Option<&Path>, what: &str| {
        let name = dir.and_then(Path::file_name).and_then(|n| n.to_str());
        (name != Some(value)).then(|| {
            meta.error(
                pointer,
                format!(
                    "{what} `{value}` does not match its folder `{}`",
                    name.unwrap_or("?")
                ),
            )
        })
    };
    errors.extend(expect_dir(
        "/version",
        &meta.value.version,
        Some(dir),
        "version",
    ));
    errors.extend(expect_dir(
        "/service",
        &meta.value.service,
        dir.parent(),
        "service",
    ));
    let signing = &meta.value.protocol.signing;
    if !signing.methods.contains(&signing.default) {
        errors.push(meta.error(
            "/protocol/signing/default",
            "the default signing method is not among `methods`",
        ));
    }
}

fn check_fields<T>(
    owner: &Sourced<T>,
    base: &str,
    fields: &[Field],
    type_names: &BTreeSet<&str>,
    errors: &mut Vec<SpecError>,
) {
    let mut seen = BTreeSet::new();
    for (i, field) in fields.iter().enumerate() {
        if !seen.insert(field.name.as_str()) {
            errors.push(owner.error(
                format!("{base}/{i}/name"),
                format!("duplicate field name `{}`", field.name),
            ));
        }
        match TypeRef::parse(&field.type_ref) {
            Err(message) => errors.push(owner.error(format!("{base}/{i}/type"), message)),
            Ok(type_ref) => {
                if let Some(name) = type_ref.named() {
                    if !type_names.contains(name) {
                        errors.push(owner.error(
                            format!("{base}/{i}/type"),
                            format!("unknown type `{name}`: no types/{name}.json"),
                        ));
                    }
                }
            }
        }
    }
}

fn keyed_by_name<T>(
    items: Vec<Sourced<T>>,
    name: impl Fn(&T) -> &String,
    errors: &mut Vec<SpecError>,
) -> BTreeMap<String, Sourced<T>> {
    let mut map = BTreeMap::new();
    for item in items {
        let name = name(&item.value).clone();
        let stem = item.file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != name {
            errors.push(item.error(
                "/name",
                format!("name `{name}` does not match the file name `{stem}.json`"),
            ));
        }
        map.insert(name, item);
    }
    map
}

/// Parses one file's text, validates it against the schema's
/// `$defs/<kind>`, drops its extension (`x-`) keys, then deserializes it.
fn parse_file<T: DeserializeOwned>(
    path: &Path,
    text: String,
    kind: &str,
    errors: &mut Vec<SpecError>,
) -> Option<Sourced<T>> {
    let at = |line: usize, column: usize, message: String| SpecError {
        file: path.to_owned(),
        line,
        column,
        pointer: String::new(),
        message,
    };
    let mut json: Value = match serde_json::from_str(&text) {
        Ok(json) => json,
        Err(e) => {
            // serde_json says column 0 when it stops on a line break;
            // editors count from 1.
            errors.push(at(
                e.line().max(1),
                e.column().max(1),
                format!("invalid JSON: {e}"),
            ));
            return None;
        }
    };
    let sourced = Sourced {
        value: (),
        file: path.to_owned(),
        text,
    };
    let schema_errors = validate(kind, &json);
    if !schema_errors.is_empty() {
        errors.extend(
            schema_errors
                .into_iter()
                .map(|(pointer, message)| sourced.error(pointer, message)),
        );
        return None;
    }
    strip_extensions(kind, &mut json);
    match serde_json::from_value::<T>(json) {
        Ok(value) => Some(Sourced {
            value,
            file: sourced.file,
            text: sourced.text,
        }),
        Err(e) => {
            errors.push(sourced.error("", format!("does not match the {kind} model: {e}")));
            None
        }
    }
}

/// Keys with this prefix are extensions: the schema lets them through on
/// every spec object and the generator ignores them. Any other unknown key
/// is an error, so typos are caught.
pub const EXTENSION_PREFIX: &str = "x-";

/// Removes extension keys from the spec objects of a schema-valid file,
/// leaving the free-form example requests and replies untouched.
fn strip_extensions(kind: &str, json: &mut Value) {
    fn strip(value: &mut Value) {
        if let Value::Object(map) = value {
            map.retain(|key, _| !key.starts_with(EXTENSION_PREFIX));
        }
    }
    fn strip_each(value: Option<&mut Value>) {
        if let Some(Value::Array(items)) = value {
            items.iter_mut().for_each(strip);
        }
    }
    strip(json);
    let Value::Object(root) = json else { return };
    match kind {
        "service" => {
            if let Some(protocol) = root.get_mut("protocol") {
                strip(protocol);
                if let Value::Object(protocol) = protocol {
                    for key in ["endpoint", "signing", "list_encoding"] {
                        protocol.get_mut(key).map(strip);
                    }
                }
            }
        }
        "action" => {
            for key in ["input", "output", "examples"] {
                strip_each(root.get_mut(key));
            }
        }
        _ => strip_each(root.get_mut("fields")),
    }
}

/// A spec name that also names a file or folder: importers check it with
/// [`check_name`] before building any path from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecName {
    /// `cvm`: the service folder.
    Service,
    /// `2017-03-12`: the version folder.
    Version,
    /// `actions/<name>.json`.
    Action,
    /// `types/<name>.json`.
    Type,
}

impl SpecName {
    const ALL: [SpecName; 4] = [Self::Service, Self::Version, Self::Action, Self::Type];

    /// The schema definition of the name, under `$defs`.
    fn def(self) -> &'static str {
        match self {
            Self::Service => "service/properties/service",
            Self::Version => "service/properties/version",
            Self::Action => "action/properties/name",
            Self::Type => "type/properties/name",
        }
    }
}

/// Checks `value` against the schema's pattern for `name`, so that it is
/// one plain path component (no `/`, `..` or empty name).
pub fn check_name(name: SpecName, value: &str) -> Result<(), String> {
    match validate(name.def(), &Value::String(value.to_owned())).first() {
        None => Ok(()),
        Some((_, message)) => Err(message.clone()),
    }
}

/// Schema violations as (JSON pointer, message), in document order.
fn validate(kind: &str, json: &Value) -> Vec<(String, String)> {
    static VALIDATORS: OnceLock<Result<BTreeMap<String, jsonschema::Validator>, String>> =
        OnceLock::new();
    let validators = VALIDATORS.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
        ["service", "action", "type", "errorcodes", "waiters"]
            .into_iter()
            .chain(SpecName::ALL.map(SpecName::def))
            .map(|kind| {
                let mut root = schema.clone();
                if let Some(map) = root.as_object_mut() {
                    map.insert("$ref".into(), Value::String(format!("#/$defs/{kind}")));
                }
                jsonschema::validator_for(&root)
                    .map(|v| (kind.to_owned(), v))
                    .map_err(|e| e.to_string())
            })
            .collect()
    });
    let validator = match validators {
        Ok(map) => map.get(kind),
        Err(e) => {
            return vec![(
                String::new(),
                format!("the spec schema itself is invalid: {e}"),
            )]
        }
    };
    let Some(validator) = validator else {
        return vec![(String::new(), format!("no schema for `{kind}` files"))];
    };
    let mut found: Vec<(String, String)> = validator
        .iter_errors(json)
        .map(|e| (e.instance_path().to_string(), e.to_string()))
        .collect();
    found.sort();
    found.dedup();
    found
}

fn file_error(path: &Path, message: impl Into<String>) -> SpecError {
    SpecError {
        file: path.to_owned(),
        line: 1,
        column: 1,
        pointer: String::new(),
        message: message.into(),
    }
}

fn sorted_dirs(dir: &Path, errors: &mut Vec<SpecError>) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut dirs: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect();
            dirs.sort();
            dirs
        }
        Err(e) => {
            errors.push(file_error(dir, format!("cannot read folder: {e}")));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_become_paths_follow_the_schema() {
        assert_eq!(check_name(SpecName::Service, "cvm"), Ok(()));
        assert_eq!(check_name(SpecName::Version, "2017-03-12"), Ok(()));
        for (name, value) in [
            (SpecName::Version, ""),
            (SpecName::Service, "../cvm"),
            (SpecName::Action, "../../../x"),
            (SpecName::Type, "A/B"),
        ] {
            let error = check_name(name, value).expect_err(value);
            assert!(error.contains("does not match"), "{error}");
        }
    }

    /// A fresh folder under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!("codegen-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("temp dir");
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Writes `bytes` to `dir/relative`, creating its folders.
    fn write(dir: &Path, relative: &str, bytes: &[u8]) {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folder");
        std::fs::write(path, bytes).expect("writes");
    }

    #[test]
    fn a_version_folder_is_read_as_the_loader_reads_it() {
        let temp = TempDir::new("read-version-files");
        let dir = temp.0.join("thing/2020-01-01");
        let texts = [
            ("actions/A.json", "action"),
            ("errorcodes.json", "codes"),
            ("service.json", "service"),
            ("types/T.json", "object"),
            ("waiters.json", "waiters"),
        ];
        for (path, text) in texts {
            write(&dir, path, text.as_bytes());
        }
        // Not spec files: never read, so not even their bytes matter.
        let strays = [
            "README.md",
            "notes/x.json",
            "examples/A.json",
            "service.json~",
        ];
        for stray in strays {
            write(&dir, stray, b"\xff not UTF-8");
        }
        let files = read_version_files(&dir).unwrap_or_else(|e| panic!("{e}"));
        let expected = texts.map(|(path, text)| (PathBuf::from(path), text.to_owned()));
        assert_eq!(files, BTreeMap::from(expected));

        // The loader parses those files, and only those.
        let errors = load_version(&dir).expect_err("not JSON").to_string();
        for (path, _) in texts {
            let line = format!("{}:1:1: at /: invalid JSON", dir.join(path).display());
            assert!(errors.contains(&line), "{line} in\n{errors}");
        }
        assert_eq!(errors.lines().count(), texts.len(), "{errors}");

        // The optional files are optional.
        for (path, _) in texts.iter().filter(|(path, _)| *path != "service.json") {
            std::fs::remove_file(dir.join(path)).expect("removes");
        }
        let files = read_version_files(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            [Path::new("service.json")]
        );
    }

    #[test]
    fn what_a_version_folder_cannot_hold_is_an_error_naming_the_file() {
        let temp = TempDir::new("read-version-errors");
        let dir = temp.0.join("thing/2020-01-01");
        write(&dir, "actions/A.txt", b"");
        write(&dir, "types/T.json", b"\xff");
        let errors = read_version_files(&dir)
            .expect_err("three problems")
            .to_string();
        for (file, message) in [
            ("service.json", "cannot read: "),
            (
                "actions/A.txt",
                "unexpected file: spec folders hold only .json files",
            ),
            ("types/T.json", "cannot read: "),
        ] {
            let line = format!("{}:1:1: at /: {message}", dir.join(file).display());
            assert!(errors.contains(&line), "{line} in\n{errors}");
        }
        assert_eq!(errors.lines().count(), 3, "{errors}");
        // The loader reports the same, service.json once.
        assert_eq!(
            load_version(&dir).expect_err("the same").to_string(),
            errors
        );
    }

    #[test]
    fn the_schema_and_changelog_folders_are_not_services() {
        let root =
            std::env::temp_dir().join(format!("codegen-version-dirs-{}", std::process::id()));
        for dir in [SCHEMA_DIR, CHANGELOG_DIR, "cvm/2017-03-12"] {
            std::fs::create_dir_all(root.join(dir)).expect("temp dir");
        }
        let found = version_dirs(&root, &[]);
        std::fs::remove_dir_all(&root).expect("temp dir removed");
        let names: Vec<String> = found
            .expect("a spec root")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["cvm"]);
    }
}
