//! Compact tables of entities and relations: the form a dataset and the graph hold them in.
//!
//! An import of a million entities and several million relations has to fit an ordinary
//! machine, so the parts every record has sit in flat columns (ids and names in one string
//! buffer, kinds and relation kinds as indexes into the schema, relation ends as entity
//! numbers, statuses as bytes) and the parts bulk rows mostly lack (aliases, country,
//! attributes, notes, evidence, dates, where a record is written) in sparse side tables.
//! [`EntityView`] and [`RelationView`] read one record back, with the record's field names
//! as methods, and serialise as [`crate::model::Entity`] and [`crate::model::Relation`] do:
//! those remain the records the loader checks curated files into.
//!
//! Lookups by id and by name (case-insensitively) go through [`HashIndex`], an
//! open-addressing table of entity numbers that hashes the strings in place, so an index
//! costs a few bytes per entity and serialises as two columns.

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use serde::{Deserialize, Serialize};

use crate::diag::Location;
use crate::model::{Attrs, Evidence, PartialDate, Schema, Status, period_text};

/// Attributes of a record that has none.
static NO_ATTRS: Attrs = Attrs::new();

/// Why a table refused a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The id is taken by the entity with this number.
    Duplicate(u32),
    /// The table is full: 2^32 strings, or 4 GiB of ids and names.
    Full,
}

/// Strings laid end to end: string `i` is `text[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    text: String,
    ends: Vec<u32>,
}

impl Strings {
    fn push(&mut self, s: &str) -> Result<u32, Refused> {
        let end = u32::try_from(self.text.len() + s.len()).map_err(|_| Refused::Full)?;
        let index = u32::try_from(self.ends.len()).map_err(|_| Refused::Full)?;
        self.text.push_str(s);
        self.ends.push(end);
        Ok(index)
    }

    fn get(&self, i: u32) -> &str {
        let (start, end) = self.span(i);
        &self.text[start as usize..end as usize]
    }

    /// Where string `i` lies in the text.
    fn span(&self, i: u32) -> (u32, u32) {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        (start, self.ends[i])
    }

    /// Whether every end lies in the text, in order, on a character boundary.
    fn is_sound(&self) -> bool {
        let mut last = 0;
        self.ends.iter().all(|&end| {
            let ok = end >= last && self.text.is_char_boundary(end as usize);
            last = end;
            ok
        })
    }
}

/// Values for some of the numbers `0..n`, kept in increasing order of number.
#[derive(Debug, Clone)]
pub struct Sparse<T> {
    keys: Vec<u32>,
    values: Vec<T>,
}

impl<T> Default for Sparse<T> {
    fn default() -> Self {
        Sparse { keys: Vec::new(), values: Vec::new() }
    }
}

impl<T> Sparse<T> {
    /// Adds the value of `key`, which must be greater than every key before it.
    fn push(&mut self, key: u32, value: T) {
        debug_assert!(self.keys.last().is_none_or(|&k| k < key), "keys are pushed in order");
        self.keys.push(key);
        self.values.push(value);
    }

    fn get(&self, key: u32) -> Option<&T> {
        self.keys.binary_search(&key).ok().map(|i| &self.values[i])
    }

    fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.keys.iter().copied().zip(&self.values)
    }

    /// Whether the keys increase, stay below `n` and each has its value.
    fn is_sound(&self, n: usize) -> bool {
        self.keys.windows(2).all(|w| w[0] < w[1])
            && self.keys.last().is_none_or(|&k| (k as usize) < n)
            && self.keys.len() == self.values.len()
    }
}

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

/// A fingerprint of [`hash_str`] and [`hash_folded`]: their hashes of a few fixed strings,
/// ASCII and not, mixed. The hashes depend on the hasher's version and on the pointer
/// width, and lower-casing on the Unicode tables of the standard library; a snapshot stores
/// its indexes, so it records this and a build whose fingerprint differs refuses it rather
/// than search its indexes in the wrong places.
pub fn hasher_fingerprint() -> u64 {
    const SAMPLES: [&str; 6] =
        ["", "a", "korea-rungrado", "Munitions Industry Department", "ÉCOLE ΣΊΣΥΦΟΣ", "İstanbul ǅ"];
    SAMPLES.iter().flat_map(|s| [hash_str(s), hash_folded(s)]).fold(0u64, |acc, h| acc.rotate_left(7) ^ h)
}

/// Whether two strings are equal once lower-cased (`str::to_lowercase`, which knows, for
/// one, that a final sigma lower-cases differently).
pub fn eq_folded(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.to_lowercase() == b.to_lowercase()
}

/// Asks the processor to fetch `value`'s cache line, without waiting for it. Unlike a
/// load, the instruction is done at once, so a loop of them runs ahead of the memory and
/// keeps many fetches in flight. A hint only: elsewhere than on x86-64 it does nothing.
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch cannot fault and changes no memory the program sees; this one is
    // of a live reference. (SSE, which it needs, is part of every x86-64 processor.)
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

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
pub struct HashIndex {
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
pub struct Candidates<'a> {
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
    pub fn insert(&mut self, item: u32, hash: u64, rehash: impl Fn(u32) -> u64) {
        if self.len + 1 > self.buckets.len() * FILL {
            self.resize((self.buckets.len() * 2).max(2), rehash);
        }
        self.place(item, hash);
        self.len += 1;
    }

    /// Makes room for `more` items without growing again.
    pub fn reserve(&mut self, more: usize, rehash: impl Fn(u32) -> u64) {
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

    /// The items that may be held under `hash`, in the order they were added among equal keys.
    pub fn candidates(&self, hash: u64) -> Candidates<'_> {
        Candidates::new(self, self.home(hash), hash)
    }

    /// For each of `hashes`, the first item held under it whose tag matches (the first of
    /// [`HashIndex::candidates`]), or None when there is none, so that no item has the key.
    /// The hashes' buckets are fetched one after another without waiting for each, so the
    /// memory fetches of the lookups overlap.
    pub fn first_candidates(&self, hashes: &[u64]) -> Vec<Option<u32>> {
        let homes: Vec<usize> = hashes.iter().map(|&h| self.home(h)).collect();
        homes.iter().filter_map(|&b| self.buckets.get(b)).for_each(prefetch);
        homes.iter().zip(hashes).map(|(&home, &hash)| Candidates::new(self, home, hash).next()).collect()
    }

    /// Fetches into cache the bucket where a search for each of `hashes` starts.
    fn touch(&self, hashes: impl Iterator<Item = u64>) {
        hashes.filter_map(|h| self.buckets.get(self.home(h))).for_each(prefetch);
    }

    /// The index as columns, for a snapshot: every entry's item, then every entry's tag.
    fn columns(&self) -> (Vec<u32>, Vec<u8>) {
        let items = self.buckets.iter().flat_map(|b| b.items).collect();
        let tags = self.buckets.iter().flat_map(|b| b.tags.into_iter().take(WIDTH)).collect();
        (items, tags)
    }

    /// The index from its columns, holding `len` items; None when the columns cannot be
    /// an index's. Whether it is a sound one, [`HashIndex::is_sound`] tells.
    fn from_columns(items: &[u32], tags: &[u8], len: usize) -> Option<HashIndex> {
        if items.len() != tags.len() || !items.len().is_multiple_of(WIDTH) {
            return None;
        }
        let buckets = items
            .chunks_exact(WIDTH)
            .zip(tags.chunks_exact(WIDTH))
            .map(|(items, tags)| {
                let mut b = Bucket { items: items.try_into().expect("chunks are WIDTH long"), ..Bucket::default() };
                b.tags[..WIDTH].copy_from_slice(tags);
                b
            })
            .collect();
        Some(HashIndex { buckets, len })
    }

    /// Whether every entry names an item below `count`, tags mark exactly the entries held
    /// (filled from the front), and the index holds `len` items, with room to spare.
    fn is_sound(&self, count: usize, len: usize) -> bool {
        let held: usize = self.buckets.iter().map(|b| b.held().count()).sum();
        self.buckets.iter().all(|b| {
            let n = b.held().count();
            b.tags[..n].iter().all(|&t| t >= 0x80)
                && b.tags[n..].iter().all(|&t| t == 0)
                && b.items[n..].iter().all(|&i| i == 0)
                && b.held().all(|i| (i as usize) < count)
        }) && held == self.len
            && self.len == len
            && held <= self.buckets.len() * FILL
    }
}

/// The parts of an entity that bulk rows mostly lack.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EntityMore {
    pub aliases: Vec<String>,
    pub country: Option<String>,
    pub attrs: Attrs,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
    /// Where the record is written (curated records); not kept in snapshots.
    #[serde(skip)]
    pub origin: Location,
}

impl EntityMore {
    /// Whether there is nothing to keep beyond the id, kind and name.
    pub fn is_empty(&self) -> bool {
        self.aliases.is_empty()
            && self.country.is_none()
            && self.attrs.is_empty()
            && self.note.is_none()
            && self.evidence.is_empty()
            && self.origin == Location::default()
    }
}

/// Entities: id, name and kind of each in columns, the rest in a side table, indexed by id
/// and by name.
#[derive(Debug, Clone, Default)]
pub struct Entities {
    /// Ids and names apart, so that the ids and their index stay small enough to sit in
    /// the processor's cache while a bulk import resolves relation ends against them.
    ids: Strings,
    names: Strings,
    kind: Vec<u16>,
    more: Sparse<EntityMore>,
    by_id: HashIndex,
    /// By name, case-insensitively: the first entity of each name. Later entities with the
    /// same name are chained to it in `next_named`, so that a name shared by many entities
    /// (a bulk import's "UNKNOWN") fills no run of buckets that every insertion and every
    /// search landing in it would walk.
    by_name: HashIndex,
    /// Entity -> the next entity with the same name, for names shared.
    next_named: FxHashMap<u32, u32>,
    /// The first entity of a shared name -> the last one, to chain the next in one step.
    last_named: FxHashMap<u32, u32>,
}

impl Entities {
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }

    /// Makes room for `more` entities whose ids and names take about `bytes` bytes.
    pub fn reserve(&mut self, more: usize, bytes: usize) {
        self.ids.ends.reserve(more);
        self.names.ends.reserve(more);
        self.ids.text.reserve(bytes / 3);
        self.names.text.reserve(bytes * 2 / 3);
        self.kind.reserve(more);
        let (ids, names) = (&self.ids, &self.names);
        self.by_id.reserve(more, |m| hash_str(ids.get(m)));
        self.by_name.reserve(more, |m| hash_folded(names.get(m)));
    }

    /// Adds an entity; refuses an id that is taken. `kind` indexes the schema's kinds.
    pub fn push(&mut self, id: &str, name: &str, kind: u16, more: Option<EntityMore>) -> Result<u32, Refused> {
        if let Some(taken) = self.find(id) {
            return Err(Refused::Duplicate(taken));
        }
        let n = u32::try_from(self.kind.len()).map_err(|_| Refused::Full)?;
        self.ids.push(id)?;
        if let Err(full) = self.names.push(name) {
            // Keep the columns in step: drop the id just written.
            self.ids.ends.pop();
            self.ids.text.truncate(self.ids.ends.last().map_or(0, |&e| e as usize));
            return Err(full);
        }
        self.kind.push(kind);
        if let Some(more) = more.filter(|m| !m.is_empty()) {
            self.more.push(n, more);
        }
        let name_hash = hash_folded(name);
        match self.by_name.candidates(name_hash).find(|&m| eq_folded(self.name(m), name)) {
            Some(first) => {
                let last = self.last_named.insert(first, n).unwrap_or(first);
                self.next_named.insert(last, n);
            }
            None => {
                let names = &self.names;
                self.by_name.insert(n, name_hash, |m| hash_folded(names.get(m)));
            }
        }
        let ids = &self.ids;
        self.by_id.insert(n, hash_str(id), |m| hash_str(ids.get(m)));
        Ok(n)
    }

    /// The entity with this id (exactly).
    pub fn find(&self, id: &str) -> Option<u32> {
        self.by_id.candidates(hash_str(id)).find(|&n| self.id(n) == id)
    }

    /// The entities with this name, compared case-insensitively, in the order they were added.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = u32> + 'a {
        let first = self.by_name.candidates(hash_folded(name)).find(|&n| eq_folded(self.name(n), name));
        std::iter::successors(first, |n| self.next_named.get(n).copied())
    }

    /// The entities with these ids (as [`Entities::find`] for each), looked up together: each
    /// step is taken for all ids before the next, so the memory fetches of one lookup overlap
    /// those of the others instead of waiting in turn.
    pub fn find_many(&self, ids: &[&str]) -> Vec<Option<u32>> {
        let hashes: Vec<u64> = ids.iter().map(|id| hash_str(id)).collect();
        let firsts = self.by_id.first_candidates(&hashes);
        let ends = &self.ids.ends;
        firsts.iter().flatten().for_each(|&n| prefetch(&ends[n as usize]));
        let spans: Vec<(u32, u32)> = firsts.iter().map(|f| f.map_or((0, 0), |n| self.ids.span(n))).collect();
        let text = self.ids.text.as_bytes();
        spans.iter().filter_map(|&(start, _)| text.get(start as usize)).for_each(prefetch);
        ids.iter()
            .zip(firsts.iter().zip(&spans))
            .map(|(id, (&first, &(start, end)))| match first {
                None => None,
                Some(n) if text[start as usize..end as usize] == *id.as_bytes() => Some(n),
                // Another key with the same tag came first: rare; search in full.
                Some(_) => self.find(id),
            })
            .collect()
    }

    /// Fetches into cache what checking and adding these entities (id, name) will read:
    /// where the id leads in the id index, and the name in the name index. A load checks
    /// entities one by one, each after the last; fetching a batch's places first, in one
    /// quick pass, lets the fetches overlap instead of each waiting in turn. Changes nothing.
    pub fn warm<'a>(&self, entities: impl Iterator<Item = (&'a str, &'a str)> + Clone) {
        self.by_id.touch(entities.clone().map(|(id, _)| hash_str(id)));
        self.by_name.touch(entities.map(|(_, name)| hash_folded(name)));
    }

    /// The first entity added with this name, compared case-insensitively.
    pub fn first_named(&self, name: &str) -> Option<u32> {
        self.named(name).next()
    }

    pub fn id(&self, n: u32) -> &str {
        self.ids.get(n)
    }

    pub fn name(&self, n: u32) -> &str {
        self.names.get(n)
    }

    /// The kind, as an index into the schema's kinds.
    pub fn kind(&self, n: u32) -> u16 {
        self.kind[n as usize]
    }

    /// Kinds of all entities, by number.
    pub fn kinds(&self) -> &[u16] {
        &self.kind
    }

    pub fn more(&self, n: u32) -> Option<&EntityMore> {
        self.more.get(n)
    }

    /// Entities that have more than an id, kind and name, with those parts.
    pub fn with_more(&self) -> impl Iterator<Item = (u32, &EntityMore)> {
        self.more.iter()
    }

    /// Whether the columns agree with each other and with a schema of `kinds` kinds.
    fn is_sound(&self, kinds: usize) -> bool {
        let n = self.kind.len();
        self.ids.is_sound()
            && self.names.is_sound()
            && self.ids.ends.len() == n
            && self.names.ends.len() == n
            && self.kind.iter().all(|&k| usize::from(k) < kinds)
            && self.more.is_sound(n)
            && self.by_id.is_sound(n, n)
            && self.by_name.is_sound(n, n - self.next_named.len().min(n))
            && self.chains_are_sound()
    }

    /// Whether the chains of shared names lead forward (so they end) to entities that are
    /// not in the name index and have one predecessor each (so none is found twice).
    fn chains_are_sound(&self) -> bool {
        let n = self.kind.len();
        let mut reached = vec![false; n];
        for item in self.by_name.buckets.iter().flat_map(Bucket::held) {
            reached[item as usize] = true;
        }
        self.next_named
            .iter()
            .all(|(&a, &b)| a < b && (b as usize) < n && !std::mem::replace(&mut reached[b as usize], true))
    }

    /// `last_named` from `next_named`: the end of each chain, by its first entity. One
    /// pass from the last link back, so that even links read from a damaged file (which
    /// the soundness check then refuses) take time in proportion to their number.
    fn chain_ends(next: &FxHashMap<u32, u32>) -> FxHashMap<u32, u32> {
        let mut links: Vec<(u32, u32)> = next.iter().map(|(&a, &b)| (a, b)).collect();
        links.sort_unstable_by_key(|&(a, _)| std::cmp::Reverse(a));
        let mut ends: FxHashMap<u32, u32> = FxHashMap::default();
        for (a, b) in links {
            let end = if b > a { ends.get(&b).copied().unwrap_or(b) } else { a };
            ends.insert(a, end);
        }
        let later: FxHashSet<u32> = next.values().copied().collect();
        ends.retain(|a, _| !later.contains(a));
        ends
    }
}

/// The parts of a relation that bulk rows mostly lack.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RelationMore {
    pub since: Option<PartialDate>,
    pub until: Option<PartialDate>,
    pub date: Option<PartialDate>,
    pub attrs: Attrs,
    pub note: Option<String>,
    pub evidence: Vec<Evidence>,
    #[serde(skip)]
    pub origin: Location,
}

impl RelationMore {
    pub fn is_empty(&self) -> bool {
        self.since.is_none()
            && self.until.is_none()
            && self.date.is_none()
            && self.attrs.is_empty()
            && self.note.is_none()
            && self.evidence.is_empty()
            && self.origin == Location::default()
    }
}

/// Relations: ends, relation kind and status of each in columns, the rest in a side table.
#[derive(Debug, Clone, Default)]
pub struct Relations {
    /// (from, to) entity numbers. The graph moves them into petgraph and leaves this empty.
    ends: Vec<(u32, u32)>,
    /// Relation kinds. The graph moves them into its search index and leaves this empty.
    rel: Vec<u16>,
    status: Vec<Status>,
    more: Sparse<RelationMore>,
}

impl Relations {
    pub fn len(&self) -> usize {
        self.status.len()
    }

    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// Room for `n` more relations, when a bulk file says how many it holds.
    pub fn reserve(&mut self, n: usize) {
        self.ends.reserve(n);
        self.rel.reserve(n);
        self.status.reserve(n);
    }

    /// Adds a relation between entity numbers; `rel` indexes the schema's relations.
    pub fn push(
        &mut self,
        ends: (u32, u32),
        rel: u16,
        status: Status,
        more: Option<RelationMore>,
    ) -> Result<u32, Refused> {
        let e = u32::try_from(self.rel.len()).map_err(|_| Refused::Full)?;
        self.ends.push(ends);
        self.rel.push(rel);
        self.status.push(status);
        if let Some(more) = more.filter(|m| !m.is_empty()) {
            self.more.push(e, more);
        }
        Ok(e)
    }

    /// Adds relations given as columns, as [`Relations::push`] does one without side
    /// parts. Err(k) when the table is full after k of them.
    pub fn extend(&mut self, ends: &[(u32, u32)], rel: &[u16], status: &[Status]) -> Result<(), usize> {
        // Relation numbers are u32: the table holds up to 2^32 of them.
        let room = usize::try_from(1u64 << 32).unwrap_or(usize::MAX).saturating_sub(self.rel.len());
        let take = rel.len().min(room);
        self.ends.extend_from_slice(&ends[..take]);
        self.rel.extend_from_slice(&rel[..take]);
        self.status.extend_from_slice(&status[..take]);
        if take < rel.len() { Err(take) } else { Ok(()) }
    }

    /// The ends of relation `e`, while the table still holds them (before the graph is built).
    pub fn ends(&self, e: u32) -> (u32, u32) {
        self.ends[e as usize]
    }

    /// Takes the ends out, for the graph to hold them.
    pub fn take_ends(&mut self) -> Vec<(u32, u32)> {
        std::mem::take(&mut self.ends)
    }

    /// Relation kinds of all relations, as indexes into the schema's relations (while the
    /// table still holds them).
    pub fn rels(&self) -> &[u16] {
        &self.rel
    }

    /// Takes the relation kinds out, for the graph's search index to hold them.
    pub fn take_rels(&mut self) -> Vec<u16> {
        std::mem::take(&mut self.rel)
    }

    pub fn status(&self, e: u32) -> Status {
        self.status[e as usize]
    }

    pub fn more(&self, e: u32) -> Option<&RelationMore> {
        self.more.get(e)
    }

    /// Relations that have dates, attributes, notes or evidence, with those parts.
    pub fn with_more(&self) -> impl Iterator<Item = (u32, &RelationMore)> {
        self.more.iter()
    }

    fn is_sound(&self, rels: usize, entities: usize) -> bool {
        let n = self.rel.len();
        self.ends.len() == n
            && self.status.len() == n
            && self.rel.iter().all(|&r| usize::from(r) < rels)
            && self.ends.iter().all(|&(a, b)| (a as usize) < entities && (b as usize) < entities)
            && self.more.is_sound(n)
    }
}

/// Checks tables read from outside (a snapshot) before anything indexes into them.
pub fn tables_are_sound(schema: &Schema, entities: &Entities, relations: &Relations) -> bool {
    entities.is_sound(schema.kinds.len()) && relations.is_sound(schema.relations.len(), entities.len())
}

/// One entity, read from the tables.
#[derive(Debug, Clone, Copy)]
pub struct EntityView<'a> {
    schema: &'a Schema,
    entities: &'a Entities,
    n: u32,
}

impl<'a> EntityView<'a> {
    pub fn new(schema: &'a Schema, entities: &'a Entities, n: u32) -> EntityView<'a> {
        EntityView { schema, entities, n }
    }

    /// The entity's number in its tables.
    pub fn number(&self) -> u32 {
        self.n
    }

    pub fn id(&self) -> &'a str {
        self.entities.id(self.n)
    }

    pub fn name(&self) -> &'a str {
        self.entities.name(self.n)
    }

    pub fn kind(&self) -> &'a str {
        self.schema.kinds.get(usize::from(self.entities.kind(self.n))).map_or("", |k| k.name.as_str())
    }

    fn more(&self) -> Option<&'a EntityMore> {
        self.entities.more(self.n)
    }

    pub fn aliases(&self) -> &'a [String] {
        self.more().map_or(&[], |m| m.aliases.as_slice())
    }

    pub fn country(&self) -> Option<&'a str> {
        self.more().and_then(|m| m.country.as_deref())
    }

    pub fn attrs(&self) -> &'a Attrs {
        self.more().map_or(&NO_ATTRS, |m| &m.attrs)
    }

    pub fn note(&self) -> Option<&'a str> {
        self.more().and_then(|m| m.note.as_deref())
    }

    pub fn evidence(&self) -> &'a [Evidence] {
        self.more().map_or(&[], |m| m.evidence.as_slice())
    }

    /// Where the record is written, when it came from a curated file in this run.
    pub fn origin(&self) -> Location {
        self.more().map(|m| m.origin.clone()).unwrap_or_default()
    }
}

/// One relation, read from the tables.
#[derive(Debug, Clone, Copy)]
pub struct RelationView<'a> {
    schema: &'a Schema,
    entities: &'a Entities,
    relations: &'a Relations,
    e: u32,
    ends: (u32, u32),
    rel: u16,
}

impl<'a> RelationView<'a> {
    /// The relation numbered `e`, whose ends are the entities numbered `ends` and whose
    /// kind is the schema's relation numbered `rel` (ends and kinds live where the holder
    /// of the tables keeps them).
    pub fn new(
        schema: &'a Schema,
        entities: &'a Entities,
        relations: &'a Relations,
        e: u32,
        ends: (u32, u32),
        rel: u16,
    ) -> RelationView<'a> {
        RelationView { schema, entities, relations, e, ends, rel }
    }

    /// The id of the entity the relation goes from.
    pub fn from(&self) -> &'a str {
        self.entities.id(self.ends.0)
    }

    /// The id of the entity the relation goes to.
    pub fn to(&self) -> &'a str {
        self.entities.id(self.ends.1)
    }

    pub fn rel(&self) -> &'a str {
        self.schema.relations.get(usize::from(self.rel)).map_or("", |r| r.name.as_str())
    }

    fn more(&self) -> Option<&'a RelationMore> {
        self.relations.more(self.e)
    }

    pub fn since(&self) -> Option<PartialDate> {
        self.more().and_then(|m| m.since)
    }

    pub fn until(&self) -> Option<PartialDate> {
        self.more().and_then(|m| m.until)
    }

    pub fn date(&self) -> Option<PartialDate> {
        self.more().and_then(|m| m.date)
    }

    pub fn status(&self) -> Status {
        self.relations.status(self.e)
    }

    pub fn attrs(&self) -> &'a Attrs {
        self.more().map_or(&NO_ATTRS, |m| &m.attrs)
    }

    pub fn note(&self) -> Option<&'a str> {
        self.more().and_then(|m| m.note.as_deref())
    }

    pub fn evidence(&self) -> &'a [Evidence] {
        self.more().map_or(&[], |m| m.evidence.as_slice())
    }

    pub fn origin(&self) -> Location {
        self.more().map(|m| m.origin.clone()).unwrap_or_default()
    }

    /// The period or date as people write it: "2008 – 2016", "since 2016", "2016-12-02".
    pub fn period(&self) -> Option<String> {
        period_text(self.since(), self.until(), self.date())
    }
}

/// A view serialises as the record it reads: the same fields, in the same order.
impl Serialize for EntityView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Entity", 8)?;
        st.serialize_field("id", self.id())?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("name", self.name())?;
        st.serialize_field("aliases", self.aliases())?;
        st.serialize_field("country", &self.country())?;
        st.serialize_field("attrs", self.attrs())?;
        st.serialize_field("note", &self.note())?;
        st.serialize_field("evidence", self.evidence())?;
        st.end()
    }
}

impl Serialize for RelationView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Relation", 10)?;
        st.serialize_field("from", self.from())?;
        st.serialize_field("rel", self.rel())?;
        st.serialize_field("to", self.to())?;
        st.serialize_field("since", &self.since())?;
        st.serialize_field("until", &self.until())?;
        st.serialize_field("date", &self.date())?;
        st.serialize_field("status", &self.status())?;
        st.serialize_field("attrs", self.attrs())?;
        st.serialize_field("note", &self.note())?;
        st.serialize_field("evidence", self.evidence())?;
        st.end()
    }
}

/// Columns in serialised form: little-endian items in one MessagePack `bin`, decoded
/// straight into the column (no copy of the bytes in between).
mod wire {
    use std::marker::PhantomData;

    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    /// A fixed-size item of a column.
    pub trait Item: Sized + Copy {
        const SIZE: usize;
        fn put(self, out: &mut Vec<u8>);
        fn get(bytes: &[u8]) -> Self;
    }

    macro_rules! item {
        ($t:ty, $n:expr) => {
            impl Item for $t {
                const SIZE: usize = $n;
                fn put(self, out: &mut Vec<u8>) {
                    out.extend_from_slice(&self.to_le_bytes());
                }
                fn get(bytes: &[u8]) -> Self {
                    <$t>::from_le_bytes(bytes.try_into().expect("chunks are SIZE bytes"))
                }
            }
        };
    }
    item!(u8, 1);
    item!(u16, 2);
    item!(u32, 4);

    impl Item for (u32, u32) {
        const SIZE: usize = 8;
        fn put(self, out: &mut Vec<u8>) {
            self.0.put(out);
            self.1.put(out);
        }
        fn get(bytes: &[u8]) -> Self {
            (u32::get(&bytes[..4]), u32::get(&bytes[4..]))
        }
    }

    /// A column borrowed for writing.
    pub struct Out<'a, T>(pub &'a [T]);

    impl<T: Item> serde::Serialize for Out<'_, T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut bytes = Vec::with_capacity(self.0.len() * T::SIZE);
            self.0.iter().for_each(|&x| x.put(&mut bytes));
            s.serialize_bytes(&bytes)
        }
    }

    /// A column read back.
    pub struct In<T>(pub Vec<T>);

    impl<'de, T: Item> serde::Deserialize<'de> for In<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T>(PhantomData<T>);
            impl<'de, T: Item> Visitor<'de> for V<T> {
                type Value = In<T>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    write!(f, "a byte string of {}-byte items", T::SIZE)
                }
                fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<In<T>, E> {
                    if !v.len().is_multiple_of(T::SIZE) {
                        return Err(E::custom(format!("a column of {}-byte items has a partial item", T::SIZE)));
                    }
                    Ok(In(v.chunks_exact(T::SIZE).map(T::get).collect()))
                }
                fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<In<T>, E> {
                    self.visit_bytes(v)
                }
                fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<In<T>, E> {
                    self.visit_bytes(&v)
                }
            }
            d.deserialize_bytes(V(PhantomData))
        }
    }
}

#[derive(Serialize)]
struct EntitiesOut<'a> {
    ids: &'a str,
    id_ends: wire::Out<'a, u32>,
    names: &'a str,
    name_ends: wire::Out<'a, u32>,
    kind: wire::Out<'a, u16>,
    more_keys: wire::Out<'a, u32>,
    more: &'a [EntityMore],
    by_id: wire::Out<'a, u32>,
    by_id_tags: wire::Out<'a, u8>,
    by_name: wire::Out<'a, u32>,
    by_name_tags: wire::Out<'a, u8>,
    next_named: wire::Out<'a, (u32, u32)>,
}

#[derive(Deserialize)]
struct EntitiesIn {
    ids: String,
    id_ends: wire::In<u32>,
    names: String,
    name_ends: wire::In<u32>,
    kind: wire::In<u16>,
    more_keys: wire::In<u32>,
    more: Vec<EntityMore>,
    by_id: wire::In<u32>,
    by_id_tags: wire::In<u8>,
    by_name: wire::In<u32>,
    by_name_tags: wire::In<u8>,
    next_named: wire::In<(u32, u32)>,
}

impl Serialize for Entities {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (by_id, by_name) = (self.by_id.columns(), self.by_name.columns());
        // Sorted, so that a snapshot's bytes depend on the entities alone.
        let mut next_named: Vec<(u32, u32)> = self.next_named.iter().map(|(&a, &b)| (a, b)).collect();
        next_named.sort_unstable();
        EntitiesOut {
            ids: &self.ids.text,
            id_ends: wire::Out(&self.ids.ends),
            names: &self.names.text,
            name_ends: wire::Out(&self.names.ends),
            kind: wire::Out(&self.kind),
            more_keys: wire::Out(&self.more.keys),
            more: &self.more.values,
            by_id: wire::Out(&by_id.0),
            by_id_tags: wire::Out(&by_id.1),
            by_name: wire::Out(&by_name.0),
            by_name_tags: wire::Out(&by_name.1),
            next_named: wire::Out(&next_named),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Entities {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let w = EntitiesIn::deserialize(d)?;
        let held = w.kind.0.len();
        let index = |items: &[u32], tags: &[u8], held: usize| {
            HashIndex::from_columns(items, tags, held).ok_or_else(|| D::Error::custom("an index has a partial bucket"))
        };
        let next_named: FxHashMap<u32, u32> = w.next_named.0.into_iter().collect();
        let last_named = Entities::chain_ends(&next_named);
        Ok(Entities {
            ids: Strings { text: w.ids, ends: w.id_ends.0 },
            names: Strings { text: w.names, ends: w.name_ends.0 },
            kind: w.kind.0,
            more: Sparse { keys: w.more_keys.0, values: w.more },
            by_id: index(&w.by_id.0, &w.by_id_tags.0, held)?,
            by_name: index(&w.by_name.0, &w.by_name_tags.0, held.saturating_sub(next_named.len()))?,
            next_named,
            last_named,
        })
    }
}

#[derive(Serialize)]
struct RelationsOut<'a> {
    ends: wire::Out<'a, (u32, u32)>,
    rel: wire::Out<'a, u16>,
    status: wire::Out<'a, u8>,
    more_keys: wire::Out<'a, u32>,
    more: &'a [RelationMore],
}

#[derive(Deserialize)]
struct RelationsIn {
    ends: wire::In<(u32, u32)>,
    rel: wire::In<u16>,
    status: wire::In<u8>,
    more_keys: wire::In<u32>,
    more: Vec<RelationMore>,
}

impl Serialize for Relations {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let status: Vec<u8> = self.status.iter().map(|&s| s as u8).collect();
        RelationsOut {
            ends: wire::Out(&self.ends),
            rel: wire::Out(&self.rel),
            status: wire::Out(&status),
            more_keys: wire::Out(&self.more.keys),
            more: &self.more.values,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Relations {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let w = RelationsIn::deserialize(d)?;
        let status = w.status.0.iter().map(|&b| Status::from_u8(b)).collect::<Option<Vec<_>>>();
        Ok(Relations {
            ends: w.ends.0,
            rel: w.rel.0,
            status: status.ok_or_else(|| D::Error::custom("a relation has an unknown status"))?,
            more: Sparse { keys: w.more_keys.0, values: w.more },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_finds_every_item_through_growth_and_shared_keys() {
        let mut e = Entities::default();
        for i in 0..1000u32 {
            let name = if i % 10 == 0 { "Shared Name".to_string() } else { format!("Name {i}") };
            assert_eq!(e.push(&format!("e{i}"), &name, 0, None), Ok(i));
        }
        assert_eq!(e.push("e7", "again", 0, None), Err(Refused::Duplicate(7)));
        for i in 0..1000u32 {
            assert_eq!(e.find(&format!("e{i}")), Some(i));
        }
        assert_eq!(e.find("e1000"), None);
        assert_eq!(e.named("shared NAME").collect::<Vec<_>>(), (0..100).map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!(e.named("name 11").collect::<Vec<_>>(), vec![11]);
        assert!(e.is_sound(1));
        assert!(!e.is_sound(0), "a kind outside the schema is caught");
    }

    /// Keys from a tiny alphabet: many repeats and shared names, so buckets fill and searches
    /// go on into the next bucket.
    fn key() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("[aAbB1-]{1,3}").expect("a valid pattern")
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

        /// Every lookup agrees with a scan of the table: by id (one at a time and in a batch,
        /// present and absent), by name in the order added, the first by name; through
        /// growth from empty and from a reserve that was too small.
        #[test]
        fn lookups_agree_with_a_scan(rows in proptest::collection::vec((key(), key()), 0..400), reserve in 0usize..50, probes in proptest::collection::vec(key(), 0..60)) {
            let mut e = Entities::default();
            e.reserve(reserve, 0);
            let mut kept: Vec<(String, String)> = Vec::new();
            for (id, name) in &rows {
                let taken = kept.iter().position(|(k, _)| k == id).map(|n| n as u32);
                let got = e.push(id, name, 0, None);
                match taken {
                    Some(n) => proptest::prop_assert_eq!(got, Err(Refused::Duplicate(n))),
                    None => {
                        proptest::prop_assert_eq!(got, Ok(kept.len() as u32));
                        kept.push((id.clone(), name.clone()));
                    }
                }
            }
            proptest::prop_assert!(e.is_sound(1));
            let asked: Vec<&str> = probes.iter().chain(rows.iter().map(|(id, _)| id)).map(String::as_str).collect();
            let by_id = |k: &str| kept.iter().position(|(id, _)| id == k).map(|n| n as u32);
            let one_by_one: Vec<Option<u32>> = asked.iter().map(|k| e.find(k)).collect();
            proptest::prop_assert_eq!(&one_by_one, &asked.iter().map(|k| by_id(k)).collect::<Vec<_>>());
            proptest::prop_assert_eq!(e.find_many(&asked), one_by_one);
            for k in probes.iter().chain(rows.iter().map(|(_, name)| name)) {
                let want: Vec<u32> = (0..kept.len() as u32).filter(|&n| eq_folded(&kept[n as usize].1, k)).collect();
                proptest::prop_assert_eq!(e.named(k).collect::<Vec<_>>(), want.clone());
                proptest::prop_assert_eq!(e.first_named(k), want.first().copied());
            }
        }
    }

    #[test]
    fn a_name_many_entities_share_is_held_once_and_its_entities_chained() {
        let mut e = Entities::default();
        for i in 0..5000u32 {
            let name = if i % 3 == 0 { format!("Name {i}") } else { "UNKNOWN".to_string() };
            assert_eq!(e.push(&format!("e{i}"), &name, 0, None), Ok(i));
        }
        let shared: Vec<u32> = (0..5000).filter(|i| i % 3 != 0).collect();
        assert_eq!(e.named("unknown").collect::<Vec<_>>(), shared);
        assert_eq!(e.by_name.len, 5000 - shared.len() + 1, "the shared name is in the index once");
        let back: Entities = rmp_serde::from_slice(&rmp_serde::to_vec(&e).unwrap()).unwrap();
        assert!(back.is_sound(1));
        assert_eq!(back.named("Unknown").collect::<Vec<_>>(), shared);
        assert_eq!(back.named("name 300").collect::<Vec<_>>(), vec![300]);
        // Adding to a table read back goes on at the end of the chain.
        let mut back = back;
        assert_eq!(back.push("e5000", "unknown", 0, None), Ok(5000));
        assert_eq!(back.named("UNKNOWN").last(), Some(5000));

        // A chain that leads back, or to an entity the index or another link holds, could
        // loop or repeat: such tables are refused.
        for (a, b) in [(7, 1), (1, 3), (2, 5)] {
            let mut bad = e.clone();
            bad.next_named.insert(a, b);
            assert!(!bad.is_sound(1), "{a} -> {b}");
        }
    }

    #[test]
    fn an_empty_table_finds_nothing() {
        let e = Entities::default();
        assert_eq!(e.find_many(&["a", "b"]), vec![None, None]);
        assert_eq!((e.find("a"), e.first_named("a")), (None, None));
    }

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
        assert!(index.is_sound(100, 100));
    }

    #[test]
    fn folding_matches_lowercasing() {
        for (a, b) in [("Ünïcode Name", "ünïcode name"), ("MID", "mid"), ("ΣΑΣ", "σας"), ("\u{212A}elvin", "kelvin")]
        {
            assert!(eq_folded(a, b));
            assert_eq!(hash_folded(a), hash_folded(b));
            assert_eq!(hash_folded(a), hash_folded(&a.to_lowercase()));
        }
        assert!(!eq_folded("Poland", "Polan"));
    }

    #[test]
    fn tables_round_trip_through_messagepack() {
        let mut e = Entities::default();
        e.push("a", "Alpha", 0, None).unwrap();
        let more = EntityMore { aliases: vec!["A".into()], ..EntityMore::default() };
        e.push("b", "Beta", 1, Some(more)).unwrap();
        let mut r = Relations::default();
        r.push((0, 1), 0, Status::Official, None).unwrap();
        let e2: Entities = rmp_serde::from_slice(&rmp_serde::to_vec(&e).unwrap()).unwrap();
        let r2: Relations = rmp_serde::from_slice(&rmp_serde::to_vec(&r).unwrap()).unwrap();
        assert_eq!((e2.id(1), e2.name(1), e2.kind(1)), ("b", "Beta", 1));
        assert_eq!(e2.more(1).unwrap().aliases, ["A"]);
        assert_eq!(e2.find("a"), Some(0));
        assert_eq!((r2.ends(0), r2.status(0), r2.rels()), ((0, 1), Status::Official, &[0u16][..]));
        assert!(e2.is_sound(2) && r2.is_sound(1, 2));
    }
}
