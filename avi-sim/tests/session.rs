//! Sessions: login (form / JSON / token), cookies, CSRF, no session, basic auth,
//! X-Avi-Version range, tenants, logout, HTTPS.

mod common;

use avi_sim::{Config, Tls};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn login_sets_cookies_and_reports_the_version() {
    let h = sim().await;
    let http = http_client();
    let resp = http
        .post(format!("{}/login", h.url()))
        .json(&json!({"username": "admin", "password": "password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["avi_api_version"], "30.2.1");
    let names: Vec<String> = resp.cookies().map(|c| c.name().to_string()).collect();
    for c in ["csrftoken", "sessionid", "avi-sessionid"] {
        assert!(names.contains(&c.to_string()), "{c} in {names:?}");
    }
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["version"]["Version"], "30.2.1");
    assert_eq!(body["session_cookie_name"], "avi-sessionid");
}

#[tokio::test]
async fn bad_credentials_are_invalid_credentials_401() {
    let h = sim().await;
    let resp = http_client()
        .post(format!("{}/login", h.url()))
        .form(&[("username", "admin"), ("password", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(err(&v), "Invalid credentials");
}

#[tokio::test]
async fn no_session_is_401_and_wrong_csrf_is_the_controller_text() {
    let h = sim().await;
    let resp = http_client()
        .get(format!("{}/api/pool", h.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let mut api = login(&h).await;
    let (s, _) = api.get("/api/pool").await;
    assert_eq!(s, StatusCode::OK);
    api.csrf = "wrong".into();
    assert_eq!(
        refused(
            api.post("/api/pool", pool("p")).await,
            StatusCode::UNAUTHORIZED
        ),
        "CSRF token missing or incorrect."
    );
    // GETs need no CSRF token.
    let (s, _) = api.get("/api/pool").await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn basic_auth_only_when_enabled() {
    let off = sim().await;
    let get = |url: String| async move {
        http_client()
            .get(format!("{url}/api/cloud"))
            .basic_auth("admin", Some("password"))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(get(off.url()).await, StatusCode::UNAUTHORIZED);
    let on = sim_with(Config {
        basic_auth: true,
        ..Config::default()
    })
    .await;
    assert_eq!(get(on.url()).await, StatusCode::OK);
    let resp = http_client()
        .post(format!("{}/api/pool", on.url()))
        .basic_auth("admin", Some("password"))
        .json(&pool("via-basic"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn api_version_range() {
    let h = sim().await;
    let mut api = login(&h).await;
    for (v, ok) in [
        ("30.2.1", true),
        ("20.1.1", true),
        ("18.2.6", true),
        ("31.1.1", false),
        ("18.1.2", false),
        ("garbage", false),
    ] {
        api.version = Some(v.into());
        let (s, body) = api.get("/api/pool").await;
        if ok {
            assert_eq!(s, StatusCode::OK, "{v}");
        } else {
            assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
            assert!(err(&body).contains("Invalid version"), "{body}");
        }
    }
}

#[tokio::test]
async fn fields_newer_than_the_api_version_are_hidden() {
    let h = sim().await;
    let mut api = login(&h).await;
    api.create(
        "pool",
        json!({"name": "p", "markers": [{"key": "clustername", "values": ["c"]}]}),
    )
    .await;
    assert!(api.by_name("pool", "p").await.get("markers").is_some());
    api.version = Some("20.1.1".into());
    assert!(
        api.by_name("pool", "p").await.get("markers").is_none(),
        "markers are 20.1.5+"
    );
}

#[tokio::test]
async fn tenants_are_isolated_and_unknown_tenant_is_refused() {
    let h = sim().await;
    let admin = login(&h).await;
    admin.create("tenant", json!({"name": "team-a"})).await;
    let a = login(&h).await.tenant("team-a");
    a.create("pool", pool("shared-name")).await;
    admin.create("pool", pool("shared-name")).await;
    let (_, v) = admin.get("/api/pool?name=shared-name").await;
    assert_eq!(v["count"], 1);
    assert_ends_with(&v["results"][0]["tenant_ref"], "/api/tenant/admin");
    assert_eq!(a.count("/api/pool").await, 1);
    // Shared admin objects (the cloud) are visible from the tenant.
    assert_eq!(a.count("/api/cloud?name=Default-Cloud").await, 1);
    let ghost = login(&h).await.tenant("nope");
    assert_eq!(
        refused(ghost.get("/api/pool").await, StatusCode::FORBIDDEN),
        "Tenant 'nope' does not exist!"
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let h = sim().await;
    let api = login(&h).await;
    let (s, _) = api.post("/logout", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = api.get("/api/pool").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn token_login() {
    let h = sim().await;
    let api = login(&h).await;
    let (s, t) = api.post("/api/user-token", json!({"hours": 1})).await;
    assert_eq!(s, StatusCode::CREATED);
    let login_with_token = || async {
        http_client()
            .post(format!("{}/login", h.url()))
            .json(&json!({"username": "admin", "token": t["token"]}))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(login_with_token().await, StatusCode::OK);
    let (s, _) = api
        .delete(&format!("/api/user-token/{}", t["uuid"].as_str().unwrap()))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(login_with_token().await, StatusCode::UNAUTHORIZED);
}

/// avi-sim over HTTPS with a generated certificate.
async fn https_sim() -> avi_sim::Handle {
    sim_with(Config {
        tls: Some(Tls::SelfSigned),
        ..Config::default()
    })
    .await
}

#[tokio::test]
async fn https_with_a_generated_certificate_needs_a_referer_on_writes() {
    let h = https_sim().await;
    assert!(h.url().starts_with("https://"));
    let api = login(&h).await;
    let (s, v) = api.post("/api/pool", pool("tls")).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(v["url"].as_str().unwrap().starts_with("https://"));
    let resp = api
        .http
        .post(format!("{}/api/pool", h.url()))
        .header("X-CSRFToken", &api.csrf)
        .json(&pool("no-referer"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn initial_data_and_cluster_report_the_version() {
    let h = sim_with(Config {
        controller_version: "22.1.3".into(),
        ..Config::default()
    })
    .await;
    let api = login(&h).await;
    let (s, v) = api.get("/api/initial-data").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["version"]["Version"], "22.1.3");
    let (s, v) = api.get("/api/cluster").await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["uuid"].is_string());
    let (_, v) = api.get("/api/cluster/version").await;
    assert_eq!(v["Version"], "22.1.3");
    for stub in ["nsxtsegmentruntime", "vcenterserver", "serviceengine"] {
        let (s, v) = api.get(&format!("/api/{stub}")).await;
        assert_eq!(
            (s, v["count"].clone()),
            (StatusCode::OK, json!(0)),
            "{stub}"
        );
    }
}

#[tokio::test]
async fn expired_sessions_get_401_and_log_in_again() {
    let h = sim().await;
    let api = login(&h).await;
    h.expire_sessions();
    let (s, _) = api.get("/api/pool").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let api = login(&h).await;
    assert_eq!(api.get("/api/pool").await.0, StatusCode::OK);
    let r = http_client()
        .post(format!("{}/sim/sessions/expire", h.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(api.get("/api/pool").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_generated_certificate_verifies_for_127_0_0_1() {
    let h = https_sim().await;
    let pem = h.certificate_pem().expect("HTTPS mode has a certificate");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let strict = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(pem.as_bytes()).unwrap()])
        .build()
        .unwrap();
    let r = strict
        .post(format!("{}/login", h.url()))
        .form(&[("username", "admin"), ("password", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(sim().await.certificate_pem().is_none());
}

#[tokio::test]
async fn shared_admin_objects_are_read_only_from_other_tenants() {
    let h = sim().await;
    let admin = login(&h).await;
    let tenant = admin.create("tenant", json!({"name": "team-b"})).await;
    let b = login(&h).await.tenant("team-b");
    let cloud = b.by_name("cloud", "Default-Cloud").await;
    let (s, _) = b
        .patch(
            &format!("/api/cloud/{}", uuid(&cloud)),
            json!({"replace": {"mtu": 9000}}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Objects of a tenant keep it from being deleted.
    b.create("pool", pool("in-b")).await;
    let path = format!("/api/tenant/{}", uuid(&tenant));
    let e = refused(admin.delete(&path).await, StatusCode::FORBIDDEN);
    assert!(e.contains("'Pool in-b'"), "{e}");
}

#[tokio::test]
async fn vrf_of_admin_from_another_tenant_is_cannot_modify_vrfcontext() {
    let h = sim().await;
    let admin = login(&h).await;
    admin.create("tenant", json!({"name": "team-c"})).await;
    let c = login(&h).await.tenant("team-c");
    let vrf = c.by_name("vrfcontext", "global").await;
    let path = format!("/api/vrfcontext/{}", uuid(&vrf));
    let no_routes = json!({"add": {"static_routes": []}});
    let e = refused(c.patch(&path, no_routes).await, StatusCode::BAD_REQUEST);
    assert!(e.contains("Cannot modify VrfContext"), "{e}");
}

#[tokio::test]
async fn fields_newer_than_the_api_version_are_refused_on_input() {
    let h = sim().await;
    let mut api = login(&h).await;
    api.version = Some("20.1.1".into());
    let markers = json!([{"key": "clustername", "values": ["c"]}]);
    let with_markers = json!({"name": "p", "markers": markers});
    let e = refused(
        api.post("/api/pool", with_markers).await,
        StatusCode::BAD_REQUEST,
    );
    assert!(
        e.contains("Field 'markers' is not available in API version 20.1.1 (introduced in 20.1.5)"),
        "{e}"
    );
    // Nested too: Pool.servers[].ip is old, VsVip.vip[].placement_networks is 18.2.5.
    let p = api
        .create(
            "pool",
            json!({"name": "p", "servers": [{"ip": {"addr": "1.1.1.1", "type": "V4"}}]}),
        )
        .await;
    api.version = Some("18.2.6".into());
    let (s, _) = api
        .patch(
            &format!("/api/pool/{}", uuid(&p)),
            json!({"replace": {"markers": markers}}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // What a client of that version reads back it can write back.
    let (_, got) = api.get(&format!("/api/pool/{}", uuid(&p))).await;
    let (s, v) = api.put(&format!("/api/pool/{}", uuid(&p)), got).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = api
        .patch(
            &format!("/api/pool/{}", uuid(&p)),
            json!({"replace": {"description": "ok"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // Nested fields too: Vip.prefix_length is 20.1.1, Vip itself 17.1.1.
    api.version = None;
    let v = api
        .create(
            "vsvip",
            json!({"name": "v", "vip": [{"auto_allocate_ip": true}]}),
        )
        .await;
    assert_eq!(v["vip"][0]["prefix_length"], 32);
    api.version = Some("18.2.6".into());
    let (_, old_view) = api.get(&format!("/api/vsvip/{}", uuid(&v))).await;
    assert!(
        old_view["vip"][0].get("prefix_length").is_none(),
        "{old_view}"
    );
    assert_eq!(old_view["vip"][0]["ip_address"], v["vip"][0]["ip_address"]);
    let (s, back) = api.put(&format!("/api/vsvip/{}", uuid(&v)), old_view).await;
    assert_eq!(s, StatusCode::OK, "{back}");
}
