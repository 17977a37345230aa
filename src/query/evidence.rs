//! `cited by "002:418"`: what a source, or one line of it, is evidence for. Every entity
//! and relation whose evidence cites it, one row per locator, ordered by line, then
//! entities before relations, each in table order. Exact: the whole graph is read, and a
//! note says how many rows the limit left out.

use super::fields::Cited;
use super::rows::{Locator, Rows, Shape, Value};
use crate::graph::paths::Hop;
use crate::graph::{EntityRef, KnowledgeGraph, RelationRef};
use crate::model::Evidence;

/// The columns of the answer.
pub const COLUMNS: [&str; 3] = ["line", "cited for", "quote"];

/// Runs `cited by` over the entities and relations given (all of them, in table order;
/// the caller checks the time budget as they are read).
pub fn cited(
    kg: &KnowledgeGraph,
    cited: &Cited,
    limit: usize,
    entities: impl Iterator<Item = EntityRef>,
    relations: impl Iterator<Item = RelationRef>,
) -> Rows {
    let matching = |evidence: &[Evidence]| -> Vec<Locator> {
        evidence.iter().map(Locator::from).filter(|l| cited.holds(&Value::Evidence(l.clone()))).collect()
    };
    // (line, entities first, position in its table, what, locator)
    let mut hits: Vec<(u32, u8, usize, Value, Locator)> = Vec::new();
    for n in entities {
        let found = matching(kg.entity(n).evidence());
        hits.extend(found.into_iter().map(|l| (l.line, 0, n.index(), Value::Entity(n), l)));
    }
    for edge in relations {
        let hop = Value::Relation(Hop { edge, forward: true });
        let found = matching(kg.relation(edge).evidence());
        hits.extend(found.into_iter().map(|l| (l.line, 1, edge.index(), hop.clone(), l)));
    }
    hits.sort_by_key(|(line, table, at, ..)| (*line, *table, *at));
    let mut rows = Rows::new(Shape::Table, &COLUMNS);
    let total = hits.len();
    for (_, _, _, what, l) in hits.into_iter().take(limit) {
        let (at, quote) = match &l.record {
            None => (format!("{}:{}", l.source, l.line), l.quote),
            Some(record) => {
                (format!("{}:{}", l.source, record.id), record.url.as_deref().unwrap_or_default().to_string())
            }
        };
        rows.rows.push(vec![Value::Text(at), what, Value::Text(quote)]);
    }
    if total > rows.rows.len() {
        rows.notes.push(format!("showing {} of {total} citations; use limit to see more", rows.rows.len()));
    }
    if total == 0 {
        let what = cited.line.map_or(format!("source {}", cited.source), |n| format!("{}:{n}", cited.source));
        rows.notes.push(format!("nothing in the graph cites {what}"));
    }
    rows
}
