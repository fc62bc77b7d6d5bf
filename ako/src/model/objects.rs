//! Builders shared by the L4 and L7 translations: VsVip and Pool bodies.

use std::borrow::Cow;

use super::backend::Server;
use super::ctx::{Env, Out, json};
use super::graph::{AviKey, AviKind, avi_ref};
use super::scope::Infra;
use super::wire;

/// Pool-level settings an HTTPRule path supplies (spec §10.4).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolSettings<'s> {
    pub lb_algorithm: Option<&'s str>,
    pub lb_algorithm_hash: Option<&'s str>,
    pub lb_consistent_hash_hdr: Option<&'s str>,
    pub health_monitors: Vec<&'s str>,
    pub persistence: Option<&'s str>,
    /// Re-encrypt to the backends with this SSL profile.
    pub reencrypt_ssl_profile: Option<&'s str>,
    /// PKI profile by name (HTTPRule `pkiProfile`).
    pub pki_profile: Option<&'s str>,
    /// PEM CA for a `<pool>-pkiprofile` object (HTTPRule `destinationCA`).
    pub destination_ca: Option<&'s str>,
    pub enable_http2: bool,
}

/// A VsVip in the infra's VIP network; `fqdns` become `dns_info`.
pub fn vsvip(
    env: &Env<'_>,
    out: &mut Out,
    name: String,
    infra: &Infra<'_>,
    fqdns: &[&str],
    static_ip: Option<&str>,
) {
    let net = infra.vip_network.as_ref();
    let v4 = net
        .and_then(|n| n.v4)
        .map(|c| (c.network().to_string(), c.prefix_len()));
    let v6 = net
        .and_then(|n| n.v6)
        .map(|c| (c.network().to_string(), c.prefix_len()));

    let body = wire::VsVip {
        common: env.common(AviKind::VsVip, &name, &[]),
        vrf_context_ref: &env.vrf_ref,
        east_west_placement: false,
        dns_info: fqdns.iter().map(|fqdn| wire::DnsInfo { fqdn }).collect(),
        vip: vec![wire::Vip {
            vip_id: "0",
            auto_allocate_ip: static_ip.is_none(),
            ip_address: static_ip.map(wire::IpAddr::new),
            ipam_network_subnet: net.map(|n| wire::IpamNetworkSubnet {
                network_ref: n.network_ref.clone(),
                subnet: subnet(&v4),
                subnet6: subnet(&v6),
            }),
        }],
    };
    out.insert(AviKind::VsVip, json(&body), name.clone(), Vec::new());
}

/// A pool with `servers`; `default_hm_ref` is the ref of the default monitor for
/// its protocol (see [`Env::hm_ref`]).
#[allow(clippy::too_many_arguments)]
pub fn pool(
    env: &Env<'_>,
    out: &mut Out,
    name: String,
    infra: &Infra<'_>,
    markers: &[(&'static str, &str)],
    servers: &[Server<'_>],
    default_hm_ref: &str,
    settings: &PoolSettings<'_>,
) {
    let mut refs = Vec::new();
    let pki_profile_ref = match (settings.pki_profile, settings.destination_ca) {
        (Some(pki), _) => Some(avi_ref("pkiprofile", pki)),
        (None, Some(ca)) => {
            let pki_name = crate::naming::pool_pki_profile(&name);
            let body = wire::PkiProfile {
                common: env.common(AviKind::PkiProfile, &pki_name, &[]),
                ca_certs: vec![wire::CertificateBody { certificate: ca }],
                crl_check: false,
            };
            let key = AviKey::new(AviKind::PkiProfile, pki_name.clone());
            out.insert(AviKind::PkiProfile, json(&body), pki_name, Vec::new());
            let r = key.to_ref();
            refs.push(key);
            Some(r)
        }
        (None, None) => None,
    };
    let health_monitor_refs = if settings.health_monitors.is_empty() {
        vec![Cow::Borrowed(default_hm_ref)]
    } else {
        settings
            .health_monitors
            .iter()
            .map(|hm| Cow::Owned(avi_ref("healthmonitor", hm)))
            .collect()
    };
    let body = wire::Pool {
        common: env.common(AviKind::Pool, &name, markers),
        vrf_ref: &env.vrf_ref,
        servers: servers
            .iter()
            .map(|(ip, port)| wire::Server {
                ip: wire::IpAddr::new(ip),
                port: *port,
            })
            .collect(),
        health_monitor_refs,
        placement_networks: infra
            .node_network_refs
            .iter()
            .map(|r| wire::PlacementNetwork {
                network_ref: r.clone(),
            })
            .collect(),
        lb_algorithm: settings.lb_algorithm,
        lb_algorithm_hash: settings.lb_algorithm_hash,
        lb_algorithm_consistent_hash_hdr: settings.lb_consistent_hash_hdr,
        application_persistence_profile_ref: settings
            .persistence
            .map(|p| avi_ref("applicationpersistenceprofile", p)),
        ssl_profile_ref: settings
            .reencrypt_ssl_profile
            .map(|p| avi_ref("sslprofile", p)),
        pki_profile_ref,
        sni_enabled: settings.reencrypt_ssl_profile.is_some(),
        enable_http2: settings.enable_http2,
    };
    out.insert(AviKind::Pool, json(&body), name, refs);
}

fn subnet(s: &Option<(String, u8)>) -> Option<wire::Subnet<'_>> {
    s.as_ref().map(|(addr, mask)| wire::Subnet {
        ip_addr: wire::IpAddr::new(addr),
        mask: *mask,
    })
}
