//! `ako::sync` against a spawned avi-sim: cold sync, zero-write steady state and
//! restart, one change = one write, drift repair, lost create answers, failure
//! isolation, VIP stability, time-budgeted rounds. Write counts come from the
//! simulator's request log. The safety rules (B2/B21, B4, F1) are in `sync_safety.rs`.

mod avi_support;

use std::time::Duration;

use ako::avi::PatchOp;
use ako::model::{AviGraph, AviKey, AviKind};
use ako::sync::{StepKey, Syncer};
use avi_sim::{Fault, FaultKind};
use avi_support::{
    assert_converged, assert_no_writes, client, graph, keys_of, names, options, round, sim,
    sorted_writes, synced, syncer, writes,
};
use serde_json::{Value, json};

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

/// The last virtual service of the graph (an SNI child, in key order).
fn last_vs(g: &AviGraph) -> AviKey {
    keys_of(g, AviKind::VirtualService)
        .pop()
        .expect("graph has a VS")
}

#[tokio::test]
async fn one_changed_pool_costs_exactly_one_write() {
    let sim = sim().await;
    let g = graph("c1");
    let mut s = synced(&sim, "c1", "ako", &g).await;
    let (key, changed) = with_one_pool_changed(&g);
    round(&sim, &mut s, &changed).await;
    assert_eq!(writes(&sim, "ako"), vec!["PUT pool".to_string()]);
    let stored = &s.cache().get(&key).unwrap().body;
    assert_eq!(stored["servers"][0]["port"], 9999);
}

/// A drift-repair round from a cleared request log: re-read the inventory, then sync.
async fn repair(sim: &avi_sim::Handle, s: &mut Syncer, g: &AviGraph) {
    sim.request_log().clear();
    s.reload().await;
    assert_converged(&s.sync(g, true).await);
}

#[tokio::test]
async fn out_of_band_edits_are_repaired_and_then_left_alone() {
    let sim = sim().await;
    let g = graph("c1");
    let mut s = synced(&sim, "c1", "ako", &g).await;

    // Someone edits a pool and deletes a virtual service behind our back.
    let vandal = client(&sim, "vandal");
    let pool = keys_of(&g, AviKind::Pool)[0].clone();
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
    let vs = last_vs(&g);
    let vs_uuid = s.cache().get(&vs).unwrap().uuid.clone();
    vandal.delete("virtualservice", &vs_uuid).await.unwrap();

    // Drift repair: re-read the inventory, then sync.
    repair(&sim, &mut s, &g).await;
    assert_eq!(
        sorted_writes(&sim, "ako"),
        vec!["POST virtualservice".to_string(), "PUT pool".to_string()]
    );
    assert!(
        names(&sim, AviKind::VirtualService)
            .await
            .contains(&vs.name)
    );

    // Periodic drift repair with nothing drifted writes nothing (B23).
    repair(&sim, &mut s, &g).await;
    assert_no_writes(&sim, "ako");
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
    // One lost answer, one conflict on the retry.
    for code in [504, 409] {
        let seen = statuses.iter().filter(|s| **s == code).count();
        assert_eq!(seen, 1, "{code} in {statuses:?}");
    }
    let pools: Vec<String> = names(&sim, AviKind::Pool).await;
    let wanted = keys_of(&g, AviKind::Pool);
    assert_eq!(pools.len(), wanted.len(), "{pools:?}");
    for key in wanted {
        assert!(pools.contains(&key.name));
        assert!(
            s.cache().get(&key).is_some(),
            "{key} adopted into the cache"
        );
    }
    sim.faults().clear();
    round(&sim, &mut s, &g).await;
    assert_no_writes(&sim, "ako");
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
    let l4 = keys_of(&g, AviKind::L4PolicySet);
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
    round(&sim, &mut s, &g).await;
    assert_eq!(
        sorted_writes(&sim, "ako"),
        vec![
            "POST l4policyset".to_string(),
            "POST virtualservice".to_string()
        ]
    );
    assert_eq!(s.failing().count(), 0);
}

#[tokio::test]
async fn a_vsvip_update_keeps_its_allocated_address() {
    let sim = sim().await;
    let g = graph("c1");
    let mut s = synced(&sim, "c1", "ako", &g).await;
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
    round(&sim, &mut s, &more).await;
    assert_eq!(writes(&sim, "ako"), vec!["PUT vsvip".to_string()]);
    assert_eq!(addr(&s), before);
    s.reload().await;
    assert_eq!(addr(&s), before);
    assert_eq!(s.sync(&more, true).await.write_count(), 0);
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

#[tokio::test]
async fn an_update_of_an_object_deleted_meanwhile_recreates_it() {
    let sim = sim().await;
    let g = graph("c1");
    let mut s = synced(&sim, "c1", "ako", &g).await;
    let vs = last_vs(&g);
    let uuid = s.cache().get(&vs).unwrap().uuid.clone();
    client(&sim, "vandal")
        .delete("virtualservice", &uuid)
        .await
        .unwrap();
    // The cache still has it; the graph changes it: PUT meets 404, so POST.
    let mut changed = g.clone();
    changed.objects.get_mut(&vs).unwrap().body["description"] = json!("changed");
    round(&sim, &mut s, &changed).await;
    let statuses: Vec<(String, u16)> = avi_support::entries(&sim, "ako")
        .into_iter()
        .filter(|e| e.object_type == "virtualservice")
        .map(|e| (e.method, e.status))
        .collect();
    assert_eq!(statuses, vec![("PUT".into(), 404), ("POST".into(), 201)]);
    assert_ne!(s.cache().get(&vs).unwrap().uuid, uuid);
}
