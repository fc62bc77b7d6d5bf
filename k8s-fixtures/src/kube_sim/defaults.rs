//! Server-side defaults of the built-in kinds that clients (and AKO) read back: a Secret's
//! `type`, and a Service's type, port protocol and targetPort, session affinity, IP family,
//! and its allocated clusterIP (from 10.96.0.0/12) and nodePorts (30000-32767).

use parking_lot::Mutex;
use serde_json::{Value, json};

use super::resources::GroupResource;

/// Hands out clusterIPs and nodePorts (sequentially; the simulation never runs out in practice).
#[derive(Debug, Default)]
pub struct Allocator {
    state: Mutex<(u32, u16)>,
}

impl Allocator {
    fn cluster_ip(&self) -> String {
        let mut s = self.state.lock();
        s.0 += 1;
        // 10.96.0.0/12 holds 2^20 addresses; skip .0 of each /24.
        let n = s.0 % (1 << 20);
        format!(
            "10.{}.{}.{}",
            96 + (n >> 16),
            (n >> 8) & 0xff,
            (n & 0xff).max(1)
        )
    }

    fn node_port(&self) -> u16 {
        let mut s = self.state.lock();
        s.1 = if s.1 < 30000 || s.1 >= 32767 {
            30000
        } else {
            s.1 + 1
        };
        s.1
    }
}

/// Fills defaults into `obj` (a create, or an update whose previous version is `old`).
pub fn apply(gr: &GroupResource, obj: &mut Value, old: Option<&Value>, alloc: &Allocator) {
    if !gr.group.is_empty() {
        return;
    }
    match gr.resource.as_str() {
        "secrets"
            if obj
                .get("type")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty) =>
        {
            obj["type"] = json!("Opaque");
        }
        "services" => service(obj, old, alloc),
        _ => {}
    }
}

fn service(obj: &mut Value, old: Option<&Value>, alloc: &Allocator) {
    if !obj.get("spec").is_some_and(Value::is_object) {
        obj["spec"] = json!({});
    }
    let old_spec = old.and_then(|o| o.get("spec"));
    let spec = &mut obj["spec"];
    let ty = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_string();
    spec["type"] = json!(ty);
    if ty == "ExternalName" {
        return;
    }
    for (k, v) in [
        ("sessionAffinity", json!("None")),
        ("internalTrafficPolicy", json!("Cluster")),
        ("ipFamilyPolicy", json!("SingleStack")),
        ("ipFamilies", json!(["IPv4"])),
    ] {
        if spec.get(k).is_none() {
            spec[k] = v;
        }
    }
    if spec
        .get("clusterIP")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        let ip = old_spec
            .and_then(|s| s.get("clusterIP"))
            .and_then(Value::as_str)
            .map_or_else(|| alloc.cluster_ip(), String::from);
        spec["clusterIP"] = json!(ip);
    }
    if spec.get("clusterIPs").is_none() {
        spec["clusterIPs"] = json!([spec["clusterIP"].clone()]);
    }
    let wants_node_ports = ty == "NodePort"
        || (ty == "LoadBalancer"
            && spec.get("allocateLoadBalancerNodePorts") != Some(&json!(false)));
    if ty == "LoadBalancer" || ty == "NodePort" {
        if spec.get("externalTrafficPolicy").is_none() {
            spec["externalTrafficPolicy"] = json!("Cluster");
        }
        if ty == "LoadBalancer" && spec.get("allocateLoadBalancerNodePorts").is_none() {
            spec["allocateLoadBalancerNodePorts"] = json!(true);
        }
    }
    let old_ports = old_spec
        .and_then(|s| s.get("ports"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut().filter(|p| p.is_object()) {
            if p.get("protocol").is_none() {
                p["protocol"] = json!("TCP");
            }
            if p.get("targetPort").is_none() {
                p["targetPort"] = p.get("port").cloned().unwrap_or(Value::Null);
            }
            if wants_node_ports && p.get("nodePort").is_none() {
                let kept = old_ports
                    .iter()
                    .find(|o| o.get("port") == p.get("port"))
                    .and_then(|o| o.get("nodePort"))
                    .cloned();
                p["nodePort"] = kept.unwrap_or_else(|| json!(alloc.node_port()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_defaults_and_allocations_survive_updates() {
        let gr = GroupResource::new("", "services");
        let alloc = Allocator::default();
        let mut svc = json!({"spec": {"type": "NodePort", "ports": [{"port": 80}]}});
        apply(&gr, &mut svc, None, &alloc);
        let p = &svc["spec"]["ports"][0];
        assert_eq!(
            (
                p["protocol"].clone(),
                p["targetPort"].clone(),
                p["nodePort"].clone()
            ),
            (json!("TCP"), json!(80), json!(30000))
        );
        assert_eq!(svc["spec"]["clusterIP"], "10.96.0.1");
        let mut update =
            json!({"spec": {"type": "NodePort", "ports": [{"port": 80}, {"port": 443}]}});
        apply(&gr, &mut update, Some(&svc), &alloc);
        assert_eq!(update["spec"]["clusterIP"], "10.96.0.1");
        assert_eq!(update["spec"]["ports"][0]["nodePort"], 30000);
        assert_eq!(update["spec"]["ports"][1]["nodePort"], 30001);
        let mut secret = json!({"data": {}});
        apply(
            &GroupResource::new("", "secrets"),
            &mut secret,
            None,
            &alloc,
        );
        assert_eq!(secret["type"], "Opaque");
    }
}
