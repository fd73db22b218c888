//! Which actions stream their reply, decided from the resolved model
//! (their `<action>_stream` methods are [`crate::emit::streams`]'s).
//!
//! Tencent Cloud's LLM actions (Hunyuan ChatCompletions, lkeap, es and cls
//! ChatCompletions, …) answer as server-sent events when the request sets
//! `Stream: true`. An action streams when its request has a `Stream` member
//! (name compared without case) of type bool. A `Stream` member of another
//! type (weilingwith's is a video stream's id) is skipped, with the reason.
//! The events are decoded into the action's reply type; the reading is
//! `tencentcloud-stream`'s.

use crate::model::streaming::{Streaming, StreamingAction};
use crate::model::Skipped;
use crate::model::{find_struct, Operation, Repr, RustType, Struct};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Member, StructKind};

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
                    secret: false,
                    doc: String::new(),
                    spec_text: String::new(),
                    spec_text_en: String::new(),
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
        let text =
            crate::emit::reports::streaming("svc", &[("v1".into(), &found)]).expect("a report");
        assert!(text.contains("## v1: 1 streaming, 2 skipped"), "{text}");
        assert!(text.contains("- Chat: `chat_stream` → `EventStream<ChatResponse>`"));
        assert_eq!(
            crate::emit::reports::streaming("svc", &[("v1".into(), &Streaming::default())]),
            None
        );
    }
}
