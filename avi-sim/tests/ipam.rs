//! VIP allocation: from the cloud's IPAM network or the vip's own network, lowest free
//! first, never the same address twice, kept across updates, "No available free IPs"
//! on exhaustion, static VIPs immutable, vip_id immutable.

mod common;

use avi_sim::{Config, VipNetwork};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const BAD: StatusCode = StatusCode::BAD_REQUEST;

fn auto(name: &str) -> Value {
    json!({"name": name, "vip": [{"auto_allocate_ip": true}]})
}

fn addr(v: &Value) -> String {
    v["vip"][0]["ip_address"]["addr"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn small() -> Config {
    let vip_network = VipNetwork {
        name: "tiny".into(),
        cidr: "10.9.0.0/29".into(),
        first: "10.9.0.2".into(),
        last: "10.9.0.4".into(),
    };
    Config {
        vip_network,
        ..Config::default()
    }
}

#[tokio::test]
async fn allocation_is_deterministic_and_unique() {
    let h = sim().await;
    let api = login(&h).await;
    let a = api.create("vsvip", auto("a")).await;
    let b = api.create("vsvip", auto("b")).await;
    assert_eq!(addr(&a), "10.10.10.10");
    assert_eq!(addr(&b), "10.10.10.11");
    assert_eq!(a["vip"][0]["vip_id"], "0");
    assert_eq!(a["vip"][0]["avi_allocated_vip"], true);
    let subnet = &a["vip"][0]["ipam_network_subnet"];
    assert_ends_with(&subnet["network_ref"], "#vip-network");
    // Same requests on a fresh simulator give the same addresses.
    let h2 = sim().await;
    let api2 = login(&h2).await;
    assert_eq!(addr(&api2.create("vsvip", auto("a")).await), "10.10.10.10");
}

#[tokio::test]
async fn updates_keep_the_allocated_address() {
    let h = sim().await;
    let api = login(&h).await;
    let a = api.create("vsvip", auto("a")).await;
    let path = format!("/api/vsvip/{}", uuid(&a));
    // AKO PUTs the vsvip it computed, without an address.
    let (s, v) = api.put(&path, json!({"name": "a", "vip": [{"vip_id": "0", "auto_allocate_ip": true}], "dns_info": [{"fqdn": "x.example.com"}]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(addr(&v), addr(&a));
    let (_, v) = api
        .patch(
            &path,
            json!({"add": {"dns_info": [{"fqdn": "y.example.com"}]}}),
        )
        .await;
    assert_eq!(addr(&v), addr(&a));
    let b = api.create("vsvip", auto("b")).await;
    assert_ne!(addr(&b), addr(&a));
}

#[tokio::test]
async fn exhaustion_is_no_available_free_ips_and_freed_addresses_come_back() {
    let h = sim_with(small()).await;
    let api = login(&h).await;
    let mut got = Vec::new();
    for i in 0..3 {
        got.push(addr(&api.create("vsvip", auto(&format!("v{i}"))).await));
    }
    assert_eq!(got, ["10.9.0.2", "10.9.0.3", "10.9.0.4"]);
    let e = refused(api.post("/api/vsvip", auto("v3")).await, BAD);
    assert!(e.contains("No available free IPs"), "{e}");
    let v1 = api.by_name("vsvip", "v1").await;
    api.delete(&format!("/api/vsvip/{}", uuid(&v1))).await;
    assert_eq!(addr(&api.create("vsvip", auto("v4")).await), "10.9.0.3");
}

#[tokio::test]
async fn two_vips_in_one_vsvip_get_two_addresses() {
    let h = sim().await;
    let api = login(&h).await;
    let v = api
        .create(
            "vsvip",
            json!({"name": "two", "vip": [{"auto_allocate_ip": true}, {"auto_allocate_ip": true}]}),
        )
        .await;
    assert_eq!(v["vip"][0]["vip_id"], "0");
    assert_eq!(v["vip"][1]["vip_id"], "1");
    assert_ne!(v["vip"][0]["ip_address"], v["vip"][1]["ip_address"]);
}

#[tokio::test]
async fn explicit_network_and_static_addresses() {
    let h = sim().await;
    let api = login(&h).await;
    let net = api
        .create("network", json!({"name": "other", "configured_subnets": [{
            "prefix": {"ip_addr": {"addr": "172.16.0.0", "type": "V4"}, "mask": 24},
            "static_ip_ranges": [{"range": {"begin": {"addr": "172.16.0.50", "type": "V4"}, "end": {"addr": "172.16.0.60", "type": "V4"}}, "type": "STATIC_IPS_FOR_VIP"}]}]}))
        .await;
    let v = api
        .create("vsvip", json!({"name": "n", "vip": [{"auto_allocate_ip": true, "ipam_network_subnet": {"network_ref": "/api/network?name=other"}}]}))
        .await;
    assert_eq!(addr(&v), "172.16.0.50");
    // The network is now referenced.
    let (s, _) = api.delete(&format!("/api/network/{}", uuid(&net))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let fixed = |vip_id: &str, ip: &str| json!({"name": "static", "vip": [{"vip_id": vip_id, "ip_address": {"addr": ip, "type": "V4"}}]});
    let st = api.create("vsvip", fixed("0", "192.0.2.7")).await;
    let path = format!("/api/vsvip/{}", uuid(&st));
    let e = refused(api.put(&path, fixed("0", "192.0.2.8")).await, BAD);
    assert!(
        e.contains("If a new preferred IP is needed, please recreate the VIP"),
        "{e}"
    );
    assert_eq!(
        refused(api.put(&path, fixed("5", "192.0.2.7")).await, BAD),
        "Changing an existing VIP's vip_id is not supported"
    );
}
