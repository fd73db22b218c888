//! Stage 2: resolution. Builds the [`crate::model`] from the loaded spec:
//! final Rust names ([`naming`]), Rust types and field representations,
//! directions (input and output types), recursion boxing, and, in their
//! own modules, pagination, streaming, waiters and error codes. Name
//! clashes are reported here, so the emitters only write.

pub mod error_codes;
pub mod naming;
pub mod paginate;
pub mod streaming;
pub mod waiters;

pub use crate::model::*;

use std::collections::{BTreeMap, BTreeSet};

use self::naming::NameKind;
use crate::docs::to_markdown_from;
use crate::spec::model::{Family, Field, HttpMethod, SigningMethod, Status};
use crate::spec::{Primitive, ServiceVersion, Sourced, SpecError, SpecErrors, TypeRef};

/// The idempotency token field Tencent Cloud actions take.
pub const CLIENT_TOKEN_FIELD: &str = "ClientToken";

pub use crate::wire_names::{is_read_only_name as is_read_only_action, READ_ONLY_PREFIXES};

/// Groups loaded versions by service and resolves each.
pub fn resolve(versions: &[ServiceVersion]) -> Result<Vec<Crate>, SpecErrors> {
    let mut by_service: BTreeMap<&str, Vec<&ServiceVersion>> = BTreeMap::new();
    for version in versions {
        by_service
            .entry(version.meta.value.service.as_str())
            .or_default()
            .push(version);
    }
    let mut errors = Vec::new();
    let mut crates = Vec::new();
    for (service, versions) in by_service {
        let mut resolved = Vec::new();
        // Each version is one module of the crate: `2017-03-12` and
        // `v20170312` would be the same one.
        let mut modules: BTreeMap<String, &ServiceVersion> = BTreeMap::new();
        for version in &versions {
            let module = naming::sanitize(&version.meta.value.version, NameKind::Module);
            if let Some(other) = modules.insert(module.clone(), version) {
                errors.push(version.meta.error(
                    "/version",
                    format!(
                        "the version folders {} and {} both become the module `{module}`",
                        other.dir.display(),
                        version.dir.display()
                    ),
                ));
            }
        }
        for version in versions {
            match resolve_version(version) {
                Ok(v) => resolved.push(v),
                Err(SpecErrors(found)) => errors.extend(found),
            }
        }
        resolved.sort_by(|a, b| a.module.cmp(&b.module));
        // The newest version's name wins: a product may be renamed.
        let title_en = resolved
            .iter()
            .rev()
            .find_map(|v| v.meta.english_title())
            .map(str::to_owned);
        crates.push(Crate {
            service: service.to_owned(),
            package: format!("tencentcloud-{service}"),
            title_en,
            versions: resolved,
        });
    }
    if errors.is_empty() {
        Ok(crates)
    } else {
        Err(SpecErrors(errors))
    }
}

fn resolve_version(version: &ServiceVersion) -> Result<Version, SpecErrors> {
    let mut errors = Vec::new();
    let meta = &version.meta.value;
    check_protocol(version, &mut errors);

    // Each spec type becomes an input type if requests reach it, and an
    // output type if replies do: two Rust types when both do.
    let mut input_reachable = BTreeSet::new();
    let mut output_reachable = BTreeSet::new();
    for action in version.actions.values() {
        reach(version, &action.value.input, &mut input_reachable);
        reach(version, &action.value.output, &mut output_reachable);
    }

    // Every struct name in each module, and who claimed it first, to
    // report clashes.
    let mut claimed: BTreeMap<(bool, String), SpecError> = BTreeMap::new();
    let mut claim = |output: bool, name: String, by: SpecError, errors: &mut Vec<SpecError>| {
        let key = (output, name);
        if let Some(first) = claimed.get(&key) {
            errors.push(SpecError {
                message: format!(
                    "{} gives the Rust type name `{}`, already taken by {}:{}:{}",
                    by.message,
                    type_path(&key.1, output),
                    first.file.display(),
                    first.line,
                    first.column
                ),
                ..by
            });
        } else {
            claimed.insert(key, by);
        }
    };

    let mut structs = Vec::new();
    let mut operations = Vec::new();
    let mut methods: BTreeMap<String, String> = BTreeMap::new();
    for (name, action) in &version.actions {
        let request = format!("{}Request", naming::sanitize(name, NameKind::Type));
        let response = format!("{}Response", naming::sanitize(name, NameKind::Type));
        claim(
            false,
            request.clone(),
            action.error("/name", format!("action `{name}`")),
            &mut errors,
        );
        claim(
            false,
            response.clone(),
            action.error("/name", format!("action `{name}`")),
            &mut errors,
        );
        let method = naming::sanitize(name, NameKind::Method);
        if let Some(other) = methods.insert(method.clone(), name.clone()) {
            errors.push(action.error(
                "/name",
                format!("action `{name}` and action `{other}` both become the method `{method}`"),
            ));
        }
        let spec = &action.value;
        structs.push(Struct {
            name: request.clone(),
            doc: format!("Request of [`Client::{method}`](super::Client::{method})."),
            kind: StructKind::Request,
            fields: members(
                version,
                action,
                "/input",
                &spec.input,
                false,
                "",
                &mut errors,
            ),
        });
        structs.push(Struct {
            name: response.clone(),
            doc: format!("Reply of [`Client::{method}`](super::Client::{method})."),
            kind: StructKind::Response,
            fields: members(
                version,
                action,
                "/output",
                &spec.output,
                true,
                "",
                &mut errors,
            ),
        });
        operations.push(Operation {
            action: name.clone(),
            method,
            title: spec.title.clone(),
            doc: to_markdown_from(&spec.description, spec.description_site),
            deprecated: spec.status == Status::Deprecated,
            host: spec.host.clone(),
            request,
            response,
            client_token: spec
                .input
                .iter()
                .find(|field| is_client_token(field))
                .map(|field| field.name.clone()),
            read_only: is_read_only_action(name),
        });
    }
    for (name, ty) in &version.types {
        let rust = naming::sanitize(name, NameKind::Type);
        for (kind, reached) in [
            (StructKind::Input, &input_reachable),
            (StructKind::Output, &output_reachable),
        ] {
            if !reached.contains(name) {
                continue;
            }
            let output = kind.is_output();
            claim(
                output,
                rust.clone(),
                ty.error("/name", format!("type `{name}`")),
                &mut errors,
            );
            structs.push(Struct {
                name: rust.clone(),
                doc: to_markdown_from(&ty.value.description, ty.value.description_site),
                kind,
                fields: members(
                    version,
                    ty,
                    "/fields",
                    &ty.value.fields,
                    output,
                    name,
                    &mut errors,
                ),
            });
        }
    }
    structs.sort_by(|a, b| {
        (a.kind == StructKind::Output, &a.name).cmp(&(b.kind == StructKind::Output, &b.name))
    });
    let error_codes = error_codes::resolve(version, &mut errors);
    let waiters = waiters::resolve(version, &operations, &structs, &mut errors);

    if errors.is_empty() {
        Ok(Version {
            module: naming::sanitize(&meta.version, NameKind::Module),
            meta: meta.clone(),
            pagination: paginate::detect(&operations, &structs),
            streaming: streaming::detect(&operations, &structs),
            error_codes,
            waiters,
            operations,
            structs,
            mock_spec: mock_spec(version),
        })
    } else {
        Err(SpecErrors(errors))
    }
}

fn mock_spec(version: &ServiceVersion) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let fields = |fields: &[Field]| -> Value {
        fields
            .iter()
            .map(|f| json!({"name": f.name, "type": f.type_ref, "required": f.required}))
            .collect()
    };
    let actions: Map<String, Value> = version
        .actions
        .iter()
        .map(|(name, action)| {
            let reply = action
                .value
                .examples
                .first()
                .map(|e| Value::Object(e.response.clone()));
            (
                name.clone(),
                json!({"input": fields(&action.value.input), "reply": reply}),
            )
        })
        .collect();
    let types: Map<String, Value> = version
        .types
        .iter()
        .map(|(name, ty)| (name.clone(), fields(&ty.value.fields)))
        .collect();
    json!({
        "_generated": "by `cargo xtask gen` from api-spec/; do not edit",
        "actions": actions,
        "types": types,
    })
}

fn check_protocol(version: &ServiceVersion, errors: &mut Vec<SpecError>) {
    let protocol = &version.meta.value.protocol;
    if protocol.family == Family::Api2
        && protocol
            .signing
            .methods
            .contains(&SigningMethod::Tc3HmacSha256)
    {
        errors.push(version.meta.error(
            "/protocol/signing/methods",
            "the legacy API 2.0 family signs with HmacSHA1/HmacSHA256 only",
        ));
    }
    if protocol.family == Family::Api3 && !protocol.http_methods.contains(&HttpMethod::Post) {
        errors.push(
            version
                .meta
                .error("/protocol/http_methods", "API 3.0 services accept POST"),
        );
    }
}

/// Adds every named type reachable from `fields` to `seen`.
fn reach(version: &ServiceVersion, fields: &[Field], seen: &mut BTreeSet<String>) {
    for field in fields {
        let Ok(type_ref) = TypeRef::parse(&field.type_ref) else {
            continue;
        };
        if let Some(name) = type_ref.named() {
            if seen.insert(name.to_owned()) {
                if let Some(ty) = version.types.get(name) {
                    reach(version, &ty.value.fields, seen);
                }
            }
        }
    }
}

/// Whether `from` reaches `target` through fields that are not lists
/// (a list already puts the value behind a pointer).
fn reaches_directly(
    version: &ServiceVersion,
    from: &str,
    target: &str,
    seen: &mut BTreeSet<String>,
) -> bool {
    if from == target {
        return true;
    }
    if !seen.insert(from.to_owned()) {
        return false;
    }
    let Some(ty) = version.types.get(from) else {
        return false;
    };
    ty.value
        .fields
        .iter()
        .any(|field| match TypeRef::parse(&field.type_ref) {
            Ok(TypeRef::Named(next)) => reaches_directly(version, &next, target, seen),
            _ => false,
        })
}

fn members<T>(
    version: &ServiceVersion,
    owner: &Sourced<T>,
    base: &str,
    fields: &[Field],
    output: bool,
    owner_name: &str,
    errors: &mut Vec<SpecError>,
) -> Vec<Member> {
    let mut names: BTreeMap<String, &str> = BTreeMap::new();
    let mut setters: BTreeMap<String, &str> = BTreeMap::new();
    let mut out = Vec::new();
    let rust_names = field_names(fields);
    for (i, field) in fields.iter().enumerate() {
        let name = rust_names[i].clone();
        // The setter drops the field's trailing `_`, so `_` (`f_`) and `F`
        // (`f`) differ as fields but not as setters.
        let setter = format!("with_{}", name.trim_end_matches('_'));
        if let Some(other) = names.insert(name.clone(), &field.name) {
            errors.push(owner.error(
                format!("{base}/{i}/name"),
                format!(
                    "fields `{other}` and `{}` both become the Rust field `{name}`",
                    field.name
                ),
            ));
        } else if let Some(other) = setters.insert(setter.clone(), &field.name) {
            errors.push(owner.error(
                format!("{base}/{i}/name"),
                format!(
                    "fields `{other}` and `{}` both get the setter `{setter}`",
                    field.name
                ),
            ));
        }
        if naming::RESERVED_METHODS.contains(&setter.as_str()) {
            errors.push(owner.error(
                format!("{base}/{i}/name"),
                format!("`{setter}` is reserved"),
            ));
        }
        let type_ref = match TypeRef::parse(&field.type_ref) {
            Ok(t) => t,
            Err(message) => {
                errors.push(owner.error(format!("{base}/{i}/type"), message));
                continue;
            }
        };
        let ty = rust_type(version, &type_ref, owner_name, output);
        let repr = match (output, type_ref.is_list(), field.required) {
            (true, true, _) => Repr::List,
            (true, false, _) => Repr::Optional,
            (false, _, true) => Repr::Plain,
            (false, _, false) => Repr::Optional,
        };
        let secret = naming::is_secret(&field.name) && is_text(&ty);
        let mut doc = field_doc(field);
        // The request's idempotency token: the runtime fills it (`Action::client_token`).
        if !output && base == "/input" && is_client_token(field) {
            doc.push_str(
                "\n\nLeft empty, the client fills it with a new UUID once per call and \
                 keeps it across retries, which makes the call safe to retry; \
                 `ClientConfig::fill_client_token(false)` turns this off.",
            );
        }
        out.push(Member {
            wire: field.name.clone(),
            name,
            setter,
            ty,
            repr,
            required: field.required,
            deprecated: field.deprecated,
            secret,
            doc,
            spec_text: field
                .spec_description
                .as_ref()
                .unwrap_or(&field.description)
                .clone(),
            spec_text_en: field.description_en.clone(),
        });
    }
    out
}

/// The request member the runtime fills as the idempotency token.
fn is_client_token(field: &Field) -> bool {
    field.name == CLIENT_TOKEN_FIELD && field.type_ref == "string"
}

/// A string or a list of strings.
fn is_text(ty: &RustType) -> bool {
    match ty {
        RustType::String => true,
        RustType::Vec(inner) => matches!(**inner, RustType::String),
        _ => false,
    }
}

/// Each field's Rust name. Some services carry two fields whose wire names
/// differ only in case (`DnsFormat` and `DNSFormat`); of such a group the
/// field whose name is already in UpperCamel form keeps the plain snake
/// name and the others take [`NameKind::FieldByLetter`]. Any clash
/// left after that is reported by the caller.
fn field_names(fields: &[Field]) -> Vec<String> {
    let plain: Vec<String> = fields
        .iter()
        .map(|f| naming::sanitize(&f.name, NameKind::Field))
        .collect();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, name) in plain.iter().enumerate() {
        groups.entry(name.as_str()).or_default().push(i);
    }
    let mut names = plain.clone();
    for group in groups.values().filter(|g| g.len() > 1) {
        let same_but_case = group
            .iter()
            .all(|&i| fields[i].name.eq_ignore_ascii_case(&fields[group[0]].name));
        if !same_but_case {
            continue;
        }
        let canonical: Vec<usize> = group
            .iter()
            .copied()
            .filter(|&i| {
                heck::ToUpperCamelCase::to_upper_camel_case(fields[i].name.as_str())
                    == fields[i].name
            })
            .collect();
        for &i in group {
            if !(canonical.len() == 1 && canonical[0] == i) {
                names[i] = naming::sanitize(&fields[i].name, NameKind::FieldByLetter);
            }
        }
    }
    names
}

fn rust_type(version: &ServiceVersion, type_ref: &TypeRef, owner: &str, output: bool) -> RustType {
    match type_ref {
        TypeRef::Primitive(p) => match p {
            Primitive::Int64 => RustType::I64,
            Primitive::Uint64 => RustType::U64,
            Primitive::Float => RustType::F64,
            Primitive::Bool => RustType::Bool,
            Primitive::String
            | Primitive::Date
            | Primitive::Datetime
            | Primitive::DatetimeIso
            | Primitive::Binary => RustType::String,
        },
        TypeRef::List(inner) => {
            // Elements of a list live on the heap already; never box them.
            let inner = match rust_type(version, inner, owner, output) {
                RustType::Named { name, output, .. } => RustType::Named {
                    name,
                    boxed: false,
                    output,
                },
                other => other,
            };
            RustType::Vec(Box::new(inner))
        }
        TypeRef::Named(name) => RustType::Named {
            name: naming::sanitize(name, NameKind::Type),
            boxed: reaches_directly(version, name, owner, &mut BTreeSet::new()),
            output,
        },
    }
}

fn field_doc(field: &Field) -> String {
    let mut doc = to_markdown_from(&field.description, field.description_site);
    let mut notes = Vec::new();
    if field.required {
        notes.push("Required.".to_owned());
    }
    if field.nullable {
        notes.push("May be null.".to_owned());
    }
    if field.deprecated {
        notes.push("Deprecated.".to_owned());
    }
    let example = field.example.as_deref().map(|e| e.replace('\t', " "));
    if let Some(example) = example
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.contains('`') && !e.contains('\n'))
    {
        notes.push(format!("Example: `{example}`"));
    }
    if !notes.is_empty() {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&notes.join(" "));
    }
    doc
}
