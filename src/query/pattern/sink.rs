//! Where a `match`'s complete bindings go: the `where` filter, then grouping with its
//! aggregates and `having`, `distinct`, ordering (the best `limit` rows kept) and the limit,
//! holding only what the answer needs and counting the held bytes against
//! [`super::HELD_BYTES_BUDGET`].

use super::aggregate::{Acc, Taken};
use super::returns::{Key, ReturnPlan};
use super::{MatchPlan, VarField};
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
    /// Group key → position in `rows` and the group's aggregates, one per aggregate item.
    groups: HashMap<Vec<u8>, (usize, Vec<Acc>)>,
    /// Per return item, values `sum` or `avg` left out for not being numbers.
    not_numbers: Vec<usize>,
    held: usize,
    /// Stopped at `limit + 1` rows: more exist than are shown.
    more: bool,
}

impl Sink {
    pub(super) fn new(plan: &MatchPlan) -> Sink {
        Sink {
            aggregate: plan.returns.iter().any(|r| matches!(r, ReturnPlan::Aggregate(_))),
            total: 0,
            rows: Vec::new(),
            seen: HashSet::new(),
            groups: HashMap::new(),
            not_numbers: vec![0; plan.returns.len()],
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
                ReturnPlan::Aggregate(_) => unreachable!("rows with aggregates are grouped"),
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
        let binding = |f: &VarField| read(kg, b, f);
        let order: Vec<Value> = plan.order.iter().map(|o| order_value(&o.term, &row, &binding)).collect();
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
                ReturnPlan::Aggregate(_) => None,
            })
            .collect();
        let key = row_key(&key_values);
        if !self.groups.contains_key(&key) {
            self.charge(2 * key.len() + key_values.iter().map(Value::held_bytes).sum::<usize>() + 96)?;
            let accs = aggregates(plan).map(|(_, a)| Acc::new(a)).collect();
            self.groups.insert(key.clone(), (self.rows.len(), accs));
            self.total += 1;
            self.rows.push((Vec::new(), self.total, key_values));
        }
        let (_, accs) = self.groups.get_mut(&key).expect("the group was just made");
        let mut bytes = 0;
        for (acc, (at, agg)) in accs.iter_mut().zip(aggregates(plan)) {
            let Taken { bytes: b_, not_a_number } = acc.take(kg, agg, agg.arg.as_ref().map(|f| read(kg, b, f)));
            bytes += b_;
            self.not_numbers[at] += usize::from(not_a_number);
        }
        self.charge(bytes)
    }

    pub(super) fn sort(&mut self, kg: &KnowledgeGraph, plan: &MatchPlan) {
        self.rows.sort_by(|a, b| {
            for (i, o) in plan.order.iter().enumerate() {
                let ord = fields::key_order(kg, &a.0[i], &b.0[i], o.descending);
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
            self.finish_groups(kg, plan);
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
        for (column, n) in plan.columns.iter().zip(&self.not_numbers).filter(|(_, n)| **n > 0) {
            let values = if *n == 1 { "value that is not a number was" } else { "values that are not numbers were" };
            rows.notes.push(format!("{column}: {n} {values} left out"));
        }
        rows
    }

    /// Turns each group into its row (key values and aggregates in the order of `return`),
    /// keeps the rows `having` allows, and computes their order keys.
    fn finish_groups(&mut self, kg: &KnowledgeGraph, plan: &MatchPlan) {
        let mut groups: Vec<(usize, Vec<Acc>)> = std::mem::take(&mut self.groups).into_values().collect();
        groups.sort_unstable_by_key(|(at, _)| *at);
        // Aggregates with nothing to group by answer one row even when nothing matched, as
        // in Cypher: `return count(*)` of no bindings is 0, never an empty answer.
        if groups.is_empty() && plan.returns.iter().all(|r| matches!(r, ReturnPlan::Aggregate(_))) {
            groups.push((0, aggregates(plan).map(|(_, a)| Acc::new(a)).collect()));
            self.rows.push((Vec::new(), 0, Vec::new()));
        }
        let mut kept = Vec::with_capacity(groups.len());
        for (at, accs) in groups {
            let mut keys = std::mem::take(&mut self.rows[at].2).into_iter();
            let mut accs = accs.into_iter();
            let row: Vec<Value> = plan
                .returns
                .iter()
                .map(|r| match r {
                    ReturnPlan::Value(_) => keys.next().expect("one key value per value item"),
                    ReturnPlan::Aggregate(a) => accs.next().expect("one aggregate per aggregate item").finish(a),
                })
                .collect();
            if plan.having.as_ref().is_some_and(|h| !h.holds(kg, &|c| row[c.index].clone())) {
                continue;
            }
            let no_binding = |_: &VarField| Value::Null;
            let order = plan.order.iter().map(|o| order_value(&o.term, &row, &no_binding)).collect();
            kept.push((order, kept.len(), row));
        }
        self.total = kept.len();
        self.rows = kept;
    }
}

/// The return items that are aggregates, with their positions.
fn aggregates(plan: &MatchPlan) -> impl Iterator<Item = (usize, &super::returns::AggPlan)> {
    plan.returns.iter().enumerate().filter_map(|(i, r)| match r {
        ReturnPlan::Aggregate(a) => Some((i, a)),
        ReturnPlan::Value(_) => None,
    })
}

fn order_value(term: &Term<Key>, row: &[Value], binding: &dyn Fn(&VarField) -> Value) -> Value {
    match term {
        Term::Value(v) => v.clone(),
        Term::Field(k) => k.read(row, binding),
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
