//! PATCH: JSON patch, JSON merge patch, strategic merge patch (built-ins only, like a real
//! server; see `strategic`) and server-side apply. Apply is simplified: it creates a missing
//! object or merges the applied configuration (strategic rules for built-ins, merge rules for
//! custom resources) without field ownership; `managedFields` are not kept.

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
        (kind, body): (PatchKind, &[u8]),
        sub: Option<&str>,
        opts: WriteOpts,
    ) -> Result<Value, ApiError> {
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
        if kind == PatchKind::Apply
            && sub.is_none()
            && self.store.get(&res.info.gr, &key.0, &key.1).is_none()
        {
            if meta::name_of(&patch) != name {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({}) does not match the name on the URL ({name})",
                    meta::name_of(&patch)
                )));
            }
            return match self.create(res, ns, patch.clone(), opts) {
                // Lost a race with another creator: fall through to the merge below.
                Err(e) if e.reason == "AlreadyExists" => {
                    self.write_existing(res, ns, name, sub, opts, &mut |cur| {
                        apply_to(kind, res, name, cur, &patch)
                    })
                }
                other => other,
            };
        }
        self.write_existing(res, ns, name, sub, opts, &mut |cur| {
            apply_to(kind, res, name, cur, &patch)
        })
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
