//! `World`: everything one scenario run holds — the Kubernetes and Avi ends (in-process
//! simulators or external endpoints), the Avi proxy and Kubernetes tap the controller
//! instances go through, the instances themselves, captured logs, captures and the
//! points (`since:`) counting starts from. Setup creates what exists at the start.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use ako::controller::{Controller, ControllerDeps, ControllerHandle, ControllerOptions};
use http::{HeaderName, HeaderValue};
use k8s_fixtures::build::{self, AKO_NAMESPACE};
use k8s_fixtures::kube_sim;
use serde_json::{Value, json};

use super::avi_admin::AviAdmin;
use super::configmap;
use super::kube_layer::{KubeTap, tapped_client};
use super::kube_ops;
use super::logs::Logs;
use super::proxy::{self, ProxyHandle};
use crate::scenario::{Captures, CrdSet, Instance, KubeObject, Scenario, Settings};

/// Where a scenario plays.
#[derive(Debug, Clone)]
pub enum Target {
    /// Fresh avi-sim + kube-sim in this process.
    InProcess,
    /// A cluster (kubeconfig) and an Avi controller; controllers still in-process.
    External {
        kubeconfig: PathBuf,
        avi_url: String,
        username: String,
        password: String,
    },
}

/// A point in the run: the next sequence number of each log.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mark {
    pub avi: u64,
    pub kube: u64,
    pub log: u64,
}

pub fn instance_name(i: Instance) -> &'static str {
    match i {
        Instance::Ako0 => "ako-0",
        Instance::Ako1 => "ako-1",
    }
}

pub struct World {
    pub scenario: Scenario,
    pub target: Target,
    /// Index of the top-level step being played.
    pub current_step: usize,
    pub in_process: bool,
    pub kube: kube::Client,
    kube_config: kube::Config,
    pub kube_sim: Option<kube_sim::Handle>,
    pub _avi_sim: Option<avi_sim::Handle>,
    pub admin: AviAdmin,
    pub proxy: ProxyHandle,
    pub tap: Arc<KubeTap>,
    pub logs: Logs,
    pub instances: BTreeMap<&'static str, ControllerHandle>,
    pub starts: HashMap<&'static str, u32>,
    /// Settings in force (scenario settings with every `settings` step laid over).
    pub settings: Settings,
    pub captures: Captures,
    pub marks: HashMap<String, Mark>,
    pub start: Mark,
    pub last_converged: Mark,
    /// Where the last step that could take sources out of scope began (invariant 6).
    pub last_scope_change: Mark,
    /// Kubernetes objects applied (external mode deletes them at the end).
    pub applied: Vec<KubeObject>,
    /// Labels that end a `kube_fault` lag.
    pub kube_lag_until: Vec<String>,
    kubeconfig: PathBuf,
    /// Proxy sequence numbers at which an instance started, stopped or crashed.
    pub lifecycle: Vec<u64>,
    /// Host -> (shard count, shard) at the last invariant-3 check.
    pub placements: BTreeMap<String, (u32, u32)>,
    /// Rounds each running instance had run when the scenario last changed something
    /// on the Kubernetes side: `wait_converged` waits for a newer round.
    pub rounds_at_change: HashMap<&'static str, u64>,
    /// Proxy sequence numbers at the end of each `wait_converged`.
    pub converged_marks: Vec<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("setup: {0}")]
    Msg(String),
}

fn msg(e: impl std::fmt::Display) -> SetupError {
    SetupError::Msg(e.to_string())
}

impl World {
    pub async fn new(scenario: Scenario, target: &Target) -> Result<World, SetupError> {
        let (kube, kube_config, kube_sim, avi_sim, avi_url, user, pass) = match target {
            Target::InProcess => {
                let mut acfg = avi_sim::Config::default();
                if let Some(v) = &scenario.cluster.avi_version {
                    acfg.controller_version = v.clone();
                }
                let avi = avi_sim::spawn(acfg).await.map_err(msg)?;
                let kcfg = kube_sim::Config {
                    openshift: scenario.cluster.openshift,
                    namespaces: ["default", "kube-system", "kube-public", AKO_NAMESPACE]
                        .map(String::from)
                        .to_vec(),
                    ..kube_sim::Config::default()
                };
                let k = kube_sim::spawn_with(kcfg).await.map_err(msg)?;
                let url = avi.url();
                let (u, p) = (avi.username().to_owned(), avi.password().to_owned());
                (
                    k.client(),
                    k.kube_config().clone(),
                    Some(k),
                    Some(avi),
                    url,
                    u,
                    p,
                )
            }
            Target::External {
                kubeconfig,
                avi_url,
                username,
                password,
            } => {
                let text = std::fs::read_to_string(kubeconfig).map_err(msg)?;
                let kc: kube::config::Kubeconfig = serde_yaml::from_str(&text).map_err(msg)?;
                let cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
                    .await
                    .map_err(msg)?;
                let client = kube::Client::try_from(cfg.clone()).map_err(msg)?;
                (
                    client,
                    cfg,
                    None,
                    None,
                    avi_url.clone(),
                    username.clone(),
                    password.clone(),
                )
            }
        };
        let kubeconfig = match (target, &kube_sim) {
            (Target::External { kubeconfig, .. }, _) => kubeconfig.clone(),
            (_, Some(k)) => k.kubeconfig_path().to_owned(),
            _ => PathBuf::new(),
        };
        let admin = AviAdmin::new(&avi_url, &user, &pass).map_err(msg)?;
        let proxy = proxy::spawn(&avi_url).await.map_err(msg)?;
        let settings = scenario.settings.clone();
        let mut world = World {
            scenario,
            target: target.clone(),
            current_step: 0,
            in_process: matches!(target, Target::InProcess),
            kube,
            kube_config,
            kube_sim,
            _avi_sim: avi_sim,
            admin,
            proxy,
            tap: Arc::default(),
            logs: Logs::default(),
            instances: BTreeMap::new(),
            starts: HashMap::new(),
            settings,
            captures: Captures::default(),
            marks: HashMap::new(),
            start: Mark::default(),
            last_converged: Mark::default(),
            last_scope_change: Mark::default(),
            applied: Vec::new(),
            kube_lag_until: Vec::new(),
            kubeconfig,
            lifecycle: Vec::new(),
            placements: BTreeMap::new(),
            rounds_at_change: HashMap::new(),
            converged_marks: Vec::new(),
        };
        world.install(&user, &pass).await?;
        if world.in_process {
            world.seed_missing_avi_objects().await?;
        }
        world.start = world.mark();
        world.last_converged = world.start;
        world.last_scope_change = world.start;
        Ok(world)
    }

    /// The objects that exist at the start (README "What exists at the start").
    async fn install(&mut self, user: &str, pass: &str) -> Result<(), SetupError> {
        let ns = serde_json::to_value(build::namespace(AKO_NAMESPACE).build()).map_err(msg)?;
        let mut objects: Vec<Value> = vec![ns];
        objects.push(serde_json::to_value(build::avi_secret(user, pass)).map_err(msg)?);
        let replicas = i32::from(self.settings.replica_count.unwrap_or(1));
        objects.push(
            serde_json::to_value(build::ako_statefulset().replicas(replicas).build())
                .map_err(msg)?,
        );
        let mut class = build::ingress_class("avi-lb");
        if self.settings.default_ing_controller != Some(false) {
            class = class.default_class();
        }
        objects.push(serde_json::to_value(class.build()).map_err(msg)?);
        // The StatefulSet's pods: events about an instance are on them.
        for i in 0..replicas.max(2) {
            let pod = build::pod(AKO_NAMESPACE, &format!("ako-{i}")).build();
            objects.push(serde_json::to_value(pod).map_err(msg)?);
        }
        self.install_crds(self.scenario.cluster.crds).await?;
        for v in objects {
            let obj = kube_object(v)?;
            kube_ops::apply(&self.kube, &obj).await.map_err(msg)?;
        }
        self.write_configmap().await.map_err(msg)
    }

    /// Objects a fresh Avi controller has that avi-sim does not seed yet (spec
    /// ako-behaviour §seed: health monitor System-SCTP, used by SCTP pools, F26).
    async fn seed_missing_avi_objects(&self) -> Result<(), SetupError> {
        let body: serde_json::Map<String, Value> =
            serde_json::from_value(json!({"type": "HEALTH_MONITOR_SCTP", "is_federated": false}))
                .map_err(msg)?;
        if self
            .admin
            .get("healthmonitor", "System-SCTP", "admin")
            .await
            .map_err(msg)?
            .is_none()
        {
            self.admin
                .apply("healthmonitor", "System-SCTP", "admin", None, &body)
                .await
                .map_err(msg)?;
        }
        Ok(())
    }

    /// Replaces the installed `ako.vmware.com` CRDs with `set`.
    pub async fn install_crds(&self, set: CrdSet) -> Result<(), SetupError> {
        use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
        let crds = match set {
            CrdSet::Current => k8s_fixtures::crds::all_crds(),
            CrdSet::V1alpha1Only => k8s_fixtures::crds::v1alpha1_only_crds(),
            CrdSet::None => Vec::new(),
        };
        let api: kube::Api<CustomResourceDefinition> = kube::Api::all(self.kube.clone());
        let wanted: Vec<String> = crds
            .iter()
            .filter_map(|c| c.metadata.name.clone())
            .collect();
        if let Ok(list) = api.list(&Default::default()).await {
            for c in list.items {
                let name = c.metadata.name.clone().unwrap_or_default();
                if name.ends_with(".ako.vmware.com") && !wanted.contains(&name) {
                    let _ = api.delete(&name, &Default::default()).await;
                }
            }
        }
        for crd in crds {
            let v = serde_json::to_value(&crd).map_err(msg)?;
            let obj = kube_object(v)?;
            kube_ops::apply(&self.kube, &obj).await.map_err(msg)?;
        }
        Ok(())
    }

    /// Writes `avi-k8s-config` from the settings in force.
    pub async fn write_configmap(&self) -> Result<(), kube_ops::KubeOpError> {
        let data = configmap::render(&self.settings, &self.proxy.url);
        let cm = json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "avi-k8s-config", "namespace": AKO_NAMESPACE},
            "data": data,
        });
        let obj: KubeObject =
            serde_json::from_value(cm).map_err(|e| kube_ops::KubeOpError::Bad {
                object: "ConfigMap/avi-system/avi-k8s-config".into(),
                message: e.to_string(),
            })?;
        kube_ops::apply(&self.kube, &obj).await
    }

    pub fn kubeconfig_path(&self) -> &std::path::Path {
        &self.kubeconfig
    }

    pub fn cluster(&self) -> String {
        self.settings.cluster_name.clone().unwrap_or_default()
    }

    pub fn tenant(&self) -> String {
        self.settings
            .tenant_name
            .clone()
            .unwrap_or_else(|| "admin".to_owned())
    }

    pub fn mark(&self) -> Mark {
        Mark {
            avi: self.proxy.proxy.mark(),
            kube: self.tap.mark(),
            log: self.logs.mark(),
        }
    }

    /// Notes that the Kubernetes side just changed.
    pub fn changed(&mut self) {
        self.last_scope_change = self.mark();
        self.rounds_at_change = self
            .instances
            .iter()
            .map(|(n, h)| (*n, h.status().rounds))
            .collect();
    }

    fn refresh_running(&mut self) {
        let m = self.proxy.proxy.mark();
        self.lifecycle.push(m);
        self.logs
            .set_running(self.instances.keys().map(|s| (*s).to_owned()).collect());
    }

    /// Starts `name` (not running) against this world.
    pub fn start_instance(&mut self, name: &'static str) -> Result<(), String> {
        if self.instances.contains_key(name) {
            return Err(format!("{name} is already running"));
        }
        let mut cfg = self.kube_config.clone();
        if let Ok(v) = HeaderValue::from_str(name) {
            cfg.headers
                .push((HeaderName::from_static("x-kube-sim-client"), v));
        }
        let client = tapped_client(cfg, self.tap.clone(), name).map_err(|e| e.to_string())?;
        let mut deps = ControllerDeps::new(client, AKO_NAMESPACE, name);
        let mut options = ControllerOptions::fast();
        // Periodic full syncs come from `advance_time`, not from the wall clock.
        options.full_sync_interval = Some(std::time::Duration::ZERO);
        deps.options = options;
        let handle = Controller::start(deps);
        self.instances.insert(name, handle);
        *self.starts.entry(name).or_default() += 1;
        self.refresh_running();
        Ok(())
    }

    /// Graceful stop (Lease released).
    pub async fn stop_instance(&mut self, name: &str) -> Result<(), String> {
        let h = self
            .instances
            .remove(name)
            .ok_or_else(|| format!("{name} is not running"))?;
        h.shutdown().await;
        self.refresh_running();
        Ok(())
    }

    /// Crash: the task is dropped, the Lease left to expire.
    pub async fn kill_instance(&mut self, name: &str) -> Result<(), String> {
        let h = self
            .instances
            .remove(name)
            .ok_or_else(|| format!("{name} is not running"))?;
        h.abort().await;
        self.proxy.proxy.thaw(name);
        self.refresh_running();
        Ok(())
    }

    /// The holder of the `ako-lease-lock` Lease, if any.
    pub async fn lease_holder(&self) -> Option<String> {
        let r = format!("Lease/{AKO_NAMESPACE}/{}", ako::kube::LEASE_NAME)
            .parse()
            .ok()?;
        let lease = kube_ops::get(&self.kube, &r, None).await.ok()??;
        lease["spec"]["holderIdentity"].as_str().map(str::to_owned)
    }

    /// The leader among running instances (by their own status), else `ako-0`.
    pub fn active(&self) -> &'static str {
        self.instances
            .iter()
            .find(|(_, h)| h.status().leader)
            .map(|(n, _)| *n)
            .unwrap_or("ako-0")
    }

    pub fn default_instance(&self, i: Option<Instance>) -> &'static str {
        i.map(instance_name).unwrap_or_else(|| self.active())
    }

    /// Stops every instance and, externally, removes what the scenario created.
    pub async fn teardown(&mut self) {
        let names: Vec<&'static str> = self.instances.keys().copied().collect();
        for n in names {
            let _ = self.stop_instance(n).await;
        }
        if !self.in_process {
            for obj in self.applied.iter().rev() {
                if let Ok(r) = obj.to_string().parse() {
                    let _ = kube_ops::delete(&self.kube, &r, Some(obj.api_version())).await;
                }
            }
        }
    }
}

pub fn kube_object(v: Value) -> Result<KubeObject, SetupError> {
    serde_json::from_value(v).map_err(msg)
}
