//! coordination.k8s.io/v1 Lease fixtures, by default AKO's leader-election lock
//! `avi-system/ako-lease-lock` (spec §12).

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use k8s_openapi::jiff::Timestamp;

use super::ako::AKO_NAMESPACE;
use super::{meta, with_meta};

/// Name of AKO's leader-election Lease.
pub const LEASE_NAME: &str = "ako-lease-lock";

/// Builds a Lease; without a holder it is free.
#[derive(Clone, Debug)]
pub struct LeaseBuilder {
    obj: Lease,
    spec: LeaseSpec,
}
with_meta!(LeaseBuilder, obj.metadata);

/// The free Lease `avi-system/ako-lease-lock` with AKO's 15 s duration.
pub fn lease() -> LeaseBuilder {
    LeaseBuilder {
        obj: Lease {
            metadata: meta(Some(AKO_NAMESPACE), LEASE_NAME),
            ..Lease::default()
        },
        spec: LeaseSpec {
            lease_duration_seconds: Some(15),
            ..LeaseSpec::default()
        },
    }
}

impl LeaseBuilder {
    /// Another namespace / name.
    pub fn named(mut self, namespace: &str, name: &str) -> Self {
        self.obj.metadata.namespace = Some(namespace.to_string());
        self.obj.metadata.name = Some(name.to_string());
        self
    }

    /// Held by `identity` (AKO uses its pod name), acquired and renewed at `at`.
    pub fn held_by(mut self, identity: &str, at: Timestamp) -> Self {
        self.spec.holder_identity = Some(identity.to_string());
        self.spec.acquire_time = Some(MicroTime(at));
        self.spec.renew_time = Some(MicroTime(at));
        self
    }

    /// Sets `renewTime`.
    pub fn renewed_at(mut self, at: Timestamp) -> Self {
        self.spec.renew_time = Some(MicroTime(at));
        self
    }

    /// Sets `leaseDurationSeconds`.
    pub fn duration_seconds(mut self, seconds: i32) -> Self {
        self.spec.lease_duration_seconds = Some(seconds);
        self
    }

    /// Sets `leaseTransitions`.
    pub fn transitions(mut self, transitions: i32) -> Self {
        self.spec.lease_transitions = Some(transitions);
        self
    }

    /// The finished object.
    pub fn build(mut self) -> Lease {
        self.obj.spec = Some(self.spec);
        self.obj
    }
}
