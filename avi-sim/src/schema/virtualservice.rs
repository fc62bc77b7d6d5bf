//! VirtualService: swagger table (dns_info / static_dns_records max 1000, services max
//! 2048) plus the server-implied profile refs and the SNI / EVH parent-child rules.
//! Accepts the pre-22.1 `vh_parent_vs_uuid` as well as `vh_parent_vs_ref`.

use serde_json::{Map, Value};

use super::defs::Defs;
use super::validate::RefAt;
use super::{CheckCtx, Implied, TypeSpec, summary_defs};
use crate::error::{AviError, Result};
use crate::store::Obj;

fn defs() -> &'static Defs {
    summary_defs("VirtualService")
}

pub static SPEC: TypeSpec = TypeSpec {
    path: "virtualservice",
    kind: "VirtualService",
    defs,
    cloud_scoped: true,
    implied: &[
        Implied {
            field: "se_group_ref",
            path: "serviceenginegroup",
            name: "Default-Group",
        },
        Implied {
            field: "application_profile_ref",
            path: "applicationprofile",
            name: "System-HTTP",
        },
        Implied {
            field: "network_profile_ref",
            path: "networkprofile",
            name: "System-TCP-Proxy",
        },
        Implied {
            field: "analytics_profile_ref",
            path: "analyticsprofile",
            name: "System-Analytics-Profile",
        },
        Implied {
            field: "vrf_context_ref",
            path: "vrfcontext",
            name: "global",
        },
    ],
    list_keys: &[
        ("services", &["port"]),
        ("http_policies", &["index"]),
        ("vs_datascripts", &["index"]),
        ("dns_info", &["fqdn"]),
    ],
    prepare: Some(prepare),
    check: Some(check),
    ..TypeSpec::BASE
};

const CHILD: &str = "VS_TYPE_VH_CHILD";
const PARENT: &str = "VS_TYPE_VH_PARENT";

/// `vh_parent_vs_uuid` (20.1 / 21.1 clients) becomes `vh_parent_vs_ref`.
fn prepare(body: &mut Map<String, Value>, _old: Option<&Obj>) {
    if let Some(Value::String(u)) = body.remove("vh_parent_vs_uuid") {
        body.entry("vh_parent_vs_ref")
            .or_insert(Value::String(format!("/api/virtualservice/{u}")));
    }
}

fn check(ctx: &CheckCtx<'_>, body: &mut Map<String, Value>, _refs: &mut Vec<RefAt>) -> Result<()> {
    let has = |f: &str| body.get(f).is_some_and(|v| !v.is_null());
    if has("pool_ref") && has("pool_group_ref") {
        return Err(AviError::bad_request(
            "pool_ref and pool_group_ref cannot both be set on a virtual service",
        ));
    }
    let ty = body
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("VS_TYPE_NORMAL");
    let parent = body.get("vh_parent_vs_ref").and_then(Value::as_str);
    if ty != CHILD {
        if parent.is_some() {
            return Err(AviError::bad_request(format!(
                "vh_parent_vs_ref is only allowed on a virtual service of type {CHILD}"
            )));
        }
        return Ok(());
    }
    let Some(parent) = parent else {
        return Err(AviError::bad_request(format!(
            "vh_parent_vs_ref is required for a virtual service of type {CHILD}"
        )));
    };
    let parent_uuid = parent.rsplit('/').next().unwrap_or_default();
    let parent_obj = ctx.store.get(parent_uuid);
    let parent_type = parent_obj.and_then(|p| p.field("type"));
    if parent_type.as_ref().and_then(Value::as_str) != Some(PARENT) {
        let name = parent_obj.map(|p| &*p.name).unwrap_or(parent_uuid);
        return Err(AviError::bad_request(format!(
            "Parent virtual service {name} is not of type {PARENT}"
        )));
    }
    if body
        .get("services")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty())
    {
        return Err(AviError::bad_request(format!(
            "A virtual service of type {CHILD} cannot have services"
        )));
    }
    Ok(())
}
