//! Adding one source's routes for a host to the table, shared by Ingresses and
//! Routes: the TLS claim (F10: the senior source's key pair wins the host; a
//! different pair from a later source is refused for it) and the duplicate
//! host/path diagnostic (F12's exact text).

use std::collections::BTreeMap;

use super::table::{HostEntry, HostTable, Passthrough, PathRoute, Seniority, TlsMaterial};
use crate::model::ctx::Out;
use crate::model::graph::Diagnostic;
use crate::model::key::ObjectKey;

/// (infra, host, path, exact) -> sources routing it, in seniority order.
pub type Seen<'s> = BTreeMap<(usize, &'s str, &'s str, bool), Vec<&'s ObjectKey>>;

/// Runs `f` on each in-scope source (with its infra index), senior first, sharing
/// one duplicate detector.
pub fn senior_first<'s, T>(
    mut sources: Vec<(Seniority<'s>, &'s T, usize)>,
    mut f: impl FnMut(Seniority<'s>, &'s T, usize, &mut Seen<'s>),
) {
    sources.sort_by(|a, b| a.0.cmp(&b.0));
    let mut seen = Seen::new();
    for (seniority, obj, infra) in sources {
        f(seniority, obj, infra, &mut seen);
    }
}

/// Where a source's paths for a host go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Insecure,
    Secure,
    /// Secure plus an insecure copy on the parent (Route `insecureEdgeTerminationPolicy: Allow`).
    Both,
}

/// Claims `host` for a source (with its TLS material when secure); `None` when the
/// claim is refused (diagnostic given). `strict` is `fqdnReusePolicy: Strict`: the
/// senior source's namespace owns the host.
#[allow(clippy::too_many_arguments)]
pub fn claim<'t, 's>(
    out: &mut Out,
    table: &'t mut HostTable<'s>,
    infra: usize,
    host: &'s str,
    seniority: Seniority<'s>,
    material: Option<TlsMaterial<'s>>,
    strict: bool,
) -> Option<&'t mut HostEntry<'s>> {
    let key = seniority.1;
    let entry = table
        .entry((infra, host))
        .or_insert_with(|| HostEntry::new(seniority));
    let owner = entry.first.1;
    if strict && owner.namespace != key.namespace {
        out.diag(Diagnostic::error(
            key,
            "HostAlreadyClaimed",
            format!(
                "Host already Claimed: {host} belongs to namespace {} ({owner}) under fqdnReusePolicy Strict",
                owner.namespace
            ),
        ));
        return None;
    }
    if let Some(material) = material {
        match &entry.tls {
            None => entry.tls = Some(material),
            Some(c) if c.cert == material.cert && c.key == material.key => {}
            Some(c) => {
                out.diag(Diagnostic::error(
                    key,
                    "ConflictingTLSSecret",
                    format!(
                        "host {host} is already served with {} (claimed by {}); {} differs, so the paths of {key} for {host} are not synced",
                        c.origin, c.claimed_by, material.origin
                    ),
                ));
                return None;
            }
        }
    }
    entry.sources.insert(key);
    Some(entry)
}

/// Makes `host` a passthrough host; a later source for it is refused.
pub fn set_passthrough<'s>(
    out: &mut Out,
    entry: &mut HostEntry<'s>,
    host: &str,
    pt: Passthrough<'s>,
) {
    match &entry.passthrough {
        Some(first) => out.diag(Diagnostic::error(
            pt.source,
            "DuplicatePassthroughHost",
            format!(
                "passthrough host {host} is already served by {}; not processed",
                first.source
            ),
        )),
        None => entry.passthrough = Some(pt),
    }
}

/// Adds one path route; warns (F12) when other sources already route host+path.
/// `kind_plural` is `ingresses` or `routes`, as in the original's message.
#[allow(clippy::too_many_arguments)]
pub fn add_path<'s>(
    out: &mut Out,
    seen: &mut Seen<'s>,
    entry: &mut HostEntry<'s>,
    infra: usize,
    host: &'s str,
    route: PathRoute<'s>,
    placement: Placement,
    kind_plural: &str,
) {
    let key = route.source;
    let others = seen
        .entry((infra, host, route.path, route.exact))
        .or_default();
    if others.contains(&key) {
        return;
    }
    if !others.is_empty() {
        let list: Vec<String> = others
            .iter()
            .map(|k| format!("{:?}", k.ns_name()))
            .collect();
        out.diag(Diagnostic::warning(
            key,
            "DuplicateHostPath",
            format!(
                "key: {key}, msg: Duplicate entries found for hostpath {}: {host}{} in {kind_plural}: [{}]",
                key.ns_name(),
                route.path,
                list.join(",")
            ),
        ));
    }
    others.push(key);
    match placement {
        Placement::Insecure => entry.insecure.push(route),
        Placement::Secure => entry.secure.push(route),
        Placement::Both => {
            entry.insecure.push(route.clone());
            entry.secure.push(route);
        }
    }
}
