//! What a PUT must carry over from the observed object because the controller, not
//! ako, decided it: an auto-allocated VIP address. Without it an update of a VsVip
//! (say, a new FQDN on a shared VS) would ask for a fresh address and move the VIP.

use serde_json::Value;

use crate::model::AviKind;

/// Fields of a `vip[]` entry the controller fills in when it allocates the address.
const ALLOCATED_VIP_FIELDS: &[&str] = &[
    "ip_address",
    "ip6_address",
    "floating_ip",
    "floating_ip6",
    "avi_allocated_vip",
    "avi_allocated_fip",
];

/// The body to PUT: `desired`, plus allocation results from `observed` that the
/// desired body leaves to the controller.
pub fn put_body(kind: AviKind, desired: &Value, observed: &Value) -> Value {
    let mut body = desired.clone();
    if kind == AviKind::VsVip {
        keep_allocated_vips(&mut body, observed);
    }
    body
}

fn keep_allocated_vips(body: &mut Value, observed: &Value) {
    let Some(have) = observed.get("vip").and_then(Value::as_array) else {
        return;
    };
    let Some(want) = body.get_mut("vip").and_then(Value::as_array_mut) else {
        return;
    };
    for vip in want.iter_mut() {
        let auto = vip.get("auto_allocate_ip").and_then(Value::as_bool) == Some(true);
        let Some(id) = vip.get("vip_id").cloned() else {
            continue;
        };
        let Some(old) = have.iter().find(|v| v.get("vip_id") == Some(&id)) else {
            continue;
        };
        let Some(vip) = vip.as_object_mut() else {
            continue;
        };
        for field in ALLOCATED_VIP_FIELDS {
            if auto
                && !vip.contains_key(*field)
                && let Some(value) = old.get(*field)
            {
                vip.insert((*field).to_string(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn allocated_address_survives_an_update() {
        let desired = json!({"dns_info": [{"fqdn": "a"}, {"fqdn": "b"}],
            "vip": [{"vip_id": "0", "auto_allocate_ip": true}]});
        let observed = json!({"dns_info": [{"fqdn": "a"}],
            "vip": [{"vip_id": "0", "auto_allocate_ip": true, "ip_address": {"addr": "10.1.1.5", "type": "V4"}, "avi_allocated_vip": true}]});
        let body = put_body(AviKind::VsVip, &desired, &observed);
        assert_eq!(body["vip"][0]["ip_address"]["addr"], "10.1.1.5");
        assert_eq!(body["dns_info"], desired["dns_info"]);
    }

    #[test]
    fn static_address_and_other_types_untouched() {
        let desired = json!({"vip": [{"vip_id": "0", "auto_allocate_ip": false, "ip_address": {"addr": "10.9.9.9"}}]});
        let observed = json!({"vip": [{"vip_id": "0", "ip_address": {"addr": "10.1.1.5"}}]});
        assert_eq!(put_body(AviKind::VsVip, &desired, &observed), desired);
        let pool = json!({"vip": [{"vip_id": "0", "auto_allocate_ip": true}]});
        assert_eq!(put_body(AviKind::Pool, &pool, &observed), pool);
    }
}
