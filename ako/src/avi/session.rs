//! The login session: cookies, CSRF token and API version, replaced as a whole on re-login.

use reqwest::header::{HeaderMap, SET_COOKIE};
use serde_json::Value;

use super::config::{Credentials, MAX_API_VERSION};

/// One successful `POST /login`.
#[derive(Debug)]
pub struct Session {
    /// Value of the `Cookie` header to send (session + CSRF cookies).
    pub cookie: String,
    /// Value of `X-CSRFToken`.
    pub csrf_token: String,
    /// Value of `X-Avi-Version`.
    pub api_version: String,
    /// Increases with every login; a 401 re-logs-in only if nobody did since.
    pub generation: u64,
}

/// Body of `POST /login`: JSON, as the Go SDK (and so AKO) sends it.
pub fn login_body(credentials: &Credentials) -> Value {
    match credentials {
        Credentials::Password { username, password } => {
            serde_json::json!({ "username": username, "password": password })
        }
        Credentials::Token { username, token } => {
            serde_json::json!({ "username": username, "token": token })
        }
    }
}

/// The cookies a login answer sets, as `name=value` pairs in arrival order.
pub fn cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let pair = v.split(';').next()?;
            let (name, value) = pair.split_once('=')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}

/// `X-Avi-Version` to use: the configured one, else the controller's (from the login
/// answer's `version.Version`) capped at [`MAX_API_VERSION`].
pub fn api_version(configured: Option<&str>, login_answer: &Value) -> String {
    if let Some(v) = configured {
        return v.to_string();
    }
    let controller = login_answer
        .pointer("/version/Version")
        .and_then(Value::as_str)
        .unwrap_or(MAX_API_VERSION);
    if version_key(controller) > version_key(MAX_API_VERSION) {
        MAX_API_VERSION.to_string()
    } else {
        controller.to_string()
    }
}

fn version_key(v: &str) -> Vec<u64> {
    v.split(['.', '-'])
        .map(|part| part.parse().unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn cookies_are_read_without_attributes() {
        let mut h = HeaderMap::new();
        h.append(
            SET_COOKIE,
            HeaderValue::from_static("csrftoken=abc; Path=/; Max-Age=31449600"),
        );
        h.append(
            SET_COOKIE,
            HeaderValue::from_static("sessionid=s1; HttpOnly; Path=/"),
        );
        assert_eq!(
            cookies(&h),
            vec![
                ("csrftoken".into(), "abc".into()),
                ("sessionid".into(), "s1".into())
            ]
        );
    }

    #[test]
    fn version_is_capped_and_configured_wins() {
        let answer = serde_json::json!({"version": {"Version": "31.2.1"}});
        assert_eq!(api_version(None, &answer), MAX_API_VERSION);
        let older = serde_json::json!({"version": {"Version": "22.1.3"}});
        assert_eq!(api_version(None, &older), "22.1.3");
        assert_eq!(api_version(Some("20.1.1"), &answer), "20.1.1");
        assert_eq!(api_version(None, &Value::Null), MAX_API_VERSION);
    }
}
