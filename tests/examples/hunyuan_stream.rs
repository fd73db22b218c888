//! Streams a Hunyuan chat completion and prints the tokens as they arrive.
//!
//! ```sh
//! cargo run -p tencentcloud-tests --example hunyuan_stream
//! ```
//!
//! With TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY set this calls
//! Hunyuan's ChatCompletions (billed by tokens, model `hunyuan-lite` unless
//! HUNYUAN_MODEL says otherwise); otherwise it runs against the local mock
//! endpoint, which streams a scripted answer a token every 30 ms.
#![allow(deprecated)] // tccli 3.1.189.1 marks Hunyuan's actions deprecated.

use std::io::Write;
use std::time::Duration;

use futures_util::StreamExt;
use tencentcloud_hunyuan::v20230901::mock::{self, MockStream};
use tencentcloud_hunyuan::v20230901::{ChatCompletionsRequest, Client, Message};
use tencentcloud_tests::walkthrough::{explain, target};

const ANSWER: [&str; 12] = [
    "Tencent", " Cloud", "'s", " Hunyuan", " streams", " its", " answer", " as", " server",
    "-sent", " events", ".",
];

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let script = MockStream::chat(ANSWER).pace(Duration::from_millis(30));
    let target = target(mock::builder().stream("ChatCompletions", script)).await?;
    let client = Client::new(target.config.clone().region("ap-guangzhou"))?;

    let mut question = Message::new("user");
    question.content = Some("In one sentence: how does Hunyuan send long answers?".into());
    let model = std::env::var("HUNYUAN_MODEL").unwrap_or_else(|_| "hunyuan-lite".into());
    let mut events = client.chat_completions_stream(ChatCompletionsRequest::new(model, [question]));

    let mut text = String::new();
    let mut usage = None;
    while let Some(event) = events.next().await {
        let event = event.map_err(|e| explain(&e))?;
        for choice in &event.choices {
            if let Some(token) = choice.delta.as_ref().and_then(|d| d.content.as_deref()) {
                print!("{token}");
                std::io::stdout().flush()?;
                text.push_str(token);
            }
        }
        usage = event.usage.or(usage);
    }
    println!();
    let tokens = usage.and_then(|u| u.total_tokens).unwrap_or_default();
    println!(
        "{} events, {} characters, {tokens} tokens in all",
        events.events(),
        text.chars().count()
    );
    if target.is_mock() && text != ANSWER.concat() {
        return Err(format!("the mock's answer came back as {text:?}").into());
    }
    Ok(())
}
