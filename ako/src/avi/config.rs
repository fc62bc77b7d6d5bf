//! Settings of one Avi REST client: where, who, how fast, how patient.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::backoff::Backoff;

/// Newest API version this client speaks; a newer controller is addressed with this one.
pub const MAX_API_VERSION: &str = "30.2.1";

/// Tenant used when the caller names none.
pub const DEFAULT_TENANT: &str = "admin";

/// How the client proves who it is at `POST /login`.
#[derive(Clone)]
pub enum Credentials {
    Password {
        username: String,
        password: String,
    },
    /// An API token made by `POST /api/user-token`.
    Token {
        username: String,
        token: String,
    },
}

impl std::fmt::Debug for Credentials {
    // Never print a secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Password { username, .. } => {
                write!(f, "Password {{ username: {username:?}, .. }}")
            }
            Credentials::Token { username, .. } => {
                write!(f, "Token {{ username: {username:?}, .. }}")
            }
        }
    }
}

impl Credentials {
    pub fn username(&self) -> &str {
        match self {
            Credentials::Password { username, .. } | Credentials::Token { username, .. } => {
                username
            }
        }
    }
}

/// Trust settings for an HTTPS controller.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// PEM bundle of CA certificates; replaces the system roots when set.
    pub ca_pem: Option<String>,
    /// Accept any server certificate (self-signed lab controllers). Never the default.
    pub insecure_skip_verify: bool,
}

/// Client-side token bucket, shared by every call of one client.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Sustained requests per second. A default controller answers 429 above ~32/s.
    pub per_second: f64,
    /// Requests that may go out back to back after a quiet period.
    pub burst: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            per_second: 25.0,
            burst: 10,
        }
    }
}

/// Retry of one call on 5xx, 429 and transport errors.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts in total, the first included.
    pub max_attempts: u32,
    pub backoff: Backoff,
    /// Log-ins in a row to answer 401 / 419 before giving up (the SDKs use 3).
    pub max_relogins: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            backoff: Backoff::new(Duration::from_millis(200), Duration::from_secs(10)),
            max_relogins: 3,
        }
    }
}

/// Told of every HTTP exchange's outcome: method, object type (or `login`) and status
/// (0 when no answer came). Feeds metrics; must be cheap and must not block.
#[derive(Clone)]
pub struct CallObserver(pub Arc<ObserveFn>);

/// `(method, object type, status)`.
pub type ObserveFn = dyn Fn(&str, &str, u16) + Send + Sync;

impl std::fmt::Debug for CallObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallObserver")
    }
}

/// Everything an [`super::AviClient`] needs.
#[derive(Clone, Debug)]
pub struct AviClientConfig {
    /// `https://<controller>[:port]` (or `http://` for a simulator).
    pub base_url: Url,
    pub credentials: Credentials,
    /// Default `X-Avi-Tenant`; [`super::AviClient::with_tenant`] overrides it per handle.
    pub tenant: String,
    /// `X-Avi-Version`; `None` takes the controller's version from the login answer,
    /// capped at [`MAX_API_VERSION`].
    pub api_version: Option<String>,
    pub tls: TlsOptions,
    /// Names this instance in the controller's logs (`User-Agent`) and in avi-sim's
    /// per-client request log, so two AKO instances can be told apart.
    pub client_id: String,
    pub rate_limit: RateLimit,
    pub retry: RetryPolicy,
    /// Deadline of one HTTP exchange.
    pub request_timeout: Duration,
    /// Sees every exchange (metrics); `None` by default.
    pub observer: Option<CallObserver>,
}

impl AviClientConfig {
    /// Defaults for everything but where and who.
    pub fn new(base_url: Url, credentials: Credentials) -> Self {
        AviClientConfig {
            base_url,
            credentials,
            tenant: DEFAULT_TENANT.to_string(),
            api_version: None,
            tls: TlsOptions::default(),
            client_id: "ako".to_string(),
            rate_limit: RateLimit::default(),
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(60),
            observer: None,
        }
    }
}
