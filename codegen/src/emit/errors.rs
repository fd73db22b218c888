//! Tokens of `<version>/errors.rs`: the version's documented error codes as
//! a non-exhaustive enum, with `Other` for codes not on the list.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, ident, inner_doc};
use crate::model::Version;

/// `errors.rs`, or `None` when the version has no `errorcodes.json`.
pub fn errors_rs(service: &str, version: &Version) -> Option<TokenStream> {
    let set = version.error_codes.as_ref()?;
    let variants = set.codes.iter().map(|c| {
        let docs = doc(&c.doc);
        let variant = ident(&c.variant);
        quote!(#docs #variant,)
    });
    let as_str = set.codes.iter().map(|c| {
        let variant = ident(&c.variant);
        let code = &c.code;
        quote!(ErrorCode::#variant => #code,)
    });
    let parse = set.codes.iter().map(|c| {
        let variant = ident(&c.variant);
        let code = &c.code;
        quote!(#code => ErrorCode::#variant,)
    });
    let describe = set.codes.iter().map(|c| {
        let variant = ident(&c.variant);
        let description = &c.description;
        quote!(ErrorCode::#variant => Some(#description),)
    });
    let allow = set
        .codes
        .iter()
        .any(|c| c.variant.contains('_'))
        .then(|| quote!(#[allow(non_camel_case_types)]));
    let module_doc = inner_doc(&format!(
        "The error codes {service} {} documents ({} of them; from {}).\n\n\
         Match an error with [`ErrorCode::of`]; a code not on the list is [`ErrorCode::Other`].",
        version.meta.version,
        set.codes.len(),
        set.source
    ));
    Some(quote! {
        #module_doc

        /// An error code of this API version. Non-exhaustive: the service may
        /// add codes, which arrive as [`ErrorCode::Other`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #allow
        pub enum ErrorCode {
            #(#variants)*
            /// A code that is not on the documented list.
            Other(String),
        }

        // The matches are inline: compiled only in a crate that matches
        // codes, not in every crate that depends on this one.
        impl ErrorCode {
            /// The code of an API error; `None` for other errors (transport,
            /// decoding, …).
            #[inline]
            pub fn of(error: &tencentcloud_runtime::Error) -> Option<ErrorCode> {
                error.code().map(ErrorCode::parse)
            }

            /// The documented variant of `code`, or [`ErrorCode::Other`].
            #[inline]
            pub fn parse(code: &str) -> ErrorCode {
                match code {
                    #(#parse)*
                    other => ErrorCode::Other(other.to_owned()),
                }
            }

            /// The code as the service sends it.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    ErrorCode::Other(code) => code,
                }
            }

            /// The documented description; `None` for [`ErrorCode::Other`].
            #[inline]
            pub fn description(&self) -> Option<&'static str> {
                match self {
                    #(#describe)*
                    ErrorCode::Other(_) => None,
                }
            }
        }

        impl From<&str> for ErrorCode {
            #[inline]
            fn from(code: &str) -> Self {
                ErrorCode::parse(code)
            }
        }

        impl std::str::FromStr for ErrorCode {
            type Err = std::convert::Infallible;
            #[inline]
            fn from_str(code: &str) -> Result<Self, Self::Err> {
                Ok(ErrorCode::parse(code))
            }
        }

        impl std::fmt::Display for ErrorCode {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    })
}
