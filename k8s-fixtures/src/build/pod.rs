//! Pod fixtures: IP, node, container ports, readiness, and the Antrea NodePortLocal mapping
//! annotation that AKO reads in NodePortLocal mode.

use k8s_openapi::api::core::v1::{
    Container, ContainerPort, Pod, PodCondition, PodIP, PodSpec, PodStatus,
};
use serde_json::json;

use super::{WithMeta, meta, with_meta};

/// Pod annotation in which Antrea publishes the NodePortLocal mappings (JSON list).
pub const NPL_POD_ANNOTATION: &str = "nodeportlocal.antrea.io";

/// Builds a Running Pod with one container; Ready unless [`PodBuilder::not_ready`].
#[derive(Clone, Debug)]
pub struct PodBuilder {
    obj: Pod,
    ip: Option<String>,
    node: Option<String>,
    ports: Vec<ContainerPort>,
    ready: bool,
    npl: Vec<serde_json::Value>,
}
with_meta!(PodBuilder, obj.metadata);

/// A Pod `namespace/name` (no labels: add `app=<service>` for a Service to select it).
pub fn pod(namespace: &str, name: &str) -> PodBuilder {
    PodBuilder {
        obj: Pod {
            metadata: meta(Some(namespace), name),
            ..Pod::default()
        },
        ip: None,
        node: None,
        ports: Vec::new(),
        ready: true,
        npl: Vec::new(),
    }
}

impl PodBuilder {
    /// Sets `status.podIP`.
    pub fn ip(mut self, ip: &str) -> Self {
        self.ip = Some(ip.to_string());
        self
    }

    /// Sets `spec.nodeName`.
    pub fn node(mut self, node: &str) -> Self {
        self.node = Some(node.to_string());
        self
    }

    /// Adds a TCP container port.
    pub fn container_port(mut self, port: i32) -> Self {
        self.ports.push(ContainerPort {
            container_port: port,
            protocol: Some("TCP".to_string()),
            ..ContainerPort::default()
        });
        self
    }

    /// Marks the Pod not Ready.
    pub fn not_ready(mut self) -> Self {
        self.ready = false;
        self
    }

    /// Adds a NodePortLocal mapping: TCP `pod_port` reachable at `node_ip:node_port`.
    pub fn npl(mut self, pod_port: i32, node_ip: &str, node_port: i32) -> Self {
        self.npl.push(json!({
            "podPort": pod_port,
            "nodeIP": node_ip,
            "nodePort": node_port,
            "protocol": "tcp",
        }));
        self
    }

    /// The finished object.
    pub fn build(mut self) -> Pod {
        if !self.npl.is_empty() {
            let value = serde_json::Value::Array(std::mem::take(&mut self.npl)).to_string();
            self = self.annotation(NPL_POD_ANNOTATION, &value);
        }
        let ready = if self.ready { "True" } else { "False" };
        self.obj.spec = Some(PodSpec {
            node_name: self.node,
            containers: vec![Container {
                name: "app".to_string(),
                image: Some("registry.k8s.io/pause:3.10".to_string()),
                ports: (!self.ports.is_empty()).then_some(self.ports),
                ..Container::default()
            }],
            ..PodSpec::default()
        });
        self.obj.status = Some(PodStatus {
            phase: Some("Running".to_string()),
            pod_ip: self.ip.clone(),
            pod_ips: self.ip.map(|ip| vec![PodIP { ip }]),
            conditions: Some(vec![PodCondition {
                type_: "Ready".to_string(),
                status: ready.to_string(),
                ..PodCondition::default()
            }]),
            ..PodStatus::default()
        });
        self.obj
    }
}
