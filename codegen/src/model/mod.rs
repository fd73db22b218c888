//! The resolved model: types only, no behaviour beyond simple queries.
//! [`crate::resolve`] builds it from the spec (names, Rust types,
//! directions, pagination, streaming, waiters, error codes, recursion
//! boxing); [`crate::emit`] reads it. Neither of those is imported here.

use std::collections::BTreeSet;

use crate::spec::model::ServiceMeta;

pub mod error_codes;
pub mod pagination;
pub mod streaming;
pub mod waiters;

/// An action a rule (pagination, streaming) passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub action: String,
    pub reason: String,
}

/// One generated crate: every version of one service.
#[derive(Debug, Clone)]
pub struct Crate {
    /// `cvm`.
    pub service: String,
    /// `tencentcloud-cvm`.
    pub package: String,
    /// The English product name (`Cloud Virtual Machine`) of the newest
    /// version that has one ([`ServiceMeta::english_title`]).
    pub title_en: Option<String>,
    pub versions: Vec<Version>,
}

impl Crate {
    /// How English text (the crate docs, its description) names the
    /// service: `Cloud Virtual Machine (cvm)`, or the short name alone
    /// when no version has an English title, never the Chinese one; with
    /// `code`, the short name is Markdown code (`` `cvm` ``).
    pub fn english_name(&self, code: bool) -> String {
        crate::spec::model::english_name(self.title_en.as_deref(), &self.service, code)
    }

    /// Whether any version has a streamed action: then the crate depends
    /// on `tencentcloud-stream`.
    pub fn streams(&self) -> bool {
        self.versions
            .iter()
            .any(|version| !version.streaming.actions.is_empty())
    }
}

#[derive(Debug, Clone)]
pub struct Version {
    /// `v20170312`.
    pub module: String,
    pub meta: ServiceMeta,
    /// In action name order.
    pub operations: Vec<Operation>,
    /// In Rust name order.
    pub structs: Vec<Struct>,
    /// What the mock endpoint needs: each action's input fields and first
    /// example reply, and the shared types' fields.
    pub mock_spec: serde_json::Value,
    /// Which actions get a paginator ([`crate::resolve::paginate`]).
    pub pagination: pagination::Pagination,
    /// Which actions stream their reply ([`crate::resolve::streaming`]).
    pub streaming: streaming::Streaming,
    /// The documented error codes (`errorcodes.json`), if any.
    pub error_codes: Option<error_codes::ErrorCodeSet>,
    /// Declared waiters (`waiters.json`), in spec order.
    pub waiters: Vec<waiters::Waiter>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// `DescribeInstances`.
    pub action: String,
    /// `describe_instances`.
    pub method: String,
    pub title: String,
    pub doc: String,
    pub deprecated: bool,
    pub host: Option<String>,
    pub request: String,
    pub response: String,
    /// The wire name of the request's idempotency token (`ClientToken`).
    pub client_token: Option<String>,
    /// Only reads, by [`crate::wire_names::is_read_only_name`]: safe to send
    /// twice.
    pub read_only: bool,
}

/// What a struct is, which decides its direction: requests and input
/// types are exact and strict, replies and output types lenient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructKind {
    Request,
    Response,
    /// A spec type as requests carry it; at the version's root.
    Input,
    /// A spec type as replies carry it; in the version's `output` module.
    Output,
}

impl StructKind {
    /// Travels in replies: every field may be missing or null.
    pub fn is_output(self) -> bool {
        matches!(self, StructKind::Response | StructKind::Output)
    }
}

/// The module of a version that holds the output types.
pub const OUTPUT_MODULE: &str = "output";

#[derive(Debug, Clone)]
pub struct Struct {
    /// The Rust name, unique within its module.
    pub name: String,
    pub doc: String,
    pub kind: StructKind,
    pub fields: Vec<Member>,
}

impl Version {
    /// Keeps only `actions` and the structs they use, e.g. to review the
    /// code of a few actions.
    pub fn retain_actions(&mut self, actions: &[&str]) {
        self.operations
            .retain(|op| actions.contains(&op.action.as_str()));
        self.pagination
            .paginators
            .retain(|p| actions.contains(&p.action.as_str()));
        self.pagination
            .skipped
            .retain(|p| actions.contains(&p.action.as_str()));
        self.waiters
            .retain(|w| actions.contains(&w.action.as_str()));
        self.streaming
            .actions
            .retain(|s| actions.contains(&s.action.as_str()));
        self.streaming
            .skipped
            .retain(|s| actions.contains(&s.action.as_str()));
        let mut keep: BTreeSet<String> = BTreeSet::new();
        let mut pending: Vec<String> = self
            .operations
            .iter()
            .flat_map(|op| [op.request.clone(), op.response.clone()])
            .collect();
        while let Some(name) = pending.pop() {
            if !keep.insert(name.clone()) {
                continue;
            }
            if let Some(s) = find_struct(&self.structs, &name) {
                pending.extend(s.fields.iter().filter_map(|f| f.ty.named()));
            }
        }
        self.structs.retain(|s| keep.contains(&s.path()));
    }
}

impl RustType {
    /// The struct this refers to, through any lists, as its path from the
    /// version's root (`Placement`, `output::Placement`).
    pub fn named(&self) -> Option<String> {
        match self {
            RustType::Vec(inner) => inner.named(),
            RustType::Named { name, output, .. } => Some(type_path(name, *output)),
            _ => None,
        }
    }

    /// The type as Rust spells it anywhere in a version's modules (each of
    /// them can name the `output` module).
    pub fn spelling(&self) -> String {
        match self {
            RustType::String => "String".to_owned(),
            RustType::I64 => "i64".to_owned(),
            RustType::U64 => "u64".to_owned(),
            RustType::F64 => "f64".to_owned(),
            RustType::Bool => "bool".to_owned(),
            RustType::Vec(inner) => format!("Vec<{}>", inner.spelling()),
            RustType::Named {
                name,
                boxed,
                output,
            } => {
                let path = type_path(name, *output);
                match boxed {
                    true => format!("Box<{path}>"),
                    false => path,
                }
            }
        }
    }
}

pub(crate) fn type_path(name: &str, output: bool) -> String {
    match output {
        true => format!("{OUTPUT_MODULE}::{name}"),
        false => name.to_owned(),
    }
}

impl Struct {
    /// Fields a caller must give to build the struct.
    pub fn required(&self) -> impl Iterator<Item = &Member> {
        self.fields.iter().filter(|f| f.required)
    }

    /// Its path from the version's root, as [`RustType::named`] gives it.
    pub fn path(&self) -> String {
        type_path(&self.name, self.kind == StructKind::Output)
    }

    /// Whether [`Struct::path`] is `path`, without building it: lookups
    /// run per action over every struct.
    pub fn is_at(&self, path: &str) -> bool {
        match self.kind == StructKind::Output {
            true => path
                .strip_prefix(OUTPUT_MODULE)
                .and_then(|rest| rest.strip_prefix("::"))
                .is_some_and(|name| name == self.name),
            false => path == self.name,
        }
    }
}

/// The struct at `path` (from the version's root).
pub fn find_struct<'a>(structs: &'a [Struct], path: &str) -> Option<&'a Struct> {
    structs.iter().find(|s| s.is_at(path))
}

#[derive(Debug, Clone)]
pub struct Member {
    pub wire: String,
    pub name: String,
    /// `with_<name>`.
    pub setter: String,
    pub ty: RustType,
    pub repr: Repr,
    /// The spec marks it required (for inputs).
    pub required: bool,
    pub deprecated: bool,
    /// It holds a credential (a password, a secret or private key, a
    /// token): the struct's Debug shows `<redacted>` for it.
    pub secret: bool,
    pub doc: String,
    /// The spec's own text (Chinese for tccli's services), whatever the doc
    /// language, as written (HTML): what rules that read docs use. Kept
    /// raw because one rule reads one member's; converting every member's
    /// twice was a fifth of generation time.
    pub spec_text: String,
    /// The spec's English text (`description_en`), raw, whatever the doc
    /// language; empty when the spec has none.
    pub spec_text_en: String,
}

/// How a field is held and (de)serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repr {
    /// `T`: must be present.
    Plain,
    /// `Option<T>`: left out of the wire when None (so `Some(vec![])` is
    /// sent as `[]`); missing or null reads as None.
    Optional,
    /// `Vec<T>`, in output types only: missing or null reads as empty.
    List,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    String,
    I64,
    U64,
    F64,
    Bool,
    Vec(Box<RustType>),
    /// A struct; `output` when it is the output type of its spec type.
    Named {
        name: String,
        boxed: bool,
        output: bool,
    },
}
