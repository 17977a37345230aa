//! [`HashIndex`]: an open-addressing hash table of item numbers in buckets of one cache line,
//! kept (rather than `hashbrown::HashTable`) because its batched lookups let a bulk load
//! keep many memory fetches in flight, which halves the load of a large graph (the
//! measurement is in ARCHITECTURE.md, "Storage and loading at scale"). It holds no keys and
//! is never stored: [`super::index`] builds it from the tables' strings.

use super::prefetch::prefetch;

/// An open-addressing hash table of item numbers. It keeps no keys: callers hash their
/// key, walk the candidates and compare the key of each, which the items already hold.
///
/// Slots come in buckets of one cache line each: twelve items and, beside each, one byte
/// of its item's hash (its tag). A search fetches its home bucket, finds the items whose
/// tag matches with a few word operations, and fetches an item's key only for those, so a
/// search for a key that is absent rarely touches a key at all, and one for a key that is
/// present touches one line of the index. The index grows to keep eight items a bucket at
/// most, so a bucket rarely fills; a full one goes on in the next. Several items may share
/// a key (names do); each is found, in the order added. Items are added in increasing
/// order (entity numbers), which lets growth keep that order.
#[derive(Debug, Clone, Default)]
pub(super) struct HashIndex {
    buckets: Vec<Bucket>,
    len: usize,
}

/// Entries per bucket: the tags (padded to 16 bytes) and the items fill 64 bytes.
const WIDTH: usize = 12;
/// Items per bucket, on average, that the index holds at most before it grows.
const FILL: usize = 8;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C, align(64))]
struct Bucket {
    /// Per entry: 0 when empty, else `0x80 | ` seven bits of the item's hash. Entries fill
    /// from the front and are never removed, so the first empty one ends the bucket; the
    /// four bytes past [`WIDTH`] stay 0.
    tags: [u8; 16],
    items: [u32; WIDTH],
}

impl Bucket {
    /// The tags as one word, entry `j` in byte `j`.
    fn tag_word(&self) -> u128 {
        u128::from_le_bytes(self.tags)
    }

    /// The items held, in the order placed.
    fn held(&self) -> impl Iterator<Item = u32> + '_ {
        self.items.iter().take(first_empty(self.tag_word())).copied()
    }
}

/// `0x01` in every byte.
const BYTES: u128 = u128::MAX / 255;

/// Bit 7 set in each byte of `x` that is zero, and no other bit.
fn zero_bytes(x: u128) -> u128 {
    let low = BYTES * 0x7F;
    !(((x & low) + low) | x) & (BYTES << 7)
}

/// The place of the first empty entry in a bucket of these tags; [`WIDTH`] when it is full.
fn first_empty(tags: u128) -> usize {
    // The padding past WIDTH is zero, so there is always one.
    (zero_bytes(tags).trailing_zeros() / 8) as usize
}

/// In a bucket of these tags: the entries whose tag is `tag` before the first empty one,
/// as bit 7 of their bytes, and whether the bucket is full (so a search goes on).
fn matches(tags: u128, tag: u8) -> (u128, bool) {
    let empty = zero_bytes(tags);
    let before = (empty & empty.wrapping_neg()) - 1;
    (zero_bytes(tags ^ (u128::from(tag) * BYTES)) & before, first_empty(tags) == WIDTH)
}

/// The items of a [`HashIndex`] whose tag matches a hash's, in the order added.
pub(super) struct Candidates<'a> {
    index: &'a HashIndex,
    tag: u8,
    /// The bucket searched now, its matching entries not yet given, and whether it is full.
    bucket: usize,
    hits: u128,
    full: bool,
    /// Buckets not yet searched, so that a search of a full index ends.
    left: usize,
}

impl<'a> Candidates<'a> {
    /// The search for `hash` from its home bucket `home`. An empty index has no bucket: it
    /// reads as one with no entries (all tags 0), so the search ends at once.
    fn new(index: &'a HashIndex, home: usize, hash: u64) -> Candidates<'a> {
        let tag = HashIndex::tag(hash);
        let (hits, full) = matches(index.buckets.get(home).map_or(0, Bucket::tag_word), tag);
        Candidates { index, tag, bucket: home, hits, full, left: index.buckets.len().saturating_sub(1) }
    }
}

impl Iterator for Candidates<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        loop {
            if self.hits != 0 {
                let j = (self.hits.trailing_zeros() / 8) as usize;
                self.hits &= self.hits - 1;
                return Some(self.index.buckets[self.bucket].items[j]);
            }
            if !self.full || self.left == 0 {
                return None;
            }
            self.left -= 1;
            self.bucket = self.index.next(self.bucket);
            (self.hits, self.full) = matches(self.index.buckets[self.bucket].tag_word(), self.tag);
        }
    }
}

impl HashIndex {
    /// Adds `item` under `hash`; `rehash` gives the hash of any item already held, for growing.
    pub(super) fn insert(&mut self, item: u32, hash: u64, rehash: impl Fn(u32) -> u64) {
        if self.len + 1 > self.buckets.len() * FILL {
            self.resize((self.buckets.len() * 2).max(2), rehash);
        }
        self.place(item, hash);
        self.len += 1;
    }

    /// Makes room for `more` items without growing again.
    pub(super) fn reserve(&mut self, more: usize, rehash: impl Fn(u32) -> u64) {
        let count = (self.len + more).div_ceil(FILL).max(2);
        if count > self.buckets.len() {
            self.resize(count, rehash);
        }
    }

    fn resize(&mut self, count: usize, rehash: impl Fn(u32) -> u64) {
        let old = std::mem::replace(&mut self.buckets, vec![Bucket::default(); count]);
        let mut items: Vec<u32> = old.iter().flat_map(Bucket::held).collect();
        // In the order added, so that equal keys stay in that order.
        items.sort_unstable();
        for item in items {
            self.place(item, rehash(item));
        }
    }

    /// The bucket to search first: the top bits of the hash, Fibonacci-mixed (the low bits
    /// of FxHash follow short keys such as numbers too closely), scaled to the bucket count.
    fn home(&self, hash: u64) -> usize {
        let mixed = hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
        ((mixed * self.buckets.len() as u64) >> 32) as usize
    }

    fn tag(hash: u64) -> u8 {
        0x80 | (hash & 0x7F) as u8
    }

    fn next(&self, b: usize) -> usize {
        if b + 1 == self.buckets.len() { 0 } else { b + 1 }
    }

    fn place(&mut self, item: u32, hash: u64) {
        let mut b = self.home(hash);
        loop {
            let bucket = &mut self.buckets[b];
            let j = first_empty(bucket.tag_word());
            if j < WIDTH {
                bucket.tags[j] = Self::tag(hash);
                bucket.items[j] = item;
                return;
            }
            b = self.next(b);
        }
    }

    /// How many items the index holds.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The items that may be held under `hash`, in the order they were added among equal keys.
    pub(super) fn candidates(&self, hash: u64) -> Candidates<'_> {
        Candidates::new(self, self.home(hash), hash)
    }

    /// For each of `hashes`, the first item held under it whose tag matches (the first of
    /// [`HashIndex::candidates`]), or None when there is none, so that no item has the key.
    /// The hashes' buckets are fetched one after another without waiting for each, so the
    /// memory fetches of the lookups overlap.
    pub(super) fn first_candidates(&self, hashes: &[u64]) -> Vec<Option<u32>> {
        let homes: Vec<usize> = hashes.iter().map(|&h| self.home(h)).collect();
        homes.iter().filter_map(|&b| self.buckets.get(b)).for_each(prefetch);
        homes.iter().zip(hashes).map(|(&home, &hash)| Candidates::new(self, home, hash).next()).collect()
    }

    /// Fetches into cache the bucket where a search for each of `hashes` starts.
    pub(super) fn touch(&self, hashes: impl Iterator<Item = u64>) {
        hashes.filter_map(|h| self.buckets.get(self.home(h))).for_each(prefetch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_with_many_items_of_one_key_finds_each_in_order() {
        // A hash whose home is the last bucket at every size: its items fill that bucket and
        // go on from the first, and the index grows several times meanwhile.
        let k: u64 = 0x9E37_79B9_7F4A_7C15;
        let inverse = (0..6).fold(k, |x, _| x.wrapping_mul(2u64.wrapping_sub(k.wrapping_mul(x))));
        let last = u64::MAX.wrapping_mul(inverse);
        let mut index = HashIndex::default();
        for item in 0..100 {
            index.insert(item, last, |_| last);
            assert_eq!(index.home(last), index.buckets.len() - 1);
        }
        assert_eq!(index.candidates(last).collect::<Vec<_>>(), (0..100).collect::<Vec<_>>());
        assert_eq!(index.first_candidates(&[last, last ^ 1]), vec![Some(0), None]);
        assert_eq!(index.candidates(last ^ 1).count(), 0);
        assert_eq!(index.len, 100);
    }
}
