//! `search "text"`: entities ranked by the words of a text found in their names, aliases and
//! notes. Exact: every entity is read (the statement's scan is polled for its time limit by
//! the caller), each scored by one documented rule, and a note says how many matched when
//! the limit shows fewer.
//!
//! The score: each word of the text (see [`crate::suggest::words`]: common words such as `in` and
//! `the` are not looked for) counts 3 when it begins a word of the entity's name, else 2
//! when it begins a word of an alias, else 1 when it begins a word of the note. Entities are
//! ranked by how many of the text's words they hold, then by score, then by name; an entity
//! that holds none is not listed.

use super::rows::{Rows, Shape, Value};
use crate::graph::{EntityRef, KnowledgeGraph};
use crate::suggest::contains_word;

/// Where a word was found, as the score counts it.
const IN_NAME: i64 = 3;
const IN_ALIAS: i64 = 2;
const IN_NOTE: i64 = 1;

/// How one entity holds the words: how many of them, and the score.
fn score(kg: &KnowledgeGraph, node: EntityRef, words: &[String]) -> (i64, i64) {
    let e = kg.entity(node);
    let (mut held, mut score) = (0, 0);
    for w in words {
        let points = if contains_word(e.name(), w) {
            IN_NAME
        } else if e.aliases().iter().any(|a| contains_word(a, w)) {
            IN_ALIAS
        } else if e.note().is_some_and(|n| contains_word(n, w)) {
            IN_NOTE
        } else {
            continue;
        };
        held += 1;
        score += points;
    }
    (held, score)
}

/// Ranks `candidates` (every entity, as the caller polls them) by the words.
pub fn search(
    kg: &KnowledgeGraph,
    candidates: impl Iterator<Item = EntityRef>,
    words: &[String],
    limit: usize,
) -> Rows {
    let mut hits: Vec<(i64, i64, EntityRef)> = candidates
        .filter_map(|n| {
            let (held, score) = score(kg, n, words);
            (held > 0).then_some((held, score, n))
        })
        .collect();
    let name = |n: EntityRef| kg.entity(n).name().to_lowercase();
    hits.sort_by_cached_key(|&(held, score, n)| (-held, -score, name(n), kg.entity(n).id().to_string()));
    let mut rows = Rows::new(Shape::Table, &["entity", "kind", "words", "score"]);
    let total = hits.len();
    for (held, score, n) in hits.into_iter().take(limit) {
        let kind = Value::Text(kg.entity(n).kind().to_string());
        rows.rows.push(vec![Value::Entity(n), kind, Value::Int(held), Value::Int(score)]);
    }
    let looked_for = words.join(", ");
    if total == 0 {
        rows.notes.push(format!("no entity's name, aliases or note holds a word beginning {looked_for}"));
    } else if total > limit {
        rows.notes.push(format!("showing {limit} of {total} entities; use limit to see more"));
    }
    rows
}
