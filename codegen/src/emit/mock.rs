//! `mock.rs`: the version's spec for `tencentcloud-mock`'s endpoint, and its
//! `decode_reply` over the version's `OPERATIONS` table.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::inner_doc;
use crate::model::{Crate, Version};

/// The services whose mock keeps a world of its own (`tencentcloud-mock`'s
/// behaviours): the call that plugs its default state into `builder()`.
/// The generator decides; the mock never picks one by service name.
fn behaviour(service: &str) -> Option<TokenStream> {
    match service {
        "cvm" => Some(quote!(.behaviour(tencentcloud_mock::cvm::CvmWorld::seeded()))),
        _ => None,
    }
}

/// The `mock` module: this version's spec for `tencentcloud-mock`'s endpoint.
pub fn mock_rs(krate: &Crate, version: &Version) -> TokenStream {
    let crate_name = krate.package.replace('-', "_");
    let example = [
        "```no_run".to_owned(),
        "# async fn run() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
        format!("use {crate_name}::{}::{{mock, Client}};", version.module),
        format!("use {crate_name}::{{ClientConfig, Credentials}};"),
        String::new(),
        "let credentials = Credentials::new(\"AKIDtest\", \"test-key\");".to_owned(),
        "let server = mock::builder().credentials(credentials.clone()).start().await?;".to_owned(),
        "let client = Client::new(ClientConfig::new(credentials).endpoint(server.url()))?;"
            .to_owned(),
        "# Ok(())".to_owned(),
        "# }".to_owned(),
        "```".to_owned(),
    ];
    let example = inner_doc(&example.join("\n"));
    let behaviour = behaviour(&krate.service);
    // Streaming actions: scripted event streams and mid-stream faults.
    let streams = (!version.streaming.actions.is_empty()).then(|| {
        quote! {
            pub use tencentcloud_mock::{MockStream, StreamFault, StreamPart};
        }
    });
    quote! {
        //! The runtime's mock endpoint, loaded with this version's actions,
        //! params and example replies.
        //!
        #example

        pub use tencentcloud_mock::{Fault, MockBuilder, MockServer, ReceivedRequest};
        #streams

        /// Each action's input fields and example reply, and the shared types.
        pub const SPEC: &str = include_str!("mock_spec.json");

        /// A mock endpoint that knows this version's actions: it validates
        /// params and answers with the example replies.
        pub fn builder() -> MockBuilder {
            MockServer::builder(&super::SERVICE).spec(SPEC)#behaviour
        }

        /// Decodes a reply body of `action` as a call does, into the action's
        /// typed reply, and gives that back as JSON; `None` for an action this
        /// version does not have. The example checks use it.
        pub fn decode_reply(
            action: &str,
            body: &[u8],
        ) -> Option<Result<serde_json::Value, tencentcloud_runtime::Error>> {
            tencentcloud_runtime::operation::decode(super::OPERATIONS, super::SERVICE.family, action, body)
        }
    }
}
