//! Country boxes (`--cluster country`): each entity is drawn in the box of the country it
//! is in, which is not always the country it belongs to. North Korean workers in Poland
//! belong to North Korea (their `country`), but they are in Poland, and that is what a
//! picture of where things are must show.
//!
//! Where an entity is:
//! - a country is in its own box;
//! - an entity that `works_in` or is `located_in` places is in the box of the one country
//!   those places are in (a city or region is in the country it is `located_in`, followed
//!   for at most [`MAX_STEPS`] steps, or else in its own `country`); when they lead to
//!   several countries, or to a place in no known country (workers in "the Gulf states"),
//!   it is drawn outside every box;
//! - any other entity is in the box of its `country` (where a company is registered, whose
//!   body an organ is), or outside when it has none.

use std::collections::BTreeMap;

use crate::graph::{EntityRef, KnowledgeGraph};

/// The relations that say where their `from` entity is.
const WHERE: [&str; 2] = ["works_in", "located_in"];

/// How many `located_in` steps lead from a place to its country at most (a district in a
/// city in a region in a country is three).
const MAX_STEPS: usize = 8;

/// The nodes drawn loose, and those in a box per country (by the country's id).
pub fn by_country(kg: &KnowledgeGraph, nodes: &[EntityRef]) -> (Vec<EntityRef>, BTreeMap<String, Vec<EntityRef>>) {
    let mut loose = Vec::new();
    let mut boxes: BTreeMap<String, Vec<EntityRef>> = BTreeMap::new();
    for &n in nodes {
        match host(kg, n) {
            Some(country) => boxes.entry(kg.entity(country).id().to_string()).or_default().push(n),
            None => loose.push(n),
        }
    }
    (loose, boxes)
}

/// The country entity `n` is in, by the rules above.
pub fn host(kg: &KnowledgeGraph, n: EntityRef) -> Option<EntityRef> {
    if kg.entity(n).kind() == "country" {
        return Some(n);
    }
    let mut places = places_of(kg, n).peekable();
    if places.peek().is_none() {
        return kg.entity(n).country().and_then(|c| kg.by_id(c)).filter(|&c| kg.entity(c).kind() == "country");
    }
    let mut found = None;
    for place in places {
        match (country_of_place(kg, place), found) {
            (None, _) => return None,
            (Some(c), Some(f)) if c != f => return None,
            (Some(c), _) => found = Some(c),
        }
    }
    found
}

/// The places `n` works in or is located in.
fn places_of(kg: &KnowledgeGraph, n: EntityRef) -> impl Iterator<Item = EntityRef> + '_ {
    kg.incident(n).filter_map(move |r| {
        let (from, to) = kg.ends(r);
        (from == n && WHERE.contains(&kg.relation(r).rel())).then_some(to)
    })
}

/// The country a place is in: itself, or the country its first `located_in` leads to, or
/// its own `country`.
fn country_of_place(kg: &KnowledgeGraph, place: EntityRef) -> Option<EntityRef> {
    let mut at = place;
    for _ in 0..MAX_STEPS {
        let e = kg.entity(at);
        if e.kind() == "country" {
            return Some(at);
        }
        let next = kg.incident(at).find_map(|r| {
            let (from, to) = kg.ends(r);
            (from == at && kg.relation(r).rel() == "located_in").then_some(to)
        });
        match next {
            Some(next) => at = next,
            None => return e.country().and_then(|c| kg.by_id(c)).filter(|&c| kg.entity(c).kind() == "country"),
        }
    }
    None
}
