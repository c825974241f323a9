//! How often the portal may be asked, per address and per token: a count in a fixed window per
//! key, in this process's memory (several instances each count their own). Failed token
//! look-ups count against the address, so guessing tokens is slowed to a handful an hour.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Result, ServerError};

/// Keys kept at most; a flood of new keys forgets the oldest windows first.
const MAX_KEYS: usize = 100_000;

/// One kind of ask and how many of it a key gets per window.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: u32,
    pub window: Duration,
}

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

/// Any portal call from one address.
pub const CALLS_PER_ADDRESS: Limit = Limit {
    name: "calls",
    max: 300,
    window: MINUTE,
};
/// Any portal call with one token (a tracking page left open re-reads on each change).
pub const CALLS_PER_TOKEN: Limit = Limit {
    name: "token_calls",
    max: 1000,
    window: HOUR,
};
/// Unknown or revoked tokens from one address.
pub const BAD_TOKENS_PER_ADDRESS: Limit = Limit {
    name: "bad_tokens",
    max: 10,
    window: HOUR,
};
pub const REQUESTS_PER_ADDRESS: Limit = Limit {
    name: "requests",
    max: 10,
    window: HOUR,
};
pub const REQUESTS_PER_TOKEN: Limit = Limit {
    name: "requests",
    max: 20,
    window: HOUR,
};
pub const PHOTOS_PER_ADDRESS: Limit = Limit {
    name: "photos",
    max: 60,
    window: HOUR,
};
pub const PHOTOS_PER_TOKEN: Limit = Limit {
    name: "photos",
    max: 120,
    window: HOUR,
};
pub const RATINGS_PER_TOKEN: Limit = Limit {
    name: "ratings",
    max: 10,
    window: HOUR,
};

#[derive(Default)]
pub struct PortalLimits {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl PortalLimits {
    /// Count one ask of `limit` by `key`; refused with the time to wait once the window is full.
    pub fn take(&self, limit: Limit, key: &str) -> Result<()> {
        self.take_at(limit, key, Instant::now())
    }

    fn take_at(&self, limit: Limit, key: &str, now: Instant) -> Result<()> {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let full_key = format!("{}:{key}", limit.name);
        if windows.len() >= MAX_KEYS && !windows.contains_key(&full_key) {
            windows.retain(|_, (start, _)| now.duration_since(*start) < HOUR);
            if windows.len() >= MAX_KEYS
                && let Some(oldest) = windows
                    .iter()
                    .min_by_key(|(_, (start, _))| *start)
                    .map(|(k, _)| k.clone())
            {
                windows.remove(&oldest);
            }
        }
        let entry = windows.entry(full_key).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.window {
            *entry = (now, 0);
        }
        if entry.1 >= limit.max {
            let wait = limit.window.saturating_sub(now.duration_since(entry.0));
            return Err(ServerError::TooManyAttempts(
                wait.max(Duration::from_secs(1)),
            ));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Whether `key` has used up `limit` (without counting an ask).
    pub fn exhausted(&self, limit: Limit, key: &str) -> Option<Duration> {
        let windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        windows
            .get(&format!("{}:{key}", limit.name))
            .filter(|(start, n)| *n >= limit.max && now.duration_since(*start) < limit.window)
            .map(|(start, _)| limit.window.saturating_sub(now.duration_since(*start)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_window_refuses_until_it_passes() {
        let limits = PortalLimits::default();
        let limit = Limit {
            name: "t",
            max: 3,
            window: Duration::from_secs(10),
        };
        let t0 = Instant::now();
        for _ in 0..3 {
            limits.take_at(limit, "1.2.3.4", t0).unwrap();
        }
        let refused = limits.take_at(limit, "1.2.3.4", t0 + Duration::from_secs(4));
        assert!(
            matches!(refused, Err(ServerError::TooManyAttempts(w)) if w == Duration::from_secs(6))
        );
        limits.take_at(limit, "5.6.7.8", t0).unwrap();
        limits
            .take_at(limit, "1.2.3.4", t0 + Duration::from_secs(10))
            .unwrap();
    }
}
