//! Sessions like a real controller: `POST /login` (form or JSON, password or API
//! token) creates a session with `sessionid` / `avi-sessionid` / `csrftoken` cookies;
//! each /api call is authenticated by cookie (CSRF checked on writes) or, when enabled,
//! by basic auth; `X-Avi-Version` must be within the supported range and
//! `X-Avi-Tenant` / `X-Avi-Tenant-UUID` select a tenant that exists.

use std::cmp::Ordering;
use std::collections::HashMap;

use axum::http::{HeaderMap, Method, header};
use base64::Engine;
use parking_lot::Mutex;
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::error::{AviError, Result};
use crate::schema;
use crate::store::Store;

/// A dotted controller / API version (`30.2.1`; `16_4_2` is also understood).
#[derive(Debug, Clone)]
pub struct Version(pub Vec<u32>);

impl Version {
    pub fn parse(s: &str) -> Option<Version> {
        let parts: Option<Vec<u32>> = s.trim().split(['.', '_']).map(|p| p.parse().ok()).collect();
        parts.filter(|p| !p.is_empty() && p.len() <= 4).map(Version)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.0.len().max(other.0.len());
        let at = |v: &Version, i: usize| v.0.get(i).copied().unwrap_or(0);
        (0..n)
            .map(|i| at(self, i).cmp(&at(other, i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    pub csrf: String,
}

/// Who is calling, in which tenant, speaking which API version.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: String,
    pub tenant: String,
    pub version: Version,
}

#[derive(Default)]
pub struct Sessions {
    sessions: Mutex<HashMap<String, Session>>,
    /// API tokens from `/api/user-token`.
    tokens: Mutex<Vec<Token>>,
}

/// An API token (`POST /api/user-token`), usable with `POST /login {username, token}`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Token {
    pub uuid: String,
    pub token: String,
    pub username: String,
    pub hours: u64,
}

pub fn random_token(len: usize, lowercase: bool) -> String {
    let s: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect();
    if lowercase { s.to_lowercase() } else { s }
}

impl Sessions {
    /// A new session for `user`: (session id, csrf token).
    pub fn open(&self, user: &str) -> (String, Session) {
        let sid = random_token(32, true);
        let s = Session {
            user: user.to_string(),
            csrf: random_token(32, false),
        };
        self.sessions.lock().insert(sid.clone(), s.clone());
        (sid, s)
    }
    pub fn close(&self, sid: &str) -> bool {
        self.sessions.lock().remove(sid).is_some()
    }
    pub fn get(&self, sid: &str) -> Option<Session> {
        self.sessions.lock().get(sid).cloned()
    }
    /// Ends every session (tokens stay valid).
    pub fn clear(&self) {
        self.sessions.lock().clear();
    }
    pub fn new_token(&self, user: &str, hours: u64) -> Token {
        let t = Token {
            uuid: format!("usertoken-{}", uuid::Uuid::new_v4()),
            token: random_token(40, true),
            username: user.to_string(),
            hours,
        };
        self.tokens.lock().push(t.clone());
        t
    }
    pub fn tokens_of(&self, user: &str) -> Vec<Token> {
        self.tokens
            .lock()
            .iter()
            .filter(|t| t.username == user)
            .cloned()
            .collect()
    }
    pub fn remove_token(&self, uuid: &str) -> bool {
        let mut g = self.tokens.lock();
        let before = g.len();
        g.retain(|t| t.uuid != uuid);
        g.len() != before
    }
    pub fn token_user(&self, token: &str) -> Option<String> {
        self.tokens
            .lock()
            .iter()
            .find(|t| t.token == token)
            .map(|t| t.username.clone())
    }

    /// The session a request carries in its cookies (`sessionid` or `avi-sessionid`).
    pub fn session_of(&self, headers: &HeaderMap) -> Option<(String, Session)> {
        cookies(headers).into_iter().find_map(|(k, v)| {
            let s = (k == "sessionid" || k == "avi-sessionid")
                .then(|| self.get(&v))
                .flatten()?;
            Some((v, s))
        })
    }
}

/// `name=value` pairs of every Cookie header.
pub fn cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|c| {
            c.trim()
                .split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

/// What authentication needs to know about the server.
pub struct AuthPolicy<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub basic_auth: bool,
    /// Writes over HTTPS need a Referer, as Django's CSRF check does.
    pub tls: bool,
}

/// Authenticates an /api request (or /logout): the user name.
pub fn authenticate(
    sessions: &Sessions,
    policy: &AuthPolicy<'_>,
    method: &Method,
    headers: &HeaderMap,
) -> Result<String> {
    if let Some((_, s)) = sessions.session_of(headers) {
        let unsafe_method = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method {
            let token = headers.get("x-csrftoken").and_then(|v| v.to_str().ok());
            if token != Some(s.csrf.as_str())
                || (policy.tls && !headers.contains_key(header::REFERER))
            {
                return Err(AviError::csrf());
            }
        }
        return Ok(s.user);
    }
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok());
    match basic {
        Some(pair) if policy.basic_auth => match pair.split_once(':') {
            Some((u, p)) if u == policy.username && p == policy.password => Ok(u.to_string()),
            _ => Err(AviError::unauthorized("Invalid credentials")),
        },
        _ => Err(AviError::no_session()),
    }
}

/// The API version a request speaks: its `X-Avi-Version`, or the controller's own.
pub fn api_version(headers: &HeaderMap, min: &Version, max: &Version) -> Result<Version> {
    let Some(raw) = headers.get("x-avi-version") else {
        return Ok(max.clone());
    };
    let text = raw.to_str().unwrap_or_default();
    match Version::parse(text) {
        Some(v) if v >= *min && v <= *max => Ok(v),
        _ => Err(AviError::invalid_version(text)),
    }
}

/// The tenant uuid a request works in (`admin` by default).
pub fn tenant(headers: &HeaderMap, store: &Store) -> Result<String> {
    let spec = schema::by_path("tenant").ok_or_else(|| AviError::unknown_tenant("admin"))?;
    if let Some(u) = headers
        .get("x-avi-tenant-uuid")
        .and_then(|v| v.to_str().ok())
    {
        return match store.get(u) {
            Some(t) if t.spec.path == "tenant" => Ok(t.uuid.to_string()),
            _ => Err(AviError::unknown_tenant(u)),
        };
    }
    let name = headers
        .get("x-avi-tenant")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("admin");
    store
        .find(spec, "admin", name, None)
        .map(|t| t.uuid.to_string())
        .ok_or_else(|| AviError::unknown_tenant(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("30.2.1") > v("22.1.3"));
        assert!(v("18.2.10") > v("18.2.6"));
        assert_eq!(v("16_4_2"), v("16.4.2"));
        assert_eq!(v("30.2"), v("30.2.0"));
        assert!(Version::parse("abc").is_none());
        assert!(Version::parse("").is_none());
    }
}
