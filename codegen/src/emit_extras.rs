//! What a version module gets beyond its client and models: paginators,
//! waiters and error codes, each in its own file when the version has any.

use proc_macro2::TokenStream;
use quote::quote;

use crate::resolve::{Crate, Version};

/// The module declarations for the version's `mod.rs`.
pub fn modules(version: &Version) -> TokenStream {
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

/// `(file name, tokens)` of each extra file the version has.
pub fn files(krate: &Crate, version: &Version) -> Vec<(&'static str, TokenStream)> {
    [
        (
            "paginators.rs",
            crate::emit_paginators::paginators_rs(version),
        ),
        ("streams.rs", crate::streaming::streams_rs(version)),
        ("waiters.rs", crate::emit_waiters::waiters_rs(version)),
        (
            "errors.rs",
            crate::emit_errors::errors_rs(&krate.service, version),
        ),
    ]
    .into_iter()
    .filter_map(|(name, tokens)| tokens.map(|t| (name, t)))
    .collect()
}
