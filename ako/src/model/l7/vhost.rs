//! Virtual services of one host: the SNI child under a shared parent (F5, F10) and
//! the DEDICATED VS (F6), with their certificates and HostRule overrides.

use super::switching::{self, add_status};
use super::table::{HostEntry, PathRoute, TlsMaterial};
use crate::model::ctx::{Env, Out, json};
use crate::model::graph::{AviKey, AviKind, avi_ref};
use crate::model::objects;
use crate::model::rules::{HostOverride, Rules};
use crate::model::scope::Infra;
use crate::model::wire;
use crate::naming;

/// Index of the first HTTP policy set on a host VS (spec §3.3), and of HostRule ones.
const HTTP_POLICY_INDEX: usize = 11;
const HOSTRULE_POLICY_INDEX: usize = 16;

/// The certificate objects for `host`; returns their refs (primary first).
fn certs(
    env: &Env<'_>,
    out: &mut Out,
    infra: &Infra<'_>,
    host: &str,
    tls: &TlsMaterial<'_>,
) -> Vec<AviKey> {
    let mut keys = Vec::with_capacity(2);
    let mut one = |name: String, cert: &str, key: &str| {
        let body = wire::SslKeyAndCertificate {
            common: env.common(
                AviKind::SslKeyAndCertificate,
                &name,
                &[(naming::MARKER_HOST, host)],
            ),
            kind: "SSL_CERTIFICATE_TYPE_VIRTUALSERVICE",
            certificate: wire::CertificateBody { certificate: cert },
            key,
        };
        out.insert(
            AviKind::SslKeyAndCertificate,
            json(&body),
            name.clone(),
            Vec::new(),
        );
        keys.push(AviKey::new(AviKind::SslKeyAndCertificate, name));
    };
    one(
        naming::tls_cert(env.cluster, infra.name, host),
        tls.cert,
        tls.key,
    );
    if let Some((cert, key)) = tls.alt {
        one(
            naming::tls_cert_alt(env.cluster, infra.name, host),
            cert,
            key,
        );
    }
    keys
}

/// Markers of a host's own VS and of its HTTP policy set: Namespace (of the Ingress
/// the objects are named after), Host, and InfrasettingName with an infra setting
/// (spec §3.3; the original's `PopulateVSNodeMarkers`).
fn host_markers<'a>(
    namespace: &'a str,
    host: &'a str,
    infra: &Infra<'a>,
) -> Vec<(&'static str, &'a str)> {
    let mut markers = vec![
        (naming::MARKER_NAMESPACE, namespace),
        (naming::MARKER_HOST, host),
    ];
    if let Some(infra_name) = infra.name {
        markers.push((naming::MARKER_INFRA_SETTING_NAME, infra_name));
    }
    markers
}

/// HostRule overrides on a host VS (spec §10.3).
fn apply_host_rule(vs: &mut wire::VirtualService<'_>, ho: &HostOverride<'_>) {
    if let Some(enabled) = ho.enabled {
        vs.enabled = enabled;
    }
    if let Some(cert) = ho.cert_ref {
        vs.ssl_key_and_certificate_refs = vec![avi_ref("sslkeyandcertificate", cert)];
    }
    let r = |t: &str, n: Option<&str>| n.map(|n| avi_ref(t, n));
    vs.ssl_profile_ref = r("sslprofile", ho.ssl_profile).or(vs.ssl_profile_ref.take());
    vs.waf_policy_ref = r("wafpolicy", ho.waf_policy);
    if let Some(p) = ho.application_profile {
        vs.application_profile_ref = avi_ref("applicationprofile", p);
    }
    vs.analytics_profile_ref = r("analyticsprofile", ho.analytics_profile);
    vs.error_page_profile_refs = r("errorpageprofile", ho.error_page_profile).map(|e| vec![e]);
    if ho.overwrite_policies {
        vs.http_policies.clear();
    }
    vs.http_policies.extend(
        ho.policy_sets
            .iter()
            .enumerate()
            .map(|(i, p)| wire::HttpPolicies {
                index: HOSTRULE_POLICY_INDEX + i,
                http_policy_set_ref: avi_ref("httppolicyset", p),
            }),
    );
    vs.vs_datascripts = ho
        .datascripts
        .iter()
        .enumerate()
        .map(|(index, d)| wire::VsDataScript {
            index,
            vs_datascript_set_ref: avi_ref("vsdatascriptset", d),
        })
        .collect();
    vs.vh_domain_name
        .extend(ho.aliases.iter().map(|a| (*a).to_owned()));
}

/// The SNI child of a secure `host` under shared parent `parent`.
#[allow(clippy::too_many_arguments)]
pub fn sni_child(
    env: &Env<'_>,
    out: &mut Out,
    infra: &Infra<'_>,
    host: &str,
    entry: &HostEntry<'_>,
    tls: &TlsMaterial<'_>,
    parent: &str,
    rules: &Rules<'_>,
) {
    // A HostRule certificate replaces the Secret's: then ours is not written.
    let cert_keys = match rules.host(host).and_then(|h| h.cert_ref) {
        Some(_) => Vec::new(),
        None => certs(env, out, infra, host, tls),
    };
    let routes: Vec<&PathRoute<'_>> = entry.secure.iter().collect();
    let ns = tls.claimed_by.namespace.as_str();
    let markers = host_markers(ns, host, infra);
    let ps_name = naming::sni_httppolicyset(env.cluster, infra.name, ns, host);
    let ps = switching::path_policy(
        env, out, infra, host, &routes, rules, false, ps_name, &markers,
    );
    let name = naming::sni_child_vs(env.cluster, infra.name, host);
    let mut vs = wire::VirtualService::new(
        env.common(AviKind::VirtualService, &name, &markers),
        &infra.seg_ref,
        &env.vrf_ref,
    );
    vs.kind = Some("VS_TYPE_VH_CHILD");
    vs.vh_parent_vs_ref = Some(avi_ref("virtualservice", parent));
    vs.vh_domain_name = vec![host.to_owned()];
    vs.application_profile_ref = avi_ref("applicationprofile", "System-Secure-HTTP");
    vs.ssl_key_and_certificate_refs = cert_keys.iter().map(AviKey::to_ref).collect();
    vs.http_policies = vec![wire::HttpPolicies {
        index: HTTP_POLICY_INDEX,
        http_policy_set_ref: ps.to_ref(),
    }];
    if let Some(ho) = rules.host(host) {
        apply_host_rule(&mut vs, ho);
    }
    let mut refs = cert_keys;
    refs.push(ps);
    refs.push(AviKey::new(AviKind::VirtualService, parent));
    out.insert(AviKind::VirtualService, json(&vs), name, refs);
}

/// A DEDICATED VS for `host` with its own VsVip; secure when the host has TLS.
pub fn dedicated(
    env: &Env<'_>,
    out: &mut Out,
    infra: &Infra<'_>,
    host: &str,
    entry: &HostEntry<'_>,
    rules: &Rules<'_>,
) {
    let name = naming::dedicated_vs(env.cluster, infra.name, host);
    let vsvip = naming::shared_vsvip(&name);
    let mut fqdns = vec![host];
    if let Some(ho) = rules.host(host) {
        fqdns.extend(ho.aliases.iter().copied());
    }
    objects::vsvip(env, out, vsvip.clone(), infra, &fqdns, None);
    let routes: Vec<&PathRoute<'_>> = entry.insecure.iter().chain(&entry.secure).collect();
    let first_ns = entry.first.1.namespace.as_str();
    let ps_name = naming::sni_httppolicyset(env.cluster, infra.name, first_ns, host);
    let markers = host_markers(first_ns, host, infra);
    let ps = switching::path_policy(
        env, out, infra, host, &routes, rules, true, ps_name, &markers,
    );
    let mut refs = vec![AviKey::new(AviKind::VsVip, vsvip.clone()), ps.clone()];
    let mut policies = Vec::new();
    let secure = entry.tls.as_ref();
    let mut cert_refs = Vec::new();
    if let Some(tls) = secure {
        let keys = match rules.host(host).and_then(|h| h.cert_ref) {
            Some(_) => Vec::new(),
            None => certs(env, out, infra, host, tls),
        };
        cert_refs = keys.iter().map(AviKey::to_ref).collect();
        refs.extend(keys);
        if tls.redirect {
            let redirect = switching::redirect_policy(
                env,
                out,
                naming::shared_redirect_policy(&name),
                vec![host.to_owned()],
            );
            policies.push(wire::HttpPolicies {
                index: 0,
                http_policy_set_ref: redirect.to_ref(),
            });
            refs.push(redirect);
        }
    }
    policies.push(wire::HttpPolicies {
        index: HTTP_POLICY_INDEX,
        http_policy_set_ref: ps.to_ref(),
    });
    let mut vs = wire::VirtualService::new(
        env.common(AviKind::VirtualService, &name, &markers),
        &infra.seg_ref,
        &env.vrf_ref,
    );
    vs.vsvip_ref = Some(avi_ref("vsvip", &vsvip));
    vs.services = vec![wire::Service {
        port: 80,
        enable_ssl: false,
        override_network_profile_ref: None,
    }];
    if secure.is_some() {
        vs.services.push(wire::Service {
            port: 443,
            enable_ssl: true,
            override_network_profile_ref: None,
        });
    }
    let app = if secure.is_some() {
        "System-Secure-HTTP"
    } else {
        "System-HTTP"
    };
    vs.application_profile_ref = avi_ref("applicationprofile", app);
    vs.network_profile_ref = Some(avi_ref("networkprofile", "System-TCP-Proxy"));
    vs.ssl_key_and_certificate_refs = cert_refs;
    vs.http_policies = policies;
    if let Some(ho) = rules.host(host) {
        apply_host_rule(&mut vs, ho);
    }
    out.insert(AviKind::VirtualService, json(&vs), name.clone(), refs);
    add_status(out, entry.sources.iter().copied(), &name, &vsvip, host);
}
