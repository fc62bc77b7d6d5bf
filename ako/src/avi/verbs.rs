//! The object verbs — get / create / put / patch / delete — over JSON or any serde type.

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::{AviClient, Call};
use super::error::{AviError, Target};

/// The three PATCH flavours Avi knows (`{"add": ...}` etc.).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchOp {
    /// Append list items (an item with the same identity key replaces the old one).
    Add,
    /// Set fields / replace whole lists.
    Replace,
    /// Remove list items matching by identity key (e.g. `route_id`).
    Delete,
}

impl PatchOp {
    fn key(self) -> &'static str {
        match self {
            PatchOp::Add => "add",
            PatchOp::Replace => "replace",
            PatchOp::Delete => "delete",
        }
    }
}

impl AviClient {
    /// `GET /api/<type>/<uuid>`.
    pub async fn get<R: DeserializeOwned>(
        &self,
        obj_type: &str,
        uuid: &str,
    ) -> Result<R, AviError> {
        let path = format!("/api/{obj_type}/{}?include_name=true", encode(uuid));
        self.call(Method::GET, path, None, Target::new(obj_type, uuid))
            .await
    }

    /// `GET` of any path below the base URL (singletons such as `/api/initial-data`).
    pub async fn get_path<R: DeserializeOwned>(&self, path: &str) -> Result<R, AviError> {
        let target = Target::new(path.trim_start_matches('/'), "");
        self.call(Method::GET, path.to_string(), None, target).await
    }

    /// `POST /api/<type>`: creates the object and returns what the controller stored.
    pub async fn create<B, R>(&self, obj_type: &str, body: &B) -> Result<R, AviError>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let (bytes, name) = encode_body(obj_type, body)?;
        let target = Target::new(obj_type, &name);
        self.call(
            Method::POST,
            format!("/api/{obj_type}"),
            Some(&bytes),
            target,
        )
        .await
    }

    /// `PUT /api/<type>/<uuid>`: replaces the whole object.
    pub async fn put<B, R>(&self, obj_type: &str, uuid: &str, body: &B) -> Result<R, AviError>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let (bytes, name) = encode_body(obj_type, body)?;
        let target = Target::new(obj_type, if name.is_empty() { uuid } else { &name });
        let path = format!("/api/{obj_type}/{}", encode(uuid));
        self.call(Method::PUT, path, Some(&bytes), target).await
    }

    /// `PATCH /api/<type>/<uuid>` with `{"<op>": body}`.
    pub async fn patch<B, R>(
        &self,
        obj_type: &str,
        uuid: &str,
        op: PatchOp,
        body: &B,
    ) -> Result<R, AviError>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let inner = serde_json::to_value(body).map_err(|e| AviError::Decode {
            method: Method::PATCH,
            target: Target::new(obj_type, uuid),
            detail: format!("body does not serialise: {e}"),
        })?;
        let wrapped = serde_json::json!({ op.key(): inner });
        let bytes = serde_json::to_vec(&wrapped).unwrap_or_default();
        let path = format!("/api/{obj_type}/{}", encode(uuid));
        self.call(
            Method::PATCH,
            path,
            Some(&bytes),
            Target::new(obj_type, uuid),
        )
        .await
    }

    /// `DELETE /api/<type>/<uuid>`. An object already gone (404) counts as deleted.
    pub async fn delete(&self, obj_type: &str, uuid: &str) -> Result<(), AviError> {
        let call = Call {
            method: Method::DELETE,
            path: format!("/api/{obj_type}/{}", encode(uuid)),
            body: None,
            target: Target::new(obj_type, uuid),
        };
        match self.send(call).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn call<R: DeserializeOwned>(
        &self,
        method: Method,
        path: String,
        body: Option<&[u8]>,
        target: Target,
    ) -> Result<R, AviError> {
        let call = Call {
            method: method.clone(),
            path,
            body,
            target: target.clone(),
        };
        let (_, bytes) = self.send(call).await?;
        decode(&method, &target, &bytes)
    }
}

/// Parses a 2xx body; an empty body reads as JSON `null`.
pub(crate) fn decode<R: DeserializeOwned>(
    method: &Method,
    target: &Target,
    bytes: &[u8],
) -> Result<R, AviError> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        bytes
    };
    serde_json::from_slice(bytes).map_err(|e| AviError::Decode {
        method: method.clone(),
        target: target.clone(),
        detail: e.to_string(),
    })
}

fn encode_body<B: Serialize + ?Sized>(
    obj_type: &str,
    body: &B,
) -> Result<(Vec<u8>, String), AviError> {
    let value = serde_json::to_value(body).map_err(|e| AviError::Decode {
        method: Method::POST,
        target: Target::new(obj_type, ""),
        detail: format!("body does not serialise: {e}"),
    })?;
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let bytes = serde_json::to_vec(&value).unwrap_or_default();
    Ok((bytes, name))
}

/// Percent-encodes one path segment or query value.
pub(crate) fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
