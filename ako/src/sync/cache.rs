//! `AviCache`: what this cluster owns on the controller, as last read or written.
//!
//! Built by listing every type ako writes (paged, checked complete) and keeping only
//! objects owned exactly by this cluster; VRF contexts and SE groups named by the
//! [`InfraScope`] are read whole. A type whose read failed is remembered as unread:
//! while any is, the cache is incomplete and nothing may be deleted (B2, B6, B21).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::{infra, owner};
use crate::avi::refs::AviRef;
use crate::avi::{AviClient, AviError, ListQuery};
use crate::model::{AviKey, AviKind};
use crate::naming;

/// An object as the controller last returned it.
#[derive(Clone, Debug, PartialEq)]
pub struct Observed {
    pub uuid: String,
    pub body: Value,
}

impl Observed {
    /// From a controller answer (GET, POST, PUT, PATCH); `None` without a uuid.
    pub fn from_body(body: Value) -> Option<Self> {
        let uuid = body.get("uuid")?.as_str()?.to_string();
        Some(Observed { uuid, body })
    }
}

/// Controller objects ako changes but does not own: the VRF context holding the static
/// routes, and the SE groups that carry the cluster label.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InfraScope {
    pub vrf: Option<String>,
    pub se_groups: BTreeSet<String>,
}

#[derive(Debug, Default)]
pub struct AviCache {
    cluster: String,
    objects: BTreeMap<AviKey, Observed>,
    by_uuid: HashMap<String, AviKey>,
    /// Types not read completely in this process, with the reason.
    unread: BTreeMap<AviKind, String>,
    vrfs: BTreeMap<String, Observed>,
    se_groups: BTreeMap<String, Observed>,
    /// Infra objects (`vrfcontext/<name>`, `serviceenginegroup/<name>`) not read, with why.
    infra_unread: BTreeMap<String, String>,
}

impl AviCache {
    /// An empty cache that has read nothing yet (so it is incomplete).
    pub fn new(cluster: &str) -> Self {
        AviCache {
            cluster: cluster.to_string(),
            unread: AviKind::ALL
                .iter()
                .map(|k| (*k, "not read yet".to_string()))
                .collect(),
            ..AviCache::default()
        }
    }

    /// Reads the whole inventory. Never fails: read errors leave the cache incomplete.
    pub async fn load(client: &AviClient, cluster: &str, scope: &InfraScope) -> Self {
        let mut cache = AviCache::new(cluster);
        cache.read_unread(client, scope).await;
        cache
    }

    /// Re-reads every type and infra object (drift repair at boot and periodically).
    pub async fn reload(&mut self, client: &AviClient, scope: &InfraScope) {
        for kind in AviKind::ALL {
            self.unread.insert(kind, "re-read requested".to_string());
        }
        self.vrfs.clear();
        self.se_groups.clear();
        self.read_unread(client, scope).await;
    }

    /// Reads the types whose last read failed and the infra objects not read yet.
    pub async fn read_unread(&mut self, client: &AviClient, scope: &InfraScope) {
        let kinds: Vec<AviKind> = self.unread.keys().copied().collect();
        let created_by = naming::created_by(&self.cluster);
        let reads = kinds.iter().map(|kind| {
            // VsVip has no created_by: list all and keep ours by marker.
            let query = if kind.has_created_by() {
                ListQuery::new().created_by(&created_by)
            } else {
                ListQuery::new()
            };
            async move { client.list::<Value>(kind.api_path(), &query).await }
        });
        let results = futures::future::join_all(reads).await;
        for (kind, result) in kinds.into_iter().zip(results) {
            match result {
                Ok(objects) => self.replace_kind(kind, objects),
                Err(e) => {
                    tracing::warn!(kind = %kind, error = %e, "Avi inventory read failed; no deletions until it succeeds");
                    self.unread.insert(kind, e.to_string());
                }
            }
        }
        self.read_infra(client, scope).await;
    }

    async fn read_infra(&mut self, client: &AviClient, scope: &InfraScope) {
        if let Some(vrf) = &scope.vrf
            && !self.vrfs.contains_key(vrf)
        {
            let found = read_named(client, "vrfcontext", vrf).await;
            self.note_infra("vrfcontext", vrf, found, |c| &mut c.vrfs);
        }
        for seg in &scope.se_groups {
            if !self.se_groups.contains_key(seg) {
                let found = read_named(client, "serviceenginegroup", seg).await;
                self.note_infra("serviceenginegroup", seg, found, |c| &mut c.se_groups);
            }
        }
    }

    fn note_infra(
        &mut self,
        obj_type: &str,
        name: &str,
        found: Result<Observed, String>,
        slot: fn(&mut Self) -> &mut BTreeMap<String, Observed>,
    ) {
        let id = format!("{obj_type}/{name}");
        match found {
            Ok(o) => {
                self.infra_unread.remove(&id);
                slot(self).insert(name.to_string(), o);
            }
            Err(why) => {
                tracing::warn!(object = %id, error = %why, "Avi read failed");
                self.infra_unread.insert(id, why);
            }
        }
    }

    pub(crate) fn replace_kind(&mut self, kind: AviKind, objects: Vec<Value>) {
        let stale: Vec<AviKey> = self
            .objects
            .keys()
            .filter(|k| k.kind == kind)
            .cloned()
            .collect();
        for key in stale {
            self.remove(&key);
        }
        for body in objects {
            if !owner::owns(kind, &body, &self.cluster) {
                continue;
            }
            let name = body.get("name").and_then(Value::as_str).map(str::to_string);
            if let (Some(name), Some(obs)) = (name, Observed::from_body(body)) {
                self.insert(AviKey::new(kind, name), obs);
            }
        }
        self.unread.remove(&kind);
    }

    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    /// Every owned type was read completely in this process: deletions are allowed.
    pub fn is_complete(&self) -> bool {
        self.unread.is_empty()
    }

    /// Why the cache is incomplete: `(what, error)` per unread type or infra object.
    pub fn read_errors(&self) -> Vec<(String, String)> {
        let kinds = self.unread.iter().map(|(k, e)| (k.to_string(), e.clone()));
        let infra = self
            .infra_unread
            .iter()
            .map(|(k, e)| (k.clone(), e.clone()));
        kinds.chain(infra).collect()
    }

    pub fn get(&self, key: &AviKey) -> Option<&Observed> {
        self.objects.get(key)
    }

    pub fn objects(&self) -> impl Iterator<Item = (&AviKey, &Observed)> {
        self.objects.iter()
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn vrf(&self, name: &str) -> Option<&Observed> {
        self.vrfs.get(name)
    }

    pub fn se_group(&self, name: &str) -> Option<&Observed> {
        self.se_groups.get(name)
    }

    pub fn se_group_names(&self) -> impl Iterator<Item = &str> {
        self.se_groups.keys().map(String::as_str)
    }

    /// Name of the owned object a uuid-only reference points at.
    pub fn name_of(&self, r: &AviRef) -> Option<String> {
        let key = self.by_uuid.get(r.uuid.as_deref()?)?;
        (key.kind.api_path() == r.obj_type).then(|| key.name.clone())
    }

    pub(crate) fn insert(&mut self, key: AviKey, obs: Observed) {
        if let Some(old) = self.objects.get(&key) {
            self.by_uuid.remove(&old.uuid);
        }
        self.by_uuid.insert(obs.uuid.clone(), key.clone());
        self.objects.insert(key, obs);
    }

    pub(crate) fn remove(&mut self, key: &AviKey) {
        if let Some(old) = self.objects.remove(key) {
            self.by_uuid.remove(&old.uuid);
        }
    }

    pub(crate) fn set_vrf(&mut self, name: &str, obs: Observed) {
        self.vrfs.insert(name.to_string(), obs);
    }

    pub(crate) fn set_se_group(&mut self, name: &str, obs: Observed) {
        self.se_groups.insert(name.to_string(), obs);
    }
}

async fn read_named(client: &AviClient, obj_type: &str, name: &str) -> Result<Observed, String> {
    match infra::infra_client(client)
        .get_by_name::<Value>(obj_type, name)
        .await
    {
        Ok(Some(body)) => Observed::from_body(body).ok_or_else(|| "answer has no uuid".to_string()),
        Ok(None) => Err(format!("{obj_type} {name} does not exist")),
        Err(e) => Err(AviError::to_string(&e)),
    }
}
