//! Sign-in attempts: after a few wrong passwords for one login, or many from one address, the
//! next attempt waits, longer each time (1 s, 2 s, 4 s … up to 15 minutes). While waiting, an
//! attempt is refused with `too_many_attempts` before any password is checked, so neither a
//! right password nor the time to answer tells anything. A login that does not exist is
//! counted like one that does. A successful sign-in clears the login's count.
//!
//! Counts live in this process's memory (several instances each count their own; behind a
//! reverse proxy every request comes from the proxy's address, so only the per-login limit
//! bites: configure the proxy's own limit). We wrote this rather than use a rate-limiter
//! crate because what is needed is a lock-out with back-off per key, not a request rate.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong passwords for one login before the back-off starts.
pub const FREE_FAILURES_PER_LOGIN: u32 = 5;
/// Wrong passwords from one address (any logins) before the back-off starts.
pub const FREE_FAILURES_PER_ADDRESS: u32 = 30;
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// A count is forgotten after this long without a failure.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Keys kept at most per kind; the oldest are forgotten first when a flood fills the table.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    blocked_until: Option<Instant>,
}

struct Counts<K> {
    by_key: HashMap<K, Failures>,
}

impl<K> Default for Counts<K> {
    fn default() -> Self {
        Counts {
            by_key: HashMap::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> Counts<K> {
    fn wait(&self, key: &K, now: Instant) -> Option<Duration> {
        let f = self.by_key.get(key)?;
        f.blocked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    fn fail(&mut self, key: K, free: u32, now: Instant) {
        if self.by_key.len() >= MAX_KEYS && !self.by_key.contains_key(&key) {
            self.by_key
                .retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
            if self.by_key.len() >= MAX_KEYS
                && let Some(oldest) = self
                    .by_key
                    .iter()
                    .min_by_key(|(_, f)| f.last)
                    .map(|(k, _)| k.clone())
            {
                self.by_key.remove(&oldest);
            }
        }
        let f = self.by_key.entry(key).or_insert(Failures {
            count: 0,
            last: now,
            blocked_until: None,
        });
        if now.duration_since(f.last) >= FORGET_AFTER {
            f.count = 0;
        }
        f.count += 1;
        f.last = now;
        if f.count > free {
            let doublings = (f.count - free - 1).min(20);
            let wait = Duration::from_secs(1u64 << doublings).min(MAX_WAIT);
            f.blocked_until = Some(now + wait);
        }
    }

    fn clear(&mut self, key: &K) {
        self.by_key.remove(key);
    }
}

/// The server's memory of wrong sign-ins.
#[derive(Default)]
pub struct LoginThrottle {
    logins: Mutex<Counts<(String, String)>>,
    addresses: Mutex<Counts<IpAddr>>,
}

fn login_key(tenant: &str, login: &str) -> (String, String) {
    (tenant.to_lowercase(), login.trim().to_lowercase())
}

impl LoginThrottle {
    /// How long this attempt must wait, if it must.
    pub fn wait(
        &self,
        tenant: &str,
        login: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Option<Duration> {
        let by_login = self
            .logins
            .lock()
            .ok()
            .and_then(|c| c.wait(&login_key(tenant, login), now));
        let by_address =
            address.and_then(|a| self.addresses.lock().ok().and_then(|c| c.wait(&a, now)));
        by_login.max(by_address)
    }

    pub fn failed(&self, tenant: &str, login: &str, address: Option<IpAddr>, now: Instant) {
        if let Ok(mut c) = self.logins.lock() {
            c.fail(login_key(tenant, login), FREE_FAILURES_PER_LOGIN, now);
        }
        if let Some(a) = address
            && let Ok(mut c) = self.addresses.lock()
        {
            c.fail(a, FREE_FAILURES_PER_ADDRESS, now);
        }
    }

    pub fn succeeded(&self, tenant: &str, login: &str) {
        if let Ok(mut c) = self.logins.lock() {
            c.clear(&login_key(tenant, login));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 7)));

    #[test]
    fn a_login_waits_after_five_wrong_passwords_and_longer_each_time() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..FREE_FAILURES_PER_LOGIN {
            assert_eq!(t.wait("acme", "zhang.wei", HOME, start), None);
            t.failed("acme", "zhang.wei", HOME, start);
        }
        assert_eq!(t.wait("acme", "zhang.wei", HOME, start), None);
        t.failed("acme", "zhang.wei", HOME, start);
        assert_eq!(
            t.wait("acme", "Zhang.Wei ", None, start),
            Some(Duration::from_secs(1))
        );
        let later = start + Duration::from_secs(1);
        assert_eq!(t.wait("acme", "zhang.wei", HOME, later), None);
        t.failed("acme", "zhang.wei", HOME, later);
        assert_eq!(
            t.wait("acme", "zhang.wei", HOME, later),
            Some(Duration::from_secs(2))
        );
        // Another login on the same tenant is not held up by this one.
        assert_eq!(t.wait("acme", "li.na", HOME, later), None);
        t.succeeded("acme", "zhang.wei");
        assert_eq!(t.wait("acme", "zhang.wei", HOME, later), None);
    }

    #[test]
    fn the_wait_stops_growing_at_fifteen_minutes() {
        let t = LoginThrottle::default();
        let mut now = Instant::now();
        for _ in 0..60 {
            if let Some(w) = t.wait("acme", "x", None, now) {
                now += w;
            }
            t.failed("acme", "x", None, now);
        }
        assert_eq!(t.wait("acme", "x", None, now), Some(MAX_WAIT));
    }

    #[test]
    fn one_address_guessing_many_logins_waits_too() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..=FREE_FAILURES_PER_ADDRESS {
            t.failed("acme", &format!("user{i}"), HOME, now);
        }
        assert_eq!(
            t.wait("acme", "someone.new", HOME, now),
            Some(Duration::from_secs(1))
        );
        assert_eq!(t.wait("acme", "someone.new", None, now), None);
    }

    #[test]
    fn an_hour_without_failures_forgets_the_count() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..FREE_FAILURES_PER_LOGIN {
            t.failed("acme", "x", None, now);
        }
        let much_later = now + FORGET_AFTER;
        t.failed("acme", "x", None, much_later);
        assert_eq!(t.wait("acme", "x", None, much_later), None);
    }
}
