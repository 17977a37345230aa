//! Identity across datasets: which records of the datasets given are one entity, and why.
//! [`resolve`] answers it for [`super::merge`], which then assembles the merged tables.
//!
//! Records are one entity only by a declared or strong identity, never by looking alike:
//! - the same id (an FtM stream names a curated entity by giving a record its id);
//! - a `same_as` statement of a data folder ([`SameAs`]: kept in [`Dataset::same_as`] by
//!   the loader and resolved here, so that its second end may be an entity of another
//!   dataset);
//! - the same registration number (attribute `registration_number`, compared with case,
//!   spaces and punctuation set aside) with the same country and kind, in *different*
//!   datasets: the first record of each dataset that has it joins (a dataset's later
//!   records with the same number are listed, not joined: within one dataset, only a
//!   `same_as` says two records are one);
//! - an id among a record's `referents` (the ids OpenSanctions merged into an entity,
//!   kept as the attribute `referents`), naming a record of another dataset of the same kind.
//!
//! Joins are transitive (a union-find over every record of every dataset), so chains and
//! cycles of statements make one entity. Each entity keeps one record: the earliest one
//! that is not the second end of a `same_as` (the first end of a `same_as` is the record
//! kept), or the earliest one when all are. Every join made is returned with its rule
//! ([`Link`]), for `kgq check`, `kgq stats` and an entity's card to say. The work is
//! linear in the records: ids are looked up in each dataset's own index and registration
//! numbers in one hash map.

use std::borrow::Cow;
use std::fmt;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::Dataset;
use crate::diag::Location;
use crate::model::{AttrValue, Evidence};
use crate::render::ftm::{is_a, schema_of};

/// The relation kind that says two records are one entity. It is built in: never an edge
/// of the graph, and a schema may not declare a relation kind of this name.
pub const SAME_AS: &str = "same_as";

/// A `same_as` statement of a data folder: the entity `kept` and the entity `joined` are
/// one; `joined` may be an entity of another dataset given with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SameAs {
    pub kept: String,
    pub joined: String,
    /// Where it is written (`file:line:col`), for messages once the files are gone.
    pub place: String,
    pub evidence: Vec<Evidence>,
    /// Where its two ends are written, for located diagnostics; not kept in snapshots.
    #[serde(skip)]
    pub ends: [Location; 2],
}

/// Why a record joined an entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// The record has the entity's id.
    SharedId,
    /// A `same_as` statement, written at `place`, citing `cited` (`source:line`, ...).
    SameAs { place: String, cited: String },
    /// The same registration number (as the joined record writes it) and country.
    Registration { number: String },
    /// The id is one of the other record's `referents`.
    Referent { id: String },
}

impl Rule {
    /// The rules' names, in the order reports list them.
    pub const NAMES: [&str; 4] = ["shared id", "same_as", "registration number", "referent"];

    /// The rule's name, as reports group joins by it.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::SharedId => "shared id",
            Rule::SameAs { .. } => "same_as",
            Rule::Registration { .. } => "registration number",
            Rule::Referent { .. } => "referent",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::SharedId => f.write_str("shared id"),
            Rule::SameAs { place, cited } if cited.is_empty() => write!(f, "same_as at {place}"),
            Rule::SameAs { place, cited } => write!(f, "same_as at {place}, citing {cited}"),
            Rule::Registration { number } => write!(f, "registration number {number}"),
            Rule::Referent { id } => write!(f, "referent {id}"),
        }
    }
}

/// A record joined into an entity of the merged graph: the entity, the record's dataset
/// and id, and the rule that joined it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Join {
    pub entity: u32,
    pub dataset: String,
    pub id: String,
    pub rule: Rule,
}

/// Records of every dataset are numbered one after the other: dataset `i`'s record `n` is
/// `offsets[i] + n`.
pub type Record = u32;

/// A join made: record `joined` is one entity with record `with`, by `rule`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub with: Record,
    pub joined: Record,
    pub rule: Rule,
}

/// What [`resolve`] found.
#[derive(Debug, Default)]
pub struct Identity {
    /// For each record, the record its entity keeps (itself when it is kept).
    pub kept: Vec<Record>,
    /// Every join made, in the order made (each joined two entities that were apart).
    pub links: Vec<Link>,
    /// Records of one dataset that share a registration number and country: not joined.
    pub unjoined: Vec<(Record, Record, String)>,
    /// Records of different datasets that share a strong identifier (what it is, as
    /// "registration number X" or "referent Y") but not a kind: not joined.
    pub apart: Vec<(Record, Record, String)>,
}

/// The datasets' records, numbered across datasets.
struct Records<'a> {
    sets: &'a [(String, Dataset)],
    offsets: Vec<Record>,
}

impl Records<'_> {
    fn global(&self, set: usize, n: u32) -> Record {
        self.offsets[set] + n
    }

    /// The dataset of a record and its number there.
    fn local(&self, g: Record) -> (usize, u32) {
        let set = self.offsets.partition_point(|&o| o <= g) - 1;
        (set, g - self.offsets[set])
    }

    fn kind(&self, g: Record) -> &str {
        let (set, n) = self.local(g);
        let data = &self.sets[set].1;
        &data.schema.kinds[usize::from(data.entities.kind(n))].name
    }

    /// The record with id `id`: the one of dataset `first`, else of the earliest that has it.
    fn find(&self, id: &str, first: usize) -> Option<Record> {
        let order = std::iter::once(first).chain((0..self.sets.len()).filter(|&i| i != first));
        order.into_iter().find_map(|i| self.sets[i].1.entities.find(id).map(|n| self.global(i, n)))
    }

    /// Where record `g` comes from, for messages: "dataset `id`".
    fn describe(&self, g: Record) -> String {
        let (set, n) = self.local(g);
        format!("{} `{}`", self.sets[set].0, self.sets[set].1.entities.id(n))
    }
}

/// Sets of records as one, joined by smaller root (path halving keeps it near linear).
struct Forest(Vec<Record>);

impl Forest {
    fn root(&mut self, mut x: Record) -> Record {
        while self.0[x as usize] != x {
            let up = self.0[self.0[x as usize] as usize];
            self.0[x as usize] = up;
            x = up;
        }
        x
    }

    /// Joins the sets of `a` and `b`; false when they were one already.
    fn join(&mut self, a: Record, b: Record) -> bool {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return false;
        }
        let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.0[high as usize] = low;
        true
    }
}

/// Why records cannot be made one: what is wrong, what to do, and for a `same_as` where it
/// is written (the dataset, by its place in the order given, and the end in its files; no
/// place when the statement was read from a snapshot, which keeps no places).
#[derive(Debug)]
pub struct Unmade {
    pub message: String,
    pub help: Option<&'static str>,
    /// `file:line:col` of the statement.
    pub place: Option<String>,
    pub at: Option<(usize, Location)>,
}

impl Unmade {
    /// A problem of the datasets as a whole.
    pub fn whole(message: String) -> Unmade {
        Unmade { message, help: None, place: None, at: None }
    }

    /// A problem of `s`, written in dataset `set`, at its end `end`.
    fn at(set: usize, s: &SameAs, end: usize, message: String, help: &'static str) -> Unmade {
        let at = (s.ends[end] != Location::default()).then(|| (set, s.ends[end].clone()));
        Unmade { message, help: Some(help), place: Some(s.place.clone()), at }
    }
}

impl fmt::Display for Unmade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(place) = &self.place {
            write!(f, "{place}: ")?;
        }
        f.write_str(&self.message)?;
        match self.help {
            Some(help) if self.place.is_some() => write!(f, "; {help}"),
            _ => Ok(()),
        }
    }
}

/// Which records of `sets` are one entity. Errs (with where it is written and what to do)
/// on a `same_as` whose end no dataset has, or that joins entities of different kinds.
pub fn resolve(sets: &[(String, Dataset)]) -> Result<Identity, Unmade> {
    let mut offsets = Vec::with_capacity(sets.len() + 1);
    let mut total: u64 = 0;
    for (_, data) in sets {
        offsets.push(total as Record);
        total += data.entities.len() as u64;
    }
    let total = Record::try_from(total)
        .map_err(|_| Unmade::whole("the datasets do not fit: the entity table is full".to_string()))?;
    offsets.push(total);
    let records = Records { sets, offsets };
    let mut forest = Forest((0..total).collect());
    let mut links = Vec::new();
    let mut link = |forest: &mut Forest, with: Record, joined: Record, rule: Rule| {
        if forest.join(with, joined) {
            links.push(Link { with, joined, rule });
        }
    };
    // The same id: each record joins the earliest dataset's record of its id.
    // Ids whose records' kinds do not agree: all found, the first shown.
    let mut conflicts = Vec::new();
    for (j, (_, data)) in sets.iter().enumerate().skip(1) {
        for n in 0..data.entities.len() as u32 {
            let id = data.entities.id(n);
            if let Some(m) = (0..j).find_map(|i| sets[i].1.entities.find(id).map(|m| records.global(i, m))) {
                let g = records.global(j, n);
                if kinds_agree(records.kind(m), records.kind(g)) {
                    link(&mut forest, m, g, Rule::SharedId);
                } else {
                    conflicts.push((m, g));
                }
            }
        }
    }
    if let Some(&(m, g)) = conflicts.first() {
        let mut unmade = two_kinds(&records, m, g);
        if conflicts.len() > 1 {
            let others: Vec<String> = conflicts[1..]
                .iter()
                .take(5)
                .map(|&(_, g)| {
                    let (set, n) = records.local(g);
                    format!("`{}`", records.sets[set].1.entities.id(n))
                })
                .collect();
            let more = if conflicts.len() > 6 { format!(" and {} more", conflicts.len() - 6) } else { String::new() };
            let n = conflicts.len() - 1;
            let ids = if n == 1 { "1 more id".to_string() } else { format!("{n} more ids") };
            unmade.message.push_str(&format!(" (and {ids} whose kinds do not agree: {}{more})", others.join(", ")));
        }
        return Err(unmade);
    }
    let mut second_ends = FxHashSet::default();
    for (j, (_, data)) in sets.iter().enumerate() {
        for s in &data.same_as {
            let [a, b] = [&s.kept, &s.joined].map(|id| records.find(id, j).ok_or(id));
            let (a, b) = match (a, b) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(_), _) => return Err(unresolved(&records, j, s, 0)),
                (_, Err(_)) => return Err(unresolved(&records, j, s, 1)),
            };
            if !kinds_agree(records.kind(a), records.kind(b)) {
                let message = format!(
                    "`{}` same_as `{}` would make one entity of a {} ({}) and a {} ({})",
                    s.kept,
                    s.joined,
                    records.kind(a),
                    records.describe(a),
                    records.kind(b),
                    records.describe(b)
                );
                let help = "same_as joins records of one entity, which has one kind: remove it, or correct the kind";
                return Err(Unmade::at(j, s, 1, message, help));
            }
            // Every record of the second end's id (datasets may share it) is a second end,
            // so that the first end is the record kept.
            second_ends.extend(
                sets.iter()
                    .enumerate()
                    .filter_map(|(i, (_, d))| d.entities.find(&s.joined).map(|m| records.global(i, m))),
            );
            let cited = s.evidence.iter().map(|e| format!("{}:{}", e.source, e.line)).collect::<Vec<_>>().join(", ");
            link(&mut forest, a, b, Rule::SameAs { place: s.place.clone(), cited });
        }
    }
    let mut apart = Vec::new();
    for (j, (_, data)) in sets.iter().enumerate() {
        for (n, more) in data.entities.with_more() {
            for id in texts(more.attrs.get("referents")) {
                let g = records.global(j, n);
                for i in (0..sets.len()).filter(|&i| i != j) {
                    let Some(m) = sets[i].1.entities.find(&id).map(|m| records.global(i, m)) else { continue };
                    if kinds_agree(records.kind(m), records.kind(g)) {
                        link(&mut forest, m, g, Rule::Referent { id: id.to_string() });
                    } else {
                        apart.push((m, g, format!("referent {id}")));
                    }
                }
            }
        }
    }
    // Per number, country and kind: the first record, and the dataset and first record of
    // the last dataset that has it. The first record of each dataset joins; a dataset's
    // later records with the same number are listed instead.
    let mut unjoined = Vec::new();
    let mut numbers: FxHashMap<(String, &str), (Record, usize, Record)> = FxHashMap::default();
    for (j, (_, data)) in sets.iter().enumerate() {
        for (n, more) in data.entities.with_more() {
            let Some(country) = more.country.as_deref() else { continue };
            for number in texts(more.attrs.get("registration_number")) {
                let key = normalise(&number);
                if key.is_empty() {
                    continue;
                }
                let g = records.global(j, n);
                match numbers.get_mut(&(key.clone(), country)) {
                    // Another kind: never one entity; listed when the datasets differ.
                    Some((first, _, _)) if !kinds_agree(records.kind(*first), records.kind(g)) => {
                        if records.local(*first).0 != j {
                            apart.push((*first, g, format!("registration number {number}")));
                        }
                    }
                    Some((_, set, mine)) if *set == j => unjoined.push((*mine, g, number.to_string())),
                    Some((first, set, mine)) => {
                        (*set, *mine) = (j, g);
                        let first = *first;
                        link(&mut forest, first, g, Rule::Registration { number: number.to_string() });
                    }
                    None => {
                        numbers.insert((key, country), (g, j, g));
                    }
                }
            }
        }
    }
    drop(numbers);
    // The record each entity keeps: the earliest that is not a second end of a same_as.
    let mut best = vec![Record::MAX; total as usize];
    for g in 0..total {
        let r = forest.root(g) as usize;
        let current = best[r];
        if current == Record::MAX || (second_ends.contains(&current) && !second_ends.contains(&g)) {
            best[r] = g;
        }
    }
    let kept = (0..total).map(|g| best[forest.root(g) as usize]).collect();
    Ok(Identity { kept, links, unjoined, apart })
}

/// The error of an id two datasets give records whose kinds do not agree (`m` of an
/// earlier dataset, `g` of a later), located at the later record, else at the earlier
/// (a snapshot keeps no places).
fn two_kinds(records: &Records, m: Record, g: Record) -> Unmade {
    let (a, b) = (records.local(m), records.local(g));
    let id = records.sets[b.0].1.entities.id(b.1);
    let message = format!(
        "`{id}` is {} `{}` in {} and {} `{}` in {}: one id names one entity, of one kind",
        article(records.kind(m)),
        records.kind(m),
        records.sets[a.0].0,
        article(records.kind(g)),
        records.kind(g),
        records.sets[b.0].0,
    );
    let help = "give one of the records another id (an FtM record its `id`), or make the kinds agree";
    let origin = |(set, n): (usize, u32)| {
        let more = records.sets[set].1.entities.more(n)?;
        (more.origin != Location::default()).then(|| (set, more.origin.clone()))
    };
    Unmade { message, help: Some(help), place: None, at: origin(b).or_else(|| origin(a)) }
}

/// Whether records of kinds `a` and `b` may be one entity: the same kind, or kinds whose
/// FollowTheMoney schemata are one an extension of the other, as FtM's own merging allows
/// (a curated `dprk_company` and an imported `company` are both Companies; an
/// `organisation` may be a Company; a `country` and a `person` never agree). A kind's
/// schema is the one the FtM export writes (`render::ftm::schema_of`).
pub fn kinds_agree(a: &str, b: &str) -> bool {
    a == b || {
        let (x, y) = (schema_of(a), schema_of(b));
        is_a(x, y) || is_a(y, x)
    }
}

/// "a" or "an" before a kind's name.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// Which dataset record `g` (numbered across `sets`, as [`resolve`] numbers them) is of,
/// and its number there.
pub fn locate(sets: &[(String, Dataset)], mut g: Record) -> (usize, u32) {
    for (i, (_, data)) in sets.iter().enumerate() {
        let len = data.entities.len() as u32;
        if g < len {
            return (i, g);
        }
        g -= len;
    }
    panic!("record {g} beyond the datasets' records")
}

/// The error for the end `end` of `s` (written in dataset `set`) that no dataset has.
fn unresolved(records: &Records, set: usize, s: &SameAs, end: usize) -> Unmade {
    let names: Vec<&str> = records.sets.iter().map(|(name, _)| name.as_str()).collect();
    let id = if end == 0 { &s.kept } else { &s.joined };
    let message = format!(
        "`{}` same_as `{}`: no dataset given has an entity `{id}` (looked in {})",
        s.kept,
        s.joined,
        names.join(", ")
    );
    Unmade::at(set, s, end, message, "give the dataset that has it with another --data, or correct the id")
}

/// The values of an attribute as text (one, or each of a list; a number as written, since
/// a CSV cell of digits is read as one).
fn texts(value: Option<&AttrValue>) -> Vec<Cow<'_, str>> {
    match value {
        Some(AttrValue::Text(t)) => vec![Cow::Borrowed(t.as_str())],
        Some(AttrValue::Int(i)) => vec![Cow::Owned(i.to_string())],
        Some(AttrValue::List(items)) => items.iter().flat_map(|v| texts(Some(v))).collect(),
        _ => Vec::new(),
    }
}

/// A registration number with case, spaces and punctuation set aside: "HRB 12-345/a" -> "hrb12345a".
pub fn normalise(number: &str) -> String {
    number.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
