//! Per-object retry state: an object whose write failed waits out its own capped,
//! jittered backoff while every other object goes on (B12, B20).

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::time::Instant;

use super::plan::StepKey;
use crate::avi::Backoff;

/// Default per-object backoff: 1 s doubling up to 5 minutes.
pub const DEFAULT_OBJECT_BACKOFF: Backoff =
    Backoff::new(Duration::from_secs(1), Duration::from_secs(300));

/// One object's failure record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failing {
    /// Failures in a row.
    pub failures: u32,
    /// Not tried again before this.
    pub retry_at: Instant,
    pub last_error: String,
}

#[derive(Debug)]
pub struct RetryBook {
    backoff: Backoff,
    entries: BTreeMap<StepKey, Failing>,
}

impl RetryBook {
    pub fn new(backoff: Backoff) -> Self {
        RetryBook {
            backoff,
            entries: BTreeMap::new(),
        }
    }

    /// Whether `key` is still backing off at `now`.
    pub fn is_waiting(&self, key: &StepKey, now: Instant) -> bool {
        self.entries.get(key).is_some_and(|f| f.retry_at > now)
    }

    pub fn failed(&mut self, key: &StepKey, error: String, now: Instant) {
        let failures = self.entries.get(key).map_or(0, |f| f.failures) + 1;
        let retry_at = now + self.backoff.delay(failures - 1);
        self.entries.insert(
            key.clone(),
            Failing {
                failures,
                retry_at,
                last_error: error,
            },
        );
    }

    pub fn succeeded(&mut self, key: &StepKey) {
        self.entries.remove(key);
    }

    /// Forgets failures of objects no longer in any plan.
    pub fn retain(&mut self, keep: impl Fn(&StepKey) -> bool) {
        self.entries.retain(|k, _| keep(k));
    }

    /// When the earliest waiting object may be tried again (to schedule the next round).
    pub fn next_retry(&self) -> Option<Instant> {
        self.entries.values().map(|f| f.retry_at).min()
    }

    pub fn failing(&self) -> impl Iterator<Item = (&StepKey, &Failing)> {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AviKey, AviKind};

    #[tokio::test(start_paused = true)]
    async fn backoff_grows_per_object_and_is_capped() {
        let b = Backoff::new(Duration::from_secs(1), Duration::from_secs(300));
        let mut book = RetryBook::new(b);
        let a = StepKey::Object(AviKey::new(AviKind::Pool, "a"));
        let other = StepKey::Object(AviKey::new(AviKind::Pool, "b"));
        let now = Instant::now();
        for n in 0..20 {
            book.failed(&a, "boom".into(), now);
            let wait = book.next_retry().unwrap() - now;
            assert!(
                wait <= b.ceiling(n) && wait <= Duration::from_secs(300),
                "{wait:?}"
            );
        }
        assert!(book.is_waiting(&a, now));
        assert!(!book.is_waiting(&other, now));
        assert!(!book.is_waiting(&a, now + Duration::from_secs(301)));
        book.succeeded(&a);
        assert_eq!(book.next_retry(), None);
    }
}
