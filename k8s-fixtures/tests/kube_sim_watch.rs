//! kube-rs watches against kube-sim: event order, selector transitions, `410 Gone` after
//! compaction, and metadata-only (PartialObjectMetadata) get/list/watch.

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams,
};
use serde_json::json;

use k8s_fixtures::kube_sim;

mod kube_sim_common;
use kube_sim_common::cm;

type Events<'a> = BoxStream<'a, kube::Result<WatchEvent<ConfigMap>>>;

/// A watch of `cms` under `wp` from resource version `rv`.
async fn watch_from<'a>(cms: &'a Api<ConfigMap>, wp: WatchParams, rv: &str) -> Events<'a> {
    cms.watch(&wp.timeout(10), rv).await.unwrap().boxed()
}

/// The next `n` events of `stream` (bookmarks skipped) as `"<TYPE> <name>"`.
async fn next_events(stream: &mut Events<'_>, n: usize) -> Vec<String> {
    let mut seen = Vec::new();
    while seen.len() < n {
        let (kind, obj) = match stream.try_next().await.unwrap().unwrap() {
            WatchEvent::Added(c) => ("ADDED", c),
            WatchEvent::Modified(c) => ("MODIFIED", c),
            WatchEvent::Deleted(c) => ("DELETED", c),
            WatchEvent::Bookmark(_) => continue,
            WatchEvent::Error(e) => panic!("{e:?}"),
        };
        seen.push(format!("{kind} {}", obj.metadata.name.unwrap()));
    }
    seen
}

#[tokio::test]
async fn watch_events_and_expired_versions() {
    let sim = kube_sim::spawn().await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(sim.client(), "default");
    let first = cms
        .create(&PostParams::default(), &cm("w0", &[]))
        .await
        .unwrap();
    let rv = first.metadata.resource_version.clone().unwrap();
    let mut stream = watch_from(&cms, WatchParams::default(), &rv).await;
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
    assert_eq!(
        next_events(&mut stream, 3).await,
        ["ADDED w1", "MODIFIED w1", "DELETED w1"]
    );

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
    let keep_yes = WatchParams::default().labels("keep=yes");
    let mut selected = watch_from(&cms, keep_yes, &now).await;
    for keep in ["no", "yes"] {
        cms.patch(
            "sel",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"keep": keep}}})),
        )
        .await
        .unwrap();
    }
    assert_eq!(
        next_events(&mut selected, 2).await,
        ["DELETED sel", "ADDED sel"]
    );

    sim.expire_history();
    let mut old = watch_from(&cms, WatchParams::default(), &rv).await;
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
