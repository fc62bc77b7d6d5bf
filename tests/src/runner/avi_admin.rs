//! The runner's own Avi client, straight to the controller (never through the proxy,
//! so its calls are not controller calls): reads for assertions and snapshots, and
//! the out-of-band edits of `avi_apply` (a chosen uuid goes in the `Slug` header) /
//! `avi_delete`. Plain REST with a session.

use serde_json::{Map, Value, json};

/// Client id the runner's calls carry (avi-sim logs them under it).
pub const RUNNER_CLIENT: &str = "scenario-runner";

#[derive(Debug, thiserror::Error)]
pub enum AviAdminError {
    #[error("avi {what}: {source}")]
    Http {
        what: String,
        source: reqwest::Error,
    },
    #[error("avi {what}: HTTP {status}: {body}")]
    Status {
        what: String,
        status: u16,
        body: String,
    },
}

pub struct AviAdmin {
    base: String,
    http: reqwest::Client,
    username: String,
    password: String,
    session: parking_lot::Mutex<Option<Session>>,
}

#[derive(Clone)]
struct Session {
    cookie: String,
    csrf: String,
    version: String,
}

impl AviAdmin {
    pub fn new(base: &str, username: &str, password: &str) -> Result<Self, reqwest::Error> {
        Ok(AviAdmin {
            base: base.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder()
                .danger_accept_invalid_certs(true)
                .build()?,
            username: username.to_owned(),
            password: password.to_owned(),
            session: parking_lot::Mutex::new(None),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn login(&self) -> Result<Session, AviAdminError> {
        if let Some(s) = self.session.lock().clone() {
            return Ok(s);
        }
        let what = || "login".to_owned();
        let resp = self
            .http
            .post(format!("{}/login", self.base))
            .header("x-sim-client", RUNNER_CLIENT)
            .json(&json!({"username": self.username, "password": self.password}))
            .send()
            .await
            .map_err(|source| AviAdminError::Http {
                what: what(),
                source,
            })?;
        let mut cookies = Vec::new();
        let mut csrf = String::new();
        for v in resp.headers().get_all(http::header::SET_COOKIE) {
            let Ok(v) = v.to_str() else { continue };
            let pair = v.split(';').next().unwrap_or_default().trim().to_owned();
            if let Some(t) = pair.strip_prefix("csrftoken=") {
                csrf = t.to_owned();
            }
            cookies.push(pair);
        }
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if status >= 300 {
            return Err(AviAdminError::Status {
                what: what(),
                status,
                body: body.to_string(),
            });
        }
        let version = body["version"]["Version"]
            .as_str()
            .unwrap_or("22.1.3")
            .to_owned();
        let s = Session {
            cookie: cookies.join("; "),
            csrf,
            version,
        };
        *self.session.lock() = Some(s.clone());
        Ok(s)
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        tenant: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), AviAdminError> {
        self.call_with(method, path, tenant, body, None).await
    }

    /// A call, with the `Slug` header (the uuid a POST creates) when `slug` is given.
    async fn call_with(
        &self,
        method: reqwest::Method,
        path: &str,
        tenant: &str,
        body: Option<&Value>,
        slug: Option<&str>,
    ) -> Result<(u16, Value), AviAdminError> {
        for attempt in 0..2 {
            let s = self.login().await?;
            let url = if path.starts_with("http") {
                path.to_owned()
            } else {
                format!("{}{path}", self.base)
            };
            let mut req = self
                .http
                .request(method.clone(), &url)
                .header("x-sim-client", RUNNER_CLIENT)
                .header("cookie", &s.cookie)
                .header("x-csrftoken", &s.csrf)
                .header("referer", &self.base)
                .header("x-avi-version", &s.version)
                .header("x-avi-tenant", tenant);
            if let Some(b) = body {
                req = req.json(b);
            }
            if let Some(uuid) = slug {
                req = req.header("slug", uuid);
            }
            let what = || format!("{method} {path}");
            let resp = req.send().await.map_err(|source| AviAdminError::Http {
                what: what(),
                source,
            })?;
            let status = resp.status().as_u16();
            if status == 401 && attempt == 0 {
                *self.session.lock() = None;
                continue;
            }
            let text = resp.text().await.unwrap_or_default();
            let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
            return Ok((status, v));
        }
        Err(AviAdminError::Status {
            what: format!("{method} {path}"),
            status: 401,
            body: "session refused after a new login".into(),
        })
    }

    fn ok(what: &str, (status, body): (u16, Value)) -> Result<Value, AviAdminError> {
        if status >= 300 {
            return Err(AviAdminError::Status {
                what: what.to_owned(),
                status,
                body: body.to_string(),
            });
        }
        Ok(body)
    }

    /// Every object of a type visible in `tenant` (all pages).
    pub async fn list(&self, ty: &str, tenant: &str) -> Result<Vec<Value>, AviAdminError> {
        let mut out = Vec::new();
        let mut next = Some(format!("/api/{ty}?page_size=200&include_name=true"));
        while let Some(path) = next.take() {
            let r = self.call(reqwest::Method::GET, &path, tenant, None).await?;
            if r.0 == 404 {
                return Ok(out);
            }
            let body = Self::ok(&format!("list {ty}"), r)?;
            if let Some(results) = body["results"].as_array() {
                out.extend(results.iter().cloned());
            }
            next = body["next"].as_str().map(str::to_owned);
        }
        Ok(out)
    }

    /// The object `ty/name` in `tenant`, if it exists.
    pub async fn get(
        &self,
        ty: &str,
        name: &str,
        tenant: &str,
    ) -> Result<Option<Value>, AviAdminError> {
        let path = format!("/api/{ty}?name={}&include_name=true", encode(name));
        let r = self.call(reqwest::Method::GET, &path, tenant, None).await?;
        let body = Self::ok(&format!("get {ty}/{name}"), r)?;
        Ok(body["results"]
            .as_array()
            .and_then(|r| r.iter().find(|o| o["name"] == name))
            .cloned())
    }

    /// Creates `ty/name` with `fields` as body (with `uuid` as its uuid when given), or
    /// merge-patches the existing object, which must then have that uuid.
    pub async fn apply(
        &self,
        ty: &str,
        name: &str,
        tenant: &str,
        uuid: Option<&str>,
        fields: &Map<String, Value>,
    ) -> Result<(), AviAdminError> {
        match self.get(ty, name, tenant).await? {
            Some(mut existing) => {
                merge(&mut existing, &Value::Object(fields.clone()));
                let found = existing["uuid"].as_str().unwrap_or_default().to_owned();
                if let Some(want) = uuid.filter(|u| *u != found) {
                    return Err(AviAdminError::Status {
                        what: format!("update {ty}/{name}"),
                        status: 409,
                        body: format!("exists with uuid {found:?}, not {want:?}"),
                    });
                }
                let uuid = found;
                let r = self
                    .call(
                        reqwest::Method::PUT,
                        &format!("/api/{ty}/{uuid}"),
                        tenant,
                        Some(&existing),
                    )
                    .await?;
                Self::ok(&format!("update {ty}/{name}"), r).map(drop)
            }
            None => {
                let mut body = fields.clone();
                body.insert("name".into(), Value::from(name));
                let r = self
                    .call_with(
                        reqwest::Method::POST,
                        &format!("/api/{ty}"),
                        tenant,
                        Some(&Value::Object(body)),
                        uuid,
                    )
                    .await?;
                Self::ok(&format!("create {ty}/{name}"), r).map(drop)
            }
        }
    }

    /// Deletes `ty/name`; a missing object is an error (the scenario expected it).
    pub async fn delete(&self, ty: &str, name: &str, tenant: &str) -> Result<(), AviAdminError> {
        let Some(obj) = self.get(ty, name, tenant).await? else {
            return Err(AviAdminError::Status {
                what: format!("delete {ty}/{name}"),
                status: 404,
                body: "no such object".into(),
            });
        };
        let uuid = obj["uuid"].as_str().unwrap_or_default();
        let r = self
            .call(
                reqwest::Method::DELETE,
                &format!("/api/{ty}/{uuid}"),
                tenant,
                None,
            )
            .await?;
        Self::ok(&format!("delete {ty}/{name}"), r).map(drop)
    }
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// RFC 7386 JSON merge patch.
pub fn merge(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Value::Object(t) = target {
                for (k, v) in p {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        merge(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}
