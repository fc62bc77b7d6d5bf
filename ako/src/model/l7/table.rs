//! The host table: every in-scope L7 host with the paths routed to it, gathered from
//! all Ingresses (and Routes) before any Avi object is built.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::backend::Server;
use crate::model::key::ObjectKey;
use crate::model::objects::PoolSettings;

/// One backend of a path: a Service and its servers.
#[derive(Debug, Clone)]
pub struct Backend<'s> {
    pub svc: &'s str,
    /// Routes put the Service name into pool names; Ingresses do not.
    pub named_in_pool: bool,
    pub servers: Vec<Server<'s>>,
    pub ratio: u32,
}

/// A host path routed by one Ingress / Route.
#[derive(Debug, Clone)]
pub struct PathRoute<'s> {
    pub source: &'s ObjectKey,
    pub path: &'s str,
    /// `pathType: Exact`; otherwise Prefix (ImplementationSpecific counts as Prefix).
    pub exact: bool,
    pub backends: Vec<Backend<'s>>,
    /// Route `termination: reencrypt`: TLS to the backends, verified against this
    /// CA when given.
    pub reencrypt: Option<Option<&'s str>>,
}

impl<'s> PathRoute<'s> {
    /// The pool settings of this path: the HTTPRule's (if any), with the Route's
    /// re-encryption where the HTTPRule sets none.
    pub fn pool_settings(&self, from_rule: Option<&PoolSettings<'s>>) -> PoolSettings<'s> {
        let mut settings = from_rule.cloned().unwrap_or_default();
        if let Some(ca) = self.reencrypt
            && settings.reencrypt_ssl_profile.is_none()
        {
            settings.reencrypt_ssl_profile = Some("System-Standard");
            settings.destination_ca = ca;
        }
        settings
    }
}

impl PathRoute<'_> {
    /// The prefix to match on path-element boundaries: trailing `/` dropped, `/` kept.
    pub fn prefix(&self) -> &str {
        let p = self.path.trim_end_matches('/');
        if p.is_empty() { "/" } else { p }
    }

    /// Rule order: longest match first, Exact before Prefix of the same length,
    /// then the source and path for a total order.
    pub fn precedence(&self) -> (std::cmp::Reverse<usize>, bool, &ObjectKey, &str) {
        let len = if self.exact {
            self.path.len()
        } else {
            self.prefix().len()
        };
        (std::cmp::Reverse(len), !self.exact, self.source, self.path)
    }
}

/// Key material for a secure host.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsMaterial<'s> {
    pub cert: &'s str,
    pub key: &'s str,
    pub alt: Option<(&'s str, &'s str)>,
    /// The Secret (`Secret/ns/name`) or Route it came from.
    pub origin: ObjectKey,
    /// The Ingress / Route whose claim won.
    pub claimed_by: &'s ObjectKey,
    /// HTTP→HTTPS redirect on port 80 (Ingresses always; Routes with policy `Redirect`).
    pub redirect: bool,
}

pub use crate::model::key::Seniority;

/// A passthrough host (Route `termination: passthrough`): TLS goes to the backends
/// untouched, selected by SNI on a passthrough VS (F16, F17).
#[derive(Debug, Clone)]
pub struct Passthrough<'s> {
    pub source: &'s ObjectKey,
    pub backends: Vec<Backend<'s>>,
    /// `insecureEdgeTerminationPolicy: Redirect`: port 80 redirects to 443.
    pub redirect: bool,
}

/// Everything routed to one host (for one infra setting).
#[derive(Debug, Clone)]
pub struct HostEntry<'s> {
    /// Seniority of the first source that routes this host (F8 keeps senior hosts).
    pub first: Seniority<'s>,
    pub sources: BTreeSet<&'s ObjectKey>,
    pub insecure: Vec<PathRoute<'s>>,
    pub secure: Vec<PathRoute<'s>>,
    pub tls: Option<TlsMaterial<'s>>,
    pub passthrough: Option<Passthrough<'s>>,
}

impl<'s> HostEntry<'s> {
    pub fn new(first: Seniority<'s>) -> Self {
        Self {
            first,
            sources: BTreeSet::new(),
            insecure: Vec::new(),
            secure: Vec::new(),
            tls: None,
            passthrough: None,
        }
    }

    pub fn is_secure(&self) -> bool {
        self.tls.is_some()
    }

    /// Whether the host has L7 routes (else it is passthrough only).
    pub fn is_l7(&self) -> bool {
        !self.insecure.is_empty() || !self.secure.is_empty() || self.tls.is_some()
    }
}

/// (infra index, host) -> entry.
pub type HostTable<'s> = BTreeMap<(usize, &'s str), HostEntry<'s>>;
