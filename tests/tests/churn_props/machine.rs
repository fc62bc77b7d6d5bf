//! The reference state machine of the churn property test: a small world of
//! namespaces (with or without the sync label), Services (ClusterIP or LoadBalancer,
//! each with one endpoint), TLS Secrets, Ingresses over a few hosts and paths, Nodes,
//! and the controller's life (restarts, crashes, a second instance, Avi faults).
//! Transitions carry indices into small fixed pools so that shrinking stays readable
//! and every generated object name is one a person would write in a scenario.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use proptest_state_machine::ReferenceStateMachine;

pub const NAMESPACES: [&str; 2] = ["team-a", "team-b"];
/// MEDIUM shards (4): foo.com 0, baz.com 1, qux.com 2, bar.com 3.
pub const HOSTS: [&str; 4] = ["foo.com", "bar.com", "baz.com", "qux.com"];
pub const PATHS: [&str; 3] = ["/", "/api", "/v2"];
pub const SERVICES: [&str; 2] = ["svc1", "svc2"];
pub const INGRESSES: [&str; 2] = ["web", "shop"];
pub const NODES: [&str; 3] = ["worker-1", "worker-2", "worker-3"];
pub const TLS_SECRET: &str = "site-tls";
/// The namespace label `namespaceSelector` asks for.
pub const SCOPE_LABEL: (&str, &str) = ("ako-sync", "enabled");

/// One host/path of an Ingress, routed to a Service of the same namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rule {
    pub host: usize,
    pub path: usize,
    pub svc: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressSpec {
    pub rules: Vec<Rule>,
    /// Every host of the Ingress is listed under `tls` with [`TLS_SECRET`].
    pub tls: bool,
}

impl IngressSpec {
    pub fn hosts(&self) -> BTreeSet<usize> {
        self.rules.iter().map(|r| r.host).collect()
    }
}

/// An Avi fault armed for the next change (cleared once that change converged).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub avi_type: &'static str,
    pub verb: &'static str,
    pub effect: FaultEffect,
    pub count: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultEffect {
    Error(u16),
    /// Apply the write, then answer with an error (a dropped response, B5).
    DropResponse,
}

pub const FAULT_TYPES: [&str; 5] = ["pool", "poolgroup", "virtualservice", "vsvip", "vrfcontext"];
pub const FAULT_VERBS: [&str; 3] = ["POST", "PUT", "DELETE"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Create the namespace, or change its sync label.
    PutNamespace {
        ns: usize,
        in_scope: bool,
    },
    /// Deletes everything in it too.
    DeleteNamespace {
        ns: usize,
    },
    PutService {
        ns: usize,
        svc: usize,
        lb: bool,
    },
    DeleteService {
        ns: usize,
        svc: usize,
    },
    PutSecret {
        ns: usize,
    },
    DeleteSecret {
        ns: usize,
    },
    PutIngress {
        ns: usize,
        ing: usize,
        spec: IngressSpec,
    },
    DeleteIngress {
        ns: usize,
        ing: usize,
    },
    PutNode {
        node: usize,
    },
    DeleteNode {
        node: usize,
    },
    /// Graceful restart of the leader.
    Restart,
    /// Crash of the leader, started again at once.
    Kill,
    StartSecond,
    StopSecond,
    AviFault(Fault),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefState {
    /// Namespace index -> carries the sync label.
    pub namespaces: BTreeMap<usize, bool>,
    /// (namespace, service) -> type LoadBalancer.
    pub services: BTreeMap<(usize, usize), bool>,
    pub secrets: BTreeSet<usize>,
    pub ingresses: BTreeMap<(usize, usize), IngressSpec>,
    pub nodes: BTreeSet<usize>,
    /// `ako-1` runs beside `ako-0`.
    pub second: bool,
}

impl RefState {
    pub fn in_scope(&self, ns: usize) -> bool {
        self.namespaces.get(&ns).copied().unwrap_or(false)
    }

    /// Hosts that must be served: of Ingresses in namespaces in scope, and, for a TLS
    /// Ingress, only once its Secret exists (a secure host is not served insecurely).
    pub fn hosts_in_scope(&self) -> BTreeSet<&'static str> {
        self.ingresses
            .iter()
            .filter(|((ns, _), _)| self.in_scope(*ns))
            .filter(|((ns, _), spec)| !spec.tls || self.secrets.contains(ns))
            .flat_map(|(_, spec)| spec.hosts())
            .map(|h| HOSTS[h])
            .collect()
    }
}

pub struct ChurnMachine;

fn rule() -> impl Strategy<Value = Rule> {
    (0..HOSTS.len(), 0..PATHS.len(), 0..SERVICES.len()).prop_map(|(host, path, svc)| Rule {
        host,
        path,
        svc,
    })
}

fn ingress_spec() -> impl Strategy<Value = IngressSpec> {
    (
        prop::collection::vec(rule(), 1..4),
        prop::bool::weighted(0.4),
    )
        .prop_map(|(mut rules, tls)| {
            rules.sort();
            rules.dedup();
            IngressSpec { rules, tls }
        })
}

fn fault() -> impl Strategy<Value = Fault> {
    let effect = prop_oneof![
        Just(FaultEffect::Error(503)),
        Just(FaultEffect::Error(429)),
        Just(FaultEffect::DropResponse),
    ];
    (
        prop::sample::select(&FAULT_TYPES[..]),
        prop::sample::select(&FAULT_VERBS[..]),
        effect,
        1u32..4,
    )
        .prop_map(|(avi_type, verb, effect, count)| Fault {
            avi_type,
            verb,
            effect,
            count,
        })
}

impl ReferenceStateMachine for ChurnMachine {
    type State = RefState;
    type Transition = Transition;

    fn init_state() -> BoxedStrategy<RefState> {
        Just(RefState::default()).boxed()
    }

    fn transitions(state: &RefState) -> BoxedStrategy<Transition> {
        let ns_any = 0..NAMESPACES.len();
        let put_ns = (ns_any.clone(), prop::bool::weighted(0.8))
            .prop_map(|(ns, in_scope)| Transition::PutNamespace { ns, in_scope });
        let node_ops = prop_oneof![
            (0..NODES.len()).prop_map(|node| Transition::PutNode { node }),
            (0..NODES.len()).prop_map(|node| Transition::DeleteNode { node }),
        ];
        let life = prop_oneof![
            3 => Just(Transition::Restart),
            1 => Just(Transition::Kill),
            1 => Just(if state.second { Transition::StopSecond } else { Transition::StartSecond }),
            2 => fault().prop_map(Transition::AviFault),
        ];
        let existing: Vec<usize> = state.namespaces.keys().copied().collect();
        if existing.is_empty() {
            return prop_oneof![6 => put_ns, 1 => node_ops, 1 => life].boxed();
        }
        let ns = prop::sample::select(existing);
        let svc = 0..SERVICES.len();
        let ing = 0..INGRESSES.len();
        prop_oneof![
            2 => put_ns,
            1 => ns.clone().prop_map(|ns| Transition::DeleteNamespace { ns }),
            4 => (ns.clone(), svc.clone(), prop::bool::weighted(0.25))
                .prop_map(|(ns, svc, lb)| Transition::PutService { ns, svc, lb }),
            1 => (ns.clone(), svc).prop_map(|(ns, svc)| Transition::DeleteService { ns, svc }),
            2 => ns.clone().prop_map(|ns| Transition::PutSecret { ns }),
            1 => ns.clone().prop_map(|ns| Transition::DeleteSecret { ns }),
            8 => (ns.clone(), ing.clone(), ingress_spec())
                .prop_map(|(ns, ing, spec)| Transition::PutIngress { ns, ing, spec }),
            2 => (ns, ing).prop_map(|(ns, ing)| Transition::DeleteIngress { ns, ing }),
            2 => node_ops,
            3 => life,
        ]
        .boxed()
    }

    fn preconditions(state: &RefState, t: &Transition) -> bool {
        let has_ns = |ns: &usize| state.namespaces.contains_key(ns);
        match t {
            Transition::PutNamespace { .. } | Transition::PutNode { .. } => true,
            Transition::DeleteNamespace { ns } => has_ns(ns),
            Transition::PutService { ns, .. }
            | Transition::PutSecret { ns }
            | Transition::PutIngress { ns, .. } => has_ns(ns),
            Transition::DeleteService { ns, svc } => state.services.contains_key(&(*ns, *svc)),
            Transition::DeleteSecret { ns } => state.secrets.contains(ns),
            Transition::DeleteIngress { ns, ing } => state.ingresses.contains_key(&(*ns, *ing)),
            Transition::DeleteNode { node } => state.nodes.contains(node),
            Transition::Restart | Transition::Kill | Transition::AviFault(_) => true,
            Transition::StartSecond => !state.second,
            Transition::StopSecond => state.second,
        }
    }

    fn apply(mut state: RefState, t: &Transition) -> RefState {
        match t {
            Transition::PutNamespace { ns, in_scope } => {
                state.namespaces.insert(*ns, *in_scope);
            }
            Transition::DeleteNamespace { ns } => {
                state.namespaces.remove(ns);
                state.services.retain(|(n, _), _| n != ns);
                state.ingresses.retain(|(n, _), _| n != ns);
                state.secrets.remove(ns);
            }
            Transition::PutService { ns, svc, lb } => {
                state.services.insert((*ns, *svc), *lb);
            }
            Transition::DeleteService { ns, svc } => {
                state.services.remove(&(*ns, *svc));
            }
            Transition::PutSecret { ns } => {
                state.secrets.insert(*ns);
            }
            Transition::DeleteSecret { ns } => {
                state.secrets.remove(ns);
            }
            Transition::PutIngress { ns, ing, spec } => {
                state.ingresses.insert((*ns, *ing), spec.clone());
            }
            Transition::DeleteIngress { ns, ing } => {
                state.ingresses.remove(&(*ns, *ing));
            }
            Transition::PutNode { node } => {
                state.nodes.insert(*node);
            }
            Transition::DeleteNode { node } => {
                state.nodes.remove(node);
            }
            Transition::StartSecond => state.second = true,
            Transition::StopSecond => state.second = false,
            Transition::Restart | Transition::Kill | Transition::AviFault(_) => {}
        }
        state
    }
}
