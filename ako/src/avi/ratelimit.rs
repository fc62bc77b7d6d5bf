//! Client-side token bucket shared by every call of one client (login included), so a
//! cold sync stays under the controller's per-address limit instead of collecting 429s.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::config::RateLimit;

#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    bucket: Mutex<Bucket>,
    granted: AtomicU64,
    delayed: AtomicU64,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        let per_second = if limit.per_second.is_finite() && limit.per_second > 0.0 {
            limit.per_second
        } else {
            f64::MAX
        };
        let burst = f64::from(limit.burst.max(1));
        RateLimiter {
            per_second,
            burst,
            bucket: Mutex::new(Bucket {
                tokens: burst,
                refilled: Instant::now(),
            }),
            granted: AtomicU64::new(0),
            delayed: AtomicU64::new(0),
        }
    }

    /// Waits for one token. Waiters are served in arrival order: the bucket's lock is held
    /// while sleeping, and tokio's mutex is fair.
    pub async fn acquire(&self) {
        let mut bucket = self.bucket.lock().await;
        self.refill(&mut bucket);
        if bucket.tokens < 1.0 {
            self.delayed.fetch_add(1, Ordering::Relaxed);
            let wait = Duration::from_secs_f64((1.0 - bucket.tokens) / self.per_second);
            tokio::time::sleep(wait).await;
            self.refill(&mut bucket);
        }
        bucket.tokens = (bucket.tokens - 1.0).max(0.0);
        self.granted.fetch_add(1, Ordering::Relaxed);
    }

    fn refill(&self, bucket: &mut Bucket) {
        let now = Instant::now();
        let earned = now.duration_since(bucket.refilled).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + earned).min(self.burst);
        bucket.refilled = now;
    }

    /// Requests let through so far.
    pub fn granted(&self) -> u64 {
        self.granted.load(Ordering::Relaxed)
    }

    /// Requests that had to wait for a token.
    pub fn delayed(&self) -> u64 {
        self.delayed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Paused tokio clock: virtual time, no wall-clock dependence.
    #[tokio::test(start_paused = true)]
    async fn burst_then_steady_rate() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 4.0,
            burst: 2,
        });
        let start = Instant::now();
        for _ in 0..10 {
            limiter.acquire().await;
        }
        // 2 from the burst, 8 earned at 4/s.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert_eq!(limiter.granted(), 10);
        assert_eq!(limiter.delayed(), 8);
    }

    #[tokio::test(start_paused = true)]
    async fn idle_time_refills_only_up_to_burst() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 10.0,
            burst: 3,
        });
        tokio::time::sleep(Duration::from_secs(60)).await;
        for _ in 0..3 {
            limiter.acquire().await;
        }
        assert_eq!(limiter.delayed(), 0);
        limiter.acquire().await;
        assert_eq!(limiter.delayed(), 1);
    }
}
