//! Which actions stream their reply, decided from the resolved model, and
//! the `<action>_stream` methods they get.
//!
//! Tencent Cloud's LLM actions (Hunyuan ChatCompletions, lkeap, es and cls
//! ChatCompletions, …) answer as server-sent events when the request sets
//! `Stream: true`. An action streams when its request has a `Stream` member
//! (name compared without case) of type bool. A `Stream` member of another
//! type (weilingwith's is a video stream's id) is skipped, with the reason.
//! The events are decoded into the action's reply type; the reading is
//! `tencentcloud-stream`'s.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{doc, ident};
use crate::resolve::{find_struct, Operation, Repr, RustType, Struct, Version};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamingAction {
    pub action: String,
    /// `chat_completions_stream`.
    pub method: String,
    /// The action's own method.
    pub call: String,
    pub deprecated: bool,
    pub request: String,
    pub response: String,
    /// The request's `Stream` member: wire and Rust names, `Option<bool>`.
    pub wire: String,
    pub field: String,
    pub optional: bool,
    pub host: Option<String>,
    pub client_token: Option<String>,
    pub read_only: bool,
}

/// An action with a `Stream` member that gets no streaming method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub action: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Streaming {
    /// In action order.
    pub actions: Vec<StreamingAction>,
    pub skipped: Vec<Skipped>,
}

impl Streaming {
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty() && self.skipped.is_empty()
    }
}

/// Finds the streaming actions among `operations`.
pub fn detect(operations: &[Operation], structs: &[Struct]) -> Streaming {
    let mut streaming = Streaming::default();
    let taken: Vec<&str> = operations.iter().map(|op| op.method.as_str()).collect();
    for op in operations {
        let Some(request) = find_struct(structs, &op.request) else {
            continue;
        };
        let Some(member) = request
            .fields
            .iter()
            .find(|f| f.wire.eq_ignore_ascii_case("Stream"))
        else {
            continue;
        };
        let skip = |reason: String| Skipped {
            action: op.action.clone(),
            reason,
        };
        if member.ty != RustType::Bool {
            streaming.skipped.push(skip(format!(
                "`{}` is not a bool (so not a switch for a streamed reply)",
                member.wire
            )));
            continue;
        }
        let method = format!("{}_stream", op.method);
        if taken.contains(&method.as_str()) {
            streaming.skipped.push(skip(format!(
                "the method name `{method}` is taken by an action"
            )));
            continue;
        }
        streaming.actions.push(StreamingAction {
            action: op.action.clone(),
            method,
            call: op.method.clone(),
            deprecated: op.deprecated,
            request: op.request.clone(),
            response: op.response.clone(),
            wire: member.wire.clone(),
            field: member.name.clone(),
            optional: member.repr != Repr::Plain,
            host: op.host.clone(),
            client_token: op.client_token.clone(),
            read_only: op.read_only,
        });
    }
    streaming
}

/// Whether any version of the crate has a streamed action: then it depends
/// on `tencentcloud-stream`.
pub fn streams(krate: &crate::resolve::Crate) -> bool {
    krate
        .versions
        .iter()
        .any(|version| !version.streaming.actions.is_empty())
}

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
    let action = &s.action;
    let host = match &s.host {
        Some(host) => quote!(Some(#host)),
        None => quote!(None),
    };
    let client_token = match &s.client_token {
        Some(field) => quote!(Some(#field)),
        None => quote!(None),
    };
    let read_only = s.read_only;
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
        pub fn #method(&self, mut request: #request) -> EventStream<#response> {
            const ACTION: runtime::Action = runtime::Action {
                name: #action,
                host: #host,
                client_token: #client_token,
                read_only: #read_only,
            };
            #set
            tencentcloud_stream::call_stream(&self.inner, &ACTION, &request)
        }
    }
}

/// `generated/<service>/STREAMING.md`, or `None` when no version has a
/// `Stream` member.
pub fn report(service: &str, versions: &[(String, &Streaming)]) -> Option<String> {
    if versions.iter().all(|(_, s)| s.is_empty()) {
        return None;
    }
    let mut out = format!(
        "<!-- Generated by `cargo xtask gen` from api-spec/{service}/. Do not edit by hand. -->\n\n\
         # Streaming actions of `{service}`\n\n\
         Actions whose request has a bool `Stream` member get a `<action>_stream`\n\
         method that reads the reply's server-sent events as typed events\n\
         (rule: `codegen/src/streaming.rs`).\n"
    );
    for (module, streaming) in versions {
        if streaming.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## {module}: {} streaming, {} skipped\n\n",
            streaming.actions.len(),
            streaming.skipped.len()
        ));
        for s in &streaming.actions {
            out.push_str(&format!(
                "- {}: `{}` → `EventStream<{}>`\n",
                s.action, s.method, s.response
            ));
        }
        if !streaming.skipped.is_empty() {
            out.push_str("\nSkipped:\n\n");
        }
        for s in &streaming.skipped {
            out.push_str(&format!("- {}: {}\n", s.action, s.reason));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::{Member, StructKind};

    fn op(action: &str, method: &str) -> Operation {
        Operation {
            action: action.into(),
            method: method.into(),
            title: String::new(),
            doc: String::new(),
            deprecated: false,
            host: None,
            request: format!("{action}Request"),
            response: format!("{action}Response"),
            client_token: None,
            read_only: false,
        }
    }

    fn request(action: &str, stream: Option<RustType>) -> Struct {
        Struct {
            name: format!("{action}Request"),
            doc: String::new(),
            kind: StructKind::Request,
            fields: stream
                .into_iter()
                .map(|ty| Member {
                    wire: "Stream".into(),
                    name: "stream".into(),
                    setter: String::new(),
                    ty,
                    repr: Repr::Optional,
                    required: false,
                    deprecated: false,
                    doc: String::new(),
                    spec_doc: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_bool_stream_member_makes_an_action_stream() {
        let operations = [
            op("Chat", "chat"),
            op("Video", "video"),
            op("Plain", "plain"),
            op("Clash", "clash"),
            op("ClashStream", "clash_stream"),
        ];
        let structs = [
            request("Chat", Some(RustType::Bool)),
            request("Video", Some(RustType::String)),
            request("Plain", None),
            request("Clash", Some(RustType::Bool)),
            request("ClashStream", None),
        ];
        let found = detect(&operations, &structs);
        assert_eq!(found.actions.len(), 1);
        let chat = &found.actions[0];
        assert_eq!(
            (
                chat.action.as_str(),
                chat.method.as_str(),
                chat.field.as_str()
            ),
            ("Chat", "chat_stream", "stream")
        );
        assert!(chat.optional);
        let skipped: Vec<(&str, &str)> = found
            .skipped
            .iter()
            .map(|s| (s.action.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                (
                    "Video",
                    "`Stream` is not a bool (so not a switch for a streamed reply)"
                ),
                (
                    "Clash",
                    "the method name `clash_stream` is taken by an action"
                ),
            ]
        );
        let text = report("svc", &[("v1".into(), &found)]).expect("a report");
        assert!(text.contains("## v1: 1 streaming, 2 skipped"), "{text}");
        assert!(text.contains("- Chat: `chat_stream` → `EventStream<ChatResponse>`"));
        assert_eq!(report("svc", &[("v1".into(), &Streaming::default())]), None);
    }
}
