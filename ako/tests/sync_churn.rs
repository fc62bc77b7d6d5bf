//! Churn: a deterministic sequence of graphs (random subsets of one cluster's objects,
//! closed under refs) applied in turn. After every step the controller holds exactly
//! the wanted objects of this cluster (no orphans, nothing missing), and syncing again
//! makes zero writes (DESIGN.md invariants 1, 2 and 4).

mod avi_support;

use std::collections::{BTreeMap, BTreeSet};

use ako::avi::ListQuery;
use ako::model::{AviGraph, AviKey, AviKind};
use ako::sync::owns;
use avi_sim::Handle;
use avi_support::{client, graph, sim, syncer, writes};
use serde_json::Value;

/// A small deterministic generator (no test-order or seed dependence).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// The objects of `full` picked by `rng`, plus everything they refer to.
fn subset(full: &AviGraph, rng: &mut Lcg) -> AviGraph {
    let mut keep: BTreeSet<AviKey> = full
        .objects
        .keys()
        .filter(|_| rng.next().is_multiple_of(2))
        .cloned()
        .collect();
    let mut todo: Vec<AviKey> = keep.iter().cloned().collect();
    while let Some(key) = todo.pop() {
        for r in &full.objects[&key].refs {
            if keep.insert(r.clone()) {
                todo.push(r.clone());
            }
        }
    }
    AviGraph {
        objects: full
            .objects
            .iter()
            .filter(|(k, _)| keep.contains(*k))
            .map(|(k, o)| (k.clone(), o.clone()))
            .collect(),
        ..full.clone()
    }
}

/// Every object on the controller owned by `cluster`, by key.
async fn owned(sim: &Handle, cluster: &str) -> BTreeSet<AviKey> {
    let c = client(sim, "inspector");
    let mut found = BTreeSet::new();
    for kind in AviKind::ALL {
        let all: Vec<Value> = c.list(kind.api_path(), &ListQuery::new()).await.unwrap();
        for body in all.iter().filter(|b| owns(kind, b, cluster)) {
            found.insert(AviKey::new(kind, body["name"].as_str().unwrap()));
        }
    }
    found
}

#[tokio::test]
async fn random_churn_converges_with_no_orphans_and_no_idle_writes() {
    let sim = sim().await;
    let full = graph("c1");
    let mut s = syncer(&sim, "c1", "ako").await;
    let mut rng = Lcg(7);
    let mut ever: BTreeMap<AviKind, usize> = BTreeMap::new();
    for step in 0..10 {
        let want = if step == 9 {
            full.clone()
        } else {
            subset(&full, &mut rng)
        };
        for k in want.objects.keys() {
            *ever.entry(k.kind).or_default() += 1;
        }
        let report = s.sync(&want, true).await;
        assert!(report.is_converged(), "step {step}: {report:#?}");
        let have = owned(&sim, "c1").await;
        let kept_vips: BTreeSet<AviKey> = have
            .iter()
            .filter(|k| k.kind == AviKind::VsVip && want.shared_parents.contains(&k.name))
            .cloned()
            .collect();
        let wanted: BTreeSet<AviKey> = want.objects.keys().cloned().chain(kept_vips).collect();
        assert_eq!(have, wanted, "step {step}");
        sim.request_log().clear();
        let idle = s.sync(&want, true).await;
        assert_eq!(idle.write_count(), 0, "step {step}: {idle:#?}");
        assert!(writes(&sim, "ako").is_empty(), "step {step}");
    }
    // The walk went through more than one shape of every kind the cluster uses.
    assert!(ever.len() >= 5, "{ever:?}");
}
