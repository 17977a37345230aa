//! Aggregates of a group as matches arrive: `count`, `collect`, `min`, `max`, `sum`, `avg`,
//! each optionally over distinct values. Missing values (null) are left out of every
//! aggregate except `count(*)`, as in Cypher; `sum` and `avg` also leave out values that are
//! not numbers, and the answer's note says how many.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::returns::AggPlan;
use crate::graph::KnowledgeGraph;
use crate::query::ast::AggFn;
use crate::query::fields;
use crate::query::rows::{Value, row_key};

/// One aggregate of one group, so far.
#[derive(Debug)]
pub(super) struct Acc {
    state: State,
    /// Keys of the values taken so far, for `distinct`.
    seen: Option<HashSet<Vec<u8>>>,
}

#[derive(Debug)]
enum State {
    Count(i64),
    Collect(Vec<Value>),
    /// The least or greatest value so far.
    Extreme(Option<Value>),
    /// Integers are added exactly while no fraction is seen.
    Sum {
        ints: i128,
        floats: f64,
        fractional: bool,
        n: i64,
    },
}

/// What taking a value cost, and whether it was left out for not being a number.
pub(super) struct Taken {
    pub bytes: usize,
    pub not_a_number: bool,
}

impl Acc {
    pub(super) fn new(plan: &AggPlan) -> Acc {
        let state = match plan.func {
            AggFn::Count => State::Count(0),
            AggFn::Collect => State::Collect(Vec::new()),
            AggFn::Min | AggFn::Max => State::Extreme(None),
            AggFn::Sum | AggFn::Avg => State::Sum { ints: 0, floats: 0.0, fractional: false, n: 0 },
        };
        Acc { state, seen: plan.distinct.then(HashSet::new) }
    }

    /// Takes one match's value (`None` for `count(*)`, which counts every match).
    pub(super) fn take(&mut self, kg: &KnowledgeGraph, plan: &AggPlan, value: Option<Value>) -> Taken {
        let mut taken = Taken { bytes: 0, not_a_number: false };
        let Some(value) = value else {
            if let State::Count(n) = &mut self.state {
                *n += 1;
            }
            return taken;
        };
        if value == Value::Null {
            return taken;
        }
        if let Some(seen) = &mut self.seen {
            let key = row_key(std::slice::from_ref(&value));
            if seen.contains(&key) {
                return taken;
            }
            taken.bytes += key.len() + 32;
            seen.insert(key);
        }
        match &mut self.state {
            State::Count(n) => *n += 1,
            State::Collect(items) => {
                taken.bytes += value.held_bytes();
                items.push(value);
            }
            State::Extreme(best) => {
                let wanted = if plan.func == AggFn::Min { Ordering::Less } else { Ordering::Greater };
                if best.as_ref().is_none_or(|b| fields::sort_order(kg, &value, b) == wanted) {
                    taken.bytes += value.held_bytes();
                    *best = Some(value);
                }
            }
            State::Sum { ints, floats, fractional, n } => match value {
                Value::Int(i) => {
                    *ints += i128::from(i);
                    *n += 1;
                }
                Value::Float(f) => {
                    *floats += f;
                    *fractional = true;
                    *n += 1;
                }
                _ => taken.not_a_number = true,
            },
        }
        taken
    }

    /// The aggregate's value: `count` and `sum` of nothing are 0, `collect` an empty list,
    /// `min`, `max` and `avg` of nothing are null.
    pub(super) fn finish(self, plan: &AggPlan) -> Value {
        match self.state {
            State::Count(n) => Value::Int(n),
            State::Collect(items) => Value::List(items),
            State::Extreme(best) => best.unwrap_or(Value::Null),
            State::Sum { ints, floats, fractional, n } => {
                let exact = i64::try_from(ints).ok().filter(|_| !fractional);
                match plan.func {
                    AggFn::Avg if n == 0 => Value::Null,
                    AggFn::Avg => Value::Float((ints as f64 + floats) / n as f64),
                    _ => exact.map_or(Value::Float(ints as f64 + floats), Value::Int),
                }
            }
        }
    }
}
