//! Parsed documents kept between uses, on a device and on the server. Parsing a document
//! costs what its history holds (a busy month's ledger: tens of milliseconds); a copy in
//! memory costs a clone. An entry is only used while the stored heads are the ones it was kept
//! with, so a merge written by anyone else (sync, another server instance) is never hidden by
//! a stale copy. An edit takes the kept document out and its commit puts the new state back,
//! so an edit copies nothing (a copy of a busy ledger costs about as much as the rest of a
//! tap), and an edit that fails leaves nothing half-applied behind.

use std::collections::HashMap;
use std::sync::Mutex;

use automerge::AutoCommit;

pub struct DocCache {
    inner: Mutex<Entries>,
    /// Stored bytes the kept documents may add up to (their parsed form takes a few times
    /// that), and how many documents at most.
    budget_bytes: usize,
    budget_docs: usize,
}

#[derive(Default)]
struct Entries {
    docs: HashMap<String, Entry>,
    bytes: usize,
    clock: u64,
}

struct Entry {
    heads: String,
    doc: AutoCommit,
    bytes: usize,
    used: u64,
}

impl DocCache {
    pub fn new(budget_bytes: usize, budget_docs: usize) -> DocCache {
        DocCache {
            inner: Mutex::default(),
            budget_bytes,
            budget_docs,
        }
    }

    /// A copy of the document if the one kept has exactly `heads` (as stored).
    pub fn get(&self, id: &str, heads: &str) -> Option<AutoCommit> {
        let mut e = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        e.clock += 1;
        let clock = e.clock;
        let entry = e.docs.get_mut(id)?;
        if entry.heads != heads {
            return None;
        }
        entry.used = clock;
        Some(entry.doc.clone())
    }

    /// The kept document itself if it has exactly `heads`, no longer kept: for an edit, whose
    /// commit puts the new state back (a failed edit leaves nothing stale behind).
    pub fn take(&self, id: &str, heads: &str) -> Option<AutoCommit> {
        let mut e = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if e.docs.get(id)?.heads != heads {
            return None;
        }
        let entry = e.docs.remove(id)?;
        e.bytes -= entry.bytes;
        Some(entry.doc)
    }

    /// Keep `doc`, stored with `heads` in `bytes` bytes; the least recently used go when the
    /// budget is exceeded. A document larger than the whole budget is not kept.
    pub fn put(&self, id: &str, heads: &str, doc: AutoCommit, bytes: usize) {
        let mut e = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = e.docs.remove(id) {
            e.bytes -= old.bytes;
        }
        if bytes > self.budget_bytes {
            return;
        }
        while !e.docs.is_empty()
            && (e.bytes + bytes > self.budget_bytes || e.docs.len() >= self.budget_docs)
        {
            let oldest = e
                .docs
                .iter()
                .min_by_key(|(_, v)| v.used)
                .map(|(k, _)| k.clone());
            if let Some(old) = oldest.and_then(|k| e.docs.remove(&k)) {
                e.bytes -= old.bytes;
            }
        }
        e.clock += 1;
        let used = e.clock;
        e.bytes += bytes;
        e.docs.insert(
            id.to_string(),
            Entry {
                heads: heads.to_string(),
                doc,
                bytes,
                used,
            },
        );
    }

    pub fn forget(&self, id: &str) {
        let mut e = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = e.docs.remove(id) {
            e.bytes -= old.bytes;
        }
    }

    pub fn clear(&self) {
        let mut e = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *e = Entries::default();
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .docs
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGET_BYTES: usize = 1 << 20;
    const BUDGET_DOCS: usize = 64;

    #[test]
    fn the_least_recently_used_go_first_and_nothing_larger_than_the_budget_is_kept() {
        let cache = DocCache::new(BUDGET_BYTES, BUDGET_DOCS);
        let doc = AutoCommit::new();
        for i in 0..BUDGET_DOCS + 10 {
            cache.put(&format!("d{i}"), "h", doc.clone(), 10);
            if i == BUDGET_DOCS - 1 {
                // Used again just before the cache is full: the ten that go are d1..d10.
                assert!(cache.get("d0", "h").is_some());
            }
        }
        assert_eq!(cache.len(), BUDGET_DOCS);
        assert!(cache.get("d0", "h").is_some(), "recently used");
        assert!(cache.get("d10", "h").is_none(), "least recently used");
        assert!(cache.get("d11", "h").is_some());
        assert!(
            cache.get("d0", "other heads").is_none(),
            "kept with other heads"
        );
        cache.put("big", "h", doc.clone(), BUDGET_BYTES + 1);
        assert!(cache.get("big", "h").is_none());
        // Byte budget: two halves fit, a third pushes the oldest out.
        let cache = DocCache::new(BUDGET_BYTES, BUDGET_DOCS);
        for id in ["a", "b", "c"] {
            cache.put(id, "h", doc.clone(), BUDGET_BYTES / 2);
        }
        // An edit takes the kept document out: once, and only with the heads it was kept with.
        assert!(cache.take("c", "other heads").is_none());
        assert!(cache.take("c", "h").is_some());
        assert!(cache.take("c", "h").is_none(), "taken, no longer kept");
        assert_eq!(cache.len(), 1);
        cache.put("c", "h", doc.clone(), BUDGET_BYTES / 2);
        assert_eq!(cache.len(), 2);
        assert!(cache.get("a", "h").is_none());
        cache.forget("b");
        assert!(cache.get("b", "h").is_none());
        cache.clear();
        assert_eq!(cache.len(), 0);
    }
}
