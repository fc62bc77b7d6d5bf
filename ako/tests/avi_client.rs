//! `ako::avi::AviClient` against a spawned avi-sim: session, headers, retries, paging,
//! rate budget. Assertions use the simulator's request log (counts and order).

mod avi_support;

use std::time::Duration;

use ako::avi::{AviClient, AviError, ListQuery, PatchOp, RateLimit, TlsOptions};
use avi_sim::{Config, Fault, FaultKind};
use avi_support::{calls, client, config, sim};
use futures::StreamExt;
use serde_json::{Value, json};

fn pool(name: &str) -> Value {
    json!({"name": name, "servers": [{"ip": {"addr": "10.0.0.1", "type": "V4"}, "port": 80}]})
}

#[tokio::test]
async fn login_then_writes_carry_csrf_version_and_tenant() {
    let sim = sim().await;
    let c = client(&sim, "t-login");
    c.login().await.unwrap();
    assert_eq!(c.api_version(), Some(sim.controller_version()));
    let created: Value = c.create("pool", &pool("p1")).await.unwrap();
    let uuid = created["uuid"].as_str().unwrap().to_string();
    let read: Value = c.get("pool", &uuid).await.unwrap();
    assert_eq!(read["name"], "p1");
    // Refs come back with `#<name>` (include_name) so the cache can compare by name.
    assert!(
        read["tenant_ref"].as_str().unwrap().ends_with("#admin"),
        "{read}"
    );
    let patched: Value = c
        .patch(
            "pool",
            &uuid,
            PatchOp::Replace,
            &json!({"default_server_port": 8080}),
        )
        .await
        .unwrap();
    assert_eq!(patched["default_server_port"], 8080);
    c.delete("pool", &uuid).await.unwrap();
    // A delete of something already gone counts as done.
    c.delete("pool", &uuid).await.unwrap();
    assert_eq!(
        calls(&sim, "t-login"),
        vec![
            ("POST".into(), "login".into(), 200),
            ("POST".into(), "pool".into(), 201),
            ("GET".into(), "pool".into(), 200),
            ("PATCH".into(), "pool".into(), 200),
            ("DELETE".into(), "pool".into(), 204),
            ("DELETE".into(), "pool".into(), 404),
        ]
    );
    assert_eq!(c.logins(), 1);
}

#[tokio::test]
async fn tenant_and_version_headers_reach_the_controller() {
    let sim = sim().await;
    let c = client(&sim, "t-hdr");
    let err = c
        .with_tenant("no-such-tenant")
        .list::<Value>("pool", &ListQuery::new())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");
    assert!(err.message().unwrap().contains("no-such-tenant"), "{err}");

    let mut cfg = config(&sim, "t-ver");
    cfg.api_version = Some("99.1.1".into());
    let old = AviClient::new(cfg).unwrap();
    let err = old
        .list::<Value>("pool", &ListQuery::new())
        .await
        .unwrap_err();
    assert!(err.message().unwrap().contains("Invalid version"), "{err}");
    assert_eq!(
        calls(&sim, "t-ver")
            .iter()
            .filter(|c| c.1 == "pool")
            .count(),
        1
    );
}

#[tokio::test]
async fn bad_credentials_fail_login_without_retry() {
    let sim = sim().await;
    let mut cfg = config(&sim, "t-bad");
    cfg.credentials = ako::avi::Credentials::Password {
        username: "admin".into(),
        password: "wrong".into(),
    };
    let c = AviClient::new(cfg).unwrap();
    let err = c
        .list::<Value>("pool", &ListQuery::new())
        .await
        .unwrap_err();
    assert!(matches!(err, AviError::Login { status: 401, .. }), "{err}");
    assert!(err.to_string().contains("Invalid credentials"), "{err}");
    assert_eq!(
        calls(&sim, "t-bad"),
        vec![("POST".into(), "login".into(), 401)]
    );
}

#[tokio::test]
async fn retries_5xx_and_429_then_succeeds() {
    let sim = sim().await;
    let c = client(&sim, "t-retry");
    let fail = |status| {
        Fault::new(FaultKind::Error {
            status,
            message: None,
        })
        .client("t-retry")
    };
    sim.faults()
        .add(fail(503).verb("POST").object_type("pool").count(2));
    sim.faults()
        .add(fail(429).verb("GET").object_type("pool").count(1));
    let created: Value = c.create("pool", &pool("p1")).await.unwrap();
    let listed: Vec<Value> = c.list("pool", &ListQuery::new().name("p1")).await.unwrap();
    assert_eq!(listed[0]["uuid"], created["uuid"]);
    let pool_calls: Vec<_> = calls(&sim, "t-retry")
        .into_iter()
        .filter(|c| c.1 == "pool")
        .collect();
    assert_eq!(
        pool_calls,
        vec![
            ("POST".into(), "pool".into(), 503),
            ("POST".into(), "pool".into(), 503),
            ("POST".into(), "pool".into(), 201),
            ("GET".into(), "pool".into(), 429),
            ("GET".into(), "pool".into(), 200),
        ]
    );
}

#[tokio::test]
async fn gives_up_after_max_attempts_on_persistent_5xx() {
    let sim = sim().await;
    let c = client(&sim, "t-503");
    sim.faults().add(
        Fault::new(FaultKind::Error {
            status: 502,
            message: None,
        })
        .client("t-503")
        .object_type("pool"),
    );
    let err = c.create::<_, Value>("pool", &pool("p1")).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert!(err.to_string().contains("pool/p1"), "{err}");
    let posts = calls(&sim, "t-503")
        .iter()
        .filter(|c| c.1 == "pool")
        .count();
    assert_eq!(posts, c.config().retry.max_attempts as usize);
}

#[tokio::test]
async fn other_4xx_are_not_retried() {
    let sim = sim().await;
    let c = client(&sim, "t-4xx");
    c.create::<_, Value>("pool", &pool("dup")).await.unwrap();
    // 409: the name is taken.
    let dup = c
        .create::<_, Value>("pool", &pool("dup"))
        .await
        .unwrap_err();
    assert!(
        dup.is_conflict() && dup.message().unwrap().contains("already exists"),
        "{dup}"
    );
    // 400: a field the schema does not know.
    let bad = c
        .create::<_, Value>("pool", &json!({"name": "x", "no_such_field": 1}))
        .await
        .unwrap_err();
    assert_eq!(bad.status(), Some(400), "{bad}");
    // 404: unknown uuid.
    let missing = c.get::<Value>("pool", "pool-nope").await.unwrap_err();
    assert!(missing.is_not_found(), "{missing}");
    // 403: injected.
    sim.faults().add(
        Fault::new(FaultKind::Error {
            status: 403,
            message: Some("nope".into()),
        })
        .client("t-4xx")
        .verb("PUT")
        .count(1),
    );
    let forbidden = c
        .put::<_, Value>("pool", "pool-x", &pool("x"))
        .await
        .unwrap_err();
    assert_eq!(forbidden.status(), Some(403), "{forbidden}");
    let statuses: Vec<u16> = calls(&sim, "t-4xx")
        .iter()
        .filter(|c| c.1 == "pool")
        .map(|c| c.2)
        .collect();
    assert_eq!(statuses, vec![201, 409, 400, 404, 403]);
}

#[tokio::test]
async fn paging_reads_every_page_and_filters() {
    let sim = sim().await;
    let c = client(&sim, "t-page");
    let names: Vec<String> = (0..230).map(|i| format!("p{i:03}")).collect();
    let created: Vec<Result<Value, AviError>> = futures::stream::iter(names.iter())
        .map(|n| {
            let c = &c;
            async move { c.create("pool", &pool(n)).await }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(created.iter().all(Result::is_ok));
    sim.request_log().clear();
    let all: Vec<Value> = c
        .list("pool", &ListQuery::new().page_size(100))
        .await
        .unwrap();
    let mut got: Vec<String> = all
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, names);
    let pages = calls(&sim, "t-page")
        .iter()
        .filter(|c| c.0 == "GET" && c.1 == "pool")
        .count();
    assert_eq!(pages, 3);
    let one: Option<Value> = c.get_by_name("pool", "p007").await.unwrap();
    assert_eq!(one.unwrap()["name"], "p007");
    let none: Option<Value> = c.get_by_name("pool", "absent").await.unwrap();
    assert!(none.is_none());
    let slim: Vec<Value> = c
        .list("pool", &ListQuery::new().name("p001").fields(&["name"]))
        .await
        .unwrap();
    assert_eq!(slim.len(), 1);
    assert!(slim[0].get("servers").is_none(), "{}", slim[0]);
}

#[tokio::test]
async fn relogs_in_after_controller_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let first = sim().await;
    let addr = first.addr();
    let c = client(&first, "t-restart");
    let created: Value = c.create("pool", &pool("survivor")).await.unwrap();
    first.save_state(&state).unwrap();
    first.shutdown();
    drop(first);
    // Same address, same objects, no sessions: the old cookie gets 401.
    let cfg = Config {
        addr,
        state_file: Some(state),
        ..Config::default()
    };
    let mut second = None;
    for _ in 0..50 {
        match avi_sim::spawn(cfg.clone()).await {
            Ok(h) => {
                second = Some(h);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    let second = second.expect("simulator restarts on the same port");
    let read: Value = c
        .get("pool", created["uuid"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(read["name"], "survivor");
    assert_eq!(c.logins(), 2);
    let seen = calls(&second, "t-restart");
    assert_eq!(
        seen,
        vec![
            ("GET".into(), "pool".into(), 401),
            ("POST".into(), "login".into(), 200),
            ("GET".into(), "pool".into(), 200),
        ]
    );
}

#[tokio::test]
async fn client_rate_budget_keeps_under_the_controller_limit() {
    let sim = sim().await;
    sim.set_rate_limit(Some(avi_sim::RateLimit {
        per_second: 40.0,
        burst: 5.0,
    }));
    let mut cfg = config(&sim, "t-polite");
    cfg.rate_limit = RateLimit {
        per_second: 20.0,
        burst: 5,
    };
    let polite = AviClient::new(cfg).unwrap();
    // No client-side budget, but patient enough to get through on retries.
    let mut cfg = config(&sim, "t-greedy");
    cfg.retry.max_attempts = 50;
    let greedy = AviClient::new(cfg).unwrap();
    for c in [&polite, &greedy] {
        let results: Vec<Result<Vec<Value>, AviError>> = futures::stream::iter(0..30)
            .map(|_| async move { c.list("pool", &ListQuery::new()).await })
            .buffer_unordered(30)
            .collect()
            .await;
        let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert!(failed.is_empty(), "{failed:?}");
    }
    let throttled = |id| calls(&sim, id).iter().filter(|c| c.2 == 429).count();
    assert_eq!(throttled("t-polite"), 0);
    assert!(
        throttled("t-greedy") > 0,
        "the controller limit is really on"
    );
    // 31 requests (login + 30 lists) through a burst of 5: the rest waited their turn.
    assert_eq!(polite.rate_limiter().granted(), 31);
    assert!(polite.rate_limiter().delayed() >= 26);
}

#[tokio::test]
async fn https_with_self_signed_certificate() {
    let cfg = Config {
        tls: Some(avi_sim::Tls::SelfSigned),
        ..Config::default()
    };
    let sim = avi_sim::spawn(cfg).await.unwrap();
    assert!(sim.url().starts_with("https://"));
    let strict = AviClient::new(config(&sim, "t-tls-strict")).unwrap();
    let err = strict.login().await.unwrap_err();
    assert!(matches!(err, AviError::Transport { .. }), "{err}");
    let mut lax = config(&sim, "t-tls");
    lax.tls = TlsOptions {
        ca_pem: None,
        insecure_skip_verify: true,
    };
    let c = AviClient::new(lax).unwrap();
    let listed: Vec<Value> = c.list("pool", &ListQuery::new()).await.unwrap();
    assert!(listed.is_empty());
}
