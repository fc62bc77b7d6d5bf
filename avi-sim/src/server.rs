//! Starting a simulator (`spawn`) and the in-process `Handle`: its URL, credentials,
//! the test controls (faults, request log, reset, dump, upgrade mode, rate limit) and
//! read access to the store. Dropping the handle stops the server.

use std::net::SocketAddr;
use std::sync::Arc;

use parking_lot::RwLockReadGuard;

use crate::config::{Config, RateLimit};
use crate::faults::Faults;
use crate::reqlog::RequestLog;
use crate::sim::{Sim, StartError};
use crate::store::{Saved, Store};

/// Starts a simulator on `config.addr` (ephemeral port by default) and returns once it
/// accepts connections.
pub async fn spawn(config: Config) -> Result<Handle, StartError> {
    let tls = config.tls.clone();
    let addr = config.addr;
    let sim = Arc::new(Sim::new(config)?);
    let listen_err = |source| StartError::Listen {
        addr: addr.to_string(),
        source,
    };
    let listener = std::net::TcpListener::bind(addr).map_err(listen_err)?;
    listener.set_nonblocking(true).map_err(listen_err)?;
    let local = listener.local_addr().map_err(listen_err)?;
    let app = crate::api::router(sim.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let server_handle = axum_server::Handle::new();
    let mut certificate = None;
    let scheme = match tls {
        None => {
            let server = axum_server::from_tcp(listener)
                .map_err(listen_err)?
                .handle(server_handle.clone());
            tokio::spawn(async move {
                if let Err(e) = server.serve(app).await {
                    tracing::error!(error = %e, "avi-sim server stopped");
                }
            });
            "http"
        }
        Some(tls) => {
            let (rustls, cert_pem) = crate::tls::rustls_config(&tls).await?;
            certificate = Some(cert_pem);
            let server = axum_server::from_tcp_rustls(listener, rustls)
                .map_err(listen_err)?
                .handle(server_handle.clone());
            tokio::spawn(async move {
                if let Err(e) = server.serve(app).await {
                    tracing::error!(error = %e, "avi-sim server stopped");
                }
            });
            "https"
        }
    };
    server_handle.listening().await;
    tracing::info!(%local, scheme, "avi-sim listening");
    Ok(Handle {
        sim,
        addr: local,
        scheme,
        certificate,
        server: server_handle,
    })
}

/// A running simulator. Stops when dropped.
pub struct Handle {
    sim: Arc<Sim>,
    addr: SocketAddr,
    scheme: &'static str,
    certificate: Option<String>,
    server: axum_server::Handle<SocketAddr>,
}

impl Handle {
    /// `http://127.0.0.1:<port>` (or `https://...`), without a trailing slash.
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    pub fn username(&self) -> &str {
        &self.sim.config.username
    }
    pub fn password(&self) -> &str {
        &self.sim.config.password
    }
    /// The server certificate (PEM) in HTTPS mode, for clients that verify it.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate.as_deref()
    }
    /// Ends every session (as an idle timeout would): the next call gets 401 and
    /// clients must log in again.
    pub fn expire_sessions(&self) {
        self.sim.sessions.clear();
    }
    /// The controller version reported by /login and /api/initial-data.
    pub fn controller_version(&self) -> String {
        self.sim.version.to_string()
    }
    /// Injected faults: `handle.faults().add(Fault::outage(...))`.
    pub fn faults(&self) -> &Faults {
        &self.sim.faults
    }
    /// Requests seen so far, with counts per verb × type and per client.
    pub fn request_log(&self) -> &RequestLog {
        &self.sim.log
    }
    /// Back to a freshly seeded controller; clears the log and faults.
    pub fn reset(&self) {
        if let Err(e) = self.sim.reset() {
            tracing::error!(error = %e, "reset failed");
        }
    }
    /// The whole store, as `/sim/dump` returns it.
    pub fn dump(&self) -> serde_json::Value {
        serde_json::json!({"objects": self.sim.snapshot()})
    }
    pub fn snapshot(&self) -> Vec<Saved> {
        self.sim.snapshot()
    }
    /// Writes the store to a state file that `Config::state_file` / `--state` loads.
    pub fn save_state(&self, path: &std::path::Path) -> std::io::Result<()> {
        self.sim.save_state(path)
    }
    /// Every object of a type (`"pool"`), in creation order, as stored: full bodies
    /// with refs in the canonical `/api/<type>/<uuid>` form. Empty for unknown types.
    pub fn objects(&self, type_path: &str) -> Vec<serde_json::Value> {
        let store = self.sim.store.read();
        store
            .of_type(type_path)
            .map(|o| serde_json::Value::Object(o.body()))
            .collect()
    }
    /// The first object of a type with this name, in any tenant.
    pub fn object(&self, type_path: &str, name: &str) -> Option<serde_json::Value> {
        let store = self.sim.store.read();
        let found = store.of_type(type_path).find(|o| &*o.name == name);
        found.map(|o| serde_json::Value::Object(o.body()))
    }
    /// Read access to the store (do not hold it across requests).
    pub fn store(&self) -> RwLockReadGuard<'_, Store> {
        self.sim.store.read()
    }
    /// "Upgrade in progress": writes get 403 `Configuration is disallowed during upgrade`.
    pub fn set_upgrade_in_progress(&self, on: bool) {
        self.sim.set_upgrade_in_progress(on);
    }
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.sim.limiter.set(limit);
    }
    /// The simulator's axum `Router`, sharing this handle's state (store, sessions,
    /// faults, request log, rate limit), for driving it in-process without a socket,
    /// e.g. with `tower::ServiceExt::oneshot`. Requests without the `X-Sim-Client`
    /// header are attributed to client `unknown` (there is no remote address).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use tower::ServiceExt;
    /// let sim = avi_sim::spawn(avi_sim::Config::default()).await.unwrap();
    /// let login = axum::http::Request::post("/login")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .body(axum::body::Body::from("username=admin&password=password"))
    ///     .unwrap();
    /// let resp = sim.router().oneshot(login).await.unwrap();
    /// assert_eq!(resp.status(), 200);
    /// assert!(resp.headers().contains_key("set-cookie"));
    /// # }
    /// ```
    pub fn router(&self) -> axum::Router {
        crate::api::router(self.sim.clone())
    }
    /// Stops the server now.
    pub fn shutdown(&self) {
        self.server.shutdown();
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.server.shutdown();
    }
}
