//! The backends of a Service, as core/v1 Endpoints and as a discovery.k8s.io/v1 EndpointSlice
//! (the one AKO watches), both from one list of addresses.

use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort, EndpointSubset, Endpoints, ObjectReference, Pod, Service,
};
use k8s_openapi::api::discovery::v1 as discovery;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::meta;

/// Label that ties an EndpointSlice to its Service.
const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

#[derive(Clone, Debug)]
struct Backend {
    ip: String,
    node: Option<String>,
    ready: bool,
    pod: Option<String>,
}

/// Collects the addresses behind a Service; finish with [`EndpointsBuilder::build_endpoints`]
/// or [`EndpointsBuilder::build_slice`].
#[derive(Clone, Debug)]
pub struct EndpointsBuilder {
    namespace: String,
    service: String,
    slice_name: String,
    /// (name, port on the pod, protocol) per Service port.
    ports: Vec<(Option<String>, i32, String)>,
    backends: Vec<Backend>,
}

/// Backends for `service`: its namespace and name, and one port per Service port (the numeric
/// target port, or the Service port when the target is a name).
pub fn endpoints_for(service: &Service) -> EndpointsBuilder {
    let name = service.metadata.name.clone().unwrap_or_default();
    let ports = service
        .spec
        .iter()
        .flat_map(|s| s.ports.iter().flatten())
        .map(|p| {
            let target = match p.target_port {
                Some(IntOrString::Int(t)) => t,
                _ => p.port,
            };
            let protocol = p.protocol.clone().unwrap_or_else(|| "TCP".to_string());
            (p.name.clone(), target, protocol)
        })
        .collect();
    EndpointsBuilder {
        namespace: service.metadata.namespace.clone().unwrap_or_default(),
        slice_name: format!("{name}-slice"),
        service: name,
        ports,
        backends: Vec::new(),
    }
}

impl EndpointsBuilder {
    /// Adds a ready address, optionally on a node.
    pub fn ready(self, ip: &str, node: Option<&str>) -> Self {
        self.backend(ip, node, true, None)
    }

    /// Adds an address that is not ready.
    pub fn not_ready(self, ip: &str, node: Option<&str>) -> Self {
        self.backend(ip, node, false, None)
    }

    /// Adds a Pod's IP, node and readiness; a Pod without an IP is skipped, like the
    /// endpoints controller does.
    pub fn pod(self, pod: &Pod) -> Self {
        let status = pod.status.as_ref();
        let Some(ip) = status.and_then(|s| s.pod_ip.clone()) else {
            return self;
        };
        let ready = status
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True");
        let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
        self.backend(&ip, node.as_deref(), ready, pod.metadata.name.clone())
    }

    /// Overrides the EndpointSlice name (default `<service>-slice`).
    pub fn slice_name(mut self, name: &str) -> Self {
        self.slice_name = name.to_string();
        self
    }

    fn backend(mut self, ip: &str, node: Option<&str>, ready: bool, pod: Option<String>) -> Self {
        self.backends.push(Backend {
            ip: ip.to_string(),
            node: node.map(str::to_string),
            ready,
            pod,
        });
        self
    }

    fn pod_ref(&self, pod: &Option<String>) -> Option<ObjectReference> {
        pod.as_ref().map(|name| ObjectReference {
            kind: Some("Pod".to_string()),
            namespace: Some(self.namespace.clone()),
            name: Some(name.clone()),
            ..ObjectReference::default()
        })
    }

    /// core/v1 Endpoints named like the Service, one subset.
    pub fn build_endpoints(&self) -> Endpoints {
        let address = |b: &Backend| EndpointAddress {
            ip: b.ip.clone(),
            node_name: b.node.clone(),
            target_ref: self.pod_ref(&b.pod),
            ..EndpointAddress::default()
        };
        let (ready, not_ready): (Vec<_>, Vec<_>) = self.backends.iter().partition(|b| b.ready);
        let some = |v: Vec<EndpointAddress>| (!v.is_empty()).then_some(v);
        let subsets = (!self.backends.is_empty()).then(|| {
            vec![EndpointSubset {
                addresses: some(ready.into_iter().map(address).collect()),
                not_ready_addresses: some(not_ready.into_iter().map(address).collect()),
                ports: Some(
                    self.ports
                        .iter()
                        .map(|(name, port, protocol)| EndpointPort {
                            name: name.clone(),
                            port: *port,
                            protocol: Some(protocol.clone()),
                            ..EndpointPort::default()
                        })
                        .collect(),
                ),
            }]
        });
        Endpoints {
            metadata: meta(Some(&self.namespace), &self.service),
            subsets,
        }
    }

    /// A discovery.k8s.io/v1 EndpointSlice labelled `kubernetes.io/service-name`.
    pub fn build_slice(&self) -> discovery::EndpointSlice {
        let ipv6 = self.backends.first().is_some_and(|b| b.ip.contains(':'));
        let mut metadata = meta(Some(&self.namespace), &self.slice_name);
        metadata.labels = Some(
            [
                (SERVICE_NAME_LABEL.to_string(), self.service.clone()),
                (
                    "endpointslice.kubernetes.io/managed-by".to_string(),
                    "endpointslice-controller.k8s.io".to_string(),
                ),
            ]
            .into(),
        );
        discovery::EndpointSlice {
            metadata,
            address_type: if ipv6 { "IPv6" } else { "IPv4" }.to_string(),
            endpoints: Some(
                self.backends
                    .iter()
                    .map(|b| discovery::Endpoint {
                        addresses: vec![b.ip.clone()],
                        conditions: Some(discovery::EndpointConditions {
                            ready: Some(b.ready),
                            serving: Some(b.ready),
                            terminating: Some(false),
                        }),
                        node_name: b.node.clone(),
                        target_ref: self.pod_ref(&b.pod),
                        ..discovery::Endpoint::default()
                    })
                    .collect(),
            ),
            ports: Some(
                self.ports
                    .iter()
                    .map(|(name, port, protocol)| discovery::EndpointPort {
                        name: name.clone(),
                        port: Some(*port),
                        protocol: Some(protocol.clone()),
                        ..discovery::EndpointPort::default()
                    })
                    .collect(),
            ),
        }
    }
}
