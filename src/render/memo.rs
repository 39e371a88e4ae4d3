//! What was worked out from a text (its shaped glyphs, its width, its
//! pixels), kept for every thread of the process: a bundle's jobs run on
//! every core and repeat the same labels, months and headings, and a cache
//! per thread worked each out again on every core.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

pub(super) struct Memo<K, V> {
    entries: Mutex<Option<HashMap<K, V>>>,
    /// Past this many entries the memo starts again, so memory stays
    /// bounded whatever the texts.
    limit: usize,
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    pub(super) const fn new(limit: usize) -> Self {
        Memo { entries: Mutex::new(None), limit }
    }

    /// The value kept for `key`, or `make`'s, kept.
    pub(super) fn get_or_make(&self, key: K, make: impl FnOnce() -> V) -> V {
        match self.try_get_or_make(key, || Ok::<V, std::convert::Infallible>(make())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// The value kept for `key`, or `make`'s if it makes one, kept. `make`
    /// runs outside the lock: two threads may both make one; either is kept.
    pub(super) fn try_get_or_make<E>(&self, key: K, make: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some(found) = self.lock().as_ref().and_then(|entries| entries.get(&key).cloned()) {
            return Ok(found);
        }
        let made = make()?;
        let mut entries = self.lock();
        let entries = entries.get_or_insert_with(HashMap::new);
        if entries.len() >= self.limit {
            entries.clear();
        }
        entries.insert(key, made.clone());
        Ok(made)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<HashMap<K, V>>> {
        // A thread that panicked mid-insert leaves a whole map behind.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
