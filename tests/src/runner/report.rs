//! What playing a scenario produced: one line per step (✓ / ✗ / skipped, label, what
//! was checked or done, a diff on failure) and the scenario's outcome.

use std::fmt;
use std::time::Duration;

/// How one step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepStatus {
    Passed,
    Failed,
    /// Not played in this mode (in-process-only steps against an external target).
    Skipped,
}

#[derive(Debug, Clone)]
pub struct StepLine {
    /// `steps[3]`, `steps[5].differential.b[0]`.
    pub at: String,
    pub key: &'static str,
    pub label: Option<String>,
    pub status: StepStatus,
    /// What was done or checked; on failure why, with the diff.
    pub detail: String,
    pub took: Duration,
}

impl StepLine {
    /// The failure was the runner lacking a capability, not the controller.
    pub fn unsupported(&self) -> bool {
        self.status == StepStatus::Failed && self.detail.starts_with(UNSUPPORTED)
    }
}

/// Prefix of a failure caused by a step the runner cannot play.
pub const UNSUPPORTED: &str = "unsupported by runner: ";

impl fmt::Display for StepLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = match self.status {
            StepStatus::Passed => "✓",
            StepStatus::Failed => "✗",
            StepStatus::Skipped => "-",
        };
        let label = self
            .label
            .as_ref()
            .map(|l| format!(" [{l}]"))
            .unwrap_or_default();
        let mut lines = self.detail.lines();
        let first = lines.next().unwrap_or_default();
        write!(
            f,
            "  {mark} {:<10} {}{label}: {first} ({} ms)",
            self.at,
            self.key,
            self.took.as_millis()
        )?;
        for l in lines {
            write!(f, "\n      {l}")?;
        }
        Ok(())
    }
}

/// The end of one scenario.
#[derive(Debug, Clone)]
pub enum Outcome {
    Passed,
    /// The first failing step's line (the run stops there).
    Failed(String),
    Pending(String),
    /// The file did not load or the environment did not start.
    Error(String),
}

#[derive(Debug, Clone)]
pub struct ScenarioReport {
    pub name: String,
    pub steps: Vec<StepLine>,
    pub outcome: Outcome,
    pub took: Duration,
}

impl ScenarioReport {
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Passed | Outcome::Pending(_))
    }

    pub fn unsupported(&self) -> usize {
        self.steps.iter().filter(|s| s.unsupported()).count()
    }
}

impl fmt::Display for ScenarioReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "scenario {}", self.name)?;
        for s in &self.steps {
            writeln!(f, "{s}")?;
        }
        let secs = self.took.as_secs_f64();
        match &self.outcome {
            Outcome::Passed => writeln!(f, "  => passed in {secs:.1}s"),
            Outcome::Failed(why) => writeln!(f, "  => FAILED in {secs:.1}s: {why}"),
            Outcome::Pending(why) => writeln!(f, "  => pending: {why}"),
            Outcome::Error(why) => writeln!(f, "  => ERROR: {why}"),
        }
    }
}
