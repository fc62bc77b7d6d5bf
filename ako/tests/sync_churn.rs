//! Churn: a deterministic sequence of graphs (random subsets of one cluster's objects,
//! closed under refs) applied in turn, and the reference changes that subsets cannot
//! make (a kept object stops referring to one that goes). After every step the
//! controller holds exactly the wanted objects of this cluster (no orphans, nothing
//! missing), and syncing again makes zero writes (DESIGN.md invariants 1, 2 and 4).
//! avi-sim refuses to delete a referenced object (403), so convergence without errors
//! also proves that referrers were changed or deleted first.

mod avi_support;

use std::collections::{BTreeMap, BTreeSet};

use ako::model::{AviGraph, AviKey, AviKind};
use ako::sync::{StepKey, owns};
use avi_sim::Handle;
use avi_support::{
    assert_converged, assert_no_writes, graph, listed, names, round, sim, synced, syncer, writes,
};
use serde_json::{Value, json};

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
    let mut found = BTreeSet::new();
    for kind in AviKind::ALL {
        for body in listed(sim, kind)
            .await
            .iter()
            .filter(|b| owns(kind, b, cluster))
        {
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

fn key(kind: AviKind, name: &str) -> AviKey {
    AviKey::new(kind, name)
}

const PARENT: &str = "c1--Shared-L7-0";
const CHILD: &str = "c1--secure.shop.example.com";

/// `g` without the objects `gone`; the objects that stay no longer list them as refs.
fn without(g: &AviGraph, gone: &[AviKey]) -> AviGraph {
    let mut g = g.clone();
    for k in gone {
        g.objects.remove(k);
    }
    for obj in g.objects.values_mut() {
        obj.refs.retain(|r| !gone.contains(r));
    }
    g
}

/// Removes top-level `fields` from the desired body of `k` (the model omits empty ones).
fn drop_fields(g: &mut AviGraph, k: &AviKey, fields: &[&str]) {
    let body = g.objects.get_mut(k).unwrap().body.as_object_mut().unwrap();
    for f in fields {
        assert!(body.remove(*f).is_some(), "{k} has no {f}");
    }
}

/// Syncs `first`, then `second`: the second round converges with no error, the
/// controller holds exactly what `second` wants, and one more round writes nothing.
async fn apply_then(first: &AviGraph, second: &AviGraph) -> Handle {
    let sim = sim().await;
    let mut s = synced(&sim, "c1", "ako", first).await;
    assert_converged(&s.sync(second, true).await);
    let kept_vips = second.shared_parents.iter().map(|p| key(AviKind::VsVip, p));
    let wanted: BTreeSet<AviKey> = second.objects.keys().cloned().chain(kept_vips).collect();
    assert_eq!(owned(&sim, "c1").await, wanted);
    let idle = round(&sim, &mut s, second).await;
    assert_eq!(idle.write_count(), 0, "{idle:#?}");
    assert_no_writes(&sim, "ako");
    sim
}

/// The one stored object of `kind` named `name`.
async fn stored(sim: &Handle, kind: AviKind, name: &str) -> Value {
    listed(sim, kind)
        .await
        .into_iter()
        .find(|o| o["name"] == name)
        .unwrap()
}

#[tokio::test]
async fn a_kept_vs_that_drops_its_policy_set_pool_group_and_fqdns_is_updated_before_they_go() {
    let full = graph("c1");
    let parent = key(AviKind::VirtualService, PARENT);
    let gone = [
        key(AviKind::HttpPolicySet, PARENT),
        key(AviKind::VsDataScriptSet, PARENT),
        key(AviKind::PoolGroup, PARENT),
        key(AviKind::Pool, "c1--plain.shop.example.com_-shop-shop"),
    ];
    let mut second = without(&full, &gone);
    drop_fields(
        &mut second,
        &parent,
        &["http_policies", "vs_datascripts", "pool_group_ref"],
    );
    // The shard's last FQDN went too: the model leaves the empty list out (F3).
    drop_fields(&mut second, &key(AviKind::VsVip, PARENT), &["dns_info"]);
    let sim = apply_then(&full, &second).await;
    let vip = stored(&sim, AviKind::VsVip, PARENT).await;
    assert!(vip.get("dns_info").is_none_or(|v| v == &json!([])), "{vip}");
    let vs = stored(&sim, AviKind::VirtualService, PARENT).await;
    for f in ["http_policies", "vs_datascripts", "pool_group_ref"] {
        assert!(vs.get(f).is_none_or(|v| v == &json!([])), "{f}: {vs}");
    }
    for k in &gone {
        assert!(!names(&sim, k.kind).await.contains(&k.name), "{k} left");
    }
}

#[tokio::test]
async fn an_sni_child_and_its_objects_go_while_the_parent_stays() {
    let full = graph("c1");
    let gone = [
        key(AviKind::VirtualService, CHILD),
        key(AviKind::SslKeyAndCertificate, CHILD),
        key(AviKind::HttpPolicySet, "c1--shop-secure.shop.example.com"),
        key(
            AviKind::PoolGroup,
            "c1--shop-secure.shop.example.com_cart-shop",
        ),
        key(AviKind::Pool, "c1--shop-secure.shop.example.com_cart-shop"),
    ];
    let sim = apply_then(&full, &without(&full, &gone)).await;
    assert!(
        names(&sim, AviKind::VirtualService)
            .await
            .contains(&PARENT.to_string())
    );
}

#[tokio::test]
async fn a_pool_dropped_from_a_pool_group_goes_after_the_group_is_updated() {
    let second = graph("c1");
    let mut first = second.clone();
    let plain = key(AviKind::Pool, "c1--plain.shop.example.com_-shop-shop");
    let extra = key(AviKind::Pool, "c1--plain.shop.example.com_-shop-extra");
    let mut pool = first.objects[&plain].clone();
    pool.body["name"] = json!(extra.name);
    first.objects.insert(extra.clone(), pool);
    let pg = first
        .objects
        .get_mut(&key(AviKind::PoolGroup, PARENT))
        .unwrap();
    pg.refs.push(extra.clone());
    let members = pg.body["members"].as_array_mut().unwrap();
    members.push(json!({"pool_ref": format!("/api/pool?name={}", extra.name),
        "priority_label": "plain.shop.example.com/extra", "ratio": 100}));
    let sim = apply_then(&first, &second).await;
    let pg = stored(&sim, AviKind::PoolGroup, PARENT).await;
    assert_eq!(pg["members"].as_array().unwrap().len(), 1, "{pg}");
}

#[tokio::test]
async fn deleting_everything_goes_referrers_first() {
    let full = graph("c1");
    let nothing = AviGraph {
        objects: Default::default(),
        shared_parents: Default::default(),
        ..full.clone()
    };
    let sim = sim().await;
    let mut s = synced(&sim, "c1", "ako", &full).await;
    let plan = s.plan(&nothing, true);
    let at = |kind: AviKind, name: &str| {
        let k = StepKey::Object(key(kind, name));
        plan.steps.iter().position(|st| st.key() == k).unwrap()
    };
    let vs = at(AviKind::VirtualService, PARENT);
    let pg = at(AviKind::PoolGroup, PARENT);
    let pool = at(AviKind::Pool, "c1--plain.shop.example.com_-shop-shop");
    assert!(at(AviKind::VirtualService, CHILD) < vs);
    assert!(vs < at(AviKind::VsDataScriptSet, PARENT));
    assert!(at(AviKind::VsDataScriptSet, PARENT) < pg && vs < pg && pg < pool);
    assert!(vs < at(AviKind::VsVip, PARENT));
    let l4 = at(AviKind::VirtualService, "c1--infra-dns");
    assert!(l4 < at(AviKind::VsVip, "c1--infra-dns"));
    assert!(l4 < at(AviKind::L4PolicySet, "c1--infra-dns"));
    assert!(at(AviKind::L4PolicySet, "c1--infra-dns") < at(AviKind::Pool, "c1--infra-dns-TCP-53"));
    // Each delete waits for the deletes of its referrers, not only comes later.
    assert!(plan.steps[pg].after.contains(&vs), "{:?}", plan.steps[pg]);
    assert_converged(&s.sync(&nothing, true).await);
    assert_eq!(owned(&sim, "c1").await, BTreeSet::new());
}
