//! Sync: make the Avi controller equal to the model's [`AviGraph`].
//!
//! [`AviCache`] is what this cluster owns on the controller (read at boot, kept from
//! every answer); [`diff`] turns graph + cache into an ordered [`Plan`]; the executor
//! runs it with bounded concurrency, per-object backoff and failure isolation and
//! returns a [`PlanReport`]. [`Syncer`] ties the three together for the controller loop.

mod cache;
mod compare;
mod exec;
mod infra;
mod owner;
mod plan;
#[cfg(test)]
mod plan_tests;
mod preserve;
mod report;
mod retry;

pub use cache::{AviCache, InfraScope, Observed};
pub use exec::StepError;
pub use owner::{labelled_cluster, owns};
pub use plan::{Op, Plan, Step, StepKey, diff};
pub use report::PlanReport;
pub use retry::{DEFAULT_OBJECT_BACKOFF, Failing, RetryBook};

use std::collections::BTreeSet;
use std::time::Duration;

use tokio::time::Instant;

use crate::avi::{AviClient, Backoff};
use crate::model::AviGraph;

/// Knobs of a [`Syncer`].
#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// Writes in flight at once (the client's rate budget paces them further).
    pub concurrency: usize,
    /// Per-object retry backoff after a failed write (capped at 5 minutes by default).
    pub object_backoff: Backoff,
    /// VRF context and SE groups to read for static routes and labels.
    pub scope: InfraScope,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            concurrency: 8,
            object_backoff: DEFAULT_OBJECT_BACKOFF,
            scope: InfraScope::default(),
        }
    }
}

/// The sync engine of one controller instance: cache, retry book, client.
#[derive(Debug)]
pub struct Syncer {
    client: AviClient,
    cache: AviCache,
    book: RetryBook,
    opts: SyncOptions,
}

impl Syncer {
    /// Reads the whole inventory. Read errors leave the cache incomplete (no deletions)
    /// and are retried at the start of every [`Self::sync`].
    pub async fn boot(client: AviClient, cluster: &str, opts: SyncOptions) -> Self {
        let cache = AviCache::load(&client, cluster, &opts.scope).await;
        Syncer {
            client,
            cache,
            book: RetryBook::new(opts.object_backoff),
            opts,
        }
    }

    /// Re-reads the whole inventory, so the next [`Self::sync`] repairs out-of-band
    /// edits (periodic drift repair, F11 / B23).
    pub async fn reload(&mut self) {
        self.cache.reload(&self.client, &self.opts.scope).await;
    }

    /// The plan [`Self::sync`] would run now (dry run; no calls).
    pub fn plan(&self, graph: &AviGraph, may_delete: bool) -> Plan {
        diff(graph, &self.cache, may_delete)
    }

    /// One round: re-read what is unread, diff, execute. `may_delete` is the caller's
    /// consent (every watched kind listed, Lease held); the cache must be complete too.
    pub async fn sync(&mut self, graph: &AviGraph, may_delete: bool) -> PlanReport {
        self.run(graph, may_delete, None).await
    }

    /// Like [`Self::sync`], but starts no step after `budget`: a large plan (a cold
    /// sync) is done over several rounds, and changes that arrive meanwhile are served
    /// in the next one instead of waiting for the whole plan (B20). Steps not started
    /// are reported as `postponed`.
    pub async fn sync_within(
        &mut self,
        graph: &AviGraph,
        may_delete: bool,
        budget: Duration,
    ) -> PlanReport {
        self.run(graph, may_delete, Some(Instant::now() + budget))
            .await
    }

    async fn run(
        &mut self,
        graph: &AviGraph,
        may_delete: bool,
        deadline: Option<Instant>,
    ) -> PlanReport {
        self.cache.read_unread(&self.client, &self.opts.scope).await;
        let plan = diff(graph, &self.cache, may_delete);
        let mut report = PlanReport {
            unchanged: plan.unchanged,
            withheld: plan.withheld.clone(),
            problems: plan.problems.clone(),
            read_errors: self.cache.read_errors(),
            ..PlanReport::default()
        };
        let planned: BTreeSet<StepKey> = plan.steps.iter().map(Step::key).collect();
        self.book.retain(|k| planned.contains(k));
        let limits = exec::Limits {
            concurrency: self.opts.concurrency,
            deadline,
        };
        exec::execute(
            &self.client,
            &plan,
            &mut self.cache,
            &mut self.book,
            limits,
            &mut report,
        )
        .await;
        tracing::info!(
            writes = report.write_count(),
            unchanged = report.unchanged,
            errors = report.errors.len(),
            deferred = report.deferred.len(),
            blocked = report.blocked.len(),
            postponed = report.postponed.len(),
            withheld = report.withheld.len(),
            "sync round done"
        );
        report
    }

    pub fn cache(&self) -> &AviCache {
        &self.cache
    }

    pub fn client(&self) -> &AviClient {
        &self.client
    }

    /// When the earliest backing-off object may be retried (schedule the next round).
    pub fn next_retry(&self) -> Option<Instant> {
        self.book.next_retry()
    }

    /// Objects whose last write failed, with their backoff state.
    pub fn failing(&self) -> impl Iterator<Item = (&StepKey, &Failing)> {
        self.book.failing()
    }
}
