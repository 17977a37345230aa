//! `match` patterns: planning (variables, kinds, relations, property maps, variable-length
//! bounds) and evaluation by backtracking over the graph's adjacency.
//!
//! Semantics follow GQL/Cypher: a relation is bound at most once per match, and a
//! variable-length segment is a simple path. Unbounded segments are refused.
//!
//! This file plans a pattern; `matcher.rs` finds its bindings by backtracking and
//! `sink.rs` filters, groups, de-duplicates, orders and limits them as they are found.

mod aggregate;
mod matcher;
mod returns;
mod sink;

pub use matcher::{HELD_BYTES_BUDGET, MatchStop, eval};

use std::collections::HashMap;
use std::ops::Range;

use super::QueryError;
use super::ast::{self, EdgeDirection, Ident, MatchQuery, Sp};
use super::fields::{self, ENTITY_FIELDS, EntityField, RELATION_FIELDS, RelationField};
use super::plan::{self, Cond, DEFAULT_ROWS, HARD_MAX_HOPS, OrderTerm};
use super::rows::Value;
use crate::graph::KnowledgeGraph;
use returns::{Column, Key, ReturnPlan};

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
    /// `properties(x)`, or with `true` `keys(x)`.
    Properties(usize, bool),
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

/// A pattern's nodes and the edges between them: `edges[i]` joins `nodes[i]` and `nodes[i + 1]`.
pub type PatternPlan = (Vec<NodePlan>, Vec<EdgePlan>);

/// An `exists { }` block: its patterns and condition, over the same binding as the match
/// around it (shared variables are the same entity inside).
#[derive(Debug, Clone)]
pub struct ExistsPlan {
    patterns: Vec<PatternPlan>,
    filter: Option<Cond<VarField>>,
    /// The slots of its own variables (and of blocks inside it). Relations are bound at
    /// most once among these: as in Cypher, a block may walk a relation the match around
    /// it has bound.
    own: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct MatchPlan {
    slots: Vec<VarKind>,
    patterns: Vec<PatternPlan>,
    filter: Option<Cond<VarField>>,
    /// The `exists { }` blocks of `filter`, at any depth, by number.
    exists: Vec<ExistsPlan>,
    distinct: bool,
    columns: Vec<String>,
    returns: Vec<ReturnPlan>,
    having: Option<Cond<Column>>,
    order: Vec<OrderTerm<Key>>,
    limit: usize,
}

/// Most comma-separated patterns in one `match` (or `exists` block). Matching descends
/// once per pattern and node, so the bound keeps the stack bounded too.
pub const MAX_PATTERNS: usize = 32;
/// Most nodes written in all the patterns of one `match`, `exists` blocks included.
pub const MAX_PATTERN_NODES: usize = 64;
/// How deep `exists` blocks may nest: each level runs a search per binding of the one
/// around it, and real questions need one or two.
pub const MAX_EXISTS_DEPTH: usize = 3;

/// Checks a `match` query.
pub fn plan(kg: &KnowledgeGraph, q: &MatchQuery) -> Result<MatchPlan, QueryError> {
    let mut planner = Planner { kg, slots: Vec::new(), exists: Vec::new(), nodes: 0 };
    let mut names = HashMap::new();
    let patterns = planner.patterns(&mut names, &q.patterns)?;
    let filter = (q.filter.as_ref())
        .map(|f| plan::condition_with(kg, f, &mut Scope { planner: &mut planner, names: &names, depth: 0 }))
        .transpose()?;
    let field = |p: &ast::Property| var_field(kg, &names, &planner.slots, p);
    let answer = returns::plan(kg, q, &planner.slots, &field)?;
    let limit = plan::rows_limit(q.limit.as_ref(), DEFAULT_ROWS)?;
    let Planner { slots, exists, .. } = planner;
    Ok(MatchPlan {
        slots,
        patterns,
        filter,
        exists,
        distinct: q.distinct,
        columns: answer.columns,
        returns: answer.returns,
        having: answer.having,
        order: answer.order,
        limit,
    })
}

/// The state of planning one `match`: the slots of all its variables, its `exists` blocks.
struct Planner<'g> {
    kg: &'g KnowledgeGraph,
    slots: Vec<VarKind>,
    exists: Vec<ExistsPlan>,
    /// Nodes written so far, in all patterns.
    nodes: usize,
}

impl Planner<'_> {
    /// Plans comma-separated patterns, binding their new variables in `names`.
    fn patterns(
        &mut self,
        names: &mut HashMap<String, usize>,
        patterns: &[ast::Pattern],
    ) -> Result<Vec<PatternPlan>, QueryError> {
        let kg = self.kg;
        if let Some(p) = patterns.get(MAX_PATTERNS) {
            return Err(QueryError::new(
                format!("a `match` takes at most {MAX_PATTERNS} comma-separated patterns"),
                p.nodes[0].span.clone(),
                "one too many",
            )
            .help("split the question, or join the patterns into longer chains"));
        }
        self.nodes += patterns.iter().map(|p| p.nodes.len()).sum::<usize>();
        if self.nodes > MAX_PATTERN_NODES {
            let last = patterns.last().and_then(|p| p.nodes.last()).map_or(0..0, |n| n.span.clone());
            return Err(QueryError::new(
                format!("a `match` names at most {MAX_PATTERN_NODES} nodes; this one has {}", self.nodes),
                last,
                "pattern too long",
            )
            .help("use a variable-length edge such as -[*1..4]- instead of writing each hop"));
        }
        let mut out = Vec::new();
        for p in patterns {
            let mut nodes = Vec::new();
            for n in &p.nodes {
                let kinds = if n.kinds.is_empty() { None } else { Some(idents(kg, &n.kinds, plan::kind_index)?) };
                let props = typed_props(kg, &n.props, node_field)?;
                nodes.push(NodePlan { slot: self.slot(names, &n.var, VarKind::Node)?, kinds, props });
            }
            let mut edges = Vec::new();
            for e in &p.edges {
                let kind = if e.range.is_some() { VarKind::Segment } else { VarKind::Edge };
                let rels = if e.rels.is_empty() { None } else { Some(idents(kg, &e.rels, plan::rel_index)?) };
                let props = typed_props(kg, &e.props, edge_field)?;
                let range = e.range.as_ref().map(segment_bounds).transpose()?;
                let slot = self.slot(names, &e.var, kind)?;
                edges.push(EdgePlan { slot, rels, direction: e.direction, range, props });
            }
            out.push((nodes, edges));
        }
        Ok(out)
    }

    /// The slot of a variable: a new one, or a node variable's earlier one (a join).
    fn slot(
        &mut self,
        names: &mut HashMap<String, usize>,
        var: &Option<Ident>,
        kind: VarKind,
    ) -> Result<usize, QueryError> {
        if let Some(v) = var {
            if let Some(&s) = names.get(&v.name) {
                if self.slots[s] != kind || kind != VarKind::Node {
                    return Err(QueryError::new(
                        format!("`{}` is already bound", v.name),
                        v.span.clone(),
                        "bound twice",
                    )
                    .help("only node variables may repeat, to join patterns"));
                }
                return Ok(s);
            }
            names.insert(v.name.clone(), self.slots.len());
        }
        self.slots.push(kind);
        Ok(self.slots.len() - 1)
    }
}

/// The names a condition can see: the match's variables, and inside an `exists` block
/// its own as well (which are not seen outside it).
struct Scope<'p, 'g> {
    planner: &'p mut Planner<'g>,
    names: &'p HashMap<String, usize>,
    /// How many `exists` blocks this condition is inside.
    depth: usize,
}

impl plan::Names<VarField> for Scope<'_, '_> {
    fn field(&mut self, p: &ast::Property) -> Result<VarField, QueryError> {
        var_field(self.planner.kg, self.names, &self.planner.slots, p)
    }

    fn evidence(&mut self, subject: Option<&ast::Property>, at: &ast::Span) -> Result<VarField, QueryError> {
        let whole = |p: &ast::Property| p.var.is_none().then(|| self.names.get(&p.field.name)).flatten();
        let Some(&s) = subject.and_then(whole) else {
            let at = subject.map_or(at.clone(), |p| p.span.clone());
            return Err(QueryError::new("`cited by` needs a variable of the pattern", at, "whose evidence?")
                .help("name the entity or relation: match (c)-[r]->(x) where r cited by \"002:418\" return c, x"));
        };
        Ok(match self.planner.slots[s] {
            VarKind::Node => VarField::Entity(s, EntityField::Evidence),
            VarKind::Edge => VarField::Relation(s, RelationField::Evidence),
            VarKind::Segment => {
                let p = subject.expect("a variable was found");
                return Err(QueryError::new(
                    "a variable-length edge has no evidence of its own",
                    p.span.clone(),
                    "a segment",
                )
                .help("bind a single relation, as in -[r]-, to ask what cites it"));
            }
        })
    }

    fn exists(&mut self, e: &ast::Exists) -> Result<usize, QueryError> {
        if self.depth == MAX_EXISTS_DEPTH {
            return Err(QueryError::new(
                format!("`exists` blocks nest at most {MAX_EXISTS_DEPTH} deep"),
                e.span.clone(),
                "too deep",
            )
            .help("each level searches once per match of the level around it; write the question flatter"));
        }
        let start = self.planner.slots.len();
        let mut names = self.names.clone();
        let written: Vec<ast::Pattern> = e.patterns.iter().map(|p| from_bound_end(p, self.names)).collect();
        let patterns = self.planner.patterns(&mut names, &written)?;
        let kg = self.planner.kg;
        let mut inner = Scope { planner: &mut *self.planner, names: &names, depth: self.depth + 1 };
        let filter = e.filter.as_ref().map(|f| plan::condition_with(kg, f, &mut inner)).transpose()?;
        let own = start..self.planner.slots.len();
        self.planner.exists.push(ExistsPlan { patterns, filter, own });
        Ok(self.planner.exists.len() - 1)
    }
}

/// A block's pattern, turned round when only its last node is bound outside it, so that the
/// search starts from the one entity the row fixes rather than from every entity (the same
/// matches: each edge keeps its direction relative to its ends).
fn from_bound_end(p: &ast::Pattern, outside: &HashMap<String, usize>) -> ast::Pattern {
    let bound =
        |n: Option<&ast::NodePattern>| n.and_then(|n| n.var.as_ref()).is_some_and(|v| outside.contains_key(&v.name));
    if bound(p.nodes.first()) || !bound(p.nodes.last()) {
        return p.clone();
    }
    let mut turned = p.clone();
    turned.nodes.reverse();
    turned.edges.reverse();
    for e in &mut turned.edges {
        e.direction = match e.direction {
            EdgeDirection::Right => EdgeDirection::Left,
            EdgeDirection::Left => EdgeDirection::Right,
            EdgeDirection::Either => EdgeDirection::Either,
        };
    }
    turned
}

/// A property map `{field: value}`, each value typed by its field as `=` would type it.
fn typed_props<F: plan::Typed>(
    kg: &KnowledgeGraph,
    props: &[(Ident, Sp<ast::Literal>)],
    field: fn(&KnowledgeGraph, &Ident) -> Result<F, QueryError>,
) -> Result<Vec<(F, Value)>, QueryError> {
    props.iter().map(|(k, v)| plan::typed(kg, field(kg, k)?, ast::CompareOp::Eq, v)).collect()
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
            VarField::Whole(_) | VarField::Length(_) | VarField::Properties(..) => plan::FieldType::Other,
        }
    }
    fn id_field(&self) -> Option<Self> {
        match self {
            VarField::Entity(s, f) => f.id_field().map(|f| VarField::Entity(*s, f)),
            _ => None,
        }
    }
}
