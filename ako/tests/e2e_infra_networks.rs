//! AviInfraSetting networks checked against Avi (F28): a network named by
//! `networkName` or `networkUUID` that exists is Accepted; one that does not rejects
//! that setting only, its status naming the network and the field, while everything
//! else converges as before; a fixed spec is looked up again and accepted.

mod e2e_support;

use ako::controller::ControllerStatus;
use ako::crd::AviInfraSetting;
use e2e_support::*;
use kube::api::Api;
use serde_json::{Value, json};

fn setting(name: &str, network: Value) -> AviInfraSetting {
    serde_json::from_value(json!({
        "apiVersion": "ako.vmware.com/v1beta1",
        "kind": "AviInfraSetting",
        "metadata": {"name": name},
        "spec": {"network": network},
    }))
    .unwrap()
}

/// `(status, error)` of the stored AviInfraSetting.
async fn crd_status(env: &Env, name: &str) -> (String, String) {
    let s = Api::<AviInfraSetting>::all(env.client())
        .get(name)
        .await
        .unwrap();
    let st = s.status.unwrap_or_default();
    (st.status, st.error)
}

/// `(setting, message)` of the round's missing-network errors, sorted.
fn network_errors(st: &ControllerStatus) -> Vec<(String, String)> {
    let mut v: Vec<_> = st
        .diagnostics
        .iter()
        .filter(|d| d.reason == "NetworkNotFound")
        .map(|d| (d.object.name.clone(), d.message.clone()))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_networks_reject_only_their_setting() {
    let env = Env::new("c1").await;
    let sample = apply_sample(&env).await;
    let vip = env.avi_object("network", "vip-network").unwrap();
    let uuid = vip["uuid"].as_str().unwrap();
    let by_name = json!({"vipNetworks": [{"networkName": "vip-network"}]});
    env.apply_global(&setting("by-name", by_name.clone())).await;
    let by_uuid = json!({
        "vipNetworks": [{"networkUUID": uuid}],
        "nodeNetworks": [{"networkName": "vip-network"}],
    });
    env.apply_global(&setting("by-uuid", by_uuid)).await;
    let bad_name = json!({"vipNetworks": [{"networkName": "no-such-net"}]});
    env.apply_global(&setting("bad-name", bad_name)).await;
    let bad_uuid = json!({
        "vipNetworks": [{"networkName": "vip-network"}],
        "nodeNetworks": [{"networkUUID": "network-dead"}],
    });
    let last = env.apply_global(&setting("bad-uuid", bad_uuid)).await;

    let ctl = env.start("ako-0");
    converged_on(&ctl, sees_sample(&sample)).await;
    let st = converged_on(
        &ctl,
        has::<AviInfraSetting>("", "bad-uuid", Some(&rv(&last))),
    )
    .await;
    // Everything else is synced as without the bad settings.
    env.assert_matches(&st);
    let errors = network_errors(&st);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, "bad-name");
    assert!(
        errors[0]
            .1
            .contains(r#""no-such-net" (spec.network.vipNetworks[0].networkName)"#),
        "{errors:?}"
    );
    assert_eq!(errors[1].0, "bad-uuid");
    assert!(
        errors[1]
            .1
            .contains(r#""network-dead" (spec.network.nodeNetworks[0].networkUUID)"#),
        "{errors:?}"
    );
    for ok in ["by-name", "by-uuid"] {
        assert_eq!(
            crd_status(&env, ok).await,
            ("Accepted".into(), String::new())
        );
    }
    let (status, error) = crd_status(&env, "bad-name").await;
    assert_eq!(status, "Rejected");
    assert!(error.contains("no-such-net"), "{error}");
    let (status, error) = crd_status(&env, "bad-uuid").await;
    assert_eq!(status, "Rejected");
    assert!(error.contains("network-dead"), "{error}");

    // The fixed spec is looked up again.
    let fixed = env.apply_global(&setting("bad-name", by_name)).await;
    let st = converged_on(
        &ctl,
        has::<AviInfraSetting>("", "bad-name", Some(&rv(&fixed))),
    )
    .await;
    let errors = network_errors(&st);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "bad-uuid");
    assert_eq!(
        crd_status(&env, "bad-name").await,
        ("Accepted".into(), String::new())
    );
    ctl.shutdown().await;
}
