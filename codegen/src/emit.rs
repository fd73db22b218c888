//! Stage 3: tokens. Turns the resolved model into Rust items with `quote`.
//! Generated code stays thin: calls, encoding and signing live in the runtime.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::resolve::{Crate, Operation, RustType, Version};
use crate::spec::model::{Family, HttpMethod, SigningMethod};

pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Doc lines with rustdoc's leading space (none on empty lines).
fn doc_lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    })
}

/// `#[doc = "..."]` per line, which prettyplease prints as `///` comments.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#[doc = #lines])*)
}

/// `#![doc = "..."]` per line: docs of the enclosing module.
pub(crate) fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#![doc = #lines])*)
}

/// The crate root: docs, re-exports and one module per version.
pub fn lib_rs(krate: &Crate) -> TokenStream {
    let title = format!(
        " Tencent Cloud {} (`{}`) API bindings.",
        krate.title, krate.service
    );
    let modules = krate.versions.iter().map(|v| {
        let module = ident(&v.module);
        let line = format!(" API version {}.", v.meta.version);
        quote! {
            #[doc = #line]
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    let example = crate_example(krate);
    // Crates with streamed actions depend on tencentcloud-stream too.
    let stream = crate::streaming::streams(krate).then(|| {
        quote! {
            pub use tencentcloud_stream as stream;
        }
    });
    quote! {
        #![doc = #title]
        #![doc = ""]
        #![doc = " Each API version is a module with a `Client` that has one async method per"]
        #![doc = " action, and a request and a reply struct per action."]
        #![doc = ""]
        #example
        // The docs are the service's own text; their layout is not ours to
        // lint. Strict readers of one-member inputs match on one index.
        #![allow(
            clippy::single_match,
            clippy::too_many_arguments,
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::tabs_in_doc_comments
        )]
        // prettyplease formats generated code; `cargo fmt` leaves it alone.
        #![cfg_attr(rustfmt, rustfmt::skip)]

        pub use tencentcloud_runtime as runtime;
        pub use tencentcloud_runtime::{
            ApiError, ClientConfig, Credentials, Error, HttpMethod, Language, SigningMethod,
        };
        #stream

        #(#modules)*
    }
}

fn crate_example(krate: &Crate) -> TokenStream {
    let Some(version) = krate.versions.last() else {
        return quote!();
    };
    let Some(op) = version
        .operations
        .iter()
        .find(|op| op.action == "DescribeInstances")
        .or_else(|| {
            version
                .operations
                .iter()
                .find(|op| op.action.starts_with("Describe"))
        })
        .or(version.operations.first())
    else {
        return quote!();
    };
    let Some(request) = version.structs.iter().find(|s| s.name == op.request) else {
        return quote!();
    };
    if request.required().next().is_some() {
        return quote!();
    }
    let lines = [
        "```no_run".to_owned(),
        format!(
            "use {}::{}::{{Client, {}}};",
            krate.package.replace('-', "_"),
            version.module,
            op.request
        ),
        format!(
            "use {}::{{ClientConfig, Credentials}};",
            krate.package.replace('-', "_")
        ),
        String::new(),
        "# async fn run() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        "let config = ClientConfig::new(Credentials::from_env()?).region(\"ap-guangzhou\");"
            .to_owned(),
        "let client = Client::new(config)?;".to_owned(),
        format!(
            "let reply = client.{}({}::new()).await?;",
            op.method, op.request
        ),
        "println!(\"{reply:?}\");".to_owned(),
        "# Ok(())".to_owned(),
        "# }".to_owned(),
        "```".to_owned(),
    ];
    inner_doc(&lines.join("\n"))
}

/// A version module: its service constants and client.
pub fn version_mod_rs(krate: &Crate, version: &Version) -> TokenStream {
    let meta = &version.meta;
    let protocol = &meta.protocol;
    let title = format!(
        " {} (`{}`) API version {}.",
        meta.title, krate.service, meta.version
    );
    let description = inner_doc(&crate::docs::to_markdown(&meta.description));
    let service = &krate.service;
    let api_version = &meta.version;
    let host = &protocol.endpoint.host;
    let path = &protocol.endpoint.path;
    let regional_host = match &protocol.endpoint.regional_host {
        Some(host) => quote!(Some(#host)),
        None => quote!(None),
    };
    let family = match protocol.family {
        Family::Api3 => quote!(runtime::Family::Api3),
        Family::Api2 => quote!(runtime::Family::Api2),
    };
    let signing = |m: &SigningMethod| match m {
        SigningMethod::Tc3HmacSha256 => quote!(runtime::SigningMethod::Tc3HmacSha256),
        SigningMethod::HmacSha256 => quote!(runtime::SigningMethod::HmacSha256),
        SigningMethod::HmacSha1 => quote!(runtime::SigningMethod::HmacSha1),
    };
    let methods = protocol.signing.methods.iter().map(signing);
    let default_method = signing(&protocol.signing.default);
    let http_methods = protocol.http_methods.iter().map(|m| match m {
        HttpMethod::Post => quote!(runtime::HttpMethod::Post),
        HttpMethod::Get => quote!(runtime::HttpMethod::Get),
    });
    let index_base =
        proc_macro2::Literal::usize_unsuffixed(usize::from(protocol.list_encoding.index_base));
    let calls = version.operations.iter().map(call);
    let invokes = version.operations.iter().map(|op| {
        let action = &op.action;
        let method = ident(&op.method);
        let allow = op.deprecated.then(|| quote!(#[allow(deprecated)]));
        quote! {
            #action => {
                let request = serde_json::from_value(params).map_err(bad_params)?;
                #allow
                let reply = self.#method(request).await?;
                serde_json::to_value(reply).map_err(bad_reply)
            }
        }
    });
    let client_doc = format!(" Client of {} API version {}.", krate.service, meta.version);
    let extra_modules = crate::emit_extras::modules(version);
    let output_module = crate::emit_models::has_output_module(version).then(|| {
        let module = ident(crate::resolve::OUTPUT_MODULE);
        quote! {
            /// The output types: what replies carry, read leniently.
            #[rustfmt::skip]
            pub mod #module;
        }
    });

    quote! {
        #![doc = #title]
        #![doc = ""]
        #description

        #[rustfmt::skip]
        mod models;

        #output_module

        #extra_modules

        /// A local endpoint that serves this API version, for tests and
        /// offline runs.
        #[cfg(feature = "mock")]
        #[rustfmt::skip]
        pub mod mock;

        pub use models::*;

        // Runtime names stay qualified: a spec may name a model `Action`.
        use tencentcloud_runtime as runtime;
        use tencentcloud_runtime::Error;

        /// The wire rules of this API version.
        pub const SERVICE: runtime::ServiceInfo = runtime::ServiceInfo {
            service: #service,
            version: #api_version,
            family: #family,
            host: #host,
            regional_host: #regional_host,
            path: #path,
            signing_methods: &[#(#methods),*],
            default_signing_method: #default_method,
            http_methods: &[#(#http_methods),*],
            list_index_base: #index_base,
        };

        #[doc = #client_doc]
        ///
        /// Cheap to clone; clones share the connection pool.
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: tencentcloud_runtime::Client,
        }

        impl Client {
            /// Checks the configuration against what this API version accepts.
            pub fn new(config: runtime::ClientConfig) -> Result<Self, Error> {
                Ok(Client {
                    inner: tencentcloud_runtime::Client::new(&SERVICE, config)?,
                })
            }

            /// The runtime client, e.g. to prepare a request without sending it.
            pub fn runtime(&self) -> &tencentcloud_runtime::Client {
                &self.inner
            }

            #(#calls)*

            /// Calls an action by its name with JSON params, through its typed
            /// request and reply: the params must fit the request struct.
            pub async fn invoke(
                &self,
                action: &str,
                params: serde_json::Value,
            ) -> Result<serde_json::Value, Error> {
                let bad_params = |e: serde_json::Error| Error::Encode {
                    action: action.to_owned(),
                    message: format!("the params do not fit the request: {e}"),
                };
                let bad_reply = |e: serde_json::Error| Error::Decode {
                    action: action.to_owned(),
                    status: 200,
                    message: e.to_string(),
                    body: String::new(),
                };
                match action {
                    #(#invokes)*
                    _ => Err(Error::Config(format!("unknown action `{action}`"))),
                }
            }
        }
    }
}

fn call(op: &Operation) -> TokenStream {
    let method = ident(&op.method);
    let request = ident(&op.request);
    let response = ident(&op.response);
    let action = &op.action;
    let host = match &op.host {
        Some(host) => quote!(Some(#host)),
        None => quote!(None),
    };
    let client_token = match &op.client_token {
        Some(field) => quote!(Some(#field)),
        None => quote!(None),
    };
    let read_only = op.read_only;
    let mut text = format!("{}\n\n", op.title.trim());
    text.push_str(&op.doc);
    let docs = doc(text.trim());
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated(note = "the service marks this action deprecated")]));
    quote! {
        #docs
        #deprecated
        pub async fn #method(&self, request: #request) -> Result<#response, Error> {
            const ACTION: runtime::Action = runtime::Action {
                name: #action,
                host: #host,
                client_token: #client_token,
                read_only: #read_only,
            };
            self.inner.call_action(&ACTION, &request).await
        }
    }
}

/// Services whose mock keeps a world of its own (`tencentcloud-mock`'s
/// behaviours), and the expression that makes its default state. The
/// generated `builder()` plugs it in; the mock never picks one by name.
const MOCK_BEHAVIOURS: &[(&str, &str)] = &[("cvm", "tencentcloud_mock::cvm::CvmWorld::seeded()")];

/// The `mock` module: this version's spec for `tencentcloud-mock`'s endpoint.
pub fn mock_rs(krate: &Crate, version: &Version) -> TokenStream {
    let crate_name = krate.package.replace('-', "_");
    let example = [
        "```no_run".to_owned(),
        "# async fn run() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        format!("use {crate_name}::{}::{{mock, Client}};", version.module),
        format!("use {crate_name}::{{ClientConfig, Credentials}};"),
        String::new(),
        "let credentials = Credentials::new(\"AKIDtest\", \"test-key\");".to_owned(),
        "let server = mock::builder().credentials(credentials.clone()).start().await?;".to_owned(),
        "let client = Client::new(ClientConfig::new(credentials).endpoint(server.url()))?;"
            .to_owned(),
        "# Ok(())".to_owned(),
        "# }".to_owned(),
        "```".to_owned(),
    ];
    let example = inner_doc(&example.join("\n"));
    let behaviour = MOCK_BEHAVIOURS
        .iter()
        .find(|(service, _)| *service == krate.service)
        .map(|(_, make)| {
            let make: TokenStream = make
                .parse()
                .expect("MOCK_BEHAVIOURS holds Rust expressions");
            quote!(.behaviour(#make))
        });
    let decodes = version.operations.iter().map(|op| {
        let action = &op.action;
        let response = ident(&op.response);
        quote!(#action => typed::<super::#response>(action, body),)
    });
    // Streaming actions: scripted event streams and mid-stream faults.
    let streams = (!version.streaming.actions.is_empty()).then(|| {
        quote! {
            pub use tencentcloud_mock::{MockStream, StreamFault, StreamPart};
        }
    });
    quote! {
        //! The runtime's mock endpoint, loaded with this version's actions,
        //! params and example replies.
        //!
        #example

        pub use tencentcloud_mock::{Fault, MockBuilder, MockServer, ReceivedRequest};
        #streams

        /// Each action's input fields and example reply, and the shared types.
        pub const SPEC: &str = include_str!("mock_spec.json");

        /// A mock endpoint that knows this version's actions: it validates
        /// params and answers with the example replies.
        pub fn builder() -> MockBuilder {
            MockServer::builder(&super::SERVICE).spec(SPEC)#behaviour
        }

        /// Decodes a reply body of `action` as a call does, into the action's
        /// typed reply, and gives that back as JSON; `None` for an action this
        /// version does not have. The example checks use it.
        pub fn decode_reply(
            action: &str,
            body: &[u8],
        ) -> Option<Result<serde_json::Value, tencentcloud_runtime::Error>> {
            fn typed<T: serde::de::DeserializeOwned + serde::Serialize>(
                action: &str,
                body: &[u8],
            ) -> Result<serde_json::Value, tencentcloud_runtime::Error> {
                let reply: T = tencentcloud_runtime::client::decode_reply(
                    super::SERVICE.family,
                    action,
                    200,
                    body,
                )?;
                serde_json::to_value(reply).map_err(|e| tencentcloud_runtime::Error::Decode {
                    action: action.to_owned(),
                    status: 200,
                    message: format!("the typed reply does not serialize: {e}"),
                    body: String::new(),
                })
            }
            Some(match action {
                #(#decodes)*
                _ => return None,
            })
        }
    }
}

/// A field or item type as tokens, spelled as [`RustType::spelling`] does.
pub(crate) fn rust_type(ty: &RustType) -> TokenStream {
    match ty {
        RustType::Vec(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
        RustType::Named {
            name,
            boxed,
            output,
        } => {
            let name = ident(name);
            let path = match output {
                true => {
                    let module = ident(crate::resolve::OUTPUT_MODULE);
                    quote!(#module::#name)
                }
                false => quote!(#name),
            };
            match boxed {
                true => quote!(Box<#path>),
                false => path,
            }
        }
        scalar => {
            let name = ident(&scalar.spelling());
            quote!(#name)
        }
    }
}
