//! Fixed one-minute windows (api.md §11): per key for authenticated routes, per client IP for requests
//! without a valid key and for signed preview URLs. A refused request does not count. Memory is bounded:
//! counters of past windows are dropped when the table is full, and if it is still full (that many
//! distinct clients in one minute) new clients are refused rather than the table growing.

use std::collections::HashMap;
use std::sync::Mutex;

/// The window length in seconds.
pub const WINDOW_S: u64 = 60;
/// Most clients tracked in one window per limiter.
const MAX_ENTRIES: usize = 100_000;

/// One limiter: an allowance per window and the counters.
pub struct Limiter {
    limit: u32,
    counters: Mutex<HashMap<String, (u64, u32)>>,
}

/// What a check decided, with the numbers of the `X-RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    /// After this request.
    pub remaining: u32,
    /// Unix seconds when the window ends.
    pub reset: u64,
    /// Whole seconds until then, at least 1 (`Retry-After`).
    pub retry_after: u64,
}

impl Limiter {
    pub fn new(limit: u32) -> Limiter {
        Limiter { limit, counters: Mutex::new(HashMap::new()) }
    }

    /// Whether `client` has used its whole allowance in the window holding `now`, without counting a
    /// request: lets the server refuse a throttled IP before it spends a key lookup on it.
    pub fn is_exhausted(&self, client: &str, now: u64) -> bool {
        let window = now - now % WINDOW_S;
        let counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        counters.get(client).is_some_and(|(w, n)| *w == window && *n >= self.limit)
    }

    /// Counts one request of `client` at `now` (Unix seconds) unless it is over the allowance.
    pub fn check(&self, client: &str, now: u64) -> Decision {
        let window = now - now % WINDOW_S;
        let reset = window + WINDOW_S;
        let mut decision =
            Decision { allowed: false, limit: self.limit, remaining: 0, reset, retry_after: (reset - now).max(1) };
        let mut counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        if counters.len() >= MAX_ENTRIES && !counters.contains_key(client) {
            counters.retain(|_, (w, _)| *w == window);
            if counters.len() >= MAX_ENTRIES {
                return decision;
            }
        }
        let entry = counters.entry(client.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 < self.limit {
            entry.1 += 1;
            decision.allowed = true;
            decision.remaining = self.limit - entry.1;
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_request_over_the_allowance_is_refused_until_the_window_ends() {
        let l = Limiter::new(3);
        let t = 1_800_000_020;
        let remaining: Vec<u32> = (0..3).map(|_| l.check("a", t).remaining).collect();
        assert_eq!(remaining, [2, 1, 0]);
        let refused = l.check("a", t + 5);
        assert_eq!((refused.allowed, refused.retry_after, refused.reset), (false, 35, 1_800_000_060));
        assert!(l.check("b", t).allowed, "another client is unaffected");
        assert!(l.is_exhausted("a", t + 5) && !l.is_exhausted("b", t + 5));
        assert!(!l.check("a", t + 39).allowed, "refusals do not count, but the window still holds");
        let next = l.check("a", t + 40);
        assert_eq!((next.allowed, next.remaining), (true, 2));
    }
}
