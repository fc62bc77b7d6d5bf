//! `load_yaml`: multi-document YAML into typed fixtures, with errors naming the document.

use k8s_fixtures::build::{Fixture, LoadError, load_yaml};

const YAML: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: red, labels: {team: a}}
---
# an empty document is skipped
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: red}
spec:
  type: NodePort
  ports: [{port: 80, targetPort: 8080, nodePort: 30080, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: red}
spec:
  ingressClassName: avi-lb
  rules:
  - host: foo.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
---
apiVersion: ako.vmware.com/v1beta1
kind: HostRule
metadata: {name: hr, namespace: red}
spec: {virtualhost: {fqdn: foo.com, useRegex: true}}
---
apiVersion: ako.vmware.com/v1alpha1
kind: HostRule
metadata: {name: old, namespace: red}
spec: {virtualhost: {fqdn: old.com}}
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: n1}}
- {apiVersion: route.openshift.io/v1, kind: Route, metadata: {name: r, namespace: red}, spec: {host: r.com, to: {kind: Service, name: web}, tls: {termination: passthrough}}}
- {apiVersion: ako.vmware.com/v1alpha2, kind: L4Rule, metadata: {name: l4, namespace: red}, spec: {loadBalancerIP: 10.0.0.9}}
"#;

#[test]
fn loads_every_document_typed() {
    let objs = load_yaml(YAML).unwrap();
    let kinds: Vec<&str> = objs
        .iter()
        .map(|o| match o {
            Fixture::Namespace(_) => "Namespace",
            Fixture::Service(_) => "Service",
            Fixture::Ingress(_) => "Ingress",
            Fixture::HostRule(_) => "HostRule",
            Fixture::Other(_) => "Other",
            Fixture::Node(_) => "Node",
            Fixture::Route(_) => "Route",
            Fixture::L4Rule(_) => "L4Rule",
            _ => "unexpected",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "Service",
            "Ingress",
            "HostRule",
            "Other",
            "Node",
            "Route",
            "L4Rule"
        ]
    );
    let Fixture::HostRule(hr) = &objs[3] else {
        unreachable!()
    };
    assert_eq!(hr.spec.virtualhost.use_regex, Some(true));
    let Fixture::Other(old) = &objs[4] else {
        unreachable!()
    };
    assert_eq!(
        old.types.as_ref().unwrap().api_version,
        "ako.vmware.com/v1alpha1"
    );
    assert_eq!(
        objs[4].to_value().unwrap()["spec"]["virtualhost"]["fqdn"],
        "old.com"
    );
    let Fixture::Service(svc) = &objs[1] else {
        unreachable!()
    };
    assert_eq!(
        svc.spec.as_ref().unwrap().ports.as_ref().unwrap()[0].node_port,
        Some(30080)
    );
}

#[test]
fn the_checked_in_crd_manifests_load() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crds");
    let text = std::fs::read_to_string(dir.join("hostrules.ako.vmware.com.yaml")).unwrap();
    let objs = load_yaml(&text).unwrap();
    assert!(matches!(&objs[..], [Fixture::CustomResourceDefinition(_)]));
}

#[test]
fn errors_name_the_document_and_object() {
    let err = load_yaml(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nmetadata: {name: b}\n",
    )
    .unwrap_err();
    assert!(
        matches!(err, LoadError::MissingTypeMeta { document: 2 }),
        "{err}"
    );

    let err = load_yaml("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: red}\nspec: {ports: [{port: eighty}]}\n").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("document 1") && msg.contains("Service/red/web"),
        "{msg}"
    );

    let err = load_yaml("apiVersion: ako.vmware.com/v1beta1\nkind: HostRule\nmetadata: {name: hr, namespace: red}\nspec: {virtualhost: {fqdn: a, fqdnType: Fuzzy}}\n").unwrap_err();
    assert!(err.to_string().contains("HostRule/red/hr"), "{err}");

    let err = load_yaml("a: [unclosed\n").unwrap_err();
    assert!(matches!(err, LoadError::Yaml { document: 1, .. }), "{err}");
}
