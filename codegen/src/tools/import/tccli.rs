//! Imports the spec shipped in the tccli command-line tool
//! (`tccli/services/<service>/v<version>/{api,examples}.json`).
//!
//! tccli describes each action as an input and an output object among the
//! service's `objects`; those two become the action's fields, and every other
//! object becomes a shared type.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{to_json_text, SpecFiles};
use crate::spec::model::{
    Action, Endpoint, Example, Family, Field, HttpMethod, ListEncoding, ListStyle, Protocol,
    ServiceMeta, Signing, SigningMethod, Status, TypeDef,
};
use crate::spec::{check_name, locate, SpecName};

/// Why an input could not be imported; the message says where and what.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: not a tccli api.json: {reason}")]
    NotApiJson { file: String, reason: String },
    #[error("{file}: not a tccli examples.json: {reason}")]
    NotExamplesJson { file: String, reason: String },
    #[error("{file}:{line}:{column}: {location}: {message}")]
    Invalid {
        file: String,
        /// 1-based, of the value at `location` (or its nearest ancestor).
        line: usize,
        column: usize,
        /// The path in the input: `objects.X.members[2] (Name)`.
        location: String,
        message: String,
    },
}

impl ImportError {
    /// An error at `location` (`a.b[2].c`, optionally followed by a
    /// ` (note)`) of the JSON `text`, with its line and column.
    fn at(file: &str, text: &str, location: String, message: String) -> ImportError {
        let (line, column) = locate(text, &pointer_of(&location));
        ImportError::Invalid {
            file: file.to_owned(),
            line,
            column,
            location,
            message,
        }
    }
}

/// `objects.X.members[2] (Name)` → `/objects/X/members/2`.
fn pointer_of(location: &str) -> String {
    let path = location.split(" (").next().unwrap_or(location);
    let mut pointer = String::new();
    for part in path.split('.') {
        let (key, indexes) = part.split_once('[').unwrap_or((part, ""));
        pointer.push('/');
        pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
        for index in indexes.split('[') {
            let index = index.trim_end_matches(']');
            if !index.is_empty() {
                pointer.push('/');
                pointer.push_str(index);
            }
        }
    }
    pointer
}

#[derive(Deserialize)]
struct ApiJson {
    actions: BTreeMap<String, ApiAction>,
    metadata: ApiMetadata,
    objects: BTreeMap<String, ApiObject>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiMetadata {
    api_version: String,
    service_short_name: String,
    #[serde(rename = "serviceNameCN", default)]
    service_name_cn: String,
    /// Null in a few services.
    #[serde(rename = "api_brief", default)]
    api_brief: Option<String>,
}

#[derive(Deserialize)]
struct ApiAction {
    #[serde(default)]
    document: String,
    input: String,
    output: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    status: String,
    /// From tccli-intl-en ([`overlay_intl`]), never from the file.
    #[serde(skip)]
    document_en: String,
    #[serde(skip)]
    name_en: String,
}

#[derive(Deserialize)]
struct ApiObject {
    #[serde(default)]
    document: String,
    members: Vec<ApiMember>,
    #[serde(skip)]
    document_en: String,
}

#[derive(Deserialize)]
struct ApiMember {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    member: String,
    #[serde(default, deserialize_with = "flag")]
    required: bool,
    #[serde(default, deserialize_with = "flag")]
    output_required: bool,
    #[serde(default, deserialize_with = "flag")]
    value_allowed_null: bool,
    #[serde(default, deserialize_with = "flag")]
    disabled: bool,
    #[serde(default)]
    document: String,
    #[serde(default)]
    example: Option<String>,
    #[serde(skip)]
    document_en: String,
}

/// A member flag: `true`/`false`, or `1`/`0` as a few services write it.
fn flag<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Bool(flag) => Ok(flag),
        Value::Number(n) if n.as_u64() == Some(1) => Ok(true),
        Value::Number(n) if n.as_u64() == Some(0) => Ok(false),
        other => Err(serde::de::Error::custom(format!(
            "expected a boolean (or 0/1), found `{other}`"
        ))),
    }
}

#[derive(Deserialize)]
struct ExamplesJson {
    actions: BTreeMap<String, Vec<ApiExample>>,
}

#[derive(Deserialize)]
struct ApiExample {
    #[serde(default)]
    title: String,
    #[serde(default)]
    document: String,
    input: String,
    output: String,
}

/// Converts tccli's `api.json` (and optionally `examples.json`) text into
/// spec files, keyed by their path relative to the version folder.
pub fn import(
    api_name: &str,
    api_text: &str,
    examples: Option<(&str, &str)>,
) -> Result<SpecFiles, ImportError> {
    import_inner(api_name, api_text, examples, None, false).map(|imported| imported.files)
}

/// [`import`] with the same service version from tccli-intl-en (`intl`,
/// its name and text) laid over it: its English documents go beside the
/// Chinese ones (`title_en`, `description_en`) by action, object and
/// member name. The shape stays tccli's, which is newer; actions, objects
/// and members only the international spec has are added with their own
/// shape. A member whose wire shape differs keeps tccli's shape and gets no
/// English text (it describes another shape); it is listed in
/// [`Imported::intl_mismatches`]. An intl file for another service or
/// version, or an action with other input or output objects, is an error
/// naming the intl file.
pub fn import_with_intl(
    api_name: &str,
    api_text: &str,
    examples: Option<(&str, &str)>,
    intl: Option<IntlSource<'_>>,
) -> Result<Imported, ImportError> {
    import_inner(api_name, api_text, examples, intl, false)
}

/// The same service version in tccli-intl-en: its `api.json` and, for the
/// actions only the international site has, its `examples.json`; each as
/// (file name, text).
#[derive(Debug, Clone, Copy)]
pub struct IntlSource<'a> {
    pub api: (&'a str, &'a str),
    pub examples: Option<(&'a str, &'a str)>,
}

/// What [`import_skipping_bad_replies`] made of one tccli service version.
#[derive(Debug)]
pub struct Imported {
    /// `cvm`.
    pub service: String,
    /// `2017-03-12`.
    pub version: String,
    pub files: SpecFiles,
    /// Examples left out, as `<examples file>: <location>: <why>`.
    pub skipped_examples: Vec<String>,
    /// Members whose shape differs in tccli-intl-en, as
    /// `<intl file>: <location>: why`: they keep tccli's shape, without
    /// English text.
    pub intl_mismatches: Vec<String>,
}

/// Like [`import`], but an example that cannot be converted (a reply that
/// is not a JSON object, a request that cannot be read) is left out and
/// listed instead of failing the whole service: across every tccli
/// service a few examples are broken, and they are the service's, not ours.
pub fn import_skipping_bad_replies(
    api_name: &str,
    api_text: &str,
    examples: Option<(&str, &str)>,
    intl: Option<IntlSource<'_>>,
) -> Result<Imported, ImportError> {
    import_inner(api_name, api_text, examples, intl, true)
}

fn import_inner(
    api_name: &str,
    api_text: &str,
    examples: Option<(&str, &str)>,
    intl: Option<IntlSource<'_>>,
    skip_bad_examples: bool,
) -> Result<Imported, ImportError> {
    let mut api = parse_api(api_name, api_text)?;
    let mut intl_mismatches = Vec::new();
    // The international site's own actions take their examples from its file.
    let mut intl_examples = BTreeMap::new();
    let mut intl_examples_source = (examples_name(), "");
    if let Some(intl) = intl {
        let (intl_name, intl_text) = intl.api;
        let english = parse_api(intl_name, intl_text)?;
        let overlay = overlay_intl(&mut api, english).map_err(|(location, message)| {
            ImportError::at(intl_name, intl_text, location, message)
        })?;
        intl_mismatches.extend(
            overlay
                .mismatches
                .into_iter()
                .map(|(location, why)| format!("{intl_name}: {location}: {why}")),
        );
        if let Some((name, text)) = intl.examples {
            let mut all = parse_examples(name, text)?;
            intl_examples = overlay
                .added_actions
                .iter()
                .filter_map(|action| all.remove_entry(action))
                .collect();
            intl_examples_source = (name.to_owned(), text);
        }
    }
    let api = api;
    let examples_file = examples.map_or_else(examples_name, |(name, _)| name.to_owned());
    let examples_text = examples.map_or("", |(_, text)| text);
    let mut skipped_examples = Vec::new();
    let mut examples = match examples {
        Some((name, text)) => parse_examples(name, text)?,
        None => BTreeMap::new(),
    };
    let invalid =
        |location: String, message: String| ImportError::at(api_name, api_text, location, message);

    let mut files = SpecFiles::new();
    files.insert(
        PathBuf::from("service.json"),
        json(&service_meta(&api.metadata)),
    );

    let mut envelope_objects = BTreeSet::new();
    for (name, action) in &api.actions {
        let location = format!("actions.{name}");
        let object = |which: &str, object_name: &str| {
            api.objects.get(object_name).ok_or_else(|| {
                invalid(
                    format!("{location}.{which}"),
                    format!("names object `{object_name}`, which `objects` does not define"),
                )
            })
        };
        let input = object("input", &action.input)?;
        let output = object("output", &action.output)?;
        envelope_objects.insert(action.input.as_str());
        envelope_objects.insert(action.output.as_str());

        let input_fields = fields(&api, &action.input, input).map_err(|(l, m)| invalid(l, m))?;
        let output_fields = fields(&api, &action.output, output).map_err(|(l, m)| invalid(l, m))?;
        let status = match action.status.as_str() {
            "" | "online" => Status::Online,
            "deprecated" | "offline" => Status::Deprecated,
            other => {
                return Err(invalid(
                    format!("{location}.status"),
                    format!("unknown status `{other}`"),
                ))
            }
        };
        let mut action_examples = Vec::new();
        let (source, source_text, listed) = match intl_examples.remove(name) {
            Some(listed) => (&intl_examples_source.0, intl_examples_source.1, listed),
            None => (
                &examples_file,
                examples_text,
                examples.remove(name).unwrap_or_default(),
            ),
        };
        for (i, example) in listed.into_iter().enumerate() {
            match convert_example(&api, action, example, i, name) {
                Ok(example) => action_examples.push(example),
                Err((location, message)) if skip_bad_examples => {
                    skipped_examples.push(format!("{source}: {location}: {message}"));
                }
                Err((location, message)) => {
                    return Err(ImportError::at(source, source_text, location, message))
                }
            }
        }
        let spec = Action {
            name: name.clone(),
            title: action.name.clone(),
            description: action.document.clone(),
            title_en: action.name_en.clone(),
            description_en: action.document_en.clone(),
            description_site: Default::default(),
            status,
            host: None,
            input: input_fields,
            output: output_fields,
            examples: action_examples,
        };
        files.insert(PathBuf::from(format!("actions/{name}.json")), json(&spec));
    }
    if let Some(orphan) = examples.keys().next() {
        return Err(ImportError::at(
            &examples_file,
            examples_text,
            format!("actions.{orphan}"),
            "examples for an action that api.json does not define".into(),
        ));
    }

    for (name, object) in &api.objects {
        if envelope_objects.contains(name.as_str()) {
            continue;
        }
        let spec = TypeDef {
            name: name.clone(),
            description: object.document.clone(),
            description_en: object.document_en.clone(),
            description_site: Default::default(),
            fields: fields(&api, name, object).map_err(|(l, m)| invalid(l, m))?,
        };
        files.insert(PathBuf::from(format!("types/{name}.json")), json(&spec));
    }
    Ok(Imported {
        service: api.metadata.service_short_name.clone(),
        version: api.metadata.api_version.clone(),
        files,
        skipped_examples,
        intl_mismatches,
    })
}

/// What a member is on the wire: a list or not, and a JSON kind (the
/// string-like types, `date` and `datetime_iso` among them, are one kind;
/// so are the integers) or an object's name. Two specs that agree on it
/// describe the same member, whatever else tells them apart.
fn wire_shape(member: &ApiMember) -> (bool, &str) {
    let element = match member.member.as_str() {
        "string" | "date" | "datetime" | "datetime_iso" | "binary" => "string",
        "int64" | "uint64" => "integer",
        other => other,
    };
    (member.kind == "list", element)
}

/// Lays the international spec's English documents over `api` (see
/// [`import_with_intl`]); an error is (location in the intl file, message).
fn overlay_intl(api: &mut ApiJson, intl: ApiJson) -> Result<Overlay, (String, String)> {
    let mut mismatches = Vec::new();
    let mut added_actions = Vec::new();
    let (ours, theirs) = (&api.metadata, &intl.metadata);
    if (&ours.service_short_name, &ours.api_version)
        != (&theirs.service_short_name, &theirs.api_version)
    {
        return Err((
            "metadata".into(),
            format!(
                "the intl spec is {} {}, the Chinese one {} {}",
                theirs.service_short_name,
                theirs.api_version,
                ours.service_short_name,
                ours.api_version
            ),
        ));
    }
    for (name, mut action) in intl.actions {
        match api.actions.get_mut(&name) {
            Some(ours) if (&ours.input, &ours.output) != (&action.input, &action.output) => {
                return Err((
                    format!("actions.{name}"),
                    format!(
                        "takes `{}` and returns `{}`, where tccli has `{}` and `{}`",
                        action.input, action.output, ours.input, ours.output
                    ),
                ));
            }
            Some(ours) => {
                ours.name_en = action.name;
                ours.document_en = action.document;
            }
            None => {
                action.name_en = std::mem::take(&mut action.name);
                action.document_en = std::mem::take(&mut action.document);
                added_actions.push(name.clone());
                api.actions.insert(name, action);
            }
        }
    }
    for (name, mut object) in intl.objects {
        let Some(ours) = api.objects.get_mut(&name) else {
            object.document_en = std::mem::take(&mut object.document);
            for member in &mut object.members {
                member.document_en = std::mem::take(&mut member.document);
            }
            api.objects.insert(name, object);
            continue;
        };
        ours.document_en = object.document;
        for (i, mut member) in object.members.into_iter().enumerate() {
            match ours.members.iter_mut().find(|m| m.name == member.name) {
                Some(m) if wire_shape(m) != wire_shape(&member) => mismatches.push((
                    format!("objects.{name}.members[{i}] ({})", member.name),
                    format!(
                        "is {} of {}, where tccli has {} of {}; tccli's shape kept, without English text",
                        member.kind, member.member, m.kind, m.member
                    ),
                )),
                Some(m) => m.document_en = member.document,
                None => {
                    member.document_en = std::mem::take(&mut member.document);
                    ours.members.push(member);
                }
            }
        }
    }
    Ok(Overlay {
        mismatches,
        added_actions,
    })
}

/// What [`overlay_intl`] did beyond adding English text.
struct Overlay {
    /// Members left in tccli's shape without English text, as (location
    /// in the intl file, why).
    mismatches: Vec<(String, String)>,
    /// The actions only the international site has.
    added_actions: Vec<String>,
}

fn examples_name() -> String {
    "examples.json".to_owned()
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // The spec model serializes only strings, bools and JSON values, so this
    // cannot fail; an empty file would be caught by the loader regardless.
    to_json_text(value).unwrap_or_default()
}

fn parse_api(file: &str, text: &str) -> Result<ApiJson, ImportError> {
    let not_api = |reason: String| ImportError::NotApiJson {
        file: file.to_owned(),
        reason,
    };
    let value: Value =
        serde_json::from_str(text).map_err(|e| not_api(format!("invalid JSON: {e}")))?;
    let Some(map) = value.as_object() else {
        return Err(not_api("the top level is not an object".into()));
    };
    for key in ["actions", "objects", "metadata"] {
        if !map.contains_key(key) {
            return Err(not_api(format!("missing top-level key `{key}`")));
        }
    }
    // Parsed again from the text, so a wrong shape is reported with its line
    // and column.
    drop(value);
    let api: ApiJson = serde_json::from_str(text).map_err(|e| not_api(e.to_string()))?;
    check_names(&api)
        .map_err(|(location, message)| ImportError::at(file, text, location, message))?;
    Ok(api)
}

/// Service, version, action and type names become folder and file names:
/// each must match the schema's pattern before any path is built.
fn check_names(api: &ApiJson) -> Result<(), (String, String)> {
    let envelopes: BTreeSet<&str> = api
        .actions
        .values()
        .flat_map(|a| [a.input.as_str(), a.output.as_str()])
        .collect();
    let meta = &api.metadata;
    let names = [
        (
            "metadata.serviceShortName".to_owned(),
            SpecName::Service,
            &meta.service_short_name,
        ),
        (
            "metadata.apiVersion".to_owned(),
            SpecName::Version,
            &meta.api_version,
        ),
    ]
    .into_iter()
    .chain(
        api.actions
            .keys()
            .map(|n| (format!("actions.{n}"), SpecName::Action, n)),
    )
    .chain(
        api.objects
            .keys()
            .filter(|n| !envelopes.contains(n.as_str()))
            .map(|n| (format!("objects.{n}"), SpecName::Type, n)),
    );
    for (location, kind, name) in names {
        check_name(kind, name)
            .map_err(|e| (location, format!("`{name}` cannot name a spec file: {e}")))?;
    }
    Ok(())
}

fn parse_examples(
    file: &str,
    text: &str,
) -> Result<BTreeMap<String, Vec<ApiExample>>, ImportError> {
    let not_examples = |reason: String| ImportError::NotExamplesJson {
        file: file.to_owned(),
        reason,
    };
    let value: Value =
        serde_json::from_str(text).map_err(|e| not_examples(format!("invalid JSON: {e}")))?;
    if !value.get("actions").is_some_and(Value::is_object) {
        return Err(not_examples("missing top-level object `actions`".into()));
    }
    drop(value);
    let parsed: ExamplesJson =
        serde_json::from_str(text).map_err(|e| not_examples(e.to_string()))?;
    Ok(parsed.actions)
}

fn service_meta(meta: &ApiMetadata) -> ServiceMeta {
    let service = &meta.service_short_name;
    ServiceMeta {
        service: service.clone(),
        version: meta.api_version.clone(),
        title: meta.service_name_cn.clone(),
        // Neither tccli has an English name or description: they are kept
        // by hand, and a re-import keeps them (`keep_english`).
        title_en: String::new(),
        description: meta.api_brief.clone().unwrap_or_default(),
        description_en: String::new(),
        // Every API 3.0 service shares these wire rules.
        protocol: Protocol {
            family: Family::Api3,
            endpoint: Endpoint {
                host: format!("{service}.tencentcloudapi.com"),
                regional_host: Some(format!("{service}.{{region}}.tencentcloudapi.com")),
                path: "/".into(),
            },
            signing: Signing {
                methods: vec![
                    SigningMethod::Tc3HmacSha256,
                    SigningMethod::HmacSha256,
                    SigningMethod::HmacSha1,
                ],
                default: SigningMethod::Tc3HmacSha256,
            },
            http_methods: vec![HttpMethod::Post, HttpMethod::Get],
            list_encoding: ListEncoding {
                style: ListStyle::Dotted,
                index_base: 0,
            },
        },
    }
}

/// tccli's (`type`, `member`) pair as our type reference.
fn type_ref(api: &ApiJson, member: &ApiMember) -> Result<String, String> {
    let element = match member.member.as_str() {
        "string" | "int64" | "uint64" | "float" | "bool" | "date" | "datetime" | "datetime_iso"
        | "binary" => member.member.clone(),
        name if api.objects.contains_key(name) => name.to_owned(),
        other => return Err(format!("unknown member type `{other}`")),
    };
    let is_object = api.objects.contains_key(&member.member);
    match (member.kind.as_str(), is_object) {
        ("list", _) => Ok(format!("list<{element}>")),
        ("object", true) => Ok(element),
        ("string" | "int" | "float" | "bool" | "binary", false) => Ok(element),
        (kind, _) => Err(format!(
            "type `{kind}` does not fit member `{}`",
            member.member
        )),
    }
}

fn fields(
    api: &ApiJson,
    object_name: &str,
    object: &ApiObject,
) -> Result<Vec<Field>, (String, String)> {
    object
        .members
        .iter()
        .enumerate()
        .map(|(i, member)| {
            let type_ref = type_ref(api, member).map_err(|message| {
                (
                    format!("objects.{object_name}.members[{i}] ({})", member.name),
                    message,
                )
            })?;
            let example = member
                .example
                .as_ref()
                .filter(|e| !e.is_empty() && e.as_str() != "无")
                .cloned();
            Ok(Field {
                name: member.name.clone(),
                type_ref,
                required: member.required,
                always_present: member.output_required,
                nullable: member.value_allowed_null,
                deprecated: member.disabled,
                description: member.document.clone(),
                description_en: member.document_en.clone(),
                spec_description: None,
                description_site: Default::default(),
                example,
            })
        })
        .collect()
}

fn convert_example(
    api: &ApiJson,
    action: &ApiAction,
    example: ApiExample,
    index: usize,
    action_name: &str,
) -> Result<Example, (String, String)> {
    let location = format!("actions.{action_name}[{index}]");
    let request = if example.input.trim_start().starts_with("http") {
        request_from_url(api, &action.input, &example.input)
    } else {
        request_from_http_text(&example.input)
    }
    .map_err(|message| (format!("{location}.input"), message))?;
    let response = match serde_json::from_str::<Value>(&example.output) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            return Err((
                format!("{location}.output"),
                "the reply is not a JSON object".into(),
            ))
        }
        Err(_) if crate::tools::example_check::stream_events(&example.output).is_some() => {
            return Err((
                format!("{location}.output"),
                "the reply is an event stream (a streamed reply; the example check reads it)"
                    .into(),
            ))
        }
        Err(e) => {
            return Err((
                format!("{location}.output"),
                format!("the reply is not valid JSON: {e}"),
            ))
        }
    };
    Ok(Example {
        title: example.title,
        description: Some(example.document).filter(|d| !d.is_empty()),
        request,
        response,
    })
}

/// `POST / HTTP/1.1\nHeaders...\n\n{json body}`.
fn request_from_http_text(text: &str) -> Result<Map<String, Value>, String> {
    let body = text
        .split_once("\n\n")
        .map(|(_, body)| body.trim())
        .ok_or("no blank line between the request head and its body")?;
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the request body is not a JSON object".into()),
        Err(e) => Err(format!("the request body is not valid JSON: {e}")),
    }
}

/// `https://host/?Action=X&Name.0=a&<common params>`: the `.N` params are
/// folded back into JSON, typed by the action's input fields.
fn request_from_url(
    api: &ApiJson,
    input_object: &str,
    text: &str,
) -> Result<Map<String, Value>, String> {
    let query = text.split_once('?').map_or("", |(_, q)| q);
    let mut root = Value::Object(Map::new());
    for pair in query
        .split('&')
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.starts_with('<'))
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        // Params that every request carries are not part of an example's input.
        if crate::wire_names::COMMON_PARAMS.contains(&key) {
            continue;
        }
        let value = percent_decode(value);
        let path: Vec<&str> = key.split('.').collect();
        insert_path(api, &mut root, Some(input_object), &path, value)
            .map_err(|e| format!("param `{key}`: {e}"))?;
    }
    match root {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// The largest list index an example URL may use (`Name.10000`): the
/// list is filled with nulls up to it, and real examples use a few.
pub const MAX_EXAMPLE_INDEX: usize = 10_000;

fn insert_path(
    api: &ApiJson,
    node: &mut Value,
    object: Option<&str>,
    path: &[&str],
    value: String,
) -> Result<(), String> {
    let Some((head, rest)) = path.split_first() else {
        return Ok(());
    };
    let member = object
        .and_then(|o| api.objects.get(o))
        .and_then(|o| o.members.iter().find(|m| m.name == *head))
        .ok_or_else(|| format!("unknown field `{head}`"))?;
    let map = node.as_object_mut().ok_or("not an object")?;
    let is_object = api.objects.contains_key(&member.member);
    let nested = is_object.then_some(member.member.as_str());
    if member.kind == "list" {
        let (index, rest) = rest.split_first().ok_or("a list param needs an index")?;
        let index: usize = index.parse().map_err(|_| format!("bad index `{index}`"))?;
        // The list is filled up to the index: a huge one would exhaust memory.
        if index > MAX_EXAMPLE_INDEX {
            return Err(format!(
                "index {index} is past {MAX_EXAMPLE_INDEX}, the largest an example may use"
            ));
        }
        let list = map
            .entry(head.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        let list = list.as_array_mut().ok_or("not a list")?;
        while list.len() <= index {
            list.push(if is_object {
                Value::Object(Map::new())
            } else {
                Value::Null
            });
        }
        if is_object {
            insert_path(api, &mut list[index], nested, rest, value)
        } else {
            list[index] = typed(&member.member, value);
            Ok(())
        }
    } else if is_object {
        let child = map
            .entry(head.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        insert_path(api, child, nested, rest, value)
    } else {
        map.insert(head.to_string(), typed(&member.member, value));
        Ok(())
    }
}

fn typed(member: &str, value: String) -> Value {
    let parsed = match member {
        "int64" | "uint64" | "float" | "bool" => serde_json::from_str::<Value>(&value).ok(),
        _ => None,
    };
    parsed.unwrap_or(Value::String(value))
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}
