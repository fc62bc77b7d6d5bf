//! Fluent builders for the Kubernetes objects tests need, producing k8s-openapi (or
//! [`crate::crds`]) types, and [`load_yaml`] to read the same objects from multi-document YAML.
//!
//! Each builder starts from a function named after its kind (`service("red", "web")`), takes
//! labels and annotations through [`WithMeta`], and ends with `build()`.
//!
//! ```
//! use k8s_fixtures::build::{self, WithMeta};
//! let svc = build::service("red", "web").tcp(80, 8080).label("app", "web").build();
//! assert_eq!(svc.metadata.namespace.as_deref(), Some("red"));
//! ```

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

mod ako;
mod endpoints;
mod ingress;
mod lease;
mod load;
mod namespace;
mod node;
mod pod;
mod route;
mod secret;
mod service;

pub use ako::{
    AKO_NAMESPACE, AkoConfigBuilder, AkoStatefulSetBuilder, CONFIGMAP_NAME, ako_config,
    ako_statefulset, avi_secret,
};
pub use endpoints::{EndpointsBuilder, endpoints_for};
pub use ingress::{
    AKO_INGRESS_CONTROLLER, IngressBuilder, IngressClassBuilder, PathType, Port, ingress,
    ingress_class,
};
pub use lease::{LEASE_NAME, LeaseBuilder, lease};
pub use load::{Fixture, LoadError, load_yaml};
pub use namespace::{NamespaceBuilder, namespace};
pub use node::{NodeBuilder, node};
pub use pod::{NPL_POD_ANNOTATION, PodBuilder, pod};
pub use route::{RouteBuilder, route};
pub use secret::{CertificateError, SecretBuilder, TlsMaterial, tls_secret};
pub use service::{NPL_SERVICE_ANNOTATION, Protocol, ServiceBuilder, ServiceType, service};

/// Labels and annotations for every builder; implementors only expose their metadata.
pub trait WithMeta: Sized {
    /// The metadata of the object being built.
    fn meta_mut(&mut self) -> &mut ObjectMeta;

    /// Adds a label.
    fn label(mut self, key: &str, value: &str) -> Self {
        let labels = self.meta_mut().labels.get_or_insert_default();
        labels.insert(key.to_string(), value.to_string());
        self
    }

    /// Adds an annotation.
    fn annotation(mut self, key: &str, value: &str) -> Self {
        let annotations = self.meta_mut().annotations.get_or_insert_default();
        annotations.insert(key.to_string(), value.to_string());
        self
    }
}

/// Metadata with a name and, for namespaced kinds, a namespace.
fn meta(namespace: Option<&str>, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        ..ObjectMeta::default()
    }
}

/// Implements [`WithMeta`] for a builder whose metadata lives in `self.$field`.
macro_rules! with_meta {
    ($builder:ty, $($field:tt)+) => {
        impl $crate::build::WithMeta for $builder {
            fn meta_mut(&mut self) -> &mut k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                &mut self.$($field)+
            }
        }
    };
}
use with_meta;
