//! Tokens of `<version>/paginators.rs`: per paginated action, the runtime's
//! page traits for its request and reply and a thin `<action>_paginator`
//! method. The paging logic lives in `tencentcloud_runtime::paginate`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::tokens::{doc, ident, rust_type};
use crate::model::pagination::{PageMember, Paginator};
use crate::model::Version;

/// `paginators.rs`, or `None` when no action is paginated.
pub fn paginators_rs(version: &Version) -> Option<TokenStream> {
    if version.pagination.paginators.is_empty() {
        return None;
    }
    let items = version.pagination.paginators.iter().map(paginator);
    Some(quote! {
        //! Paginators: each `<action>_paginator` method pages through its
        //! action with Offset and Limit, as `futures::Stream`s of pages or items.

        use tencentcloud_runtime::paginate::{Page, PageParam, PagedRequest, Paginator};

        use super::*;

        #(#items)*
    })
}

fn read(member: &PageMember) -> TokenStream {
    let field = ident(&member.name);
    if member.optional {
        quote!(self.#field.as_ref().and_then(PageParam::to_page))
    } else {
        quote!(PageParam::to_page(&self.#field))
    }
}

fn write(member: &PageMember, value: &TokenStream) -> TokenStream {
    let field = ident(&member.name);
    if member.optional {
        quote!(self.#field = Some(PageParam::from_page(#value));)
    } else {
        quote!(self.#field = PageParam::from_page(#value);)
    }
}

fn paginator(p: &Paginator) -> TokenStream {
    let request = ident(&p.request);
    let response = ident(&p.response);
    let item = rust_type(&p.item);
    let items = ident(&p.items);
    let method = ident(&p.method);
    let call = ident(&p.call);
    let action = &p.action;
    let max_limit = Literal::u64_unsuffixed(p.max_limit);
    let read_offset = read(&p.offset);
    let read_limit = read(&p.limit);
    let read_total = read(&p.total_count);
    let write_offset = write(&p.offset, &quote!(offset));
    let write_limit = write(&p.limit, &quote!(limit));
    let docs = doc(&format!(
        "Pages through [`Client::{call}`] with `{}` and `{}` (at most {} per page), \
         stopping at `{}`.\n\nNothing is sent until `.pages()` or `.items()` is polled.",
        p.offset.wire, p.limit.wire, p.max_limit, p.total_count.wire
    ));
    let allow = p.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        impl PagedRequest for #request {
            fn offset(&self) -> Option<u64> {
                #read_offset
            }
            fn limit(&self) -> Option<u64> {
                #read_limit
            }
            fn with_page(mut self, offset: u64, limit: u64) -> Self {
                #write_offset
                #write_limit
                self
            }
        }

        impl Page for #response {
            type Item = #item;
            fn total_count(&self) -> Option<u64> {
                #read_total
            }
            fn items(&self) -> &[#item] {
                &self.#items
            }
            fn into_items(self) -> Vec<#item> {
                self.#items
            }
        }

        impl Client {
            #docs
            #allow
            // Inline: built only in a crate that pages, not for every
            // paginator in this one (each is a whole call path).
            #[inline]
            pub fn #method(&self, request: #request) -> Paginator<#request, #response> {
                let client = self.clone();
                Paginator::new(#action, #max_limit, request, move |request| {
                    let client = client.clone();
                    async move { client.#call(request).await }
                })
            }
        }
    }
}
