//! Collections: list shape and filters, paging with `next`, trailing slashes,
//! GET/POST/PUT/PATCH/DELETE on every type issue 3 lists, Slug, `_last_modified`.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A minimal valid body per type (issue 3's list).
fn minimal(ty: &str, name: &str) -> Value {
    match ty {
        "virtualservice" => json!({"name": name, "services": [{"port": 80}]}),
        "vsvip" => {
            json!({"name": name, "vip": [{"vip_id": "0", "ip_address": {"addr": "192.168.1.1", "type": "V4"}}]})
        }
        "sslkeyandcertificate" => {
            json!({"name": name, "certificate": {"certificate": "PEM"}, "key": "SECRET"})
        }
        "healthmonitor" => json!({"name": name, "type": "HEALTH_MONITOR_TCP"}),
        "applicationprofile" => json!({"name": name, "type": "APPLICATION_PROFILE_TYPE_HTTP"}),
        "networkprofile" => json!({"name": name, "profile": {"type": "PROTOCOL_TYPE_TCP_PROXY"}}),
        "stringgroup" => json!({"name": name, "type": "SG_TYPE_STRING", "kv": [{"key": "a"}]}),
        "ipamdnsproviderprofile" => json!({"name": name, "type": "IPAMDNS_TYPE_INTERNAL"}),
        "cloud" => json!({"name": name, "vtype": "CLOUD_NONE"}),
        _ => json!({"name": name}),
    }
}

const TYPES: &[&str] = &[
    "virtualservice",
    "vsvip",
    "pool",
    "poolgroup",
    "httppolicyset",
    "vsdatascriptset",
    "sslkeyandcertificate",
    "l4policyset",
    "serviceenginegroup",
    "cloud",
    "vrfcontext",
    "network",
    "ipamdnsproviderprofile",
    "tenant",
    "healthmonitor",
    "applicationprofile",
    "networkprofile",
    "sslprofile",
    "stringgroup",
    "wafpolicy",
];

#[tokio::test]
async fn every_type_supports_every_verb() {
    let h = sim().await;
    let api = login(&h).await;
    for ty in TYPES {
        let created = api.create(ty, minimal(ty, &format!("t-{ty}"))).await;
        let id = uuid(&created);
        assert!(id.starts_with(&format!("{ty}-")), "{id}");
        assert_ends_with(&created["url"], &format!("/api/{ty}/{id}#t-{ty}"));
        assert!(
            created["_last_modified"]
                .as_str()
                .unwrap()
                .parse::<u64>()
                .is_ok()
        );
        let (s, got) = api.get(&format!("/api/{ty}/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{ty}");
        assert_eq!(got["name"], format!("t-{ty}"));
        // Every type has a name (several have no description): rename by PUT and PATCH.
        let (s, put) = api
            .put(
                &format!("/api/{ty}/{id}"),
                minimal(ty, &format!("put-{ty}")),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{ty} PUT: {put}");
        assert_eq!(put["name"], format!("put-{ty}"));
        let rename = json!({"replace": {"name": format!("patched-{ty}")}});
        let (s, patched) = api.patch(&format!("/api/{ty}/{id}/"), rename).await;
        assert_eq!(s, StatusCode::OK, "{ty} PATCH: {patched}");
        assert_eq!(patched["name"], format!("patched-{ty}"));
        assert_eq!(uuid(&patched), id);
        assert_ne!(patched["_last_modified"], put["_last_modified"]);
        let (s, _) = api.delete(&format!("/api/{ty}/{id}")).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{ty} DELETE");
        let (s, _) = api.get(&format!("/api/{ty}/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{ty} gone");
        let (s, _) = api.delete(&format!("/api/{ty}/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{ty} delete twice");
    }
}

#[tokio::test]
async fn paging_with_next_and_count() {
    let h = sim().await;
    let api = login(&h).await;
    for i in 0..30 {
        api.create("pool", json!({"name": format!("p{i:02}"), "created_by": if i % 3 == 0 { "ako-a" } else { "other" }})).await;
    }
    let (s, v) = api.get("/api/pool").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["count"], 30);
    assert_eq!(v["results"].as_array().unwrap().len(), 25);
    let next = v["next"].as_str().unwrap();
    assert!(
        next.contains("/api/pool?") && next.contains("page=2"),
        "{next}"
    );
    // AKO follows `next` by taking what follows /api/pool.
    let rest = next.split("/api/pool").nth(1).unwrap();
    let (_, v2) = api.get(&format!("/api/pool{rest}")).await;
    assert_eq!(v2["results"].as_array().unwrap().len(), 5);
    assert!(v2.get("next").is_none());
    assert!(v2["previous"].as_str().unwrap().contains("page=1"));
    // A collection path with a trailing slash and an empty first parameter.
    let (_, v) = api
        .get("/api/pool/?&page_size=7&page=2&created_by=ako-a")
        .await;
    assert_eq!(v["count"], 10);
    assert_eq!(result_names(&v), ["p21", "p24", "p27"]);
    let (s, _) = api.get("/api/pool?page_size=1000").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn name_filters_fields_and_include_name() {
    let h = sim().await;
    let api = login(&h).await;
    for n in ["alpha-web", "beta-web", "gamma"] {
        api.create("pool", pool(n)).await;
    }
    assert_eq!(api.count("/api/pool?name.contains=web").await, 2);
    let (_, v) = api.get("/api/pool?name=gamma&fields=servers").await;
    let obj = v["results"][0].as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["name", "servers", "url", "uuid"]);
    assert!(!obj["url"].as_str().unwrap().contains('#'));
    let (_, v) = api.get("/api/pool?name=gamma&include_name").await;
    let r = &v["results"][0];
    assert_ends_with(&r["url"], "#gamma");
    assert_ends_with(&r["cloud_ref"], "#Default-Cloud");
    let (_, v) = api.get("/api/pool?name=gamma&include_name=true").await;
    assert_ends_with(&v["results"][0]["tenant_ref"], "/api/tenant/admin#admin");
    let (_, v) = api
        .get("/api/pool?name.in=gamma,alpha-web&sort=-name")
        .await;
    assert_eq!(result_names(&v), ["gamma", "alpha-web"]);
    let vrfs_of_the_cloud = "/api/vrfcontext?cloud_ref.name=Default-Cloud";
    assert_eq!(api.count(vrfs_of_the_cloud).await, 2);
}

#[tokio::test]
async fn refers_to_and_referred_by() {
    let h = sim().await;
    let api = login(&h).await;
    let p1 = api.create("pool", pool("p1")).await;
    let p2 = api.create("pool", pool("p2")).await;
    let pg = api
        .create("poolgroup", json!({"name": "pg", "members": [{"pool_ref": "/api/pool?name=p1"}, {"pool_ref": p2["url"]}]}))
        .await;
    let (_, v) = api
        .get(&format!("/api/poolgroup?refers_to=pool:{}", uuid(&p1)))
        .await;
    assert_eq!(result_names(&v), ["pg"]);
    let (p1, pg) = (uuid(&p1), uuid(&pg));
    for (query, n) in [
        (format!("pool?referred_by=poolgroup:{pg}"), 2),
        (format!("virtualservice?refers_to=pool:{p1}"), 0),
    ] {
        assert_eq!(api.count(&format!("/api/{query}")).await, n, "{query}");
    }
}

#[tokio::test]
async fn slug_sets_the_uuid() {
    let h = sim().await;
    let api = login(&h).await;
    let resp = api
        .request(reqwest::Method::POST, "/api/pool")
        .header("Slug", "pool-force-42")
        .json(&pool("forced"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(
        resp.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("/api/pool/pool-force-42#forced")
    );
    let (s, v) = api.get("/api/pool/pool-force-42").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["name"], "forced");
}

#[tokio::test]
async fn stale_last_modified_is_412() {
    let h = sim().await;
    let api = login(&h).await;
    let p = api.create("pool", pool("p")).await;
    let path = format!("/api/pool/{}", uuid(&p));
    let mut first = p.clone();
    first["description"] = json!("one");
    let (s, updated) = api.put(&path, first.clone()).await;
    assert_eq!(s, StatusCode::OK, "{updated}");
    // A second writer still holding the original `_last_modified`.
    first["description"] = json!("two");
    let (s, v) = api.put(&path, first).await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    assert!(err(&v).contains("Need to reload object data Pool"), "{v}");
    let mut fresh = updated.clone();
    fresh["description"] = json!("three");
    let (s, _) = api.put(&path, fresh).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn put_is_a_full_replacement_with_defaults() {
    let h = sim().await;
    let api = login(&h).await;
    let p = api
        .create(
            "pool",
            json!({"name": "p", "default_server_port": 8443, "description": "d"}),
        )
        .await;
    let (_, v) = api
        .put(&format!("/api/pool/{}", uuid(&p)), json!({"name": "p"}))
        .await;
    assert_eq!(v["default_server_port"], 80);
    assert!(v.get("description").is_none());
    assert_eq!(v["lb_algorithm"], "LB_ALGORITHM_LEAST_CONNECTIONS");
}

#[tokio::test]
async fn patch_add_and_delete_static_routes() {
    let h = sim().await;
    let api = login(&h).await;
    let vrf = api.by_name("vrfcontext", "global").await;
    let path = format!("/api/vrfcontext/{}", uuid(&vrf));
    let routes = [
        static_route("c1-1", "1.1.1.1"),
        static_route("c1-2", "1.1.1.2"),
    ];
    let (s, v) = api
        .patch(&path, json!({"add": {"static_routes": routes}}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["static_routes"].as_array().unwrap().len(), 2);
    let (_, v) = api
        .patch(
            &path,
            json!({"delete": {"static_routes": [{"route_id": "c1-1"}]}}),
        )
        .await;
    let ids: Vec<&str> = v["static_routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["route_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c1-2"]);
    let (s, _) = api.patch(&path, json!({"upsert": {}})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn search_and_skip_default() {
    let h = sim().await;
    let api = login(&h).await;
    api.create("pool", json!({"name": "a", "description": "Front end"}))
        .await;
    api.create(
        "pool",
        json!({"name": "b", "description": "back end", "default_server_port": 8080}),
    )
    .await;
    for (query, n) in [
        ("search=(description,end)", 2),
        ("search=(description,front)", 0),
        ("isearch=(description,front)", 1),
    ] {
        assert_eq!(api.count(&format!("/api/pool?{query}")).await, n, "{query}");
    }
    let (_, v) = api.get("/api/pool?skip_default=true&sort=name").await;
    let (a, b) = (&v["results"][0], &v["results"][1]);
    assert!(
        a.get("default_server_port").is_none(),
        "80 is the default: {a}"
    );
    assert_eq!(b["default_server_port"], 8080);
    assert!(a.get("lb_algorithm").is_none());
    let (_, v) = api.get("/api/pool?name=a").await;
    assert_eq!(v["results"][0]["default_server_port"], 80);
}
