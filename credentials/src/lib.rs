//! Where Tencent Cloud credentials come from, in the manner of aws-config:
//! the environment, the profile file (`~/.tencentcloud/credentials`), the
//! CVM instance role, TKE's OIDC exchange and STS AssumeRole, cached and
//! refreshed before they expire ([`CachedProvider`]), and the default chain
//! that tries them in the official SDKs' order ([`DefaultCredentialsChain`]);
//! and the other settings the SDKs read from the environment, the region
//! and the proxies ([`env_settings`], [`config_from_env`]).
//!
//! A client with fixed keys needs none of this: `tencentcloud-runtime`'s
//! [`Credentials`] provide themselves. The key and the token never appear
//! in Debug output, errors or logs.

mod cache;
mod chain;
mod cvm_role;
mod env;
mod profile;
mod settings;
mod sts;

pub use cache::{CachedProvider, Clock, SystemClock, DEFAULT_REFRESH_MARGIN};
pub use chain::{
    AssumeRoleSettings, DefaultCredentialsChain, DefaultCredentialsChainBuilder,
    ENV_ASSUME_ROLE_ARN, ENV_ASSUME_ROLE_SESSION_DURATION, ENV_ASSUME_ROLE_SESSION_NAME,
};
pub use cvm_role::{
    CvmRoleProvider, CvmRoleProviderBuilder, DEFAULT_METADATA_CONNECT_TIMEOUT,
    DEFAULT_METADATA_ENDPOINT, DEFAULT_METADATA_TIMEOUT,
};
pub use env::{process_env, EnvLookup, EnvironmentProvider};
pub use profile::{
    load_profile, parse_profiles, ProfileProvider, Section, DEFAULT_PROFILE, ENV_CREDENTIALS_FILE,
    ENV_PROFILE, SYSTEM_CREDENTIALS_FILE,
};
pub use settings::{
    config_from_env, config_from_env_with, env_settings, ENV_NO_PROXY, ENV_PROXIES, ENV_REGION,
};
pub use sts::{
    AssumeRoleProvider, AssumeRoleProviderBuilder, OidcRoleProvider, OidcRoleProviderBuilder,
    DEFAULT_STS_REGION, ENV_TKE_PROVIDER_ID, ENV_TKE_REGION, ENV_TKE_ROLE_ARN,
    ENV_TKE_WEB_IDENTITY_TOKEN_FILE,
};
pub use tencentcloud_runtime::credentials::{
    BoxFuture, Credentials, ProvideCredentials, SharedCredentialsProvider,
};
