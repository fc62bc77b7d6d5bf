//! Storage-version migration of the AKO CRDs (`ako crd migrate`, F29): re-stores every
//! HostRule, HTTPRule and AviInfraSetting at v1beta1 after the CRDs were upgraded, the
//! way kube-storage-version-migrator does it. Per kind: list at v1beta1 (the API server
//! converts), replace each object unchanged with its resourceVersion (a 409 re-reads
//! and retries; the API server stores the write at the storage version), then set the
//! CRD's `status.storedVersions` to `["v1beta1"]` once every object was rewritten.
//!
//! Nothing is written unless every installed CRD serves and stores v1beta1 (F30: the
//! CRDs must be upgraded first). A kind whose `storedVersions` already is `["v1beta1"]`
//! is left alone, so a second run writes nothing. Objects travel as JSON
//! (`DynamicObject`): a field the typed structs do not know survives the rewrite.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ApiResource, DynamicObject, ListParams, PostParams, TypeMeta};
use kube::{Resource, ResourceExt};

use super::error::{KubeError, is_conflict, is_not_found, timed};
use crate::crd::{AviInfraSetting, HTTPRule, HostRule};

/// Objects per list page.
const PAGE: u32 = 250;
/// Re-reads after a 409 before an object counts as failed.
const MAX_ATTEMPTS: usize = 5;

/// What `ako crd migrate` should do.
#[derive(Debug, Clone, Default)]
pub struct MigrateOptions {
    /// Only objects of this namespace; `storedVersions` is then left as it is (other
    /// namespaces may still hold old objects) and cluster-scoped kinds are skipped.
    pub namespace: Option<String>,
    /// Send every replace with `dryRun=All` (the API server checks it, stores nothing)
    /// and leave `storedVersions` alone.
    pub dry_run: bool,
    /// Where the current CRD manifests are: the `kubectl apply -f` of the refusal.
    pub crd_source: String,
}

/// Why the migration did not start or could not finish.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// F30: a CRD does not serve and store v1beta1 yet. Nothing was written.
    #[error(
        "the CRDs were not upgraded; nothing was changed:\n  {}\nApply the current CRDs \
         first with `kubectl apply -f {fix}`, then run `ako crd migrate` again",
        problems.join("\n  ")
    )]
    NotUpgraded { problems: Vec<String>, fix: String },
    /// An object kept changing under us.
    #[error("replace {object}: still conflicting after {attempts} attempts")]
    Conflict { object: String, attempts: usize },
    /// The CRD's storage version changed while its objects were being rewritten.
    #[error("{crd}: the storage version changed during the migration ({problem}); run again")]
    StorageChanged { crd: String, problem: String },
    #[error(transparent)]
    Kube(#[from] KubeError),
}

/// What happened to one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct KindReport {
    /// CRD name, e.g. `hostrules.ako.vmware.com`.
    pub crd: String,
    pub kind: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The CRD is not installed: no objects to migrate.
    NotInstalled,
    /// `storedVersions` already is `["v1beta1"]`: nothing written.
    AlreadyMigrated,
    /// Cluster-scoped kind, skipped because a namespace was given.
    SkippedClusterScoped,
    /// The objects were rewritten (or, in a dry run, would be).
    Migrated(Progress),
}

/// The objects of one kind that were rewritten and what became of `storedVersions`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub stored_before: Vec<String>,
    /// Keys (`Kind/ns/name`) rewritten at v1beta1 (dry run: accepted by the server).
    pub rewritten: Vec<String>,
    /// Keys deleted between the list and their rewrite (nothing left to migrate).
    pub gone: Vec<String>,
    /// 409s answered by re-reading.
    pub conflicts: usize,
    /// One message per object, list or storedVersions update that failed, naming it.
    pub failed: Vec<String>,
    /// `storedVersions` as the API server answered after the update; `None` when it
    /// was left alone (failures, a namespace filter); in a dry run, what it would be.
    pub stored_after: Option<Vec<String>>,
}

/// The result of one run, kind by kind (HostRule, HTTPRule, AviInfraSetting).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub dry_run: bool,
    pub target_version: String,
    pub kinds: Vec<KindReport>,
}

impl Report {
    /// Number of failed objects, lists and storedVersions updates.
    pub fn failures(&self) -> usize {
        self.kinds
            .iter()
            .map(|k| match &k.outcome {
                Outcome::Migrated(p) => p.failed.len(),
                _ => 0,
            })
            .sum()
    }
}

/// The kinds migrated, at the version the controller reads (v1beta1).
fn targets() -> [ApiResource; 3] {
    [
        ApiResource::erase::<HostRule>(&()),
        ApiResource::erase::<HTTPRule>(&()),
        ApiResource::erase::<AviInfraSetting>(&()),
    ]
}

fn crd_name(ar: &ApiResource) -> String {
    format!("{}.{}", ar.plural, ar.group)
}

fn stored_versions(crd: &CustomResourceDefinition) -> Vec<String> {
    crd.status
        .as_ref()
        .and_then(|s| s.stored_versions.clone())
        .unwrap_or_default()
}

/// Whether the CRD serves and stores `target`; else what is wrong, for the refusal.
fn check_upgraded(crd: &CustomResourceDefinition, target: &str) -> Result<(), String> {
    let versions = &crd.spec.versions;
    let served: Vec<&str> = versions
        .iter()
        .filter(|v| v.served)
        .map(|v| v.name.as_str())
        .collect();
    let storage = versions
        .iter()
        .find(|v| v.storage)
        .map_or("nothing", |v| v.name.as_str());
    if served.contains(&target) && storage == target {
        return Ok(());
    }
    let not = if served.contains(&target) {
        "does not store"
    } else {
        "does not serve"
    };
    Err(format!(
        "{} {not} {target} (served: {}; storage: {storage})",
        crd.name_any(),
        served.join(", ")
    ))
}

/// Migrates the three kinds; see the module comment.
pub async fn migrate(client: &kube::Client, opts: &MigrateOptions) -> Result<Report, MigrateError> {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let target_version = HostRule::version(&()).into_owned();
    // Every CRD is checked before the first write: a refusal changes nothing.
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for ar in targets() {
        let name = crd_name(&ar);
        let object = format!("CustomResourceDefinition/{name}");
        let crd = timed("get", &object, async {
            crds.get_opt(&name)
                .await
                .map_err(|e| KubeError::api("get", &object, e))
        })
        .await?;
        if let Some(crd) = &crd
            && let Err(p) = check_upgraded(crd, &ar.version)
        {
            problems.push(p);
        }
        found.push((ar, crd));
    }
    if !problems.is_empty() {
        return Err(MigrateError::NotUpgraded {
            problems,
            fix: opts.crd_source.clone(),
        });
    }
    let mut kinds = Vec::new();
    for (ar, crd) in found {
        let outcome = match crd {
            None => Outcome::NotInstalled,
            Some(crd) => migrate_kind(client, &crds, &ar, &crd, opts).await,
        };
        tracing::debug!(crd = %crd_name(&ar), ?outcome, dry_run = opts.dry_run, "CRD migration");
        kinds.push(KindReport {
            crd: crd_name(&ar),
            kind: ar.kind.clone(),
            outcome,
        });
    }
    Ok(Report {
        dry_run: opts.dry_run,
        target_version,
        kinds,
    })
}

async fn migrate_kind(
    client: &kube::Client,
    crds: &Api<CustomResourceDefinition>,
    ar: &ApiResource,
    crd: &CustomResourceDefinition,
    opts: &MigrateOptions,
) -> Outcome {
    let stored_before = stored_versions(crd);
    if stored_before == [ar.version.as_str()] {
        return Outcome::AlreadyMigrated;
    }
    let namespaced = crd.spec.scope == "Namespaced";
    if opts.namespace.is_some() && !namespaced {
        return Outcome::SkippedClusterScoped;
    }
    let mut progress = Progress {
        stored_before,
        ..Progress::default()
    };
    let list_api = match (&opts.namespace, namespaced) {
        (Some(ns), true) => Api::namespaced_with(client.clone(), ns, ar),
        _ => Api::all_with(client.clone(), ar),
    };
    let objects = match list_all(&list_api, ar).await {
        Ok(o) => o,
        Err(e) => {
            progress.failed.push(e.to_string());
            return Outcome::Migrated(progress);
        }
    };
    for obj in objects {
        let ns = obj.namespace();
        let key = match &ns {
            Some(ns) => format!("{}/{ns}/{}", ar.kind, obj.name_any()),
            None => format!("{}/{}", ar.kind, obj.name_any()),
        };
        let api = match ns.as_deref().filter(|_| namespaced) {
            Some(ns) => Api::namespaced_with(client.clone(), ns, ar),
            None => Api::all_with(client.clone(), ar),
        };
        match rewrite(&api, ar, &key, obj, opts.dry_run).await {
            Ok(Rewrite::Done { conflicts }) => {
                tracing::debug!(key, dry_run = opts.dry_run, "rewritten at {}", ar.version);
                progress.conflicts += conflicts;
                progress.rewritten.push(key);
            }
            Ok(Rewrite::Gone) => progress.gone.push(key),
            Err(e) => {
                tracing::warn!(key, error = %e, "not migrated");
                progress.failed.push(e.to_string());
            }
        }
    }
    if progress.failed.is_empty() && opts.namespace.is_none() {
        if opts.dry_run {
            progress.stored_after = Some(vec![ar.version.clone()]);
        } else {
            // Objects created since the list were stored at the storage version already.
            match set_stored_versions(crds, &crd.name_any(), &ar.version).await {
                Ok(after) => progress.stored_after = Some(after),
                Err(e) => progress.failed.push(e.to_string()),
            }
        }
    }
    Outcome::Migrated(progress)
}

/// Every object at the target version, page by page.
async fn list_all(
    api: &Api<DynamicObject>,
    ar: &ApiResource,
) -> Result<Vec<DynamicObject>, KubeError> {
    let what = format!("{}.{} at {}", ar.plural, ar.group, ar.version);
    let mut params = ListParams::default().limit(PAGE);
    let mut items = Vec::new();
    loop {
        let page = timed("list", &what, async {
            api.list(&params)
                .await
                .map_err(|e| KubeError::api("list", &what, e))
        })
        .await?;
        items.extend(page.items);
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => return Ok(items),
        }
    }
}

enum Rewrite {
    Done { conflicts: usize },
    Gone,
}

/// Replaces `obj` with itself (at its resourceVersion); a 409 re-reads and retries.
async fn rewrite(
    api: &Api<DynamicObject>,
    ar: &ApiResource,
    key: &str,
    mut obj: DynamicObject,
    dry_run: bool,
) -> Result<Rewrite, MigrateError> {
    let name = obj.name_any();
    let params = PostParams {
        dry_run,
        ..PostParams::default()
    };
    for attempt in 0..MAX_ATTEMPTS {
        // List items may come without their type; a replace needs it.
        obj.types = Some(TypeMeta {
            api_version: ar.api_version.clone(),
            kind: ar.kind.clone(),
        });
        let replaced = timed("replace", key, async {
            match api.replace(&name, &params, &obj).await {
                Ok(_) => Ok(None),
                Err(e) if is_not_found(&e) || is_conflict(&e) => Ok(Some(is_conflict(&e))),
                Err(e) => Err(KubeError::api("replace", key, e)),
            }
        })
        .await?;
        match replaced {
            None => return Ok(Rewrite::Done { conflicts: attempt }),
            Some(false) => return Ok(Rewrite::Gone),
            Some(true) => {}
        }
        let fresh = timed("get", key, async {
            api.get_opt(&name)
                .await
                .map_err(|e| KubeError::api("get", key, e))
        })
        .await?;
        match fresh {
            Some(fresh) => obj = fresh,
            None => return Ok(Rewrite::Gone),
        }
    }
    Err(MigrateError::Conflict {
        object: key.to_owned(),
        attempts: MAX_ATTEMPTS,
    })
}

/// Sets `status.storedVersions` to `[target]` (optimistic: re-read on 409) after
/// checking the CRD still stores `target`; returns what the API server stored.
async fn set_stored_versions(
    crds: &Api<CustomResourceDefinition>,
    name: &str,
    target: &str,
) -> Result<Vec<String>, MigrateError> {
    let object = format!("CustomResourceDefinition/{name}");
    for _ in 0..MAX_ATTEMPTS {
        let mut crd = timed("get", &object, async {
            crds.get(name)
                .await
                .map_err(|e| KubeError::api("get", &object, e))
        })
        .await?;
        check_upgraded(&crd, target).map_err(|problem| MigrateError::StorageChanged {
            crd: name.to_owned(),
            problem,
        })?;
        crd.status.get_or_insert_default().stored_versions = Some(vec![target.to_owned()]);
        let updated = timed("replace status of", &object, async {
            match crds
                .replace_status(name, &PostParams::default(), &crd)
                .await
            {
                Ok(c) => Ok(Some(c)),
                Err(e) if is_conflict(&e) => Ok(None),
                Err(e) => Err(KubeError::api("replace status of", &object, e)),
            }
        })
        .await?;
        if let Some(c) = updated {
            return Ok(stored_versions(&c));
        }
    }
    Err(MigrateError::Conflict {
        object,
        attempts: MAX_ATTEMPTS,
    })
}
