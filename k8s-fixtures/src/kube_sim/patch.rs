//! PATCH: JSON patch, JSON merge patch, strategic merge patch (built-ins only, like a real
//! server; see `strategic`) and server-side apply. Apply is simplified: it creates a missing
//! object or merges the applied configuration (strategic rules for built-ins, merge rules for
//! custom resources), and removes map fields the same field manager applied last time but
//! leaves out now; there is no shared ownership, no conflict detection, no `managedFields`.

use serde_json::Value;

use super::error::{ApiError, FieldError};
use super::meta;
use super::ops::{Sim, WriteOpts};
use super::resources::Resolved;
use super::strategic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchKind {
    Json,
    Merge,
    Strategic,
    Apply,
}

impl PatchKind {
    pub fn from_content_type(ct: &str) -> Result<Self, ApiError> {
        let base = ct.split(';').next().unwrap_or("").trim();
        match base {
            "application/json-patch+json" => Ok(Self::Json),
            "application/merge-patch+json" => Ok(Self::Merge),
            "application/strategic-merge-patch+json" => Ok(Self::Strategic),
            "application/apply-patch+yaml"
            | "application/apply-patch+json"
            | "application/apply-patch+cbor" => Ok(Self::Apply),
            _ => Err(ApiError::unsupported_patch()),
        }
    }
}

fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))
}

fn patch_failed(res: &Resolved, name: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::invalid(
        &res.info.kind,
        &res.info.gr.group,
        name,
        &[FieldError::new(
            "FieldValueInvalid",
            "",
            format!("the server rejected our request due to an error in our request: {e}"),
        )],
    )
}

/// `doc` with the patch applied (no metadata rules yet).
fn apply_to(
    kind: PatchKind,
    res: &Resolved,
    name: &str,
    doc: &Value,
    patch: &Value,
) -> Result<Value, ApiError> {
    let mut out = doc.clone();
    match kind {
        PatchKind::Json => {
            let p: json_patch::Patch = serde_json::from_value(patch.clone())
                .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
            json_patch::patch(&mut out, &p).map_err(|e| patch_failed(res, name, e))?;
        }
        PatchKind::Merge => json_patch::merge(&mut out, patch),
        PatchKind::Strategic | PatchKind::Apply if !res.info.is_crd => {
            strategic::merge(&mut out, patch)
        }
        PatchKind::Strategic => {
            return Err(ApiError::unsupported_patch());
        }
        PatchKind::Apply => json_patch::merge(&mut out, patch),
    }
    if !out.is_object() {
        return Err(patch_failed(
            res,
            name,
            "the patch did not produce an object",
        ));
    }
    Ok(out)
}

impl Sim {
    /// PATCH of an object or its status; `force`-less conflicts of server-side apply are not
    /// modelled.
    pub fn patch(
        &self,
        res: &Resolved,
        ns: Option<&str>,
        name: &str,
        req: PatchRequest<'_>,
        sub: Option<&str>,
        opts: WriteOpts,
    ) -> Result<Value, ApiError> {
        let kind = req.kind;
        let body = req.body;
        let patch = match kind {
            PatchKind::Apply => serde_yaml::from_slice::<Value>(body)
                .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?,
            _ => parse_json(body)?,
        };
        if kind != PatchKind::Json && !patch.is_object() {
            return Err(ApiError::bad_request(
                "error decoding patch: the patch must be a JSON object",
            ));
        }
        let key = Self::key(res, ns, name);
        let applied_key = (
            res.info.gr.clone(),
            key.clone(),
            req.field_manager.to_string(),
            sub.is_some(),
        );
        let result = self.patch_with(res, (kind, &patch), &applied_key, sub, opts);
        if kind == PatchKind::Apply && result.is_ok() && !opts.dry_run {
            self.applied.lock().insert(applied_key, patch);
        }
        result
    }

    /// Applies a decoded patch to the object `applied_key` names.
    fn patch_with(
        &self,
        res: &Resolved,
        (kind, patch): (PatchKind, &Value),
        applied_key: &AppliedKey,
        sub: Option<&str>,
        opts: WriteOpts,
    ) -> Result<Value, ApiError> {
        let key = &applied_key.1;
        let (ns, name) = (
            (!key.0.is_empty()).then_some(key.0.as_str()),
            key.1.as_str(),
        );
        if kind == PatchKind::Apply
            && sub.is_none()
            && self.store.get(&res.info.gr, &key.0, &key.1).is_none()
        {
            if meta::name_of(patch) != name {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({}) does not match the name on the URL ({name})",
                    meta::name_of(patch)
                )));
            }
            return match self.create(res, ns, patch.clone(), opts) {
                // Lost a race with another creator: fall through to the merge below.
                Err(e) if e.reason == "AlreadyExists" => {
                    self.write_existing(res, ns, name, sub, opts, &mut |cur| {
                        apply_to(kind, res, name, cur, patch)
                    })
                }
                other => other,
            };
        }
        let patch = match kind {
            PatchKind::Apply => with_removals(self.applied.lock().get(applied_key), patch),
            _ => patch.clone(),
        };
        self.write_existing(res, ns, name, sub, opts, &mut |cur| {
            apply_to(kind, res, name, cur, &patch)
        })
    }
}

/// The body of one PATCH request.
#[derive(Debug, Clone, Copy)]
pub struct PatchRequest<'a> {
    pub kind: PatchKind,
    pub body: &'a [u8],
    /// `fieldManager` (server-side apply remembers what each manager applied).
    pub field_manager: &'a str,
}

/// (resource, object, field manager, status subresource) of a remembered apply.
pub type AppliedKey = (
    super::resources::GroupResource,
    super::store::ObjKey,
    String,
    bool,
);

/// `new` plus a `null` for every map field `previous` had and `new` leaves out, so that a
/// merge drops what this manager no longer applies.
fn with_removals(previous: Option<&Value>, new: &Value) -> Value {
    match (previous, new) {
        (Some(Value::Object(p)), Value::Object(n)) => {
            let mut out = n.clone();
            for (k, pv) in p {
                let merged = match n.get(k) {
                    None => Value::Null,
                    Some(nv) => with_removals(Some(pv), nv),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        _ => new.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube_sim::resources::Registry;
    use serde_json::json;

    #[test]
    fn patch_kinds() {
        let reg = Registry::builtin(false);
        let svc = reg.resolve("", "v1", "services").unwrap();
        let doc = json!({"metadata": {"name": "a", "labels": {"x": "1"}}, "spec": {"ports": [{"port": 80}]}});
        let merged = apply_to(
            PatchKind::Merge,
            &svc,
            "a",
            &doc,
            &json!({"metadata": {"labels": {"x": null, "y": "2"}}}),
        )
        .unwrap();
        assert_eq!(merged["metadata"]["labels"], json!({"y": "2"}));
        let jp = apply_to(
            PatchKind::Json,
            &svc,
            "a",
            &doc,
            &json!([{"op": "replace", "path": "/spec/ports/0/port", "value": 81}]),
        )
        .unwrap();
        assert_eq!(jp["spec"]["ports"][0]["port"], 81);
        let bad = apply_to(
            PatchKind::Json,
            &svc,
            "a",
            &doc,
            &json!([{"op": "test", "path": "/spec/x", "value": 1}]),
        )
        .unwrap_err();
        assert_eq!(bad.code, 422);
        let smp = apply_to(
            PatchKind::Strategic,
            &svc,
            "a",
            &doc,
            &json!({"spec": {"ports": [{"port": 443}]}}),
        )
        .unwrap();
        assert_eq!(smp["spec"]["ports"], json!([{"port": 80}, {"port": 443}]));
        assert_eq!(
            PatchKind::from_content_type("text/plain").unwrap_err().code,
            415
        );
        assert_eq!(
            PatchKind::from_content_type("application/apply-patch+yaml; charset=utf-8").unwrap(),
            PatchKind::Apply
        );
    }
}
