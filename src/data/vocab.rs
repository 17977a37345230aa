//! The vocabulary records are checked against: declared in schema.toml, or, without one (a
//! bulk import), the kinds and relations the data uses, each relation allowed between any
//! kinds, in the order they are first used.

use rustc_hash::FxHashMap;

use crate::model::{KindDef, RelDef, Schema};

pub struct Vocab {
    pub schema: Schema,
    infer: bool,
    kinds: FxHashMap<String, u16>,
    rels: FxHashMap<String, u16>,
    /// The kinds allowed at the `from` and `to` ends of each relation (None: any kind).
    ends: Vec<[Option<Vec<u16>>; 2]>,
}

impl Vocab {
    pub fn new(declared: Option<Schema>) -> Vocab {
        let infer = declared.is_none();
        let schema = declared.unwrap_or_default();
        let kinds: FxHashMap<String, u16> =
            schema.kinds.iter().enumerate().map(|(i, k)| (k.name.clone(), i as u16)).collect();
        let rels = schema.relations.iter().enumerate().map(|(i, r)| (r.name.clone(), i as u16)).collect();
        let allowed = |names: &[String]| -> Option<Vec<u16>> {
            (!names.is_empty()).then(|| names.iter().filter_map(|n| kinds.get(n).copied()).collect())
        };
        let ends = schema.relations.iter().map(|r| [allowed(&r.from), allowed(&r.to)]).collect();
        Vocab { schema, infer, kinds, rels, ends }
    }

    /// The kind called `name`; in an inferred vocabulary, a kind used for the first time is added.
    #[inline]
    pub fn kind(&mut self, name: &str) -> Option<u16> {
        let kinds = &mut self.schema.kinds;
        learn(&mut self.kinds, self.infer, name, kinds.len(), || {
            kinds.push(KindDef { name: name.to_string(), description: String::new(), shape: None, color: None });
        })
    }

    /// The kind called `name`, if there is one (nothing is learnt).
    pub fn known_kind(&self, name: &str) -> Option<u16> {
        self.kinds.get(name).copied()
    }

    /// The relation called `name`; in an inferred vocabulary, one used for the first time is added.
    #[inline]
    pub fn rel(&mut self, name: &str) -> Option<u16> {
        let (rels, ends) = (&mut self.schema.relations, &mut self.ends);
        learn(&mut self.rels, self.infer, name, rels.len(), || {
            rels.push(RelDef {
                name: name.to_string(),
                from: Vec::new(),
                to: Vec::new(),
                directed: true,
                reads: name.replace('_', " "),
                inverse: format!("is {} by", name.replace('_', " ")),
                description: String::new(),
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
fn learn(known: &mut FxHashMap<String, u16>, infer: bool, name: &str, len: usize, add: impl FnOnce()) -> Option<u16> {
    if let Some(&i) = known.get(name) {
        return Some(i);
    }
    let i = u16::try_from(len).ok().filter(|_| infer && !name.trim().is_empty())?;
    add();
    known.insert(name.to_string(), i);
    Some(i)
}
