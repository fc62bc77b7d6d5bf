//! OpenShift Route fixtures: host, path, weighted backends, target port and edge /
//! passthrough / reencrypt TLS.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::ingress::Port;
use super::secret::TlsMaterial;
use super::{meta, with_meta};
use crate::crds::route::v1::{
    InsecureEdgeTerminationPolicy, Route, RoutePort, RouteSpec, RouteTargetReference, Termination,
    TlsConfig,
};

/// Builds a Route.
#[derive(Clone, Debug)]
pub struct RouteBuilder {
    obj: Route,
}
with_meta!(RouteBuilder, obj.metadata);

fn target(service: &str, weight: Option<i32>) -> RouteTargetReference {
    RouteTargetReference {
        kind: "Service".to_string(),
        name: service.to_string(),
        weight,
    }
}

fn tls(termination: Termination) -> TlsConfig {
    TlsConfig {
        termination,
        certificate: None,
        key: None,
        ca_certificate: None,
        destination_ca_certificate: None,
        insecure_edge_termination_policy: None,
    }
}

/// A Route `namespace/name` to Service `service`, without host or TLS.
pub fn route(namespace: &str, name: &str, service: &str) -> RouteBuilder {
    RouteBuilder {
        obj: Route {
            metadata: meta(Some(namespace), name),
            spec: RouteSpec {
                to: target(service, None),
                ..RouteSpec::default()
            },
            status: None,
        },
    }
}

impl RouteBuilder {
    /// Sets `spec.host`.
    pub fn host(mut self, host: &str) -> Self {
        self.obj.spec.host = Some(host.to_string());
        self
    }

    /// Sets `spec.path`.
    pub fn path(mut self, path: &str) -> Self {
        self.obj.spec.path = Some(path.to_string());
        self
    }

    /// Sets the weight of the primary backend (`spec.to`).
    pub fn weight(mut self, weight: i32) -> Self {
        self.obj.spec.to.weight = Some(weight);
        self
    }

    /// Adds an alternate backend with its weight.
    pub fn alternate_backend(mut self, service: &str, weight: i32) -> Self {
        self.obj
            .spec
            .alternate_backends
            .push(target(service, Some(weight)));
        self
    }

    /// Sets `spec.port.targetPort`.
    pub fn target_port(mut self, port: impl Into<Port>) -> Self {
        let target_port = match port.into() {
            Port::Number(n) => IntOrString::Int(n),
            Port::Name(name) => IntOrString::String(name),
        };
        self.obj.spec.port = Some(RoutePort { target_port });
        self
    }

    /// Edge termination with this certificate and key.
    pub fn edge(mut self, material: &TlsMaterial) -> Self {
        self.obj.spec.tls = Some(TlsConfig {
            certificate: Some(material.cert_pem.clone()),
            key: Some(material.key_pem.clone()),
            ..tls(Termination::Edge)
        });
        self
    }

    /// Passthrough: TLS goes to the pods untouched.
    pub fn passthrough(mut self) -> Self {
        self.obj.spec.tls = Some(tls(Termination::Passthrough));
        self
    }

    /// Re-encrypt: edge with `material`, then TLS to pods whose certificate `destination_ca`
    /// (PEM) signs.
    pub fn reencrypt(mut self, material: &TlsMaterial, destination_ca: &str) -> Self {
        self.obj.spec.tls = Some(TlsConfig {
            certificate: Some(material.cert_pem.clone()),
            key: Some(material.key_pem.clone()),
            destination_ca_certificate: Some(destination_ca.to_string()),
            ..tls(Termination::Reencrypt)
        });
        self
    }

    /// Sets `tls.caCertificate` (needs TLS set first).
    pub fn ca_certificate(mut self, pem: &str) -> Self {
        if let Some(tls) = self.obj.spec.tls.as_mut() {
            tls.ca_certificate = Some(pem.to_string());
        }
        self
    }

    /// Sets `tls.insecureEdgeTerminationPolicy` (needs TLS set first).
    pub fn insecure_policy(mut self, policy: InsecureEdgeTerminationPolicy) -> Self {
        if let Some(tls) = self.obj.spec.tls.as_mut() {
            tls.insecure_edge_termination_policy = Some(policy);
        }
        self
    }

    /// The finished object.
    pub fn build(self) -> Route {
        self.obj
    }
}
