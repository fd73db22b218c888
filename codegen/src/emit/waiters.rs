//! Tokens of `<version>/waiters.rs`: per declared waiter, a static
//! `WaiterSpec` and a thin `wait_until_*` method that polls the action once
//! per call of the runtime's `waiter::wait`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::tokens::{doc, ident};
use crate::model::waiters::{Matcher, Waiter};
use crate::model::Version;
use crate::spec::extras::AcceptorResult;

/// `waiters.rs`, or `None` without waiters.
pub fn waiters_rs(version: &Version) -> Option<TokenStream> {
    if version.waiters.is_empty() {
        return None;
    }
    let items = version.waiters.iter().map(waiter);
    Some(quote! {
        //! Waiters: each `wait_until_*` method polls an action until every
        //! given resource reaches a state, as `waiters.json` declares.

        use std::time::Duration;

        pub use tencentcloud_runtime::waiter::{WaitError, WaiterConfig, WaiterSpec};
        use tencentcloud_runtime::waiter::{wait, Acceptor, Matcher, Observed, Outcome};

        use super::*;

        #(#items)*
    })
}

fn waiter(w: &Waiter) -> TokenStream {
    let name = &w.name;
    let action = &w.action;
    let constant = ident(&w.constant);
    let method = ident(&w.method);
    let call = ident(&w.call);
    let request = ident(&w.request);
    let ids = ident(&w.ids);
    let items = ident(&w.items);
    let id = ident(&w.id);
    let state = ident(&w.state);
    let interval = Literal::u64_unsuffixed(w.interval_seconds);
    let timeout = Literal::u64_unsuffixed(w.timeout_seconds);
    let acceptors = w.acceptors.iter().map(|a| {
        let matcher = match &a.matcher {
            Matcher::State(s) => quote!(Matcher::State(#s)),
            Matcher::Absent => quote!(Matcher::Absent),
            Matcher::ErrorCode(c) => quote!(Matcher::ErrorCode(#c)),
        };
        let outcome = match a.result {
            AcceptorResult::Success => quote!(Outcome::Success),
            AcceptorResult::Failure => quote!(Outcome::Failure),
            AcceptorResult::Retry => quote!(Outcome::Retry),
        };
        quote!(Acceptor { matcher: #matcher, outcome: #outcome },)
    });
    let set_limit = w.limit.as_ref().map(|limit| {
        let limit = ident(limit);
        quote! {
            request.#limit = Some(tencentcloud_runtime::paginate::PageParam::from_page(ids.len() as u64));
        }
    });
    let state_value = if w.numeric_state {
        quote!(item.#state.map(|s| s.to_string()))
    } else {
        quote!(item.#state)
    };
    let static_doc = format!(" The `{name}` waiter as `waiters.json` declares it.");
    let docs = doc(&format!(
        "{}\n\nPolls [`Client::{}`] every {} s (default) for at most {} s (default); \
         `config` overrides both. Errors: [`WaitError::FailureState`], \
         [`WaitError::Timeout`], [`WaitError::Api`].",
        w.description.trim(),
        w.call,
        w.interval_seconds,
        w.timeout_seconds
    ));
    quote! {
        #[doc = #static_doc]
        pub static #constant: WaiterSpec = WaiterSpec {
            name: #name,
            action: #action,
            acceptors: &[#(#acceptors)*],
            default_interval: Duration::from_secs(#interval),
            default_timeout: Duration::from_secs(#timeout),
        };

        impl Client {
            #docs
            pub async fn #method(
                &self,
                ids: impl IntoIterator<Item = impl Into<String>>,
                config: WaiterConfig,
            ) -> Result<(), WaitError> {
                let ids: Vec<String> = ids.into_iter().map(Into::into).collect();
                let mut request = #request::new();
                request.#ids = Some(ids.clone());
                #set_limit
                wait(&#constant, config, &ids, || {
                    let request = request.clone();
                    async move {
                        let reply = self.#call(request).await?;
                        Ok(reply
                            .#items
                            .into_iter()
                            .map(|item| Observed {
                                id: item.#id.unwrap_or_default(),
                                state: #state_value,
                            })
                            .collect())
                    }
                })
                .await
            }
        }
    }
}
