//! `AviClient`: one HTTP exchange done right — session, headers, rate budget, retries.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::header::{
    CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, REFERER, RETRY_AFTER,
};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::config::AviClientConfig;
use super::error::{AviError, Target, error_text};
use super::ratelimit::RateLimiter;
use super::session::{self, Session};
use super::tls;

/// Header that names the calling instance (it is also in `User-Agent`): avi-sim keys its
/// per-client request log and faults on it; a real controller ignores it.
pub const CLIENT_ID_HEADER: &str = "x-sim-client";

/// A cheap handle on one controller connection; clones share session, pool and rate budget.
#[derive(Clone, Debug)]
pub struct AviClient {
    inner: Arc<Inner>,
    tenant: String,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    config: AviClientConfig,
    limiter: RateLimiter,
    session: Mutex<Option<Arc<Session>>>,
    login_lock: tokio::sync::Mutex<()>,
    generation: AtomicU64,
    logins: AtomicU64,
}

/// What a call sends; built by the verb methods.
pub(crate) struct Call<'a> {
    pub method: Method,
    /// Path and query below the base URL, starting with `/api/`.
    pub path: String,
    pub body: Option<&'a [u8]>,
    pub target: Target,
}

impl AviClient {
    /// Builds the client; no request is made until the first call (or [`Self::login`]).
    pub fn new(config: AviClientConfig) -> Result<Self, AviError> {
        let tls = tls::client_config(&config.tls, config.base_url.scheme() == "https")?;
        let user_agent = format!(
            "ako-rs/{} ({})",
            env!("CARGO_PKG_VERSION"),
            config.client_id
        );
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .user_agent(user_agent)
            .timeout(config.request_timeout)
            .build()
            .map_err(|e| AviError::Setup(format!("HTTP client: {e}")))?;
        let tenant = config.tenant.clone();
        Ok(AviClient {
            inner: Arc::new(Inner {
                http,
                limiter: RateLimiter::new(config.rate_limit),
                config,
                session: Mutex::new(None),
                login_lock: tokio::sync::Mutex::new(()),
                generation: AtomicU64::new(0),
                logins: AtomicU64::new(0),
            }),
            tenant,
        })
    }

    /// The same connection speaking for another tenant (`X-Avi-Tenant`).
    pub fn with_tenant(&self, tenant: &str) -> AviClient {
        AviClient {
            inner: self.inner.clone(),
            tenant: tenant.to_string(),
        }
    }

    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    pub fn config(&self) -> &AviClientConfig {
        &self.inner.config
    }

    /// The shared rate budget (counters for metrics and tests).
    pub fn rate_limiter(&self) -> &RateLimiter {
        &self.inner.limiter
    }

    /// Successful logins so far (the first one included).
    pub fn logins(&self) -> u64 {
        self.inner.logins.load(Ordering::Relaxed)
    }

    /// `X-Avi-Version` in use, once logged in.
    pub fn api_version(&self) -> Option<String> {
        self.current_session().map(|s| s.api_version.clone())
    }

    /// Logs in now (calls log in lazily otherwise); fails on bad credentials or when the
    /// controller stays unreachable through every retry.
    pub async fn login(&self) -> Result<(), AviError> {
        let seen = self.current_session().map_or(0, |s| s.generation);
        self.relogin(seen).await.map(|_| ())
    }

    fn current_session(&self) -> Option<Arc<Session>> {
        self.inner
            .session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    async fn session(&self) -> Result<Arc<Session>, AviError> {
        match self.current_session() {
            Some(s) => Ok(s),
            None => self.relogin(0).await,
        }
    }

    /// Logs in unless someone already did after session generation `seen`.
    async fn relogin(&self, seen: u64) -> Result<Arc<Session>, AviError> {
        let _guard = self.inner.login_lock.lock().await;
        if let Some(s) = self.current_session()
            && s.generation > seen
        {
            return Ok(s);
        }
        let session = Arc::new(self.do_login().await?);
        *self
            .inner
            .session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(session.clone());
        self.inner.logins.fetch_add(1, Ordering::Relaxed);
        tracing::info!(controller = %self.inner.config.base_url, generation = session.generation, "logged in to Avi");
        Ok(session)
    }

    async fn do_login(&self) -> Result<Session, AviError> {
        let cfg = &self.inner.config;
        let body = serde_json::to_vec(&session::login_body(&cfg.credentials))
            .map_err(|e| AviError::Setup(format!("login body: {e}")))?;
        let target = Target::new("login", "");
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.inner.limiter.acquire().await;
            let sent = self
                .inner
                .http
                .post(self.url("/login"))
                .headers(self.identity_headers())
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await;
            let answer = match sent {
                Ok(resp) => resp,
                Err(e) => {
                    self.observe(&Method::POST, &target, 0);
                    self.pause_or_give_up(&Method::POST, &target, attempt, e)
                        .await?;
                    continue;
                }
            };
            let status = answer.status();
            self.observe(&Method::POST, &target, status.as_u16());
            let headers = answer.headers().clone();
            let bytes = answer.bytes().await.unwrap_or_default();
            if is_retryable_status(status) && attempt < cfg.retry.max_attempts {
                self.pause(attempt, retry_after(&headers)).await;
                continue;
            }
            if !status.is_success() {
                return Err(AviError::Login {
                    username: cfg.credentials.username().to_string(),
                    status: status.as_u16(),
                    message: error_text(&bytes),
                });
            }
            let cookies = session::cookies(&headers);
            let csrf_token = cookies
                .iter()
                .find(|(name, _)| name == "csrftoken")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let cookie = cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            return Ok(Session {
                cookie,
                csrf_token,
                api_version: session::api_version(cfg.api_version.as_deref(), &answer),
                generation: self.inner.generation.fetch_add(1, Ordering::Relaxed) + 1,
            });
        }
    }

    /// Sends one call: waits for the rate budget, re-logs-in on 401/419, retries 5xx, 429
    /// and transport errors with backoff, and returns the 2xx body or a typed error.
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<(StatusCode, Vec<u8>), AviError> {
        let retry = self.inner.config.retry;
        let mut attempt = 0;
        let mut relogins = 0;
        loop {
            let session = self.session().await?;
            attempt += 1;
            self.inner.limiter.acquire().await;
            let mut req = self
                .inner
                .http
                .request(call.method.clone(), self.url(&call.path))
                .headers(self.identity_headers())
                .headers(self.session_headers(&session));
            if let Some(body) = call.body {
                req = req
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.to_vec());
            }
            let answer = match req.send().await {
                Ok(resp) => resp,
                Err(e) => {
                    self.observe(&call.method, &call.target, 0);
                    self.pause_or_give_up(&call.method, &call.target, attempt, e)
                        .await?;
                    continue;
                }
            };
            let status = answer.status();
            self.observe(&call.method, &call.target, status.as_u16());
            let headers = answer.headers().clone();
            let bytes = match answer.bytes().await {
                Ok(b) => b,
                Err(e) => {
                    self.pause_or_give_up(&call.method, &call.target, attempt, e)
                        .await?;
                    continue;
                }
            };
            tracing::debug!(method = %call.method, target = %call.target, status = status.as_u16(), "avi call");
            if status.is_success() {
                return Ok((status, bytes.to_vec()));
            }
            let session_lost = status == StatusCode::UNAUTHORIZED || status.as_u16() == 419;
            if session_lost && relogins < retry.max_relogins {
                relogins += 1;
                attempt -= 1;
                self.relogin(session.generation).await?;
                continue;
            }
            if is_retryable_status(status) && attempt < retry.max_attempts {
                tracing::warn!(method = %call.method, target = %call.target, status = status.as_u16(), attempt, "retrying Avi call");
                self.pause(attempt, retry_after(&headers)).await;
                continue;
            }
            return Err(AviError::Status {
                method: call.method,
                target: call.target,
                status: status.as_u16(),
                message: error_text(&bytes),
            });
        }
    }

    /// After a transport error: sleep and go on, or give up once attempts are spent.
    async fn pause_or_give_up(
        &self,
        method: &Method,
        target: &Target,
        attempt: u32,
        source: reqwest::Error,
    ) -> Result<(), AviError> {
        if attempt >= self.inner.config.retry.max_attempts {
            return Err(AviError::Transport {
                method: method.clone(),
                target: target.clone(),
                attempts: attempt,
                source,
            });
        }
        tracing::warn!(%method, %target, attempt, error = %source, "Avi unreachable, retrying");
        self.pause(attempt, None).await;
        Ok(())
    }

    fn observe(&self, method: &Method, target: &Target, status: u16) {
        if let Some(o) = &self.inner.config.observer {
            (o.0)(method.as_str(), &target.obj_type, status);
        }
    }

    async fn pause(&self, attempt: u32, server_hint: Option<std::time::Duration>) {
        let backoff = self.inner.config.retry.backoff;
        let mut delay = backoff.delay(attempt.saturating_sub(1));
        if let Some(hint) = server_hint {
            delay = delay.max(hint.min(backoff.max));
        }
        tokio::time::sleep(delay).await;
    }

    fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.inner.config.base_url.as_str().trim_end_matches('/'),
            path
        )
    }

    fn identity_headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            HeaderName::from_static("x-avi-useragent"),
            HeaderValue::from_static("AKO"),
        );
        if let Ok(v) = HeaderValue::from_str(&self.inner.config.client_id) {
            h.insert(HeaderName::from_static(CLIENT_ID_HEADER), v);
        }
        h
    }

    fn session_headers(&self, session: &Session) -> HeaderMap {
        let mut h = HeaderMap::new();
        let pairs = [
            (COOKIE, session.cookie.as_str()),
            (
                HeaderName::from_static("x-csrftoken"),
                session.csrf_token.as_str(),
            ),
            (
                HeaderName::from_static("x-avi-version"),
                session.api_version.as_str(),
            ),
            (
                HeaderName::from_static("x-avi-tenant"),
                self.tenant.as_str(),
            ),
        ];
        for (name, value) in pairs {
            if let Ok(v) = HeaderValue::from_str(value) {
                h.insert(name, v);
            }
        }
        if let Ok(v) = HeaderValue::from_str(&format!("{}/", self.url(""))) {
            h.insert(REFERER, v);
        }
        h
    }
}

fn is_retryable_status(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

fn retry_after(headers: &HeaderMap) -> Option<std::time::Duration> {
    let secs: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(std::time::Duration::from_secs(secs))
}
