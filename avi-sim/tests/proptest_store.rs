//! Property: whatever sequence of creates, updates, renames, deletes and bad refs
//! clients send (from two tenants), after every request each stored ref resolves to a
//! stored object (and the referrers index agrees), no name repeats in its scope, and
//! no request gets a 5xx.

mod common;

use std::collections::HashSet;

use common::*;
use proptest::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[derive(Debug, Clone)]
enum Op {
    Pool(usize),
    PoolGroup(usize, Vec<usize>),
    VsVip(usize),
    Vs {
        name: usize,
        pool: Option<usize>,
        group: Option<usize>,
        vsvip: Option<usize>,
    },
    SetMembers(usize, Vec<usize>),
    RenamePool(usize, usize),
    Delete(&'static str, usize),
    BadRef(usize),
}

const TYPES: [&str; 4] = ["pool", "poolgroup", "vsvip", "virtualservice"];

fn op() -> impl Strategy<Value = Op> {
    let n = || 0..4usize;
    prop_oneof![
        n().prop_map(Op::Pool),
        (n(), prop::collection::vec(n(), 0..3)).prop_map(|(a, m)| Op::PoolGroup(a, m)),
        n().prop_map(Op::VsVip),
        (
            n(),
            prop::option::of(n()),
            prop::option::of(n()),
            prop::option::of(n())
        )
            .prop_map(|(name, pool, group, vsvip)| Op::Vs {
                name,
                pool,
                group,
                vsvip
            }),
        (n(), prop::collection::vec(n(), 0..3)).prop_map(|(a, m)| Op::SetMembers(a, m)),
        (n(), n()).prop_map(|(a, b)| Op::RenamePool(a, b)),
        (prop::sample::select(&TYPES[..]), n()).prop_map(|(t, i)| Op::Delete(t, i)),
        n().prop_map(Op::BadRef),
    ]
}

fn members(m: &[usize]) -> Value {
    Value::Array(
        m.iter()
            .map(|i| json!({"pool_ref": format!("/api/pool?name=p{i}")}))
            .collect(),
    )
}

async fn uuid_of(api: &Api, ty: &str, name: &str) -> Option<String> {
    let (_, v) = api.get(&format!("/api/{ty}?name={name}")).await;
    v["results"][0]["uuid"].as_str().map(str::to_string)
}

async fn apply(api: &Api, op: &Op) -> StatusCode {
    match op {
        Op::Pool(i) => api.post("/api/pool", pool(&format!("p{i}"))).await.0,
        Op::PoolGroup(i, m) => {
            api.post(
                "/api/poolgroup",
                json!({"name": format!("g{i}"), "members": members(m)}),
            )
            .await
            .0
        }
        Op::VsVip(i) => {
            api.post(
                "/api/vsvip",
                json!({"name": format!("v{i}"), "vip": [{"auto_allocate_ip": true}]}),
            )
            .await
            .0
        }
        Op::Vs {
            name,
            pool,
            group,
            vsvip,
        } => {
            let mut b = json!({"name": format!("vs{name}"), "services": [{"port": 80}]});
            if let Some(p) = pool {
                b["pool_ref"] = json!(format!("/api/pool?name=p{p}"));
            }
            if let Some(g) = group {
                b["pool_group_ref"] = json!(format!("/api/poolgroup?name=g{g}"));
            }
            if let Some(v) = vsvip {
                b["vsvip_ref"] = json!(format!("/api/vsvip?name=v{v}"));
            }
            api.post("/api/virtualservice", b).await.0
        }
        Op::SetMembers(i, m) => match uuid_of(api, "poolgroup", &format!("g{i}")).await {
            Some(u) => {
                api.put(
                    &format!("/api/poolgroup/{u}"),
                    json!({"name": format!("g{i}"), "members": members(m)}),
                )
                .await
                .0
            }
            None => StatusCode::NOT_FOUND,
        },
        Op::RenamePool(a, b) => match uuid_of(api, "pool", &format!("p{a}")).await {
            Some(u) => {
                api.patch(
                    &format!("/api/pool/{u}"),
                    json!({"replace": {"name": format!("p{b}")}}),
                )
                .await
                .0
            }
            None => StatusCode::NOT_FOUND,
        },
        Op::Delete(ty, i) => {
            let prefix = match *ty {
                "pool" => "p",
                "poolgroup" => "g",
                "vsvip" => "v",
                _ => "vs",
            };
            match uuid_of(api, ty, &format!("{prefix}{i}")).await {
                Some(u) => api.delete(&format!("/api/{ty}/{u}")).await.0,
                None => StatusCode::NOT_FOUND,
            }
        }
        Op::BadRef(i) => {
            let body = json!({"name": format!("g{i}"), "members": [{"pool_ref": "/api/pool/pool-does-not-exist"}]});
            let s = api.post("/api/poolgroup", body).await.0;
            assert_eq!(s, StatusCode::BAD_REQUEST, "a bad ref is refused");
            s
        }
    }
}

fn check_invariants(h: &avi_sim::Handle) -> Result<(), String> {
    let store = h.store();
    let mut names = HashSet::new();
    for o in store.iter() {
        let body = Value::Object(o.body());
        for r in &o.refs {
            let target = store.get(&r.target).ok_or(format!(
                "{} {} has a dangling ref {}",
                o.type_path(),
                o.name,
                r.target
            ))?;
            let stored = body.pointer(&r.pointer).and_then(Value::as_str);
            if stored != Some(target.canonical().as_str()) {
                return Err(format!(
                    "{} {}: {} holds {stored:?}, index says {}",
                    o.type_path(),
                    o.name,
                    r.pointer,
                    r.target
                ));
            }
            if !store.referrers(&r.target).any(|x| x.uuid == o.uuid) {
                return Err(format!(
                    "referrers index misses {} -> {}",
                    o.name, target.name
                ));
            }
        }
        if !names.insert((
            o.type_path(),
            o.tenant.clone(),
            o.cloud.clone(),
            o.name.clone(),
        )) {
            return Err(format!(
                "name {} repeats for {} in tenant {}",
                o.name,
                o.type_path(),
                o.tenant
            ));
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn refs_resolve_and_names_stay_unique(ops in prop::collection::vec((any::<bool>(), op()), 1..40)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let h = sim().await;
            let admin = login(&h).await;
            admin.create("tenant", json!({"name": "t2"})).await;
            let other = login(&h).await.tenant("t2");
            for (use_other, op) in &ops {
                let api = if *use_other { &other } else { &admin };
                let status = apply(api, op).await;
                prop_assert!(!status.is_server_error(), "{op:?} gave {status}");
                check_invariants(&h).map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
            }
            Ok(())
        })?;
    }
}
