//! Node fixtures: pod CIDR (static routes), InternalIP / ExternalIP addresses (NodePort pool
//! servers), labels (nodePortSelector) and the Ready condition.

use k8s_openapi::api::core::v1::{Node, NodeAddress, NodeCondition, NodeSpec, NodeStatus};

use super::{meta, with_meta};

/// Builds a Node; Ready unless [`NodeBuilder::not_ready`] is called.
#[derive(Clone, Debug)]
pub struct NodeBuilder {
    name: String,
    meta: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    pod_cidrs: Vec<String>,
    addresses: Vec<NodeAddress>,
    ready: bool,
}
with_meta!(NodeBuilder, meta);

/// A Ready Node called `name`, without addresses.
pub fn node(name: &str) -> NodeBuilder {
    NodeBuilder {
        name: name.to_string(),
        meta: meta(None, name),
        pod_cidrs: Vec::new(),
        addresses: Vec::new(),
        ready: true,
    }
}

impl NodeBuilder {
    /// Adds a pod CIDR; the first one is also `spec.podCIDR`.
    pub fn pod_cidr(mut self, cidr: &str) -> Self {
        self.pod_cidrs.push(cidr.to_string());
        self
    }

    /// Adds an `InternalIP` address.
    pub fn internal_ip(self, ip: &str) -> Self {
        self.address("InternalIP", ip)
    }

    /// Adds an `ExternalIP` address.
    pub fn external_ip(self, ip: &str) -> Self {
        self.address("ExternalIP", ip)
    }

    /// Adds an address of any type (`Hostname`, `InternalDNS`, ...).
    pub fn address(mut self, type_: &str, address: &str) -> Self {
        self.addresses.push(NodeAddress {
            type_: type_.to_string(),
            address: address.to_string(),
        });
        self
    }

    /// Marks the Node NotReady (condition `Ready=False`).
    pub fn not_ready(mut self) -> Self {
        self.ready = false;
        self
    }

    /// The finished object; the `Hostname` address is added when none was given.
    pub fn build(mut self) -> Node {
        if !self.addresses.iter().any(|a| a.type_ == "Hostname") {
            let hostname = self.name.clone();
            self = self.address("Hostname", &hostname);
        }
        let (status, reason) = if self.ready {
            ("True", "KubeletReady")
        } else {
            ("False", "KubeletNotReady")
        };
        Node {
            metadata: self.meta,
            spec: Some(NodeSpec {
                pod_cidr: self.pod_cidrs.first().cloned(),
                pod_cidrs: (!self.pod_cidrs.is_empty()).then_some(self.pod_cidrs),
                ..NodeSpec::default()
            }),
            status: Some(NodeStatus {
                addresses: Some(self.addresses),
                conditions: Some(vec![NodeCondition {
                    type_: "Ready".to_string(),
                    status: status.to_string(),
                    reason: Some(reason.to_string()),
                    ..NodeCondition::default()
                }]),
                ..NodeStatus::default()
            }),
        }
    }
}
