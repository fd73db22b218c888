//! Oversized replies stop with `Error::ReplyTooLarge` naming the limit,
//! whether the server declares its length or streams without one. The
//! server is a raw HTTP/1.1 responder on 127.0.0.1.

use std::time::Duration;

use serde_json::Value;
use tencentcloud_runtime::service::{Family, HttpMethod, ServiceInfo, SigningMethod};
use tencentcloud_runtime::{Client, ClientConfig, Credentials, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

static SERVICE: ServiceInfo = ServiceInfo {
    service: "cvm",
    version: "2017-03-12",
    family: Family::Api3,
    host: "cvm.tencentcloudapi.com",
    regional_host: None,
    path: "/",
    signing_methods: &[SigningMethod::Tc3HmacSha256],
    default_signing_method: SigningMethod::Tc3HmacSha256,
    http_methods: &[HttpMethod::Post],
    list_index_base: 0,
};

/// How the server frames the reply body.
#[derive(Clone, Copy)]
enum Framing {
    ContentLength,
    /// Chunked, in 1 KiB chunks: the client cannot know the length upfront.
    Chunked,
    /// A `Content-Length` that the body does not live up to.
    Declared(u64),
}

/// Serves one reply with `body` to every connection; returns its URL.
async fn serve(body: Vec<u8>, framing: Framing) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("has an address"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                // Read the request head and body (small) before answering.
                let mut buf = vec![0u8; 64 * 1024];
                let _ = socket.read(&mut buf).await;
                let head = match framing {
                    Framing::ContentLength => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    ),
                    Framing::Declared(len) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
                    ),
                    Framing::Chunked => "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_owned(),
                };
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                match framing {
                    Framing::ContentLength | Framing::Declared(_) => {
                        let _ = socket.write_all(&body).await;
                    }
                    Framing::Chunked => {
                        for chunk in body.chunks(1024) {
                            let framed =
                                [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"]
                                    .concat();
                            if socket.write_all(&framed).await.is_err() {
                                return;
                            }
                        }
                        let _ = socket.write_all(b"0\r\n\r\n").await;
                    }
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    url
}

/// A valid reply padded with spaces to exactly `len` bytes.
fn reply_of_len(len: usize) -> Vec<u8> {
    let mut body = br#"{"Response": {"RequestId": "req-1"}}"#.to_vec();
    assert!(body.len() <= len);
    body.resize(len, b' ');
    body
}

async fn call(url: &str, limit: usize) -> Result<Value, Error> {
    let config = ClientConfig::new(Credentials::new("AKIDlimit", "limit-key"))
        .endpoint(url)
        .timeout(Duration::from_secs(30))
        .max_reply_bytes(limit);
    let client = Client::new(&SERVICE, config)?;
    client
        .call::<Value, Value>("DescribeInstances", None, &serde_json::json!({}))
        .await
}

#[tokio::test]
async fn a_reply_at_the_limit_is_read_and_one_byte_more_is_refused() {
    const LIMIT: usize = 64 * 1024;
    for framing in [Framing::ContentLength, Framing::Chunked] {
        let url = serve(reply_of_len(LIMIT), framing).await;
        let reply = call(&url, LIMIT)
            .await
            .expect("a reply of exactly the limit");
        assert_eq!(reply["RequestId"], "req-1");

        let url = serve(reply_of_len(LIMIT + 1), framing).await;
        match call(&url, LIMIT).await {
            Err(Error::ReplyTooLarge {
                action,
                status,
                limit,
            }) => {
                assert_eq!(
                    (action.as_str(), status, limit),
                    ("DescribeInstances", 200, LIMIT)
                );
            }
            other => panic!("expected ReplyTooLarge, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_error_message_states_the_limit() {
    let url = serve(reply_of_len(10_000), Framing::Chunked).await;
    let error = call(&url, 4096).await.expect_err("over the limit");
    assert_eq!(
        error.to_string(),
        "DescribeInstances: the reply (HTTP 200) is larger than the limit of 4096 bytes"
    );
}

#[tokio::test]
async fn the_default_limit_refuses_a_huge_streamed_reply() {
    // 40 MiB, streamed in chunks: past the 32 MiB default.
    let huge = tencentcloud_runtime::client::DEFAULT_MAX_REPLY_BYTES + 8 * 1024 * 1024;
    let url = serve(reply_of_len(huge), Framing::Chunked).await;
    let config = ClientConfig::new(Credentials::new("AKIDlimit", "limit-key")).endpoint(&url);
    let client = Client::new(&SERVICE, config).expect("valid config");
    let result = client
        .call::<Value, Value>("DescribeInstances", None, &serde_json::json!({}))
        .await;
    assert!(
        matches!(result, Err(Error::ReplyTooLarge { limit, .. }) if limit == tencentcloud_runtime::client::DEFAULT_MAX_REPLY_BYTES),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_declared_length_is_not_reserved_up_front() {
    // With the limit lifted, a length of 2^60 bytes that never comes must
    // not be allocated before the first byte: the body ends short instead.
    let url = serve(reply_of_len(64), Framing::Declared(1 << 60)).await;
    match call(&url, usize::MAX).await {
        Err(error @ Error::Transport { .. }) => {
            assert_eq!(
                error.phase(),
                Some(tencentcloud_runtime::Phase::ReadBody),
                "{error}"
            );
        }
        other => panic!("expected a body cut short, got {other:?}"),
    }
}
