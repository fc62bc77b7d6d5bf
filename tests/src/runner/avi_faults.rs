//! Avi faults as the proxy applies them: what a fault does ([`Effect`]), which calls
//! it hits and for how long ([`ProxyFault`]), and the rewritten cluster runtime a
//! `leader_change` shows.

use std::time::{Duration, Instant};

use serde_json::Value;

/// What an injected fault does.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Error {
        status: u16,
        message: Option<String>,
    },
    Outage,
    DropResponse,
    ResetSessions,
    LeaderChange,
    /// Latency only.
    None,
}

/// One injected fault.
#[derive(Debug, Clone)]
pub struct ProxyFault {
    pub id: u64,
    pub object_type: Option<String>,
    pub verb: Option<String>,
    pub name: Option<String>,
    pub effect: Effect,
    pub latency: Option<Duration>,
    pub rate: f64,
    pub count: Option<u32>,
    pub until: Option<Instant>,
    /// The step label that ends it.
    pub until_label: Option<String>,
    pub(super) credit: f64,
}

impl ProxyFault {
    pub fn new(effect: Effect) -> Self {
        ProxyFault {
            id: 0,
            object_type: None,
            verb: None,
            name: None,
            effect,
            latency: None,
            rate: 1.0,
            count: None,
            until: None,
            until_label: None,
            credit: 0.0,
        }
    }

    pub(super) fn matches(&self, method: &str, ty: &str, name: Option<&str>) -> bool {
        self.verb.as_deref().is_none_or(|v| v == method)
            && self.object_type.as_deref().is_none_or(|t| t == ty)
            && self.name.as_deref().is_none_or(|n| Some(n) == name)
    }
}

/// `/api/cluster/runtime` as a cluster whose leader moved `epoch` times.
pub(super) fn leader_changed(mut v: Value, epoch: u32) -> Value {
    if let Some(nodes) = v["node_states"].as_array_mut() {
        let n = nodes.len().max(1);
        for (i, node) in nodes.iter_mut().enumerate() {
            let leader = i == (epoch as usize) % n;
            node["role"] = Value::from(if leader {
                "CLUSTER_LEADER"
            } else {
                "CLUSTER_FOLLOWER"
            });
        }
    }
    v["leader_changed_times"] = Value::from(epoch);
    v
}
