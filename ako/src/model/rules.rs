//! HostRule and HTTPRule (v1beta1 semantics) resolved per FQDN. Several objects for
//! one FQDN merge deterministically: the senior object (creation time, then key)
//! wins; HTTPRules merge path by path across namespaces (B9).

use std::collections::BTreeMap;

use super::ctx::Out;
use super::graph::Diagnostic;
use super::key::{ObjectKey, seniority};
use super::objects::PoolSettings;
use super::scope::Namespaces;
use super::state::ClusterState;
use crate::crd::{HTTPRule, HostRule};

/// What a HostRule changes on a host's virtual service (spec §10.3).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostOverride<'s> {
    pub source: Option<&'s ObjectKey>,
    pub enabled: Option<bool>,
    /// An Avi sslkeyandcertificate (HostRule `tls.sslKeyCertificate.type: ref`).
    pub cert_ref: Option<&'s str>,
    pub ssl_profile: Option<&'s str>,
    pub waf_policy: Option<&'s str>,
    pub application_profile: Option<&'s str>,
    pub analytics_profile: Option<&'s str>,
    pub error_page_profile: Option<&'s str>,
    pub policy_sets: Vec<&'s str>,
    pub overwrite_policies: bool,
    pub datascripts: Vec<&'s str>,
    pub aliases: Vec<&'s str>,
}

/// Resolved rules for every FQDN.
#[derive(Debug, Default)]
pub struct Rules<'s> {
    hosts: BTreeMap<&'s str, HostOverride<'s>>,
    /// fqdn -> target -> settings.
    paths: BTreeMap<&'s str, BTreeMap<&'s str, PoolSettings<'s>>>,
}

impl<'s> Rules<'s> {
    pub fn host(&self, fqdn: &str) -> Option<&HostOverride<'s>> {
        self.hosts.get(fqdn)
    }

    /// HTTPRule settings for the pool of `host` + `path` (exact target match).
    pub fn path(&self, host: &str, path: &str) -> Option<&PoolSettings<'s>> {
        self.paths.get(host)?.get(path)
    }

    /// Number of extra FQDNs (aliases) a host brings to its VsVip.
    pub fn alias_count(&self, fqdn: &str) -> usize {
        self.hosts.get(fqdn).map_or(0, |h| h.aliases.len())
    }
}

pub fn resolve<'s>(
    state: &'s ClusterState,
    namespaces: &Namespaces<'_>,
    out: &mut Out,
) -> Rules<'s> {
    let mut rules = Rules::default();
    host_rules(state, namespaces, out, &mut rules);
    http_rules(state, namespaces, out, &mut rules);
    rules
}

fn host_rules<'s>(
    state: &'s ClusterState,
    namespaces: &Namespaces<'_>,
    out: &mut Out,
    rules: &mut Rules<'s>,
) {
    let mut list: Vec<_> = state
        .iter::<HostRule>()
        .filter(|(k, _)| !namespaces.blocked(&k.namespace))
        .map(|(k, r)| (seniority(k, r.as_ref()), r.as_ref()))
        .collect();
    list.sort_by(|a, b| a.0.cmp(&b.0));
    for ((_, key), rule) in list {
        let v = &rule.spec.virtualhost;
        let fqdn_type = v.fqdn_type.as_deref().unwrap_or("Exact");
        let reject = |out: &mut Out, msg: String| out.diag(Diagnostic::error(key, "Rejected", msg));
        if fqdn_type != "Exact" {
            reject(
                out,
                format!("fqdnType {fqdn_type} is not supported; only Exact"),
            );
            continue;
        }
        if let Some(first) = rules.hosts.get(v.fqdn.as_str()).and_then(|h| h.source) {
            reject(
                out,
                format!("duplicate fqdn {} found in {}", v.fqdn, first.ns_name()),
            );
            continue;
        }
        if v.aliases.contains(&v.fqdn) {
            reject(
                out,
                "Duplicate entry found. Aliases field has same entry as the FQDN field".into(),
            );
            continue;
        }
        let mut sorted: Vec<&str> = v.aliases.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            reject(out, "Aliases must be unique".into());
            continue;
        }
        let mut cert_ref = None;
        if let Some(tls) = &v.tls {
            if tls.ssl_key_certificate.kind == "ref" {
                cert_ref = Some(tls.ssl_key_certificate.name.as_str());
            } else {
                reject(
                    out,
                    format!(
                        "tls.sslKeyCertificate.type {:?} is not supported; use ref",
                        tls.ssl_key_certificate.kind
                    ),
                );
                continue;
            }
        }
        let policy = v.http_policy.as_ref();
        rules.hosts.insert(
            v.fqdn.as_str(),
            HostOverride {
                source: Some(key),
                enabled: v.enable_virtual_host,
                cert_ref,
                ssl_profile: v.tls.as_ref().and_then(|t| t.ssl_profile.as_deref()),
                waf_policy: v.waf_policy.as_deref(),
                application_profile: v.application_profile.as_deref(),
                analytics_profile: v.analytics_profile.as_deref(),
                error_page_profile: v.error_page_profile.as_deref(),
                policy_sets: policy
                    .map(|p| p.policy_sets.iter().map(String::as_str).collect())
                    .unwrap_or_default(),
                overwrite_policies: policy.is_some_and(|p| p.overwrite),
                datascripts: v.datascripts.iter().map(String::as_str).collect(),
                aliases: sorted,
            },
        );
    }
}

fn http_rules<'s>(
    state: &'s ClusterState,
    namespaces: &Namespaces<'_>,
    out: &mut Out,
    rules: &mut Rules<'s>,
) {
    let mut list: Vec<_> = state
        .iter::<HTTPRule>()
        .filter(|(k, _)| !namespaces.blocked(&k.namespace))
        .map(|(k, r)| (seniority(k, r.as_ref()), r.as_ref()))
        .collect();
    list.sort_by(|a, b| a.0.cmp(&b.0));
    // (fqdn, target) -> the rule that set it, for the conflict message.
    let mut owner: BTreeMap<(&str, &str), &ObjectKey> = BTreeMap::new();
    for ((_, key), rule) in list {
        let fqdn = rule.spec.fqdn.as_str();
        for p in &rule.spec.paths {
            let target = p.target.as_str();
            if !target.starts_with('/') {
                out.diag(Diagnostic::error(
                    key,
                    "Rejected",
                    format!("path target {target:?} must start with /"),
                ));
                continue;
            }
            let tls = p.tls.as_ref();
            if tls.is_some_and(|t| t.pki_profile.is_some() && t.destination_ca.is_some()) {
                out.diag(Diagnostic::error(
                    key,
                    "Rejected",
                    "PKIProfile and DestinationCA fields are set in the HTTPRule. Only one of the field should be set.",
                ));
                continue;
            }
            if let Some(first) = owner.get(&(fqdn, target)) {
                out.diag(Diagnostic::warning(
                    key,
                    "HTTPRulePathConflict",
                    format!("{fqdn}{target} is already configured by {first}; this rule's settings for it are ignored"),
                ));
                continue;
            }
            owner.insert((fqdn, target), key);
            let lb = p.load_balancer_policy.as_ref();
            let reencrypt = tls.filter(|t| t.kind == "reencrypt");
            rules.paths.entry(fqdn).or_default().insert(
                target,
                PoolSettings {
                    lb_algorithm: lb.and_then(|l| l.algorithm.as_deref()),
                    lb_algorithm_hash: lb.and_then(|l| l.hash.as_deref()),
                    lb_consistent_hash_hdr: lb.and_then(|l| l.host_header.as_deref()),
                    health_monitors: p.health_monitors.iter().map(String::as_str).collect(),
                    persistence: p.application_persistence.as_deref(),
                    reencrypt_ssl_profile: reencrypt
                        .map(|t| t.ssl_profile.as_deref().unwrap_or("System-Standard")),
                    pki_profile: reencrypt.and_then(|t| t.pki_profile.as_deref()),
                    destination_ca: reencrypt.and_then(|t| t.destination_ca.as_deref()),
                    enable_http2: p.enable_http2.unwrap_or(false),
                },
            );
        }
    }
}
