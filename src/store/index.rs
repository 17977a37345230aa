//! Finding entities by id (exactly) and by name (case-insensitively).
//!
//! Both indexes are [`HashIndex`]es of entity numbers: they keep no keys, and a search
//! compares the key it looks for with the entity's id or name in the tables' own strings.
//! The name index holds the first entity of each name; later entities with the same name
//! are chained to the one before, so a name a million entities share ("UNKNOWN") fills no
//! run of buckets, and its entities come back in the order they were added. Lookups of many
//! ids at once (relation ends) take each step for the whole batch, so their memory fetches
//! overlap. The hashes ([`hash_str`], FxHash) are never stored: a snapshot holds the tables
//! only, and the indexes are built again when it is read.

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHasher};

use super::buckets::HashIndex;
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

/// Entities indexed together when a table is read back: enough for the fetches of one
/// batch to overlap, few enough that its buckets stay in cache until used.
const BATCH: usize = 256;

/// The id and name indexes of one table of entities, whose ids and names are given to each
/// call (the index holds numbers into them).
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    by_id: HashIndex,
    /// By name, case-insensitively: the first entity of each name.
    by_name: HashIndex,
    chains: Chains,
}

/// The entities that share a name, after the first (which the name index holds).
#[derive(Debug, Clone, Default)]
struct Chains {
    /// Entity -> the next entity with the same name.
    next: FxHashMap<u32, u32>,
    /// The first entity of a shared name -> the last one, to chain the next in one step.
    last: FxHashMap<u32, u32>,
}

impl Index {
    /// The index of these ids and names (entity `n` has the `n`th of each); Err(n) when
    /// entity `n`'s id is an earlier entity's. The two indexes are built at once, the name
    /// index on another core, each in batches whose buckets are fetched ahead.
    pub(super) fn build(ids: &Strings, names: &Strings) -> Result<Index, u32> {
        let (mut by_id, mut by_name, mut chains) = (HashIndex::default(), HashIndex::default(), Chains::default());
        let found = std::thread::scope(|scope| {
            let named = scope.spawn(|| {
                by_name.reserve(names.len(), |m| hash_folded(names.get(m)));
                in_batches(
                    &mut by_name,
                    names.len(),
                    |n| hash_folded(names.get(n)),
                    |index, n, hash| {
                        chains.add(index, n, hash, names);
                        Ok(())
                    },
                )
            });
            by_id.reserve(ids.len(), |m| hash_str(ids.get(m)));
            let found = in_batches(
                &mut by_id,
                ids.len(),
                |n| hash_str(ids.get(n)),
                |index, n, hash| match index.candidates(hash).find(|&m| ids.get(m) == ids.get(n)) {
                    Some(_) => Err(n),
                    None => {
                        index.insert(n, hash, |m| hash_str(ids.get(m)));
                        Ok(())
                    }
                },
            );
            named.join().expect("building the name index does not panic").and(found)
        });
        found.map(|()| Index { by_id, by_name, chains })
    }

    /// Makes room for `more` entities.
    pub(super) fn reserve(&mut self, more: usize, ids: &Strings, names: &Strings) {
        self.by_id.reserve(more, |m| hash_str(ids.get(m)));
        self.by_name.reserve(more, |m| hash_folded(names.get(m)));
    }

    /// Adds entity `n`, whose id and name are the `n`th of `ids` and `names`, and whose id
    /// no entity held has.
    pub(super) fn add(&mut self, n: u32, ids: &Strings, names: &Strings) {
        self.chains.add(&mut self.by_name, n, hash_folded(names.get(n)), names);
        self.by_id.insert(n, hash_str(ids.get(n)), |m| hash_str(ids.get(m)));
    }

    /// The entity with this id (exactly).
    pub(super) fn find(&self, ids: &Strings, id: &str) -> Option<u32> {
        self.by_id.candidates(hash_str(id)).find(|&n| ids.get(n) == id)
    }

    /// The entities with these ids (as [`Index::find`] for each), looked up together: each
    /// step is taken for all ids before the next, so the memory fetches of one lookup overlap
    /// those of the others instead of waiting in turn.
    pub(super) fn find_many(&self, ids: &Strings, keys: &[&str]) -> Vec<Option<u32>> {
        let hashes: Vec<u64> = keys.iter().map(|id| hash_str(id)).collect();
        let firsts = self.by_id.first_candidates(&hashes);
        firsts.iter().flatten().for_each(|&n| ids.prefetch_end(n));
        let spans: Vec<(u32, u32)> = firsts.iter().map(|f| f.map_or((0, 0), |n| ids.span(n))).collect();
        spans.iter().for_each(|&(start, _)| ids.prefetch_text(start));
        keys.iter()
            .zip(firsts.iter().zip(&spans))
            .map(|(id, (&first, &span))| match first {
                None => None,
                Some(n) if ids.bytes(span) == id.as_bytes() => Some(n),
                // Another key with the same tag came first: rare; search in full.
                Some(_) => self.find(ids, id),
            })
            .collect()
    }

    /// Fetches into cache the places a search for each of these (id, name) starts at.
    pub(super) fn warm<'a>(&self, entities: impl Iterator<Item = (&'a str, &'a str)> + Clone) {
        self.by_id.touch(entities.clone().map(|(id, _)| hash_str(id)));
        self.by_name.touch(entities.map(|(_, name)| hash_folded(name)));
    }

    /// The first entity with this name, compared case-insensitively.
    pub(super) fn first_named(&self, names: &Strings, name: &str) -> Option<u32> {
        self.by_name.candidates(hash_folded(name)).find(|&n| eq_folded(names.get(n), name))
    }

    /// The entity after `n` with the same name, in the order added.
    pub(super) fn next_named(&self, n: u32) -> Option<u32> {
        self.chains.next.get(&n).copied()
    }

    /// How many different names the name index holds.
    #[cfg(test)]
    pub(super) fn names(&self) -> usize {
        self.by_name.len()
    }
}

impl Chains {
    /// Adds entity `n`, whose name hashes to `hash`, to the name index `by_name`: as the
    /// first of its name, or chained after the last entity of it.
    fn add(&mut self, by_name: &mut HashIndex, n: u32, hash: u64, names: &Strings) {
        let name = names.get(n);
        match by_name.candidates(hash).find(|&m| eq_folded(names.get(m), name)) {
            Some(first) => {
                let last = self.last.insert(first, n).unwrap_or(first);
                self.next.insert(last, n);
            }
            None => by_name.insert(n, hash, |m| hash_folded(names.get(m))),
        }
    }
}

/// Adds entities `0..count` to `index` with `add`, given each one's hash, in batches: the
/// home buckets of a batch are fetched first, in one quick pass, so their fetches overlap.
fn in_batches(
    index: &mut HashIndex,
    count: usize,
    hash: impl Fn(u32) -> u64,
    mut add: impl FnMut(&mut HashIndex, u32, u64) -> Result<(), u32>,
) -> Result<(), u32> {
    let mut hashes = Vec::with_capacity(BATCH);
    for start in (0..count as u32).step_by(BATCH) {
        let batch = start..start.saturating_add(BATCH as u32).min(count as u32);
        hashes.clear();
        hashes.extend(batch.clone().map(&hash));
        index.touch(hashes.iter().copied());
        for (n, &h) in batch.zip(&hashes) {
            add(index, n, h)?;
        }
    }
    Ok(())
}
