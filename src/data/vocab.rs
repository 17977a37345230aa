//! The vocabulary records are checked against: declared in schema.toml, or, without one (a
//! bulk import), the kinds and relations the data uses, each relation allowed between any
//! kinds, in the order they are first used. A schema.toml with errors gives a partial
//! vocabulary: what it declares, and what the data uses besides, learnt the same way (the
//! loader counts those uses as unchecked rather than unknown).

use rustc_hash::FxHashMap;

use crate::model::{KindDef, RelDef, RelRole, Schema};

pub struct Vocab {
    pub schema: Schema,
    infer: bool,
    kinds: FxHashMap<String, u16>,
    rels: FxHashMap<String, u16>,
    /// Kinds and relations found lately, for the next records that name them.
    recent_kinds: Recent,
    recent_rels: Recent,
    /// The kinds allowed at the `from` and `to` ends of each relation (None: any kind).
    ends: Vec<[Option<Vec<u16>>; 2]>,
}

impl Vocab {
    pub fn new(declared: Option<Schema>) -> Vocab {
        let infer = declared.is_none();
        Vocab::with(declared.unwrap_or_default(), infer)
    }

    /// The vocabulary of a schema.toml that has errors: names it does not declare are
    /// learnt from the data, since it may have failed to declare them.
    pub fn partial(schema: Schema) -> Vocab {
        Vocab::with(schema, true)
    }

    fn with(schema: Schema, infer: bool) -> Vocab {
        let kinds: FxHashMap<String, u16> =
            schema.kinds.iter().enumerate().map(|(i, k)| (k.name.clone(), i as u16)).collect();
        let rels = schema.relations.iter().enumerate().map(|(i, r)| (r.name.clone(), i as u16)).collect();
        let allowed = |names: &[String]| -> Option<Vec<u16>> {
            (!names.is_empty()).then(|| names.iter().filter_map(|n| kinds.get(n).copied()).collect())
        };
        let ends = schema.relations.iter().map(|r| [allowed(&r.from), allowed(&r.to)]).collect();
        Vocab { schema, infer, kinds, rels, recent_kinds: Recent::new(), recent_rels: Recent::new(), ends }
    }

    /// The kind called `name`; in an inferred vocabulary, a kind used for the first time is added.
    #[inline]
    pub fn kind(&mut self, name: &str) -> Option<u16> {
        let kinds = &mut self.schema.kinds;
        learn(&mut self.kinds, &mut self.recent_kinds, self.infer, name, kinds.len(), || {
            kinds.push(KindDef { name: name.to_string(), description: String::new(), shape: None, color: None });
        })
    }

    /// The kind called `name`, if there is one (nothing is learnt).
    pub fn known_kind(&self, name: &str) -> Option<u16> {
        self.kinds.get(name).copied()
    }

    /// The relation called `name`, if there is one (nothing is learnt).
    pub fn known_rel(&self, name: &str) -> Option<u16> {
        self.rels.get(name).copied()
    }

    /// The relation called `name`; in an inferred vocabulary, one used for the first time is added.
    #[inline]
    pub fn rel(&mut self, name: &str) -> Option<u16> {
        let (rels, ends) = (&mut self.schema.relations, &mut self.ends);
        learn(&mut self.rels, &mut self.recent_rels, self.infer, name, rels.len(), || {
            rels.push(RelDef {
                name: name.to_string(),
                from: Vec::new(),
                to: Vec::new(),
                directed: true,
                reads: name.replace('_', " "),
                inverse: format!("is {} by", name.replace('_', " ")),
                description: String::new(),
                role: RelRole::Substantive,
            });
            ends.push([None, None]);
        })
    }

    /// The kinds relation `r` allows at its `from` (0) or `to` (1) end; None: any kind.
    #[inline]
    pub fn allowed(&self, r: u16, end: usize) -> Option<&[u16]> {
        self.ends[usize::from(r)][end].as_deref()
    }
}

/// The index of `name` in a vocabulary list of `len` entries indexed by `known`; when
/// inferring, a new non-blank name is added (by `add`) at the end.
#[inline]
fn learn(
    known: &mut FxHashMap<String, u16>,
    recent: &mut Recent,
    infer: bool,
    name: &str,
    len: usize,
    add: impl FnOnce(),
) -> Option<u16> {
    if let Some(i) = recent.get(name) {
        return Some(i);
    }
    if let Some(&i) = known.get(name) {
        recent.put(name, i);
        return Some(i);
    }
    let i = u16::try_from(len).ok().filter(|_| infer && !name.trim().is_empty())?;
    add();
    known.insert(name.to_string(), i);
    Some(i)
}

/// Names found in a vocabulary's map, kept in slots picked by their length and a few of
/// their bytes: a bulk file names a handful of kinds and relations once a row, and a slot's
/// one comparison costs less than hashing the name and probing the map. A slot holds only
/// what the map answered, and the map never changes an answer, so a hit is the map's.
struct Recent {
    slots: Vec<(Box<str>, u16)>,
}

/// Slots of a [`Recent`] (a power of two).
const RECENT_SLOTS: usize = 64;

impl Recent {
    fn new() -> Recent {
        // An empty name is never kept, so the empty slots match nothing.
        Recent { slots: vec![(Box::from(""), 0); RECENT_SLOTS] }
    }

    fn slot(name: &str) -> Option<usize> {
        let b = name.as_bytes();
        let (&first, &last) = (b.first()?, b.last()?);
        let mix = b.len() * 13 + usize::from(first) * 5 + usize::from(b[b.len() / 2]) * 3 + usize::from(last);
        Some(mix % RECENT_SLOTS)
    }

    #[inline]
    fn get(&self, name: &str) -> Option<u16> {
        let (kept, i) = &self.slots[Recent::slot(name)?];
        (**kept == *name).then_some(*i)
    }

    fn put(&mut self, name: &str, i: u16) {
        if let Some(s) = Recent::slot(name) {
            self.slots[s] = (Box::from(name), i);
        }
    }
}
