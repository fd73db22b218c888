//! tccli's Hunyuan examples include streamed replies (server-sent events,
//! one `data:` line per event, each a JSON object shaped like the reply).
//! The example check reads them as event streams and decodes every event
//! with the generated reply type; none is "not valid JSON" any more.

use tencentcloud_codegen::example_check::{check_version, stream_events, Cause};
use tencentcloud_codegen::spec::load_version;
use tencentcloud_hunyuan::v20230901::mock::decode_reply;
use tencentcloud_hunyuan::v20230901::ChatCompletionsResponse;
use tencentcloud_stream::{decode_stream, StreamConfig};
use tencentcloud_tests::workspace_root;

fn examples() -> String {
    let path = workspace_root().join("tests/fixtures/tccli/hunyuan-v20230901.examples.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn streamed_hunyuan_examples_decode_event_by_event() {
    let spec = load_version(&workspace_root().join("api-spec/hunyuan/2023-09-01"))
        .unwrap_or_else(|e| panic!("the committed hunyuan spec loads:\n{e}"));
    let decode = |action: &str, body: &[u8]| {
        decode_reply(action, body).map(|r| r.map_err(|e| e.to_string()))
    };
    let report = check_version(&spec, &examples(), &decode).unwrap_or_else(|e| panic!("{e}"));
    println!("{report}");
    // Four ChatCompletions examples are event streams.
    assert_eq!(report.streams, 4, "{report}");
    assert!(report.stream_events > 20, "{report}");
    assert_eq!(report.generator_bugs(), 0, "{report}");
    assert!(
        !report.by_cause().contains_key(&Cause::InvalidJson),
        "no example is left as not JSON: {report}"
    );
    // What still fails is the docs' own: replies without their `Response`
    // envelope, and lists where the spec says string.
    assert_eq!(report.failures.len(), 5, "{report}");
    for failure in &report.failures {
        assert!(
            matches!(failure.cause, Cause::NoResponse | Cause::ContradictsSpec),
            "{report}"
        );
    }
}

#[test]
fn the_runtime_reads_the_example_streams_as_a_call_would() {
    let examples: serde_json::Value = serde_json::from_str(&examples()).expect("JSON");
    let limits = StreamConfig::default().limits(usize::MAX);
    let mut whole = 0;
    for output in examples["actions"]["ChatCompletions"]
        .as_array()
        .expect("examples")
        .iter()
        .filter_map(|e| e["output"].as_str())
    {
        let Some(expected) = stream_events(output) else {
            continue;
        };
        // The body starts at the first field line (the docs put an HTTP
        // head or a note before it).
        let start = output.find("data:").expect("a data line");
        let events = decode_stream::<ChatCompletionsResponse>(
            "ChatCompletions",
            &output.as_bytes()[start..],
            limits,
        );
        if output.contains("\n\t\n") {
            // One example writes a tab on its blank lines: a real reader
            // sees no empty line there, so those events never end; the
            // example check reads the docs loosely.
            continue;
        }
        assert!(events.iter().all(Result::is_ok), "{events:?}");
        // An event with no empty line after it, where the docs stop, is
        // dropped, as the standard (and the Python SDK's reader) do.
        let unfinished = usize::from(!output.ends_with("\n\n"));
        assert_eq!(events.len() + unfinished, expected.len());
        let text: String = events
            .iter()
            .filter_map(|e| {
                e.as_ref()
                    .ok()?
                    .choices
                    .first()?
                    .delta
                    .as_ref()?
                    .content
                    .clone()
            })
            .collect();
        assert!(!text.is_empty());
        whole += 1;
    }
    assert_eq!(whole, 3);
}
