//! What was worked out from a text (its shaped glyphs, its width, its
//! pixels), kept for every thread of the process: a bundle's jobs run on
//! every core and repeat the same labels, months and headings, and a cache
//! per thread worked each out again on every core.

use foldhash::fast::FixedState;
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// foldhash rather than SipHash: the keys are our own texts, not an
/// attacker's, and hashing them was a twentieth of the full pack's time.
type Entries<K, V> = HashMap<K, V, FixedState>;

pub(super) struct Memo<K, V> {
    entries: Mutex<Option<Entries<K, V>>>,
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
        if let Some(found) = self.find(&key) {
            return Ok(found);
        }
        let made = make()?;
        self.keep(key, made.clone());
        Ok(made)
    }

    /// As `get_or_make`, looked up by a borrowed key (a `&str` for a
    /// `String`), which is copied only when the value is made: most lookups
    /// find one, and a copy each was a twentieth of the full pack's time.
    pub(super) fn get_or_make_borrowed<Q>(&self, key: &Q, make: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if let Some(found) = self.find(key) {
            return found;
        }
        let made = make();
        self.keep(key.to_owned(), made.clone());
        made
    }

    fn find<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.lock().as_ref().and_then(|entries| entries.get(key).cloned())
    }

    fn keep(&self, key: K, value: V) {
        let mut entries = self.lock();
        let entries = entries.get_or_insert_with(|| HashMap::with_hasher(FixedState::default()));
        if entries.len() >= self.limit {
            entries.clear();
        }
        entries.insert(key, value);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Entries<K, V>>> {
        // A thread that panicked mid-insert leaves a whole map behind.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A kept value is not made again; a failed making keeps nothing; past
    /// the limit the memo starts again.
    #[test]
    fn a_memo_makes_each_value_once_and_stays_bounded() {
        static MEMO: Memo<u32, u32> = Memo::new(2);
        let made = Cell::new(0);
        let make = |value: u32| {
            made.set(made.get() + 1);
            value * 10
        };
        assert_eq!(MEMO.get_or_make(1, || make(1)), 10);
        assert_eq!(MEMO.get_or_make(1, || make(1)), 10);
        assert_eq!(made.get(), 1, "made once");
        assert_eq!(MEMO.try_get_or_make(2, || Err::<u32, &str>("no")), Err("no"));
        assert_eq!(MEMO.get_or_make(2, || make(2)), 20);
        assert_eq!(made.get(), 2, "the failure kept nothing");
        // Two kept: the third clears them first, so 1 is made again.
        assert_eq!(MEMO.get_or_make(3, || make(3)), 30);
        assert_eq!(MEMO.get_or_make(1, || make(1)), 10);
        assert_eq!(made.get(), 4);
    }
}
