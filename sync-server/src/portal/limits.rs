//! How often the portal may be asked, per address and per token: a count in a fixed window per
//! key, in this process's memory (several instances each count their own). Failed token
//! look-ups count against the address, so guessing tokens is slowed to a handful an hour.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
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
/// Unknown or revoked tokens from one address (old labels scanned after a reissue count too:
/// a carrier's NAT puts many phones behind one address, so the window is short).
pub const BAD_TOKENS_PER_ADDRESS: Limit = Limit {
    name: "bad_tokens",
    max: 20,
    window: Duration::from_secs(600),
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

/// Live tracking streams open at once with one token, and from one address.
pub const STREAMS_PER_TOKEN: u32 = 5;
pub const STREAMS_PER_ADDRESS: u32 = 50;

#[derive(Default)]
pub struct PortalLimits {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    streams: Arc<Mutex<HashMap<String, u32>>>,
}

/// A live stream's place in the count; given back when the stream ends.
pub struct StreamSlot {
    streams: Arc<Mutex<HashMap<String, u32>>>,
    keys: [String; 2],
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut streams = self
            .streams
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for key in &self.keys {
            if let Some(n) = streams.get_mut(key) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    streams.remove(key);
                }
            }
        }
    }
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

    /// A place for one more live stream of this token from this address, if both have room.
    pub fn open_stream(&self, token_hash: &str, address: &str) -> Result<StreamSlot> {
        let mut streams = self
            .streams
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let keys = [format!("t:{token_hash}"), format!("a:{address}")];
        let full = streams.get(&keys[0]).copied().unwrap_or(0) >= STREAMS_PER_TOKEN
            || streams.get(&keys[1]).copied().unwrap_or(0) >= STREAMS_PER_ADDRESS;
        if full {
            return Err(ServerError::TooManyAttempts(Duration::from_secs(60)));
        }
        for key in &keys {
            *streams.entry(key.clone()).or_insert(0) += 1;
        }
        Ok(StreamSlot {
            streams: self.streams.clone(),
            keys,
        })
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

    #[test]
    fn live_streams_are_counted_until_they_end() {
        let limits = PortalLimits::default();
        let open: Vec<StreamSlot> = (0..STREAMS_PER_TOKEN)
            .map(|_| limits.open_stream("tok", "1.2.3.4").unwrap())
            .collect();
        assert!(limits.open_stream("tok", "5.6.7.8").is_err());
        let other = limits.open_stream("other", "1.2.3.4").unwrap();
        drop(open);
        limits.open_stream("tok", "1.2.3.4").unwrap();
        drop(other);
        assert!(limits.streams.lock().unwrap().is_empty());
    }
}
