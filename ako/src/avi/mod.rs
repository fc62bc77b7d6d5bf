//! Avi REST client: session (login, cookies, CSRF), `X-Avi-Version` / `X-Avi-Tenant`,
//! client-side rate budget, retries with backoff, paging, typed errors.
//!
//! Every call goes through [`AviClient`]; objects travel as `serde_json::Value` or any
//! serde type. Refs in both wire forms are parsed by [`refs`].

mod backoff;
mod client;
mod config;
mod error;
mod list;
mod ratelimit;
pub mod refs;
mod session;
mod tls;
mod verbs;

pub use backoff::Backoff;
pub use client::{AviClient, CLIENT_ID_HEADER};
pub use config::{
    AviClientConfig, CallObserver, Credentials, DEFAULT_TENANT, MAX_API_VERSION, RateLimit,
    RetryPolicy, TlsOptions,
};
pub use error::{AviError, Target};
pub use list::ListQuery;
pub use ratelimit::RateLimiter;
pub use verbs::PatchOp;
