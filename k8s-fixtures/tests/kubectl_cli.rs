//! The real `kubectl` against kube-sim over HTTPS: apply of the AKO CRDs and objects, get
//! (also at another version), patch, delete, wait --for=delete, api-resources, explain, and
//! the unserved-version 404. kubectl comes from `$KUBECTL` or `PATH`; without one the tests
//! print why and pass.

use std::time::Duration;

mod kubectl_common;
use kubectl_common::{Kubectl, crd_dir, tls_sim};

const OBJECTS: &str = r#"
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: ako.vmware.com/v1alpha1
kind: HostRule
metadata: {name: alpha, namespace: default}
spec: {virtualhost: {fqdn: alpha.example.com}}
---
apiVersion: ako.vmware.com/v1beta1
kind: HostRule
metadata: {name: beta, namespace: default}
spec: {virtualhost: {fqdn: beta.example.com}}
"#;

/// `kubectl patch` arguments that merge `patch` into HostRule `default/beta`.
fn merge_into_beta(patch: &str) -> [&str; 7] {
    ["patch", "hostrule", "beta", "--type", "merge", "-p", patch]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_apply_get_patch_delete_wait_explain() {
    let sim = tls_sim().await;
    let Some(k) = Kubectl::new(sim.kubeconfig_path()) else {
        return;
    };

    let out = k.ok(&["apply", "-f", &crd_dir()], None).await;
    assert!(
        out.contains(
            "customresourcedefinition.apiextensions.k8s.io/hostrules.ako.vmware.com created"
        ),
        "{out}"
    );
    let out = k.ok(&["apply", "-f", "-"], Some(OBJECTS)).await;
    assert!(
        out.contains("service/web created")
            && out.contains("hostrule.ako.vmware.com/alpha created"),
        "{out}"
    );
    let again = k.ok(&["apply", "-f", "-"], Some(OBJECTS)).await;
    assert!(
        again.contains("service/web unchanged")
            && again.contains("hostrule.ako.vmware.com/beta unchanged"),
        "{again}"
    );

    // Written at v1alpha1, read at v1beta1, and the other way round.
    let up = k
        .ok(
            &[
                "get",
                "hostrules.v1beta1.ako.vmware.com",
                "alpha",
                "-o",
                "jsonpath={.apiVersion} {.spec.virtualhost.fqdn}",
            ],
            None,
        )
        .await;
    assert_eq!(up, "ako.vmware.com/v1beta1 alpha.example.com");
    let down = k
        .ok(
            &[
                "get",
                "hostrules.v1alpha1.ako.vmware.com",
                "beta",
                "-o",
                "jsonpath={.apiVersion} {.spec.virtualhost.fqdn}",
            ],
            None,
        )
        .await;
    assert_eq!(down, "ako.vmware.com/v1alpha1 beta.example.com");
    let yaml = k.ok(&["get", "svc", "web", "-o", "yaml"], None).await;
    assert!(
        yaml.contains("kind: Service") && yaml.contains("resourceVersion:"),
        "{yaml}"
    );
    let table = k.ok(&["get", "hostrules"], None).await;
    assert!(
        table.contains("HOST") && table.contains("beta.example.com"),
        "{table}"
    );

    let wildcard = r#"{"spec":{"virtualhost":{"fqdnType":"Wildcard"}}}"#;
    k.ok(&merge_into_beta(wildcard), None).await;
    let patched = k
        .ok(
            &[
                "get",
                "hostrule",
                "beta",
                "-o",
                "jsonpath={.spec.virtualhost.fqdnType}",
            ],
            None,
        )
        .await;
    assert_eq!(patched, "Wildcard");
    k.ok(
        &[
            "patch",
            "svc",
            "web",
            "-p",
            r#"{"spec":{"ports":[{"name":"https","port":443}]}}"#,
        ],
        None,
    )
    .await;
    let ports = k
        .ok(
            &["get", "svc", "web", "-o", "jsonpath={.spec.ports[*].port}"],
            None,
        )
        .await;
    assert_eq!(ports, "80 443");
    let bad = r#"{"spec":{"virtualhost":{"fqdnType":"Bad"}}}"#;
    let bad = k.run(&merge_into_beta(bad), None).await;
    assert!(
        !bad.ok
            && bad
                .stderr
                .contains("spec.virtualhost.fqdnType: Unsupported value: \"Bad\""),
        "{}",
        bad.stderr
    );
    let unknown = k.run(&["apply", "-f", "-"], Some("apiVersion: ako.vmware.com/v1beta1\nkind: HostRule\nmetadata: {name: x}\nspec: {virtualhost: {fqdn: a, bogus: 1}}\n")).await;
    assert!(
        !unknown.ok
            && unknown
                .stderr
                .contains("unknown field \"spec.virtualhost.bogus\""),
        "{}",
        unknown.stderr
    );
    let broken = k
        .run(
            &["apply", "-f", "-"],
            Some("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w\n"),
        )
        .await;
    assert!(!broken.ok, "invalid YAML is refused");

    // A finalizer holds the delete; wait --for=delete returns once it is released.
    k.ok(
        &[
            "patch",
            "hostrule",
            "alpha",
            "--type",
            "merge",
            "-p",
            r#"{"metadata":{"finalizers":["ako.vmware.com/x"]}}"#,
        ],
        None,
    )
    .await;
    k.ok(&["delete", "hostrule", "alpha", "--wait=false"], None)
        .await;
    let waiting = {
        let k2 = Kubectl {
            bin: k.bin.clone(),
            kubeconfig: k.kubeconfig.clone(),
            cache: tempfile::tempdir().unwrap(),
        };
        tokio::spawn(async move {
            k2.run(
                &["wait", "--for=delete", "hostrule/alpha", "--timeout=30s"],
                None,
            )
            .await
        })
    };
    // Release the finalizer only once kubectl wait is watching (else it may find nothing).
    while sim.open_watches() == 0 {
        assert!(!waiting.is_finished(), "kubectl wait ended early");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let still = k
        .ok(
            &[
                "get",
                "hostrule",
                "alpha",
                "-o",
                "jsonpath={.metadata.deletionTimestamp}",
            ],
            None,
        )
        .await;
    assert!(!still.is_empty(), "deletion is pending");
    k.ok(
        &[
            "patch",
            "hostrule",
            "alpha",
            "--type",
            "json",
            "-p",
            r#"[{"op":"remove","path":"/metadata/finalizers"}]"#,
        ],
        None,
    )
    .await;
    let waited = waiting.await.unwrap();
    assert!(
        waited.ok && waited.stdout.contains("condition met"),
        "{}{}",
        waited.stdout,
        waited.stderr
    );
    k.ok(&["delete", "svc", "web"], None).await;
    assert!(!k.run(&["get", "svc", "web"], None).await.ok);

    let resources = k.ok(&["api-resources"], None).await;
    for want in [
        "hostrules",
        "ingresses",
        "endpointslices",
        "leases",
        "customresourcedefinitions",
    ] {
        assert!(
            resources.contains(want),
            "api-resources lacks {want}:\n{resources}"
        );
    }
    let explain = k.ok(&["explain", "hostrule.spec"], None).await;
    assert!(
        explain.contains("KIND:       HostRule") && explain.contains("virtualhost"),
        "{explain}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_sees_the_unserved_version_404() {
    let sim = tls_sim().await;
    let Some(k) = Kubectl::new(sim.kubeconfig_path()) else {
        return;
    };
    k.ok(
        &["apply", "-f", &format!("{}/v1alpha1-only", crd_dir())],
        None,
    )
    .await;
    let out = k
        .run(
            &[
                "get",
                "--raw",
                "/apis/ako.vmware.com/v1beta1/namespaces/default/hostrules",
            ],
            None,
        )
        .await;
    assert!(!out.ok);
    assert!(
        out.stderr.contains(
            "Error from server (NotFound): the server could not find the requested resource"
        ),
        "{}",
        out.stderr
    );
    k.ok(
        &[
            "get",
            "--raw",
            "/apis/ako.vmware.com/v1alpha1/namespaces/default/hostrules",
        ],
        None,
    )
    .await;
}
