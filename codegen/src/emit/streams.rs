//! `streams.rs`: the `<action>_stream` methods of the actions that stream
//! ([`crate::resolve::streaming`] decides which).

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc, ident};
use crate::model::streaming::StreamingAction;
use crate::model::Version;

/// `streams.rs`, or `None` when no action streams.
pub fn streams_rs(version: &Version) -> Option<TokenStream> {
    if version.streaming.actions.is_empty() {
        return None;
    }
    let methods = version.streaming.actions.iter().map(method);
    Some(quote! {
        //! Streamed calls: each `<action>_stream` method asks for a streamed
        //! reply (`Stream: true`) and reads its server-sent events as a
        //! `futures::Stream` of typed events.

        use tencentcloud_stream::EventStream;

        use super::*;

        impl Client {
            #(#methods)*
        }
    })
}

fn method(s: &StreamingAction) -> TokenStream {
    let method = ident(&s.method);
    let call = &s.call;
    let request = ident(&s.request);
    let response = ident(&s.response);
    let field = ident(&s.field);
    let set = if s.optional {
        quote!(request.#field = Some(true);)
    } else {
        quote!(request.#field = true;)
    };
    let docs = doc(&format!(
        "[`Client::{call}`] with `{}` set to true: its reply as a stream of \
         server-sent events, each decoded as [`{}`] (`Choices[].Delta` carries \
         the new text).\n\nNothing is sent until the stream is polled; dropping \
         it cancels the call. An error (an API error reply or event, a broken \
         connection, a stall, a malformed event) is the last item.",
        s.wire, s.response
    ));
    // Like the action's own method: the service marks it deprecated.
    let deprecated = s
        .deprecated
        .then(|| quote!(#[deprecated(note = "the service marks this action deprecated")]));
    quote! {
        #docs
        #deprecated
        // Inline: built only in a crate that streams, like a call method's
        // future.
        #[inline]
        pub fn #method(&self, mut request: #request) -> EventStream<#response> {
            #set
            tencentcloud_stream::call_stream(&self.inner, &<#request as runtime::operation::Operation>::ACTION, &request)
        }
    }
}
