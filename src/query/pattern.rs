//! `match` patterns: planning (variables, kinds, relations, property maps, variable-length
//! bounds) and evaluation by backtracking over the graph's adjacency.
//!
//! Semantics follow GQL/Cypher: a relation is bound at most once per match, and a
//! variable-length segment is a simple path. Unbounded segments are refused.

use std::collections::{HashMap, HashSet};

use super::QueryError;
use super::ast::{self, EdgeDirection, Ident, MatchQuery, ReturnItem, Sp};
use super::fields::{self, ENTITY_FIELDS, EntityField, RELATION_FIELDS, RelationField};
use super::plan::{self, Cond, DEFAULT_ROWS, HARD_MAX_HOPS, OrderTerm, Term};
use super::rows::{Rows, Shape, Value, row_key};
use crate::graph::paths::{Hop, Limits, Path, Stop};
use crate::graph::{EntityRef, KnowledgeGraph, RelationRef};

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

/// Most comma-separated patterns in one `match`. Matching descends once per pattern and
/// node, so the bound keeps the stack bounded too.
pub const MAX_PATTERNS: usize = 32;
/// Most nodes written in all the patterns of one `match`.
pub const MAX_PATTERN_NODES: usize = 64;

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
    if let Some(p) = q.patterns.get(MAX_PATTERNS) {
        return Err(QueryError::new(
            format!("a `match` takes at most {MAX_PATTERNS} comma-separated patterns"),
            p.nodes[0].span.clone(),
            "one too many",
        )
        .help("split the question, or join the patterns into longer chains"));
    }
    let nodes: usize = q.patterns.iter().map(|p| p.nodes.len()).sum();
    if nodes > MAX_PATTERN_NODES {
        let last = q.patterns.last().and_then(|p| p.nodes.last()).map_or(0..0, |n| n.span.clone());
        return Err(QueryError::new(
            format!("a `match` names at most {MAX_PATTERN_NODES} nodes; this one has {nodes}"),
            last,
            "pattern too long",
        )
        .help("use a variable-length edge such as -[*1..4]- instead of writing each hop"));
    }
    let mut patterns = Vec::new();
    for p in &q.patterns {
        let mut nodes = Vec::new();
        for n in &p.nodes {
            let kinds = if n.kinds.is_empty() { None } else { Some(idents(kg, &n.kinds, plan::kind_index)?) };
            let props = n
                .props
                .iter()
                .map(|(k, v)| plan::typed(kg, node_field(kg, k)?, ast::CompareOp::Eq, v))
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
                .map(|(k, v)| plan::typed(kg, edge_field(kg, k)?, ast::CompareOp::Eq, v))
                .collect::<Result<_, QueryError>>()?;
            let range = e.range.as_ref().map(segment_bounds).transpose()?;
            edges.push(EdgePlan { slot: slot(&e.var, kind)?, rels, direction: e.direction, range, props });
        }
        patterns.push((nodes, edges));
    }
    let var_field = |p: &ast::Property| var_field(kg, &names, &slots, p);
    let filter = q.filter.as_ref().map(|f| plan::condition_with(kg, f, &var_field)).transpose()?;
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
    let limit = plan::rows_limit(q.limit.as_ref(), DEFAULT_ROWS)?;
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

impl plan::Typed for VarField {
    fn field_type(&self) -> plan::FieldType {
        match self {
            VarField::Entity(_, f) => f.field_type(),
            VarField::Relation(_, f) => f.field_type(),
            VarField::Whole(_) | VarField::Length(_) => plan::FieldType::Other,
        }
    }
    fn id_field(&self) -> Option<Self> {
        match self {
            VarField::Entity(s, f) => f.id_field().map(|f| VarField::Entity(*s, f)),
            _ => None,
        }
    }
}

/// What a slot is bound to.
#[derive(Debug, Clone, PartialEq)]
enum Bound {
    Free,
    Node(EntityRef),
    Edge(Hop),
    Segment(Path),
}

/// Most bytes of rows, groups and de-duplication keys a `match` may hold at once. Rows that
/// only pass through (counted, or beyond a `limit` without `order by`) cost nothing.
pub const HELD_BYTES_BUDGET: usize = 256 << 20;

/// Runs a `match`. Every binding is filtered (property maps while matching, `where` as soon
/// as the binding is complete) before it reaches grouping, de-duplication, ordering and the
/// limit, in that order; so a limit never hides a row that passes the filter, and counts
/// are exact. Only the time budget and [`HELD_BYTES_BUDGET`] can stop it, and both fail the
/// statement rather than return part of an answer.
pub fn eval(kg: &KnowledgeGraph, plan: &MatchPlan, limits: Limits) -> Result<Rows, MatchStop> {
    let mut matcher = Matcher { kg, plan, limits, steps: 0, sink: Sink::new(plan), done: false };
    let mut binding = vec![Bound::Free; plan.slots.len()];
    matcher.pattern(0, &mut binding)?;
    Ok(matcher.sink.finish(kg, plan))
}

/// Why a `match` stopped without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchStop {
    Search(Stop),
    /// The rows, groups or keys it had to hold passed [`HELD_BYTES_BUDGET`].
    OverBudget,
}

impl From<Stop> for MatchStop {
    fn from(s: Stop) -> MatchStop {
        MatchStop::Search(s)
    }
}

/// Where filtered bindings go, by what the statement asks of them.
struct Sink {
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
    fn new(plan: &MatchPlan) -> Sink {
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

    fn charge(&mut self, bytes: usize) -> Result<(), MatchStop> {
        self.held += bytes;
        if self.held > HELD_BYTES_BUDGET { Err(MatchStop::OverBudget) } else { Ok(()) }
    }

    /// Takes one binding that passed the filter. Returns true when the answer is complete
    /// and matching can stop.
    fn take(&mut self, kg: &KnowledgeGraph, plan: &MatchPlan, b: &[Bound]) -> Result<bool, MatchStop> {
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

    fn group(&mut self, kg: &KnowledgeGraph, plan: &MatchPlan, b: &[Bound]) -> Result<(), MatchStop> {
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

    fn sort(&mut self, kg: &KnowledgeGraph, plan: &MatchPlan) {
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

    fn keep_best(&mut self, kg: &KnowledgeGraph, plan: &MatchPlan) {
        self.sort(kg, plan);
        let dropped = self.rows.get(plan.limit..).unwrap_or_default();
        self.held -= dropped.iter().map(|(order, _, row)| row_bytes(order, row)).sum::<usize>();
        self.rows.truncate(plan.limit);
    }

    fn finish(mut self, kg: &KnowledgeGraph, plan: &MatchPlan) -> Rows {
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

fn read(kg: &KnowledgeGraph, b: &[Bound], f: &VarField) -> Value {
    let slot = match f {
        VarField::Whole(s) | VarField::Entity(s, _) | VarField::Relation(s, _) | VarField::Length(s) => *s,
    };
    match (&b[slot], f) {
        (Bound::Node(n), VarField::Whole(_)) => Value::Entity(*n),
        (Bound::Node(n), VarField::Entity(_, field)) => fields::entity_value(kg, *n, field),
        // A relation in a row reads in its stored direction, whichever way the pattern walked it.
        (Bound::Edge(h), VarField::Whole(_)) => Value::Relation(Hop { edge: h.edge, forward: true }),
        (Bound::Edge(h), VarField::Relation(_, field)) => fields::relation_value(kg, h.edge, field),
        (Bound::Segment(p), VarField::Whole(_)) => Value::Path(p.clone()),
        (Bound::Segment(p), VarField::Length(_)) => Value::Int(p.len() as i64),
        _ => Value::Null,
    }
}

struct Matcher<'a> {
    kg: &'a KnowledgeGraph,
    plan: &'a MatchPlan,
    limits: Limits<'a>,
    steps: usize,
    sink: Sink,
    /// The sink has its answer: unwind without matching more.
    done: bool,
}

impl Matcher<'_> {
    fn tick(&mut self) -> Result<(), Stop> {
        self.steps += 1;
        if self.steps.is_multiple_of(1024) {
            self.limits.check()?;
        }
        Ok(())
    }

    /// Matches pattern `p` onwards; a complete binding goes through the filter to the sink.
    fn pattern(&mut self, p: usize, b: &mut Vec<Bound>) -> Result<(), MatchStop> {
        let Some((nodes, _)) = self.plan.patterns.get(p) else {
            self.tick()?;
            let kg = self.kg;
            if self.plan.filter.as_ref().is_none_or(|c| c.holds(kg, &|f| read(kg, b, f))) {
                self.done = self.sink.take(kg, self.plan, b)?;
            }
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
            if self.done {
                break;
            }
            if self.node_fits(first, n) {
                let saved = std::mem::replace(&mut b[first.slot], Bound::Node(n));
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
    fn step(&mut self, p: usize, i: usize, at: EntityRef, b: &mut Vec<Bound>) -> Result<(), MatchStop> {
        let plan = self.plan;
        let (_, edges) = &plan.patterns[p];
        let Some(edge) = edges.get(i) else {
            return self.pattern(p + 1, b);
        };
        match edge.range {
            None => {
                for (nb, hop) in self.hops_from(edge, at) {
                    self.tick()?;
                    if self.done {
                        break;
                    }
                    if !used(b, hop.edge) {
                        self.bind(p, i, nb, Bound::Edge(hop), b)?;
                    }
                }
            }
            Some((min, max)) => {
                let mut path = Path { nodes: vec![at], hops: Vec::new() };
                if min == 0 {
                    self.bind(p, i, at, Bound::Segment(path.clone()), b)?;
                }
                self.walk(p, i, edge, &mut path, (min, max), b)?;
            }
        }
        Ok(())
    }

    /// Binds edge `i` of pattern `p` and the node after it to `end`, if that node fits,
    /// and goes on matching.
    fn bind(&mut self, p: usize, i: usize, end: EntityRef, bound: Bound, b: &mut Vec<Bound>) -> Result<(), MatchStop> {
        let plan = self.plan;
        let (nodes, edges) = &plan.patterns[p];
        let (next, edge) = (&nodes[i + 1], &edges[i]);
        let fits = match &b[next.slot] {
            Bound::Node(n) => *n == end,
            _ => self.node_fits(next, end),
        };
        if !fits {
            return Ok(());
        }
        let saved_edge = std::mem::replace(&mut b[edge.slot], bound);
        let saved_node = std::mem::replace(&mut b[next.slot], Bound::Node(end));
        self.step(p, i + 1, end, b)?;
        b[edge.slot] = saved_edge;
        b[next.slot] = saved_node;
        Ok(())
    }

    /// Walks the simple paths of a variable-length edge from the end of `path`, binding
    /// each of `min..=max` hops as it is found.
    fn walk(
        &mut self,
        p: usize,
        i: usize,
        edge: &EdgePlan,
        path: &mut Path,
        (min, max): (usize, usize),
        b: &mut Vec<Bound>,
    ) -> Result<(), MatchStop> {
        if path.len() == max {
            return Ok(());
        }
        let at = *path.nodes.last().expect("a path has a start");
        for (nb, hop) in self.hops_from(edge, at) {
            self.tick()?;
            if self.done {
                break;
            }
            if path.nodes.contains(&nb) || used(b, hop.edge) {
                continue;
            }
            path.nodes.push(nb);
            path.hops.push(hop);
            if path.len() >= min {
                self.bind(p, i, nb, Bound::Segment(path.clone()), b)?;
            }
            self.walk(p, i, edge, path, (min, max), b)?;
            path.nodes.pop();
            path.hops.pop();
        }
        Ok(())
    }

    fn edge_fits(&self, plan: &EdgePlan, edge: RelationRef) -> bool {
        let r = self.kg.relation(edge);
        plan.rels.as_ref().is_none_or(|rels| rels.iter().any(|x| x == r.rel()))
            && plan.props.iter().all(|(f, v)| {
                let value = fields::relation_value(self.kg, edge, f);
                fields::compare(self.kg, &value, ast::CompareOp::Eq, v)
            })
    }

    /// Hops from `at` allowed by the edge pattern's direction: every stored relation, one
    /// hop each (a pattern binds relations, so parallel relations are separate matches).
    fn hops_from(&self, plan: &EdgePlan, at: EntityRef) -> Vec<(EntityRef, Hop)> {
        let t = self.kg.topology();
        let mut out = Vec::new();
        if plan.direction != EdgeDirection::Left {
            out.extend(t.out(at).iter().map(|&(nb, e)| (nb, Hop { edge: e, forward: true })));
        }
        if plan.direction != EdgeDirection::Right {
            // A self-loop is walked once, forwards, in an undirected pattern.
            let undirected = plan.direction == EdgeDirection::Either;
            out.extend(
                t.inc(at)
                    .iter()
                    .filter(|&&(nb, _)| !(undirected && nb == at))
                    .map(|&(nb, e)| (nb, Hop { edge: e, forward: false })),
            );
        }
        out.retain(|(_, h)| self.edge_fits(plan, h.edge));
        out
    }
}

/// Whether a relation is already bound in this match (GQL/Cypher: at most once).
fn used(b: &[Bound], edge: RelationRef) -> bool {
    b.iter().any(|x| {
        matches!(x, Bound::Edge(h) if h.edge == edge)
            || matches!(x, Bound::Segment(p) if p.hops.iter().any(|h| h.edge == edge))
    })
}
