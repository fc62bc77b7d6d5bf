//! `PlanReport`: what one sync round did and did not do, for logs, metrics and tests.

use std::collections::BTreeMap;

use super::plan::StepKey;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanReport {
    /// Successful Avi writes by `"<VERB> <type>"` (`"POST pool"`), as avi-sim counts them.
    pub writes: BTreeMap<String, usize>,
    /// Desired objects that were already as wanted.
    pub unchanged: usize,
    /// Steps that failed this round, with the error (they now back off).
    pub errors: Vec<(StepKey, String)>,
    /// Steps still backing off from an earlier failure; not tried this round.
    pub deferred: Vec<StepKey>,
    /// Steps not tried because a step they depend on failed or was deferred.
    pub blocked: Vec<StepKey>,
    /// Steps not started because the round's time budget ran out (next round does them).
    pub postponed: Vec<StepKey>,
    /// Deletions held back: deleting was not allowed or the inventory is incomplete.
    pub withheld: Vec<StepKey>,
    /// Changes the plan could not express (unread VRF, SE group of another cluster, ...).
    pub problems: Vec<(StepKey, String)>,
    /// Inventory reads that failed: `(type or object, error)`.
    pub read_errors: Vec<(String, String)>,
}

impl PlanReport {
    /// Avi writes made this round.
    pub fn write_count(&self) -> usize {
        self.writes.values().sum()
    }

    /// Nothing left to do: the controller equals the graph.
    pub fn is_converged(&self) -> bool {
        self.errors.is_empty()
            && self.deferred.is_empty()
            && self.blocked.is_empty()
            && self.postponed.is_empty()
            && self.withheld.is_empty()
            && self.problems.is_empty()
            && self.read_errors.is_empty()
    }

    pub(crate) fn wrote(&mut self, verb: &str, obj_type: &str) {
        *self.writes.entry(format!("{verb} {obj_type}")).or_default() += 1;
    }
}
