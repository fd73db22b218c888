//! `streams.rs`: the `<action>_stream` methods of the actions that stream
//! ([`crate::resolve::streaming`] decides which).

use super::writer::RustWriter;
use crate::model::streaming::StreamingAction;
use crate::model::Version;

/// `streams.rs`, or `None` when no action streams.
pub fn streams_rs(version: &Version) -> Option<String> {
    if version.streaming.actions.is_empty() {
        return None;
    }
    let mut w = RustWriter::new();
    w.inner_doc(
        "Streamed calls: each `<action>_stream` method asks for a streamed\n\
         reply (`Stream: true`) and reads its server-sent events as a\n\
         `futures::Stream` of typed events.",
    );
    w.blank();
    w.line("use tencentcloud_stream::EventStream;");
    w.blank();
    w.line("use super::*;");
    w.blank();
    w.block("impl Client {", "}", |w| {
        for s in &version.streaming.actions {
            method(w, s);
        }
    });
    Some(w.finish())
}

fn method(w: &mut RustWriter, s: &StreamingAction) {
    w.doc(&format!(
        "[`Client::{}`] with `{}` set to true: its reply as a stream of \
         server-sent events, each decoded as [`{}`] (`Choices[].Delta` carries \
         the new text).\n\nNothing is sent until the stream is polled; dropping \
         it cancels the call. An error (an API error reply or event, a broken \
         connection, a stall, a malformed event) is the last item.",
        s.call, s.wire, s.response
    ));
    // Like the action's own method: the service marks it deprecated.
    if s.deprecated {
        w.line(r#"#[deprecated(note = "the service marks this action deprecated")]"#);
    }
    // Inline: built only in a crate that streams, like a call method's
    // future.
    w.line("#[inline]");
    w.block(
        format_args!(
            "pub fn {}(&self, mut request: {}) -> EventStream<{}> {{",
            s.method, s.request, s.response
        ),
        "}",
        |w| {
            match s.optional {
                true => w.line(format_args!("request.{} = Some(true);", s.field)),
                false => w.line(format_args!("request.{} = true;", s.field)),
            }
            w.line(format_args!(
                "tencentcloud_stream::call_stream(&self.inner, &<{} as runtime::operation::Operation>::ACTION, &request)",
                s.request
            ));
        },
    );
}
