//! `lib.rs` (the crate root) and each version's `mod.rs`: the service
//! constants, the client with one one-line method per action, each
//! request's `Operation` impl and the `OPERATIONS` table. Generated code
//! stays thin: calls, encoding and signing live in the runtime.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, ident, inner_doc};
use crate::model::{Crate, Operation, Version};
use crate::spec::model::{Family, HttpMethod, SigningMethod};

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
    let stream = krate.streams().then(|| {
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
    let operations = version.operations.iter().map(operation_impl);
    let entries = version.operations.iter().map(|op| {
        let request = ident(&op.request);
        quote!(runtime::operation::Entry::of::<#request>(),)
    });
    let client_doc = format!(" Client of {} API version {}.", krate.service, meta.version);
    let extra_modules = extra_modules(version);
    let output_module = super::models::has_output_module(version).then(|| {
        let module = ident(crate::model::OUTPUT_MODULE);
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
            #[cfg(feature = "json")]
            pub async fn invoke(
                &self,
                action: &str,
                params: serde_json::Value,
            ) -> Result<serde_json::Value, Error> {
                runtime::operation::invoke(&self.inner, OPERATIONS, action, params).await
            }
        }

        #(#operations)*

        /// Every action of this version, by name: what `Client::invoke` and
        /// the mock's `decode_reply` look actions up in.
        #[cfg(feature = "json")]
        pub const OPERATIONS: &[runtime::operation::Entry] = &[#(#entries)*];
    }
}

fn call(op: &Operation) -> TokenStream {
    let method = ident(&op.method);
    let request = ident(&op.request);
    let response = ident(&op.response);
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
            runtime::operation::send(&self.inner, request).await
        }
    }
}

/// The action's facts and reply type, on its request type.
fn operation_impl(op: &Operation) -> TokenStream {
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
    quote! {
        impl runtime::operation::Operation for #request {
            type Output = #response;
            const ACTION: runtime::Action = runtime::Action {
                name: #action,
                host: #host,
                client_token: #client_token,
                read_only: #read_only,
            };
        }
    }
}

/// The declarations of the version's other modules, each in its own file
/// when the version has any: paginators, streamed calls, errors, waiters.
fn extra_modules(version: &Version) -> TokenStream {
    let paginators = (!version.pagination.paginators.is_empty()).then(|| {
        quote! {
            #[rustfmt::skip]
            mod paginators;
        }
    });
    let errors = version.error_codes.is_some().then(|| {
        quote! {
            #[rustfmt::skip]
            pub mod errors;
        }
    });
    let waiters = (!version.waiters.is_empty()).then(|| {
        quote! {
            #[rustfmt::skip]
            pub mod waiters;
        }
    });
    let streams = (!version.streaming.actions.is_empty()).then(|| {
        quote! {
            #[rustfmt::skip]
            mod streams;
        }
    });
    quote!(#paginators #streams #errors #waiters)
}
