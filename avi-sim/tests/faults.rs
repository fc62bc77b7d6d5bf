//! Injected faults over HTTP and on the Handle: error at a rate, latency, outage
//! window, apply-then-error, apply-then-hang, upgrade mode, rate limiting, matching
//! by verb / type / client.

mod common;

use std::time::Duration;

use avi_sim::{Fault, FaultKind, RateLimit};
use common::*;
use reqwest::StatusCode;

#[tokio::test]
async fn error_at_a_rate_for_one_verb_and_type() {
    let h = sim().await;
    let api = login(&h).await;
    h.faults().add(
        Fault::new(FaultKind::Error {
            status: 503,
            message: None,
        })
        .verb("POST")
        .object_type("pool")
        .rate(0.5),
    );
    let mut statuses = Vec::new();
    for i in 0..4 {
        statuses.push(api.post("/api/pool", pool(&format!("p{i}"))).await.0);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::CREATED,
            StatusCode::SERVICE_UNAVAILABLE
        ]
    );
    // Other verbs and types are untouched; failed requests did nothing.
    let (s, v) = api.get("/api/pool").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["count"], 2);
    assert_eq!(
        api.post("/api/poolgroup", serde_json::json!({"name": "pg"}))
            .await
            .0,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn faults_match_one_client() {
    let h = sim().await;
    let a = login(&h).await.client_id("a");
    let b = login(&h).await.client_id("b");
    h.faults().add(
        Fault::new(FaultKind::Error {
            status: 500,
            message: Some("boom".into()),
        })
        .client("a"),
    );
    let failed = a.get("/api/pool").await;
    assert_eq!(refused(failed, StatusCode::INTERNAL_SERVER_ERROR), "boom");
    assert_eq!(b.get("/api/pool").await.0, StatusCode::OK);
}

#[tokio::test]
async fn latency_makes_a_short_client_timeout_expire() {
    let h = sim().await;
    let api = login(&h).await;
    h.faults().add(
        Fault::new(FaultKind::Latency { ms: 3000 })
            .verb("GET")
            .object_type("pool")
            .count(1),
    );
    let slow = api
        .request(reqwest::Method::GET, "/api/pool")
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(slow.unwrap_err().is_timeout());
    // The rule is used up.
    assert_eq!(api.get("/api/pool").await.0, StatusCode::OK);
}

#[tokio::test]
async fn outage_window_then_recovery() {
    let h = sim().await;
    let api = login(&h).await;
    // A window long enough for a slow machine; its expiry is unit-tested in faults.rs.
    let id = h.faults().add(Fault::outage(Duration::from_secs(120)));
    assert_eq!(
        api.get("/api/pool").await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        api.post("/api/pool", pool("p")).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(api.get("/api/pool").await.1["error"], "Service Unavailable");
    assert!(h.faults().remove(id));
    assert_eq!(api.get("/api/pool").await.0, StatusCode::OK);
    let (_, v) = api.get("/api/pool").await;
    assert_eq!(v["count"], 0, "nothing was created during the outage");
}

#[tokio::test]
async fn apply_then_error_commits_the_write() {
    let h = sim().await;
    let api = login(&h).await;
    h.faults().add(
        Fault::new(FaultKind::ApplyThenError { status: 502 })
            .verb("POST")
            .count(1),
    );
    let (s, _) = api.post("/api/pool", pool("ghost-write")).await;
    assert_eq!(s, StatusCode::BAD_GATEWAY);
    let logged = h.request_log().entries().pop().unwrap();
    assert_eq!(
        (logged.status, logged.object_name.as_deref()),
        (502, Some("ghost-write"))
    );
    api.by_name("pool", "ghost-write").await;
    // A retry of the create now conflicts, as it would on a real controller.
    assert_eq!(
        api.post("/api/pool", pool("ghost-write")).await.0,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn apply_then_hang_commits_and_times_the_client_out() {
    let h = sim().await;
    let api = login(&h).await;
    h.faults().add(
        Fault::new(FaultKind::ApplyThenHang { ms: 10_000 })
            .verb("write")
            .count(1),
    );
    let r = api
        .request(reqwest::Method::POST, "/api/pool")
        .json(&pool("hung"))
        .timeout(Duration::from_millis(1500))
        .send()
        .await;
    assert!(r.unwrap_err().is_timeout());
    api.by_name("pool", "hung").await;
}

#[tokio::test]
async fn upgrade_in_progress_refuses_writes() {
    let h = sim().await;
    let api = login(&h).await;
    h.set_upgrade_in_progress(true);
    assert_eq!(
        refused(
            api.post("/api/pool", pool("p")).await,
            StatusCode::FORBIDDEN
        ),
        "Configuration is disallowed during upgrade"
    );
    assert_eq!(api.get("/api/pool").await.0, StatusCode::OK);
    h.set_upgrade_in_progress(false);
    assert_eq!(
        api.post("/api/pool", pool("p")).await.0,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn rate_limit_per_client_gives_429() {
    let h = sim().await;
    let a = login(&h).await.client_id("a");
    let b = login(&h).await.client_id("b");
    h.set_rate_limit(Some(RateLimit {
        per_second: 0.01,
        burst: 3.0,
    }));
    let statuses: Vec<StatusCode> = futures_statuses(&a, 5).await;
    for (code, n) in [(StatusCode::OK, 3), (StatusCode::TOO_MANY_REQUESTS, 2)] {
        let seen = statuses.iter().filter(|s| **s == code).count();
        assert_eq!(seen, n, "{code} in {statuses:?}");
    }
    assert_eq!(
        b.get("/api/pool").await.0,
        StatusCode::OK,
        "another client has its own bucket"
    );
    h.set_rate_limit(None);
    assert_eq!(a.get("/api/pool").await.0, StatusCode::OK);
}

async fn futures_statuses(api: &Api, n: usize) -> Vec<StatusCode> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(api.get("/api/pool").await.0);
    }
    out
}
