//! Property test with a state machine (issue 7, point 7): random churn of
//! namespaces and their sync label, Services, TLS Secrets, Ingresses (hosts, paths,
//! TLS), Nodes, controller restarts and crashes, a second instance and Avi faults,
//! played against avi-sim + kube-sim + ako in-process; after every convergence the
//! invariants of DESIGN.md ("Scenarios") must hold (see `churn_props/invariants.rs`).
//!
//! A failure is shrunk to a minimal sequence and written out as
//! `scenarios/regressions/prop-<hash>.yaml`, which the scenario suite then plays; the
//! failure message names the file. `PROPTEST_CASES` sets the number of cases (64 when
//! unset); `CHURN_MAX_LEN` the longest sequence (12).

#[path = "churn_props/foreign.rs"]
mod foreign;
#[path = "churn_props/harness.rs"]
mod harness;
#[path = "churn_props/invariants.rs"]
mod invariants;
#[path = "churn_props/machine.rs"]
mod machine;
#[path = "churn_props/objects.rs"]
mod objects;
#[path = "churn_props/scenario_out.rs"]
mod scenario_out;
#[path = "churn_props/sut.rs"]
mod sut;

use std::path::{Path, PathBuf};
use std::time::Instant;

use ako_tests::runner::{Outcome, Target, run_file};
use ako_tests::scenario::{Scenario, StepKind};
use machine::{ChurnMachine, Fault, FaultEffect, IngressSpec, Rule, Transition};
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use proptest_state_machine::ReferenceStateMachine;

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/regressions")
}

fn env_number(key: &str) -> Option<u32> {
    std::env::var(key).ok().and_then(|v| v.parse().ok())
}

#[test]
fn churn_keeps_the_invariants() {
    let mut config = Config {
        failure_persistence: None,
        // Every shrink step replays a whole case against real simulators.
        max_shrink_time: 240_000,
        ..Config::default()
    };
    config.cases = env_number("PROPTEST_CASES").unwrap_or(64);
    let max_len = env_number("CHURN_MAX_LEN").unwrap_or(12) as usize;
    let mut runner = TestRunner::new(config.clone());
    let started = Instant::now();
    let result = runner.run(
        &ChurnMachine::sequential_strategy(1..=max_len),
        |(init, transitions, seen)| {
            harness::block_on(sut::run_case(&init, &transitions, seen.as_deref()))
                .map_err(TestCaseError::fail)
        },
    );
    eprintln!(
        "churn_props: {} cases of up to {max_len} transitions in {:.1}s",
        config.cases,
        started.elapsed().as_secs_f64()
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, (_, transitions, _))) => {
            let reason = reason.to_string();
            let written = scenario_out::write(&regressions_dir(), &transitions, &reason)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|e| format!("(could not write the scenario: {e})"));
            panic!(
                "churn broke an invariant: {reason}\nminimal sequence ({} transitions): {transitions:#?}\nwritten as {written}",
                transitions.len()
            );
        }
        Err(e) => panic!("{e}"),
    }
}

/// A hand-made sequence touching every step kind the writer emits.
fn hand_made() -> Vec<Transition> {
    let spec = IngressSpec {
        rules: vec![
            Rule {
                host: 0,
                path: 0,
                svc: 0,
            },
            Rule {
                host: 1,
                path: 1,
                svc: 0,
            },
        ],
        tls: true,
    };
    vec![
        Transition::PutNamespace {
            ns: 0,
            in_scope: true,
        },
        Transition::PutService {
            ns: 0,
            svc: 0,
            lb: false,
        },
        Transition::PutSecret { ns: 0 },
        Transition::AviFault(Fault {
            avi_type: "pool",
            verb: "POST",
            effect: FaultEffect::Error(503),
            count: 1,
        }),
        Transition::PutIngress {
            ns: 0,
            ing: 0,
            spec,
        },
        Transition::PutNode { node: 0 },
        Transition::StartSecond,
        Transition::Restart,
        Transition::StopSecond,
        Transition::DeleteService { ns: 0, svc: 0 },
        Transition::Kill,
        Transition::DeleteNamespace { ns: 0 },
    ]
}

fn accepted(seq: &[Transition]) -> bool {
    let mut state = machine::RefState::default();
    for t in seq {
        if !ChurnMachine::preconditions(&state, t) {
            return false;
        }
        state = ChurnMachine::apply(state, t);
    }
    true
}

#[test]
fn writer_produces_a_loadable_playable_scenario() {
    let seq = hand_made();
    assert!(
        accepted(&seq),
        "the hand-made sequence breaks a precondition"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = scenario_out::write(dir.path(), &seq, "invariant 6: x deleted").unwrap();
    let name = path.file_stem().unwrap().to_str().unwrap();
    assert!(
        name.starts_with("prop-") && name.len() == "prop-".len() + 8,
        "{name}"
    );
    let s = Scenario::load(&path).unwrap();
    assert_eq!(
        s.covers.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["B21"]
    );
    let keys: Vec<&str> = s.steps.iter().map(|st| st.kind.key()).collect();
    for key in [
        "avi_apply",
        "start",
        "apply",
        "delete",
        "avi_fault",
        "clear_faults",
        "start_second_instance",
        "restart",
        "stop_instance",
        "kill",
        "expect_no_writes",
        "expect_invariants",
    ] {
        assert!(keys.contains(&key), "no {key} step in {keys:?}");
    }
    let deletes = s
        .steps
        .iter()
        .filter(|st| matches!(st.kind, StepKind::Delete(_)))
        .count();
    // Service + EndpointSlice, then the namespace (its objects go with it).
    assert_eq!(deletes, 3);
    // The same sequence written twice gets the same file name.
    let again = scenario_out::write(dir.path(), &seq, "invariant 6: x deleted").unwrap();
    assert_eq!(again, path);
    let report = run_file(&path, &Target::InProcess);
    assert!(
        matches!(report.outcome, Outcome::Passed),
        "the runner did not pass {}: {:?}\n{:#?}",
        path.display(),
        report.outcome,
        report.steps
    );
}
