//! What a transition does to Kubernetes, as plain manifests: the objects it applies
//! and the objects it deletes. The harness plays them against kube-sim and the
//! scenario writer turns the same values into `apply` / `delete` steps, so a written
//! regression replays exactly what the property test did.

use std::sync::OnceLock;

use k8s_fixtures::build::{self, WithMeta};
use serde_json::Value;

use super::machine::{
    HOSTS, INGRESSES, IngressSpec, NAMESPACES, NODES, PATHS, RefState, SCOPE_LABEL, SERVICES,
    TLS_SECRET, Transition,
};

/// A Kubernetes object by kind, namespace and name (`Kind/ns/name` in scenarios).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjId {
    pub kind: &'static str,
    pub ns: Option<String>,
    pub name: String,
}

impl ObjId {
    fn new(kind: &'static str, ns: Option<&str>, name: &str) -> Self {
        ObjId {
            kind,
            ns: ns.map(str::to_owned),
            name: name.to_owned(),
        }
    }
}

impl std::fmt::Display for ObjId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.ns {
            Some(ns) => write!(f, "{}/{ns}/{}", self.kind, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// The Kubernetes side of one transition.
#[derive(Clone, Debug, Default)]
pub struct KubeChange {
    pub apply: Vec<Value>,
    pub delete: Vec<ObjId>,
    /// Objects that disappear with a deleted namespace (not deleted one by one).
    pub cascaded: Vec<ObjId>,
}

fn json<T: serde::Serialize>(obj: &T) -> Value {
    serde_json::to_value(obj).expect("built objects serialise")
}

fn slice_name(svc: &str) -> String {
    format!("{svc}-1")
}

/// One certificate for every host, made once per process (key generation is slow).
fn tls_secret(ns: &str) -> Value {
    static SECRET: OnceLock<Value> = OnceLock::new();
    let mut v = SECRET
        .get_or_init(|| {
            let s = build::tls_secret("x", TLS_SECRET, &HOSTS)
                .build()
                .expect("self-signed certificate");
            json(&s)
        })
        .clone();
    v["metadata"]["namespace"] = Value::from(ns);
    v
}

fn service(ns: usize, svc: usize, lb: bool) -> [Value; 2] {
    let (n, s) = (NAMESPACES[ns], SERVICES[svc]);
    let mut b = build::service(n, s).tcp(80, 8080).selector("app", s);
    if lb {
        b = b.load_balancer();
    }
    let built = b.build();
    let ip = format!("10.244.{}.{}", ns + 1, svc + 10);
    let slice = build::endpoints_for(&built)
        .slice_name(&slice_name(s))
        .ready(&ip, None)
        .build_slice();
    [json(&built), json(&slice)]
}

fn ingress(ns: usize, ing: usize, spec: &IngressSpec) -> Value {
    let mut b = build::ingress(NAMESPACES[ns], INGRESSES[ing]);
    for r in &spec.rules {
        b = b.rule(HOSTS[r.host], PATHS[r.path], SERVICES[r.svc], 80);
    }
    if spec.tls {
        let hosts: Vec<&str> = spec.hosts().into_iter().map(|h| HOSTS[h]).collect();
        b = b.tls(&hosts, TLS_SECRET);
    }
    json(&b.build())
}

fn namespace(ns: usize, in_scope: bool) -> Value {
    let mut b = build::namespace(NAMESPACES[ns]);
    if in_scope {
        b = b.label(SCOPE_LABEL.0, SCOPE_LABEL.1);
    }
    json(&b.build())
}

fn node(i: usize) -> Value {
    let n = build::node(NODES[i])
        .pod_cidr(&format!("10.244.{}.0/24", i + 1))
        .internal_ip(&format!("192.168.1.{}", i + 11))
        .build();
    json(&n)
}

/// What `t` changes in Kubernetes, given the state `before` it.
pub fn kube_change(before: &RefState, t: &Transition) -> KubeChange {
    let mut c = KubeChange::default();
    match t {
        Transition::PutNamespace { ns, in_scope } => c.apply.push(namespace(*ns, *in_scope)),
        Transition::DeleteNamespace { ns } => {
            let n = NAMESPACES[*ns];
            c.delete.push(ObjId::new("Namespace", None, n));
            for (_, s) in before.services.keys().filter(|(x, _)| x == ns) {
                c.cascaded
                    .push(ObjId::new("Service", Some(n), SERVICES[*s]));
                let slice = slice_name(SERVICES[*s]);
                c.cascaded
                    .push(ObjId::new("EndpointSlice", Some(n), &slice));
            }
            for (_, i) in before.ingresses.keys().filter(|(x, _)| x == ns) {
                c.cascaded
                    .push(ObjId::new("Ingress", Some(n), INGRESSES[*i]));
            }
            if before.secrets.contains(ns) {
                c.cascaded.push(ObjId::new("Secret", Some(n), TLS_SECRET));
            }
        }
        Transition::PutService { ns, svc, lb } => c.apply.extend(service(*ns, *svc, *lb)),
        Transition::DeleteService { ns, svc } => {
            let (n, s) = (NAMESPACES[*ns], SERVICES[*svc]);
            c.delete.push(ObjId::new("Service", Some(n), s));
            c.delete
                .push(ObjId::new("EndpointSlice", Some(n), &slice_name(s)));
        }
        Transition::PutSecret { ns } => c.apply.push(tls_secret(NAMESPACES[*ns])),
        Transition::DeleteSecret { ns } => {
            c.delete
                .push(ObjId::new("Secret", Some(NAMESPACES[*ns]), TLS_SECRET));
        }
        Transition::PutIngress { ns, ing, spec } => c.apply.push(ingress(*ns, *ing, spec)),
        Transition::DeleteIngress { ns, ing } => {
            c.delete.push(ObjId::new(
                "Ingress",
                Some(NAMESPACES[*ns]),
                INGRESSES[*ing],
            ));
        }
        Transition::PutNode { node: i } => c.apply.push(node(*i)),
        Transition::DeleteNode { node } => c.delete.push(ObjId::new("Node", None, NODES[*node])),
        Transition::Restart
        | Transition::Kill
        | Transition::StartSecond
        | Transition::StopSecond
        | Transition::AviFault(_) => {}
    }
    c
}

/// `ObjId` of a manifest.
pub fn id_of(v: &Value) -> ObjId {
    let kind = match v["kind"].as_str().unwrap_or_default() {
        "Namespace" => "Namespace",
        "Service" => "Service",
        "EndpointSlice" => "EndpointSlice",
        "Secret" => "Secret",
        "Ingress" => "Ingress",
        "Node" => "Node",
        "ConfigMap" => "ConfigMap",
        "StatefulSet" => "StatefulSet",
        "IngressClass" => "IngressClass",
        "Pod" => "Pod",
        "CustomResourceDefinition" => "CustomResourceDefinition",
        other => panic!("churn objects do not include kind {other}"),
    };
    ObjId::new(
        kind,
        v["metadata"]["namespace"].as_str(),
        v["metadata"]["name"].as_str().unwrap_or_default(),
    )
}
