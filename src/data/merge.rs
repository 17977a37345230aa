//! Several datasets in one graph (`--data A --data B`): [`merge`] appends each dataset's
//! vocabulary, sources, entities and relations to the ones before it, and records where
//! each dataset's records end ([`Part`]), so that every entity and relation knows its
//! dataset.
//!
//! Identity across datasets is declared, never guessed: an entity whose id an earlier
//! dataset already has *is* that entity (an FtM stream names a curated entity by giving a
//! record its id). The earlier record stays as it is; the later one adds its name and
//! aliases as aliases, its evidence, and the country and attributes the earlier one lacks,
//! and its relations attach to the earlier entity. Entities that only look alike (same
//! normalised name and country) are not merged: [`likely_duplicates`] lists them for a
//! person to confirm. Vocabularies merge by name: a kind or relation kind both declare is
//! one, and a relation kind must mean the same in both (direction and role), else the merge
//! is refused with both datasets named. Its allowed ends become those of both.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::Dataset;
use crate::model::RelDef;
use crate::store::EntityMore;

/// One dataset of a merged graph: its name and where its entities and relations end
/// (exclusive: dataset `i` holds the entities from the end of dataset `i - 1` to `entities`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub name: String,
    pub entities: u32,
    pub relations: u32,
}

/// The datasets as one. One dataset is returned as it is (with no parts).
pub fn merge(mut sets: Vec<(String, Dataset)>) -> Result<Dataset, String> {
    if sets.len() == 1 {
        return Ok(sets.pop().expect("one set").1);
    }
    let mut out = Dataset::default();
    for (name, data) in sets {
        absorb(&mut out, name, data)?;
    }
    Ok(out)
}

/// Whether a dataset's parts cover its tables in order (what a snapshot read back must show).
pub fn parts_are_sound(data: &Dataset) -> bool {
    let ends = |p: &Part| (p.entities, p.relations);
    let ordered = data.parts.windows(2).all(|w| ends(&w[0]).0 <= ends(&w[1]).0 && ends(&w[0]).1 <= ends(&w[1]).1);
    let whole = data
        .parts
        .last()
        .is_none_or(|p| p.entities as usize == data.entities.len() && p.relations as usize == data.relations.len());
    ordered && whole
}

/// Appends `data`, named `name`, to `out`.
fn absorb(out: &mut Dataset, name: String, data: Dataset) -> Result<(), String> {
    let earlier = |out: &Dataset| out.parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
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
                    .map_err(|what| format!("relation kind `{}` {what}: {} and {name}", r.name, earlier(out)))?;
                at
            }
            None => {
                out.schema.relations.push(r.clone());
                out.schema.relations.len() - 1
            }
        };
        rels.push(at as u16);
    }
    for s in &data.sources {
        match out.sources.iter().find(|o| o.id == s.id) {
            Some(o) if (&o.title, &o.file) != (&s.title, &s.file) => {
                return Err(format!(
                    "source `{}` is declared differently in {name} (\"{}\") and in {} (\"{}\")",
                    s.id,
                    s.title,
                    earlier(out),
                    o.title
                ));
            }
            Some(_) => {}
            None => out.sources.push(s.clone()),
        }
    }
    let mut numbers = Vec::with_capacity(data.entities.len());
    let mut amended: FxHashMap<u32, EntityMore> = FxHashMap::default();
    for e in data.all_entities() {
        let n = e.number();
        if let Some(same) = out.entities.find(e.id()) {
            let more = amended.entry(same).or_insert_with(|| out.entities.more(same).cloned().unwrap_or_default());
            let known = out.entities.name(same).to_string();
            add_record(more, &known, e.name(), data.entities.more(n));
            numbers.push(same);
            continue;
        }
        let kind = kinds[usize::from(data.entities.kind(n))];
        let pushed = out.entities.push(e.id(), e.name(), kind, data.entities.more(n).cloned());
        numbers.push(pushed.map_err(|_| format!("{name} does not fit: the entity table is full"))?);
    }
    let mut amended: Vec<(u32, EntityMore)> = amended.into_iter().collect();
    amended.sort_unstable_by_key(|(n, _)| *n);
    out.entities.amend(amended);
    for e in 0..data.relations.len() as u32 {
        let (a, b) = data.relations.ends(e);
        let ends = (numbers[a as usize], numbers[b as usize]);
        let rel = rels[usize::from(data.relations.rels()[e as usize])];
        let more = data.relations.more(e).cloned();
        out.relations
            .push(ends, rel, data.relations.status(e), more)
            .map_err(|_| format!("{name} does not fit: the relation table is full"))?;
    }
    let (entities, relations) = (out.entities.len() as u32, out.relations.len() as u32);
    out.parts.push(Part { name, entities, relations });
    Ok(())
}

/// What a later record of an entity adds to the earlier one (`known` its name): its name
/// and aliases as aliases, its evidence, and the country and attributes the earlier lacks.
fn add_record(more: &mut EntityMore, known: &str, name: &str, later: Option<&EntityMore>) {
    let mut alias = |label: &str| {
        if label != known && !more.aliases.iter().any(|a| a == label) {
            more.aliases.push(label.to_string());
        }
    };
    alias(name);
    let Some(later) = later else { return };
    later.aliases.iter().for_each(|a| alias(a));
    more.evidence.extend(later.evidence.iter().cloned());
    if more.country.is_none() {
        more.country.clone_from(&later.country);
    }
    more.attrs.add_missing(&later.attrs);
    if more.note.is_none() {
        more.note.clone_from(&later.note);
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
        let files = DataFiles::from_files(
            "g",
            [
                ("entities/e.csv".to_string(), format!("id,kind,name,country\n{entities}")),
                ("relations/r.csv".to_string(), format!("from,rel,to\n{relations}")),
            ],
        );
        let loaded = load(&files);
        loaded.dataset.unwrap_or_else(|| panic!("{:?}", loaded.diagnostics))
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
        let err = merge(vec![("a".into(), a), ("c".into(), c)]).unwrap_err();
        assert!(err.starts_with("relation kind `knows` is directed in one dataset"), "{err}");
    }
}
