//! `ako crd migrate` (F29, F30) against kube-sim: objects written under the old
//! v1alpha1-only CRDs are re-stored at v1beta1 after the CRDs are upgraded, the CRDs
//! end with `storedVersions: [v1beta1]`, a second run and a dry run write nothing, and
//! old CRDs are refused before anything is written.
//!
//! Where an object is stored is seen through kube-sim's converter: reading at v1beta1
//! converts only objects stored at another version.

mod crd_migrate_support;
mod kube_support;

use std::process::Output;
use std::sync::atomic::Ordering;

use ako::kube::migrate::{MigrateError, MigrateOptions, Outcome, migrate};
use k8s_fixtures::crds::all_crds;
use serde_json::json;

use crd_migrate_support::*;
use kube_support::{failing_client, install_crds};

#[tokio::test]
async fn migration_restores_every_object_at_v1beta1_and_records_it() {
    let c = upgraded_cluster().await;
    assert_eq!(
        c.stored_versions().await,
        all_stored(json!(["v1alpha1", "v1beta1"]))
    );
    let mut before = Vec::new();
    for obj in OBJECTS {
        assert_eq!(c.stored_at(obj).await, "v1alpha1", "{obj:?} before");
        before.push(c.get(BETA, obj).await);
    }

    let report = migrate(&c.sim.client(), &opts()).await.unwrap();

    assert_eq!(rewritten(&report), ALL_KEYS);
    assert_eq!(report.failures(), 0);
    for crd in CRDS {
        let p = progress(&report, crd);
        assert_eq!(p.stored_before, ["v1alpha1", "v1beta1"], "{crd}");
        assert_eq!(p.stored_after.as_deref(), Some(&["v1beta1".to_owned()][..]));
    }
    assert_eq!(c.stored_versions().await, all_stored(json!(["v1beta1"])));
    for (obj, old) in OBJECTS.into_iter().zip(before) {
        assert_eq!(c.stored_at(obj).await, "v1beta1", "{obj:?} after");
        let new = c.get(BETA, obj).await;
        assert_ne!(
            new["metadata"]["resourceVersion"], old["metadata"]["resourceVersion"],
            "{obj:?} rewritten"
        );
        for field in ["spec", "status"] {
            assert_eq!(new[field], old[field], "{obj:?} {field} unchanged");
        }
        assert_eq!(new["metadata"]["labels"], old["metadata"]["labels"]);
        let alpha = c.get(ALPHA, obj).await;
        assert_eq!(alpha["apiVersion"], ALPHA);
    }
    let hr = c.get(ALPHA, OBJECTS[0]).await;
    assert_eq!(hr["spec"]["virtualhost"]["fqdn"], "secure.example.com");
    assert_eq!(hr["spec"]["virtualhost"]["enableVirtualHost"], false);
    assert_eq!(hr["status"]["status"], "Accepted");
}

#[tokio::test]
async fn a_second_run_writes_nothing() {
    let c = upgraded_cluster().await;
    migrate(&c.sim.client(), &opts()).await.unwrap();
    let rv = c.sim.resource_version();

    let again = migrate(&c.sim.client(), &opts()).await.unwrap();

    assert_eq!(c.sim.resource_version(), rv, "no write on the second run");
    for k in &again.kinds {
        assert_eq!(k.outcome, Outcome::AlreadyMigrated, "{}", k.crd);
    }
    assert_eq!(c.stored_versions().await, all_stored(json!(["v1beta1"])));
}

#[tokio::test]
async fn dry_run_lists_the_work_and_writes_nothing() {
    let c = upgraded_cluster().await;
    let rv = c.sim.resource_version();

    let dry = MigrateOptions {
        dry_run: true,
        ..opts()
    };
    let report = migrate(&c.sim.client(), &dry).await.unwrap();

    assert!(report.dry_run);
    assert_eq!(rewritten(&report), ALL_KEYS);
    assert_eq!(
        progress(&report, CRDS[0]).stored_after.as_deref(),
        Some(&["v1beta1".to_owned()][..])
    );
    assert_eq!(c.sim.resource_version(), rv, "a dry run stores nothing");
    assert_eq!(
        c.stored_versions().await,
        all_stored(json!(["v1alpha1", "v1beta1"]))
    );
    for obj in OBJECTS {
        assert_eq!(c.stored_at(obj).await, "v1alpha1", "{obj:?}");
    }
}

#[tokio::test]
async fn old_crds_are_refused_with_the_fix_and_nothing_is_written() {
    let c = old_cluster().await;
    let rv = c.sim.resource_version();

    let err = migrate(&c.sim.client(), &opts()).await.unwrap_err();

    assert!(matches!(err, MigrateError::NotUpgraded { .. }), "{err:?}");
    let msg = err.to_string();
    for crd in CRDS {
        assert!(
            msg.contains(&format!("{crd} does not serve v1beta1")),
            "{msg}"
        );
    }
    assert!(
        msg.contains(&format!("kubectl apply -f {CRD_SOURCE}")),
        "{msg}"
    );
    assert_eq!(c.sim.resource_version(), rv);
}

#[tokio::test]
async fn one_old_crd_blocks_the_others_before_any_write() {
    let c = old_cluster().await;
    let hostrule_only: Vec<_> = all_crds()
        .into_iter()
        .filter(|crd| crd.metadata.name.as_deref() == Some(CRDS[0]))
        .collect();
    install_crds(&c.sim.client(), hostrule_only).await;
    let rv = c.sim.resource_version();

    let err = migrate(&c.sim.client(), &opts())
        .await
        .unwrap_err()
        .to_string();

    assert!(
        err.contains("httprules.ako.vmware.com does not serve v1beta1"),
        "{err}"
    );
    assert!(!err.contains("hostrules.ako.vmware.com"), "{err}");
    assert_eq!(c.sim.resource_version(), rv);
    assert_eq!(c.stored_at(OBJECTS[0]).await, "v1alpha1");
}

#[tokio::test]
async fn a_namespace_filter_migrates_that_namespace_and_keeps_stored_versions() {
    let c = upgraded_cluster().await;
    let team = MigrateOptions {
        namespace: Some("team".into()),
        ..opts()
    };

    let report = migrate(&c.sim.client(), &team).await.unwrap();

    assert_eq!(rewritten(&report), ["HostRule/team/other"]);
    let infra = report.kinds.iter().find(|k| k.crd == CRDS[2]).unwrap();
    assert_eq!(infra.outcome, Outcome::SkippedClusterScoped);
    assert_eq!(progress(&report, CRDS[0]).stored_after, None);
    assert_eq!(
        c.stored_versions().await,
        all_stored(json!(["v1alpha1", "v1beta1"]))
    );
    assert_eq!(c.stored_at(OBJECTS[1]).await, "v1beta1");
    assert_eq!(c.stored_at(OBJECTS[0]).await, "v1alpha1");
}

#[tokio::test]
async fn a_failed_object_keeps_its_crd_unfinished_and_a_rerun_finishes() {
    let c = upgraded_cluster().await;
    let (client, switch) = failing_client(&c.sim, "/hostrules/secure-off");

    let report = migrate(&client, &opts()).await.unwrap();

    assert_eq!(report.failures(), 1);
    let hr = progress(&report, CRDS[0]);
    assert!(
        hr.failed[0].contains("HostRule/default/secure-off"),
        "{hr:?}"
    );
    assert_eq!(hr.rewritten, ["HostRule/team/other"]);
    assert_eq!(hr.stored_after, None);
    let stored = c.stored_versions().await;
    assert_eq!(stored[CRDS[0]], json!(["v1alpha1", "v1beta1"]));
    assert_eq!(stored[CRDS[1]], json!(["v1beta1"]));

    switch.set(false);
    let again = migrate(&client, &opts()).await.unwrap();
    assert_eq!(
        progress(&again, CRDS[0]).rewritten,
        ["HostRule/default/secure-off", "HostRule/team/other"]
    );
    assert_eq!(c.stored_versions().await, all_stored(json!(["v1beta1"])));
    assert_eq!(c.stored_at(OBJECTS[0]).await, "v1beta1");
}
#[tokio::test]
async fn a_conflict_is_re_read_and_the_concurrent_change_is_kept() {
    let c = upgraded_cluster().await;
    let (client, fired) = interfering_client(&c.sim, "/hostrules/secure-off");

    let report = migrate(&client, &opts()).await.unwrap();

    assert!(fired.load(Ordering::SeqCst));
    let hr = progress(&report, CRDS[0]);
    assert_eq!((hr.conflicts, hr.failed.len()), (1, 0), "{hr:?}");
    assert!(
        hr.rewritten
            .contains(&"HostRule/default/secure-off".to_owned())
    );
    assert_eq!(c.stored_at(OBJECTS[0]).await, "v1beta1");
    let obj = c.get(BETA, OBJECTS[0]).await;
    assert_eq!(
        obj["metadata"]["labels"],
        json!({"team": "web", "touched": "yes"})
    );
    assert_eq!(c.stored_versions().await, all_stored(json!(["v1beta1"])));
}

fn ako(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ako"))
        .args(args)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_prints_a_summary_per_crd_and_refuses_old_crds() {
    let old = old_cluster().await;
    let kc = old.sim.kubeconfig_path().to_str().unwrap().to_owned();
    let refused = ako(&["crd", "migrate", "--kubeconfig", &kc]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stdout));
    let err = text(&refused.stderr);
    assert!(
        err.contains("hostrules.ako.vmware.com does not serve v1beta1"),
        "{err}"
    );
    assert!(err.contains("kubectl apply -f"), "{err}");

    install_crds(&old.sim.client(), all_crds()).await;
    let dry = ako(&["crd", "migrate", "--kubeconfig", &kc, "--dry-run"]);
    let out = text(&dry.stdout);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(
        out.contains("would rewrite HostRule/team/other at v1beta1"),
        "{out}"
    );
    assert!(
        out.contains("hostrules.ako.vmware.com: would rewrite 2 object(s) at v1beta1; would set storedVersions [v1alpha1, v1beta1] -> [v1beta1]"),
        "{out}"
    );

    let done = ako(&["crd", "migrate", "--kubeconfig", &kc]);
    let out = text(&done.stdout);
    assert!(done.status.success(), "{}", text(&done.stderr));
    assert!(
        out.contains("aviinfrasettings.ako.vmware.com: rewrote 1 object(s) at v1beta1; set storedVersions [v1alpha1, v1beta1] -> [v1beta1]"),
        "{out}"
    );
    for crd in CRDS {
        assert!(out.contains(crd), "{out}");
    }

    let again = ako(&["crd", "migrate", "--kubeconfig", &kc]);
    let out = text(&again.stdout);
    assert!(
        out.contains(
            "httprules.ako.vmware.com: already migrated (storedVersions [v1beta1]); nothing written"
        ),
        "{out}"
    );
}
