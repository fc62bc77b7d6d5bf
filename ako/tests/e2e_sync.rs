//! End to end, avi-sim + kube-sim + one controller: create / update / delete of
//! every watched kind converges; steady state and a restart make zero Avi writes;
//! one changed path costs at most 3 writes; out-of-band edits are repaired at
//! restart and by the periodic drift repair (F11, B23). Every count comes from
//! avi-sim's per-client request log.

mod e2e_support;

use std::time::Duration;

use e2e_support::*;
use k8s_fixtures::build::{self, WithMeta};
use k8s_openapi::api::core::v1::{Namespace, Node, Secret, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use serde_json::Value;

fn static_route_ids(env: &Env) -> Vec<String> {
    let vrf = env.avi_object("vrfcontext", "global").unwrap();
    vrf["static_routes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["route_id"].as_str().map(str::to_owned))
        .collect()
}

/// The certificate text avi-sim holds for the sample's TLS host.
fn pushed_certificate(env: &Env, st: &ako::controller::ControllerStatus) -> Value {
    let key = st
        .graph
        .objects
        .keys()
        .find(|k| k.kind.api_path() == "sslkeyandcertificate")
        .unwrap();
    env.avi_object("sslkeyandcertificate", &key.name).unwrap()["certificate"]["certificate"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_converges_and_steady_state_writes_nothing() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let ctl = env.start("ako-0");
    let st = converged_on(&ctl, sees_sample(&sample)).await;
    env.assert_matches(&st);
    assert!(st.leader && st.ready);
    assert!(env.writes("ako-0") > 0);
    let kinds: std::collections::BTreeSet<String> =
        env.owned().into_iter().map(|(t, _)| t).collect();
    for t in [
        "virtualservice",
        "pool",
        "poolgroup",
        "vsvip",
        "sslkeyandcertificate",
    ] {
        assert!(kinds.contains(t), "no {t} in {kinds:?}");
    }
    assert_eq!(static_route_ids(&env).len(), 2, "one route per node");

    // Steady state: a drift-repair round re-reads everything and writes nothing.
    let before = env.writes("ako-0");
    let st = full_sync_round(&ctl).await;
    assert_eq!(env.writes("ako-0"), before, "{:?}", env.write_log("ako-0"));
    assert_eq!(st.last_writes, 0);

    // Service endpoints change: the pool follows.
    let slice = env
        .apply(&web_slice(&sample.web, &["10.244.1.5", "10.244.1.7"]))
        .await;
    let st = converged_on(
        &ctl,
        has::<EndpointSlice>(
            "red",
            slice.metadata.name.as_deref().unwrap(),
            Some(&rv(&slice)),
        ),
    )
    .await;
    env.assert_matches(&st);
    let servers = st
        .graph
        .objects
        .iter()
        .filter(|(k, _)| k.kind.api_path() == "pool")
        .map(|(k, _)| env.avi_object("pool", &k.name).unwrap())
        .map(|p| p["servers"].as_array().map_or(0, Vec::len))
        .max();
    assert_eq!(servers, Some(2));

    // Ingress update (new host) then delete.
    let shop = env
        .apply(
            &build::ingress("red", "shop")
                .rule("shop.example.com", "/", "web", 80)
                .rule("more.example.com", "/", "web", 80)
                .build(),
        )
        .await;
    let st = converged_on(&ctl, has::<Ingress>("red", "shop", Some(&rv(&shop)))).await;
    env.assert_matches(&st);
    let with_more = env.owned();
    env.delete::<Ingress>("red", "shop").await;
    let st = converged_on(&ctl, has::<Ingress>("red", "shop", None)).await;
    env.assert_matches(&st);
    assert!(
        env.owned().len() < with_more.len(),
        "the Ingress's objects are gone"
    );

    // Secret update: the certificate follows.
    let cert_before = pushed_certificate(&env, &st);
    let tls = env.apply(&secure_tls()).await;
    let st = converged_on(&ctl, has::<Secret>("red", "secure-tls", Some(&rv(&tls)))).await;
    env.assert_matches(&st);
    let cert_after = pushed_certificate(&env, &st);
    assert_ne!(cert_before, cert_after, "new certificate pushed");

    // LoadBalancer Service deleted: its L4 VS goes.
    let l4_before = env
        .owned()
        .iter()
        .filter(|(t, _)| t == "virtualservice")
        .count();
    env.delete::<Service>("red", "lb").await;
    let st = converged_on(&ctl, has::<Service>("red", "lb", None)).await;
    env.assert_matches(&st);
    let l4_after = env
        .owned()
        .iter()
        .filter(|(t, _)| t == "virtualservice")
        .count();
    assert_eq!(l4_after + 1, l4_before);

    // Node deleted: its static route goes.
    env.delete_global::<Node>("n2").await;
    let st = converged_on(&ctl, has::<Node>("", "n2", None)).await;
    env.assert_matches(&st);
    assert_eq!(static_route_ids(&env).len(), 1);

    // A new namespace with an Ingress, then both removed.
    let blue = env
        .apply_global(&build::namespace("blue").label("team", "blue").build())
        .await;
    let svc = env
        .apply(&build::service("blue", "api").tcp(80, 8080).build())
        .await;
    env.apply(&web_slice(&svc, &["10.244.1.9"])).await;
    let ing = env
        .apply(
            &build::ingress("blue", "api")
                .rule("api.example.com", "/", "api", 80)
                .build(),
        )
        .await;
    let st = converged_on(&ctl, |s| {
        has::<Ingress>("blue", "api", Some(&rv(&ing)))(s)
            && has::<Namespace>("", "blue", Some(&rv(&blue)))(s)
    })
    .await;
    env.assert_matches(&st);
    assert!(env.owned().iter().any(|(_, n)| n.contains("blue")));
    env.delete::<Ingress>("blue", "api").await;
    env.delete_global::<Namespace>("blue").await;
    let st = converged_on(&ctl, |s| {
        has::<Ingress>("blue", "api", None)(s) && has::<Namespace>("", "blue", None)(s)
    })
    .await;
    env.assert_matches(&st);
    assert!(!env.owned().iter().any(|(_, n)| n.contains("blue")));
    ctl.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_on_unchanged_cluster_writes_nothing() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let first = env.start("ako-0");
    converged_on(&first, sees_sample(&sample)).await;
    first.shutdown().await;
    let second = env.start("ako-1");
    let st = converged_on(&second, sees_sample(&sample)).await;
    env.assert_matches(&st);
    assert_eq!(env.writes("ako-1"), 0, "{:?}", env.write_log("ako-1"));
    second.shutdown().await;
}

/// Applies `ing`, waits for convergence on it and returns the writes it cost.
async fn cost_of(env: &Env, ctl: &ako::controller::ControllerHandle, ing: Ingress) -> Vec<String> {
    let before = env.write_log("ako-0").len();
    let ing = env.apply(&ing).await;
    let st = converged_on(ctl, has::<Ingress>("red", "shop", Some(&rv(&ing)))).await;
    env.assert_matches(&st);
    env.write_log("ako-0")[before..].to_vec()
}

/// One path of one Ingress changes (its backend, a path added or removed): at most 3
/// writes. Renaming a path is a removal plus an addition — the pool is named after
/// the path, as in the original — and costs exactly 4.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_changed_path_costs_at_most_three_writes() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let web2 = env
        .apply(&build::service("red", "web2").tcp(80, 9090).build())
        .await;
    env.apply(&web_slice(&web2, &["10.244.2.8"])).await;
    let ctl = env.start("ako-0");
    converged_on(&ctl, sees_sample(&sample)).await;

    let new_backend = build::ingress("red", "shop")
        .rule("shop.example.com", "/", "web2", 80)
        .build();
    let writes = cost_of(&env, &ctl, new_backend).await;
    assert!(
        (1..=3).contains(&writes.len()),
        "backend change: {writes:?}"
    );

    let added = build::ingress("red", "shop")
        .rule("shop.example.com", "/", "web2", 80)
        .rule("shop.example.com", "/v2", "web", 80)
        .build();
    let writes = cost_of(&env, &ctl, added).await;
    assert!((1..=3).contains(&writes.len()), "added path: {writes:?}");

    // A renamed path is a new pool in, the old one out; the shared pool group's
    // members and the DataScript's route table (exact pathType matching, B22) follow.
    let renamed = build::ingress("red", "shop")
        .rule("shop.example.com", "/", "web2", 80)
        .rule("shop.example.com", "/v3", "web", 80)
        .build();
    let mut writes = cost_of(&env, &ctl, renamed).await;
    writes.sort();
    assert_eq!(
        writes,
        [
            "DELETE pool 204",
            "POST pool 201",
            "PUT poolgroup 200",
            "PUT vsdatascriptset 200"
        ],
        "renamed path"
    );

    let removed = build::ingress("red", "shop")
        .rule("shop.example.com", "/", "web2", 80)
        .build();
    let writes = cost_of(&env, &ctl, removed).await;
    assert!((1..=3).contains(&writes.len()), "removed path: {writes:?}");
    ctl.shutdown().await;
}

/// Changes a pool's servers and deletes the SNI child behind ako's back.
async fn edit_out_of_band(env: &Env, st: &ako::controller::ControllerStatus) -> (String, String) {
    let pool = st
        .graph
        .objects
        .keys()
        .find(|k| k.kind.api_path() == "pool" && k.name.contains("shop"))
        .unwrap()
        .name
        .clone();
    let child = st
        .graph
        .objects
        .iter()
        .find(|(k, o)| {
            k.kind.api_path() == "virtualservice" && o.body.get("vh_parent_vs_ref").is_some()
        })
        .map(|(k, _)| k.name.clone())
        .unwrap();
    let operator = env.operator();
    let mut body: Value = operator.get_by_name("pool", &pool).await.unwrap().unwrap();
    body["servers"] = serde_json::json!([{"ip": {"addr": "10.9.9.9", "type": "V4"}, "port": 9999}]);
    let uuid = body["uuid"].as_str().unwrap().to_owned();
    let _: Value = operator.put("pool", &uuid, &body).await.unwrap();
    let vs: Value = operator
        .get_by_name("virtualservice", &child)
        .await
        .unwrap()
        .unwrap();
    operator
        .delete("virtualservice", vs["uuid"].as_str().unwrap())
        .await
        .unwrap();
    assert!(env.avi_object("virtualservice", &child).is_none());
    (pool, child)
}

fn repaired(env: &Env, st: &ako::controller::ControllerStatus, pool: &str, child: &str) {
    env.assert_matches(st);
    let servers = env.avi_object("pool", pool).unwrap()["servers"].clone();
    assert!(
        !servers.to_string().contains("10.9.9.9"),
        "pool repaired: {servers}"
    );
    assert!(
        env.avi_object("virtualservice", child).is_some(),
        "SNI child re-created"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_band_edits_repaired_at_restart() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let ctl = env.start("ako-0");
    let st = converged_on(&ctl, sees_sample(&sample)).await;
    ctl.shutdown().await;
    let (pool, child) = edit_out_of_band(&env, &st).await;
    let ctl = env.start("ako-1");
    let st = converged_on(&ctl, sees_sample(&sample)).await;
    repaired(&env, &st, &pool, &child);
    assert_eq!(
        env.writes("ako-1"),
        2,
        "exactly the two repairs: {:?}",
        env.write_log("ako-1")
    );
    ctl.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_band_edits_repaired_by_periodic_full_sync() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let mut deps = env.deps("ako-0");
    deps.options.full_sync_interval = Some(Duration::from_millis(300));
    let ctl = ako::controller::Controller::start(deps);
    let st = converged_on(&ctl, sees_sample(&sample)).await;
    let (pool, child) = edit_out_of_band(&env, &st).await;
    // No Kubernetes change: only the timer can notice the drift.
    kube_support::eventually("drift repaired by the timer", || {
        env.avi_object("virtualservice", &child).is_some()
    })
    .await;
    let st = full_sync_round(&ctl).await;
    repaired(&env, &st, &pool, &child);
    ctl.shutdown().await;
}

/// An AviInfraSetting naming another SE group: the inventory is read again to cover
/// it, its `clustername` label is set, and the class's Ingress converges (F9, F18).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn infra_setting_se_group_is_read_and_labelled() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let _: Value = env
        .operator()
        .create(
            "serviceenginegroup",
            &serde_json::json!({"name": "edge-group", "cloud_ref": "/api/cloud?name=Default-Cloud"}),
        )
        .await
        .unwrap();
    let infra: ako::crd::AviInfraSetting = serde_json::from_value(serde_json::json!({
        "apiVersion": "ako.vmware.com/v1beta1",
        "kind": "AviInfraSetting",
        "metadata": {"name": "edge"},
        "spec": {"seGroup": {"name": "edge-group"}},
    }))
    .unwrap();
    env.apply_global(&infra).await;
    env.apply_global(
        &build::ingress_class("edge")
            .controller(build::AKO_INGRESS_CONTROLLER)
            .parameters("edge")
            .build(),
    )
    .await;
    let ing = env
        .apply(
            &build::ingress("red", "edge")
                .class("edge")
                .rule("edge.example.com", "/", "web", 80)
                .build(),
        )
        .await;
    let ctl = env.start("ako-0");
    converged_on(&ctl, sees_sample(&sample)).await;
    let st = converged_on(&ctl, has::<Ingress>("red", "edge", Some(&rv(&ing)))).await;
    env.assert_matches(&st);
    assert!(st.graph.se_group_labels.contains("edge-group"));
    let seg = env.avi_object("serviceenginegroup", "edge-group").unwrap();
    assert!(
        seg["labels"].to_string().contains(r#""value":"c1""#),
        "{seg}"
    );
    ctl.shutdown().await;
}
