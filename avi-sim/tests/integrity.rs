//! Refs and integrity: accepted ref forms, unknown refs, duplicate names (409),
//! referred-by delete protection (403) at every nesting level, system defaults.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;

const BAD: StatusCode = StatusCode::BAD_REQUEST;

#[tokio::test]
async fn refs_by_url_relative_and_name_resolve_to_urls() {
    let h = sim().await;
    let api = login(&h).await;
    let p = api.create("pool", pool("p")).await;
    let url_with_name = p["url"].as_str().unwrap().to_string();
    let plain = url_with_name.split('#').next().unwrap().to_string();
    let relative = format!("/api/pool/{}", uuid(&p));
    for (i, r) in [
        url_with_name,
        plain.clone(),
        relative,
        "/api/pool?name=p".into(),
        "/api/pool/?name=p".into(),
    ]
    .into_iter()
    .enumerate()
    {
        let pg = api
            .create(
                "poolgroup",
                json!({"name": format!("pg{i}"), "members": [{"pool_ref": r}]}),
            )
            .await;
        assert_eq!(
            pg["members"][0]["pool_ref"],
            format!("{plain}#p"),
            "write answers carry #name"
        );
        let (_, got) = api.get(&format!("/api/poolgroup/{}", uuid(&pg))).await;
        assert_eq!(
            got["members"][0]["pool_ref"], plain,
            "reads don't unless include_name"
        );
    }
}

#[tokio::test]
async fn unknown_refs_are_400_with_the_type_not_found_text() {
    let h = sim().await;
    let api = login(&h).await;
    for (ty, body, text) in [
        (
            "poolgroup",
            json!({"name": "pg", "members": [{"pool_ref": "/api/pool?name=ghost"}]}),
            "Pool object not found!",
        ),
        (
            "poolgroup",
            json!({"name": "pg", "members": [{"pool_ref": "/api/pool/pool-nope"}]}),
            "Pool object not found!",
        ),
        (
            "vsvip",
            json!({"name": "v", "vrf_context_ref": "/api/vrfcontext?name=ghost"}),
            "VrfContext object not found",
        ),
        (
            "pool",
            json!({"name": "p", "health_monitor_refs": ["/api/pool?name=x"]}),
            "HealthMonitor object not found!",
        ),
        (
            "vsvip",
            json!({"name": "v", "vip": [{"vip_id": "0", "auto_allocate_ip": true,
            "ipam_network_subnet": {"network_ref": "/api/network?name=ghost"}}]}),
            "Network object not found",
        ),
    ] {
        let e = refused(api.post(&format!("/api/{ty}"), body).await, BAD);
        assert!(e.contains(text), "expected {text:?} in {e}");
    }
    assert_eq!(h.store().of_type("poolgroup").count(), 0, "nothing stored");
}

#[tokio::test]
async fn duplicate_names_are_409_per_scope() {
    let h = sim().await;
    let api = login(&h).await;
    api.create("pool", pool("dup")).await;
    let second = api.post("/api/pool", pool("dup")).await;
    assert_eq!(
        refused(second, StatusCode::CONFLICT),
        "Pool with this Name and Tenant ref already exists."
    );
    let second = api.post("/api/vrfcontext", json!({"name": "global"})).await;
    assert_eq!(
        refused(second, StatusCode::CONFLICT),
        "VrfContext with this Name, Tenant ref and Cloud ref already exists."
    );
    // Same vrf name in another cloud is fine.
    api.create("cloud", json!({"name": "c2", "vtype": "CLOUD_NONE"}))
        .await;
    api.create(
        "vrfcontext",
        json!({"name": "global", "cloud_ref": "/api/cloud?name=c2"}),
    )
    .await;
    // Renaming onto a taken name is a conflict too.
    let other = api.create("pool", pool("other")).await;
    let (s, _) = api
        .put(&format!("/api/pool/{}", uuid(&other)), pool("dup"))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
}

#[tokio::test]
async fn deleting_a_referenced_object_is_403_with_the_referrers() {
    let h = sim().await;
    let api = login(&h).await;
    let p = api.create("pool", pool("p1")).await;
    let pg = api
        .create(
            "poolgroup",
            json!({"name": "pg1", "members": [{"pool_ref": "/api/pool?name=p1"}]}),
        )
        .await;
    let vs = api
        .create(
            "virtualservice",
            json!({"name": "vs1", "pool_ref": "/api/pool?name=p1", "services": [{"port": 80}]}),
        )
        .await;
    let answer = api.delete(&format!("/api/pool/{}", uuid(&p))).await;
    assert_eq!(answer.1["obj_name"], "p1");
    assert_eq!(
        refused(answer, StatusCode::FORBIDDEN),
        "Cannot delete, object is referred by: ['PoolGroup pg1', 'VirtualService vs1']"
    );
    api.delete(&format!("/api/virtualservice/{}", uuid(&vs)))
        .await;
    api.delete(&format!("/api/poolgroup/{}", uuid(&pg))).await;
    let (s, _) = api.delete(&format!("/api/pool/{}", uuid(&p))).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn system_defaults_cannot_be_deleted() {
    let h = sim().await;
    let api = login(&h).await;
    let hm = api.by_name("healthmonitor", "System-HTTP").await;
    let path = format!("/api/healthmonitor/{}", uuid(&hm));
    assert_eq!(
        refused(api.delete(&path).await, StatusCode::FORBIDDEN),
        "Cannot delete system default object"
    );
}

#[tokio::test]
async fn refs_deep_inside_policies_count_for_integrity() {
    let h = sim().await;
    let api = login(&h).await;
    api.create("pool", pool("p")).await;
    let pg = api
        .create(
            "poolgroup",
            json!({"name": "pg", "members": [{"pool_ref": "/api/pool?name=p"}]}),
        )
        .await;
    let rule = json!({
        "name": "r1", "index": 1, "enable": true,
        "match": {"path": {"match_criteria": "BEGINS_WITH", "match_str": ["/api"]}},
        "switching_action": {"action": "HTTP_SWITCHING_SELECT_POOLGROUP", "pool_group_ref": "/api/poolgroup?name=pg"},
    });
    let ps = api
        .create(
            "httppolicyset",
            json!({"name": "ps", "http_request_policy": {"rules": [rule]}}),
        )
        .await;
    let action = &ps["http_request_policy"]["rules"][0]["switching_action"];
    assert_ends_with(&action["pool_group_ref"], "#pg");
    let vs = api
        .create(
            "virtualservice",
            json!({"name": "vs", "services": [{"port": 80}],
            "http_policies": [{"index": 11, "http_policy_set_ref": "/api/httppolicyset?name=ps"}]}),
        )
        .await;
    let in_use = api.delete(&format!("/api/poolgroup/{}", uuid(&pg))).await;
    let e = refused(in_use, StatusCode::FORBIDDEN);
    assert!(e.contains("'HTTPPolicySet ps'"), "{e}");
    let (_, v) = api
        .get(&format!(
            "/api/virtualservice?refers_to=httppolicyset:{}",
            uuid(&ps)
        ))
        .await;
    assert_eq!(v["results"][0]["uuid"], vs["uuid"]);
    // A bad enum deep inside a rule is refused with its path.
    let mut bad = rule.clone();
    bad["match"]["path"]["match_criteria"] = json!("SOMETIMES");
    let bad = json!({"name": "bad", "http_request_policy": {"rules": [bad]}});
    let e = refused(api.post("/api/httppolicyset", bad).await, BAD);
    assert!(
        e.contains("http_request_policy.rules[0].match.path.match_criteria"),
        "{e}"
    );
}
