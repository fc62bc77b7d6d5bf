//! VsVip: swagger table (dns_info max 1000) plus the VIP rules: vip_ids assigned when
//! absent and never changed, static addresses never changed, auto-allocated addresses
//! taken from IPAM (the vip's network, else the cloud's IPAM usable network) and kept
//! across updates.

use std::net::IpAddr;

use serde_json::{Map, Value, json};

use super::defs::Defs;
use super::validate::RefAt;
use super::{CheckCtx, Implied, NameScope, TypeSpec, summary_defs};
use crate::error::{AviError, Result};
use crate::ipam;
use crate::store::{Obj, Store};

fn defs() -> &'static Defs {
    summary_defs("VsVip")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "vsvip",
    kind: "VsVip",
    defs,
    scope: NameScope::TenantCloud,
    cloud_scoped: true,
    implied: &[Implied {
        field: "vrf_context_ref",
        path: "vrfcontext",
        name: "global",
    }],
    list_keys: &[("vip", &["vip_id"]), ("dns_info", &["fqdn"])],
    unique_items: &[("vip", "vip_id")],
    prepare: Some(prepare),
    check: Some(check),
    ..TypeSpec::BASE
};

/// Vips without a `vip_id` get the next free number, as a real controller does.
fn prepare(body: &mut Map<String, Value>, _old: Option<&Obj>) {
    let Some(vips) = body.get_mut("vip").and_then(Value::as_array_mut) else {
        return;
    };
    let mut next = 0u64;
    let used: Vec<String> = vips
        .iter()
        .filter_map(|v| v.get("vip_id")?.as_str().map(str::to_string))
        .collect();
    for v in vips.iter_mut().filter_map(Value::as_object_mut) {
        if !v.contains_key("vip_id") {
            while used.contains(&next.to_string()) {
                next += 1;
            }
            v.insert("vip_id".into(), Value::String(next.to_string()));
            next += 1;
        }
    }
}

fn check(ctx: &CheckCtx<'_>, body: &mut Map<String, Value>, refs: &mut Vec<RefAt>) -> Result<()> {
    let old_vips: Vec<Value> = ctx
        .old
        .and_then(|o| o.field("vip"))
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    let cloud = body
        .get("cloud_ref")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut taken: Vec<IpAddr> = Vec::new();
    let Some(vips) = body.get_mut("vip").and_then(Value::as_array_mut) else {
        return Ok(());
    };
    let id_of = |v: &Value| v.get("vip_id").and_then(Value::as_str).map(str::to_string);
    if !old_vips.is_empty() {
        let new_ids: Vec<_> = vips.iter().filter_map(id_of).collect();
        let kept = old_vips
            .iter()
            .filter_map(id_of)
            .any(|id| new_ids.contains(&id));
        if !kept && vips.len() == old_vips.len() {
            return Err(AviError::bad_request(
                "Changing an existing VIP's vip_id is not supported",
            ));
        }
    }
    for (i, vip) in vips.iter_mut().enumerate() {
        let Some(vip) = vip.as_object_mut() else {
            continue;
        };
        let id = vip
            .get("vip_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let before = old_vips
            .iter()
            .find(|v| id_of(v).as_deref() == Some(id.as_str()));
        let old_ip = before
            .and_then(|v| v.get("ip_address"))
            .and_then(ipam::addr_of);
        let old_allocated = before
            .and_then(|v| v.get("avi_allocated_vip"))
            .and_then(Value::as_bool)
            == Some(true);
        let new_ip = vip.get("ip_address").and_then(ipam::addr_of);
        if let (Some(o), Some(n), false) = (old_ip, new_ip, old_allocated)
            && o != n
        {
            return Err(AviError::bad_request(format!(
                "Vip {id}: the preferred IP {o} cannot be changed to {n}. If a new preferred IP is needed, please recreate the VIP"
            )));
        }
        let auto = vip.get("auto_allocate_ip").and_then(Value::as_bool) == Some(true);
        if !auto || new_ip.is_some() {
            continue;
        }
        if let (Some(ip), true) = (old_ip, old_allocated) {
            vip.insert("ip_address".into(), ipam::ip_json(ip));
            vip.insert("avi_allocated_vip".into(), Value::Bool(true));
            continue;
        }
        let net_ptr = format!("/vip/{i}/ipam_network_subnet/network_ref");
        let given = vip
            .get("ipam_network_subnet")
            .and_then(|s| s.get("network_ref"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let network = match &given {
            Some(r) => ctx.store.get(r.rsplit('/').next().unwrap_or_default()),
            None => cloud_ipam_network(ctx.store, cloud.as_deref()),
        };
        let Some(network) = network else {
            return Err(AviError::bad_request(format!(
                "No available free IPs: vip {id} has no ipam_network_subnet.network_ref and the cloud has no IPAM usable network"
            )));
        };
        let (ip, prefix) = ipam::allocate(ctx.store, network, &taken)?;
        taken.push(ip);
        vip.insert("ip_address".into(), ipam::ip_json(ip));
        vip.insert("avi_allocated_vip".into(), Value::Bool(true));
        let subnet = vip
            .entry("ipam_network_subnet")
            .or_insert_with(|| json!({}));
        if let Some(s) = subnet.as_object_mut() {
            if given.is_none() {
                s.insert("network_ref".into(), Value::String(network.canonical()));
                refs.push(RefAt {
                    pointer: net_ptr,
                    target: network.uuid.to_string(),
                });
            }
            s.entry("subnet").or_insert(prefix);
        }
    }
    Ok(())
}

/// The first usable network of the cloud's IPAM profile.
fn cloud_ipam_network<'a>(store: &'a Store, cloud_ref: Option<&str>) -> Option<&'a Obj> {
    let uuid_of = |r: &str| r.rsplit('/').next().unwrap_or_default().to_string();
    let cloud = store.get(&uuid_of(cloud_ref?))?;
    let profile = store.get(&uuid_of(cloud.field("ipam_provider_ref")?.as_str()?))?;
    let internal = profile.field("internal_profile")?;
    let nets = internal.get("usable_networks")?.as_array()?;
    nets.iter()
        .filter_map(|n| n.get("nw_ref")?.as_str())
        .find_map(|r| store.get(&uuid_of(r)))
}
