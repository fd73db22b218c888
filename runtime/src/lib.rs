//! The runtime shared by the generated Tencent Cloud SDK crates
//! (`tencentcloud-cvm`, …): credentials, signers, the `.N` param encoding,
//! the HTTP transport and errors. Generated code stays thin and calls these.

pub mod client;
pub mod credentials;
pub mod de;
pub mod error;
pub mod params;
mod reply;
pub mod service;
pub mod signing;

pub use client::{Client, ClientConfig, Language, PreparedRequest, SigningContext};
pub use credentials::Credentials;
pub use error::{ApiError, Error};
pub use service::{Family, HttpMethod, ServiceInfo, SigningMethod};

#[cfg(feature = "mock")]
pub mod mock;
