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
//! costs a few bytes per entity and serialises as one column.

use std::hash::Hasher;

use rustc_hash::FxHasher;
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
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
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

/// Whether two strings are equal once lower-cased (`str::to_lowercase`, which knows, for
/// one, that a final sigma lower-cases differently).
pub fn eq_folded(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.to_lowercase() == b.to_lowercase()
}

/// An open-addressing hash table of item numbers. It keeps no keys: callers hash their
/// key, walk the candidates and compare the key of each, which the items already hold.
/// Several items may share a key (names do); each is found.
#[derive(Debug, Clone, Default)]
pub struct HashIndex {
    /// `item + 1`, or 0 for an empty slot; the length is a power of two (or zero).
    slots: Vec<u32>,
    len: usize,
}

impl HashIndex {
    /// Adds `item` under `hash`; `rehash` gives the hash of any item already held, for growing.
    pub fn insert(&mut self, item: u32, hash: u64, rehash: impl Fn(u32) -> u64) {
        if (self.len + 1) * 2 > self.slots.len() {
            let size = (self.slots.len() * 2).max(16);
            let old = std::mem::replace(&mut self.slots, vec![0; size]);
            for slot in old.into_iter().filter(|&s| s != 0) {
                self.place(slot, rehash(slot - 1));
            }
        }
        self.place(item + 1, hash);
        self.len += 1;
    }

    /// The first slot to probe: the top bits of the hash, Fibonacci-mixed, since the low
    /// bits of FxHash follow short keys such as numbers too closely and make long runs.
    fn home(&self, hash: u64) -> usize {
        let bits = self.slots.len().trailing_zeros();
        if bits == 0 {
            return 0;
        }
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    fn place(&mut self, slot_value: u32, hash: u64) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot_value;
    }

    /// The items that may be held under `hash`, in the order they were added among equal keys.
    pub fn candidates(&self, hash: u64) -> impl Iterator<Item = u32> + '_ {
        let mask = self.slots.len().wrapping_sub(1);
        let start = if self.slots.is_empty() { 0 } else { self.home(hash) };
        let probe = (0..self.slots.len()).map(move |k| self.slots[(start + k) & mask]);
        probe.take_while(|&s| s != 0).map(|s| s - 1)
    }

    /// Whether every slot names an item below `count` and the table holds `count` items.
    fn is_sound(&self, count: usize) -> bool {
        let held = self.slots.iter().filter(|&&s| s != 0).count();
        (self.slots.is_empty() || self.slots.len().is_power_of_two())
            && held == self.len
            && self.len == count
            && held * 2 <= self.slots.len().max(1) + 1
            && self.slots.iter().all(|&s| (s as usize) <= count)
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
    /// By name, case-insensitively.
    by_name: HashIndex,
}

impl Entities {
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
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
        let (ids, names) = (&self.ids, &self.names);
        self.by_id.insert(n, hash_str(id), |m| hash_str(ids.get(m)));
        self.by_name.insert(n, hash_folded(name), |m| hash_folded(names.get(m)));
        Ok(n)
    }

    /// The entity with this id (exactly).
    pub fn find(&self, id: &str) -> Option<u32> {
        self.by_id.candidates(hash_str(id)).find(|&n| self.id(n) == id)
    }

    /// The entities with this name, compared case-insensitively, in the order they were added.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = u32> + 'a {
        let mut found: Vec<u32> =
            self.by_name.candidates(hash_folded(name)).filter(|&n| eq_folded(self.name(n), name)).collect();
        found.sort_unstable();
        found.into_iter()
    }

    /// The first entity added with this name, compared case-insensitively.
    pub fn first_named(&self, name: &str) -> Option<u32> {
        self.by_name.candidates(hash_folded(name)).filter(|&n| eq_folded(self.name(n), name)).min()
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
            && self.more.keys.windows(2).all(|w| w[0] < w[1])
            && self.more.keys.last().is_none_or(|&k| (k as usize) < n)
            && self.more.keys.len() == self.more.values.len()
            && self.by_id.is_sound(n)
            && self.by_name.is_sound(n)
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
    rel: Vec<u16>,
    status: Vec<Status>,
    more: Sparse<RelationMore>,
}

impl Relations {
    pub fn len(&self) -> usize {
        self.rel.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rel.is_empty()
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

    /// The ends of relation `e`, while the table still holds them (before the graph is built).
    pub fn ends(&self, e: u32) -> (u32, u32) {
        self.ends[e as usize]
    }

    /// Takes the ends out, for the graph to hold them.
    pub fn take_ends(&mut self) -> Vec<(u32, u32)> {
        std::mem::take(&mut self.ends)
    }

    /// Relation kinds of all relations, as indexes into the schema's relations.
    pub fn rels(&self) -> &[u16] {
        &self.rel
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
            && self.more.keys.windows(2).all(|w| w[0] < w[1])
            && self.more.keys.last().is_none_or(|&k| (k as usize) < n)
            && self.more.keys.len() == self.more.values.len()
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
}

impl<'a> RelationView<'a> {
    /// The relation numbered `e`, whose ends are the entities numbered `ends`.
    pub fn new(
        schema: &'a Schema,
        entities: &'a Entities,
        relations: &'a Relations,
        e: u32,
        ends: (u32, u32),
    ) -> RelationView<'a> {
        RelationView { schema, entities, relations, e, ends }
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
        self.schema.relations.get(usize::from(self.relations.rel[self.e as usize])).map_or("", |r| r.name.as_str())
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

/// Columns as bytes in serialised form: MessagePack `bin`, one copy to read or write.
mod wire {
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    pub struct Bytes(pub Vec<u8>);

    impl serde::Serialize for Bytes {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.0)
        }
    }

    impl<'de> serde::Deserialize<'de> for Bytes {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Bytes;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a byte string")
                }
                fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                    Ok(Bytes(v.to_vec()))
                }
                fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                    Ok(Bytes(v))
                }
                fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
                    let mut out = Vec::new();
                    while let Some(b) = seq.next_element::<u8>()? {
                        out.push(b);
                    }
                    Ok(Bytes(out))
                }
            }
            d.deserialize_byte_buf(V)
        }
    }

    pub fn u32s(items: impl ExactSizeIterator<Item = u32>) -> Bytes {
        let mut out = Vec::with_capacity(items.len() * 4);
        items.for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
        Bytes(out)
    }

    pub fn u16s(items: &[u16]) -> Bytes {
        let mut out = Vec::with_capacity(items.len() * 2);
        items.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
        Bytes(out)
    }

    pub fn to_u32s<E: de::Error>(b: Bytes) -> Result<Vec<u32>, E> {
        if !b.0.len().is_multiple_of(4) {
            return Err(E::custom("a column of u32 has a partial item"));
        }
        Ok(b.0.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }

    pub fn to_u16s<E: de::Error>(b: Bytes) -> Result<Vec<u16>, E> {
        if !b.0.len().is_multiple_of(2) {
            return Err(E::custom("a column of u16 has a partial item"));
        }
        Ok(b.0.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect())
    }
}

#[derive(Serialize, Deserialize)]
struct EntitiesWire {
    ids: String,
    id_ends: wire::Bytes,
    names: String,
    name_ends: wire::Bytes,
    kind: wire::Bytes,
    more_keys: wire::Bytes,
    more: Vec<EntityMore>,
    by_id: wire::Bytes,
    by_name: wire::Bytes,
}

impl Serialize for Entities {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        EntitiesWire {
            ids: self.ids.text.clone(),
            id_ends: wire::u32s(self.ids.ends.iter().copied()),
            names: self.names.text.clone(),
            name_ends: wire::u32s(self.names.ends.iter().copied()),
            kind: wire::u16s(&self.kind),
            more_keys: wire::u32s(self.more.keys.iter().copied()),
            more: self.more.values.clone(),
            by_id: wire::u32s(self.by_id.slots.iter().copied()),
            by_name: wire::u32s(self.by_name.slots.iter().copied()),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Entities {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = EntitiesWire::deserialize(d)?;
        let kind = wire::to_u16s(w.kind)?;
        let held = kind.len();
        Ok(Entities {
            ids: Strings { text: w.ids, ends: wire::to_u32s(w.id_ends)? },
            names: Strings { text: w.names, ends: wire::to_u32s(w.name_ends)? },
            kind,
            more: Sparse { keys: wire::to_u32s(w.more_keys)?, values: w.more },
            by_id: HashIndex { slots: wire::to_u32s(w.by_id)?, len: held },
            by_name: HashIndex { slots: wire::to_u32s(w.by_name)?, len: held },
        })
    }
}

#[derive(Serialize, Deserialize)]
struct RelationsWire {
    ends: wire::Bytes,
    rel: wire::Bytes,
    status: wire::Bytes,
    more_keys: wire::Bytes,
    more: Vec<RelationMore>,
}

impl Serialize for Relations {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RelationsWire {
            ends: wire::u32s(self.ends.iter().flat_map(|&(a, b)| [a, b]).collect::<Vec<_>>().into_iter()),
            rel: wire::u16s(&self.rel),
            status: wire::Bytes(self.status.iter().map(|&s| s as u8).collect()),
            more_keys: wire::u32s(self.more.keys.iter().copied()),
            more: self.more.values.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Relations {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let w = RelationsWire::deserialize(d)?;
        let flat = wire::to_u32s::<D::Error>(w.ends)?;
        if flat.len() % 2 != 0 {
            return Err(D::Error::custom("a relation has one end"));
        }
        let ends = flat.chunks_exact(2).map(|c| (c[0], c[1])).collect();
        drop(flat);
        let status = w.status.0.iter().map(|&b| Status::from_u8(b)).collect::<Option<Vec<_>>>();
        Ok(Relations {
            ends,
            rel: wire::to_u16s(w.rel)?,
            status: status.ok_or_else(|| D::Error::custom("a relation has an unknown status"))?,
            more: Sparse { keys: wire::to_u32s(w.more_keys)?, values: w.more },
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
