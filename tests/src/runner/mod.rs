//! The scenario runner: plays a [`crate::scenario::Scenario`] step by step against
//! fresh in-process simulators (avi-sim + kube-sim) or an external cluster and Avi
//! controller, with AKO instances started in-process, and reports each step.
//!
//! [`run_file`] plays one file on its own current-thread runtime (so the controller's
//! logs can be captured for `expect_log`) and returns a [`ScenarioReport`]. The
//! controller reaches Avi through the runner's proxy (`proxy`), which attributes every
//! call to an instance and injects Avi faults; its Kubernetes client goes through a
//! tap (`kube_layer`) that counts writes and injects API-server errors.

mod actions;
mod avi_admin;
mod avi_faults;
mod coalesce;
mod configmap;
mod differential;
mod expect_avi;
mod expect_kube;
mod invariants;
mod kube_layer;
mod kube_ops;
mod logs;
mod proxy;
mod report;
mod snapshot;
mod world;

use std::path::Path;
use std::time::{Duration, Instant};

pub use report::{Outcome, ScenarioReport, StepLine, StepStatus, UNSUPPORTED};
pub use world::Target;

use crate::scenario::{Scenario, Step, StepKind};
use world::{World, instance_name};

/// How long an assertion without `within` keeps polling before it fails.
pub const DEFAULT_WITHIN: Duration = Duration::from_secs(3);
/// Quiet time before waiting for convergence, so that changes just made have reached
/// the controller's watches.
const SETTLE: Duration = Duration::from_millis(150);
const POLL: Duration = Duration::from_millis(25);
/// How long `wait_converged` waits for a round newer than the last change before it
/// takes an idle status as converged (a change may concern nothing it watches).
/// No Avi call in flight or started for this long: nothing left to write.
const QUIET: Duration = Duration::from_millis(150);
const NEW_ROUND_GRACE: Duration = Duration::from_secs(1);

/// Plays the scenario file at `path` and reports every step.
pub fn run_file(path: &Path, target: &Target) -> ScenarioReport {
    let started = Instant::now();
    let name = path.display().to_string();
    let scenario = match Scenario::load(path) {
        Ok(s) => s,
        Err(e) => {
            return ScenarioReport {
                name,
                steps: Vec::new(),
                outcome: Outcome::Error(e.to_string()),
                took: started.elapsed(),
            };
        }
    };
    if scenario.pending {
        return ScenarioReport {
            name,
            steps: Vec::new(),
            outcome: Outcome::Pending(scenario.pending_reason.clone().unwrap_or_default()),
            took: started.elapsed(),
        };
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return ScenarioReport {
                name,
                steps: Vec::new(),
                outcome: Outcome::Error(format!("tokio runtime: {e}")),
                took: started.elapsed(),
            };
        }
    };
    let logs = world_logs();
    let _guard = logs.capture();
    let (steps, outcome) = rt.block_on(play(scenario, target, logs));
    ScenarioReport {
        name,
        steps,
        outcome,
        took: started.elapsed(),
    }
}

fn world_logs() -> logs::Logs {
    logs::Logs::default()
}

/// `faq/` scenarios end with snapshots of the Avi state and the call log.
fn is_faq(s: &Scenario) -> bool {
    s.path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "faq")
}

async fn play(scenario: Scenario, target: &Target, logs: logs::Logs) -> (Vec<StepLine>, Outcome) {
    let faq = is_faq(&scenario);
    let mut world = match World::new(scenario, target).await {
        Ok(w) => w,
        Err(e) => return (Vec::new(), Outcome::Error(e.to_string())),
    };
    world.logs = logs;
    let mut lines = Vec::new();
    if world.scenario.autostart
        && let Err(e) = world.start_instance("ako-0")
    {
        return (lines, Outcome::Error(e));
    }
    let steps = world.scenario.steps.clone();
    let mut outcome = Outcome::Passed;
    for (i, step) in steps.iter().enumerate() {
        world.current_step = i;
        let line = world.play_step(step, format!("steps[{i}]")).await;
        let failed = line.status == StepStatus::Failed;
        if failed {
            outcome = Outcome::Failed(format!(
                "{} {}: {}",
                line.at,
                line.key,
                first_line(&line.detail)
            ));
        }
        lines.push(line);
        if failed {
            break;
        }
    }
    if faq && matches!(outcome, Outcome::Passed) {
        let line = world.end_snapshots().await;
        if line.status == StepStatus::Failed {
            outcome = Outcome::Failed(format!("end snapshots: {}", first_line(&line.detail)));
        }
        lines.push(line);
    }
    world.teardown().await;
    (lines, outcome)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

impl World {
    pub(crate) async fn play_step(&mut self, step: &Step, at: String) -> StepLine {
        let started = Instant::now();
        if let Some(l) = &step.label {
            self.step_starts(l);
            let m = self.mark();
            self.marks.insert(l.clone(), m);
        }
        let key = step.kind.key();
        if matches!(
            step.kind,
            StepKind::Apply(_)
                | StepKind::Delete(_)
                | StepKind::Patch(_)
                | StepKind::Crds(_)
                | StepKind::Settings(_)
        ) {
            self.changed();
        }
        let (status, detail) = if !self.in_process && step.kind.in_process_only() {
            (
                StepStatus::Skipped,
                "skipped: in-process only (needs the simulators in this process)".to_owned(),
            )
        } else {
            let r = match self.handle_crash().await {
                Err(e) => Err(e),
                Ok(_) if step.kind.is_assertion() => {
                    self.poll(&step.kind, step.within.map(|d| d.as_std())).await
                }
                Ok(_) => Box::pin(self.act(&step.kind)).await,
            };
            match r {
                Ok(d) => (StepStatus::Passed, d),
                Err(d) => (StepStatus::Failed, d),
            }
        };
        StepLine {
            at,
            key,
            label: step.label.clone(),
            status,
            detail,
            took: started.elapsed(),
        }
    }

    /// Checks an assertion until it holds or `within` passes.
    async fn poll(&mut self, kind: &StepKind, within: Option<Duration>) -> Result<String, String> {
        let deadline = Instant::now() + within.unwrap_or(DEFAULT_WITHIN);
        loop {
            let r = self.check(kind).await;
            if r.is_ok() || Instant::now() >= deadline {
                return r;
            }
            tokio::time::sleep(POLL).await;
            self.handle_crash().await?;
        }
    }

    async fn check(&mut self, kind: &StepKind) -> Result<String, String> {
        match kind {
            StepKind::ExpectAvi(x) => self.expect_avi(x).await,
            StepKind::ExpectAviCount(x) => self.expect_avi_count(x).await,
            StepKind::ExpectShard(x) => self.expect_shard(x).await,
            StepKind::ExpectStatus(x) => self.expect_status(x).await,
            StepKind::ExpectKube(x) => self.expect_kube(x).await,
            StepKind::ExpectEvent(x) => self.expect_event(x).await,
            StepKind::ExpectAnnotation(x) => self.expect_annotation(x).await,
            StepKind::ExpectLog(x) => self.expect_log(x),
            StepKind::ExpectAviWrites(x) => self.expect_avi_writes(x),
            StepKind::ExpectNoWrites(x) => self.expect_no_writes(x),
            StepKind::ExpectKubeWrites(x) => self.expect_kube_writes(x),
            StepKind::ExpectLeader(x) => self.expect_leader(x).await,
            StepKind::ExpectReady(x) => self.expect_ready(x),
            StepKind::ExpectStarts(x) => self.expect_starts(x),
            StepKind::ExpectInvariants(x) => self.expect_invariants(x).await,
            other => Err(format!("internal: {} is not an assertion", other.key())),
        }
    }

    async fn act(&mut self, kind: &StepKind) -> Result<String, String> {
        match kind {
            StepKind::Apply(m) => {
                let mut objs = m
                    .objects(self.scenario.base_dir())
                    .map_err(|e| e.to_string())?;
                for o in &mut objs {
                    self.fill(&mut o.0)?;
                }
                self.apply(objs).await
            }
            StepKind::Delete(d) => self.delete(d).await,
            StepKind::Patch(p) => self.patch(p).await,
            StepKind::Crds(set) => {
                self.last_scope_change = self.mark();
                self.install_crds(*set).await.map_err(|e| e.to_string())?;
                Ok(format!("CRDs set to {set:?}"))
            }
            StepKind::Settings(c) => self.settings_change(c).await,
            StepKind::Start(s) => {
                let n = actions::start_name(s.instance);
                self.start_instance(n)?;
                Ok(format!("started {n}"))
            }
            StepKind::Restart(r) => self.restart(r.instance).await,
            StepKind::Kill(k) => self.kill(k.instance, k.restart).await,
            StepKind::StartSecondInstance(_) => {
                self.start_instance("ako-1")?;
                Ok("started ako-1".into())
            }
            StepKind::StopInstance(i) => {
                let n = instance_name(*i);
                self.stop_instance(n).await?;
                Ok(format!("stopped {n}"))
            }
            StepKind::AviFault(f) => self.avi_fault(f),
            StepKind::ClearFaults(c) => self.clear_faults(c.avi, c.kube),
            StepKind::KubeFault(f) => self.kube_fault(f),
            StepKind::AdvanceTime(d) => self.advance_time(d.as_std()).await,
            StepKind::CrashBetweenWrites(n) => self.crash_between_writes(*n),
            StepKind::WaitConverged(w) => {
                let r = self
                    .wait_converged_for(w.timeout.as_std(), w.allow_failing)
                    .await;
                self.last_converged = self.mark();
                self.converged_marks.push(self.last_converged.avi);
                r
            }
            StepKind::AviApply(a) => self.avi_apply(a).await,
            StepKind::AviDelete(a) => self.avi_delete(a).await,
            StepKind::Cli(c) => self.cli(c).await,
            StepKind::Capture(c) => self.capture(c).await,
            StepKind::Snapshot(name) => {
                let state = self.owned_state().await?;
                let file = format!("scenario__{}__{name}", self.scenario.name);
                snapshot::assert_snapshot(&file, &state)
            }
            StepKind::Differential(d) => self.differential(d).await,
            other => Err(format!("internal: {} is not an action", other.key())),
        }
    }

    /// Waits until the active instance is idle: converged with nothing pending (or,
    /// with `allow_failing`, only failing objects left).
    pub async fn wait_converged_for(
        &mut self,
        timeout: Duration,
        allow_failing: bool,
    ) -> Result<String, String> {
        let started = Instant::now();
        tokio::time::sleep(SETTLE).await;
        loop {
            self.handle_crash().await?;
            let name = self.active();
            if let Some(h) = self.instances.get(name) {
                let s = h.status();
                let failing_only = allow_failing
                    && !s.pending
                    && s.phase == ako::controller::Phase::Syncing
                    && !s.report.errors.is_empty();
                let seen_change = self
                    .rounds_at_change
                    .get(name)
                    .is_none_or(|r| s.rounds > *r)
                    || started.elapsed() >= NEW_ROUND_GRACE;
                let quiet = self.proxy.proxy.idle_for(QUIET);
                if seen_change && quiet && (s.is_converged() || failing_only) {
                    return Ok(format!(
                        "{name} {:?} after {} rounds, {} writes in all ({} ms)",
                        s.phase,
                        s.rounds,
                        s.total_writes,
                        started.elapsed().as_millis()
                    ));
                }
                if started.elapsed() >= timeout {
                    return Err(format!(
                        "{name} did not converge within {}s: phase {:?}, pending {}, errors {:?}",
                        timeout.as_secs(),
                        s.phase,
                        s.pending,
                        s.report.errors.iter().take(5).collect::<Vec<_>>()
                    ));
                }
            } else if started.elapsed() >= timeout {
                return Err(format!("{name} is not running"));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The end of a FAQ scenario: snapshots of the Avi state and of the call log.
    async fn end_snapshots(&mut self) -> StepLine {
        let started = Instant::now();
        let name = self.scenario.name.clone();
        let r = async {
            if !self.in_process {
                return Ok("skipped against an external Avi".to_owned());
            }
            let state = self.owned_state().await?;
            let a = snapshot::assert_snapshot(&format!("faq__{name}__avi_state"), &state)?;
            let calls = self.call_log(self.start);
            let b = snapshot::assert_snapshot(&format!("faq__{name}__call_log"), &calls)?;
            Ok::<String, String>(format!("{a}; {b}"))
        }
        .await;
        let (status, detail) = match r {
            Ok(d) => (StepStatus::Passed, d),
            Err(d) => (StepStatus::Failed, d),
        };
        StepLine {
            at: "end".into(),
            key: "snapshot",
            label: None,
            status,
            detail,
            took: started.elapsed(),
        }
    }
}
