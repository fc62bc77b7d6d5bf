//! PURE: the load-balancer status an Ingress, Service or Route should carry, from
//! the model's `LbStatus` list and the observed VsVip addresses. Each function
//! returns `None` when the object must be left alone (its VIP is not observed yet),
//! else the value to compare (timestamps left out) and the status patch to send.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::Ingress;
use serde_json::{Value, json};

use crate::crd::Route;
use crate::model::{Diagnostic, LbStatus, Severity};

/// The observed addresses of each VsVip, by VsVip name.
pub(crate) type Vips = BTreeMap<String, Vec<String>>;

/// What to write: `compare` is checked against the object's current status.
#[derive(Debug, PartialEq)]
pub(crate) struct Desired {
    pub compare: Value,
    pub patch: Value,
}

/// An object with `.status.loadBalancer.ingress`: a Service (one entry per VIP with
/// the first FQDN) or an Ingress (one entry per host and VIP).
pub(crate) trait LbObject {
    const PER_HOST: bool;
    /// The current `(ip, hostname)` entries.
    fn lb_entries(&self) -> Entries;
}

/// `(ip, hostname)` pairs in order.
pub(crate) type Entries = BTreeSet<(String, Option<String>)>;

impl LbObject for Service {
    const PER_HOST: bool = false;
    fn lb_entries(&self) -> Entries {
        let list = self.status.as_ref().and_then(|s| s.load_balancer.as_ref());
        let list = list.and_then(|l| l.ingress.as_ref()).into_iter().flatten();
        list.filter_map(|e| Some((e.ip.clone()?, e.hostname.clone())))
            .collect()
    }
}

impl LbObject for Ingress {
    const PER_HOST: bool = true;
    fn lb_entries(&self) -> Entries {
        let list = self.status.as_ref().and_then(|s| s.load_balancer.as_ref());
        let list = list.and_then(|l| l.ingress.as_ref()).into_iter().flatten();
        list.filter_map(|e| Some((e.ip.clone()?, e.hostname.clone())))
            .collect()
    }
}

/// Entries as the JSON list the status holds.
pub(crate) fn entries_json(entries: &Entries) -> Value {
    Value::Array(
        entries
            .iter()
            .map(|(ip, host)| match host {
                Some(h) => json!({"ip": ip, "hostname": h}),
                None => json!({"ip": ip}),
            })
            .collect(),
    )
}

/// The load-balancer status `obj` should carry. Out of scope (`wanted == None`):
/// our addresses (`ours`) are removed, others kept.
pub(crate) fn load_balancer<T: LbObject>(
    obj: &T,
    wanted: Option<&[LbStatus]>,
    vips: &Vips,
    ours: &BTreeSet<String>,
) -> Option<Desired> {
    let entries: Entries = match wanted {
        Some(statuses) => {
            let mut out = BTreeSet::new();
            for s in statuses {
                for ip in vips.get(&s.vsvip.name).into_iter().flatten() {
                    if T::PER_HOST && !s.hostnames.is_empty() {
                        out.extend(s.hostnames.iter().map(|h| (ip.clone(), Some(h.clone()))));
                    } else {
                        out.insert((ip.clone(), s.hostnames.first().cloned()));
                    }
                }
            }
            if out.is_empty() {
                return None;
            }
            out
        }
        None => obj
            .lb_entries()
            .into_iter()
            .filter(|(ip, _)| !ours.contains(ip))
            .collect(),
    };
    let value = entries_json(&entries);
    Some(Desired {
        compare: value.clone(),
        patch: json!({"status": {"loadBalancer": {"ingress": value}}}),
    })
}

/// A Route's `status.ingress` entry without its timestamp, for comparison.
fn route_compare(entries: &[Value]) -> Value {
    let mut out: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut e = e.clone();
            if let Some(conds) = e.get_mut("conditions").and_then(Value::as_array_mut) {
                for c in conds {
                    if let Some(c) = c.as_object_mut() {
                        c.remove("lastTransitionTime");
                    }
                }
            }
            e
        })
        .collect();
    out.sort_by_key(|v| v.to_string());
    Value::Array(out)
}

/// The current Route status in the comparison form.
pub(crate) fn route_now(route: &Route) -> Value {
    let entries: Vec<Value> = route
        .status
        .iter()
        .flat_map(|s| s.ingress.iter())
        .filter_map(|e| serde_json::to_value(e).ok())
        .collect();
    route_compare(&entries)
}

/// A Route's `status.ingress`: other routers' entries untouched; ours (router
/// `ako-<cluster>`) Admitted with the VIPs, not Admitted with the error of a
/// rejected Route, or removed when the Route is out of scope.
pub(crate) fn route(
    route: &Route,
    router: &str,
    wanted: Option<&[LbStatus]>,
    vips: &Vips,
    diagnostics: &[&Diagnostic],
    now: &str,
) -> Option<Desired> {
    let mut entries: Vec<Value> = route
        .status
        .iter()
        .flat_map(|s| s.ingress.iter())
        .filter(|e| e.router_name.as_deref() != Some(router))
        .filter_map(|e| serde_json::to_value(e).ok())
        .collect();
    let condition = |status: &str, reason: &str, message: &str| {
        json!([{"type": "Admitted", "status": status, "reason": reason, "message": message,
                "lastTransitionTime": now}])
    };
    let errors: Vec<&&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if let Some(statuses) = wanted {
        for s in statuses {
            let ips = vips.get(&s.vsvip.name).cloned().unwrap_or_default();
            if ips.is_empty() {
                return None;
            }
            for host in &s.hostnames {
                entries.push(json!({"host": host, "routerName": router,
                    "conditions": condition("True", &s.vs.name, &ips.join(","))}));
            }
        }
    } else if let Some(first) = errors.first() {
        let message = errors
            .iter()
            .map(|d| d.message.as_str())
            .collect::<Vec<_>>();
        entries.push(json!({"host": route.spec.host, "routerName": router,
            "conditions": condition("False", &first.reason, &message.join("; "))}));
    }
    Some(Desired {
        compare: route_compare(&entries),
        patch: json!({"status": {"ingress": entries}}),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AviKey, AviKind};

    fn lb(vsvip: &str, hosts: &[&str]) -> LbStatus {
        LbStatus {
            vs: AviKey::new(AviKind::VirtualService, vsvip),
            vsvip: AviKey::new(AviKind::VsVip, vsvip),
            hostnames: hosts.iter().map(|h| h.to_string()).collect(),
        }
    }

    fn vips() -> Vips {
        [
            (
                "v4v6".to_string(),
                vec!["10.0.0.1".to_string(), "fd00::1".to_string()],
            ),
            ("other".to_string(), vec!["10.0.0.2".to_string()]),
        ]
        .into()
    }

    #[test]
    fn a_service_gets_every_vip_with_its_first_fqdn() {
        let wanted = [
            lb("v4v6", &["a.example.com", "b.example.com"]),
            lb("other", &[]),
        ];
        let d = load_balancer(
            &Service::default(),
            Some(&wanted),
            &vips(),
            &BTreeSet::new(),
        );
        assert_eq!(
            d.unwrap().compare,
            json!([{"ip": "10.0.0.1", "hostname": "a.example.com"}, {"ip": "10.0.0.2"},
                   {"ip": "fd00::1", "hostname": "a.example.com"}])
        );
    }

    #[test]
    fn an_ingress_gets_one_entry_per_host_and_vip() {
        let wanted = [lb("v4v6", &["a.example.com", "b.example.com"])];
        let d = load_balancer(
            &Ingress::default(),
            Some(&wanted),
            &vips(),
            &BTreeSet::new(),
        );
        assert_eq!(d.unwrap().compare.as_array().unwrap().len(), 4);
    }

    #[test]
    fn unknown_vips_leave_the_object_alone() {
        let wanted = [lb("missing", &["a.example.com"])];
        assert_eq!(
            load_balancer(
                &Service::default(),
                Some(&wanted),
                &vips(),
                &BTreeSet::new()
            ),
            None
        );
    }
}
