//! `mock.rs`: the version's spec for `tencentcloud-mock`'s endpoint, and its
//! `decode_reply` over the version's `OPERATIONS` table.

use super::writer::RustWriter;
use crate::model::{Crate, Version};

/// The services whose mock keeps a world of its own (`tencentcloud-mock`'s
/// behaviours): the call that plugs its default state into `builder()`.
/// The generator decides; the mock never picks one by service name.
fn behaviour(service: &str) -> Option<&'static str> {
    match service {
        "cvm" => Some(".behaviour(tencentcloud_mock::cvm::CvmWorld::seeded())"),
        _ => None,
    }
}

/// The `mock` module: this version's spec for `tencentcloud-mock`'s endpoint.
pub fn mock_rs(krate: &Crate, version: &Version) -> String {
    let crate_name = krate.package.replace('-', "_");
    let mut w = RustWriter::new();
    w.inner_doc(&format!(
        "The runtime's mock endpoint, loaded with this version's actions,\n\
         params and example replies.\n\
         \n\
         ```no_run\n\
         # async fn run() -> Result<(), Box<dyn std::error::Error>> {{\n\
         use {crate_name}::{module}::{{mock, Client}};\n\
         use {crate_name}::{{ClientConfig, Credentials}};\n\
         \n\
         let credentials = Credentials::new(\"AKIDtest\", \"test-key\");\n\
         let server = mock::builder().credentials(credentials.clone()).start().await?;\n\
         let client = Client::new(ClientConfig::new(credentials).endpoint(server.url()))?;\n\
         # Ok(())\n\
         # }}\n\
         ```",
        module = version.module,
    ));
    w.blank();
    w.line("pub use tencentcloud_mock::{Fault, MockBuilder, MockServer, ReceivedRequest};");
    // Streaming actions: scripted event streams and mid-stream faults.
    if !version.streaming.actions.is_empty() {
        w.line("pub use tencentcloud_mock::{MockStream, StreamFault, StreamPart};");
    }
    w.blank();
    w.doc("Each action's input fields and example reply, and the shared types.");
    w.line(r#"pub const SPEC: &str = include_str!("mock_spec.json");"#);
    w.blank();
    w.doc("A mock endpoint that knows this version's actions: it validates\nparams and answers with the example replies.");
    w.block("pub fn builder() -> MockBuilder {", "}", |w| {
        w.line(format_args!(
            "MockServer::builder(&super::SERVICE).spec(SPEC){}",
            behaviour(&krate.service).unwrap_or_default()
        ));
    });
    w.blank();
    w.doc(
        "Decodes a reply body of `action` as a call does, into the action's\n\
         typed reply, and gives that back as JSON; `None` for an action this\n\
         version does not have. The example checks use it.",
    );
    w.block(
        "pub fn decode_reply(action: &str, body: &[u8]) -> Option<Result<serde_json::Value, tencentcloud_runtime::Error>> {",
        "}",
        |w| w.line("tencentcloud_runtime::operation::decode(super::OPERATIONS, super::SERVICE.family, action, body)"),
    );
    w.finish()
}
