//! The built-in kinds kube-sim serves (those AKO watches and writes, spec §13, plus a few
//! kubectl users expect): group, plural, kind, scope, short names, status subresource, and
//! the field selectors a real API server accepts for each.

use super::resources::{GroupResource, ResourceInfo, VersionInfo};

/// (group, resource, namespaced, kind, singular, short names, status subresource, version)
#[rustfmt::skip]
type Builtin = (&'static str, &'static str, bool, &'static str, &'static str, &'static [&'static str], bool, &'static str);

#[rustfmt::skip]
const BUILTINS: &[Builtin] = &[
    ("", "namespaces", false, "Namespace", "namespace", &["ns"], true, "v1"),
    ("", "nodes", false, "Node", "node", &["no"], true, "v1"),
    ("", "services", true, "Service", "service", &["svc"], true, "v1"),
    ("", "endpoints", true, "Endpoints", "endpoints", &["ep"], false, "v1"),
    ("", "pods", true, "Pod", "pod", &["po"], true, "v1"),
    ("", "secrets", true, "Secret", "secret", &[], false, "v1"),
    ("", "configmaps", true, "ConfigMap", "configmap", &["cm"], false, "v1"),
    ("", "events", true, "Event", "event", &["ev"], false, "v1"),
    ("", "serviceaccounts", true, "ServiceAccount", "serviceaccount", &["sa"], false, "v1"),
    ("networking.k8s.io", "ingresses", true, "Ingress", "ingress", &["ing"], true, "v1"),
    ("networking.k8s.io", "ingressclasses", false, "IngressClass", "ingressclass", &[], false, "v1"),
    ("discovery.k8s.io", "endpointslices", true, "EndpointSlice", "endpointslice", &[], false, "v1"),
    ("coordination.k8s.io", "leases", true, "Lease", "lease", &[], false, "v1"),
    ("apps", "statefulsets", true, "StatefulSet", "statefulset", &["sts"], true, "v1"),
    ("apps", "deployments", true, "Deployment", "deployment", &["deploy"], true, "v1"),
    ("apps", "daemonsets", true, "DaemonSet", "daemonset", &["ds"], true, "v1"),
    ("apps", "replicasets", true, "ReplicaSet", "replicaset", &["rs"], true, "v1"),
    ("events.k8s.io", "events", true, "Event", "event", &["ev"], false, "v1"),
    ("apiextensions.k8s.io", "customresourcedefinitions", false, "CustomResourceDefinition", "customresourcedefinition", &["crd", "crds"], true, "v1"),
    ("route.openshift.io", "routes", true, "Route", "route", &[], true, "v1"),
];

fn builtin_fields(group: &str, resource: &str) -> &'static [&'static str] {
    match (group, resource) {
        ("", "secrets") => &["type"],
        ("", "pods") => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "status.phase",
            "status.podIP",
        ],
        ("", "events") => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        ("", "nodes") => &["spec.unschedulable"],
        ("", "namespaces") => &["status.phase"],
        ("", "services") => &["spec.clusterIP", "spec.type"],
        ("events.k8s.io", "events") => &[
            "reason",
            "regarding.kind",
            "regarding.namespace",
            "regarding.name",
            "type",
        ],
        _ => &[],
    }
}

/// Extra `kubectl get` columns (JSONPath printer columns, as for CRDs).
fn columns(group: &str, resource: &str) -> Vec<serde_json::Value> {
    let cols: &[(&str, &str)] = match (group, resource) {
        ("", "services") => &[
            ("Type", ".spec.type"),
            ("Cluster-IP", ".spec.clusterIP"),
            ("External-IP", ".status.loadBalancer.ingress[*].ip"),
            ("Port(s)", ".spec.ports[*].port"),
        ],
        ("networking.k8s.io", "ingresses") => &[
            ("Class", ".spec.ingressClassName"),
            ("Hosts", ".spec.rules[*].host"),
            ("Address", ".status.loadBalancer.ingress[*].ip"),
        ],
        ("", "pods") => &[("Status", ".status.phase"), ("Node", ".spec.nodeName")],
        ("", "namespaces") => &[("Status", ".status.phase")],
        ("", "secrets") => &[("Type", ".type")],
        ("coordination.k8s.io", "leases") => &[("Holder", ".spec.holderIdentity")],
        _ => &[],
    };
    cols.iter()
        .map(|(name, path)| serde_json::json!({"name": name, "type": "string", "jsonPath": path}))
        .collect()
}

/// Every built-in resource; `openshift` adds `route.openshift.io/v1` routes.
pub fn resources(openshift: bool) -> Vec<ResourceInfo> {
    let mut out = Vec::new();
    for &(group, resource, namespaced, kind, singular, short, status, version) in BUILTINS {
        if group == "route.openshift.io" && !openshift {
            continue;
        }
        out.push(ResourceInfo {
            gr: GroupResource::new(group, resource),
            singular: singular.into(),
            kind: kind.into(),
            list_kind: format!("{kind}List"),
            namespaced,
            short_names: short.iter().map(|s| s.to_string()).collect(),
            categories: if matches!(
                resource,
                "pods" | "services" | "deployments" | "daemonsets" | "replicasets" | "statefulsets"
            ) {
                vec!["all".into()]
            } else {
                vec![]
            },
            versions: vec![VersionInfo {
                name: version.into(),
                served: true,
                storage: true,
                status_subresource: status,
                schema: None,
                printer_columns: columns(group, resource),
            }],
            keep_status_on_create: resource == "nodes",
            selectable_fields: builtin_fields(group, resource)
                .iter()
                .map(|s| s.to_string())
                .collect(),
            is_crd: false,
        });
    }
    out
}
