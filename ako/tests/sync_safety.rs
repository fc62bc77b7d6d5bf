//! The sync safety rules against a spawned avi-sim, each a failure of the original
//! AKO: an incomplete inventory deletes nothing (B2, B21), another cluster's
//! look-alike objects and routes are never touched (B4), a same-named object we do
//! not own is never adopted (B5's upsert stays exact), and deleteConfig removes this
//! cluster's objects, routes and SE-group label and nothing else (F1, F23).

mod avi_support;

use ako::model::{AviGraph, AviKey, AviKind};
use ako::sync::StepKey;
use avi_sim::{Fault, FaultKind};
use avi_support::{
    assert_converged, assert_no_writes, assert_only_c1_b_routes, graph, keys_of, round, sim,
    sorted_writes, synced, syncer, writes,
};

#[tokio::test]
async fn an_incomplete_inventory_deletes_nothing() {
    let sim = sim().await;
    let g = graph("c1");
    synced(&sim, "c1", "ako-a", &g).await;
    let before = sim.snapshot().len();

    // A restarted instance whose read of one type fails: nothing may be deleted (B2, B21).
    sim.faults().add(
        Fault::new(FaultKind::Error {
            status: 500,
            message: None,
        })
        .client("ako-b")
        .verb("GET")
        .object_type("httppolicyset"),
    );
    let mut s = syncer(&sim, "c1", "ako-b").await;
    assert!(!s.cache().is_complete());
    let report = s.sync(&AviGraph::default(), true).await;
    assert!(!report.read_errors.is_empty());
    assert!(!report.withheld.is_empty());
    assert_no_writes(&sim, "ako-b");

    // A complete inventory, but the caller does not consent (kinds not listed yet).
    sim.faults().clear();
    let report = s.sync(&AviGraph::default(), false).await;
    assert!(s.cache().is_complete());
    assert!(!report.withheld.is_empty());
    assert_no_writes(&sim, "ako-b");
    assert_eq!(sim.snapshot().len(), before);

    // Both allow it: everything goes but the shared parent's VsVip (F3).
    let keep = AviGraph {
        shared_parents: g.shared_parents.clone(),
        ..AviGraph::default()
    };
    let report = s.sync(&keep, true).await;
    assert!(report.errors.is_empty(), "{report:#?}");
    let left: Vec<&AviKey> = s.cache().objects().map(|(k, _)| k).collect();
    assert!(!left.is_empty());
    assert!(
        left.iter()
            .all(|k| k.kind == AviKind::VsVip && g.shared_parents.contains(&k.name)),
        "{left:?}"
    );
}

#[tokio::test]
async fn another_clusters_look_alike_objects_are_never_touched() {
    let sim = sim().await;
    let theirs = graph("c1-b");
    synced(&sim, "c1-b", "ako-c1-b", &theirs).await;
    let mut ours = syncer(&sim, "c1", "ako-c1").await;
    assert!(ours.cache().is_empty(), "c1 must not claim c1-b's objects");

    // Our objects come and go; theirs stay, routes included (B4).
    let g = graph("c1");
    let report = ours.sync(&g, true).await;
    // The SE group already carries c1-b's label: reported, not overwritten (F18).
    assert!(
        report.problems.iter().any(
            |(k, why)| *k == StepKey::SeGroupLabel("Default-Group".into()) && why.contains("c1-b")
        ),
        "{report:#?}"
    );
    let empty = AviGraph {
        vrf: g.vrf.clone().map(|mut v| {
            v.routes.clear();
            v
        }),
        ..AviGraph::default()
    };
    let report = ours.sync(&empty, true).await;
    assert!(report.errors.is_empty(), "{report:#?}");
    assert!(ours.cache().is_empty());
    assert!(
        writes(&sim, "ako-c1")
            .iter()
            .all(|w| !w.contains("serviceenginegroup"))
    );

    let check = synced(&sim, "c1-b", "ako-c1-b-check", &theirs).await;
    assert_no_writes(&sim, "ako-c1-b-check");
    assert_only_c1_b_routes(&check);
}

#[tokio::test]
async fn delete_config_removes_everything_ours_and_only_ours() {
    let sim = sim().await;
    let mut theirs = graph("c1-b");
    // The SE group can carry one cluster label; c1 holds it in this test.
    theirs.se_group_labels.clear();
    synced(&sim, "c1-b", "ako-c1-b", &theirs).await;
    let mut s = synced(&sim, "c1", "ako", &graph("c1")).await;

    let mut cfg = avi_support::values("c1");
    cfg.delete_config = true;
    let cleanup = avi_support::graph_for(&cfg);
    round(&sim, &mut s, &cleanup).await;
    assert!(
        s.cache().is_empty(),
        "{:?}",
        s.cache().objects().collect::<Vec<_>>()
    );
    let done = writes(&sim, "ako");
    assert!(done.iter().any(|w| w == "PATCH vrfcontext"), "{done:?}");
    assert!(
        done.iter().any(|w| w == "PUT serviceenginegroup"),
        "{done:?}"
    );
    let seg = &s.cache().se_group("Default-Group").unwrap().body;
    assert!(
        seg["labels"].as_array().is_none_or(|l| l.is_empty()),
        "{seg}"
    );
    assert_only_c1_b_routes(&s);

    // The other cluster still has all it had.
    synced(&sim, "c1-b", "ako-c1-b-check", &theirs).await;
    assert_no_writes(&sim, "ako-c1-b-check");
    // Running the cleanup again finds nothing left to do.
    sim.request_log().clear();
    assert_eq!(s.sync(&cleanup, true).await.write_count(), 0);
}

#[tokio::test]
async fn a_same_named_object_we_do_not_own_is_not_taken_over() {
    let sim = sim().await;
    let g = graph("c1");
    let pool = keys_of(&g, AviKind::Pool)[0].clone();
    // Someone made a pool with our name by hand: no created_by, no marker.
    let user = avi_support::client(&sim, "user");
    let theirs: serde_json::Value = user
        .create(
            "pool",
            &serde_json::json!({"name": pool.name, "description": "hand-made"}),
        )
        .await
        .unwrap();
    let mut s = syncer(&sim, "c1", "ako").await;
    let report = s.sync(&g, true).await;
    let key = StepKey::Object(pool.clone());
    assert!(
        report
            .errors
            .iter()
            .any(|(k, e)| *k == key && e.contains("does not own")),
        "{report:#?}"
    );
    assert!(s.cache().get(&pool).is_none());
    let still: serde_json::Value = user
        .get("pool", theirs["uuid"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(still["description"], "hand-made");
    assert!(!writes(&sim, "ako").iter().any(|w| w == "PUT pool"));
    // Everything not depending on that pool was applied.
    assert!(s.cache().len() > g.objects.len() / 2);
}

#[tokio::test]
async fn routes_and_labels_are_kept_in_the_admin_tenant_whatever_tenant_we_serve() {
    let sim = sim().await;
    let admin = avi_support::client(&sim, "setup");
    let _: serde_json::Value = admin
        .create("tenant", &serde_json::json!({"name": "team-a"}))
        .await
        .unwrap();
    let mut cfg = avi_support::config(&sim, "ako");
    cfg.tenant = "team-a".into();
    let client = ako::avi::AviClient::new(cfg).unwrap();
    let mut s = ako::sync::Syncer::boot(client, "c1", avi_support::options()).await;
    let g = graph("c1");
    let infra_only = AviGraph {
        vrf: g.vrf.clone(),
        se_group_labels: g.se_group_labels.clone(),
        ..AviGraph::default()
    };
    assert_converged(&s.sync(&infra_only, true).await);
    assert_eq!(
        sorted_writes(&sim, "ako"),
        vec!["PATCH vrfcontext", "PUT serviceenginegroup"]
    );
}
