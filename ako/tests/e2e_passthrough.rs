//! End to end OpenShift passthrough Routes (F16, F17): a round with passthrough
//! hosts converges (the SNI DataScript's `Default-TLS` parser resolves), a second
//! round writes nothing, the `-insecure` companion lives exactly while some host
//! redirects, and deleting the Routes leaves no passthrough object behind.

mod e2e_support;

use ako::controller::ControllerStatus;
use e2e_support::*;
use k8s_fixtures::build;
use k8s_fixtures::crds::route::v1::{InsecureEdgeTerminationPolicy, Route};

const VS: &str = "c1--Shared-Passthrough-0";
const INSECURE: &str = "c1--Shared-Passthrough-0-insecure";

fn passthrough(name: &str, host: &str, policy: InsecureEdgeTerminationPolicy) -> Route {
    build::route("red", name, "web")
        .host(host)
        .passthrough()
        .insecure_policy(policy)
        .build()
}

/// Names of owned objects that belong to passthrough: the shared VS family and
/// every object named after one of its hosts.
fn passthrough_objects(env: &Env) -> Vec<(String, String)> {
    env.owned()
        .into_iter()
        .filter(|(_, n)| n.contains("Passthrough") || n.contains(".example.com"))
        .collect()
}

/// Runs a drift-repair round and asserts it made no Avi write.
async fn quiet_round(env: &Env, ctl: &ako::controller::ControllerHandle) -> ControllerStatus {
    let before = env.writes("ako-0");
    let st = full_sync_round(ctl).await;
    assert_eq!(
        env.writes("ako-0"),
        before,
        "a converged passthrough model needs no writes: {:?}",
        env.write_log("ako-0")
    );
    st
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passthrough_routes_converge_redirect_and_clean_up() {
    let env = Env::with_openshift("c1", true).await;
    env.apply_global(&build::namespace("red").build()).await;
    let web = env.apply(&web_service()).await;
    env.apply(&web_slice(&web, &["10.244.1.5"])).await;
    let redirect = passthrough(
        "secure",
        "secure.example.com",
        InsecureEdgeTerminationPolicy::Redirect,
    );
    env.apply(&redirect).await;
    let plain = env
        .apply(&passthrough(
            "plain",
            "plain.example.com",
            InsecureEdgeTerminationPolicy::None,
        ))
        .await;
    let ctl = env.start("ako-0");

    let st = converged_on(
        &ctl,
        has::<ako::crd::Route>("red", "plain", Some(&rv(&plain))),
    )
    .await;
    env.assert_matches(&st);
    let ds = env.avi_object("vsdatascriptset", VS).unwrap();
    assert_eq!(ds["protocol_parser_refs"].as_array().map(Vec::len), Some(1));
    let vs = env.avi_object("virtualservice", VS).unwrap();
    assert_eq!(vs["services"][0]["port"], 443);
    let insecure = env.avi_object("virtualservice", INSECURE).unwrap();
    assert_eq!(insecure["services"][0]["port"], 80);
    let policy = env.avi_object("httppolicyset", INSECURE).unwrap();
    let hosts = &policy["http_request_policy"]["rules"][0]["match"]["host_hdr"]["value"];
    assert_eq!(hosts, &serde_json::json!(["secure.example.com"]));
    quiet_round(&env, &ctl).await;

    // No host redirects any more: the port-80 companion and its policy go.
    let none = env
        .apply(&passthrough(
            "secure",
            "secure.example.com",
            InsecureEdgeTerminationPolicy::None,
        ))
        .await;
    let st = converged_on(
        &ctl,
        has::<ako::crd::Route>("red", "secure", Some(&rv(&none))),
    )
    .await;
    env.assert_matches(&st);
    assert!(env.avi_object("virtualservice", VS).is_some());
    assert!(env.avi_object("virtualservice", INSECURE).is_none());
    assert!(env.avi_object("httppolicyset", INSECURE).is_none());
    quiet_round(&env, &ctl).await;

    env.delete::<Route>("red", "secure").await;
    env.delete::<Route>("red", "plain").await;
    let gone = |s: &ako::model::ClusterState| {
        has::<ako::crd::Route>("red", "secure", None)(s)
            && has::<ako::crd::Route>("red", "plain", None)(s)
    };
    let st = converged_on(&ctl, gone).await;
    env.assert_matches(&st);
    assert_eq!(passthrough_objects(&env), Vec::new());
    quiet_round(&env, &ctl).await;
    ctl.shutdown().await;
}
