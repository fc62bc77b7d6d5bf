//! What is in scope and with which settings: namespace filtering (F25), IngressClass
//! selection (spec §8.2) and AviInfraSetting resolution (F8, F28) into [`Infra`].

use std::collections::{BTreeMap, BTreeSet};

use ipnet::IpNet;
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::networking::v1::{Ingress, IngressClass};

use super::ctx::Out;
use super::graph::{Diagnostic, avi_ref};
use super::key::ObjectKey;
use super::state::ClusterState;
use crate::config::{AkoConfig, NetworkRef};
use crate::crd::AviInfraSetting;
use crate::shard::ShardSize;

/// `spec.controller` of IngressClasses AKO serves.
pub const AVI_CONTROLLER: &str = "ako.vmware.com/avi-lb";
/// IngressClass annotation marking the cluster default.
pub const DEFAULT_CLASS_ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";
/// Service / Route annotation naming an AviInfraSetting.
pub const INFRA_ANNOTATION: &str = "aviinfrasetting.ako.vmware.com/name";

/// A VIP network and the subnets to allocate from.
#[derive(Debug, Clone, PartialEq)]
pub struct VipNet {
    pub network_ref: String,
    pub v4: Option<IpNet>,
    pub v6: Option<IpNet>,
}

/// Settings for the objects of one IngressClass / Service: the global ones, or an
/// AviInfraSetting's.
#[derive(Debug, Clone)]
pub struct Infra<'s> {
    /// Name of the AviInfraSetting (also inserted into Avi names); `None` = global.
    pub name: Option<&'s str>,
    pub shard_size: ShardSize,
    pub se_group: &'s str,
    pub seg_ref: String,
    pub vip_network: Option<VipNet>,
    pub node_network_refs: Vec<String>,
}

/// Index 0 is the global infra; the others are AviInfraSettings by name.
pub struct Infras<'s> {
    pub list: Vec<Infra<'s>>,
    by_name: BTreeMap<&'s str, usize>,
}

pub const GLOBAL_INFRA: usize = 0;

/// A network named by uuid or by name (empty strings name nothing); the uuid wins
/// when both are given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkId<'a> {
    Uuid(&'a str),
    Name(&'a str),
}

impl<'a> NetworkId<'a> {
    pub fn of(name: Option<&'a str>, uuid: Option<&'a str>) -> Option<Self> {
        let nonempty = |s: Option<&'a str>| s.filter(|s| !s.is_empty());
        match (nonempty(uuid), nonempty(name)) {
            (Some(uuid), _) => Some(NetworkId::Uuid(uuid)),
            (None, Some(name)) => Some(NetworkId::Name(name)),
            (None, None) => None,
        }
    }
}

fn network_ref(name: Option<&str>, uuid: Option<&str>) -> Option<String> {
    Some(match NetworkId::of(name, uuid)? {
        NetworkId::Uuid(uuid) => format!("/api/network/{uuid}"),
        NetworkId::Name(name) => avi_ref("network", name),
    })
}

fn cfg_vip(net: &NetworkRef) -> Option<VipNet> {
    Some(VipNet {
        network_ref: network_ref(net.name.as_deref(), net.uuid.as_deref())?,
        v4: net
            .cidrs
            .iter()
            .find(|c| matches!(c, IpNet::V4(_)))
            .copied(),
        v6: net
            .cidrs
            .iter()
            .find(|c| matches!(c, IpNet::V6(_)))
            .copied(),
    })
}

impl<'s> Infras<'s> {
    /// The global infra plus one per valid AviInfraSetting (invalid fields get a
    /// diagnostic on the setting and fall back to the global value).
    pub fn new(state: &'s ClusterState, cfg: &'s AkoConfig, out: &mut Out) -> Self {
        let global = Infra {
            name: None,
            shard_size: cfg.shard_size,
            se_group: &cfg.controller.se_group,
            seg_ref: avi_ref("serviceenginegroup", &cfg.controller.se_group),
            vip_network: cfg.vip_networks.first().and_then(cfg_vip),
            node_network_refs: node_refs(
                cfg.node_networks
                    .iter()
                    .map(|n| (n.name.as_deref(), n.uuid.as_deref())),
            ),
        };
        let mut list = vec![global];
        let mut by_name = BTreeMap::new();
        for (key, setting) in state.iter::<AviInfraSetting>() {
            let infra = Self::from_setting(key, setting, &list[GLOBAL_INFRA], out);
            by_name.insert(key.name.as_str(), list.len());
            list.push(infra);
        }
        Self { list, by_name }
    }

    fn from_setting(
        key: &'s ObjectKey,
        setting: &'s AviInfraSetting,
        global: &Infra<'s>,
        out: &mut Out,
    ) -> Infra<'s> {
        let spec = &setting.spec;
        let shard_size = match &spec.l7_settings {
            Some(l7) => l7.shard_size.parse().unwrap_or_else(|e| {
                out.diag(Diagnostic::error(
                    key,
                    "InvalidShardSize",
                    format!("spec.l7Settings.shardSize: {e}"),
                ));
                global.shard_size
            }),
            None => global.shard_size,
        };
        let (se_group, seg_ref) = match &spec.se_group {
            Some(seg) if !seg.name.is_empty() => {
                (seg.name.as_str(), avi_ref("serviceenginegroup", &seg.name))
            }
            _ => (global.se_group, global.seg_ref.clone()),
        };
        let net = spec.network.as_ref();
        let vip_network = match net.and_then(|n| n.vip_networks.first()) {
            Some(v) => Self::crd_vip(key, v, out),
            None => global.vip_network.clone(),
        };
        let node_network_refs = match net.filter(|n| !n.node_networks.is_empty()) {
            Some(n) => node_refs(
                n.node_networks
                    .iter()
                    .map(|n| (n.network_name.as_deref(), n.network_uuid.as_deref())),
            ),
            None => global.node_network_refs.clone(),
        };
        Infra {
            name: Some(&key.name),
            shard_size,
            se_group,
            seg_ref,
            vip_network,
            node_network_refs,
        }
    }

    fn crd_vip(
        key: &ObjectKey,
        v: &crate::crd::infra::v1beta1::VipNetwork,
        out: &mut Out,
    ) -> Option<VipNet> {
        let Some(network_ref) = network_ref(v.network_name.as_deref(), v.network_uuid.as_deref())
        else {
            out.diag(Diagnostic::error(
                key,
                "InvalidVipNetwork",
                "spec.network.vipNetworks[0] needs networkName or networkUUID",
            ));
            return None;
        };
        let mut parse = |field: &str, text: &Option<String>| {
            let text = text.as_deref()?;
            text.parse::<IpNet>()
                .map_err(|_| {
                    out.diag(Diagnostic::error(
                        key,
                        "InvalidVipNetwork",
                        format!("invalid CIDR configuration {text:?} in {field}"),
                    ))
                })
                .ok()
        };
        let v4 = parse("spec.network.vipNetworks[0].cidr", &v.cidr);
        let v6 = parse("spec.network.vipNetworks[0].v6cidr", &v.v6cidr);
        Some(VipNet {
            network_ref,
            v4,
            v6,
        })
    }

    pub fn get(&self, idx: usize) -> &Infra<'s> {
        &self.list[idx]
    }

    /// The infra named by an AviInfraSetting reference; `None` if no such setting.
    pub fn by_name(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// SE groups in use (for the `clustername` label in static-route mode).
    pub fn se_groups(&self) -> BTreeSet<String> {
        self.list.iter().map(|i| i.se_group.to_owned()).collect()
    }
}

fn node_refs<'a>(nets: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>) -> Vec<String> {
    nets.filter_map(|(name, uuid)| network_ref(name, uuid))
        .collect()
}

/// Namespace filtering (F25).
pub struct Namespaces<'s> {
    cfg: &'s AkoConfig,
    /// Namespaces whose label matches `namespaceSelector` (when one is set).
    selected: Option<BTreeSet<&'s str>>,
}

impl<'s> Namespaces<'s> {
    pub fn new(state: &'s ClusterState, cfg: &'s AkoConfig) -> Self {
        let selected = cfg.namespace_selector.as_ref().map(|(k, v)| {
            state
                .iter::<Namespace>()
                .filter(|(_, ns)| {
                    ns.metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get(k))
                        .is_some_and(|val| val == v)
                })
                .map(|(key, _)| key.name.as_str())
                .collect()
        });
        Self { cfg, selected }
    }

    /// `blockedNamespaceList`: nothing at all from these namespaces.
    pub fn blocked(&self, ns: &str) -> bool {
        self.cfg.blocked_namespaces.contains(ns)
    }

    /// Whether Ingresses / Routes / LoadBalancer Services of `ns` are processed.
    pub fn serves(&self, ns: &str) -> bool {
        !self.blocked(ns) && self.selected.as_ref().is_none_or(|s| s.contains(ns))
    }
}

/// Which Ingresses AKO serves and with which infra.
pub enum ClassDecision {
    /// Ours, with this infra index.
    Serve(usize),
    /// Another controller's Ingress: ignored silently.
    NotOurs,
    /// Ours but unusable (missing AviInfraSetting, unknown class): diagnostic given.
    Refused,
}

/// Decides an Ingress's class (spec §8.2).
pub fn ingress_class(
    state: &ClusterState,
    infras: &Infras<'_>,
    cfg: &AkoConfig,
    key: &ObjectKey,
    ing: &Ingress,
    out: &mut Out,
) -> ClassDecision {
    let class_name = ing
        .spec
        .as_ref()
        .and_then(|s| s.ingress_class_name.as_deref());
    let class = match class_name {
        Some(name) => match state.get::<IngressClass>("", name) {
            Some(class) => class,
            None => {
                out.diag(Diagnostic::warning(
                    key,
                    "IngressClassNotFound",
                    format!("IngressClass {name:?} does not exist; the Ingress is not processed"),
                ));
                return ClassDecision::Refused;
            }
        },
        None => match default_class(state) {
            Some(class) if is_avi(class) => class,
            Some(_) => return ClassDecision::NotOurs,
            None if cfg.default_ing_controller => return ClassDecision::Serve(GLOBAL_INFRA),
            None => return ClassDecision::NotOurs,
        },
    };
    if !is_avi(class) {
        return ClassDecision::NotOurs;
    }
    let params = class.spec.as_ref().and_then(|s| s.parameters.as_ref());
    let Some(params) = params.filter(|p| p.kind == "AviInfraSetting") else {
        return ClassDecision::Serve(GLOBAL_INFRA);
    };
    match infras.by_name(&params.name) {
        Some(idx) => ClassDecision::Serve(idx),
        None => {
            out.diag(Diagnostic::error(
                key,
                "AviInfraSettingNotFound",
                format!(
                    "IngressClass {:?} names AviInfraSetting {:?}, which does not exist",
                    class.metadata.name.as_deref().unwrap_or_default(),
                    params.name
                ),
            ));
            ClassDecision::Refused
        }
    }
}

fn is_avi(class: &IngressClass) -> bool {
    class.spec.as_ref().and_then(|s| s.controller.as_deref()) == Some(AVI_CONTROLLER)
}

/// The IngressClass marked default; an AKO class wins a tie, then name order.
fn default_class(state: &ClusterState) -> Option<&IngressClass> {
    let mut defaults = state
        .iter::<IngressClass>()
        .map(|(_, c)| c.as_ref())
        .filter(|c| {
            c.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(DEFAULT_CLASS_ANNOTATION))
                .is_some_and(|v| v == "true")
        });
    let first = defaults.next()?;
    if is_avi(first) {
        return Some(first);
    }
    defaults.find(|c| is_avi(c)).or(Some(first))
}

/// The infra for an object carrying the `aviinfrasetting.ako.vmware.com/name`
/// annotation (Services, Routes); the global infra otherwise.
pub fn annotated_infra(
    infras: &Infras<'_>,
    key: &ObjectKey,
    annotations: Option<&BTreeMap<String, String>>,
    out: &mut Out,
) -> Option<usize> {
    let Some(name) = annotations.and_then(|a| a.get(INFRA_ANNOTATION)) else {
        return Some(GLOBAL_INFRA);
    };
    let idx = infras.by_name(name);
    if idx.is_none() {
        out.diag(Diagnostic::error(
            key,
            "AviInfraSettingNotFound",
            format!(
                "annotation {INFRA_ANNOTATION} names AviInfraSetting {name:?}, which does not exist"
            ),
        ));
    }
    idx
}
