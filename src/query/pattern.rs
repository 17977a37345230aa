//! `match` patterns: planning (variables, kinds, relations, property maps, variable-length
//! bounds) and evaluation by backtracking over the graph's adjacency.
//!
//! Semantics follow GQL/Cypher: a relation is bound at most once per match, and a
//! variable-length segment is a simple path. Unbounded segments are refused.

use std::collections::HashMap;

use super::QueryError;
use super::ast::{self, EdgeDirection, Ident, MatchQuery, ReturnItem, Sp};
use super::fields::{self, ENTITY_FIELDS, EntityField, RELATION_FIELDS, RelationField};
use super::plan::{self, Cond, DEFAULT_ROWS, HARD_MAX_HOPS, OrderTerm, Term};
use super::rows::{Rows, Shape, Value};
use crate::graph::paths::{Hop, Limits, Path, Stop};
use crate::graph::{EntityRef, KnowledgeGraph, edge_ref, node_ref};

/// What a variable stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    Node,
    Edge,
    /// A variable-length segment.
    Segment,
}

/// A field of a bound variable.
#[derive(Debug, Clone, PartialEq)]
pub enum VarField {
    Whole(usize),
    Entity(usize, EntityField),
    Relation(usize, RelationField),
    /// Hops in a segment.
    Length(usize),
}

#[derive(Debug, Clone)]
pub struct NodePlan {
    slot: usize,
    kinds: Option<Vec<String>>,
    props: Vec<(EntityField, Value)>,
}

#[derive(Debug, Clone)]
pub struct EdgePlan {
    slot: usize,
    rels: Option<Vec<String>>,
    direction: EdgeDirection,
    /// Hop bounds for a segment; None for a single edge.
    range: Option<(usize, usize)>,
    props: Vec<(RelationField, Value)>,
}

#[derive(Debug, Clone)]
pub enum ReturnPlan {
    Value(VarField),
    Count(Option<usize>),
}

#[derive(Debug, Clone)]
pub struct MatchPlan {
    slots: Vec<VarKind>,
    patterns: Vec<(Vec<NodePlan>, Vec<EdgePlan>)>,
    filter: Option<Cond<VarField>>,
    distinct: bool,
    columns: Vec<String>,
    returns: Vec<ReturnPlan>,
    order: Vec<OrderTerm<VarField>>,
    limit: usize,
}

/// Checks a `match` query.
pub fn plan(kg: &KnowledgeGraph, q: &MatchQuery) -> Result<MatchPlan, QueryError> {
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut slots: Vec<VarKind> = Vec::new();
    let mut slot = |var: &Option<Ident>, kind: VarKind| -> Result<usize, QueryError> {
        if let Some(v) = var {
            if let Some(&s) = names.get(&v.name) {
                if slots[s] != kind || kind != VarKind::Node {
                    return Err(QueryError::new(
                        format!("`{}` is already bound", v.name),
                        v.span.clone(),
                        "bound twice",
                    )
                    .help("only node variables may repeat, to join patterns"));
                }
                return Ok(s);
            }
            names.insert(v.name.clone(), slots.len());
        }
        slots.push(kind);
        Ok(slots.len() - 1)
    };
    let mut patterns = Vec::new();
    for p in &q.patterns {
        let mut nodes = Vec::new();
        for n in &p.nodes {
            let kinds = if n.kinds.is_empty() { None } else { Some(idents(kg, &n.kinds, plan::kind_index)?) };
            let props = n
                .props
                .iter()
                .map(|(k, v)| Ok((node_field(kg, k)?, fields::literal(&v.value))))
                .collect::<Result<_, QueryError>>()?;
            nodes.push(NodePlan { slot: slot(&n.var, VarKind::Node)?, kinds, props });
        }
        let mut edges = Vec::new();
        for e in &p.edges {
            let kind = if e.range.is_some() { VarKind::Segment } else { VarKind::Edge };
            let rels = if e.rels.is_empty() { None } else { Some(idents(kg, &e.rels, plan::rel_index)?) };
            let props = e
                .props
                .iter()
                .map(|(k, v)| Ok((edge_field(kg, k)?, fields::literal(&v.value))))
                .collect::<Result<_, QueryError>>()?;
            let range = e.range.as_ref().map(segment_bounds).transpose()?;
            edges.push(EdgePlan { slot: slot(&e.var, kind)?, rels, direction: e.direction, range, props });
        }
        patterns.push((nodes, edges));
    }
    let var_field = |p: &ast::Property| var_field(kg, &names, &slots, p);
    let filter = q.filter.as_ref().map(|f| plan::condition_with(f, &var_field)).transpose()?;
    let mut columns = Vec::new();
    let mut returns = Vec::new();
    for item in &q.returns {
        match item {
            ReturnItem::Value(p) => {
                columns.push(p.var.as_ref().map_or(p.field.name.clone(), |v| format!("{}.{}", v.name, p.field.name)));
                returns.push(ReturnPlan::Value(var_field(p)?));
            }
            ReturnItem::Count { var, .. } => {
                columns.push(format!("count({})", var.as_ref().map_or("*", |v| v.name.as_str())));
                let s = var.as_ref().map(|v| names.get(&v.name).copied().ok_or_else(|| unknown_var(v))).transpose()?;
                returns.push(ReturnPlan::Count(s));
            }
        }
    }
    let order = q
        .order
        .iter()
        .map(|k| {
            let term = match &k.operand {
                ast::Operand::Literal(l) => Term::Value(fields::literal(&l.value)),
                ast::Operand::Property(p) => Term::Field(var_field(p)?),
            };
            Ok(OrderTerm { term, descending: k.descending })
        })
        .collect::<Result<_, QueryError>>()?;
    let limit = q.limit.as_ref().map_or(DEFAULT_ROWS, |l| l.value.max(1));
    Ok(MatchPlan { slots, patterns, filter, distinct: q.distinct, columns, returns, order, limit })
}

fn idents(
    kg: &KnowledgeGraph,
    list: &[Ident],
    check: fn(&KnowledgeGraph, &Ident) -> Result<u16, QueryError>,
) -> Result<Vec<String>, QueryError> {
    list.iter().map(|i| check(kg, i).map(|_| i.name.clone())).collect()
}

fn node_field(kg: &KnowledgeGraph, k: &Ident) -> Result<EntityField, QueryError> {
    fields::entity_field(kg, &k.name)
        .ok_or_else(|| plan::unknown_field(k, ENTITY_FIELDS, &fields::entity_attr_keys(kg), "entities"))
}

fn edge_field(kg: &KnowledgeGraph, k: &Ident) -> Result<RelationField, QueryError> {
    fields::relation_field(kg, &k.name)
        .ok_or_else(|| plan::unknown_field(k, RELATION_FIELDS, &fields::relation_attr_keys(kg), "relations"))
}

fn segment_bounds(range: &Sp<(usize, Option<usize>)>) -> Result<(usize, usize), QueryError> {
    let (min, max) = range.value;
    let Some(max) = max else {
        return Err(QueryError::new("a variable-length edge needs an upper bound", range.span.clone(), "unbounded")
            .help(format!("write a bound such as *1..4 (at most {HARD_MAX_HOPS}); unbounded enumeration never ends on a real graph")));
    };
    if max > HARD_MAX_HOPS || min > max || max == 0 {
        return Err(QueryError::new(
            format!("bounds {min}..{max} are not within 1..={HARD_MAX_HOPS}"),
            range.span.clone(),
            "bad bounds",
        )
        .help("the lower bound must not exceed the upper one"));
    }
    Ok((min, max))
}

fn unknown_var(v: &Ident) -> QueryError {
    QueryError::new(format!("unknown variable `{}`", v.name), v.span.clone(), "not bound by the pattern")
        .help("name it in the pattern, e.g. (c:dprk_company)")
}

fn var_field(
    kg: &KnowledgeGraph,
    names: &HashMap<String, usize>,
    slots: &[VarKind],
    p: &ast::Property,
) -> Result<VarField, QueryError> {
    let Some(var) = &p.var else {
        // A bare name is a whole variable: `return c`.
        return names.get(&p.field.name).map(|&s| VarField::Whole(s)).ok_or_else(|| unknown_var(&p.field));
    };
    let s = *names.get(&var.name).ok_or_else(|| unknown_var(var))?;
    Ok(match slots[s] {
        VarKind::Node => VarField::Entity(s, node_field(kg, &p.field)?),
        VarKind::Edge => VarField::Relation(s, edge_field(kg, &p.field)?),
        VarKind::Segment if p.field.name == "length" => VarField::Length(s),
        VarKind::Segment => {
            return Err(QueryError::new(
                format!("a variable-length edge has only `length`, not `{}`", p.field.name),
                p.field.span.clone(),
                "unknown field",
            )
            .help("return the whole segment to see its relations"));
        }
    })
}

/// What a slot is bound to.
#[derive(Debug, Clone, PartialEq)]
enum Bound {
    Free,
    Node(EntityRef),
    Edge(Hop),
    Segment(Path),
}

struct Matcher<'a> {
    kg: &'a KnowledgeGraph,
    plan: &'a MatchPlan,
    limits: Limits<'a>,
    steps: usize,
    /// Most bindings collected before stopping.
    cap: usize,
    found: Vec<Vec<Bound>>,
    truncated: bool,
}

/// Runs a `match`.
pub fn eval(kg: &KnowledgeGraph, plan: &MatchPlan, limits: Limits) -> Result<Rows, Stop> {
    let aggregate = plan.returns.iter().any(|r| matches!(r, ReturnPlan::Count(_)));
    // Without ordering, grouping or de-duplication, the first `limit` matches are the answer.
    let cap =
        if aggregate || !plan.order.is_empty() || plan.distinct { super::plan::HARD_MAX_ROWS } else { plan.limit };
    let mut matcher = Matcher { kg, plan, limits, steps: 0, cap, found: Vec::new(), truncated: false };
    let mut binding = vec![Bound::Free; plan.slots.len()];
    matcher.pattern(0, &mut binding)?;
    let (found, truncated) = (matcher.found, matcher.truncated);
    let get = |b: &[Bound], f: &VarField| read(kg, b, f);
    let found: Vec<Vec<Bound>> =
        found.into_iter().filter(|b| plan.filter.as_ref().is_none_or(|c| c.holds(kg, &|f| get(b, f)))).collect();
    let mut rows = Rows::new(Shape::Table, &plan.columns.iter().map(String::as_str).collect::<Vec<_>>());
    let mut keyed: Vec<(Vec<Value>, Vec<Value>)> = if aggregate {
        aggregate_rows(kg, plan, &found)
    } else {
        found
            .iter()
            .map(|b| {
                let row = plan
                    .returns
                    .iter()
                    .map(|r| match r {
                        ReturnPlan::Value(f) => get(b, f),
                        ReturnPlan::Count(_) => Value::Null,
                    })
                    .collect();
                let key = plan.order.iter().map(|o| o.term.read(&|f| get(b, f))).collect();
                (key, row)
            })
            .collect()
    };
    if plan.distinct {
        let mut seen: Vec<Vec<Value>> = Vec::new();
        keyed.retain(|(_, row)| {
            if seen.contains(row) {
                false
            } else {
                seen.push(row.clone());
                true
            }
        });
    }
    keyed.sort_by(|a, b| {
        for (i, o) in plan.order.iter().enumerate() {
            let ord = fields::sort_order(kg, &a.0[i], &b.0[i]);
            let ord = if o.descending { ord.reverse() } else { ord };
            if ord.is_ne() {
                return ord;
            }
        }
        std::cmp::Ordering::Equal
    });
    let total = keyed.len();
    rows.rows = keyed.into_iter().take(plan.limit).map(|(_, r)| r).collect();
    if truncated && aggregate {
        rows.notes.push(format!("counted over the first {cap} matches only; narrow the pattern for exact counts"));
    } else if truncated {
        let shown = rows.rows.len();
        rows.notes
            .push(format!("showing {shown} of at least {}; use limit, or narrow the pattern", total.max(shown + 1)));
    } else if total > plan.limit {
        rows.notes.push(format!("showing {} of {total} rows; use limit to see more", rows.rows.len()));
    }
    Ok(rows)
}

/// Rows grouped by the non-count items, with counts.
fn aggregate_rows(kg: &KnowledgeGraph, plan: &MatchPlan, found: &[Vec<Bound>]) -> Vec<(Vec<Value>, Vec<Value>)> {
    let mut groups: Vec<(Vec<Value>, Vec<usize>)> = Vec::new();
    for (i, b) in found.iter().enumerate() {
        let key: Vec<Value> = plan
            .returns
            .iter()
            .filter_map(|r| match r {
                ReturnPlan::Value(f) => Some(read(kg, b, f)),
                ReturnPlan::Count(_) => None,
            })
            .collect();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    groups
        .into_iter()
        .map(|(key, members)| {
            let mut values = key.into_iter();
            let row: Vec<Value> = plan
                .returns
                .iter()
                .map(|r| match r {
                    ReturnPlan::Value(_) => values.next().expect("one key value per value item"),
                    ReturnPlan::Count(None) => Value::Int(members.len() as i64),
                    // As in Cypher, count(x) counts the rows in which x is bound.
                    ReturnPlan::Count(Some(s)) => {
                        Value::Int(members.iter().filter(|&&i| found[i][*s] != Bound::Free).count() as i64)
                    }
                })
                .collect();
            let order_key = plan
                .order
                .iter()
                .map(|o| match &o.term {
                    Term::Value(v) => v.clone(),
                    Term::Field(f) => plan
                        .returns
                        .iter()
                        .position(|r| matches!(r, ReturnPlan::Value(g) if g == f))
                        .map_or(Value::Null, |i| row[i].clone()),
                })
                .collect();
            (order_key, row)
        })
        .collect()
}

fn read(kg: &KnowledgeGraph, b: &[Bound], f: &VarField) -> Value {
    let slot = match f {
        VarField::Whole(s) | VarField::Entity(s, _) | VarField::Relation(s, _) | VarField::Length(s) => *s,
    };
    match (&b[slot], f) {
        (Bound::Node(n), VarField::Whole(_)) => Value::Entity(*n),
        (Bound::Node(n), VarField::Entity(_, field)) => fields::entity_value(kg, *n, field),
        (Bound::Edge(h), VarField::Whole(_)) => Value::Relation(*h),
        (Bound::Edge(h), VarField::Relation(_, field)) => fields::relation_value(kg, edge_ref(h.edge), field),
        (Bound::Segment(p), VarField::Whole(_)) => Value::Path(p.clone()),
        (Bound::Segment(p), VarField::Length(_)) => Value::Int(p.len() as i64),
        _ => Value::Null,
    }
}

impl Matcher<'_> {
    fn tick(&mut self) -> Result<(), Stop> {
        self.steps += 1;
        if self.steps.is_multiple_of(1024) {
            self.limits.check()?;
        }
        Ok(())
    }

    fn full(&self) -> bool {
        self.found.len() >= self.cap
    }

    /// Matches pattern `p` onwards, then records the binding.
    fn pattern(&mut self, p: usize, b: &mut Vec<Bound>) -> Result<(), Stop> {
        if self.full() {
            self.truncated = true;
            return Ok(());
        }
        let Some((nodes, _)) = self.plan.patterns.get(p) else {
            self.found.push(b.clone());
            return Ok(());
        };
        let first = &nodes[0];
        let candidates: Vec<EntityRef> = match &b[first.slot] {
            Bound::Node(n) => vec![*n],
            _ => match &first.kinds {
                Some(kinds) => kinds.iter().flat_map(|k| self.kg.of_kind(k).iter().copied()).collect(),
                None => self.kg.entities().map(|(n, _)| n).collect(),
            },
        };
        for n in candidates {
            self.tick()?;
            if self.full() {
                self.truncated = true;
                break;
            }
            if self.node_fits(first, n) {
                let saved = b[first.slot].clone();
                b[first.slot] = Bound::Node(n);
                self.step(p, 0, n, b)?;
                b[first.slot] = saved;
            }
        }
        Ok(())
    }

    fn node_fits(&self, plan: &NodePlan, n: EntityRef) -> bool {
        let e = self.kg.entity(n);
        plan.kinds.as_ref().is_none_or(|k| k.iter().any(|k| k == e.kind()))
            && plan
                .props
                .iter()
                .all(|(f, v)| fields::compare(self.kg, &fields::entity_value(self.kg, n, f), ast::CompareOp::Eq, v))
    }

    /// Extends pattern `p` from its node `i`, bound to `at`.
    fn step(&mut self, p: usize, i: usize, at: EntityRef, b: &mut Vec<Bound>) -> Result<(), Stop> {
        let (nodes, edges) = &self.plan.patterns[p];
        let Some(edge) = edges.get(i) else {
            return self.pattern(p + 1, b);
        };
        let next = &nodes[i + 1];
        if self.full() {
            self.truncated = true;
            return Ok(());
        }
        let walks = match edge.range {
            None => self.single_edges(edge, at, b),
            Some((min, max)) => self.segments(edge, at, min, max)?,
        };
        for (end, bound) in walks {
            if self.full() {
                self.truncated = true;
                return Ok(());
            }
            let fits_bound = match &b[next.slot] {
                Bound::Node(n) => *n == end,
                _ => true,
            };
            if !fits_bound || !self.node_fits(next, end) {
                continue;
            }
            let (saved_edge, saved_node) = (b[edge.slot].clone(), b[next.slot].clone());
            b[edge.slot] = bound;
            b[next.slot] = Bound::Node(end);
            self.step(p, i + 1, end, b)?;
            b[edge.slot] = saved_edge;
            b[next.slot] = saved_node;
        }
        Ok(())
    }

    fn edge_fits(&self, plan: &EdgePlan, edge: u32) -> bool {
        let r = self.kg.relation(edge_ref(edge));
        plan.rels.as_ref().is_none_or(|rels| rels.iter().any(|x| x == r.rel()))
            && plan.props.iter().all(|(f, v)| {
                let value = fields::relation_value(self.kg, edge_ref(edge), f);
                fields::compare(self.kg, &value, ast::CompareOp::Eq, v)
            })
    }

    /// Hops from `at` allowed by the edge pattern's direction.
    fn hops_from(&self, plan: &EdgePlan, at: u32) -> Vec<(u32, Hop)> {
        let t = self.kg.topology();
        let mut out = Vec::new();
        if plan.direction != EdgeDirection::Left {
            out.extend(t.out(at).iter().map(|&(nb, e)| (nb, Hop { edge: e, forward: true })));
        }
        if plan.direction != EdgeDirection::Right {
            out.extend(t.inc(at).iter().map(|&(nb, e)| (nb, Hop { edge: e, forward: false })));
        }
        out.retain(|(_, h)| self.edge_fits(plan, h.edge));
        out
    }

    fn single_edges(&self, plan: &EdgePlan, at: EntityRef, b: &[Bound]) -> Vec<(EntityRef, Bound)> {
        let used = |e: u32| {
            b.iter().any(|x| {
                matches!(x, Bound::Edge(h) if h.edge == e)
                    || matches!(x, Bound::Segment(p) if p.hops.iter().any(|h| h.edge == e))
            })
        };
        self.hops_from(plan, at.index() as u32)
            .into_iter()
            .filter(|(_, h)| !used(h.edge))
            .map(|(nb, h)| (node_ref(nb), Bound::Edge(h)))
            .collect()
    }

    /// Simple paths of `min..=max` hops from `at` allowed by the edge pattern.
    fn segments(
        &mut self,
        plan: &EdgePlan,
        at: EntityRef,
        min: usize,
        max: usize,
    ) -> Result<Vec<(EntityRef, Bound)>, Stop> {
        let start = at.index() as u32;
        let mut out = Vec::new();
        let mut path = Path { nodes: vec![start], hops: Vec::new() };
        if min == 0 {
            out.push((at, Bound::Segment(path.clone())));
        }
        self.extend_segment(plan, &mut path, min, max, &mut out)?;
        Ok(out)
    }

    fn extend_segment(
        &mut self,
        plan: &EdgePlan,
        path: &mut Path,
        min: usize,
        max: usize,
        out: &mut Vec<(EntityRef, Bound)>,
    ) -> Result<(), Stop> {
        if path.len() == max || out.len() >= self.cap {
            return Ok(());
        }
        let at = *path.nodes.last().expect("a path has a start");
        for (nb, hop) in self.hops_from(plan, at) {
            self.tick()?;
            if path.nodes.contains(&nb) {
                continue;
            }
            path.nodes.push(nb);
            path.hops.push(hop);
            if path.len() >= min {
                out.push((node_ref(nb), Bound::Segment(path.clone())));
            }
            self.extend_segment(plan, path, min, max, out)?;
            path.nodes.pop();
            path.hops.pop();
        }
        Ok(())
    }
}
