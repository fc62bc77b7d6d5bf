//! kube-rs watches against kube-sim: event order, selector transitions, `410 Gone` after
//! compaction, and metadata-only (PartialObjectMetadata) get/list/watch.

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams,
};
use serde_json::json;

use k8s_fixtures::kube_sim;

mod kube_sim_common;
use kube_sim_common::cm;

#[tokio::test]
async fn watch_events_and_expired_versions() {
    let sim = kube_sim::spawn().await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(sim.client(), "default");
    let first = cms
        .create(&PostParams::default(), &cm("w0", &[]))
        .await
        .unwrap();
    let rv = first.metadata.resource_version.clone().unwrap();
    let mut stream = cms
        .watch(&WatchParams::default().timeout(10), &rv)
        .await
        .unwrap()
        .boxed();
    cms.create(&PostParams::default(), &cm("w1", &[]))
        .await
        .unwrap();
    cms.patch(
        "w1",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"k": "2"}})),
    )
    .await
    .unwrap();
    cms.delete("w1", &DeleteParams::default()).await.unwrap();
    let mut kinds = Vec::new();
    while kinds.len() < 3 {
        match stream.try_next().await.unwrap().unwrap() {
            WatchEvent::Added(c) => kinds.push(format!("ADDED {}", c.metadata.name.unwrap())),
            WatchEvent::Modified(c) => kinds.push(format!("MODIFIED {}", c.metadata.name.unwrap())),
            WatchEvent::Deleted(c) => kinds.push(format!("DELETED {}", c.metadata.name.unwrap())),
            WatchEvent::Bookmark(_) => {}
            WatchEvent::Error(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(kinds, ["ADDED w1", "MODIFIED w1", "DELETED w1"]);

    // Leaving a label selector is a DELETED event for that watcher, entering it an ADDED.
    cms.create(&PostParams::default(), &cm("sel", &[("keep", "yes")]))
        .await
        .unwrap();
    let now = cms
        .get("sel")
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let mut selected = cms
        .watch(&WatchParams::default().labels("keep=yes").timeout(10), &now)
        .await
        .unwrap()
        .boxed();
    for keep in ["no", "yes"] {
        cms.patch(
            "sel",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"keep": keep}}})),
        )
        .await
        .unwrap();
    }
    let mut seen = Vec::new();
    while seen.len() < 2 {
        match selected.try_next().await.unwrap().unwrap() {
            WatchEvent::Added(_) => seen.push("ADDED"),
            WatchEvent::Deleted(_) => seen.push("DELETED"),
            WatchEvent::Modified(_) => seen.push("MODIFIED"),
            WatchEvent::Bookmark(_) => {}
            WatchEvent::Error(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(seen, ["DELETED", "ADDED"]);

    sim.expire_history();
    let mut old = cms
        .watch(&WatchParams::default().timeout(10), &rv)
        .await
        .unwrap()
        .boxed();
    match old.try_next().await.unwrap().unwrap() {
        WatchEvent::Error(e) => assert_eq!((e.code, e.reason.as_str()), (410, "Expired")),
        other => panic!("expected 410, got {other:?}"),
    }
}

#[tokio::test]
async fn metadata_only_get_list_and_watch() {
    let sim = kube_sim::spawn().await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(sim.client(), "default");
    cms.create(&PostParams::default(), &cm("m1", &[("a", "b")]))
        .await
        .unwrap();
    let one = cms.get_metadata("m1").await.unwrap();
    assert_eq!(one.metadata.labels.unwrap()["a"], "b");
    assert_eq!(one.types.unwrap().kind, "PartialObjectMetadata");
    let list = cms.list_metadata(&ListParams::default()).await.unwrap();
    assert_eq!(list.items.len(), 1);
    let rv = list.metadata.resource_version.unwrap();
    let mut w = cms
        .watch_metadata(&WatchParams::default().timeout(10), &rv)
        .await
        .unwrap()
        .boxed();
    cms.create(&PostParams::default(), &cm("m2", &[]))
        .await
        .unwrap();
    loop {
        match w.try_next().await.unwrap().unwrap() {
            WatchEvent::Added(m) => {
                assert_eq!(
                    (m.metadata.name.as_deref(), m.types.unwrap().kind.as_str()),
                    (Some("m2"), "PartialObjectMetadata")
                );
                break;
            }
            WatchEvent::Bookmark(_) => {}
            other => panic!("{other:?}"),
        }
    }
}
