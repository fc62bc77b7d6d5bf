//! Ingress fixtures (host / path / pathType rules to Service backends, TLS, class) and
//! IngressClass fixtures (AKO's controller name, AviInfraSetting parameters, default class).

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressClass,
    IngressClassParametersReference, IngressClassSpec, IngressRule, IngressServiceBackend,
    IngressSpec, IngressTLS, ServiceBackendPort,
};

use super::{WithMeta, meta, with_meta};

/// `spec.controller` of the IngressClasses AKO serves.
pub const AKO_INGRESS_CONTROLLER: &str = "ako.vmware.com/avi-lb";

/// Annotation that makes an IngressClass the default for Ingresses without a class.
const DEFAULT_CLASS_ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";

/// `pathType` of an Ingress path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathType {
    Prefix,
    Exact,
    ImplementationSpecific,
}

impl PathType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            PathType::Prefix => "Prefix",
            PathType::Exact => "Exact",
            PathType::ImplementationSpecific => "ImplementationSpecific",
        }
    }
}

/// A Service port by number or by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Port {
    Number(i32),
    Name(String),
}

impl From<i32> for Port {
    fn from(n: i32) -> Self {
        Port::Number(n)
    }
}

impl From<&str> for Port {
    fn from(name: &str) -> Self {
        Port::Name(name.to_string())
    }
}

fn backend(service: &str, port: Port) -> IngressBackend {
    let port = match port {
        Port::Number(n) => ServiceBackendPort {
            number: Some(n),
            ..ServiceBackendPort::default()
        },
        Port::Name(name) => ServiceBackendPort {
            name: Some(name),
            ..ServiceBackendPort::default()
        },
    };
    IngressBackend {
        service: Some(IngressServiceBackend {
            name: service.to_string(),
            port: Some(port),
        }),
        ..IngressBackend::default()
    }
}

/// Builds an Ingress.
#[derive(Clone, Debug)]
pub struct IngressBuilder {
    obj: Ingress,
    spec: IngressSpec,
    rules: Vec<IngressRule>,
    /// Index of the rule that got the last path, for [`IngressBuilder::path_type`].
    last_rule: Option<usize>,
}
with_meta!(IngressBuilder, obj.metadata);

/// An Ingress `namespace/name` without class, rules or TLS.
pub fn ingress(namespace: &str, name: &str) -> IngressBuilder {
    IngressBuilder {
        obj: Ingress {
            metadata: meta(Some(namespace), name),
            ..Ingress::default()
        },
        spec: IngressSpec::default(),
        rules: Vec::new(),
        last_rule: None,
    }
}

impl IngressBuilder {
    /// Sets `spec.ingressClassName`.
    pub fn class(mut self, class: &str) -> Self {
        self.spec.ingress_class_name = Some(class.to_string());
        self
    }

    /// Routes `host` + `path` (pathType Prefix) to `service:port`; paths of one host share a
    /// rule. An empty host makes a rule without host.
    pub fn rule(mut self, host: &str, path: &str, service: &str, port: impl Into<Port>) -> Self {
        let host = (!host.is_empty()).then(|| host.to_string());
        let path = HTTPIngressPath {
            path: Some(path.to_string()),
            path_type: PathType::Prefix.as_str().to_string(),
            backend: backend(service, port.into()),
        };
        match self.rules.iter().position(|r| r.host == host) {
            Some(idx) => {
                self.rules[idx]
                    .http
                    .get_or_insert_default()
                    .paths
                    .push(path);
                self.last_rule = Some(idx);
            }
            None => {
                self.rules.push(IngressRule {
                    host,
                    http: Some(HTTPIngressRuleValue { paths: vec![path] }),
                });
                self.last_rule = Some(self.rules.len() - 1);
            }
        }
        self
    }

    /// Sets the pathType of the path added last.
    pub fn path_type(mut self, path_type: PathType) -> Self {
        if let Some(path) = self.last_path() {
            path.path_type = path_type.as_str().to_string();
        }
        self
    }

    fn last_path(&mut self) -> Option<&mut HTTPIngressPath> {
        let idx = self.last_rule?;
        self.rules[idx].http.as_mut()?.paths.last_mut()
    }

    /// Adds a TLS section: `hosts` served with the certificate in Secret `secret`.
    pub fn tls(mut self, hosts: &[&str], secret: &str) -> Self {
        self.spec.tls.get_or_insert_default().push(IngressTLS {
            hosts: Some(hosts.iter().map(|h| h.to_string()).collect()),
            secret_name: Some(secret.to_string()),
        });
        self
    }

    /// Sets `spec.defaultBackend`.
    pub fn default_backend(mut self, service: &str, port: impl Into<Port>) -> Self {
        self.spec.default_backend = Some(backend(service, port.into()));
        self
    }

    /// The finished object.
    pub fn build(mut self) -> Ingress {
        self.spec.rules = (!self.rules.is_empty()).then_some(self.rules);
        self.obj.spec = Some(self.spec);
        self.obj
    }
}

/// Builds an IngressClass.
#[derive(Clone, Debug)]
pub struct IngressClassBuilder {
    obj: IngressClass,
    spec: IngressClassSpec,
}
with_meta!(IngressClassBuilder, obj.metadata);

/// An IngressClass `name` for AKO's controller.
pub fn ingress_class(name: &str) -> IngressClassBuilder {
    IngressClassBuilder {
        obj: IngressClass {
            metadata: meta(None, name),
            ..IngressClass::default()
        },
        spec: IngressClassSpec {
            controller: Some(AKO_INGRESS_CONTROLLER.to_string()),
            parameters: None,
        },
    }
}

impl IngressClassBuilder {
    /// Another controller (AKO must then ignore the class's Ingresses).
    pub fn controller(mut self, controller: &str) -> Self {
        self.spec.controller = Some(controller.to_string());
        self
    }

    /// Marks this class the cluster default.
    pub fn default_class(self) -> Self {
        self.annotation(DEFAULT_CLASS_ANNOTATION, "true")
    }

    /// Attaches AviInfraSetting `name` through `spec.parameters`.
    pub fn parameters(mut self, infra_setting: &str) -> Self {
        self.spec.parameters = Some(IngressClassParametersReference {
            api_group: Some(crate::crds::common::GROUP.to_string()),
            kind: "AviInfraSetting".to_string(),
            name: infra_setting.to_string(),
            ..IngressClassParametersReference::default()
        });
        self
    }

    /// The finished object.
    pub fn build(mut self) -> IngressClass {
        self.obj.spec = Some(self.spec);
        self.obj
    }
}
