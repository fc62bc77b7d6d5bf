//! Services of type LoadBalancer → L4 virtual service, VsVip, one pool per port
//! (TCP / UDP / SCTP, F26) and the L4 policy set selecting them (spec §3.1).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Service;

use super::backend;
use super::ctx::{Env, Out, json};
use super::graph::{AviKey, AviKind, Diagnostic, LbStatus, avi_ref};
use super::key::ObjectKey;
use super::objects::{self, PoolSettings};
use super::scope::{self, Infras, Namespaces};
use super::state::ClusterState;
use super::wire;
use crate::config::ServiceType;
use crate::naming;

/// `spec.loadBalancerClass` AKO serves.
pub const LB_CLASS: &str = "ako.vmware.com/avi-lb";
/// Fallback static VIP annotation.
pub const LB_IP_ANNOTATION: &str = "ako.vmware.com/load-balancer-ip";
/// Overrides the auto FQDN.
pub const EXTERNAL_DNS_ANNOTATION: &str = "external-dns.alpha.kubernetes.io/hostname";

/// Translates every in-scope LoadBalancer Service.
pub fn build(
    env: &Env<'_>,
    out: &mut Out,
    state: &ClusterState,
    namespaces: &Namespaces<'_>,
    infras: &Infras<'_>,
) {
    if env.cfg.layer7_only {
        return;
    }
    for (key, svc) in state.iter::<Service>() {
        let Some(spec) = svc.spec.as_ref() else {
            continue;
        };
        if spec.type_.as_deref() != Some("LoadBalancer") || !namespaces.serves(&key.namespace) {
            continue;
        }
        let ours = match spec.load_balancer_class.as_deref() {
            Some(class) => class == LB_CLASS,
            None => env.cfg.default_lb_controller,
        };
        if !ours {
            continue;
        }
        let annotations = svc.metadata.annotations.as_ref();
        let Some(infra) = scope::annotated_infra(infras, key, annotations, out) else {
            continue;
        };
        service(env, out, state, key, svc, infras.get(infra));
    }
}

fn proto_upper(p: Option<&str>) -> &'static str {
    match p {
        Some("UDP") => "UDP",
        Some("SCTP") => "SCTP",
        _ => "TCP",
    }
}

fn service(
    env: &Env<'_>,
    out: &mut Out,
    state: &ClusterState,
    key: &ObjectKey,
    svc: &Service,
    infra: &scope::Infra<'_>,
) {
    let (ns, name) = (key.namespace.as_str(), key.name.as_str());
    let cluster = env.cluster;
    let vs_name = naming::l4_vs(cluster, ns, name);
    let vsvip_name = naming::l4_vsvip(cluster, ns, name);
    let ps_name = naming::l4_policyset(cluster, ns, name);
    let spec = svc.spec.as_ref();
    let ports = spec.and_then(|s| s.ports.as_deref()).unwrap_or_default();
    if ports.is_empty() {
        out.diag(Diagnostic::warning(
            key,
            "NoPorts",
            "LoadBalancer Service has no ports",
        ));
        return;
    }
    let annotations = svc.metadata.annotations.as_ref();
    let fqdn = annotations
        .and_then(|a| a.get(EXTERNAL_DNS_ANNOTATION).cloned())
        .or_else(|| auto_fqdn(env, ns, name));
    let static_ip = spec
        .and_then(|s| s.load_balancer_ip.as_deref())
        .or_else(|| {
            annotations
                .and_then(|a| a.get(LB_IP_ANNOTATION))
                .map(String::as_str)
        })
        .filter(|ip| !ip.is_empty());
    if let Some(ip) = static_ip
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        out.diag(Diagnostic::error(
            key,
            "InvalidLoadBalancerIP",
            format!("loadBalancerIP {ip:?} is not a valid IP; the Service is not processed"),
        ));
        return;
    }
    let fqdns: Vec<&str> = fqdn.as_deref().into_iter().collect();
    objects::vsvip(env, out, vsvip_name.clone(), infra, &fqdns, static_ip);

    if env.cfg.service_type == ServiceType::NodePortLocal {
        out.graph.npl_services.insert(key.clone());
    }
    let mut protocols = BTreeSet::new();
    let mut rules = Vec::with_capacity(ports.len());
    let mut pool_keys = Vec::with_capacity(ports.len());
    let mut services = Vec::with_capacity(ports.len());
    for (i, port) in ports.iter().enumerate() {
        let proto = proto_upper(port.protocol.as_deref());
        protocols.insert(proto);
        let Ok(number) = u16::try_from(port.port) else {
            continue;
        };
        let pool_name = naming::l4_pool(cluster, ns, name, proto, number);
        let servers = backend::servers(state, env.cfg, svc, port).unwrap_or_else(|problem| {
            out.diag(Diagnostic::warning(
                key,
                "NoServers",
                format!("port {number}: {problem:?}; the pool has no servers"),
            ));
            Vec::new()
        });
        let port_text = number.to_string();
        let markers = [
            (naming::MARKER_NAMESPACE, ns),
            (naming::MARKER_SERVICE_NAME, name),
            ("Port", port_text.as_str()),
        ];
        objects::pool(
            env,
            out,
            pool_name.clone(),
            infra,
            &markers,
            &servers,
            env.hm_ref(proto),
            &PoolSettings::default(),
        );
        let pool_key = AviKey::new(AviKind::Pool, pool_name);
        rules.push(wire::L4Rule {
            name: pool_key.name.clone(),
            index: i,
            matches: wire::L4Match {
                port: wire::PortMatch {
                    match_criteria: "IS_IN",
                    ports: vec![number],
                },
                protocol: wire::ProtocolMatch {
                    match_criteria: "IS_IN",
                    protocol: match proto {
                        "UDP" => "PROTOCOL_UDP",
                        "SCTP" => "PROTOCOL_SCTP",
                        _ => "PROTOCOL_TCP",
                    },
                },
            },
            action: wire::L4Action {
                select_pool: wire::SelectPool {
                    action_type: "L4_RULE_ACTION_SELECT_POOL",
                    pool_ref: pool_key.to_ref(),
                },
            },
        });
        services.push((number, proto));
        pool_keys.push(pool_key);
    }
    let protocol_marker = protocols.iter().copied().collect::<Vec<_>>().join(",");
    let ps_body = wire::L4PolicySet {
        common: env.common(
            AviKind::L4PolicySet,
            &ps_name,
            &[
                (naming::MARKER_NAMESPACE, ns),
                (naming::MARKER_SERVICE_NAME, name),
                ("Protocol", &protocol_marker),
            ],
        ),
        l4_connection_policy: wire::L4ConnectionPolicy { rules },
    };
    out.insert(
        AviKind::L4PolicySet,
        json(&ps_body),
        ps_name.clone(),
        pool_keys,
    );

    // Network profile by protocol mix; other protocols override per port.
    let main = if protocols.len() == 1 {
        *protocols.first().unwrap_or(&"TCP")
    } else {
        "TCP"
    };
    let profile = |p: &str| match p {
        "UDP" => "System-UDP-Fast-Path",
        "SCTP" => "System-SCTP-Proxy",
        _ => "System-TCP-Proxy",
    };
    let mut vs = wire::VirtualService::new(
        env.common(
            AviKind::VirtualService,
            &vs_name,
            &[
                (naming::MARKER_NAMESPACE, ns),
                (naming::MARKER_SERVICE_NAME, name),
            ],
        ),
        &infra.seg_ref,
        &env.vrf_ref,
    );
    vs.vsvip_ref = Some(avi_ref("vsvip", &vsvip_name));
    vs.services = services
        .iter()
        .map(|(port, proto)| wire::Service {
            port: *port,
            enable_ssl: false,
            override_network_profile_ref: (*proto != main)
                .then(|| avi_ref("networkprofile", profile(proto))),
        })
        .collect();
    vs.application_profile_ref = avi_ref("applicationprofile", "System-L4-Application");
    vs.network_profile_ref = Some(avi_ref("networkprofile", profile(main)));
    vs.l4_policies = vec![wire::L4Policies {
        index: 0,
        l4_policy_set_ref: avi_ref("l4policyset", &ps_name),
    }];
    vs.remove_listening_port_on_vs_down = Some(true);
    if annotations
        .and_then(|a| a.get("ako.vmware.com/disable-traffic"))
        .is_some_and(|v| v == "true")
    {
        vs.traffic_enabled = Some(false);
    }
    let refs = vec![
        AviKey::new(AviKind::VsVip, vsvip_name.clone()),
        AviKey::new(AviKind::L4PolicySet, ps_name),
    ];
    out.insert(AviKind::VirtualService, json(&vs), vs_name.clone(), refs);
    out.graph.status.insert(
        key.clone(),
        vec![LbStatus {
            vs: AviKey::new(AviKind::VirtualService, vs_name),
            vsvip: AviKey::new(AviKind::VsVip, vsvip_name),
            hostnames: fqdn.into_iter().collect(),
        }],
    );
}

/// `L4Settings.autoFQDN` with `defaultDomain` (spec §1.7); none without a domain.
fn auto_fqdn(env: &Env<'_>, ns: &str, svc: &str) -> Option<String> {
    let domain = env.cfg.default_domain.as_deref()?.trim_start_matches('.');
    match env.cfg.auto_fqdn {
        crate::config::AutoFqdn::Default => Some(format!("{svc}.{ns}.{domain}")),
        crate::config::AutoFqdn::Flat => Some(format!("{svc}-{ns}.{domain}")),
        crate::config::AutoFqdn::Disabled => None,
    }
}
