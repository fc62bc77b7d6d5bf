//! Fault injection through the in-process handle: error rates (429 / 500), latency, outage
//! windows, dropped watch streams, and a lagging watch view for one named client. Also the
//! streaming-list watch (`sendInitialEvents`) that newer kube-rs watchers can use.

use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, PostParams, WatchEvent, WatchParams};
use kube::runtime::{WatchStreamExt, watcher};
use serde_json::json;

use k8s_fixtures::kube_sim;

fn cm(name: &str) -> ConfigMap {
    serde_json::from_value(json!({"metadata": {"name": name}, "data": {"k": "v"}})).unwrap()
}

fn code(e: kube::Error) -> u16 {
    match e {
        kube::Error::Api(s) => s.code,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn error_rates_latency_and_outages() {
    let sim = kube_sim::spawn().await.unwrap();
    // kube-rs retries 429 and 503 by default (honouring Retry-After); look at raw answers.
    let mut cfg = sim.kube_config().clone();
    cfg.default_retry = false;
    let cms: Api<ConfigMap> = Api::namespaced(kube::Client::try_from(cfg).unwrap(), "default");
    let lp = ListParams::default();

    sim.faults().set_error_rate(429, 1.0);
    assert_eq!(code(cms.list(&lp).await.unwrap_err()), 429);
    sim.faults().set_error_rate(500, 1.0);
    assert_eq!(code(cms.list(&lp).await.unwrap_err()), 500);
    sim.faults().set_error_rate(500, 0.0);
    cms.list(&lp).await.unwrap();

    sim.faults().set_latency(Duration::from_millis(150));
    let started = Instant::now();
    cms.list(&lp).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "latency is added before serving"
    );
    sim.faults().clear();

    sim.faults().outage(Duration::from_secs(3600));
    assert_eq!(
        code(
            cms.create(&PostParams::default(), &cm("x"))
                .await
                .unwrap_err()
        ),
        503
    );
    sim.faults().clear();
    cms.create(&PostParams::default(), &cm("x")).await.unwrap();
}

async fn next_added(
    stream: &mut (impl futures::Stream<Item = kube::Result<WatchEvent<ConfigMap>>> + Unpin),
) -> String {
    loop {
        match stream.try_next().await.unwrap().expect("stream open") {
            WatchEvent::Added(c) => return c.metadata.name.unwrap(),
            WatchEvent::Bookmark(_) | WatchEvent::Modified(_) | WatchEvent::Deleted(_) => {}
            WatchEvent::Error(e) => panic!("{e:?}"),
        }
    }
}

#[tokio::test]
async fn dropped_watches_end_and_a_lagging_client_is_held_back() {
    let sim = kube_sim::spawn().await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(sim.client(), "default");
    let rv = sim.resource_version().to_string();
    let wp = WatchParams::default().timeout(60);

    let mut dropped = cms.watch(&wp, &rv).await.unwrap().boxed();
    sim.drop_watches();
    assert!(
        dropped.try_next().await.unwrap().is_none(),
        "a dropped watch ends cleanly"
    );

    let laggard: Api<ConfigMap> = Api::namespaced(sim.client_named("laggard").unwrap(), "default");
    sim.faults()
        .lag_client("laggard", Duration::from_secs(3600));
    let mut fresh = cms.watch(&wp, &rv).await.unwrap().boxed();
    let mut stale = laggard.watch(&wp, &rv).await.unwrap().boxed();
    cms.create(&PostParams::default(), &cm("a")).await.unwrap();
    cms.create(&PostParams::default(), &cm("b")).await.unwrap();
    assert_eq!(next_added(&mut fresh).await, "a");
    assert_eq!(next_added(&mut fresh).await, "b");
    let held = tokio::time::timeout(Duration::from_millis(500), stale.try_next()).await;
    assert!(
        held.is_err(),
        "the lagging client must not see the events yet: {held:?}"
    );
    sim.faults().clear();
    assert_eq!(next_added(&mut stale).await, "a");
    assert_eq!(next_added(&mut stale).await, "b");
}

#[tokio::test]
async fn streaming_list_watch_with_initial_events_end() {
    let sim = kube_sim::spawn().await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(sim.client(), "default");
    for n in ["s1", "s2", "s3"] {
        cms.create(&PostParams::default(), &cm(n)).await.unwrap();
    }
    let cfg = watcher::Config::default().streaming_lists();
    let mut events = watcher::watcher(cms.clone(), cfg).boxed();
    let mut initial = Vec::new();
    loop {
        match events.try_next().await.unwrap().unwrap() {
            watcher::Event::Init => {}
            watcher::Event::InitApply(c) => initial.push(c.metadata.name.unwrap()),
            watcher::Event::InitDone => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(initial, ["s1", "s2", "s3"]);
    cms.create(&PostParams::default(), &cm("s4")).await.unwrap();
    let applied = events.applied_objects().try_next().await.unwrap().unwrap();
    assert_eq!(applied.metadata.name.as_deref(), Some("s4"));
}
