//! `ako::sync` against a spawned avi-sim: cold sync, zero-write steady state and
//! restart, one change = one write, drift repair, lost create answers, failure
//! isolation, incomplete inventory, and another cluster's look-alike objects.
//! Write counts come from the simulator's request log.

mod avi_support;

use std::collections::BTreeSet;
use std::time::Duration;

use ako::avi::{Backoff, ListQuery, PatchOp};
use ako::model::{AviGraph, AviKey, AviKind};
use ako::sync::{InfraScope, PlanReport, StepKey, SyncOptions, Syncer};
use avi_sim::{Fault, FaultKind, Handle};
use avi_support::{client, graph, sim, writes};
use serde_json::{Value, json};

fn options() -> SyncOptions {
    SyncOptions {
        concurrency: 8,
        object_backoff: Backoff::new(Duration::from_millis(10), Duration::from_millis(40)),
        scope: InfraScope {
            vrf: Some("global".into()),
            se_groups: BTreeSet::from(["Default-Group".to_string()]),
        },
    }
}

async fn syncer(sim: &Handle, cluster: &str, client_id: &str) -> Syncer {
    Syncer::boot(client(sim, client_id), cluster, options()).await
}

fn assert_converged(report: &PlanReport) {
    assert!(report.is_converged(), "{report:#?}");
}

/// The `global` VRF, as `s` last saw it, holds routes and all are cluster c1-b's.
fn assert_only_c1_b_routes(s: &Syncer) {
    let vrf = &s.cache().vrf("global").unwrap().body;
    let ids: Vec<&str> = vrf["static_routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["route_id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.is_empty() && ids.iter().all(|id| id.starts_with("c1-b-")),
        "{ids:?}"
    );
}

/// Names of every object of `kind` on the controller.
async fn names(sim: &Handle, kind: AviKind) -> Vec<String> {
    let c = client(sim, "inspector");
    let all: Vec<Value> = c.list(kind.api_path(), &ListQuery::new()).await.unwrap();
    all.iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn cold_sync_then_steady_state_and_restart_make_zero_writes() {
    let sim = sim().await;
    let g = graph("c1");
    let mut s = syncer(&sim, "c1", "ako-a").await;
    let report = s.sync(&g, true).await;
    assert_converged(&report);
    // One write per object, plus the VRF PATCH and the SE-group label PUT.
    assert_eq!(
        report.write_count(),
        g.objects.len() + 2,
        "{report:#?} {:?}",
        writes(&sim, "ako-a")
    );
    assert_eq!(writes(&sim, "ako-a").len(), report.write_count());
    for key in g.objects.keys() {
        assert!(
            names(&sim, key.kind).await.contains(&key.name),
            "{key} missing"
        );
    }
    assert_eq!(s.cache().len(), g.objects.len());

    let again = s.sync(&g, true).await;
    assert_converged(&again);
    assert_eq!(again.write_count(), 0);
    assert_eq!(again.unchanged, g.objects.len());

    // A restarted instance reads the inventory and finds nothing to do.
    let mut restarted = syncer(&sim, "c1", "ako-b").await;
    let report = restarted.sync(&g, true).await;
    assert_converged(&report);
    assert_eq!(writes(&sim, "ako-b"), Vec::<String>::new());
    assert_eq!(writes(&sim, "ako-a").len(), g.objects.len() + 2);
}

/// The first pool of the graph and a copy of the graph with its servers' port changed.
fn with_one_pool_changed(g: &AviGraph) -> (AviKey, AviGraph) {
    let mut changed = g.clone();
    let (key, obj) = changed
        .objects
        .iter_mut()
        .find(|(k, _)| k.kind == AviKind::Pool)
        .expect("graph has a pool");
    obj.body["servers"][0]["port"] = json!(9999);
    (key.clone(), changed)
}

#[tokio::test]
async fn one_changed_pool_costs_exactly_one_write() {
    let sim = sim().await;
    let g = graph("c1");
    let mut s = syncer(&sim, "c1", "ako").await;
    assert_converged(&s.sync(&g, true).await);
    sim.request_log().clear();
    let (key, changed) = with_one_pool_changed(&g);
    let report = s.sync(&changed, true).await;
    assert_converged(&report);
    assert_eq!(writes(&sim, "ako"), vec!["PUT pool".to_string()]);
    let stored = &s.cache().get(&key).unwrap().body;
    assert_eq!(stored["servers"][0]["port"], 9999);
}

#[tokio::test]
async fn out_of_band_edits_are_repaired_and_then_left_alone() {
    let sim = sim().await;
    let g = graph("c1");
    let mut s = syncer(&sim, "c1", "ako").await;
    assert_converged(&s.sync(&g, true).await);

    // Someone edits a pool and deletes a virtual service behind our back.
    let vandal = client(&sim, "vandal");
    let pool = g
        .objects
        .keys()
        .find(|k| k.kind == AviKind::Pool)
        .unwrap()
        .clone();
    let pool_uuid = s.cache().get(&pool).unwrap().uuid.clone();
    let _: Value = vandal
        .patch(
            "pool",
            &pool_uuid,
            PatchOp::Replace,
            &json!({"servers": []}),
        )
        .await
        .unwrap();
    let vs = g
        .objects
        .keys()
        .rfind(|k| k.kind == AviKind::VirtualService)
        .unwrap()
        .clone();
    let vs_uuid = s.cache().get(&vs).unwrap().uuid.clone();
    vandal.delete("virtualservice", &vs_uuid).await.unwrap();
    sim.request_log().clear();

    // Drift repair: re-read the inventory, then sync.
    s.reload().await;
    let report = s.sync(&g, true).await;
    assert_converged(&report);
    let mut done = writes(&sim, "ako");
    done.sort();
    assert_eq!(
        done,
        vec!["POST virtualservice".to_string(), "PUT pool".to_string()]
    );
    assert!(
        names(&sim, AviKind::VirtualService)
            .await
            .contains(&vs.name)
    );

    // Periodic drift repair with nothing drifted writes nothing (B23).
    sim.request_log().clear();
    s.reload().await;
    let report = s.sync(&g, true).await;
    assert_converged(&report);
    assert!(writes(&sim, "ako").is_empty(), "{:?}", writes(&sim, "ako"));
}

#[tokio::test]
async fn a_lost_create_answer_is_adopted_without_duplicates() {
    let sim = sim().await;
    let g = graph("c1");
    // The first pool POST is applied, but its answer is lost (B5): the retry meets 409.
    sim.faults().add(
        Fault::new(FaultKind::ApplyThenError { status: 504 })
            .client("ako")
            .verb("POST")
            .object_type("pool")
            .count(1),
    );
    let mut s = syncer(&sim, "c1", "ako").await;
    let report = s.sync(&g, true).await;
    assert_converged(&report);
    let statuses: Vec<u16> = avi_support::entries(&sim, "ako")
        .iter()
        .filter(|e| e.method == "POST" && e.object_type == "pool")
        .map(|e| e.status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 504).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        1,
        "{statuses:?}"
    );
    let pools: Vec<String> = names(&sim, AviKind::Pool).await;
    let wanted: Vec<&AviKey> = g
        .objects
        .keys()
        .filter(|k| k.kind == AviKind::Pool)
        .collect();
    assert_eq!(pools.len(), wanted.len(), "{pools:?}");
    for key in wanted {
        assert!(pools.contains(&key.name));
        assert!(s.cache().get(key).is_some(), "{key} adopted into the cache");
    }
    sim.faults().clear();
    sim.request_log().clear();
    let report = s.sync(&g, true).await;
    assert_converged(&report);
    assert!(writes(&sim, "ako").is_empty());
}

#[tokio::test]
async fn one_failing_object_blocks_only_its_dependents() {
    let sim = sim().await;
    let g = graph("c1");
    let fault = sim.faults().add(
        Fault::new(FaultKind::Error {
            status: 400,
            message: Some("L4PolicySet refused".into()),
        })
        .client("ako")
        .verb("POST")
        .object_type("l4policyset"),
    );
    let mut s = syncer(&sim, "c1", "ako").await;
    let report = s.sync(&g, true).await;
    let l4: Vec<&AviKey> = g
        .objects
        .keys()
        .filter(|k| k.kind == AviKind::L4PolicySet)
        .collect();
    assert_eq!(report.errors.len(), l4.len(), "{report:#?}");
    assert!(report.errors[0].1.contains("L4PolicySet refused"));
    // Only the L4 virtual service waits for its policy set; everything else is applied.
    let blocked: Vec<&StepKey> = report.blocked.iter().collect();
    assert_eq!(blocked.len(), l4.len(), "{report:#?}");
    for key in g.objects.keys() {
        let present = s.cache().get(key).is_some();
        let held = report
            .errors
            .iter()
            .any(|(k, _)| *k == StepKey::Object(key.clone()))
            || report.blocked.contains(&StepKey::Object(key.clone()));
        assert_eq!(present, !held, "{key}");
    }
    assert_eq!(s.failing().count(), l4.len());
    assert!(s.next_retry().is_some());

    // Still backing off: not tried again, its dependent still waits.
    let report = s.sync(&g, true).await;
    assert!(
        report.deferred.len() + report.errors.len() >= l4.len(),
        "{report:#?}"
    );

    // The controller accepts it again; after the backoff the rest converges.
    sim.faults().remove(fault);
    tokio::time::sleep(Duration::from_millis(60)).await;
    sim.request_log().clear();
    let report = s.sync(&g, true).await;
    assert_converged(&report);
    let mut done = writes(&sim, "ako");
    done.sort();
    assert_eq!(
        done,
        vec![
            "POST l4policyset".to_string(),
            "POST virtualservice".to_string()
        ]
    );
    assert_eq!(s.failing().count(), 0);
}

#[tokio::test]
async fn an_incomplete_inventory_deletes_nothing() {
    let sim = sim().await;
    let g = graph("c1");
    let mut first = syncer(&sim, "c1", "ako-a").await;
    assert_converged(&first.sync(&g, true).await);
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
    assert!(
        writes(&sim, "ako-b").is_empty(),
        "{:?}",
        writes(&sim, "ako-b")
    );

    // A complete inventory, but the caller does not consent (kinds not listed yet).
    sim.faults().clear();
    let report = s.sync(&AviGraph::default(), false).await;
    assert!(s.cache().is_complete());
    assert!(!report.withheld.is_empty());
    assert!(writes(&sim, "ako-b").is_empty());
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
    let mut other = syncer(&sim, "c1-b", "ako-c1-b").await;
    assert_converged(&other.sync(&theirs, true).await);
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

    let mut check = syncer(&sim, "c1-b", "ako-c1-b-check").await;
    let report = check.sync(&theirs, true).await;
    assert_converged(&report);
    assert!(
        writes(&sim, "ako-c1-b-check").is_empty(),
        "{:?}",
        writes(&sim, "ako-c1-b-check")
    );
    assert_only_c1_b_routes(&check);
}

#[tokio::test]
async fn a_vsvip_update_keeps_its_allocated_address() {
    let sim = sim().await;
    let g = graph("c1");
    let mut s = syncer(&sim, "c1", "ako").await;
    assert_converged(&s.sync(&g, true).await);
    let (key, _) = g
        .objects
        .iter()
        .find(|(k, o)| k.kind == AviKind::VsVip && o.body.get("dns_info").is_some())
        .expect("a VsVip with FQDNs");
    let addr =
        |s: &Syncer| s.cache().get(key).unwrap().body["vip"][0]["ip_address"]["addr"].clone();
    let before = addr(&s);
    assert!(before.is_string(), "the controller allocated an address");

    // A new host on the shared VS: one PUT, same VIP.
    let mut more = g.clone();
    let body = &mut more.objects.get_mut(key).unwrap().body;
    body["dns_info"]
        .as_array_mut()
        .unwrap()
        .push(json!({"fqdn": "new.shop.example.com"}));
    sim.request_log().clear();
    let report = s.sync(&more, true).await;
    assert_converged(&report);
    assert_eq!(writes(&sim, "ako"), vec!["PUT vsvip".to_string()]);
    assert_eq!(addr(&s), before);
    s.reload().await;
    assert_eq!(addr(&s), before);
    assert_eq!(s.sync(&more, true).await.write_count(), 0);
}

#[tokio::test]
async fn delete_config_removes_everything_ours_and_only_ours() {
    let sim = sim().await;
    let mut other = syncer(&sim, "c1-b", "ako-c1-b").await;
    let mut theirs = graph("c1-b");
    // The SE group can carry one cluster label; c1 holds it in this test.
    theirs.se_group_labels.clear();
    assert_converged(&other.sync(&theirs, true).await);
    let mut s = syncer(&sim, "c1", "ako").await;
    assert_converged(&s.sync(&graph("c1"), true).await);

    let mut cfg = avi_support::values("c1");
    cfg.delete_config = true;
    let cleanup = avi_support::graph_for(&cfg);
    sim.request_log().clear();
    let report = s.sync(&cleanup, true).await;
    assert_converged(&report);
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
    let mut check = syncer(&sim, "c1-b", "ako-c1-b-check").await;
    assert_converged(&check.sync(&theirs, true).await);
    assert!(writes(&sim, "ako-c1-b-check").is_empty());
    // Running the cleanup again finds nothing left to do.
    sim.request_log().clear();
    assert_eq!(s.sync(&cleanup, true).await.write_count(), 0);
}

#[tokio::test]
async fn a_time_budget_splits_a_large_plan_over_rounds_without_duplicates() {
    let sim = sim().await;
    let g = graph("c1");
    sim.faults().add(
        Fault::new(FaultKind::Latency { ms: 20 })
            .client("ako")
            .verb("write"),
    );
    let mut s = syncer(&sim, "c1", "ako").await;
    let first = s.sync_within(&g, true, Duration::from_millis(1)).await;
    assert!(!first.postponed.is_empty(), "{first:#?}");
    assert!(first.write_count() <= options().concurrency);
    assert!(
        first.errors.is_empty() && first.blocked.is_empty(),
        "{first:#?}"
    );
    let mut rounds = 1;
    loop {
        let report = s.sync_within(&g, true, Duration::from_millis(1)).await;
        rounds += 1;
        if report.is_converged() {
            break;
        }
        assert!(rounds < 40, "{report:#?}");
    }
    assert!(rounds > 2);
    // Every object written once, VRF and SE group included; nothing twice.
    assert_eq!(writes(&sim, "ako").len(), g.objects.len() + 2);
    assert_eq!(s.sync(&g, true).await.write_count(), 0);
}
