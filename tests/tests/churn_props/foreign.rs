//! The look-alike clusters every case starts with: a pool of `c1-b` (whose name shares
//! `c1`'s prefix), a pool of `c1x` named `c1--foreign-pool`, and a `c1-b` static route
//! in the `global` VRF — seeded through the API before `ako-0` starts, and checked
//! byte-identical after every convergence (invariant 2, B4).

use std::collections::BTreeMap;

use ako::avi::{AviClient, PatchOp};
use ako::model::DEFAULT_VRF;
use serde_json::{Value, json};

use super::harness::World;

/// Objects of other clusters seeded at the start of every case (also written into
/// regression scenarios as `avi_apply` steps).
pub fn foreign_seed() -> Vec<(&'static str, &'static str, Value)> {
    let marker = |c: &str| json!([{"key": "clustername", "values": [c]}]);
    vec![
        (
            "pool",
            "c1-b--team-a-svc1-TCP-80",
            json!({"created_by": "ako-c1-b", "markers": marker("c1-b")}),
        ),
        (
            "pool",
            "c1--foreign-pool",
            json!({"created_by": "ako-c1x", "markers": marker("c1x")}),
        ),
    ]
}

/// A static route of cluster `c1-b` in the `global` VRF.
pub fn foreign_route() -> Value {
    json!({"route_id": "c1-b-worker-1-0",
        "prefix": {"ip_addr": {"addr": "10.96.1.0", "type": "V4"}, "mask": 24},
        "next_hop": {"addr": "192.168.9.1", "type": "V4"},
        "labels": [{"key": "clustername", "value": "c1-b"}]})
}

/// Creates the foreign objects and route; the objects' bodies by uuid, as stored.
pub async fn seed(client: &AviClient, world: &World) -> Result<BTreeMap<String, Value>, String> {
    let msg = |e: ako::avi::AviError| e.to_string();
    for (ty, name, fields) in foreign_seed() {
        let mut body = fields;
        body["name"] = Value::from(name);
        let _: Value = client.create(ty, &body).await.map_err(msg)?;
    }
    let vrf: Value = client
        .get_by_name("vrfcontext", DEFAULT_VRF)
        .await
        .map_err(msg)?
        .ok_or("no global VRF")?;
    let uuid = vrf["uuid"].as_str().unwrap_or_default().to_owned();
    let _: Value = client
        .patch(
            "vrfcontext",
            &uuid,
            PatchOp::Add,
            &json!({"static_routes": [foreign_route()]}),
        )
        .await
        .map_err(msg)?;
    Ok(world
        .avi
        .store()
        .iter()
        .filter(|o| foreign_seed().iter().any(|(_, n, _)| *n == &*o.name))
        .map(|o| (o.uuid.to_string(), Value::Object(o.body())))
        .collect())
}

/// Invariant 2 for other clusters: the seeded objects and route are byte-identical.
pub fn untouched(world: &World, seeded: &BTreeMap<String, Value>) -> Result<(), String> {
    let store = world.avi.store();
    for (uuid, body) in seeded {
        match store.iter().find(|o| &*o.uuid == uuid) {
            Some(o) if &Value::Object(o.body()) == body => {}
            Some(o) => {
                return Err(format!(
                    "invariant 2: foreign {}/{} changed: {} -> {}",
                    o.type_path(),
                    o.name,
                    body,
                    Value::Object(o.body())
                ));
            }
            None => return Err(format!("invariant 2: foreign object {body} is gone")),
        }
    }
    let route = foreign_route();
    let vrf = store
        .of_type("vrfcontext")
        .find(|o| &*o.name == DEFAULT_VRF)
        .map(|o| Value::Object(o.body()))
        .unwrap_or_default();
    let routes = vrf["static_routes"].as_array().cloned().unwrap_or_default();
    if !routes.contains(&route) {
        return Err(format!(
            "invariant 2: c1-b's static route changed or gone; routes now {routes:?}"
        ));
    }
    Ok(())
}
