//! Several datasets in one graph (`--data A --data B`): [`merge`] makes one `Dataset` of
//! them and records where each dataset's records end ([`Part`]), so that every entity and
//! relation knows its dataset.
//!
//! Which records are one entity is [`super::identity`]'s answer (the same id, a `same_as`,
//! a shared registration number, a referent); never a guess. Here the tables are assembled
//! from it: the records each entity keeps are appended dataset by dataset, then every
//! other record of the entity adds its name and aliases as aliases, its evidence, and the
//! country, attributes and note the kept one lacks, and the relations of every dataset are
//! renumbered onto the merged entities. Each join is kept ([`Dataset::joins`]) with its
//! rule. Entities that only look alike (same normalised name and country) are not merged:
//! [`likely_duplicates`] lists them for a person to confirm. Vocabularies merge by name: a
//! kind or relation kind both declare is one, and a relation kind must mean the same in
//! both (direction and role), else the merge is refused with both datasets named. Its
//! allowed ends become those of both. Sources merge by id; one a later dataset declares
//! differently is renamed `ID@DATASET`, its evidence with it ([`Report::renamed`]). A
//! joined record's values that differ from the kept record's are kept beside them, and the
//! same FtM link record in two datasets is one relation ([`Earlier`]).

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::Dataset;
use super::identity::{self, Identity, Join, Unmade};
use crate::model::{AttrValue, Attrs, Evidence, RelDef, Source};
use crate::store::{EntityMore, RelationMore, Relations};

/// One dataset of a merged graph: its name and where its entities and relations end
/// (exclusive: dataset `i` holds the entities from the end of dataset `i - 1` to `entities`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub name: String,
    pub entities: u32,
    pub relations: u32,
}

/// The datasets as one, with identity across them resolved ([`identity::resolve`]). One
/// dataset with no `same_as` is returned as it is; one with `same_as` statements has them
/// resolved (and keeps no parts).
pub fn merge(sets: Vec<(String, Dataset)>) -> Result<Dataset, Unmade> {
    merge_reporting(sets).map(|(data, _)| data)
}

/// What a merge did that `kgq check` says: records it did not join although they share an
/// identifier, and sources it renamed.
#[derive(Debug, Default)]
pub struct Report {
    pub unjoined: Vec<Unjoined>,
    pub renamed: Vec<Renamed>,
}

/// A source of `dataset` whose id an earlier dataset declares differently, renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    pub dataset: String,
    pub from: String,
    pub to: String,
}

/// Two records that share a strong identifier and were not joined, for `kgq check` to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unjoined {
    /// Each record: its dataset, id and kind.
    pub records: [(String, String, String); 2],
    /// What they share: "registration number X", "referent Y".
    pub shared: String,
    /// Whether they are of one dataset (else they are of two kinds).
    pub same_dataset: bool,
}

/// [`merge`], and the records it did not join although they share a registration number
/// (for `kgq check` to say).
pub fn merge_reporting(mut sets: Vec<(String, Dataset)>) -> Result<(Dataset, Report), Unmade> {
    if sets.len() == 1 && sets[0].1.same_as.is_empty() {
        return Ok((sets.pop().expect("one set").1, Report::default()));
    }
    let mut out = Dataset::default();
    let mut vocabularies = Vec::with_capacity(sets.len());
    for (i, (name, data)) in sets.iter().enumerate() {
        let earlier = sets[..i].iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
        vocabularies.push(vocabulary(&mut out, name, &earlier, data)?);
    }
    // A same_as cites its sources by their merged ids, as the joins it makes say.
    for ((_, data), (_, _, renamed)) in sets.iter_mut().zip(&vocabularies) {
        for s in &mut data.same_as {
            rename_sources(&mut s.evidence, renamed);
        }
    }
    let identity = identity::resolve(&sets)?;
    let record = |g: identity::Record| {
        let (set, n) = identity::locate(&sets, g);
        let (name, data) = &sets[set];
        let kind = data.schema.kinds[usize::from(data.entities.kind(n))].name.clone();
        (name.clone(), data.entities.id(n).to_string(), kind)
    };
    let same = identity.unjoined.iter().map(|(a, b, number)| (a, b, format!("registration number {number}"), true));
    let apart = identity.apart.iter().map(|(a, b, shared)| (a, b, shared.clone(), false));
    let unjoined = same
        .chain(apart)
        .map(|(&a, &b, shared, same_dataset)| Unjoined { records: [record(a), record(b)], shared, same_dataset })
        .collect();
    // The kept records, dataset by dataset, then what the others add to them.
    let mut numbers = vec![u32::MAX; identity.kept.len()];
    let mut ends = Vec::with_capacity(sets.len());
    let mut g = 0usize;
    // The parts beyond id, kind and name are moved, not copied: a merge of a large dataset
    // never holds it twice.
    for ((name, data), (kinds, _, renamed)) in sets.iter_mut().zip(&vocabularies) {
        for n in 0..data.entities.len() as u32 {
            if identity.kept[g] as usize == g {
                let kind = kinds[usize::from(data.entities.kind(n))];
                let mut more = data.entities.take_more(n);
                if let Some(more) = &mut more {
                    rename_sources(&mut more.evidence, renamed);
                }
                let pushed = out.entities.push(data.entities.id(n), data.entities.name(n), kind, more);
                numbers[g] =
                    pushed.map_err(|_| Unmade::whole(format!("{name} does not fit: the entity table is full")))?;
            }
            g += 1;
        }
        ends.push(out.entities.len() as u32);
    }
    let mut amended: FxHashMap<u32, EntityMore> = FxHashMap::default();
    let mut g = 0usize;
    for ((_, data), (_, _, renamed)) in sets.iter_mut().zip(&vocabularies) {
        for n in 0..data.entities.len() as u32 {
            let kept = identity.kept[g] as usize;
            if kept != g {
                let into = numbers[kept];
                let more = amended.entry(into).or_insert_with(|| out.entities.more(into).cloned().unwrap_or_default());
                let mut later = data.entities.take_more(n);
                if let Some(later) = &mut later {
                    rename_sources(&mut later.evidence, renamed);
                }
                add_record(more, out.entities.name(into), data.entities.name(n), later);
                numbers[g] = into;
            }
            g += 1;
        }
        data.entities.drop_more();
    }
    let mut amended: Vec<(u32, EntityMore)> = amended.into_iter().collect();
    amended.sort_unstable_by_key(|(n, _)| *n);
    out.entities.amend(amended);
    let mut offset = 0usize;
    let mut earlier = Earlier::default();
    let mut again: FxHashMap<u32, Vec<Evidence>> = FxHashMap::default();
    for (i, (name, data)) in sets.iter_mut().enumerate() {
        let rels = &vocabularies[i].1;
        let (first, shared) = (out.relations.len() as u32, if i == 0 { 0 } else { ends[i - 1] });
        for e in 0..data.relations.len() as u32 {
            let (a, b) = data.relations.ends(e);
            let ends = (numbers[offset + a as usize], numbers[offset + b as usize]);
            let rel = rels[usize::from(data.relations.rels()[e as usize])];
            let mut more = data.relations.take_more(e);
            if let Some(more) = &mut more {
                rename_sources(&mut more.evidence, &vocabularies[i].2);
            }
            // Between two entities earlier datasets have, it may be one of their records
            // again (overlapping collections): then it is that relation, with both evidence.
            if ends.0 < shared
                && ends.1 < shared
                && let Some(more) = &more
                && let Some(r) = earlier.same_record(&out.relations, first, (rel, ends.0, ends.1), more)
            {
                again.entry(r).or_default().extend(more.evidence.iter().cloned());
                continue;
            }
            out.relations
                .push(ends, rel, data.relations.status(e), more)
                .map_err(|_| Unmade::whole(format!("{name} does not fit: the relation table is full")))?;
        }
        data.relations.drop_more();
        // Joins a dataset brings (a merged snapshot's) move to the merged numbers.
        out.joins.extend(data.joins.iter().map(|j| Join { entity: numbers[offset + j.entity as usize], ..j.clone() }));
        offset += data.entities.len();
        let part = Part { name: name.clone(), entities: ends[i], relations: out.relations.len() as u32 };
        out.parts.push(part);
    }
    let mut again: Vec<(u32, Vec<Evidence>)> = again.into_iter().collect();
    again.sort_unstable_by_key(|(r, _)| *r);
    let amended = again
        .into_iter()
        .map(|(r, evidence)| {
            let mut more = out.relations.more(r).cloned().unwrap_or_default();
            add_evidence(&mut more.evidence, evidence);
            (r, more)
        })
        .collect();
    out.relations.amend(amended);
    out.joins.extend(joins(&sets, &identity, &numbers));
    out.joins.sort_by_key(|j| j.entity);
    if sets.len() == 1 {
        out.parts.clear();
    }
    let renamed = sets
        .iter()
        .zip(&vocabularies)
        .flat_map(|((dataset, _), (_, _, renamed))| {
            renamed.iter().map(|(from, to)| Renamed {
                dataset: dataset.clone(),
                from: from.clone(),
                to: to.to_string(),
            })
        })
        .collect();
    Ok((out, Report { unjoined, renamed }))
}

/// Whether a dataset's parts cover its tables in order and its joins name its entities in
/// order (what a snapshot read back must show).
pub fn parts_are_sound(data: &Dataset) -> bool {
    let ends = |p: &Part| (p.entities, p.relations);
    let ordered = data.parts.windows(2).all(|w| ends(&w[0]).0 <= ends(&w[1]).0 && ends(&w[0]).1 <= ends(&w[1]).1);
    let whole = data
        .parts
        .last()
        .is_none_or(|p| p.entities as usize == data.entities.len() && p.relations as usize == data.relations.len());
    // Joins name entities the tables have, in order (the graph finds an entity's by bisection).
    let joins = data.joins.windows(2).all(|w| w[0].entity <= w[1].entity)
        && data.joins.last().is_none_or(|j| (j.entity as usize) < data.entities.len());
    ordered && whole && joins
}

/// The merged relations of earlier datasets by kind and ends, indexed only as far as a
/// later dataset asks: a relation between two entities earlier datasets have may be the
/// same record again (the same FtM link in two overlapping collections).
#[derive(Default)]
struct Earlier {
    by_ends: FxHashMap<(u16, u32, u32), Vec<u32>>,
    /// The relations below this number are indexed.
    upto: u32,
}

impl Earlier {
    /// The relation below `below` of kind and ends `key` that is the record `more` cites, if any.
    fn same_record(&mut self, out: &Relations, below: u32, key: (u16, u32, u32), more: &RelationMore) -> Option<u32> {
        let record = more.evidence.iter().find_map(|ev| ev.record.as_ref())?;
        for r in self.upto..below {
            let (a, b) = out.ends(r);
            self.by_ends.entry((out.rels()[r as usize], a, b)).or_default().push(r);
        }
        self.upto = self.upto.max(below);
        let cites = |r: u32| {
            out.more(r)
                .is_some_and(|m| m.evidence.iter().any(|ev| ev.record.as_ref().is_some_and(|x| x.id == record.id)))
        };
        self.by_ends.get(&key)?.iter().copied().find(|&r| cites(r))
    }
}

/// Each join of `identity` as the merged graph keeps it: every record its entity does not
/// keep, named once, with the rule of the link that reached it from the kept record (the
/// links of an entity form a tree, walked breadth first from the kept record).
fn joins(sets: &[(String, Dataset)], identity: &Identity, numbers: &[u32]) -> Vec<Join> {
    let mut touching: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
    for (i, link) in identity.links.iter().enumerate() {
        touching.entry(link.with).or_default().push(i);
        touching.entry(link.joined).or_default().push(i);
    }
    let mut roots: Vec<u32> = touching.keys().map(|&g| identity.kept[g as usize]).collect();
    roots.sort_unstable();
    roots.dedup();
    let mut out = Vec::with_capacity(identity.links.len());
    let mut reached = FxHashSet::default();
    for root in roots {
        reached.insert(root);
        let mut queue = std::collections::VecDeque::from([root]);
        while let Some(at) = queue.pop_front() {
            for &i in touching.get(&at).map_or(&[][..], Vec::as_slice) {
                let link = &identity.links[i];
                let next = if link.with == at { link.joined } else { link.with };
                if reached.insert(next) {
                    let (set, n) = identity::locate(sets, next);
                    let (name, data) = &sets[set];
                    let id = data.entities.id(n).to_string();
                    out.push(Join {
                        entity: numbers[next as usize],
                        dataset: name.clone(),
                        id,
                        rule: link.rule.clone(),
                    });
                    queue.push_back(next);
                }
            }
        }
    }
    out
}

/// Adds the vocabulary and sources of `data` (named `name`) to those of `out`; returns
/// where each of its kinds and relation kinds is in `out`'s schema.
/// Its sources too; returns the new ids of the sources it renamed.
fn vocabulary(out: &mut Dataset, name: &str, earlier: &str, data: &Dataset) -> Result<Vocabulary, Unmade> {
    let kinds: Vec<u16> = data
        .schema
        .kinds
        .iter()
        .map(|k| {
            let at = out.schema.kinds.iter().position(|o| o.name == k.name).unwrap_or_else(|| {
                out.schema.kinds.push(k.clone());
                out.schema.kinds.len() - 1
            });
            at as u16
        })
        .collect();
    let mut rels = Vec::with_capacity(data.schema.relations.len());
    for r in &data.schema.relations {
        let at = match out.schema.relations.iter().position(|o| o.name == r.name) {
            Some(at) => {
                join_rel(&mut out.schema.relations[at], r)
                    .map_err(|what| Unmade {
                        help: Some("give the relation kind one meaning in every dataset (an FtM stream's through its ftm-mapping.toml)"),
                        ..Unmade::whole(format!("relation kind `{}` {what}: {} and {name}", r.name, earlier))
                    })?;
                at
            }
            None => {
                out.schema.relations.push(r.clone());
                out.schema.relations.len() - 1
            }
        };
        rels.push(at as u16);
    }
    // Sources merge by id; a source an earlier dataset declares differently (folders number
    // their documents `001`, `002`, ... each their own way) is renamed `ID@DATASET`.
    let mut renamed = FxHashMap::default();
    for s in &data.sources {
        match out.sources.iter().find(|o| o.id == s.id) {
            Some(o) if (&o.title, &o.file) != (&s.title, &s.file) => {
                let id = fresh_source_id(out, &s.id, name);
                renamed.insert(s.id.clone(), Arc::<str>::from(id.as_str()));
                out.sources.push(Source { id, ..s.clone() });
            }
            Some(_) => {}
            None => out.sources.push(s.clone()),
        }
    }
    Ok((kinds, rels, renamed))
}

/// `ID@DATASET` (DATASET the last part of the dataset's name, without extensions), with a
/// number after it if that is taken too.
fn fresh_source_id(out: &Dataset, id: &str, dataset: &str) -> String {
    let file = dataset.trim_end_matches(['/', '\\']).rsplit(['/', '\\']).next().unwrap_or(dataset);
    let stem = file.split('.').next().filter(|s| !s.is_empty()).unwrap_or(file);
    let taken = |candidate: &str| out.sources.iter().any(|o| o.id == candidate);
    let base = format!("{id}@{stem}");
    (1..).map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") }).find(|c| !taken(c)).expect("a free id")
}

/// Points evidence at the sources' new ids, where the merge renamed them.
fn rename_sources(evidence: &mut [Evidence], renamed: &FxHashMap<String, Arc<str>>) {
    if renamed.is_empty() {
        return;
    }
    for ev in evidence {
        if let Some(new) = renamed.get(&*ev.source) {
            ev.source = Arc::clone(new);
        }
    }
}

/// What a later record of an entity adds to the earlier one (`known` its name): its name
/// and aliases as aliases, its evidence, its country, attributes and note (beside the
/// earlier's where they differ).
fn add_record(more: &mut EntityMore, known: &str, name: &str, later: Option<EntityMore>) {
    let mut alias = |label: &str| {
        if label != known && !more.aliases.iter().any(|a| a == label) {
            more.aliases.push(label.to_string());
        }
    };
    alias(name);
    let Some(later) = later else { return };
    later.aliases.iter().for_each(|a| alias(a));
    add_evidence(&mut more.evidence, later.evidence);
    // Values the kept record lacks are taken; values that differ are kept beside its own,
    // never dropped: another country in `countries`, attributes as lists, notes one after
    // the other.
    match (&more.country, later.country) {
        (None, country) => more.country = country,
        (Some(mine), Some(theirs)) if *mine != theirs => {
            let other: Attrs = [("countries".to_string(), AttrValue::Text(theirs.to_string()))].into_iter().collect();
            more.attrs.add_all(&other);
        }
        _ => {}
    }
    more.attrs.add_all(&later.attrs);
    match (&mut more.note, later.note) {
        (None, note) => more.note = note,
        (Some(mine), Some(theirs)) if *mine != theirs && !mine.contains(&theirs) => {
            mine.push('\n');
            mine.push_str(&theirs);
        }
        _ => {}
    }
}

/// Where a dataset's kinds and relation kinds are in the merged schema, and the new ids of
/// the sources the merge renamed.
type Vocabulary = (Vec<u16>, Vec<u16>, FxHashMap<String, Arc<str>>);

/// Adds the evidence of `later` that `evidence` does not hold already (the same record in
/// two overlapping datasets cites the same dataset and record twice).
fn add_evidence(evidence: &mut Vec<Evidence>, later: Vec<Evidence>) {
    for ev in later {
        let same =
            |e: &Evidence| e.source == ev.source && e.line == ev.line && e.quote == ev.quote && e.record == ev.record;
        if !evidence.iter().any(same) {
            evidence.push(ev);
        }
    }
}

/// Joins what a later dataset declares of a relation kind into the earlier declaration, or
/// says how the two differ.
fn join_rel(earlier: &mut RelDef, later: &RelDef) -> Result<(), &'static str> {
    if earlier.directed != later.directed {
        return Err("is directed in one dataset and not in the other");
    }
    if earlier.role != later.role {
        return Err("has a different role (substantive or commentary) in each");
    }
    for (mine, theirs) in [(&mut earlier.from, &later.from), (&mut earlier.to, &later.to)] {
        if theirs.is_empty() {
            mine.clear();
        } else if !mine.is_empty() {
            for k in theirs {
                if !mine.contains(k) {
                    mine.push(k.clone());
                }
            }
        }
    }
    Ok(())
}

/// A pair of entities of different datasets with the same normalised name (or alias) and
/// the same country: (earlier, later) entity numbers.
pub type Duplicate = (u32, u32);

/// The likely duplicates across datasets, for a person to confirm (by giving both the
/// same id, or by leaving them apart): entities of different datasets that share a name or
/// alias once case, punctuation and spacing are set aside, and the same country (or none).
/// Each later entity is paired with the first earlier entity it matches.
pub fn likely_duplicates(data: &Dataset) -> Vec<Duplicate> {
    if data.parts.len() < 2 {
        return Vec::new();
    }
    let mut first: FxHashMap<(String, Option<&str>), (usize, u32)> = FxHashMap::default();
    let mut out = Vec::new();
    for e in data.all_entities() {
        let n = e.number();
        let part = data.parts.partition_point(|p| p.entities <= n);
        let country = e.country();
        let mut paired = false;
        for label in std::iter::once(e.name()).chain(e.aliases().iter().map(String::as_str)) {
            let key = (normalise(label), country);
            if key.0.is_empty() {
                continue;
            }
            match first.get(&key) {
                Some(&(p, m)) if p != part && !paired => {
                    out.push((m, n));
                    paired = true;
                }
                Some(_) => {}
                None => {
                    first.insert(key, (part, n));
                }
            }
        }
    }
    out
}

/// A name with case, punctuation and spacing set aside: "Korea Ryonbong, Corp." -> "korea ryonbong corp".
fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataFiles, load};

    fn folder(entities: &str, relations: &str) -> Dataset {
        with_header("id,kind,name,country", entities, relations)
    }

    /// A folder whose entities have a registration number besides.
    fn registered(entities: &str, relations: &str) -> Dataset {
        with_header("id,kind,name,country,attr.registration_number", entities, relations)
    }

    fn with_header(header: &str, entities: &str, relations: &str) -> Dataset {
        let files = DataFiles::from_files(
            "g",
            [
                ("schema.toml".to_string(), schema_of(entities, relations)),
                ("entities/e.csv".to_string(), format!("{header}\n{entities}")),
                ("relations/r.csv".to_string(), format!("from,rel,to\n{relations}")),
            ],
        );
        let loaded = load(&files);
        loaded.dataset.unwrap_or_else(|| panic!("{:?}", loaded.diagnostics))
    }

    /// A schema declaring the kinds and relation kinds (any ends) the rows use: a folder
    /// with a declared vocabulary, where `same_as` is the identity statement.
    fn schema_of(entities: &str, relations: &str) -> String {
        let column = |rows: &str| -> std::collections::BTreeSet<String> {
            rows.lines().filter_map(|l| l.split(',').nth(1)).map(str::to_string).collect()
        };
        let mut out = String::new();
        for kind in column(entities) {
            out.push_str(&format!("[[kind]]\nname = \"{kind}\"\n"));
        }
        for rel in column(relations).into_iter().filter(|r| r != "same_as") {
            out.push_str(&format!(
                "[[relation]]\nname = \"{rel}\"\nfrom = []\nto = []\nreads = \"{rel}\"\ninverse = \"{rel} of\"\n"
            ));
        }
        out
    }

    #[test]
    fn same_as_is_a_relation_like_any_other_where_no_schema_declares_the_vocabulary() {
        // Bulk files alone (the peer benchmark's graphs among them) name relation kinds by use.
        let files = DataFiles::from_files(
            "g",
            [
                ("entities/e.csv".to_string(), "id,kind,name\na,thing,A\nb,thing,B\n".to_string()),
                ("relations/r.csv".to_string(), "from,rel,to\na,same_as,b\n".to_string()),
            ],
        );
        let data = load(&files).dataset.unwrap();
        assert_eq!((data.entities.len(), data.relations.len(), data.same_as.len()), (2, 1, 0));
        assert_eq!(data.schema.relations[0].name, "same_as");
        // Declared, it is the identity statement: a and b are one entity, and a row without
        // evidence is said.
        let files = DataFiles::from_files(
            "g",
            [
                ("schema.toml".to_string(), schema_of("a,thing,A\n", "")),
                ("entities/e.csv".to_string(), "id,kind,name\na,thing,A\nb,thing,B\n".to_string()),
                ("relations/r.csv".to_string(), "from,rel,to\na,same_as,b\n".to_string()),
            ],
        );
        let said: Vec<String> = load(&files).diagnostics.iter().map(|d| d.message.clone()).collect();
        assert_eq!(said, ["a same_as of `a` and `b` without evidence"]);
        let data = with_header("id,kind,name", "a,thing,A\nb,thing,B\n", "a,same_as,b\n");
        assert_eq!((data.relations.len(), data.same_as.len()), (0, 1));
        assert_eq!(merge(vec![("g".into(), data)]).unwrap().entities.len(), 1);
    }

    #[test]
    fn an_id_two_datasets_share_is_one_entity_and_paths_run_across() {
        let a = folder("ann,person,Ann Lee,\nkp,country,North Korea,\n", "ann,lives_in,kp\n");
        let b = folder("ann,person,Ann Li,\nco,company,Acme,\n", "ann,owns,co\n");
        let merged = merge(vec![("a".into(), a), ("b".into(), b)]).unwrap();
        assert_eq!(merged.entities.len(), 3);
        let ann = merged.entities.find("ann").unwrap();
        assert_eq!(merged.entity(ann).aliases(), ["Ann Li"]);
        assert_eq!(merged.relations.ends(1), (ann, merged.entities.find("co").unwrap()));
        assert_eq!(
            merged.parts,
            [
                Part { name: "a".into(), entities: 2, relations: 1 },
                Part { name: "b".into(), entities: 3, relations: 2 },
            ]
        );
        assert_eq!(merged.schema.relations.len(), 2);
    }

    #[test]
    fn look_alikes_are_listed_not_merged_and_a_relation_kind_must_agree() {
        let a = folder("ann,person,Ann Lee,\nbob,person,Bob,\n", "ann,knows,bob\n");
        let b = folder("ann-2,person,\"ANN  LEE.\",\n", "");
        let merged = merge(vec![("a".into(), a.clone()), ("b".into(), b)]).unwrap();
        assert_eq!(merged.entities.len(), 3);
        assert_eq!(likely_duplicates(&merged), [(0, 2)]);
        let mut c = folder("x,person,X,\ny,person,Y,\n", "x,knows,y\n");
        c.schema.relations[0].directed = !a.schema.relations[0].directed;
        let err = merge(vec![("a".into(), a), ("c".into(), c)]).unwrap_err().to_string();
        assert!(err.starts_with("relation kind `knows` is directed in one dataset"), "{err}");
    }

    fn rules(data: &Dataset) -> Vec<(u32, &str, &str)> {
        data.joins.iter().map(|j| (j.entity, j.id.as_str(), j.rule.name())).collect()
    }

    #[test]
    fn an_id_of_two_kinds_that_cannot_be_one_entity_is_refused_and_kinds_of_one_schema_join() {
        let a = folder("poland,country,Poland,\n", "");
        let b = folder("poland,person,Jan Kowalski,\n", "");
        let err = merge(vec![("builtin".into(), a), ("pl".into(), b)]).unwrap_err().to_string();
        assert!(
            err.contains("`poland` is a `country` in builtin and a `person` in pl: one id names one entity"),
            "{err}"
        );
        assert!(identity::kinds_agree("dprk_company", "company") && identity::kinds_agree("organisation", "company"));
        assert!(!identity::kinds_agree("country", "person") && !identity::kinds_agree("vessel", "company"));
        let a = folder("m,dprk_company,Mansudae,\n", "");
        let b = folder("m,company,MANSUDAE,\n", "");
        let merged = merge(vec![("a".into(), a), ("b".into(), b)]).unwrap();
        assert_eq!((merged.entities.len(), merged.entity(0).kind()), (1, "dprk_company"), "the kept record's kind");
    }

    #[test]
    fn values_that_differ_are_kept_beside_the_kept_records_not_dropped() {
        let header = "id,kind,name,country,attr.registration_number";
        let a = with_header(header, "kp,country,KP,,\nx,company,X,kp,111\n", "");
        let b = with_header(header, "de,country,DE,,\nx,company,X,de,999\n", "");
        let merged = merge(vec![("a".into(), a), ("b".into(), b)]).unwrap();
        let x = merged.entity(merged.entities.find("x").unwrap());
        assert_eq!(x.country(), Some("kp"));
        assert_eq!(x.attrs()["countries"], AttrValue::Text("de".into()));
        let both = AttrValue::List(vec![AttrValue::Int(111), AttrValue::Int(999)]);
        let text = AttrValue::List(vec![AttrValue::Text("111".into()), AttrValue::Text("999".into())]);
        assert!(
            x.attrs()["registration_number"] == both || x.attrs()["registration_number"] == text,
            "{:?}",
            x.attrs()
        );
    }

    #[test]
    fn a_same_as_joins_an_entity_of_another_dataset_and_the_first_end_is_kept() {
        let a = folder("mid,company,Mid Corp,\nx,person,X,\n", "x,owns,mid\nmid,same_as,nk\n");
        let b = folder("nk,company,NK Mid,\ny,person,Y,\n", "y,owns,nk\n");
        for order in [[0, 1], [1, 0]] {
            let sets = [("a", &a), ("b", &b)];
            let merged = merge(order.iter().map(|&i| (sets[i].0.into(), sets[i].1.clone())).collect()).unwrap();
            assert_eq!(merged.entities.len(), 3, "{order:?}");
            assert_eq!(merged.entities.find("nk"), None, "the second end is joined into the first");
            let mid = merged.entities.find("mid").unwrap();
            assert_eq!(merged.entity(mid).aliases(), ["NK Mid"]);
            assert_eq!(rules(&merged), [(mid, "nk", "same_as")]);
            let owners: Vec<u32> = (0..2).map(|e| merged.relations.ends(e).1).collect();
            assert_eq!(owners, [mid, mid], "both datasets' relations reach the kept entity");
            assert!(merged.same_as.is_empty());
        }
    }

    #[test]
    fn look_alikes_joined_by_a_same_as_are_no_longer_listed() {
        let a = folder("ann,person,Ann Lee,\n", "ann,same_as,ann-2\n");
        let b = folder("ann-2,person,\"ANN  LEE.\",\n", "");
        let merged = merge(vec![("a".into(), a), ("b".into(), b)]).unwrap();
        assert_eq!(merged.entities.len(), 1);
        assert_eq!(likely_duplicates(&merged), []);
    }

    #[test]
    fn the_first_end_is_kept_even_when_the_second_ends_id_is_shared() {
        let a = folder("x,company,X,\n", "");
        let b = folder("x,company,X2,\ny,company,Y,\n", "y,same_as,x\n");
        let merged = merge(vec![("a".into(), a), ("b".into(), b)]).unwrap();
        assert_eq!(merged.entities.len(), 1);
        assert_eq!(
            (merged.entity(0).id(), merged.entity(0).aliases()),
            ("y", &["X".to_string(), "X2".to_string()][..])
        );
        assert_eq!(rules(&merged), [(0, "x", "same_as"), (0, "x", "shared id")]);
    }

    #[test]
    fn chains_and_cycles_of_same_as_make_one_entity() {
        let a = folder("p,company,P,\nq,company,Q,\nr,company,R,\n", "p,same_as,q\nq,same_as,r\nr,same_as,p\n");
        let merged = merge(vec![("a".into(), a)]).unwrap();
        assert_eq!(merged.entities.len(), 1);
        assert_eq!(merged.entity(0).id(), "p", "the earliest record not joined as a second end is kept");
        assert!(merged.parts.is_empty(), "one dataset has no parts");
        assert_eq!(rules(&merged), [(0, "q", "same_as"), (0, "r", "same_as")]);
    }

    #[test]
    fn a_same_as_of_two_kinds_or_to_no_entity_is_refused_with_its_place() {
        let a = folder("mid,company,Mid,\n", "mid,same_as,nk\n");
        let b = folder("nk,person,NK,\n", "");
        let err = merge(vec![("a".into(), a.clone()), ("b".into(), b)]).unwrap_err().to_string();
        assert!(err.contains("relations/r.csv:2:1: `mid` same_as `nk` would make one entity of a company"), "{err}");
        let c = folder("other,company,Other,\n", "");
        let err = merge(vec![("a".into(), a), ("c".into(), c)]).unwrap_err().to_string();
        assert!(err.contains("no dataset given has an entity `nk` (looked in a, c)"), "{err}");
    }

    #[test]
    fn a_registration_number_joins_across_datasets_only() {
        let a = registered("kp,country,KP,,\nhy,company,Hyoksin,kp,KP 7731-02\n", "");
        let b = registered(
            "kp,country,KP,,\nreg,company,HYOKSIN,kp,kp773102\nreg2,company,Other,kp,KP-7731/02\nru,country,RU,,\nelse,company,Else,ru,kp773102\n",
            "",
        );
        let (merged, report) = merge_reporting(vec![("a".into(), a), ("b".into(), b)]).unwrap();
        let unjoined = report.unjoined;
        let hy = merged.entities.find("hy").unwrap();
        assert_eq!(merged.entity(hy).aliases(), ["HYOKSIN"]);
        assert!(merged.entities.find("reg2").is_some(), "a second record of one dataset is not joined");
        assert!(merged.entities.find("else").is_some(), "another country is another number");
        assert_eq!(rules(&merged), [(0, "kp", "shared id"), (hy, "reg", "registration number")]);
        let record = |id: &str| ("b".to_string(), id.to_string(), "company".to_string());
        let same = Unjoined {
            records: [record("reg"), record("reg2")],
            shared: "registration number KP-7731/02".into(),
            same_dataset: true,
        };
        assert_eq!(unjoined, [same]);
    }

    #[test]
    fn a_shared_identifier_between_two_kinds_is_listed_not_joined() {
        let a = registered(
            "kp,country,KP,,
hy,company,Hyoksin,kp,KP 7731-02
",
            "",
        );
        let b = registered(
            "kp,country,KP,,
hp,person,Hyoksin Pak,kp,KP773102
",
            "",
        );
        let (merged, report) = merge_reporting(vec![("a".into(), a), ("b".into(), b)]).unwrap();
        let unjoined = report.unjoined;
        assert!(merged.entities.find("hp").is_some(), "a person is not joined to a company");
        assert_eq!(rules(&merged), [(0, "kp", "shared id")]);
        let apart = Unjoined {
            records: [("a".into(), "hy".into(), "company".into()), ("b".into(), "hp".into(), "person".into())],
            shared: "registration number KP773102".into(),
            same_dataset: false,
        };
        assert_eq!(unjoined, [apart]);
        // A referent naming a record of another kind: listed too.
        let a = with_header("id,kind,name,country,attr.referents", "hy,company,Hyoksin,,\n", "");
        let b = with_header("id,kind,name,country,attr.referents", "hp,person,Pak,,hy\n", "");
        let (merged, report) = merge_reporting(vec![("a".into(), a), ("b".into(), b)]).unwrap();
        let unjoined = report.unjoined;
        assert_eq!(merged.entities.len(), 2);
        assert_eq!(unjoined.len(), 1);
        assert_eq!((unjoined[0].shared.as_str(), unjoined[0].same_dataset), ("referent hy", false));
    }
}
