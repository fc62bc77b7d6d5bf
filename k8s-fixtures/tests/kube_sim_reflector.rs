//! A kube-runtime watcher + reflector stays equal to kube-sim across 1000 seeded random
//! changes, a forced `410 Gone` re-list in the middle and dropped watch streams; a second
//! reflector with a label selector sees objects enter and leave its selector.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::{self, Store};
use kube::runtime::watcher::{self, Event};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use k8s_fixtures::kube_sim;

type View = BTreeMap<(String, String), (String, Option<BTreeMap<String, String>>)>;

fn view<'a>(items: impl Iterator<Item = &'a ConfigMap>) -> View {
    items
        .map(|c| {
            let m = &c.metadata;
            let key = (
                m.namespace.clone().unwrap_or_default(),
                m.name.clone().unwrap_or_default(),
            );
            (
                key,
                (
                    m.resource_version.clone().unwrap_or_default(),
                    c.data.clone(),
                ),
            )
        })
        .collect()
}

/// Starts a reflector; returns its store and a counter of initial lists (re-lists after 410).
fn reflect(api: Api<ConfigMap>, cfg: watcher::Config) -> (Store<ConfigMap>, Arc<AtomicUsize>) {
    let (reader, writer) = reflector::store();
    let lists = Arc::new(AtomicUsize::new(0));
    let counter = lists.clone();
    let stream = watcher::watcher(api, cfg)
        .default_backoff()
        .map(move |ev| {
            if let Ok(Event::Init) = &ev {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            ev
        })
        .reflect(writer)
        .for_each(|_| async {});
    tokio::spawn(stream);
    (reader, lists)
}

/// Waits until the reflector shows what the server lists (no fixed sleep decides the result:
/// the loop ends as soon as they agree, and fails only after a long grace period).
async fn converge(store: &Store<ConfigMap>, api: &Api<ConfigMap>, lp: &ListParams) -> (View, View) {
    let mut last = (View::new(), View::new());
    for _ in 0..600 {
        let server = view(api.list(lp).await.unwrap().items.iter());
        let cached = view(store.state().iter().map(|a| a.as_ref()));
        if server == cached {
            return (server, cached);
        }
        last = (server, cached);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last
}

async fn random_change(
    rng: &mut StdRng,
    apis: &[Api<ConfigMap>],
    live: &mut Vec<(usize, String)>,
    next: &mut usize,
) {
    let roll = rng.random_range(0..100);
    if live.is_empty() || roll < 35 {
        let ns = rng.random_range(0..apis.len());
        let name = format!("cm-{next}");
        *next += 1;
        let keep = if rng.random_bool(0.5) { "yes" } else { "no" };
        let obj: ConfigMap = serde_json::from_value(
            json!({"metadata": {"name": name, "labels": {"keep": keep}}, "data": {"v": "0"}}),
        )
        .unwrap();
        apis[ns].create(&PostParams::default(), &obj).await.unwrap();
        live.push((ns, name));
        return;
    }
    let idx = rng.random_range(0..live.len());
    let (ns, name) = live[idx].clone();
    let api = &apis[ns];
    if roll < 55 {
        api.delete(&name, &DeleteParams::default()).await.unwrap();
        live.swap_remove(idx);
    } else if roll < 75 {
        let keep = if rng.random_bool(0.5) { "yes" } else { "no" };
        api.patch(
            &name,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"keep": keep}}})),
        )
        .await
        .unwrap();
    } else {
        let v = rng.random_range(0..1_000_000).to_string();
        api.patch(
            &name,
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"v": v}})),
        )
        .await
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reflector_stays_equal_through_random_churn_and_410() {
    let sim = kube_sim::spawn().await.unwrap();
    let client = sim.client();
    let nss: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    nss.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "other"}})).unwrap(),
    )
    .await
    .unwrap();
    let apis = [
        Api::<ConfigMap>::namespaced(client.clone(), "default"),
        Api::namespaced(client.clone(), "other"),
    ];
    let all: Api<ConfigMap> = Api::all(client.clone());

    let (store, lists) = reflect(all.clone(), watcher::Config::default().page_size(50));
    let (kept, _) = reflect(all.clone(), watcher::Config::default().labels("keep=yes"));
    store.wait_until_ready().await.unwrap();
    kept.wait_until_ready().await.unwrap();

    let mut rng = StdRng::seed_from_u64(0x5eed);
    let (mut live, mut next) = (Vec::new(), 0usize);
    let everything = ListParams::default();
    let selected = ListParams::default().labels("keep=yes");
    // Three phases of churn; each ends with both reflectors checked against the server, so
    // every phase's changes reach them through watch events (not only through a re-list).
    for phase in 0..3 {
        match phase {
            // Compaction: the watchers' resourceVersions are now too old; they must re-list.
            1 => {
                sim.expire_history();
            }
            // Dropped streams: watchers resume from their resourceVersion, no re-list.
            2 => sim.drop_watches(),
            _ => {}
        }
        let lists_before = lists.load(Ordering::SeqCst);
        for _ in 0..[500, 250, 250][phase] {
            random_change(&mut rng, &apis, &mut live, &mut next).await;
        }
        let (server, cached) = converge(&store, &all, &everything).await;
        assert_eq!(
            cached, server,
            "reflector diverged from the server in phase {phase}"
        );
        assert!(
            server.len() > 20,
            "the churn should leave objects behind (got {})",
            server.len()
        );
        let (server, cached) = converge(&kept, &all, &selected).await;
        assert_eq!(
            cached, server,
            "label-selected reflector diverged in phase {phase}"
        );
        let relists = lists.load(Ordering::SeqCst) - lists_before;
        assert_eq!(
            relists,
            usize::from(phase == 1),
            "re-lists in phase {phase}"
        );
    }
}
