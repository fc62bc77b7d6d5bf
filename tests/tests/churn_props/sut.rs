//! Plays one generated case: boot `ako-0`, then each transition against the
//! simulators, converge, check the invariants; a restart or crash on a converged state
//! must write nothing (invariant 4), and every case ends with such a restart.

use std::sync::atomic::{AtomicUsize, Ordering};

use avi_sim::{Fault as SimFault, FaultKind};

use super::harness::World;
use super::invariants::{Checker, describe, log_position, writes_since};
use super::machine::{ChurnMachine, FaultEffect, RefState, Transition};
use super::objects::kube_change;
use proptest_state_machine::ReferenceStateMachine;

struct Case {
    world: World,
    checker: Checker,
    state: RefState,
    /// An Avi fault is armed; cleared after the next convergence.
    armed: bool,
}

/// Runs `transitions` from `init` on fresh simulators; the first failure, if any.
pub async fn run_case(
    init: &RefState,
    transitions: &[Transition],
    seen: Option<&AtomicUsize>,
) -> Result<(), String> {
    let mut world = World::new().await?;
    let checker = match Checker::new(&world).await {
        Ok(c) => c,
        Err(e) => {
            world.teardown().await;
            return Err(format!("seeding: {e}"));
        }
    };
    world.start("ako-0");
    let mut case = Case {
        world,
        checker,
        state: init.clone(),
        armed: false,
    };
    let r = case.play(transitions, seen).await;
    case.world.teardown().await;
    r
}

impl Case {
    async fn play(
        &mut self,
        transitions: &[Transition],
        seen: Option<&AtomicUsize>,
    ) -> Result<(), String> {
        self.world
            .converge()
            .await
            .map_err(|e| format!("boot: {e}"))?;
        self.checker
            .after(&self.world, &self.state, None)
            .await
            .map_err(|e| format!("boot: {e}"))?;
        for (i, t) in transitions.iter().enumerate() {
            if let Some(n) = seen {
                n.fetch_add(1, Ordering::SeqCst);
            }
            self.step(t)
                .await
                .map_err(|e| format!("transition {} ({t:?}): {e}", i + 1))?;
        }
        self.restart_writes_nothing(false)
            .await
            .map_err(|e| format!("final restart: {e}"))
    }

    async fn step(&mut self, t: &Transition) -> Result<(), String> {
        let change = kube_change(&self.state, t);
        self.state = ChurnMachine::apply(std::mem::take(&mut self.state), t);
        match t {
            Transition::AviFault(f) => {
                let kind = match f.effect {
                    FaultEffect::Error(status) => FaultKind::Error {
                        status,
                        message: None,
                    },
                    FaultEffect::DropResponse => FaultKind::ApplyThenError { status: 504 },
                };
                let fault = SimFault::new(kind)
                    .verb(f.verb)
                    .object_type(f.avi_type)
                    .count(u64::from(f.count));
                self.world.avi.faults().add(fault);
                self.armed = true;
                return Ok(());
            }
            Transition::Restart => return self.restart_writes_nothing(false).await,
            Transition::Kill => return self.restart_writes_nothing(true).await,
            Transition::StartSecond => self.world.start("ako-1"),
            Transition::StopSecond => self.world.stop("ako-1").await,
            _ => self.world.change(&change).await?,
        }
        self.settle(t).await
    }

    async fn settle(&mut self, t: &Transition) -> Result<(), String> {
        self.world.converge().await?;
        if self.armed {
            self.world.avi.faults().clear();
            self.armed = false;
        }
        self.checker.after(&self.world, &self.state, Some(t)).await
    }

    /// Invariant 4: stop (gracefully, or by a crash) the leader on a converged state,
    /// start it again, converge: no Avi write at all.
    async fn restart_writes_nothing(&mut self, crash: bool) -> Result<(), String> {
        let mark = log_position(&self.world);
        let leader = self.world.leader();
        if crash {
            self.world.kill(leader).await;
        } else {
            self.world.stop(leader).await;
        }
        self.world.start(leader);
        let t = if crash {
            Transition::Kill
        } else {
            Transition::Restart
        };
        self.settle(&t).await?;
        let writes = writes_since(&self.world, mark);
        if !writes.is_empty() {
            return Err(format!(
                "invariant 4: restarting {leader} on a converged state made {} writes: {}",
                writes.len(),
                describe(&writes)
            ));
        }
        Ok(())
    }
}
