//! VIP address management: which addresses VsVips hold (an index the store keeps in
//! step) and allocation of the lowest free address of a network's VIP ranges, so the
//! same sequence of requests always gets the same addresses and no address is given
//! to two VIPs.

use std::collections::HashMap;
use std::net::IpAddr;

use serde_json::{Map, Value, json};

use crate::error::{AviError, Result};
use crate::schema::TypeSpec;
use crate::store::{Obj, Store};

/// Addresses in use by VsVips, with how many vips hold each.
#[derive(Debug, Default)]
pub struct UsedIps {
    held: HashMap<IpAddr, u32>,
}

impl UsedIps {
    pub fn contains(&self, ip: &IpAddr) -> bool {
        self.held.contains_key(ip)
    }
    pub(crate) fn add(&mut self, spec: &TypeSpec, body: &Map<String, Value>) {
        for ip in vip_addresses(spec, body) {
            *self.held.entry(ip).or_default() += 1;
        }
    }
    pub(crate) fn remove(&mut self, spec: &TypeSpec, body: &Map<String, Value>) {
        for ip in vip_addresses(spec, body) {
            if let Some(n) = self.held.get_mut(&ip) {
                *n -= 1;
                if *n == 0 {
                    self.held.remove(&ip);
                }
            }
        }
    }
}

fn vip_addresses(spec: &TypeSpec, body: &Map<String, Value>) -> Vec<IpAddr> {
    if spec.path != "vsvip" {
        return Vec::new();
    }
    let vips = body
        .get("vip")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    vips.flat_map(|v| ["ip_address", "ip6_address"].map(|f| v.get(f).and_then(addr_of)))
        .flatten()
        .collect()
}

/// The address in an `IpAddr` object (`{"addr": "10.0.0.1", "type": "V4"}`).
pub fn addr_of(v: &Value) -> Option<IpAddr> {
    v.get("addr")?.as_str()?.parse().ok()
}

/// A free address from `network`'s VIP ranges, with the subnet it came from
/// (`IpAddrPrefix` JSON). `taken` holds addresses handed out earlier in this request.
pub fn allocate(store: &Store, network: &Obj, taken: &[IpAddr]) -> Result<(IpAddr, Value)> {
    let network_body = network.body();
    let subnets = network_body
        .get("configured_subnets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for subnet in subnets {
        let ranges = subnet
            .get("static_ip_ranges")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for r in ranges {
            let for_vip = r
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("STATIC_IPS_FOR_VIP_AND_SE")
                != "STATIC_IPS_FOR_SE";
            let range = r.get("range");
            let (Some(begin), Some(end)) = (
                range.and_then(|x| x.get("begin")).and_then(addr_of),
                range.and_then(|x| x.get("end")).and_then(addr_of),
            ) else {
                continue;
            };
            if !for_vip {
                continue;
            }
            if let Some(ip) = first_free(begin, end, |ip| {
                store.used_ips.contains(ip) || taken.contains(ip)
            }) {
                return Ok((ip, subnet.get("prefix").cloned().unwrap_or(Value::Null)));
            }
        }
    }
    Err(AviError::no_free_ip(&network.name))
}

fn first_free(begin: IpAddr, end: IpAddr, used: impl Fn(&IpAddr) -> bool) -> Option<IpAddr> {
    match (begin, end) {
        (IpAddr::V4(b), IpAddr::V4(e)) => (u32::from(b)..=u32::from(e))
            .map(|n| IpAddr::V4(n.into()))
            .find(|ip| !used(ip)),
        (IpAddr::V6(b), IpAddr::V6(e)) => (u128::from(b)..=u128::from(e))
            .map(|n| IpAddr::V6(n.into()))
            .find(|ip| !used(ip)),
        _ => None,
    }
}

/// `IpAddr` JSON for an address.
pub fn ip_json(ip: IpAddr) -> Value {
    let ty = if ip.is_ipv4() { "V4" } else { "V6" };
    json!({"addr": ip.to_string(), "type": ty})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_free_skips_used_and_ends() {
        let b: IpAddr = "10.0.0.1".parse().unwrap();
        let e: IpAddr = "10.0.0.3".parse().unwrap();
        let used = ["10.0.0.1".parse::<IpAddr>().unwrap()];
        assert_eq!(
            first_free(b, e, |ip| used.contains(ip)),
            Some("10.0.0.2".parse().unwrap())
        );
        assert_eq!(first_free(b, e, |_| true), None);
    }
}
