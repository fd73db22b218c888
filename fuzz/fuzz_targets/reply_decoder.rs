//! Every reply decoder on arbitrary bytes: the API 3.0 envelope and error
//! reply, the legacy API 2.0 reply, into typed CVM replies and into plain
//! JSON. Each yields a value or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tencentcloud_cvm::{v2, v20170312};
use tencentcloud_runtime::client::decode_reply;
use tencentcloud_runtime::error::{self, BODY_SNIPPET_CHARS, REPLY_TEXT_CHARS};
use tencentcloud_runtime::{Error, Family};

const STATUSES: [u16; 6] = [200, 204, 400, 403, 500, 503];

fn check<T>(result: Result<T, Error>) {
    if let Err(error) = result {
        let text = error.to_string();
        // Bodies and reply texts are quoted in bounded snippets, never whole:
        // at most four reply texts (an API error) or a message and a body.
        let limit = 4 * REPLY_TEXT_CHARS + BODY_SNIPPET_CHARS + 512;
        let chars = text.chars().count();
        assert!(
            chars < limit,
            "{chars} chars: {}",
            error::body_snippet(text.as_bytes())
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let status = STATUSES[usize::from(selector) % STATUSES.len()];
    let action = "DescribeInstances";
    check(decode_reply::<v20170312::DescribeInstancesResponse>(
        Family::Api3,
        action,
        status,
        body,
    ));
    check(decode_reply::<v20170312::RunInstancesResponse>(
        Family::Api3,
        "RunInstances",
        status,
        body,
    ));
    check(decode_reply::<Value>(Family::Api3, action, status, body));
    check(decode_reply::<v2::DescribeInstancesResponse>(
        Family::Api2,
        action,
        status,
        body,
    ));
    check(decode_reply::<Value>(Family::Api2, action, status, body));
});
