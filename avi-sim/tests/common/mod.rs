//! Shared helpers of the integration tests: a spawned simulator and a logged-in
//! client that sends what the SDKs send (cookies, X-CSRFToken, Referer, tenant).
#![allow(dead_code)]

use avi_sim::{Config, Handle};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub async fn sim() -> Handle {
    sim_with(Config::default()).await
}

pub async fn sim_with(config: Config) -> Handle {
    avi_sim::spawn(config).await.expect("simulator starts")
}

pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .cookie_store(true)
        .tls_danger_accept_invalid_certs(true)
        .build()
        .expect("client builds")
}

/// A logged-in API client.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: String,
    pub tenant: Option<String>,
    pub client_id: Option<String>,
    pub version: Option<String>,
}

pub async fn login(h: &Handle) -> Api {
    login_url(&h.url(), h.username(), h.password()).await
}

pub async fn login_url(base: &str, user: &str, password: &str) -> Api {
    let http = http_client();
    let resp = http
        .post(format!("{base}/login"))
        .form(&[("username", user), ("password", password)])
        .send()
        .await
        .expect("login request");
    assert_eq!(resp.status(), StatusCode::OK, "login");
    let csrf = resp
        .cookies()
        .find(|c| c.name() == "csrftoken")
        .map(|c| c.value().to_string())
        .expect("csrftoken cookie");
    Api {
        http,
        base: base.to_string(),
        csrf,
        tenant: None,
        client_id: None,
        version: None,
    }
}

impl Api {
    pub fn tenant(mut self, t: &str) -> Self {
        self.tenant = Some(t.to_string());
        self
    }
    pub fn client_id(mut self, c: &str) -> Self {
        self.client_id = Some(c.to_string());
        self
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("X-CSRFToken", &self.csrf)
            .header("Referer", &self.base);
        if let Some(t) = &self.tenant {
            r = r.header("X-Avi-Tenant", t);
        }
        if let Some(c) = &self.client_id {
            r = r.header("X-Sim-Client", c);
        }
        if let Some(v) = &self.version {
            r = r.header("X-Avi-Version", v);
        }
        r
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut r = self.request(method, path);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, v)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::PUT, path, Some(body)).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::PATCH, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::DELETE, path, None).await
    }

    /// Creates and returns the stored object, asserting 201.
    pub async fn create(&self, ty: &str, body: Value) -> Value {
        let (s, v) = self.post(&format!("/api/{ty}"), body).await;
        assert_eq!(s, StatusCode::CREATED, "create {ty}: {v}");
        v
    }

    /// The `count` of a collection GET, asserting 200.
    pub async fn count(&self, path: &str) -> u64 {
        let (s, v) = self.get(path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        v["count"].as_u64().expect("count")
    }

    /// The one object of `ty` named `name`.
    pub async fn by_name(&self, ty: &str, name: &str) -> Value {
        let (s, v) = self.get(&format!("/api/{ty}?name={name}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["count"], 1, "{ty} {name}: {v}");
        v["results"][0].clone()
    }
}

pub fn uuid(v: &Value) -> String {
    v["uuid"].as_str().expect("uuid").to_string()
}

pub fn err(v: &Value) -> &str {
    v["error"].as_str().unwrap_or_default()
}

pub fn pool(name: &str) -> Value {
    json!({"name": name, "servers": [{"ip": {"addr": "10.1.1.1", "type": "V4"}, "port": 8080}]})
}

/// Asserts that `answer` has `status` and returns its error message.
pub fn refused(answer: (StatusCode, Value), status: StatusCode) -> String {
    let (s, v) = answer;
    assert_eq!(s, status, "{v}");
    err(&v).to_string()
}

/// Asserts that `v` is a string ending in `suffix` (refs and URLs end in `#<name>`).
pub fn assert_ends_with(v: &Value, suffix: &str) {
    assert!(
        v.as_str().is_some_and(|s| s.ends_with(suffix)),
        "{v} does not end with {suffix:?}"
    );
}

/// The `name` of every result of a collection GET, in order.
pub fn result_names(v: &Value) -> Vec<&str> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["name"].as_str().expect("name"))
        .collect()
}

/// A VRF static route `id` for 10.0.0.0/24 via `next_hop`.
pub fn static_route(id: &str, next_hop: &str) -> Value {
    json!({"route_id": id, "prefix": {"ip_addr": {"addr": "10.0.0.0", "type": "V4"}, "mask": 24},
           "next_hop": {"addr": next_hop, "type": "V4"}})
}
