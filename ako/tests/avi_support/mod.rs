//! Shared by the `avi_*` and `sync_*` tests: an avi-sim instance and clients for it.
#![allow(dead_code)] // each test binary uses a different part

use std::time::Duration;

use ako::avi::{AviClient, AviClientConfig, Backoff, Credentials, RateLimit, RetryPolicy};
use avi_sim::{Config, Entry, Handle};

pub async fn sim() -> Handle {
    avi_sim::spawn(Config::default())
        .await
        .expect("avi-sim starts")
}

/// Fast retries so fault tests take milliseconds; a generous rate budget.
pub fn config(sim: &Handle, client_id: &str) -> AviClientConfig {
    let url = url::Url::parse(&sim.url()).expect("sim url");
    let mut cfg = AviClientConfig::new(
        url,
        Credentials::Password {
            username: sim.username().to_string(),
            password: sim.password().to_string(),
        },
    );
    cfg.client_id = client_id.to_string();
    cfg.rate_limit = RateLimit {
        per_second: 1000.0,
        burst: 1000,
    };
    cfg.retry = RetryPolicy {
        max_attempts: 5,
        backoff: Backoff::new(Duration::from_millis(5), Duration::from_millis(50)),
        max_relogins: 3,
    };
    cfg.request_timeout = Duration::from_secs(10);
    cfg
}

pub fn client(sim: &Handle, client_id: &str) -> AviClient {
    AviClient::new(config(sim, client_id)).expect("client builds")
}

/// Request-log entries of one client.
pub fn entries(sim: &Handle, client_id: &str) -> Vec<Entry> {
    sim.request_log()
        .entries()
        .into_iter()
        .filter(|e| e.client == client_id)
        .collect()
}

/// `(method, object_type, status)` of one client's requests, in order.
pub fn calls(sim: &Handle, client_id: &str) -> Vec<(String, String, u16)> {
    entries(sim, client_id)
        .into_iter()
        .map(|e| (e.method, e.object_type, e.status))
        .collect()
}

/// Write requests of one client as `"<VERB> <type>"`, in order.
pub fn writes(sim: &Handle, client_id: &str) -> Vec<String> {
    entries(sim, client_id)
        .into_iter()
        .filter(|e| e.is_write())
        .map(|e| format!("{} {}", e.method, e.object_type))
        .collect()
}
