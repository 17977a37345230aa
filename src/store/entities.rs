//! [`Entities`]: the table of entities. Id, name and kind of each sit in columns, the parts
//! bulk rows mostly lack in a side table ([`EntityMore`]), and an [`Index`] finds them by id
//! and by name. A snapshot holds the columns only; reading one builds the index again.

use serde::{Deserialize, Serialize};

use super::Refused;
use super::codec::column;
use super::index::Index;
use super::strings::{Sparse, Strings};
use crate::diag::Location;
use crate::model::{Attrs, Evidence};

/// The parts of an entity that bulk rows mostly lack.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EntityMore {
    pub aliases: Vec<String>,
    pub country: Option<std::sync::Arc<str>>,
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
/// and by name. Serialises as its columns; reads back from them ([`Columns`]) with the
/// index built again.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(try_from = "Columns")]
pub struct Entities {
    /// Ids and names apart, so that the ids and their index stay small enough to sit in
    /// the processor's cache while a bulk import resolves relation ends against them.
    ids: Strings,
    names: Strings,
    #[serde(with = "column")]
    kind: Vec<u16>,
    more: Sparse<EntityMore>,
    #[serde(skip)]
    index: Index,
}

/// The serialised fields of [`Entities`], in the same order: what a snapshot holds.
#[derive(Deserialize)]
struct Columns {
    ids: Strings,
    names: Strings,
    #[serde(with = "column")]
    kind: Vec<u16>,
    more: Sparse<EntityMore>,
}

impl TryFrom<Columns> for Entities {
    type Error = &'static str;

    /// The table of columns read back, indexed, when the columns agree with each other
    /// (whether the kinds fit the schema, [`super::tables_are_sound`] tells).
    fn try_from(c: Columns) -> Result<Entities, &'static str> {
        let n = c.kind.len();
        let agree = c.ids.is_sound() && c.names.is_sound() && c.ids.len() == n && c.names.len() == n;
        if !agree || !c.more.is_sound(n) {
            return Err("its tables do not agree with each other");
        }
        let index = Index::build(&c.ids, &c.names).map_err(|_| "its tables hold an id twice")?;
        Ok(Entities { ids: c.ids, names: c.names, kind: c.kind, more: c.more, index })
    }
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
        self.ids.reserve(more, bytes / 3);
        self.names.reserve(more, bytes * 2 / 3);
        self.kind.reserve(more);
        self.index.reserve(more, &self.ids, &self.names);
    }

    /// Takes the parts of entity `n` beyond its id, kind and name, leaving none (for a merge
    /// that moves them into another table rather than copying them).
    pub fn take_more(&mut self, n: u32) -> Option<EntityMore> {
        self.more.take(n)
    }

    /// Drops the side table of every entity (for a merge, once it has taken what it needs).
    pub fn drop_more(&mut self) {
        self.more = Sparse::default();
    }

    /// Gives back the room of the side table that no entity uses (when no more will come).
    pub fn shrink_to_fit(&mut self) {
        self.more.shrink_to_fit();
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
            self.ids.pop();
            return Err(full);
        }
        self.kind.push(kind);
        if let Some(more) = more.filter(|m| !m.is_empty()) {
            self.more.push(n, more);
        }
        self.index.add(n, &self.ids, &self.names);
        Ok(n)
    }

    /// Replaces the side parts of the entities in `changes` (numbers in increasing order),
    /// as merging datasets does when a later dataset names an entity again.
    pub fn amend(&mut self, changes: Vec<(u32, EntityMore)>) {
        self.more.set_all(changes);
    }

    /// The entity with this id (exactly).
    pub fn find(&self, id: &str) -> Option<u32> {
        self.index.find(&self.ids, id)
    }

    /// The entities with these ids (as [`Entities::find`] for each), looked up together so
    /// that their memory fetches overlap.
    pub fn find_many(&self, ids: &[&str]) -> Vec<Option<u32>> {
        self.index.find_many(&self.ids, ids)
    }

    /// Fetches into cache what checking and adding these entities (id, name) will read:
    /// where the id leads in the id index, and the name in the name index. A load checks
    /// entities one by one, each after the last; fetching a batch's places first, in one
    /// quick pass, lets the fetches overlap instead of each waiting in turn. Changes nothing.
    pub fn warm<'a>(&self, entities: impl Iterator<Item = (&'a str, &'a str)> + Clone) {
        self.index.warm(entities);
    }

    /// The entities with this name, compared case-insensitively, in the order they were added.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = u32> + 'a {
        std::iter::successors(self.first_named(name), |&n| self.index.next_named(n))
    }

    /// The first entity added with this name, compared case-insensitively.
    pub fn first_named(&self, name: &str) -> Option<u32> {
        self.index.first_named(&self.names, name)
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

    /// Whether the kinds are those of a schema of `kinds` kinds (the columns agree with
    /// each other by construction, and when read back by [`Columns`]' check).
    pub(super) fn is_sound(&self, kinds: usize) -> bool {
        self.kind.iter().all(|&k| usize::from(k) < kinds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::eq_folded;

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

    /// Keys from a tiny alphabet: many repeats and shared names.
    fn key() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("[aAbB1-]{1,3}").expect("a valid pattern")
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

        /// Every lookup agrees with a scan of the table: by id (one at a time and in a batch,
        /// present and absent), by name in the order added, the first by name; through
        /// growth from empty and from a reserve that was too small, and in the table read
        /// back from a snapshot's columns.
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
            let back: Entities = rmp_serde::from_slice(&rmp_serde::to_vec(&e).unwrap()).unwrap();
            let asked: Vec<&str> = probes.iter().chain(rows.iter().map(|(id, _)| id)).map(String::as_str).collect();
            let by_id = |k: &str| kept.iter().position(|(id, _)| id == k).map(|n| n as u32);
            for e in [&e, &back] {
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
        assert_eq!(e.index.names(), 5000 - shared.len() + 1, "the shared name is in the index once");
        let back: Entities = rmp_serde::from_slice(&rmp_serde::to_vec(&e).unwrap()).unwrap();
        assert!(back.is_sound(1));
        assert_eq!(back.index.names(), 5000 - shared.len() + 1);
        assert_eq!(back.named("Unknown").collect::<Vec<_>>(), shared);
        assert_eq!(back.named("name 300").collect::<Vec<_>>(), vec![300]);
        // Adding to a table read back goes on at the end of the chain.
        let mut back = back;
        assert_eq!(back.push("e5000", "unknown", 0, None), Ok(5000));
        assert_eq!(back.named("UNKNOWN").last(), Some(5000));
    }

    #[test]
    fn an_empty_table_finds_nothing() {
        let e = Entities::default();
        assert_eq!(e.find_many(&["a", "b"]), vec![None, None]);
        assert_eq!((e.find("a"), e.first_named("a")), (None, None));
    }

    #[test]
    fn columns_that_disagree_or_repeat_an_id_are_refused_when_read_back() {
        let mut e = Entities::default();
        e.push("a", "Alpha", 0, None).unwrap();
        e.push("b", "Beta", 0, None).unwrap();
        let mut twice = e.clone();
        twice.ids = Strings::default();
        twice.ids.push("a").unwrap();
        twice.ids.push("a").unwrap();
        let mut short = e.clone();
        short.kind.pop();
        for (bad, why) in [(twice, "an id twice"), (short, "do not agree")] {
            let err = rmp_serde::from_slice::<Entities>(&rmp_serde::to_vec(&bad).unwrap()).unwrap_err();
            assert!(err.to_string().contains(why), "{err}");
        }
    }
}
