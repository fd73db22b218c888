//! Helpers of the token emitters: identifiers, doc attributes, types.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::RustType;

pub fn ident(name: &str) -> Ident {
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
pub fn doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#[doc = #lines])*)
}

/// `#![doc = "..."]` per line: docs of the enclosing module.
pub fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#![doc = #lines])*)
}

/// A field or item type as tokens, spelled as [`RustType::spelling`] does.
pub fn rust_type(ty: &RustType) -> TokenStream {
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
                    let module = ident(crate::model::OUTPUT_MODULE);
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
