//! Unit tests of `diff`: order, skips, deletions and what holds them back.

use serde_json::{Value, json};

use super::cache::AviCache;
use super::plan::{Op, Plan, StepKey, diff};
use crate::model::{AviGraph, AviKey, AviKind, AviObject};

const C: &str = "c1";

fn markers() -> Value {
    json!([{"key": "clustername", "values": [C]}])
}

fn desired(kind: AviKind, name: &str, refs: &[(AviKind, &str)]) -> (AviKey, AviObject) {
    let mut body = json!({"name": name, "markers": markers()});
    if kind.has_created_by() {
        body["created_by"] = json!("ako-c1");
    }
    for (i, (k, n)) in refs.iter().enumerate() {
        body[format!("ref_{i}")] = json!(format!("/api/{}?name={n}", k.api_path()));
    }
    let refs = refs.iter().map(|(k, n)| AviKey::new(*k, *n)).collect();
    (AviKey::new(kind, name), AviObject { body, refs })
}

/// What the controller would hold after creating `obj`.
fn observed(kind: AviKind, obj: &AviObject, uuid: &str) -> Value {
    let mut body = obj.body.clone();
    body["uuid"] = json!(uuid);
    body["url"] = json!(format!(
        "https://h/api/{}/{uuid}#{}",
        kind.api_path(),
        body["name"].as_str().unwrap()
    ));
    for (k, v) in body.as_object_mut().unwrap() {
        if k.starts_with("ref_") {
            let r = crate::avi::refs::parse(v.as_str().unwrap()).unwrap();
            *v = json!(format!(
                "https://h/api/{}/{}-x#{}",
                r.obj_type,
                r.obj_type,
                r.name.unwrap()
            ));
        }
    }
    body
}

fn graph(objs: Vec<(AviKey, AviObject)>) -> AviGraph {
    AviGraph {
        objects: objs.into_iter().collect(),
        ..AviGraph::default()
    }
}

/// A complete cache holding `objs` as the controller would.
fn cache_of(objs: &[(AviKey, AviObject)]) -> AviCache {
    cache_unread(objs, None)
}

/// Like `cache_of`, but the read of `unread` failed.
fn cache_unread(objs: &[(AviKey, AviObject)], unread: Option<AviKind>) -> AviCache {
    let mut cache = AviCache::new(C);
    for kind in AviKind::ALL.into_iter().filter(|k| Some(*k) != unread) {
        let bodies = objs
            .iter()
            .filter(|(k, _)| k.kind == kind)
            .map(|(k, o)| observed(kind, o, &format!("{}-{}", kind.api_path(), k.name)))
            .collect();
        cache.replace_kind(kind, bodies);
    }
    cache
}

fn position(plan: &Plan, kind: AviKind, name: &str) -> usize {
    let key = StepKey::Object(AviKey::new(kind, name));
    plan.steps.iter().position(|s| s.key() == key).unwrap()
}

fn l4() -> Vec<(AviKey, AviObject)> {
    vec![
        desired(
            AviKind::VirtualService,
            "c1--vs",
            &[(AviKind::VsVip, "c1--vip"), (AviKind::PoolGroup, "c1--pg")],
        ),
        desired(AviKind::PoolGroup, "c1--pg", &[(AviKind::Pool, "c1--pool")]),
        desired(AviKind::Pool, "c1--pool", &[]),
        desired(AviKind::VsVip, "c1--vip", &[]),
    ]
}

#[test]
fn creates_put_refs_before_referrers() {
    let plan = diff(&graph(l4()), &cache_of(&[]), true);
    assert_eq!(plan.steps.len(), 4);
    assert!(plan.steps.iter().all(|s| matches!(s.op, Op::Create { .. })));
    let vs = position(&plan, AviKind::VirtualService, "c1--vs");
    let pg = position(&plan, AviKind::PoolGroup, "c1--pg");
    let pool = position(&plan, AviKind::Pool, "c1--pool");
    let vip = position(&plan, AviKind::VsVip, "c1--vip");
    assert!(pool < pg && pg < vs && vip < vs);
    let mut after = plan.steps[vs].after.clone();
    after.sort_unstable();
    let mut want = vec![pg, vip];
    want.sort_unstable();
    assert_eq!(after, want);
}

#[test]
fn steady_state_plans_nothing_and_one_change_plans_one_update() {
    let objs = l4();
    let cache = cache_of(&objs);
    let plan = diff(&graph(objs.clone()), &cache, true);
    assert!(plan.is_empty(), "{plan:?}");
    assert_eq!(plan.unchanged, 4);

    let mut changed = objs;
    changed[2].1.body["default_server_port"] = json!(8080);
    let plan = diff(&graph(changed), &cache, true);
    assert_eq!(plan.steps.len(), 1);
    assert!(
        matches!(&plan.steps[0].op, Op::Update { key, uuid, .. } if key.name == "c1--pool" && uuid == "pool-c1--pool")
    );
}

#[test]
fn deletes_go_referrers_first_and_only_when_allowed() {
    let cache = cache_of(&l4());
    let plan = diff(&AviGraph::default(), &cache, true);
    assert!(plan.steps.iter().all(|s| matches!(s.op, Op::Delete { .. })));
    let vs = position(&plan, AviKind::VirtualService, "c1--vs");
    let pg = position(&plan, AviKind::PoolGroup, "c1--pg");
    let pool = position(&plan, AviKind::Pool, "c1--pool");
    let vip = position(&plan, AviKind::VsVip, "c1--vip");
    assert!(vs < pg && pg < pool && vs < vip);
    assert!(plan.steps[pool].after.contains(&pg));

    let held = diff(&AviGraph::default(), &cache, false);
    assert!(held.is_empty());
    assert_eq!(held.withheld.len(), 4);

    // One type unread: the inventory is incomplete and nothing is deleted (B21).
    let partial = cache_unread(&l4(), Some(AviKind::L4PolicySet));
    assert!(!partial.is_complete());
    let held = diff(&AviGraph::default(), &partial, true);
    assert!(held.is_empty());
    assert_eq!(held.withheld.len(), 4);
}

#[test]
fn a_pool_is_deleted_only_after_its_referrer_moved_away() {
    let before = l4();
    let cache = cache_of(&before);
    let mut after: Vec<_> = before
        .into_iter()
        .filter(|(k, _)| k.kind != AviKind::Pool)
        .collect();
    after.push(desired(AviKind::Pool, "c1--pool2", &[]));
    for (k, o) in after.iter_mut() {
        if k.kind == AviKind::PoolGroup {
            *o = desired(
                AviKind::PoolGroup,
                "c1--pg",
                &[(AviKind::Pool, "c1--pool2")],
            )
            .1;
        }
    }
    let plan = diff(&graph(after), &cache, true);
    let create = position(&plan, AviKind::Pool, "c1--pool2");
    let update = position(&plan, AviKind::PoolGroup, "c1--pg");
    let delete = position(&plan, AviKind::Pool, "c1--pool");
    assert_eq!(plan.steps.len(), 3);
    assert!(create < update && update < delete);
    assert_eq!(plan.steps[update].after, vec![create]);
    assert_eq!(plan.steps[delete].after, vec![update]);
}

#[test]
fn shared_parent_vsvip_is_kept() {
    let cache = cache_of(&l4());
    let mut g = AviGraph::default();
    g.shared_parents.insert("c1--vip".to_string());
    let plan = diff(&g, &cache, true);
    assert_eq!(plan.steps.len(), 3);
    assert!(
        plan.steps
            .iter()
            .all(|s| s.key() != StepKey::Object(AviKey::new(AviKind::VsVip, "c1--vip")))
    );
}

#[test]
fn a_kept_referrer_that_drops_a_ref_is_updated_before_the_ref_is_deleted() {
    let before = l4();
    let cache = cache_of(&before);
    // The VS no longer names a pool group at all (the model omits the field).
    let after = vec![
        desired(
            AviKind::VirtualService,
            "c1--vs",
            &[(AviKind::VsVip, "c1--vip")],
        ),
        desired(AviKind::VsVip, "c1--vip", &[]),
    ];
    let plan = diff(&graph(after.clone()), &cache, true);
    assert_eq!(plan.steps.len(), 3, "{plan:?}");
    let vs = position(&plan, AviKind::VirtualService, "c1--vs");
    let pg = position(&plan, AviKind::PoolGroup, "c1--pg");
    let pool = position(&plan, AviKind::Pool, "c1--pool");
    assert!(matches!(plan.steps[vs].op, Op::Update { .. }));
    assert_eq!(plan.steps[pg].after, vec![vs]);
    assert_eq!(plan.steps[pool].after, vec![pg]);

    // Without consent to delete, the referrer still drops the ref; the deletes wait.
    let held = diff(&graph(after), &cache, false);
    assert_eq!(held.steps.len(), 1);
    assert!(matches!(held.steps[0].op, Op::Update { .. }));
    assert_eq!(held.withheld.len(), 2);
}
