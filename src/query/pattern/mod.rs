//! `match` patterns: planning (variables, kinds, relations, property maps, variable-length
//! bounds) and evaluation by backtracking over the graph's adjacency.
//!
//! Semantics follow GQL/Cypher: a relation is bound at most once per match, and a
//! variable-length segment is a simple path. Unbounded segments are refused.
//!
//! This file plans a pattern; `matcher.rs` finds its bindings by backtracking and
//! `sink.rs` filters, groups, de-duplicates, orders and limits them as they are found.

mod matcher;
mod sink;

pub use matcher::{HELD_BYTES_BUDGET, MatchStop, eval};

use std::collections::HashMap;

use super::QueryError;
use super::ast::{self, EdgeDirection, Ident, MatchQuery, ReturnItem, Sp};
use super::fields::{self, ENTITY_FIELDS, EntityField, RELATION_FIELDS, RelationField};
use super::plan::{self, Cond, DEFAULT_ROWS, HARD_MAX_HOPS, OrderTerm, Term};
use super::rows::Value;
use crate::graph::KnowledgeGraph;

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
