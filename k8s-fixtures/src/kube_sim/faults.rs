//! Injected faults: dropped watch streams, 429/500 answers at a rate, added latency, a
//! window in which every request is refused, and a lagging watch view for one client
//! (identified by the `x-kube-sim-client` header or, failing that, the user agent).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use rand::Rng;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::error::ApiError;

/// Header tests set to name a client for per-client faults.
pub const CLIENT_HEADER: &str = "x-kube-sim-client";

/// Rate-based faults (also the JSON body of `POST /sim/faults`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FaultSettings {
    /// Fraction (0.0..=1.0) of requests answered with `error_code`.
    pub error_rate: f64,
    /// 429 or 500 (any code works; these two have real `Status` reasons).
    pub error_code: u16,
    /// Added before every request is served.
    pub latency_ms: u64,
}

#[derive(Default)]
struct State {
    settings: FaultSettings,
    outage_until: Option<Instant>,
    lags: HashMap<String, Duration>,
}

/// Fault controls, shared by the server and the in-process `Handle`.
pub struct Faults {
    state: Mutex<State>,
    epoch: watch::Sender<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            state: Mutex::new(State::default()),
            epoch: watch::channel(0).0,
        }
    }
}

impl Faults {
    /// Ends every open watch stream (clients see a clean end of stream and re-watch).
    pub fn drop_watches(&self) {
        self.epoch.send_modify(|e| *e += 1);
    }

    /// Changes whenever watches must end.
    pub fn watch_epoch(&self) -> watch::Receiver<u64> {
        self.epoch.subscribe()
    }

    pub fn set(&self, settings: FaultSettings) {
        self.state.lock().settings = settings;
    }

    pub fn settings(&self) -> FaultSettings {
        self.state.lock().settings.clone()
    }

    /// Answers `code` to the given fraction of requests.
    pub fn set_error_rate(&self, code: u16, rate: f64) {
        let mut s = self.state.lock();
        s.settings.error_code = code;
        s.settings.error_rate = rate.clamp(0.0, 1.0);
    }

    pub fn set_latency(&self, latency: Duration) {
        self.state.lock().settings.latency_ms = latency.as_millis() as u64;
    }

    /// Refuses every request (503) for `window`, ending open watches now.
    pub fn outage(&self, window: Duration) {
        self.state.lock().outage_until = Some(Instant::now() + window);
        self.drop_watches();
    }

    /// Holds watch events back from clients whose id contains `client` for `delay` each.
    pub fn lag_client(&self, client: &str, delay: Duration) {
        self.state.lock().lags.insert(client.to_string(), delay);
    }

    /// Removes every fault (held-back events are then delivered).
    pub fn clear(&self) {
        let mut s = self.state.lock();
        *s = State::default();
    }

    /// The watch delay for a client id.
    pub fn lag_for(&self, client: &str) -> Duration {
        let s = self.state.lock();
        s.lags
            .iter()
            .filter(|(k, _)| client.contains(k.as_str()))
            .map(|(_, d)| *d)
            .max()
            .unwrap_or_default()
    }

    /// Whether any client lag is configured (watch loops then re-check periodically).
    pub fn any_lag(&self) -> bool {
        !self.state.lock().lags.is_empty()
    }

    /// Applies latency, outage and error-rate faults to one request.
    pub async fn before_request(&self) -> Result<(), ApiError> {
        let (latency, outage, fail) = {
            let s = self.state.lock();
            let outage = s.outage_until.is_some_and(|u| Instant::now() < u);
            let fail =
                s.settings.error_rate > 0.0 && rand::rng().random_bool(s.settings.error_rate);
            (
                Duration::from_millis(s.settings.latency_ms),
                outage,
                fail.then_some(s.settings.error_code),
            )
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        if outage {
            return Err(ApiError::unavailable());
        }
        match fail {
            Some(429) => Err(ApiError::too_many_requests()),
            Some(_) => Err(ApiError::internal("injected fault")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn rates_outages_and_lags() {
        let f = Faults::default();
        assert!(f.before_request().await.is_ok());
        f.set_error_rate(429, 1.0);
        assert_eq!(f.before_request().await.unwrap_err().code, 429);
        f.set_error_rate(500, 1.0);
        assert_eq!(f.before_request().await.unwrap_err().code, 500);
        f.clear();
        let mut epoch = f.watch_epoch();
        f.outage(Duration::from_secs(60));
        assert!(epoch.has_changed().unwrap());
        epoch.mark_unchanged();
        assert_eq!(f.before_request().await.unwrap_err().code, 503);
        f.clear();
        f.lag_client("slow", Duration::from_secs(2));
        assert_eq!(f.lag_for("ako/slow-1"), Duration::from_secs(2));
        assert_eq!(f.lag_for("other"), Duration::ZERO);
    }
}
