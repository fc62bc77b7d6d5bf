//! Every Avi object name AKO-rs writes, one pure function each, plus the ownership
//! marker constants.
//!
//! Names follow the original AKO's SNI (non-EVH) templates (spec §1) so users
//! recognise their objects: `<cluster>--` prefix, `[<infra>-]` when an
//! AviInfraSetting with its own L7 settings applies, `/` in paths replaced by `_`.
//!
//! Length: Avi rejects names over [`MAX_NAME_LEN`] characters. The original only
//! logged a warning and lost the object (B16, B24); here every name goes through
//! [`fit`]: a name that is too long keeps its first 222 bytes (cut on a character
//! boundary), then `-` and the 32 lowercase hex digits of the md5 of the *whole*
//! name. The result is at most 255 bytes, deterministic across restarts, keeps the
//! readable `<cluster>--…` prefix, and differs for different inputs.

use crate::shard::Placement;

/// Avi's maximum object name length.
pub const MAX_NAME_LEN: usize = 255;
/// Hex digits of the md5 suffix of a fitted name.
const HASH_HEX_LEN: usize = 32;

/// Key of the Avi `markers` entry (and SE-group / static-route label) that holds
/// the cluster name on every object this cluster owns.
pub const CLUSTER_MARKER_KEY: &str = "clustername";
/// Keys of the per-object markers (the original uses the Go field names).
pub const MARKER_NAMESPACE: &str = "Namespace";
pub const MARKER_HOST: &str = "Host";
pub const MARKER_PATH: &str = "Path";
pub const MARKER_INGRESS_NAME: &str = "IngressName";
pub const MARKER_INFRA_SETTING_NAME: &str = "InfrasettingName";
pub const MARKER_SERVICE_NAME: &str = "ServiceName";

/// Returns `name` if it fits Avi's limit, else its deterministic shortened form
/// (readable prefix + `-` + md5 hex of the full name; see the module docs).
pub fn fit(name: String) -> String {
    if name.len() <= MAX_NAME_LEN {
        return name;
    }
    let digest = md5::compute(name.as_bytes());
    let mut cut = MAX_NAME_LEN - HASH_HEX_LEN - 1;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{digest:x}", &name[..cut])
}

/// `<cluster>--` followed by `[<infra>-]` and `rest`, fitted.
fn prefixed(cluster: &str, infra: Option<&str>, rest: &str) -> String {
    let name = match infra {
        Some(infra) => format!("{cluster}--{infra}-{rest}"),
        None => format!("{cluster}--{rest}"),
    };
    fit(name)
}

/// A path as it appears inside names: every `/` becomes `_`.
fn path_part(path: &str) -> String {
    path.replace('/', "_")
}

/// The `created_by` value on every object this cluster writes: `ako-<cluster>`.
pub fn created_by(cluster: &str) -> String {
    fit(format!("ako-{cluster}"))
}

// ---- L4 (Service type LoadBalancer) ----

/// L4 virtual service: `<cluster>--<ns>-<svc>`.
pub fn l4_vs(cluster: &str, ns: &str, svc: &str) -> String {
    prefixed(cluster, None, &format!("{ns}-{svc}"))
}

/// VsVip of an L4 virtual service: named like the VS.
pub fn l4_vsvip(cluster: &str, ns: &str, svc: &str) -> String {
    l4_vs(cluster, ns, svc)
}

/// L4 policy set of an L4 virtual service: named like the VS.
pub fn l4_policyset(cluster: &str, ns: &str, svc: &str) -> String {
    l4_vs(cluster, ns, svc)
}

/// L4 pool, one per Service port: `<cluster>--<ns>-<svc>-<PROTOCOL>-<port>`.
pub fn l4_pool(cluster: &str, ns: &str, svc: &str, protocol: &str, port: u16) -> String {
    prefixed(cluster, None, &format!("{ns}-{svc}-{protocol}-{port}"))
}

// ---- L7 parents ----

/// Shared parent VS: `<cluster>--Shared-L7-<n>` or `<cluster>--Shared-L7-<infra>-<n>`.
pub fn shared_vs(cluster: &str, infra: Option<&str>, n: u32) -> String {
    let name = match infra {
        Some(infra) => format!("{cluster}--Shared-L7-{infra}-{n}"),
        None => format!("{cluster}--Shared-L7-{n}"),
    };
    fit(name)
}

/// Dedicated VS (shard size DEDICATED): `<cluster>--[<infra>-]<host>-L7-dedicated`.
pub fn dedicated_vs(cluster: &str, infra: Option<&str>, host: &str) -> String {
    prefixed(cluster, infra, &format!("{host}-L7-dedicated"))
}

/// The VS that carries `host`'s L7 objects, for a placement from [`crate::shard::place`].
pub fn l7_parent_vs(cluster: &str, infra: Option<&str>, host: &str, at: Placement) -> String {
    match at {
        Placement::Shared(n) => shared_vs(cluster, infra, n),
        Placement::Dedicated => dedicated_vs(cluster, infra, host),
    }
}

/// VsVip of a shared parent: named like the parent.
pub fn shared_vsvip(parent_vs: &str) -> String {
    parent_vs.to_owned()
}

/// Default pool group of a shared parent: named like the parent.
pub fn shared_poolgroup(parent_vs: &str) -> String {
    parent_vs.to_owned()
}

/// Pool-group-selecting DataScript set of a shared parent: named like the parent.
pub fn shared_datascript(parent_vs: &str) -> String {
    parent_vs.to_owned()
}

/// HTTP -> HTTPS redirect policy set on a parent: named like the parent.
pub fn shared_redirect_policy(parent_vs: &str) -> String {
    parent_vs.to_owned()
}

/// Priority label of a host/path pool-group member: lower-cased `<host><path>`
/// (e.g. `foo.com/api`; `foo.com` for an empty path).
pub fn priority_label(host: &str, path: &str) -> String {
    format!("{host}{path}").to_lowercase()
}

/// Insecure host/path pool on a shared parent:
/// `<cluster>--[<infra>-]<host><path_>-<ns>-<ing>[-<svc>]`; `route_svc` only for
/// OpenShift Routes (which name the backend Service).
pub fn l7_insecure_pool(
    cluster: &str,
    infra: Option<&str>,
    host: &str,
    path: &str,
    ns: &str,
    ing: &str,
    route_svc: Option<&str>,
) -> String {
    let mut rest = format!("{host}{}-{ns}-{ing}", path_part(path));
    if let Some(svc) = route_svc {
        rest.push('-');
        rest.push_str(svc);
    }
    prefixed(cluster, infra, &rest)
}

// ---- L7 secure hosts (SNI children) ----

/// SNI child VS, one per TLS host: `<cluster>--[<infra>-]<host>`.
pub fn sni_child_vs(cluster: &str, infra: Option<&str>, host: &str) -> String {
    prefixed(cluster, infra, host)
}

/// One path of a secure host, the input of the per-path SNI names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SniPath<'a> {
    pub ns: &'a str,
    pub host: &'a str,
    pub path: &'a str,
    /// Ingress or Route name.
    pub ing: &'a str,
    /// Backend Service name; only Routes put it in the pool name.
    pub route_svc: Option<&'a str>,
    /// Shard size DEDICATED: names get the `-L7-dedicated` suffix.
    pub dedicated: bool,
}

impl SniPath<'_> {
    fn base(&self) -> String {
        format!(
            "{}-{}{}-{}",
            self.ns,
            self.host,
            path_part(self.path),
            self.ing
        )
    }
}

fn dedicated_suffix(name: &mut String, dedicated: bool) {
    if dedicated {
        name.push_str("-L7-dedicated");
    }
}

/// SNI pool: `<cluster>--[<infra>-]<ns>-<host><path_>-<ing>[-<svc>][-L7-dedicated]`.
pub fn sni_pool(cluster: &str, infra: Option<&str>, p: &SniPath<'_>) -> String {
    let mut rest = p.base();
    if let Some(svc) = p.route_svc {
        rest.push('-');
        rest.push_str(svc);
    }
    dedicated_suffix(&mut rest, p.dedicated);
    prefixed(cluster, infra, &rest)
}

/// SNI pool group: `<cluster>--[<infra>-]<ns>-<host><path_>-<ing>[-L7-dedicated]`.
pub fn sni_poolgroup(cluster: &str, infra: Option<&str>, p: &SniPath<'_>) -> String {
    let mut rest = p.base();
    dedicated_suffix(&mut rest, p.dedicated);
    prefixed(cluster, infra, &rest)
}

/// HTTP policy set of an SNI child: `<cluster>--[<infra>-]<ns>-<host>`.
pub fn sni_httppolicyset(cluster: &str, infra: Option<&str>, ns: &str, host: &str) -> String {
    prefixed(cluster, infra, &format!("{ns}-{host}"))
}

/// A rule inside an HTTP policy set (SNI path rules and the parent's redirect
/// rule): `<policyset>-<index>`, index from 0.
pub fn http_policy_rule(policyset: &str, index: usize) -> String {
    fit(format!("{policyset}-{index}"))
}

/// SSL key and certificate of a TLS host: `<cluster>--[<infra>-]<host>`.
pub fn tls_cert(cluster: &str, infra: Option<&str>, host: &str) -> String {
    prefixed(cluster, infra, host)
}

/// Alternate (ECC/RSA) certificate from `alt.crt`/`alt.key`: `<tls_cert>-alt`.
pub fn tls_cert_alt(cluster: &str, infra: Option<&str>, host: &str) -> String {
    prefixed(cluster, infra, &format!("{host}-alt"))
}

/// CA certificate of a host: `<cluster>--[<infra>-]<host>-cacert`.
pub fn ca_cert(cluster: &str, infra: Option<&str>, host: &str) -> String {
    prefixed(cluster, infra, &format!("{host}-cacert"))
}

/// PKI profile of a re-encrypting pool: `<pool>-pkiprofile`.
pub fn pool_pki_profile(pool: &str) -> String {
    fit(format!("{pool}-pkiprofile"))
}

// ---- Passthrough ----

/// Passthrough shared VS: `<cluster>--Shared-Passthrough-[<infra>-]<n>`.
pub fn passthrough_vs(cluster: &str, infra: Option<&str>, n: u32) -> String {
    fit(passthrough_base(cluster, infra, n))
}

fn passthrough_base(cluster: &str, infra: Option<&str>, n: u32) -> String {
    match infra {
        Some(infra) => format!("{cluster}--Shared-Passthrough-{infra}-{n}"),
        None => format!("{cluster}--Shared-Passthrough-{n}"),
    }
}

/// Port-80 companion of a passthrough VS: `<passthrough_vs>-insecure`.
pub fn passthrough_insecure_vs(cluster: &str, infra: Option<&str>, n: u32) -> String {
    fit(passthrough_base(cluster, infra, n) + "-insecure")
}

/// Passthrough pool group, one per host: `<cluster>--[<infra>-]<host>`.
pub fn passthrough_poolgroup(cluster: &str, infra: Option<&str>, host: &str) -> String {
    prefixed(cluster, infra, host)
}

/// Passthrough pool: `<cluster>--[<infra>-]<host>-<svc>`.
pub fn passthrough_pool(cluster: &str, infra: Option<&str>, host: &str, svc: &str) -> String {
    prefixed(cluster, infra, &format!("{host}-{svc}"))
}

// ---- VRF static routes ----

/// `route_id` of a node's static route: `<cluster>-<node>-<index>` (index = position
/// in the node's pod-CIDR list). Derived from the node name only, so it is stable
/// across restarts (the original drew a random uuid per process, F9).
pub fn static_route_id(cluster: &str, node: &str, index: usize) -> String {
    fit(format!("{cluster}-{node}-{index}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_untouched() {
        let n = "a".repeat(MAX_NAME_LEN);
        assert_eq!(fit(n.clone()), n);
    }

    #[test]
    fn long_names_keep_prefix_and_hash_the_whole() {
        let long = format!("c1--{}", "x".repeat(300));
        let fitted = fit(long.clone());
        assert_eq!(fitted.len(), MAX_NAME_LEN);
        assert_eq!(&fitted[..222], &long[..222]);
        let digest = md5::compute(long.as_bytes());
        assert_eq!(fitted[223..], format!("{digest:x}"));
        // Differs when only the cut-off tail differs.
        assert_ne!(fit(format!("{long}y")), fitted);
    }

    #[test]
    fn fit_cuts_on_char_boundary() {
        let long = format!("c1--{}", "é".repeat(200));
        let fitted = fit(long);
        assert!(fitted.len() <= MAX_NAME_LEN);
        assert!(fitted.starts_with("c1--é"));
    }
}
