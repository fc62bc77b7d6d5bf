//! Playing the action steps: Kubernetes objects, settings, instances, faults, time,
//! out-of-band Avi edits, the `ako` CLI and captures. Each returns what it did, or
//! why it failed.

use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::coalesce::CoalesceFault;
use super::kube_layer::{KubeErrorFault, plural};
use super::kube_ops;
use super::proxy::{Effect, ProxyFault};
use super::report::UNSUPPORTED;
use super::world::{World, instance_name};
use crate::scenario::{
    AviFault, AviType, Capture, Cli, Delete, Instance, KubeFault, Patch, SettingsChange,
    Subresource, fill_captures, value_at,
};

/// Simulated time runs this many times faster than the wall clock: the fast
/// controller timings are a fifth of production (a 15 s Lease lasts 3 s).
pub const CLOCK_SCALE: u32 = 5;
/// Longest real wait an `advance_time` makes.
const MAX_REAL_ADVANCE: Duration = Duration::from_secs(4);

/// Real time standing for simulated `d`.
pub fn real(d: Duration) -> Duration {
    (d / CLOCK_SCALE).min(MAX_REAL_ADVANCE)
}

pub fn avi_type_name(t: AviType) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

type StepResult = Result<String, String>;

fn e(x: impl std::fmt::Display) -> String {
    x.to_string()
}

impl World {
    /// `{$capture: id}` placeholders in what a step writes, replaced by the values.
    pub fn fill(&self, v: &mut Map<String, Value>) -> Result<(), String> {
        v.values_mut()
            .try_for_each(|x| fill_captures(x, &self.captures))
    }

    pub async fn apply(&mut self, objects: Vec<crate::scenario::KubeObject>) -> StepResult {
        let mut names = Vec::new();
        for o in objects {
            kube_ops::apply(&self.kube, &o).await.map_err(e)?;
            names.push(o.to_string());
            self.applied.push(o);
        }
        Ok(summary("applied", &names))
    }

    pub async fn delete(&mut self, d: &Delete) -> StepResult {
        self.last_scope_change = self.mark();
        let mut names = Vec::new();
        if let Some(r) = &d.object {
            kube_ops::delete(&self.kube, r, d.api_version.as_deref())
                .await
                .map_err(e)?;
            names.push(r.to_string());
        }
        if let Some(f) = &d.file {
            let objs = crate::scenario::load_manifest_file(&self.scenario.base_dir().join(f))
                .map_err(e)?;
            for o in objs.iter().rev() {
                let r = o.to_string().parse().map_err(e)?;
                kube_ops::delete(&self.kube, &r, Some(o.api_version()))
                    .await
                    .map_err(e)?;
                names.push(o.to_string());
            }
        }
        Ok(summary("deleted", &names))
    }

    pub async fn patch(&mut self, p: &Patch) -> StepResult {
        self.last_scope_change = self.mark();
        let status = p.subresource == Some(Subresource::Status);
        let mut patch = p.patch.clone();
        self.fill(&mut patch)?;
        let patch = Value::Object(patch);
        kube_ops::patch(
            &self.kube,
            &p.object,
            p.api_version.as_deref(),
            status,
            &patch,
        )
        .await
        .map_err(e)?;
        Ok(format!(
            "patched {}{}",
            p.object,
            if status { " status" } else { "" }
        ))
    }

    pub async fn settings_change(&mut self, c: &SettingsChange) -> StepResult {
        self.last_scope_change = self.mark();
        let before = self.settings.replica_count;
        self.settings = self.settings.overlay(&c.values);
        self.write_configmap().await.map_err(e)?;
        if self.settings.replica_count != before {
            let n = self.settings.replica_count.unwrap_or(1);
            let r = "StatefulSet/avi-system/ako".parse().map_err(e)?;
            kube_ops::patch(
                &self.kube,
                &r,
                None,
                false,
                &serde_json::json!({"spec": {"replicas": n}}),
            )
            .await
            .map_err(e)?;
        }
        let mut did = format!("set {}", c.values.keys().join(", "));
        if c.restart {
            let names: Vec<&'static str> = self.instances.keys().copied().collect();
            for n in &names {
                self.stop_instance(n).await?;
                self.start_instance(n)?;
            }
            did.push_str(&format!("; restarted {}", names.join(", ")));
        }
        Ok(did)
    }

    pub async fn restart(&mut self, i: Option<Instance>) -> StepResult {
        let name = self.default_instance(i);
        self.stop_instance(name).await?;
        self.start_instance(name)?;
        Ok(format!("restarted {name}"))
    }

    pub async fn kill(&mut self, i: Option<Instance>, restart: bool) -> StepResult {
        let name = self.default_instance(i);
        self.kill_instance(name).await?;
        if restart {
            self.start_instance(name)?;
            return Ok(format!("killed and started {name}"));
        }
        Ok(format!("killed {name}"))
    }

    /// An armed `crash_between_writes` fired: kill that instance, start it again.
    pub async fn handle_crash(&mut self) -> Result<Option<String>, String> {
        let Some(client) = self.proxy.proxy.take_crashed() else {
            return Ok(None);
        };
        let name = match client.as_str() {
            "ako-1" => "ako-1",
            _ => "ako-0",
        };
        self.kill_instance(name).await?;
        self.start_instance(name)?;
        Ok(Some(name.to_owned()))
    }

    pub fn avi_fault(&mut self, f: &AviFault) -> StepResult {
        let effect = if let Some(status) = f.error {
            Effect::Error {
                status,
                message: f.message.clone(),
            }
        } else if f.outage {
            Effect::Outage
        } else if f.drop_response {
            Effect::DropResponse
        } else if f.reset_sessions {
            Effect::ResetSessions
        } else if f.leader_change {
            Effect::LeaderChange
        } else {
            Effect::None
        };
        let mut pf = ProxyFault::new(effect);
        pf.object_type = f.avi_type.map(avi_type_name);
        pf.verb = f
            .verb
            .and_then(|v| serde_json::to_value(v).ok())
            .and_then(|v| v.as_str().map(str::to_owned));
        pf.name = f.name.clone();
        pf.latency = f.latency.map(|d| d.as_std());
        pf.rate = f.rate.unwrap_or(1.0);
        pf.count = f.count;
        pf.until = f.duration.map(|d| Instant::now() + real(d.as_std()));
        pf.until_label = f.until.clone();
        let what = format!("{:?}", pf.effect);
        self.proxy.proxy.add_fault(pf);
        Ok(format!("Avi fault {what} injected"))
    }

    pub fn kube_fault(&mut self, f: &KubeFault) -> StepResult {
        let sim = self
            .kube_sim
            .as_ref()
            .ok_or_else(|| "kube_fault needs the in-process kube-sim".to_owned())?;
        if let Some(status) = f.error {
            self.tap.add_fault(KubeErrorFault {
                resource: f.kind.as_deref().map(plural),
                verb: f
                    .verb
                    .and_then(|v| serde_json::to_value(v).ok())
                    .and_then(|v| v.as_str().map(str::to_owned)),
                namespace: f.namespace.clone(),
                name: f.name.clone(),
                status,
                rate: f.rate.unwrap_or(1.0),
                count: f.count,
                until: f.duration.map(|d| Instant::now() + real(d.as_std())),
                until_label: f.until.clone(),
                credit: 0.0,
            });
            return Ok(format!("Kubernetes answers {status} to matching requests"));
        }
        if f.drop_watches {
            let rv = sim.expire_history();
            return Ok(format!("watch streams closed, history expired at rv {rv}"));
        }
        if let Some(lag) = f.lag {
            for n in ["ako-0", "ako-1"] {
                sim.faults().lag_client(n, lag.as_std());
            }
            if let Some(l) = &f.until {
                self.kube_lag_until.push(l.clone());
            }
            return Ok(format!("controller watch view lags {}", lag));
        }
        if f.coalesce {
            self.tap.coalesce.add(CoalesceFault {
                resource: f.kind.as_deref().map(plural),
                namespace: f.namespace.clone(),
                name: f.name.clone(),
                until: f.duration.map(|d| Instant::now() + real(d.as_std())),
                until_label: f.until.clone(),
            });
            // Open watches re-open through the coalescing body.
            sim.drop_watches();
            return Ok("watch events coalesced (only the latest per object delivered)".into());
        }
        Err(format!("{UNSUPPORTED}kube_fault without an effect"))
    }

    pub fn clear_faults(&mut self, avi: bool, kube: bool) -> StepResult {
        if avi {
            self.proxy.proxy.clear_faults();
        }
        if kube {
            self.tap.clear_faults();
            self.tap.coalesce.end(None);
            self.end_kube_lag();
        }
        Ok("faults cleared".into())
    }

    pub fn end_kube_lag(&mut self) {
        if let Some(sim) = &self.kube_sim {
            for n in ["ako-0", "ako-1"] {
                sim.faults().lag_client(n, Duration::ZERO);
            }
        }
        self.kube_lag_until.clear();
    }

    /// Faults whose `until` names the step starting now end.
    pub fn step_starts(&mut self, label: &str) {
        self.proxy.proxy.end_faults_until(label);
        self.tap.end_faults_until(label);
        self.tap.coalesce.end(Some(label));
        if self.kube_lag_until.iter().any(|l| l == label) {
            self.end_kube_lag();
        }
    }

    pub async fn advance_time(&mut self, d: Duration) -> StepResult {
        let wait = real(d);
        tokio::time::sleep(wait).await;
        let mut did = format!("{}s simulated ({} ms real)", d.as_secs(), wait.as_millis());
        let freq = self
            .settings
            .full_sync_frequency
            .map(|f| f.as_std())
            .filter(|f| !f.is_zero());
        if let Some(f) = freq.filter(|f| d >= *f) {
            self.changed();
            for h in self.instances.values() {
                h.full_sync();
            }
            did.push_str(&format!(
                "; periodic full sync ({}s) triggered",
                f.as_secs()
            ));
        }
        Ok(did)
    }

    pub fn crash_between_writes(&mut self, n: u32) -> StepResult {
        let name = self.active();
        self.proxy.proxy.arm_crash(name, n);
        Ok(format!("{name} crashes after its {n}th Avi write from now"))
    }

    pub async fn avi_apply(&mut self, a: &crate::scenario::AviApply) -> StepResult {
        let tenant = a.tenant.clone().unwrap_or_else(|| self.tenant());
        let ty = avi_type_name(a.avi_type);
        let mut fields = a.fields.clone();
        self.fill(&mut fields)?;
        self.admin
            .apply(&ty, &a.name, &tenant, a.uuid.as_deref(), &fields)
            .await
            .map_err(e)?;
        Ok(format!("out-of-band edit of {ty}/{}", a.name))
    }

    pub async fn avi_delete(&mut self, a: &crate::scenario::AviDelete) -> StepResult {
        let tenant = a.tenant.clone().unwrap_or_else(|| self.tenant());
        let ty = avi_type_name(a.avi_type);
        self.admin.delete(&ty, &a.name, &tenant).await.map_err(e)?;
        Ok(format!("out-of-band delete of {ty}/{}", a.name))
    }

    pub async fn cli(&mut self, c: &Cli) -> StepResult {
        let bin = ako_binary().ok_or_else(|| {
            format!("{UNSUPPORTED}cli: the `ako` binary is not built (cargo build -p ako)")
        })?;
        let mut cmd = tokio::process::Command::new(&bin);
        cmd.args(&c.args);
        cmd.env("KUBECONFIG", self.kubeconfig_path());
        cmd.env("AVI_CONTROLLER", self.admin.base());
        let out = cmd.output().await.map_err(e)?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code().unwrap_or(-1);
        let mut problems = Vec::new();
        if code != c.exit_code {
            problems.push(format!("exit code {code}, expected {}", c.exit_code));
        }
        for s in &c.stdout_contains {
            if !stdout.contains(s.as_str()) {
                problems.push(format!("stdout lacks {s:?}"));
            }
        }
        for s in &c.stderr_contains {
            if !stderr.contains(s.as_str()) {
                problems.push(format!("stderr lacks {s:?}"));
            }
        }
        if problems.is_empty() {
            return Ok(format!("ako {} (exit {code})", c.args.join(" ")));
        }
        Err(format!(
            "ako {}: {}\n--- stdout\n{stdout}--- stderr\n{stderr}",
            c.args.join(" "),
            problems.join("; ")
        ))
    }

    pub async fn capture(&mut self, c: &Capture) -> StepResult {
        let (what, obj) = if let Some(a) = &c.avi {
            let tenant = a.tenant.clone().unwrap_or_else(|| self.tenant());
            let ty = avi_type_name(a.avi_type);
            let o = self.admin.get(&ty, &a.name, &tenant).await.map_err(e)?;
            (format!("{ty}/{}", a.name), o)
        } else if let Some(k) = &c.kube {
            let o = kube_ops::get(&self.kube, k, None).await.map_err(e)?;
            (k.to_string(), o)
        } else {
            return Err("capture names neither avi nor kube".into());
        };
        let obj = obj.ok_or_else(|| format!("{what} does not exist"))?;
        let v = value_at(&obj, &c.path)
            .filter(|v| !v.is_null())
            .ok_or_else(|| format!("{what} has nothing at {}", c.path))?
            .clone();
        let shown = v.to_string();
        self.captures.insert(c.id.clone(), v);
        Ok(format!("{} = {shown} ({what} {})", c.id, c.path))
    }
}

pub fn start_name(i: Option<Instance>) -> &'static str {
    i.map(instance_name).unwrap_or("ako-0")
}

fn summary(verb: &str, names: &[String]) -> String {
    match names.len() {
        0 => format!("{verb} nothing"),
        1..=4 => format!("{verb} {}", names.join(", ")),
        n => format!("{verb} {n} objects ({}, ...)", names[..3].join(", ")),
    }
}

/// The `ako` binary next to this one in the target directory, or `$AKO_BIN`.
fn ako_binary() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("AKO_BIN") {
        return Some(p.into());
    }
    let exe = std::env::current_exe().ok()?;
    exe.ancestors()
        .skip(1)
        .take(3)
        .map(|d| d.join(format!("ako{}", std::env::consts::EXE_SUFFIX)))
        .find(|p| p.is_file())
}
