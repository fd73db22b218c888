//! `lib.rs` (the crate root) and each version's `mod.rs`: the service
//! constants, the client with one one-line method per action, each
//! request's `Operation` impl and the `OPERATIONS` table. Generated code
//! stays thin: calls, encoding and signing live in the runtime.

use super::models::{has_output_module, JSON_FEATURE};
use super::writer::{quoted, RustWriter};
use crate::model::{Crate, Operation, Version, OUTPUT_MODULE};
use crate::spec::model::{Family, HttpMethod, SigningMethod};

/// The crate root: docs, re-exports and one module per version.
pub fn lib_rs(krate: &Crate) -> String {
    let mut w = RustWriter::new();
    let mut doc = format!(
        "Tencent Cloud API bindings for {}.\n\n\
         Each API version is a module with a `Client` that has one async method per\n\
         action, and a request and a reply struct per action.\n\n",
        krate.english_name(true)
    );
    if let Some(example) = crate_example(krate) {
        doc.push_str(&example);
    }
    w.inner_doc(&doc);
    // The docs are the service's own text; their layout is not ours to
    // lint. Strict readers of one-member inputs match on one index.
    w.line("#![allow(clippy::single_match, clippy::too_many_arguments, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::tabs_in_doc_comments)]");
    // The layout is the generator's own (`emit::writer`); `cargo fmt`
    // leaves it alone.
    w.line("#![cfg_attr(rustfmt, rustfmt::skip)]");
    w.blank();
    w.line("pub use tencentcloud_runtime as runtime;");
    w.line("pub use tencentcloud_runtime::{ApiError, ClientConfig, Credentials, Error, HttpMethod, Language, SigningMethod};");
    // Crates with streamed actions depend on tencentcloud-stream too.
    if krate.streams() {
        w.line("pub use tencentcloud_stream as stream;");
    }
    for version in &krate.versions {
        w.blank();
        w.doc(&format!("API version {}.", version.meta.version));
        w.line("#[rustfmt::skip]");
        w.line(format_args!("pub mod {};", version.module));
    }
    w.finish()
}

/// The crate docs' example: a call of `DescribeInstances` (or another
/// `Describe…`, or the first action) of the newest version, when its
/// request needs no params.
fn crate_example(krate: &Crate) -> Option<String> {
    let version = krate.versions.last()?;
    let op = version
        .operations
        .iter()
        .find(|op| op.action == "DescribeInstances")
        .or_else(|| {
            version
                .operations
                .iter()
                .find(|op| op.action.starts_with("Describe"))
        })
        .or(version.operations.first())?;
    let request = version.structs.iter().find(|s| s.name == op.request)?;
    if request.required().next().is_some() {
        return None;
    }
    let package = krate.package.replace('-', "_");
    Some(format!(
        "```no_run\n\
         use {package}::{module}::{{Client, {request}}};\n\
         use {package}::{{ClientConfig, Credentials}};\n\
         \n\
         # async fn run() -> Result<(), Box<dyn std::error::Error>> {{\n\
         let config = ClientConfig::new(Credentials::from_env()?).region(\"ap-guangzhou\");\n\
         let client = Client::new(config)?;\n\
         let reply = client.{method}({request}::new()).await?;\n\
         println!(\"{{reply:?}}\");\n\
         # Ok(())\n\
         # }}\n\
         ```",
        module = version.module,
        request = op.request,
        method = op.method,
    ))
}

/// A version module: its service constants and client.
pub fn version_mod_rs(krate: &Crate, version: &Version) -> String {
    let meta = &version.meta;
    let protocol = &meta.protocol;
    let mut w = RustWriter::new();
    w.inner_doc(&format!(
        "{} API version {}.\n\n{}",
        crate::spec::model::english_name(
            meta.english_title().or(krate.title_en.as_deref()),
            &krate.service,
            true
        ),
        meta.version,
        crate::docs::to_markdown(&meta.description)
    ));
    w.blank();
    w.line("#[rustfmt::skip]");
    w.line("mod models;");
    if has_output_module(version) {
        w.blank();
        w.doc("The output types: what replies carry, read leniently.");
        w.line("#[rustfmt::skip]");
        w.line(format_args!("pub mod {OUTPUT_MODULE};"));
    }
    extra_modules(&mut w, version);
    w.blank();
    w.doc("A local endpoint that serves this API version, for tests and\noffline runs.");
    w.line(r#"#[cfg(feature = "mock")]"#);
    w.line("#[rustfmt::skip]");
    w.line("pub mod mock;");
    w.blank();
    w.line("pub use models::*;");
    // Runtime names stay qualified: a spec may name a model `Action`.
    w.line("use tencentcloud_runtime as runtime;");
    w.line("use tencentcloud_runtime::Error;");

    w.blank();
    w.doc("The wire rules of this API version.");
    w.block(
        "pub const SERVICE: runtime::ServiceInfo = runtime::ServiceInfo {",
        "};",
        |w| {
            w.line(format_args!("service: {},", quoted(&krate.service)));
            w.line(format_args!("version: {},", quoted(&meta.version)));
            w.line(format_args!("family: {},", family(protocol.family)));
            w.line(format_args!("host: {},", quoted(&protocol.endpoint.host)));
            w.line(format_args!(
                "regional_host: {},",
                option(protocol.endpoint.regional_host.as_deref())
            ));
            w.line(format_args!("path: {},", quoted(&protocol.endpoint.path)));
            let methods: Vec<&str> = protocol.signing.methods.iter().map(signing).collect();
            w.line(format_args!("signing_methods: &[{}],", methods.join(", ")));
            w.line(format_args!(
                "default_signing_method: {},",
                signing(&protocol.signing.default)
            ));
            let http_methods: Vec<&str> = protocol.http_methods.iter().map(http_method).collect();
            w.line(format_args!(
                "http_methods: &[{}],",
                http_methods.join(", ")
            ));
            w.line(format_args!(
                "list_index_base: {},",
                protocol.list_encoding.index_base
            ));
        },
    );

    w.blank();
    w.doc(&format!(
        "Client of {} API version {}.\n\nCheap to clone; clones share the connection pool.",
        krate.service, meta.version
    ));
    w.line("#[derive(Debug, Clone)]");
    w.block("pub struct Client {", "}", |w| {
        w.line("inner: tencentcloud_runtime::Client,");
    });

    w.blank();
    w.block("impl Client {", "}", |w| {
        w.doc("Checks the configuration against what this API version accepts.");
        w.block("pub fn new(config: runtime::ClientConfig) -> Result<Self, Error> {", "}", |w| {
            w.block("Ok(Client {", "})", |w| {
                w.line("inner: tencentcloud_runtime::Client::new(&SERVICE, config)?,");
            });
        });
        w.doc("The runtime client, e.g. to prepare a request without sending it.");
        w.block("pub fn runtime(&self) -> &tencentcloud_runtime::Client {", "}", |w| {
            w.line("&self.inner");
        });
        for op in &version.operations {
            call(w, op);
        }
        w.doc("Calls an action by its name with JSON params, through its typed\nrequest and reply: the params must fit the request struct.");
        w.line(format_args!("#[cfg(feature = {})]", quoted(JSON_FEATURE)));
        w.block(
            "pub async fn invoke(&self, action: &str, params: serde_json::Value) -> Result<serde_json::Value, Error> {",
            "}",
            |w| w.line("runtime::operation::invoke(&self.inner, OPERATIONS, action, params).await"),
        );
    });

    for op in &version.operations {
        w.blank();
        operation_impl(&mut w, op);
    }

    w.blank();
    w.doc("Every action of this version, by name: what `Client::invoke` and\nthe mock's `decode_reply` look actions up in.");
    w.line(format_args!("#[cfg(feature = {})]", quoted(JSON_FEATURE)));
    w.block(
        "pub const OPERATIONS: &[runtime::operation::Entry] = &[",
        "];",
        |w| {
            for op in &version.operations {
                w.line(format_args!(
                    "runtime::operation::Entry::of::<{}>(),",
                    op.request
                ));
            }
        },
    );
    w.finish()
}

fn family(family: Family) -> &'static str {
    match family {
        Family::Api3 => "runtime::Family::Api3",
        Family::Api2 => "runtime::Family::Api2",
    }
}

fn signing(method: &SigningMethod) -> &'static str {
    match method {
        SigningMethod::Tc3HmacSha256 => "runtime::SigningMethod::Tc3HmacSha256",
        SigningMethod::HmacSha256 => "runtime::SigningMethod::HmacSha256",
        SigningMethod::HmacSha1 => "runtime::SigningMethod::HmacSha1",
    }
}

fn http_method(method: &HttpMethod) -> &'static str {
    match method {
        HttpMethod::Post => "runtime::HttpMethod::Post",
        HttpMethod::Get => "runtime::HttpMethod::Get",
    }
}

/// `Some("…")` or `None`.
fn option(text: Option<&str>) -> String {
    match text {
        Some(text) => format!("Some({})", quoted(text)),
        None => "None".to_owned(),
    }
}

/// The action's method on the client.
fn call(w: &mut RustWriter, op: &Operation) {
    let mut doc = format!("{}\n\n", op.title.trim());
    doc.push_str(&op.doc);
    w.doc(doc.trim());
    if op.deprecated {
        w.line(r#"#[deprecated(note = "the service marks this action deprecated")]"#);
    }
    w.block(
        format_args!(
            "pub async fn {}(&self, request: {}) -> Result<{}, Error> {{",
            op.method, op.request, op.response
        ),
        "}",
        |w| w.line("runtime::operation::send(&self.inner, request).await"),
    );
}

/// The action's facts and reply type, on its request type.
fn operation_impl(w: &mut RustWriter, op: &Operation) {
    w.block(
        format_args!("impl runtime::operation::Operation for {} {{", op.request),
        "}",
        |w| {
            w.line(format_args!("type Output = {};", op.response));
            w.block(
                "const ACTION: runtime::Action = runtime::Action {",
                "};",
                |w| {
                    w.line(format_args!("name: {},", quoted(&op.action)));
                    w.line(format_args!("host: {},", option(op.host.as_deref())));
                    w.line(format_args!(
                        "client_token: {},",
                        option(op.client_token.as_deref())
                    ));
                    w.line(format_args!("read_only: {},", op.read_only));
                },
            );
        },
    );
}

/// The declarations of the version's other modules, each in its own file
/// when the version has any: paginators, streamed calls, errors, waiters.
fn extra_modules(w: &mut RustWriter, version: &Version) {
    let modules = [
        (!version.pagination.paginators.is_empty(), "mod paginators;"),
        (!version.streaming.actions.is_empty(), "mod streams;"),
        (version.error_codes.is_some(), "pub mod errors;"),
        (!version.waiters.is_empty(), "pub mod waiters;"),
    ];
    for (_, declaration) in modules.iter().filter(|(present, _)| *present) {
        w.blank();
        w.line("#[rustfmt::skip]");
        w.line(declaration);
    }
}
