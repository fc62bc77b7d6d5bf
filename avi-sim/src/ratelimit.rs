//! Per-client token buckets, like a controller's `portal_request_rate_limit`:
//! requests beyond the bucket get 429.

use std::collections::HashMap;
use std::time::Instant;

use parking_lot::Mutex;

use crate::config::RateLimit;

#[derive(Default)]
pub struct RateLimiter {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    limit: Option<RateLimit>,
    buckets: HashMap<String, (f64, Instant)>,
}

impl RateLimiter {
    pub fn new(limit: Option<RateLimit>) -> Self {
        Self {
            inner: Mutex::new(Inner {
                limit,
                buckets: HashMap::new(),
            }),
        }
    }

    pub fn set(&self, limit: Option<RateLimit>) {
        let mut g = self.inner.lock();
        g.limit = limit;
        g.buckets.clear();
    }

    pub fn get(&self) -> Option<RateLimit> {
        self.inner.lock().limit
    }

    /// Takes a token for `client`; false when its bucket is empty.
    pub fn admit(&self, client: &str) -> bool {
        let mut g = self.inner.lock();
        let Some(limit) = g.limit else { return true };
        let now = Instant::now();
        let (tokens, at) = g
            .buckets
            .entry(client.to_string())
            .or_insert((limit.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * limit.per_second).min(limit.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refused_per_client() {
        let rl = RateLimiter::new(Some(RateLimit {
            per_second: 0.001,
            burst: 2.0,
        }));
        assert!(rl.admit("a"));
        assert!(rl.admit("a"));
        assert!(!rl.admit("a"));
        assert!(rl.admit("b"));
        rl.set(None);
        assert!(rl.admit("a"));
    }
}
