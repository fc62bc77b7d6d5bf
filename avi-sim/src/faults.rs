//! Injected trouble, matched per verb, object type and client: added latency, an error
//! status at a rate (deterministic: rate 0.5 fails every second match), an outage
//! window, and "apply, then drop the response" (the write is committed, the client
//! gets a 5xx or no answer until it times out).

use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Delay the request.
    Latency { ms: u64 },
    /// Answer `status` without doing anything.
    Error {
        status: u16,
        #[serde(default)]
        message: Option<String>,
    },
    /// Do the request, then answer `status` instead of its response.
    ApplyThenError { status: u16 },
    /// Do the request, then hold the response for `ms` and answer 504.
    ApplyThenHang { ms: u64 },
}

/// One rule. Unset matchers match everything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    #[serde(default)]
    pub id: u64,
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, or `write` for any of the last four.
    #[serde(default)]
    pub verb: Option<String>,
    /// Object type (`pool`) or `login`.
    #[serde(default)]
    pub object_type: Option<String>,
    #[serde(default)]
    pub client: Option<String>,
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Fraction of matching requests hit, 0..=1 (default 1).
    #[serde(default = "one")]
    pub rate: f64,
    /// Becomes active this long after it is added (default: at once).
    #[serde(default)]
    pub start_ms: Option<u64>,
    /// Active for this long after it starts (an outage window); forever if unset.
    #[serde(default)]
    pub duration_ms: Option<u64>,
    /// Hits left; unlimited if unset.
    #[serde(default)]
    pub count: Option<u64>,
}

fn one() -> f64 {
    1.0
}

impl Fault {
    pub fn new(kind: FaultKind) -> Self {
        Self {
            id: 0,
            verb: None,
            object_type: None,
            client: None,
            kind,
            rate: 1.0,
            start_ms: None,
            duration_ms: None,
            count: None,
        }
    }
    /// Every request answers 503 for `duration`.
    pub fn outage(duration: Duration) -> Self {
        Self {
            duration_ms: Some(duration.as_millis() as u64),
            ..Self::new(FaultKind::Error {
                status: 503,
                message: Some("Service Unavailable".into()),
            })
        }
    }
    pub fn verb(mut self, verb: &str) -> Self {
        self.verb = Some(verb.to_string());
        self
    }
    pub fn object_type(mut self, t: &str) -> Self {
        self.object_type = Some(t.to_string());
        self
    }
    pub fn client(mut self, c: &str) -> Self {
        self.client = Some(c.to_string());
        self
    }
    /// Starts the rule `delay` after it is added.
    pub fn starting_in(mut self, delay: Duration) -> Self {
        self.start_ms = Some(delay.as_millis() as u64);
        self
    }
    pub fn rate(mut self, r: f64) -> Self {
        self.rate = r;
        self
    }
    pub fn count(mut self, n: u64) -> Self {
        self.count = Some(n);
        self
    }

    fn matches(&self, verb: &str, object_type: &str, client: &str) -> bool {
        let verb_ok = match self.verb.as_deref() {
            None => true,
            Some(v) if v.eq_ignore_ascii_case("write") => crate::reqlog::is_write(verb),
            Some(v) => v.eq_ignore_ascii_case(verb),
        };
        verb_ok
            && self.object_type.as_deref().is_none_or(|t| t == object_type)
            && self.client.as_deref().is_none_or(|c| c == client)
    }
}

struct Active {
    fault: Fault,
    from: Instant,
    until: Option<Instant>,
    /// Accumulated rate: the rule fires each time it passes 1.
    credit: f64,
}

/// The faults a request meets: at most one before-latency, one action.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Hit {
    pub latency: Option<Duration>,
    pub action: Option<FaultKind>,
}

#[derive(Default)]
pub struct Faults {
    inner: Mutex<(u64, Vec<Active>)>,
}

impl Faults {
    /// Adds a rule; returns its id.
    pub fn add(&self, mut fault: Fault) -> u64 {
        let mut g = self.inner.lock();
        g.0 += 1;
        fault.id = g.0;
        let from = Instant::now() + Duration::from_millis(fault.start_ms.unwrap_or(0));
        let until = fault.duration_ms.map(|ms| from + Duration::from_millis(ms));
        g.1.push(Active {
            fault,
            from,
            until,
            credit: 0.0,
        });
        g.0
    }
    pub fn remove(&self, id: u64) -> bool {
        let mut g = self.inner.lock();
        let before = g.1.len();
        g.1.retain(|a| a.fault.id != id);
        g.1.len() != before
    }
    pub fn clear(&self) {
        self.inner.lock().1.clear();
    }
    pub fn list(&self) -> Vec<Fault> {
        self.inner
            .lock()
            .1
            .iter()
            .map(|a| a.fault.clone())
            .collect()
    }

    /// The faults this request meets (consuming rate credit and counts).
    pub fn hit(&self, verb: &str, object_type: &str, client: &str) -> Hit {
        let now = Instant::now();
        let mut g = self.inner.lock();
        g.1.retain(|a| a.until.is_none_or(|u| u > now) && a.fault.count != Some(0));
        let mut hit = Hit::default();
        for a in
            g.1.iter_mut()
                .filter(|a| a.from <= now && a.fault.matches(verb, object_type, client))
        {
            let is_latency = matches!(a.fault.kind, FaultKind::Latency { .. });
            if (is_latency && hit.latency.is_some()) || (!is_latency && hit.action.is_some()) {
                continue;
            }
            a.credit += a.fault.rate.clamp(0.0, 1.0);
            if a.credit < 1.0 - 1e-9 {
                continue;
            }
            a.credit -= 1.0;
            if let Some(n) = a.fault.count.as_mut() {
                *n -= 1;
            }
            match &a.fault.kind {
                FaultKind::Latency { ms } => hit.latency = Some(Duration::from_millis(*ms)),
                k => hit.action = Some(k.clone()),
            }
        }
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_is_deterministic_and_count_runs_out() {
        let f = Faults::default();
        f.add(
            Fault::new(FaultKind::Error {
                status: 500,
                message: None,
            })
            .verb("POST")
            .object_type("pool")
            .rate(0.5),
        );
        let hits: Vec<bool> = (0..4)
            .map(|_| f.hit("POST", "pool", "c").action.is_some())
            .collect();
        assert_eq!(hits, [false, true, false, true]);
        assert!(f.hit("GET", "pool", "c").action.is_none());
        f.clear();
        f.add(Fault::new(FaultKind::Latency { ms: 5 }).count(1));
        assert!(f.hit("GET", "pool", "c").latency.is_some());
        assert!(f.hit("GET", "pool", "c").latency.is_none());
    }

    #[test]
    fn a_window_can_start_later() {
        let f = Faults::default();
        f.add(Fault::outage(Duration::from_secs(60)).starting_in(Duration::from_secs(3600)));
        assert!(f.hit("GET", "pool", "c").action.is_none(), "not started");
        assert_eq!(f.list().len(), 1, "kept until it has run");
        f.add(Fault::outage(Duration::from_secs(60)).starting_in(Duration::ZERO));
        assert!(f.hit("GET", "pool", "c").action.is_some());
        f.clear();
        f.add(Fault::outage(Duration::ZERO));
        assert!(
            f.hit("GET", "pool", "c").action.is_none(),
            "a window that has ended"
        );
        assert!(f.list().is_empty(), "ended windows are dropped");
    }

    #[test]
    fn fault_json_shape() {
        let f: Fault = serde_json::from_str(
            r#"{"kind":"error","status":503,"verb":"write","duration_ms":100}"#,
        )
        .unwrap();
        assert_eq!(
            f.kind,
            FaultKind::Error {
                status: 503,
                message: None
            }
        );
        assert!(f.matches("PUT", "pool", "x"));
        assert!(!f.matches("GET", "pool", "x"));
    }
}
