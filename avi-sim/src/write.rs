//! How a request body becomes a stored object, in the order a controller checks:
//! server-owned fields dropped, type fix-ups, tenant / cloud / implied refs filled,
//! schema validation with ref resolution, unique list keys, name uniqueness, then the
//! type's own rules. Also the delete rules (system defaults, referred-by).

use serde_json::{Map, Value};

use crate::error::{AviError, Result};
use crate::refs::StoreResolver;
use crate::schema::validate::{Resolver, Validator};
use crate::schema::{CheckCtx, NameScope, TypeSpec};
use crate::store::{Draft, Obj, Store};

/// Fields only the server writes.
const SERVER_OWNED: &[&str] = &["uuid", "url", "_last_modified"];

/// How redacted fields (private keys) are shown.
pub const REDACTED: &str = "<sensitive>";

/// Builds the object a create (`old` = None) or update would store;
/// `Store::commit` stamps and stores it.
pub fn build(
    store: &Store,
    spec: &'static TypeSpec,
    tenant: &str,
    mut body: Map<String, Value>,
    old: Option<&Obj>,
    uuid: String,
    strict: bool,
) -> Result<Draft> {
    let name_hint = body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let named = |e: AviError| {
        if e.obj_name.is_none() {
            e.with_obj_name(name_hint.clone())
        } else {
            e
        }
    };
    for f in SERVER_OWNED {
        body.remove(*f);
    }
    // A redacted field sent back as it was shown keeps its stored value.
    for f in spec.redacted {
        if body.get(*f).and_then(Value::as_str) == Some(REDACTED) {
            match old.and_then(|o| o.field(f)) {
                Some(v) => body.insert(f.to_string(), v),
                None => body.remove(*f),
            };
        }
    }
    if let Some(prepare) = spec.prepare {
        prepare(&mut body, old);
    }
    // The owning tenant: the tenant_ref given (checked like any ref), else the request's.
    let mut owner = old
        .map(|o| o.tenant.to_string())
        .unwrap_or_else(|| tenant.to_string());
    if spec.tenant_scoped {
        let given = body
            .get("tenant_ref")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(raw) = given {
            let r = StoreResolver {
                store,
                tenant,
                cloud: None,
            };
            owner = r.resolve("Tenant", &raw).map_err(named)?.uuid;
        }
        body.insert(
            "tenant_ref".into(),
            Value::String(format!("/api/tenant/{owner}")),
        );
    } else {
        owner = "admin".to_string();
    }
    if spec.cloud_scoped && !body.contains_key("cloud_ref") {
        body.insert("cloud_ref".into(), "/api/cloud?name=Default-Cloud".into());
    }
    let cloud = match body.get("cloud_ref").and_then(Value::as_str) {
        Some(raw) => Some(
            StoreResolver {
                store,
                tenant: &owner,
                cloud: None,
            }
            .resolve("Cloud", raw)
            .map_err(named)?
            .uuid,
        ),
        None => None,
    };
    for imp in spec.implied {
        if !body.contains_key(imp.field) {
            body.insert(
                imp.field.into(),
                Value::String(format!("/api/{}?name={}", imp.path, imp.name)),
            );
        }
    }
    let resolver = StoreResolver {
        store,
        tenant: &owner,
        cloud: cloud.as_deref(),
    };
    let mut v = Validator {
        defs: (spec.defs)(),
        resolver: &resolver,
        strict: strict && spec.strict,
        refs: Vec::new(),
    };
    v.object(spec.kind, &mut body, "", "").map_err(named)?;
    let mut refs = v.refs;
    unique_items(spec, &body).map_err(named)?;

    let name = body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let scope_cloud = if spec.scope == NameScope::TenantCloud {
        cloud.as_deref()
    } else {
        None
    };
    if let Some(clash) = store.name_clash(spec, &owner, scope_cloud, &name, old.map(|o| &*o.uuid)) {
        return Err(duplicate(spec, &clash.name));
    }
    if let Some(check) = spec.check {
        let ctx = CheckCtx {
            store,
            old,
            tenant: &owner,
        };
        check(&ctx, &mut body, &mut refs).map_err(named)?;
    }
    body.insert("uuid".into(), Value::String(uuid.clone()));
    Ok(Draft {
        spec,
        uuid,
        tenant: owner,
        cloud: scope_cloud.map(str::to_string),
        system: old.is_some_and(|o| o.system),
        body,
        refs,
    })
}

/// The 409 a real controller gives for a taken name.
fn duplicate(spec: &TypeSpec, name: &str) -> AviError {
    let what = match spec.scope {
        NameScope::Global => "Name",
        NameScope::Tenant => "Name and Tenant ref",
        NameScope::TenantCloud => "Name, Tenant ref and Cloud ref",
    };
    AviError::conflict(format!("{} with this {what} already exists.", spec.kind))
        .with_obj_name(name)
}

fn unique_items(spec: &TypeSpec, body: &Map<String, Value>) -> Result<()> {
    for (list, key) in spec.unique_items {
        let mut seen = std::collections::HashSet::new();
        for item in body
            .get(*list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(k) = item.get(*key)
                && !seen.insert(k.to_string())
            {
                return Err(AviError::bad_request(format!(
                    "Duplicate {key} {k} in {list}: {key} must be unique within the {}",
                    spec.kind
                )));
            }
        }
    }
    Ok(())
}

/// Refuses deleting a system default or an object something still refers to.
pub fn check_delete(store: &Store, obj: &Obj) -> Result<()> {
    if obj.system {
        return Err(
            AviError::forbidden("Cannot delete system default object").with_obj_name(&*obj.name)
        );
    }
    let mut referrers: Vec<&Obj> = store
        .referrers(&obj.uuid)
        .filter(|r| r.uuid != obj.uuid)
        .collect();
    referrers.sort_by_key(|r| r.seq);
    let by: Vec<String> = referrers
        .iter()
        .map(|r| format!("'{} {}'", r.spec.kind, r.name))
        .collect();
    if by.is_empty() {
        return Ok(());
    }
    Err(AviError::forbidden(format!(
        "Cannot delete, object is referred by: [{}]",
        by.join(", ")
    ))
    .with_obj_name(&*obj.name))
}
