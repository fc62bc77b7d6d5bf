//! The /sim/* control API: reset, dump, request log (counts per verb × type and per
//! client), faults, upgrade, rate limit, UI; state files.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn sim_get(h: &avi_sim::Handle, path: &str) -> Value {
    let r = http_client()
        .get(format!("{}/sim/{path}", h.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

async fn sim_send(
    h: &avi_sim::Handle,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> StatusCode {
    http_client()
        .request(method, format!("{}/sim/{path}", h.url()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn reset_restores_a_fresh_controller() {
    let h = sim().await;
    let api = login(&h).await;
    let seeded = h.store().len();
    api.create("pool", pool("p")).await;
    assert_eq!(h.store().len(), seeded + 1);
    assert_eq!(
        sim_send(&h, reqwest::Method::POST, "reset", json!({})).await,
        StatusCode::OK
    );
    assert_eq!(h.store().len(), seeded);
    // The session survives a reset.
    let (_, v) = api.get("/api/pool").await;
    assert_eq!(v["count"], 0);
    api.by_name("cloud", "Default-Cloud").await;
}

#[tokio::test]
async fn dump_has_every_object() {
    let h = sim().await;
    let api = login(&h).await;
    api.create("pool", pool("dumped")).await;
    let d = sim_get(&h, "dump").await;
    let objs = d["objects"].as_array().unwrap();
    assert_eq!(objs.len(), h.store().len());
    assert!(
        objs.iter()
            .any(|o| o["type"] == "pool" && o["body"]["name"] == "dumped")
    );
    assert!(
        objs.iter()
            .any(|o| o["type"] == "tenant" && o["uuid"] == "admin")
    );
}

#[tokio::test]
async fn request_log_counts_per_verb_type_and_client() {
    let h = sim().await;
    let other = login(&h).await.client_id("other");
    h.request_log().clear();
    let ako = login(&h).await.client_id("ako");
    // A session call is logged but is not a configuration write.
    let relogin = http_client()
        .post(format!("{}/login", h.url()))
        .header("X-Sim-Client", "ako")
        .form(&[("username", "admin"), ("password", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(relogin.status(), StatusCode::OK);
    ako.get("/api/pool").await;
    ako.get("/api/pool/").await;
    other.create("pool", pool("p")).await;
    let log = sim_get(&h, "log").await;
    assert_eq!(log["counts"]["GET pool"], 2);
    assert_eq!(log["counts"]["POST pool"], 1);
    assert_eq!(log["clients"]["ako"]["GET pool"], 2);
    assert_eq!(log["clients"]["ako"]["POST login"], 1);
    assert_eq!(h.request_log().writes(Some("ako")), 0, "zero writes by ako");
    assert_eq!(h.request_log().writes(Some("other")), 1);
    let entries = h.request_log().entries();
    let post = entries
        .iter()
        .find(|e| e.method == "POST" && e.object_type == "pool")
        .unwrap();
    assert_eq!(
        post.object_name.as_deref(),
        Some("p"),
        "writes name their object"
    );
    assert!(post.object_uuid.as_deref().unwrap().starts_with("pool-"));
    assert!(
        entries
            .iter()
            .filter(|e| e.method == "GET")
            .all(|e| e.object_name.is_none())
    );
    let mine = sim_get(&h, "log?client=ako").await;
    assert_eq!(mine["writes"], 0);
    assert_eq!(mine["entries"].as_array().unwrap().len(), 3);
    assert_eq!(
        sim_send(&h, reqwest::Method::DELETE, "log", json!({})).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(h.request_log().summary().total, 0);
}

#[tokio::test]
async fn faults_upgrade_and_rate_limit_over_http() {
    let h = sim().await;
    let api = login(&h).await;
    let fault =
        json!({"kind": "error", "status": 500, "verb": "GET", "object_type": "pool", "count": 1});
    assert_eq!(
        sim_send(&h, reqwest::Method::POST, "faults", fault).await,
        StatusCode::CREATED
    );
    assert_eq!(sim_get(&h, "faults").await.as_array().unwrap().len(), 1);
    assert_eq!(
        api.get("/api/pool").await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(api.get("/api/pool").await.0, StatusCode::OK);
    let bad = sim_send(
        &h,
        reqwest::Method::POST,
        "faults",
        json!({"kind": "explode"}),
    )
    .await;
    assert_eq!(bad, StatusCode::BAD_REQUEST);
    sim_send(
        &h,
        reqwest::Method::POST,
        "faults",
        json!({"kind": "latency", "ms": 1}),
    )
    .await;
    assert_eq!(
        sim_send(&h, reqwest::Method::DELETE, "faults", json!({})).await,
        StatusCode::NO_CONTENT
    );
    assert!(h.faults().list().is_empty());

    assert_eq!(
        sim_send(
            &h,
            reqwest::Method::PUT,
            "upgrade",
            json!({"in_progress": true})
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        api.post("/api/pool", pool("p")).await.0,
        StatusCode::FORBIDDEN
    );
    sim_send(
        &h,
        reqwest::Method::PUT,
        "upgrade",
        json!({"in_progress": false}),
    )
    .await;

    sim_send(
        &h,
        reqwest::Method::PUT,
        "rate-limit",
        json!({"per_second": 0.01, "burst": 1}),
    )
    .await;
    assert_eq!(sim_get(&h, "rate-limit").await["burst"], 1.0);
    assert_eq!(api.get("/api/pool").await.0, StatusCode::OK);
    assert_eq!(api.get("/api/pool").await.0, StatusCode::TOO_MANY_REQUESTS);
    sim_send(&h, reqwest::Method::PUT, "rate-limit", Value::Null).await;
    assert_eq!(api.get("/api/pool").await.0, StatusCode::OK);
}

#[tokio::test]
async fn ui_lists_objects_with_ref_links() {
    let h = sim().await;
    let api = login(&h).await;
    api.create("poolgroup", json!({"name": "pg<x>", "members": []}))
        .await;
    let ui = |page: &str| {
        let url = format!("{}/sim/{page}", h.url());
        async move {
            http_client()
                .get(url)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert!(ui("ui").await.contains("href=\"/sim/ui/poolgroup\""));
    assert!(ui("ui/pool").await.contains("<table>"));
    let networks = ui("ui/network").await;
    assert!(
        networks.contains("href=\"/sim/ui/vrfcontext#"),
        "refs are links: {networks}"
    );
    assert!(
        ui("ui/poolgroup").await.contains("pg&lt;x&gt;"),
        "names are escaped"
    );
}

#[tokio::test]
async fn state_file_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let first = sim().await;
    let api = login(&first).await;
    api.create("pool", pool("kept")).await;
    let vip = api
        .create(
            "vsvip",
            json!({"name": "v", "vip": [{"auto_allocate_ip": true}]}),
        )
        .await;
    first.save_state(&file).unwrap();
    drop(first);
    let second = sim_with(avi_sim::Config {
        state_file: Some(file),
        ..avi_sim::Config::default()
    })
    .await;
    let api = login(&second).await;
    let kept = api.by_name("pool", "kept").await;
    assert!(kept["cloud_ref"].is_string());
    let v = api.by_name("vsvip", "v").await;
    assert_eq!(v["vip"][0]["ip_address"], vip["vip"][0]["ip_address"]);
    // The restored IPAM index still knows the address is taken.
    let next = api
        .create(
            "vsvip",
            json!({"name": "w", "vip": [{"auto_allocate_ip": true}]}),
        )
        .await;
    assert_ne!(next["vip"][0]["ip_address"], vip["vip"][0]["ip_address"]);
    // And the refs index still protects referenced objects.
    let cloud = api.by_name("cloud", "Default-Cloud").await;
    assert_eq!(
        api.delete(&format!("/api/cloud/{}", uuid(&cloud))).await.0,
        StatusCode::FORBIDDEN
    );
}
