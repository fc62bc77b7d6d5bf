//! Service fixtures: ClusterIP / NodePort / LoadBalancer, TCP / UDP / SCTP ports with target
//! and node ports, `loadBalancerIP`, `loadBalancerClass`, and the Antrea NodePortLocal opt-in.

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{WithMeta, meta, with_meta};

/// Service annotation that asks Antrea to allocate NodePortLocal ports for its pods.
pub const NPL_SERVICE_ANNOTATION: &str = "nodeportlocal.antrea.io/enabled";

/// `spec.type` of a Service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceType {
    ClusterIP,
    NodePort,
    LoadBalancer,
}

impl ServiceType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
        }
    }
}

/// L4 protocol of a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// The wire value (`TCP`, `UDP`, `SCTP`).
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

/// Builds a Service; type ClusterIP unless changed.
#[derive(Clone, Debug)]
pub struct ServiceBuilder {
    obj: Service,
    spec: ServiceSpec,
    ports: Vec<ServicePort>,
}
with_meta!(ServiceBuilder, obj.metadata);

/// A ClusterIP Service `namespace/name`; it selects pods labelled `app=<name>` unless
/// [`ServiceBuilder::selector`] is used.
pub fn service(namespace: &str, name: &str) -> ServiceBuilder {
    ServiceBuilder {
        obj: Service {
            metadata: meta(Some(namespace), name),
            ..Service::default()
        },
        spec: ServiceSpec {
            type_: Some(ServiceType::ClusterIP.as_str().to_string()),
            ..ServiceSpec::default()
        },
        ports: Vec::new(),
    }
}

impl ServiceBuilder {
    /// Sets `spec.type`.
    pub fn type_(mut self, type_: ServiceType) -> Self {
        self.spec.type_ = Some(type_.as_str().to_string());
        self
    }

    /// Type NodePort.
    pub fn node_port_type(self) -> Self {
        self.type_(ServiceType::NodePort)
    }

    /// Type LoadBalancer.
    pub fn load_balancer(self) -> Self {
        self.type_(ServiceType::LoadBalancer)
    }

    /// Adds a port forwarding `port` to `target_port` on the pods.
    pub fn port(mut self, protocol: Protocol, port: i32, target_port: i32) -> Self {
        self.ports.push(ServicePort {
            protocol: Some(protocol.as_str().to_string()),
            port,
            target_port: Some(IntOrString::Int(target_port)),
            ..ServicePort::default()
        });
        self
    }

    /// Adds a TCP port.
    pub fn tcp(self, port: i32, target_port: i32) -> Self {
        self.port(Protocol::Tcp, port, target_port)
    }

    /// Adds a UDP port.
    pub fn udp(self, port: i32, target_port: i32) -> Self {
        self.port(Protocol::Udp, port, target_port)
    }

    /// Adds an SCTP port.
    pub fn sctp(self, port: i32, target_port: i32) -> Self {
        self.port(Protocol::Sctp, port, target_port)
    }

    /// Names the last added port (ports of a multi-port Service are otherwise named
    /// `<protocol>-<port>`).
    pub fn port_name(mut self, name: &str) -> Self {
        if let Some(p) = self.ports.last_mut() {
            p.name = Some(name.to_string());
        }
        self
    }

    /// Sets the node port of the last added port.
    pub fn node_port(mut self, node_port: i32) -> Self {
        if let Some(p) = self.ports.last_mut() {
            p.node_port = Some(node_port);
        }
        self
    }

    /// Sets `spec.clusterIP` (and `clusterIPs`).
    pub fn cluster_ip(mut self, ip: &str) -> Self {
        self.spec.cluster_ip = Some(ip.to_string());
        self.spec.cluster_ips = Some(vec![ip.to_string()]);
        self
    }

    /// Sets `spec.loadBalancerIP`, the VIP AKO is asked to use.
    pub fn load_balancer_ip(mut self, ip: &str) -> Self {
        self.spec.load_balancer_ip = Some(ip.to_string());
        self
    }

    /// Sets `spec.loadBalancerClass`.
    pub fn load_balancer_class(mut self, class: &str) -> Self {
        self.spec.load_balancer_class = Some(class.to_string());
        self
    }

    /// Adds `key=value` to the pod selector (which replaces the default `app=<name>`).
    pub fn selector(mut self, key: &str, value: &str) -> Self {
        let selector = self.spec.selector.get_or_insert_default();
        selector.insert(key.to_string(), value.to_string());
        self
    }

    /// Sets `spec.externalTrafficPolicy` (`Cluster` or `Local`).
    pub fn external_traffic_policy(mut self, policy: &str) -> Self {
        self.spec.external_traffic_policy = Some(policy.to_string());
        self
    }

    /// Adds the Antrea NodePortLocal opt-in annotation.
    pub fn node_port_local(self) -> Self {
        self.annotation(NPL_SERVICE_ANNOTATION, "true")
    }

    /// The finished object. A Service without ports gets TCP 80 → 8080.
    pub fn build(mut self) -> Service {
        if self.ports.is_empty() {
            self = self.tcp(80, 8080);
        }
        let multi = self.ports.len() > 1;
        for p in &mut self.ports {
            if multi && p.name.is_none() {
                let proto = p.protocol.as_deref().unwrap_or("TCP").to_lowercase();
                p.name = Some(format!("{proto}-{}", p.port));
            }
        }
        if self.spec.selector.is_none() {
            let name = self.obj.metadata.name.clone().unwrap_or_default();
            self.spec.selector = Some([("app".to_string(), name)].into());
        }
        self.spec.ports = Some(self.ports);
        self.obj.spec = Some(self.spec);
        self.obj
    }
}
