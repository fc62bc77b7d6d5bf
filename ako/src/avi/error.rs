//! Errors of the Avi client: status, Avi's own error text and the object they concern.

use std::fmt;

use reqwest::Method;

/// The object (or collection) a call was about, for error messages and logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Avi collection name, e.g. `pool`.
    pub obj_type: String,
    /// Object name when known, else its uuid, else empty (a whole collection).
    pub ident: String,
}

impl Target {
    pub fn new(obj_type: &str, ident: &str) -> Self {
        Target {
            obj_type: obj_type.to_string(),
            ident: ident.to_string(),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ident.is_empty() {
            write!(f, "{}", self.obj_type)
        } else {
            write!(f, "{}/{}", self.obj_type, self.ident)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AviError {
    /// The controller answered with an error status (after any retries).
    #[error("{method} {target}: HTTP {status}: {message}")]
    Status {
        method: Method,
        target: Target,
        status: u16,
        /// Avi's `error` text, or the raw body when it is not Avi-shaped.
        message: String,
    },
    /// No answer (connect, reset, timeout) after every attempt.
    #[error("{method} {target}: no answer after {attempts} attempts: {source}")]
    Transport {
        method: Method,
        target: Target,
        attempts: u32,
        #[source]
        source: reqwest::Error,
    },
    /// Login refused for good (bad credentials); retrying cannot help.
    #[error("login as {username} refused: HTTP {status}: {message}")]
    Login {
        username: String,
        status: u16,
        message: String,
    },
    /// A 2xx answer whose body is not what the API promises.
    #[error("{method} {target}: unexpected answer: {detail}")]
    Decode {
        method: Method,
        target: Target,
        detail: String,
    },
    /// A paged list whose pages do not add up to the announced count.
    #[error("list {target}: incomplete: read {read} of {count} objects")]
    IncompleteList {
        target: Target,
        read: usize,
        count: usize,
    },
    /// The client could not be built (TLS material, URL).
    #[error("Avi client setup: {0}")]
    Setup(String),
}

impl AviError {
    /// HTTP status of a controller answer, if this error is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            AviError::Status { status, .. } | AviError::Login { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Avi's error text, when the controller sent one.
    pub fn message(&self) -> Option<&str> {
        match self {
            AviError::Status { message, .. } | AviError::Login { message, .. } => Some(message),
            _ => None,
        }
    }
}

/// Avi's error text from an error body: `{"error": "..."}`, else the body itself.
pub(crate) fn error_text(body: &[u8]) -> String {
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
        && let Some(serde_json::Value::String(text)) = map.get("error")
    {
        return text.clone();
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(500) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_prefers_avi_error_field() {
        assert_eq!(
            error_text(br#"{"error": "Pool object not found!"}"#),
            "Pool object not found!"
        );
        assert_eq!(
            error_text(b"CSRF token missing or incorrect."),
            "CSRF token missing or incorrect."
        );
        assert_eq!(error_text(&[b'x'; 900]).chars().count(), 501);
    }

    #[test]
    fn display_names_the_object() {
        let e = AviError::Status {
            method: Method::POST,
            target: Target::new("pool", "c1--p1"),
            status: 400,
            message: "bad".into(),
        };
        assert_eq!(e.to_string(), "POST pool/c1--p1: HTTP 400: bad");
    }
}
