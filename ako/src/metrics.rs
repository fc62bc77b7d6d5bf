//! Prometheus metrics of one controller instance (served at `/metrics` by `ako::http`):
//! sync round latency, Avi calls by verb / type / status, owned Avi objects by type,
//! current model diagnostics by severity, and leader / ready flags.

use std::collections::BTreeMap;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::avi::CallObserver;
use crate::model::{AviKind, Diagnostic, Severity};
use crate::sync::AviCache;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    verb: String,
    object_type: String,
    /// HTTP status, `0` when no answer came.
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TypeLabels {
    object_type: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SeverityLabels {
    severity: String,
}

/// The registry and its metrics; shared (`Arc`) between the loop, the Avi client and
/// the HTTP server.
pub struct Metrics {
    registry: Registry,
    sync_seconds: Histogram,
    rounds: Counter,
    avi_calls: Family<CallLabels, Counter>,
    owned: Family<TypeLabels, Gauge>,
    diagnostics: Family<SeverityLabels, Gauge>,
    leader: Gauge,
    ready: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("ako");
        let sync_seconds = Histogram::new(exponential_buckets(0.005, 2.0, 16));
        let rounds = Counter::default();
        let avi_calls = Family::<CallLabels, Counter>::default();
        let owned = Family::<TypeLabels, Gauge>::default();
        let diagnostics = Family::<SeverityLabels, Gauge>::default();
        let leader = Gauge::default();
        let ready = Gauge::default();
        registry.register(
            "sync_duration_seconds",
            "Duration of one sync round (build, diff, Avi writes, status)",
            sync_seconds.clone(),
        );
        registry.register("sync_rounds", "Sync rounds run", rounds.clone());
        registry.register(
            "avi_calls",
            "Avi REST calls by verb, object type and HTTP status (0: no answer)",
            avi_calls.clone(),
        );
        registry.register(
            "avi_owned_objects",
            "Avi objects owned by this cluster, by type, as last read or written",
            owned.clone(),
        );
        registry.register(
            "diagnostics",
            "Model diagnostics of the last build, by severity",
            diagnostics.clone(),
        );
        registry.register(
            "leader",
            "1 while this instance holds the Lease",
            leader.clone(),
        );
        registry.register(
            "ready",
            "1 while settings, Kubernetes lists and the Avi inventory are all in hand",
            ready.clone(),
        );
        Metrics {
            registry,
            sync_seconds,
            rounds,
            avi_calls,
            owned,
            diagnostics,
            leader,
            ready,
        }
    }

    /// The text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    /// One Avi exchange.
    pub fn avi_call(&self, verb: &str, object_type: &str, status: u16) {
        self.avi_calls
            .get_or_create(&CallLabels {
                verb: verb.to_owned(),
                object_type: object_type.to_owned(),
                status: status.to_string(),
            })
            .inc();
    }

    /// An observer for `AviClientConfig::observer` that counts into these metrics.
    pub fn call_observer(self: &std::sync::Arc<Self>) -> CallObserver {
        let me = self.clone();
        CallObserver(std::sync::Arc::new(move |verb, ty, status| {
            me.avi_call(verb, ty, status)
        }))
    }

    pub fn sync_round(&self, took: Duration) {
        self.rounds.inc();
        self.sync_seconds.observe(took.as_secs_f64());
    }

    /// Owned objects per type, from the cache (every type reported, zero included).
    pub fn owned_objects(&self, cache: &AviCache) {
        let mut counts: BTreeMap<AviKind, i64> = AviKind::ALL.iter().map(|k| (*k, 0)).collect();
        for (key, _) in cache.objects() {
            *counts.entry(key.kind).or_default() += 1;
        }
        for (kind, n) in counts {
            self.owned
                .get_or_create(&TypeLabels {
                    object_type: kind.api_path().to_owned(),
                })
                .set(n);
        }
    }

    pub fn diagnostics(&self, diags: &[Diagnostic]) {
        for severity in [Severity::Warning, Severity::Error] {
            let n = diags.iter().filter(|d| d.severity == severity).count();
            self.diagnostics
                .get_or_create(&SeverityLabels {
                    severity: format!("{severity:?}").to_lowercase(),
                })
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
    }

    pub fn set_leader(&self, leader: bool) {
        self.leader.set(i64::from(leader));
    }

    pub fn set_ready(&self, ready: bool) {
        self.ready.set(i64::from(ready));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_names_every_metric() {
        let m = Metrics::new();
        m.avi_call("POST", "pool", 201);
        m.sync_round(Duration::from_millis(20));
        m.owned_objects(&AviCache::new("c1"));
        m.set_ready(true);
        let text = m.encode();
        for needle in [
            "ako_sync_duration_seconds_bucket",
            "ako_sync_rounds_total 1",
            r#"ako_avi_calls_total{verb="POST",object_type="pool",status="201"} 1"#,
            r#"ako_avi_owned_objects{object_type="virtualservice"} 0"#,
            "ako_ready 1",
        ] {
            assert!(text.contains(needle), "{needle} missing in\n{text}");
        }
    }
}
