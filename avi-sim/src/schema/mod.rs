//! Object types the simulator serves. Each type has one file with a declarative
//! `TypeSpec`: its field table (from the swagger summary, or inline for types the
//! summary lacks), name-uniqueness scope, tenancy, server-implied refs, list identity
//! keys for PATCH, unique list keys and its few type-specific rules.

pub mod defs;
pub mod validate;

mod analyticsprofile;
mod applicationpersistenceprofile;
mod applicationprofile;
mod authprofile;
mod cloud;
mod healthmonitor;
mod httppolicyset;
mod ipamdnsproviderprofile;
mod l4policyset;
mod network;
mod networkprofile;
mod pkiprofile;
mod pool;
mod poolgroup;
mod protocolparser;
mod role;
mod serviceenginegroup;
mod sslkeyandcertificate;
mod sslprofile;
mod stringgroup;
mod tenant;
mod virtualservice;
mod vrfcontext;
mod vsdatascriptset;
mod vsvip;
mod wafpolicy;

use serde_json::{Map, Value};

use crate::error::Result;
use crate::session;
use crate::store::{Obj, Store};
use defs::Defs;
use validate::RefAt;

/// Which other objects a name must differ from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameScope {
    /// One name in the whole controller (tenant, cloud).
    Global,
    /// One name per tenant.
    Tenant,
    /// One name per tenant and cloud (vrfcontext, network, SE group, vsvip).
    TenantCloud,
}

/// A ref the server fills when the client leaves the field out.
pub struct Implied {
    pub field: &'static str,
    pub path: &'static str,
    pub name: &'static str,
}

/// What a type-specific rule sees.
pub struct CheckCtx<'a> {
    pub store: &'a Store,
    /// The stored object before this write (PUT/PATCH), none on create.
    pub old: Option<&'a Obj>,
    /// Tenant uuid of the request.
    pub tenant: &'a str,
}

pub type Prepare = fn(&mut Map<String, Value>, Option<&Obj>);
pub type Check = fn(&CheckCtx<'_>, &mut Map<String, Value>, &mut Vec<RefAt>) -> Result<()>;

pub struct TypeSpec {
    /// Collection name in `/api/<path>`.
    pub path: &'static str,
    /// Swagger type name, used in ref targets and messages (`VirtualService`).
    pub kind: &'static str,
    pub defs: fn() -> &'static Defs,
    /// Refuse fields the table does not know. Off for the inline (partial) tables.
    pub strict: bool,
    pub scope: NameScope,
    /// Objects of this type in tenant `admin` are visible from every tenant.
    pub shared: bool,
    /// Has a `tenant_ref` (every type but `tenant`).
    pub tenant_scoped: bool,
    /// `cloud_ref` defaults to `Default-Cloud`.
    pub cloud_scoped: bool,
    pub implied: &'static [Implied],
    /// PATCH identity of list items: (list field, key fields). An absent key field is
    /// a value of its own (a server without a port is not the one on 8080).
    pub list_keys: &'static [(&'static str, &'static [&'static str])],
    /// List items whose key must be unique within the object: (list field, key field).
    pub unique_items: &'static [(&'static str, &'static str)],
    /// Top-level fields never echoed back (private keys).
    pub redacted: &'static [&'static str],
    /// A write from another tenant to a shared admin object is a 400 with this text
    /// (what clients match on) instead of the generic 403.
    pub foreign_write_error: Option<&'static str>,
    /// Fixes up the body before validation (legacy field names, server-assigned ids).
    pub prepare: Option<Prepare>,
    /// Rules the tables cannot express (after refs are resolved).
    pub check: Option<Check>,
}

impl TypeSpec {
    /// Defaults shared by most types; each file overrides what differs.
    pub const BASE: TypeSpec = TypeSpec {
        path: "",
        kind: "",
        defs: no_defs,
        strict: true,
        scope: NameScope::Tenant,
        shared: false,
        tenant_scoped: true,
        cloud_scoped: false,
        implied: &[],
        list_keys: &[],
        unique_items: &[],
        redacted: &[],
        foreign_write_error: None,
        prepare: None,
        check: None,
    };
}

impl std::fmt::Debug for TypeSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind)
    }
}

fn no_defs() -> &'static Defs {
    summary_defs("")
}

/// The summary's definitions for `kind`. The summary is embedded; a missing type is a
/// defect of this crate, caught by `every_type_has_a_table`.
pub(crate) fn summary_defs(kind: &str) -> &'static Defs {
    defs::summary(kind).unwrap_or_else(|| panic!("{kind} is not in the embedded swagger summary"))
}

/// Every served type.
pub static TYPES: &[&TypeSpec] = &[
    &virtualservice::SPEC,
    &vsvip::SPEC,
    &pool::SPEC,
    &poolgroup::SPEC,
    &httppolicyset::SPEC,
    &vsdatascriptset::SPEC,
    &sslkeyandcertificate::SPEC,
    &l4policyset::SPEC,
    &serviceenginegroup::SPEC,
    &cloud::SPEC,
    &vrfcontext::SPEC,
    &network::SPEC,
    &ipamdnsproviderprofile::SPEC,
    &tenant::SPEC,
    &healthmonitor::SPEC,
    &applicationprofile::SPEC,
    &networkprofile::SPEC,
    &sslprofile::SPEC,
    &stringgroup::SPEC,
    &wafpolicy::SPEC,
    &authprofile::SPEC,
    &analyticsprofile::SPEC,
    &pkiprofile::SPEC,
    &applicationpersistenceprofile::SPEC,
    &role::SPEC,
    &protocolparser::SPEC,
];

/// The newest `since` of any field of any type.
pub fn newest_version() -> session::Version {
    TYPES
        .iter()
        .flat_map(|t| (t.defs)().defs.values())
        .flat_map(|d| d.fields.values())
        .filter_map(|f| f.since.clone())
        .max()
        .unwrap_or(session::Version(Vec::new()))
}

pub fn by_path(path: &str) -> Option<&'static TypeSpec> {
    TYPES.iter().copied().find(|t| t.path == path)
}

pub fn by_kind(kind: &str) -> Option<&'static TypeSpec> {
    TYPES.iter().copied().find(|t| t.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's coverage table, computed from the tables themselves.
    fn coverage_table() -> String {
        let mut out = String::from(
            "| type | source | name unique per | visible from other tenants | fields (top-level / nested defs) | required (top-level) | ref fields (all levels) | enum fields | item limits | server fills |\n\
             |---|---|---|---|---|---|---|---|---|---|\n",
        );
        for t in TYPES {
            let defs = (t.defs)();
            let top = defs.get(t.kind).expect("own definition");
            let all = defs.defs.values().flat_map(|d| d.fields.values());
            let refs = all.clone().filter(|f| f.reference.is_some()).count();
            let enums = all.filter(|f| f.enum_values.is_some()).count();
            let required: Vec<&str> = top
                .fields
                .iter()
                .filter(|(_, f)| f.required)
                .map(|(k, _)| k.as_str())
                .collect();
            let limits: Vec<String> = top
                .fields
                .iter()
                .filter_map(|(k, f)| f.max_items.map(|m| format!("{k} ≤ {m}")))
                .collect();
            let mut fills: Vec<String> = t
                .implied
                .iter()
                .map(|i| format!("{} = {}", i.field, i.name))
                .collect();
            if t.cloud_scoped {
                fills.insert(0, "cloud_ref = Default-Cloud".into());
            }
            let scope = match t.scope {
                NameScope::Global => "controller",
                NameScope::Tenant => "tenant",
                NameScope::TenantCloud => "tenant + cloud",
            };
            let source = if t.strict {
                "swagger 30.2.1"
            } else {
                "inline (partial, lenient)"
            };
            out.push_str(&format!(
                "| {} | {source} | {scope} | {} | {} / {} | {} | {refs} | {enums} | {} | {} |\n",
                t.path,
                if t.shared { "yes (from admin)" } else { "no" },
                top.fields.len(),
                defs.defs.len() - 1,
                required.join(", "),
                if limits.is_empty() {
                    "-".into()
                } else {
                    limits.join(", ")
                },
                if fills.is_empty() {
                    "-".into()
                } else {
                    fills.join(", ")
                },
            ));
        }
        out
    }

    #[test]
    fn readme_coverage_table_is_current() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let start =
            readme.find("<!-- coverage:start -->\n").unwrap() + "<!-- coverage:start -->\n".len();
        let end = readme.find("<!-- coverage:end -->").unwrap();
        let want = coverage_table();
        assert!(
            readme[start..end] == want,
            "README coverage table is stale; it should be:\n{want}"
        );
    }

    #[test]
    fn every_type_has_a_table() {
        for t in TYPES {
            let defs = (t.defs)();
            assert!(
                defs.get(t.kind).is_some(),
                "{} lacks its own definition",
                t.kind
            );
            assert_eq!(t.path, t.kind.to_lowercase());
        }
    }
}
