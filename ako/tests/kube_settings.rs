//! `ako::kube::settings` and `ako::kube::lifecycle` against kube-sim: a ConfigMap
//! read error or a missing ConfigMap is an error and never `deleteConfig` (B3, B26),
//! live deleteConfig flips are followed, `avi-secret` is parsed, and the StatefulSet
//! annotation `AviObjectDeletionStatus` is set, read and removed (F1).

mod kube_support;

use ako::avi::Credentials;
use ako::config::ConfigSources;
use ako::kube::KubeError;
use ako::kube::lifecycle::{self, DeletionStatus};
use ako::kube::settings::{self, ConfigState, ConfigWatch};
use k8s_fixtures::build::{self, AKO_NAMESPACE};
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use serde_json::json;

use kube_support::{create, eventually, eventually_async, failing_client, sim};

fn configmap(delete: bool) -> ConfigMap {
    build::ako_config()
        .cluster_name("c1")
        .controller_ip("10.10.10.10")
        .delete_config(delete)
        .build()
}

fn delete_config(state: &ConfigState) -> Option<bool> {
    match state {
        ConfigState::Ready(cfg) => Some(cfg.delete_config),
        ConfigState::Unavailable(_) => None,
    }
}

#[tokio::test]
async fn a_configmap_read_error_is_an_error_never_delete_config() {
    let sim = sim(vec![]).await;
    create(&sim.client(), &configmap(false)).await;
    let (client, switch) = failing_client(&sim, "/configmaps");
    let err = settings::read_config(&client, AKO_NAMESPACE, &ConfigSources::new())
        .await
        .unwrap_err();
    assert!(matches!(err, KubeError::Api { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("ConfigMap/avi-system/avi-k8s-config"),
        "{err}"
    );

    let watch = ConfigWatch::start(client, AKO_NAMESPACE, ConfigSources::new());
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        delete_config(&watch.current()),
        None,
        "unread is unavailable, not a value"
    );
    switch.set(false);
    let mut rx = watch.subscribe();
    eventually("read once the API answers", || {
        delete_config(&rx.borrow_and_update()) == Some(false)
    })
    .await;
}

#[tokio::test]
async fn a_missing_configmap_is_a_clear_error() {
    let sim = sim(vec![]).await;
    let err = settings::read_config(&sim.client(), AKO_NAMESPACE, &ConfigSources::new())
        .await
        .unwrap_err();
    assert!(matches!(err, KubeError::NotFound { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("ConfigMap/avi-system/avi-k8s-config not found"),
        "{err}"
    );

    let watch = ConfigWatch::start(sim.client(), AKO_NAMESPACE, ConfigSources::new());
    eventually(
        "missing reported",
        || matches!(watch.current(), ConfigState::Unavailable(why) if why.contains("not found")),
    )
    .await;
}

#[tokio::test]
async fn the_watch_follows_delete_config_flips_and_deletion() {
    let sim = sim(vec![]).await;
    let c = sim.client();
    create(&c, &configmap(false)).await;
    let cfg = settings::read_config(&c, AKO_NAMESPACE, &ConfigSources::new())
        .await
        .unwrap();
    assert_eq!(
        (cfg.cluster_name.as_str(), cfg.delete_config),
        ("c1", false)
    );

    let watch = ConfigWatch::start(c.clone(), AKO_NAMESPACE, ConfigSources::new());
    eventually("read", || delete_config(&watch.current()) == Some(false)).await;
    let api: Api<ConfigMap> = Api::namespaced(c.clone(), AKO_NAMESPACE);
    let set = |v: &str| json!({"data": {"deleteConfig": v}});
    api.patch(
        "avi-k8s-config",
        &PatchParams::default(),
        &Patch::Merge(set("true")),
    )
    .await
    .unwrap();
    eventually("deleteConfig true", || {
        delete_config(&watch.current()) == Some(true)
    })
    .await;
    api.patch(
        "avi-k8s-config",
        &PatchParams::default(),
        &Patch::Merge(set("false")),
    )
    .await
    .unwrap();
    eventually("deleteConfig false", || {
        delete_config(&watch.current()) == Some(false)
    })
    .await;
    api.patch(
        "avi-k8s-config",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"shardVSSize": "HUGE"}})),
    )
    .await
    .unwrap();
    eventually(
        "invalid is unavailable",
        || matches!(watch.current(), ConfigState::Unavailable(why) if why.contains("shardVSSize")),
    )
    .await;
    api.delete("avi-k8s-config", &DeleteParams::default())
        .await
        .unwrap();
    eventually(
        "deleted is unavailable",
        || matches!(watch.current(), ConfigState::Unavailable(why) if why.contains("deleted")),
    )
    .await;
}

fn secret(fields: &[(&str, &str)]) -> Secret {
    let mut s = build::avi_secret("x", "y");
    s.data = Some(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), ByteString(v.as_bytes().to_vec())))
            .collect(),
    );
    s
}

#[tokio::test]
async fn avi_secret_gives_password_or_token_credentials_and_the_ca() {
    let sim = sim(vec![]).await;
    let c = sim.client();
    let missing = settings::read_avi_secret(&c, AKO_NAMESPACE)
        .await
        .unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("Secret/avi-system/avi-secret not found"),
        "{missing}"
    );

    create(&c, &build::avi_secret("admin", "pw")).await;
    let s = settings::read_avi_secret(&c, AKO_NAMESPACE).await.unwrap();
    assert!(
        matches!(&s.credentials, Credentials::Password { username, password } if username == "admin" && password == "pw")
    );
    assert_eq!(s.ca_pem, None);
    assert!(!format!("{s:?}").contains("pw"), "never print a secret");

    let api: Api<Secret> = Api::namespaced(c.clone(), AKO_NAMESPACE);
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    let mut token = secret(&[
        ("username", "admin"),
        ("authtoken", "tok"),
        ("certificateAuthorityData", pem),
    ]);
    token.metadata.resource_version = api
        .get("avi-secret")
        .await
        .unwrap()
        .metadata
        .resource_version;
    api.replace("avi-secret", &Default::default(), &token)
        .await
        .unwrap();
    let s = settings::read_avi_secret(&c, AKO_NAMESPACE).await.unwrap();
    assert!(matches!(&s.credentials, Credentials::Token { token, .. } if token == "tok"));
    assert_eq!(s.ca_pem.as_deref(), Some(pem));

    let mut bad = secret(&[("username", "admin")]);
    bad.metadata.resource_version = api
        .get("avi-secret")
        .await
        .unwrap()
        .metadata
        .resource_version;
    api.replace("avi-secret", &Default::default(), &bad)
        .await
        .unwrap();
    let err = settings::read_avi_secret(&c, AKO_NAMESPACE)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Secret/avi-system/avi-secret: needs password or authtoken"),
        "{err}"
    );
}

#[tokio::test]
async fn deletion_status_annotation_is_set_read_and_removed() {
    let sim = sim(vec![]).await;
    let c = sim.client();
    let err = lifecycle::deletion_status(&c, AKO_NAMESPACE)
        .await
        .unwrap_err();
    assert!(matches!(err, KubeError::NotFound { .. }), "{err}");

    create(&c, &build::ako_statefulset().build()).await;
    assert_eq!(
        lifecycle::deletion_status(&c, AKO_NAMESPACE).await.unwrap(),
        None
    );
    for status in [DeletionStatus::Started, DeletionStatus::Done] {
        lifecycle::set_deletion_status(&c, AKO_NAMESPACE, Some(status))
            .await
            .unwrap();
        assert_eq!(
            lifecycle::deletion_status(&c, AKO_NAMESPACE).await.unwrap(),
            Some(status)
        );
    }
    lifecycle::set_deletion_status(&c, AKO_NAMESPACE, None)
        .await
        .unwrap();
    assert_eq!(
        lifecycle::deletion_status(&c, AKO_NAMESPACE).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn an_api_outage_keeps_the_last_settings() {
    let sim = sim(vec![]).await;
    let c = sim.client();
    create(&c, &configmap(false)).await;
    let watch = ConfigWatch::start(c.clone(), AKO_NAMESPACE, ConfigSources::new());
    eventually("read", || delete_config(&watch.current()) == Some(false)).await;
    sim.faults().outage(std::time::Duration::from_secs(1));
    for _ in 0..15 {
        assert_eq!(
            delete_config(&watch.current()),
            Some(false),
            "a read error is never a value (B3)"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let api: Api<ConfigMap> = Api::namespaced(c.clone(), AKO_NAMESPACE);
    let patch = json!({"data": {"deleteConfig": "true"}});
    eventually_async("patched after the outage", || async {
        api.patch(
            "avi-k8s-config",
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
        .is_ok()
    })
    .await;
    eventually("change seen after the outage", || {
        delete_config(&watch.current()) == Some(true)
    })
    .await;
}
