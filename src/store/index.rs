//! Finding entities by id (exactly) and by name (case-insensitively).
//!
//! Both indexes are `hashbrown::HashTable`s of entity numbers: they keep no keys, and a
//! search compares the key it looks for with the entity's id or name in the tables' own
//! strings. The name index holds each name once, with the first and last entity of that
//! name; later entities with the same name are chained from the one before, so a name a
//! million entities share ("UNKNOWN") is one entry, and its entities come back in the order
//! they were added. The hashes ([`hash_str`], FxHash) are never stored: a snapshot holds
//! the tables only, and the indexes are built again when it is read.

use std::hash::Hasher;

use hashbrown::HashTable;
use rustc_hash::{FxHashMap, FxHasher};

use super::strings::Strings;

/// The hash of a string, as the indexes use it.
pub fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.finish()
}

/// The hash of a string's lower-case form (`str::to_lowercase`); built only when it differs.
pub fn hash_folded(s: &str) -> u64 {
    if !s.is_ascii() {
        return hash_str(&s.to_lowercase());
    }
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        return hash_str(&s.to_ascii_lowercase());
    }
    hash_str(s)
}

/// Whether two strings are equal once lower-cased (`str::to_lowercase`, which knows, for
/// one, that a final sigma lower-cases differently).
pub fn eq_folded(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.to_lowercase() == b.to_lowercase()
}

/// The first and the last entity of one name.
#[derive(Debug, Clone, Copy)]
struct Named {
    first: u32,
    last: u32,
}

/// The id and name indexes of one table of entities, whose ids and names are given to each
/// call (the index holds numbers into them).
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    by_id: HashTable<u32>,
    by_name: HashTable<Named>,
    /// Entity -> the next entity with the same name, for names shared.
    next_named: FxHashMap<u32, u32>,
}

impl Index {
    /// The index of these ids and names (entity `n` has the `n`th of each); Err(n) when
    /// entity `n`'s id is an earlier entity's.
    pub(super) fn build(ids: &Strings, names: &Strings) -> Result<Index, u32> {
        let mut index = Index::default();
        index.reserve(ids.len(), ids, names);
        for n in 0..ids.len() as u32 {
            if index.find(ids, ids.get(n)).is_some() {
                return Err(n);
            }
            index.add(n, ids, names);
        }
        Ok(index)
    }

    /// Makes room for `more` entities.
    pub(super) fn reserve(&mut self, more: usize, ids: &Strings, names: &Strings) {
        self.by_id.reserve(more, |&n| hash_str(ids.get(n)));
        self.by_name.reserve(more, |named| hash_folded(names.get(named.first)));
    }

    /// Adds entity `n`, whose id and name are the `n`th of `ids` and `names`, and whose id
    /// no entity held has.
    pub(super) fn add(&mut self, n: u32, ids: &Strings, names: &Strings) {
        self.by_id.insert_unique(hash_str(ids.get(n)), n, |&m| hash_str(ids.get(m)));
        let name = names.get(n);
        let hash = hash_folded(name);
        match self.by_name.find_mut(hash, |named| eq_folded(names.get(named.first), name)) {
            Some(named) => {
                self.next_named.insert(named.last, n);
                named.last = n;
            }
            None => {
                self.by_name
                    .insert_unique(hash, Named { first: n, last: n }, |named| hash_folded(names.get(named.first)));
            }
        }
    }

    /// The entity with this id (exactly).
    pub(super) fn find(&self, ids: &Strings, id: &str) -> Option<u32> {
        self.by_id.find(hash_str(id), |&n| ids.get(n) == id).copied()
    }

    /// The first entity with this name, compared case-insensitively.
    pub(super) fn first_named(&self, names: &Strings, name: &str) -> Option<u32> {
        self.by_name.find(hash_folded(name), |named| eq_folded(names.get(named.first), name)).map(|named| named.first)
    }

    /// The entity after `n` with the same name, in the order added.
    pub(super) fn next_named(&self, n: u32) -> Option<u32> {
        self.next_named.get(&n).copied()
    }

    /// How many different names the name index holds.
    #[cfg(test)]
    pub(super) fn names(&self) -> usize {
        self.by_name.len()
    }
}
