//! The reviewable rendering of a build: graph + diagnostics as deterministic YAML
//! (sorted keys, private keys redacted). Used by `ako plan` and the snapshot tests.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::graph::{AviGraph, AviKind, Diagnostic, LbStatus, VrfRoutes};
use super::key::ObjectKey;

/// Replaces private key material in the rendering.
pub const REDACTED: &str = "<redacted>";

#[derive(Serialize)]
struct Object {
    refs: Vec<String>,
    body: serde_json::Value,
}

#[derive(Serialize)]
struct Report<'g> {
    objects: BTreeMap<String, Object>,
    shared_parents: &'g BTreeSet<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vrf: Option<&'g VrfRoutes>,
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    se_group_labels: &'g BTreeSet<String>,
    status: BTreeMap<String, &'g Vec<LbStatus>>,
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    npl_services: BTreeSet<String>,
    diagnostics: &'g [Diagnostic],
}

/// YAML of the graph and diagnostics; identical input gives identical text.
pub fn to_yaml(graph: &AviGraph, diagnostics: &[Diagnostic]) -> String {
    let objects = graph
        .objects
        .iter()
        .map(|(k, o)| {
            let mut body = o.body.clone();
            if k.kind == AviKind::SslKeyAndCertificate
                && let Some(key) = body.get_mut("key")
            {
                *key = serde_json::Value::String(REDACTED.to_owned());
            }
            let refs = o.refs.iter().map(ToString::to_string).collect();
            (k.to_string(), Object { refs, body })
        })
        .collect();
    let report = Report {
        objects,
        shared_parents: &graph.shared_parents,
        vrf: graph.vrf.as_ref(),
        se_group_labels: &graph.se_group_labels,
        status: graph
            .status
            .iter()
            .map(|(k, v): (&ObjectKey, _)| (k.to_string(), v))
            .collect(),
        npl_services: graph.npl_services.iter().map(ToString::to_string).collect(),
        diagnostics,
    };
    // Only strings, maps and sequences: serialisation cannot fail.
    serde_yaml::to_string(&report).unwrap_or_default()
}
