//! The runtime shared by the generated Tencent Cloud SDK crates
//! (`tencentcloud-cvm`, …): credentials, signers, the `.N` param encoding,
//! the HTTP transport with retries ([`retry`]) and client-side quota limits
//! ([`limit`]), and errors. Generated code stays thin and calls these.

pub mod action;
pub mod client;
pub mod config;
pub mod credentials;
mod endpoint;
pub mod error;
#[cfg(feature = "json")]
pub mod input;
pub mod lenient;
pub mod limit;
pub mod operation;
pub mod paginate;
pub mod params;
pub mod prepare;
mod random;
mod reply;
pub mod retry;
pub mod service;
pub mod signing;
mod transport;
pub mod waiter;
pub mod wire_names;

pub use action::Action;
pub use client::{CallReport, Client};
pub use config::{ClientConfig, Language};
pub use credentials::{Credentials, ProvideCredentials, SharedCredentialsProvider};
pub use error::{ApiError, Error, ErrorClass, Phase, RetryKind, SendState, StreamFailure};
pub use limit::{LimitConfig, Limiter, Rate};
pub use prepare::{PreparedRequest, SigningContext};
pub use retry::RetryConfig;
pub use service::{Family, HttpMethod, ServiceInfo, SigningMethod};
