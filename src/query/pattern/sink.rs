//! Where a `match`'s complete bindings go: the `where` filter, then grouping, `distinct`,
//! ordering (the best `limit` rows kept) and the limit, holding only what the answer needs
//! and counting the held bytes against [`super::HELD_BYTES_BUDGET`].

use super::{MatchPlan, ReturnPlan, VarField};
use crate::graph::KnowledgeGraph;
use crate::query::fields;
use crate::query::plan::Term;
use crate::query::rows::{Rows, Shape, Value, row_key};
use std::collections::{HashMap, HashSet};

use super::HELD_BYTES_BUDGET;
use super::matcher::{Bound, MatchStop, read};

/// Where filtered bindings go, by what the statement asks of them.
pub(super) struct Sink {
    aggregate: bool,
    /// Rows seen so far (after de-duplication), for the note.
    total: usize,
    /// Rows (with their order keys and arrival number) that may still be in the answer.
    rows: Vec<(Vec<Value>, usize, Vec<Value>)>,
    /// Keys of the distinct rows seen so far.
    seen: HashSet<Vec<u8>>,
    /// Group key → position in `rows` and the group's counts, one per count item.
    groups: HashMap<Vec<u8>, (usize, Vec<i64>)>,
    held: usize,
    /// Stopped at `limit + 1` rows: more exist than are shown.
    more: bool,
}

impl Sink {
    pub(super) fn new(plan: &MatchPlan) -> Sink {
        Sink {
            aggregate: plan.returns.iter().any(|r| matches!(r, ReturnPlan::Count(_))),
            total: 0,
            rows: Vec::new(),
            seen: HashSet::new(),
            groups: HashMap::new(),
            held: 0,
            more: false,
        }
    }

    pub(super) fn charge(&mut self, bytes: usize) -> Result<(), MatchStop> {
        self.held += bytes;
        if self.held > HELD_BYTES_BUDGET { Err(MatchStop::OverBudget) } else { Ok(()) }
    }

    /// Takes one binding that passed the filter. Returns true when the answer is complete
    /// and matching can stop.
    pub(super) fn take(&mut self, kg: &KnowledgeGraph, plan: &MatchPlan, b: &[Bound]) -> Result<bool, MatchStop> {
        if self.aggregate {
            return self.group(kg, plan, b).map(|()| false);
        }
        let row: Vec<Value> = plan
            .returns
            .iter()
            .map(|r| match r {
                ReturnPlan::Value(f) => read(kg, b, f),
                ReturnPlan::Count(_) => unreachable!("rows with counts are grouped"),
            })
            .collect();
        if plan.distinct {
            let key = row_key(&row);
            if self.seen.contains(&key) {
                return Ok(false);
            }
            self.charge(key_bytes(&key))?;
            self.seen.insert(key);
        }
        let order: Vec<Value> = plan.order.iter().map(|o| o.term.read(&|f| read(kg, b, f))).collect();
        self.total += 1;
        if plan.order.is_empty() && self.rows.len() == plan.limit {
            // Without `order by` the first `limit` rows are the answer; this one proves more exist.
            self.more = true;
            return Ok(true);
        }
        self.charge(row_bytes(&order, &row))?;
        self.rows.push((order, self.total, row));
        if !plan.order.is_empty() && self.rows.len() >= 2 * plan.limit.max(512) {
            // Keep only the best `limit`; ties keep arrival order, as a full sort would.
            self.keep_best(kg, plan);
        }
        Ok(false)
    }

    pub(super) fn group(&mut self, kg: &KnowledgeGraph, plan: &MatchPlan, b: &[Bound]) -> Result<(), MatchStop> {
        let key_values: Vec<Value> = plan
            .returns
            .iter()
            .filter_map(|r| match r {
                ReturnPlan::Value(f) => Some(read(kg, b, f)),
                ReturnPlan::Count(_) => None,
            })
            .collect();
        let key = row_key(&key_values);
        let bumps = plan.returns.iter().filter_map(|r| match r {
            ReturnPlan::Value(_) => None,
            ReturnPlan::Count(None) => Some(1),
            // As in Cypher, count(x) counts the rows in which x is bound.
            ReturnPlan::Count(Some(s)) => Some(i64::from(b[*s] != Bound::Free)),
        });
        if let Some((_, counts)) = self.groups.get_mut(&key) {
            counts.iter_mut().zip(bumps).for_each(|(c, n)| *c += n);
            return Ok(());
        }
        self.charge(2 * key.len() + key_values.iter().map(Value::held_bytes).sum::<usize>() + 96)?;
        self.groups.insert(key, (self.rows.len(), bumps.collect()));
        self.total += 1;
        self.rows.push((Vec::new(), self.total, key_values));
        Ok(())
    }

    pub(super) fn sort(&mut self, kg: &KnowledgeGraph, plan: &MatchPlan) {
        self.rows.sort_by(|a, b| {
            for (i, o) in plan.order.iter().enumerate() {
                let ord = fields::sort_order(kg, &a.0[i], &b.0[i]);
                let ord = if o.descending { ord.reverse() } else { ord };
                if ord.is_ne() {
                    return ord;
                }
            }
            a.1.cmp(&b.1)
        });
    }

    pub(super) fn keep_best(&mut self, kg: &KnowledgeGraph, plan: &MatchPlan) {
        self.sort(kg, plan);
        let dropped = self.rows.get(plan.limit..).unwrap_or_default();
        self.held -= dropped.iter().map(|(order, _, row)| row_bytes(order, row)).sum::<usize>();
        self.rows.truncate(plan.limit);
    }

    pub(super) fn finish(mut self, kg: &KnowledgeGraph, plan: &MatchPlan) -> Rows {
        if self.aggregate {
            let mut groups: Vec<(usize, Vec<i64>)> = std::mem::take(&mut self.groups).into_values().collect();
            groups.sort_unstable_by_key(|(at, _)| *at);
            for (at, counts) in groups {
                let (_, _, key) = &mut self.rows[at];
                let mut keys = std::mem::take(key).into_iter();
                let mut counts = counts.into_iter();
                let row: Vec<Value> = plan
                    .returns
                    .iter()
                    .map(|r| match r {
                        ReturnPlan::Value(_) => keys.next().expect("one key value per value item"),
                        ReturnPlan::Count(_) => Value::Int(counts.next().expect("one count per count item")),
                    })
                    .collect();
                let order = plan.order.iter().map(|o| aggregate_order_key(plan, &o.term, &row)).collect();
                self.rows[at] = (order, at, row);
            }
            // Counts with nothing to group by answer one row even when nothing matched, as
            // in Cypher: `return count(*)` of no bindings is 0, never an empty answer.
            if self.rows.is_empty() && plan.returns.iter().all(|r| matches!(r, ReturnPlan::Count(_))) {
                let row: Vec<Value> = plan.returns.iter().map(|_| Value::Int(0)).collect();
                let order = plan.order.iter().map(|o| aggregate_order_key(plan, &o.term, &row)).collect();
                self.rows.push((order, 0, row));
                self.total = 1;
            }
        }
        self.sort(kg, plan);
        let total = self.total;
        let mut rows = Rows::new(Shape::Table, &plan.columns.iter().map(String::as_str).collect::<Vec<_>>());
        rows.rows = self.rows.into_iter().take(plan.limit).map(|(_, _, r)| r).collect();
        let shown = rows.rows.len();
        if self.more {
            rows.notes.push(format!(
                "showing the first {shown} rows found; more match: raise the limit, or add `order by` to choose which"
            ));
        } else if total > shown {
            rows.notes.push(format!("showing {shown} of {total} rows; use limit to see more"));
        }
        rows
    }
}

/// What a held row costs: its values and order key, and the vectors around them.
fn row_bytes(order: &[Value], row: &[Value]) -> usize {
    row.iter().chain(order).map(Value::held_bytes).sum::<usize>() + 64
}

/// What a held de-duplication key costs: its bytes and its place in the set.
fn key_bytes(key: &[u8]) -> usize {
    key.len() + 32
}

/// An `order by` key of an aggregated row: a return item's value (count items included,
/// by their column), or a constant.
fn aggregate_order_key(plan: &MatchPlan, term: &Term<VarField>, row: &[Value]) -> Value {
    match term {
        Term::Value(v) => v.clone(),
        Term::Field(f) => plan
            .returns
            .iter()
            .position(|r| matches!(r, ReturnPlan::Value(g) if g == f))
            .map_or(Value::Null, |i| row[i].clone()),
    }
}
