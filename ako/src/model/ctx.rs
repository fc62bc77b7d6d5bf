//! The build context: `Env` (settings-derived refs and markers every object shares,
//! read-only) and `Out` (the graph being filled and the diagnostics collected).

use serde::Serialize;
use serde_json::Value;

use super::graph::{AviGraph, AviKey, AviKind, AviObject, Diagnostic, avi_ref};
use super::wire::{Common, Marker};
use crate::config::AkoConfig;
use crate::naming;

/// Default VRF when `ControllerSettings.vrfName` is unset.
pub const DEFAULT_VRF: &str = "global";

/// Refs derived from the settings, computed once per build.
pub struct Env<'c> {
    pub cfg: &'c AkoConfig,
    pub cluster: &'c str,
    pub created_by: String,
    pub tenant_ref: String,
    pub cloud_ref: String,
    pub vrf_ref: String,
    pub vrf_name: &'c str,
    /// `System-TCP` / `System-UDP` / `System-SCTP` health monitor refs.
    hm_refs: [String; 3],
}

impl<'c> Env<'c> {
    pub fn new(cfg: &'c AkoConfig) -> Self {
        let c = &cfg.controller;
        let vrf_name = c.vrf.as_deref().unwrap_or(DEFAULT_VRF);
        Self {
            cfg,
            cluster: &cfg.cluster_name,
            created_by: naming::created_by(&cfg.cluster_name),
            tenant_ref: avi_ref("tenant", &c.tenant),
            cloud_ref: avi_ref("cloud", &c.cloud_name),
            vrf_ref: avi_ref("vrfcontext", vrf_name),
            vrf_name,
            hm_refs: ["TCP", "UDP", "SCTP"]
                .map(|p| avi_ref("healthmonitor", &format!("System-{p}"))),
        }
    }

    /// The default health monitor ref for a protocol (`TCP`, `UDP`, `SCTP`).
    pub fn hm_ref(&self, protocol: &str) -> &str {
        match protocol {
            "UDP" => &self.hm_refs[1],
            "SCTP" => &self.hm_refs[2],
            _ => &self.hm_refs[0],
        }
    }

    /// The fields every body starts with; `extra` markers follow `clustername`.
    pub fn common<'a>(
        &'a self,
        kind: AviKind,
        name: &'a str,
        extra: &[(&'static str, &'a str)],
    ) -> Common<'a> {
        let mut markers = Vec::with_capacity(1 + extra.len());
        markers.push(Marker {
            key: naming::CLUSTER_MARKER_KEY,
            values: [self.cluster],
        });
        markers.extend(extra.iter().map(|(key, value)| Marker {
            key,
            values: [*value],
        }));
        let cloud = matches!(
            kind,
            AviKind::VsVip | AviKind::Pool | AviKind::PoolGroup | AviKind::VirtualService
        );
        Common {
            name,
            tenant_ref: &self.tenant_ref,
            cloud_ref: cloud.then_some(self.cloud_ref.as_str()),
            created_by: kind.has_created_by().then_some(self.created_by.as_str()),
            markers,
        }
    }
}

/// What a build produces.
#[derive(Default)]
pub struct Out {
    pub graph: AviGraph,
    pub diags: Vec<Diagnostic>,
}

impl Out {
    /// Adds one object. The body comes first so it is serialised (ending its
    /// borrows of `name`) before `name` moves: `out.insert(kind, json(&b), name, refs)`.
    pub fn insert(&mut self, kind: AviKind, body: Value, name: String, refs: Vec<AviKey>) {
        self.graph
            .objects
            .insert(AviKey::new(kind, name), AviObject { body, refs });
    }

    pub fn diag(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
}

/// Serialises a wire body; these plain structs (string keys only) cannot fail.
pub fn json(body: impl Serialize) -> Value {
    serde_json::to_value(body).unwrap_or(Value::Null)
}
