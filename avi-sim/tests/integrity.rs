//! Refs and integrity: accepted ref forms, unknown refs, duplicate names (409),
//! referred-by delete protection (403), system defaults, required fields, enums,
//! SNI parent/child rules, the 1000-FQDN limit, unique static route ids.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

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
        let (s, v) = api.post(&format!("/api/{ty}"), body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(err(&v).contains(text), "{v}");
    }
    assert_eq!(h.store().of_type("poolgroup").count(), 0, "nothing stored");
}

#[tokio::test]
async fn duplicate_names_are_409_per_scope() {
    let h = sim().await;
    let api = login(&h).await;
    api.create("pool", pool("dup")).await;
    let (s, v) = api.post("/api/pool", pool("dup")).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(
        err(&v),
        "Pool with this Name and Tenant ref already exists."
    );
    let (s, v) = api.post("/api/vrfcontext", json!({"name": "global"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(
        err(&v),
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
    let (s, v) = api.delete(&format!("/api/pool/{}", uuid(&p))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        err(&v),
        "Cannot delete, object is referred by: ['PoolGroup pg1', 'VirtualService vs1']"
    );
    assert_eq!(v["obj_name"], "p1");
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
    let (s, v) = api
        .delete(&format!("/api/healthmonitor/{}", uuid(&hm)))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(err(&v), "Cannot delete system default object");
}

#[tokio::test]
async fn required_fields_enums_types_and_unknown_fields() {
    let h = sim().await;
    let api = login(&h).await;
    let cases: [(&str, Value, &str); 6] = [
        ("pool", json!({"servers": []}), "Field 'name' is required"),
        (
            "healthmonitor",
            json!({"name": "hm"}),
            "Field 'type' is required",
        ),
        (
            "pool",
            json!({"name": "p", "servers": [{"port": 80}]}),
            "Field 'servers[0].ip' is required",
        ),
        (
            "pool",
            json!({"name": "p", "lb_algorithm": "LB_RANDOM"}),
            "Invalid choice 'LB_RANDOM' for field lb_algorithm",
        ),
        (
            "pool",
            json!({"name": "p", "default_server_port": "80"}),
            "Field default_server_port must be an integer",
        ),
        (
            "pool",
            json!({"name": "p", "no_such_field": 1}),
            "Unknown field 'no_such_field'",
        ),
    ];
    for (ty, body, text) in cases {
        let (s, v) = api.post(&format!("/api/{ty}"), body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(err(&v).contains(text), "expected {text:?} in {v}");
    }
    let (s, v) = api
        .post(
            "/api/pool",
            json!({"name": "p", "default_server_port": 70000}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).contains("out of range 1-65535"), "{v}");
}

#[tokio::test]
async fn server_fills_defaults_and_implied_refs() {
    let h = sim().await;
    let api = login(&h).await;
    let vs = api
        .create(
            "virtualservice",
            json!({"name": "vs", "services": [{"port": 443, "enable_ssl": true}]}),
        )
        .await;
    assert!(
        vs["application_profile_ref"]
            .as_str()
            .unwrap()
            .ends_with("#System-HTTP")
    );
    assert!(
        vs["network_profile_ref"]
            .as_str()
            .unwrap()
            .ends_with("#System-TCP-Proxy")
    );
    assert!(
        vs["se_group_ref"]
            .as_str()
            .unwrap()
            .ends_with("#Default-Group")
    );
    assert!(vs["vrf_context_ref"].as_str().unwrap().ends_with("#global"));
    assert!(
        vs["cloud_ref"]
            .as_str()
            .unwrap()
            .ends_with("#Default-Cloud")
    );
    assert_eq!(vs["type"], "VS_TYPE_NORMAL");
    assert_eq!(vs["enabled"], true);
    assert_eq!(vs["weight"], 1);
}

#[tokio::test]
async fn sni_child_needs_an_existing_vh_parent() {
    let h = sim().await;
    let api = login(&h).await;
    let normal = api
        .create(
            "virtualservice",
            json!({"name": "normal", "services": [{"port": 80}]}),
        )
        .await;
    let parent = api
        .create(
            "virtualservice",
            json!({"name": "parent", "type": "VS_TYPE_VH_PARENT", "services": [{"port": 443}]}),
        )
        .await;
    let child = |name: &str, parent_field: &str, parent_value: Value| {
        let mut b =
            json!({"name": name, "type": "VS_TYPE_VH_CHILD", "vh_domain_name": ["a.example.com"]});
        b[parent_field] = parent_value;
        b
    };
    let (s, v) = api
        .post(
            "/api/virtualservice",
            child("c0", "vh_parent_vs_ref", normal["url"].clone()),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).contains("is not of type VS_TYPE_VH_PARENT"), "{v}");
    let (s, v) = api
        .post(
            "/api/virtualservice",
            json!({"name": "c1", "type": "VS_TYPE_VH_CHILD"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).contains("vh_parent_vs_ref is required"), "{v}");
    let (s, v) = api
        .post(
            "/api/virtualservice",
            child(
                "c2",
                "vh_parent_vs_ref",
                json!("/api/virtualservice?name=ghost"),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).contains("VirtualService object not found!"), "{v}");
    let by_ref = api
        .create(
            "virtualservice",
            child(
                "c3",
                "vh_parent_vs_ref",
                json!("/api/virtualservice?name=parent"),
            ),
        )
        .await;
    assert!(
        by_ref["vh_parent_vs_ref"]
            .as_str()
            .unwrap()
            .ends_with("#parent")
    );
    // The 20.1 / 21.1 field name.
    let by_uuid = api
        .create(
            "virtualservice",
            child("c4", "vh_parent_vs_uuid", json!(uuid(&parent))),
        )
        .await;
    assert!(
        by_uuid["vh_parent_vs_ref"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{}#parent", uuid(&parent)))
    );
    // The parent is protected while children point at it.
    let (s, v) = api
        .delete(&format!("/api/virtualservice/{}", uuid(&parent)))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        err(&v).contains("'VirtualService c3', 'VirtualService c4'"),
        "{v}"
    );
}

fn fqdns(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"fqdn": format!("h{i}.example.com")}))
            .collect(),
    )
}

#[tokio::test]
async fn more_than_1000_fqdns_are_refused() {
    let h = sim().await;
    let api = login(&h).await;
    let ok = api
        .create("vsvip", json!({"name": "v1000", "dns_info": fqdns(1000)}))
        .await;
    let (s, v) = api
        .post(
            "/api/vsvip",
            json!({"name": "v1001", "dns_info": fqdns(1001)}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        err(&v),
        "Maximum of 1000 items allowed for field dns_info (got 1001)"
    );
    let (s, _) = api
        .patch(
            &format!("/api/vsvip/{}", uuid(&ok)),
            json!({"add": {"dns_info": [{"fqdn": "one-more.example.com"}]}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "PATCH past the limit");
    let (s, v) = api
        .post(
            "/api/virtualservice",
            json!({"name": "vs", "services": [{"port": 53}], "dns_info": fqdns(1001)}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        err(&v).contains("Maximum of 1000 items allowed for field dns_info"),
        "{v}"
    );
}

#[tokio::test]
async fn static_route_ids_are_unique() {
    let h = sim().await;
    let api = login(&h).await;
    let route = |id: &str| {
        json!({"route_id": id, "prefix": {"ip_addr": {"addr": "10.0.0.0", "type": "V4"}, "mask": 24},
               "next_hop": {"addr": "1.1.1.1", "type": "V4"}})
    };
    let (s, v) = api
        .post(
            "/api/vrfcontext",
            json!({"name": "v", "static_routes": [route("1"), route("1")]}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(err(&v).contains("Duplicate route_id"), "{v}");
    let vrf = api
        .create(
            "vrfcontext",
            json!({"name": "v", "static_routes": [route("1")]}),
        )
        .await;
    let (s, _) = api
        .put(
            &format!("/api/vrfcontext/{}", uuid(&vrf)),
            json!({"name": "v", "static_routes": [route("2"), route("2")]}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn ssl_private_keys_are_never_echoed() {
    let h = sim().await;
    let api = login(&h).await;
    let c = api
        .create(
            "sslkeyandcertificate",
            json!({"name": "c", "certificate": {"certificate": "PEM"}, "key": "PRIVATE"}),
        )
        .await;
    assert_eq!(c["key"], "<sensitive>");
    let (_, got) = api
        .get(&format!("/api/sslkeyandcertificate/{}", uuid(&c)))
        .await;
    assert_eq!(got["key"], "<sensitive>");
    assert!(!got.to_string().contains("PRIVATE"));
    // PUTting back what was read keeps the key.
    let path = format!("/api/sslkeyandcertificate/{}", uuid(&c));
    let (s, _) = api.put(&path, got).await;
    assert_eq!(s, StatusCode::OK);
    let stored = h.store().get(&uuid(&c)).unwrap().field("key");
    assert_eq!(stored, Some(json!("PRIVATE")));
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
    assert!(
        ps["http_request_policy"]["rules"][0]["switching_action"]["pool_group_ref"]
            .as_str()
            .unwrap()
            .ends_with("#pg")
    );
    let vs = api
        .create(
            "virtualservice",
            json!({"name": "vs", "services": [{"port": 80}],
            "http_policies": [{"index": 11, "http_policy_set_ref": "/api/httppolicyset?name=ps"}]}),
        )
        .await;
    let (s, v) = api.delete(&format!("/api/poolgroup/{}", uuid(&pg))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(err(&v).contains("'HTTPPolicySet ps'"), "{v}");
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
    let (s, v) = api
        .post(
            "/api/httppolicyset",
            json!({"name": "bad", "http_request_policy": {"rules": [bad]}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        err(&v).contains("http_request_policy.rules[0].match.path.match_criteria"),
        "{v}"
    );
}
