//! Namespace fixtures (labels drive AKO's namespace selector, annotations its tenant).

use k8s_openapi::api::core::v1::Namespace;

use super::{meta, with_meta};

/// Builds a Namespace.
#[derive(Clone, Debug)]
pub struct NamespaceBuilder {
    obj: Namespace,
}
with_meta!(NamespaceBuilder, obj.metadata);

/// A Namespace called `name`.
pub fn namespace(name: &str) -> NamespaceBuilder {
    NamespaceBuilder {
        obj: Namespace {
            metadata: meta(None, name),
            ..Namespace::default()
        },
    }
}

impl NamespaceBuilder {
    /// The finished object.
    pub fn build(self) -> Namespace {
        self.obj
    }
}
