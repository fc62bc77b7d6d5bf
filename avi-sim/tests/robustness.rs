//! Bad requests never crash the simulator or corrupt the store: malformed JSON, wrong
//! shapes, huge bodies, odd paths, and concurrent writes to one object.

mod common;

use avi_sim::Config;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn malformed_bodies_are_avi_style_400s() {
    let h = sim().await;
    let api = login(&h).await;
    let before = h.store().len();
    for body in [
        "{",
        "[]",
        "42",
        "\"x\"",
        "null",
        "",
        "{\"name\": }",
        "\u{0}\u{1}",
    ] {
        let r = api
            .request(Method::POST, "/api/pool")
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body:?}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v["error"].is_string(), "{v}");
    }
    for body in [
        json!({"name": 7}),
        json!({"name": "x", "servers": {"ip": 1}}),
        json!({"name": "x", "servers": [7]}),
        json!({"name": "x", "enabled": "yes"}),
    ] {
        let (s, v) = api.post("/api/pool", body.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body} → {v}");
    }
    let p = api.create("pool", pool("p")).await;
    for patch in [
        json!([]),
        json!({"add": 5}),
        json!({"replace": {"servers": "nope"}}),
        json!({}),
    ] {
        let (s, _) = api
            .patch(&format!("/api/pool/{}", uuid(&p)), patch.clone())
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{patch}");
    }
    assert_eq!(
        h.store().len(),
        before + 1,
        "only the valid pool was stored"
    );
    assert_eq!(
        api.by_name("pool", "p").await["servers"],
        p["servers"],
        "failed PATCHes changed nothing"
    );
}

#[tokio::test]
async fn huge_bodies_are_refused() {
    let h = sim_with(Config {
        body_limit: 4096,
        ..Config::default()
    })
    .await;
    let api = login(&h).await;
    let big = json!({"name": "big", "description": "x".repeat(10_000)});
    let (s, v) = api.post("/api/pool", big).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(err(&v).contains("exceeds the limit"), "{v}");
    assert_eq!(api.get("/api/pool").await.0, StatusCode::OK);
}

#[tokio::test]
async fn odd_paths_and_methods() {
    let h = sim().await;
    let api = login(&h).await;
    for (m, p, want) in [
        (Method::GET, "/api/nosuchtype", StatusCode::NOT_FOUND),
        (Method::GET, "/api/pool/a/b/c", StatusCode::NOT_FOUND),
        (Method::DELETE, "/api/pool", StatusCode::METHOD_NOT_ALLOWED),
        (
            Method::POST,
            "/api/pool/pool-1",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (Method::GET, "/nowhere", StatusCode::NOT_FOUND),
        (Method::GET, "/api/pool?page=abc", StatusCode::BAD_REQUEST),
        (Method::GET, "/api/pool?page=99", StatusCode::OK),
        (Method::GET, "/api/pool?refers_to=garbage", StatusCode::OK),
        (
            Method::GET,
            "/api/pool?referred_by=pool:none",
            StatusCode::OK,
        ),
    ] {
        let (s, v) = api.send(m.clone(), p, None).await;
        assert_eq!(s, want, "{m} {p}: {v}");
    }
}

#[tokio::test]
async fn concurrent_writes_to_one_object_all_land() {
    let h = sim().await;
    let api = std::sync::Arc::new(login(&h).await);
    let v = api
        .create(
            "vsvip",
            json!({"name": "shared", "vip": [{"auto_allocate_ip": true}]}),
        )
        .await;
    let path = format!("/api/vsvip/{}", uuid(&v));
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let api = api.clone();
            let path = path.clone();
            tokio::spawn(async move {
                api.patch(
                    &path,
                    json!({"add": {"dns_info": [{"fqdn": format!("h{i}.example.com")}]}}),
                )
                .await
                .0
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    let got = api.by_name("vsvip", "shared").await;
    assert_eq!(got["dns_info"].as_array().unwrap().len(), 20);
    assert_eq!(got["vip"][0]["ip_address"], v["vip"][0]["ip_address"]);
}

#[tokio::test]
async fn concurrent_creates_of_one_name_make_one_object() {
    let h = sim().await;
    let api = std::sync::Arc::new(login(&h).await);
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move { api.post("/api/pool", pool("race")).await.0 })
        })
        .collect();
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::CREATED => created += 1,
            s => assert_eq!(s, StatusCode::CONFLICT),
        }
    }
    assert_eq!(created, 1);
}
