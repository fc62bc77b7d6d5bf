//! Exponential backoff with full jitter, shared by call retries and per-object sync retries.

use std::time::Duration;

use rand::Rng;

/// `delay(n)` is uniform in `[0, min(max, base * 2^n)]` (AWS "full jitter"), never zero
/// for a non-zero base so a busy loop cannot form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    pub const fn new(base: Duration, max: Duration) -> Self {
        Backoff { base, max }
    }

    /// Upper bound of the delay after `failures` consecutive failures (0-based).
    pub fn ceiling(&self, failures: u32) -> Duration {
        let factor = 1u32.checked_shl(failures.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }

    /// A jittered delay after `failures` consecutive failures (0-based).
    pub fn delay(&self, failures: u32) -> Duration {
        let ceiling = self.ceiling(failures);
        let floor = (ceiling / 2).min(self.base);
        if ceiling <= floor {
            return ceiling;
        }
        let nanos = rand::rng().random_range(floor.as_nanos()..=ceiling.as_nanos());
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_then_caps() {
        let b = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(b.ceiling(0), Duration::from_millis(100));
        assert_eq!(b.ceiling(1), Duration::from_millis(200));
        assert_eq!(b.ceiling(3), Duration::from_millis(800));
        assert_eq!(b.ceiling(4), Duration::from_secs(1));
        assert_eq!(b.ceiling(200), Duration::from_secs(1));
    }

    #[test]
    fn delay_stays_within_bounds() {
        let b = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
        for n in 0..40 {
            let d = b.delay(n);
            assert!(d <= b.ceiling(n), "{d:?} > ceiling at {n}");
            assert!(d >= Duration::from_millis(50), "{d:?} too small at {n}");
        }
    }
}
