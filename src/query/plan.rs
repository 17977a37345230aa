//! Checking a query against the graph: entity names are resolved, kinds, relations, fields
//! and sources are looked up, bounds are applied, and every mistake becomes a
//! [`QueryError`] pointing at the words that caused it, with "did you mean".

use super::QueryError;
use super::ast::{self, CompareOp, Ident, KindSet, PathMode, PathOptions, Predicate, Sp};
use super::fields::{self, ENTITY_FIELDS, EntityField, RELATION_FIELDS, RelationField};
use super::pattern::{self, MatchPlan};
use super::rows::Value;
use crate::graph::paths::Filter;
use crate::graph::topology::period;
use crate::graph::{EntityRef, KnowledgeGraph, ResolveError};
use crate::model::{PartialDate, RelRole};
use crate::suggest::help_for_unknown;

/// Hop bound when a statement gives none (`max N`).
pub const DEFAULT_MAX_HOPS: usize = 6;
/// The largest hop bound anyone may ask for: beyond it, enumeration on a real graph never ends.
pub const HARD_MAX_HOPS: usize = 12;
/// Rows returned when a statement gives no `limit`.
pub const DEFAULT_ROWS: usize = 100;
/// The largest `limit` accepted.
pub const HARD_MAX_ROWS: usize = 100_000;
/// Hop bound for `connect` when none is given: its ranking reads every path, so it looks
/// less far than `paths` by default.
pub const DEFAULT_CONNECT_HOPS: usize = 4;
/// Most paths `connect` ranks over.
pub const CONNECT_PATH_CAP: usize = 20_000;

/// A checked statement, ready to evaluate.
#[derive(Debug, Clone)]
pub enum Plan {
    Show(EntityRef),
    Find {
        kinds: Option<Vec<String>>,
        filter: Option<Cond<EntityField>>,
        order: Vec<OrderTerm<EntityField>>,
        limit: usize,
    },
    Neighbors {
        start: EntityRef,
        search: Search,
    },
    Path {
        mode: PathMode,
        from: EntityRef,
        to: EntityRef,
        search: Search,
    },
    Connect {
        a: EntityRef,
        b: EntityRef,
        search: Search,
    },
    Why {
        a: EntityRef,
        b: EntityRef,
    },
    CountEntities {
        kinds: Option<Vec<String>>,
        filter: Option<Cond<EntityField>>,
        group: Option<EntityField>,
    },
    CountRelations {
        filter: Option<Cond<RelationField>>,
        group: Option<RelationField>,
    },
    Match(Box<MatchPlan>),
    /// `search "text"`: the text's words (lower-cased, each once) and the row limit.
    Search {
        words: Vec<String>,
        limit: usize,
    },
}

/// A condition over fields of type `F`.
#[derive(Debug, Clone)]
pub enum Cond<F> {
    Or(Vec<Cond<F>>),
    And(Vec<Cond<F>>),
    Not(Box<Cond<F>>),
    Compare(Term<F>, CompareOp, Term<F>),
    In(Term<F>, Vec<Value>),
    Truthy(F),
}

#[derive(Debug, Clone)]
pub enum Term<F> {
    Value(Value),
    Field(F),
}

#[derive(Debug, Clone)]
pub struct OrderTerm<F> {
    pub term: Term<F>,
    pub descending: bool,
}

impl<F> Cond<F> {
    /// Evaluates the condition, reading fields with `get`.
    pub fn holds(&self, kg: &KnowledgeGraph, get: &dyn Fn(&F) -> Value) -> bool {
        match self {
            Cond::Or(parts) => parts.iter().any(|c| c.holds(kg, get)),
            Cond::And(parts) => parts.iter().all(|c| c.holds(kg, get)),
            Cond::Not(inner) => !inner.holds(kg, get),
            Cond::Compare(l, op, r) => fields::compare(kg, &l.read(get), *op, &r.read(get)),
            Cond::In(t, list) => {
                let v = t.read(get);
                list.iter().any(|item| fields::compare(kg, &v, CompareOp::Eq, item))
            }
            Cond::Truthy(f) => fields::truthy(&get(f)),
        }
    }
}

impl<F> Term<F> {
    pub fn read(&self, get: &dyn Fn(&F) -> Value) -> Value {
        match self {
            Term::Value(v) => v.clone(),
            Term::Field(f) => get(f),
        }
    }
}

/// A path search: filter, endpoints that must be passed, and bounds.
#[derive(Debug, Clone)]
pub struct Search {
    pub filter: Filter,
    pub through: Option<EntityRef>,
    pub max_hops: usize,
    pub max_rows: usize,
    /// The commentary relation kinds this search leaves out because the statement did not
    /// ask for them (`with commentary`, or `via` naming them); they are also in
    /// `filter.except_via`. Answers say what walking them would add.
    pub commentary: Vec<u16>,
}

impl Search {
    /// The filter with the commentary kinds walked too: what `with commentary` would search.
    pub fn with_commentary(&self) -> Filter {
        let mut filter = self.filter.clone();
        filter.except_via.retain(|k| !self.commentary.contains(k));
        filter
    }
}

/// Checks `query` against the graph.
pub fn plan(kg: &KnowledgeGraph, query: &ast::Query) -> Result<Plan, QueryError> {
    use ast::Statement as S;
    Ok(match &query.statement {
        S::Show(r) => Plan::Show(resolve(kg, r)?),
        S::Find { kinds, filter, order, limit } => Plan::Find {
            kinds: kind_names(kg, kinds)?,
            filter: filter.as_ref().map(|p| condition(kg, p, &|i| entity_field(kg, i))).transpose()?,
            order: order
                .iter()
                .map(|k| Ok(OrderTerm { term: term(&k.operand, &|i| entity_field(kg, i))?, descending: k.descending }))
                .collect::<Result<_, QueryError>>()?,
            limit: rows_limit(limit.as_ref(), usize::MAX)?,
        },
        S::Neighbors { start, depth, options } => {
            let start = resolve(kg, start)?;
            let max = match (depth, &options.max) {
                (Some(d), _) | (None, Some(d)) => hops(d)?,
                (None, None) => 1,
            };
            Plan::Neighbors { start, search: search(kg, options, max, &[start])? }
        }
        S::Path { mode, from, to, options } => {
            let (from, to) = (resolve(kg, from)?, resolve(kg, to)?);
            let max = options.max.as_ref().map(hops).transpose()?.unwrap_or(DEFAULT_MAX_HOPS);
            Plan::Path { mode: *mode, from, to, search: search(kg, options, max, &[from, to])? }
        }
        S::Connect { a: ra, b: rb, options } => {
            let (a, b) = (resolve(kg, ra)?, resolve(kg, rb)?);
            if a == b {
                return Err(QueryError::new(
                    format!("`connect` needs two different entities; both name {}", kg.entity(a).id()),
                    ra.span.start..rb.span.end,
                    "the same entity twice",
                )
                .help("to see what an entity is linked to, use `show` or `neighbors`"));
            }
            let max = options.max.as_ref().map(hops).transpose()?.unwrap_or(DEFAULT_CONNECT_HOPS);
            Plan::Connect { a, b, search: search(kg, options, max, &[a, b])? }
        }
        S::Why { a, b } => Plan::Why { a: resolve(kg, a)?, b: resolve(kg, b)? },
        S::Count { target: ast::CountTarget::Relations, filter, group } => Plan::CountRelations {
            filter: filter.as_ref().map(|p| condition(kg, p, &|i| relation_field(kg, i))).transpose()?,
            group: group.as_ref().map(|g| relation_field(kg, g)).transpose()?,
        },
        S::Count { target: ast::CountTarget::Entities(kinds), filter, group } => Plan::CountEntities {
            kinds: kind_names(kg, kinds)?,
            filter: filter.as_ref().map(|p| condition(kg, p, &|i| entity_field(kg, i))).transpose()?,
            group: group.as_ref().map(|g| entity_field(kg, g)).transpose()?,
        },
        S::Match(m) => Plan::Match(Box::new(pattern::plan(kg, m)?)),
        S::Search { text, limit } => {
            let words = crate::suggest::words(&text.value);
            if words.is_empty() {
                return Err(QueryError::new("nothing to search for", text.span.clone(), "no words here")
                    .help("common words (in, of, the, ...) are not looked for; give words of names, aliases or notes, e.g. search \"workers poland\""));
            }
            Plan::Search { words, limit: rows_limit(limit.as_ref(), DEFAULT_ROWS)? }
        }
    })
}

/// Resolves an entity reference, or explains why it names no single entity.
pub fn resolve(kg: &KnowledgeGraph, r: &ast::EntityRef) -> Result<EntityRef, QueryError> {
    kg.resolve(&r.text).map_err(|err| {
        let label = match &err {
            ResolveError::Unknown { .. } => "unknown entity",
            ResolveError::Ambiguous { .. } => "ambiguous name",
        };
        QueryError::new(err.to_string(), r.span.clone(), label).help(err.help())
    })
}

fn kind_names(kg: &KnowledgeGraph, kinds: &KindSet) -> Result<Option<Vec<String>>, QueryError> {
    match kinds {
        KindSet::Any => Ok(None),
        KindSet::Kinds(list) => {
            list.iter().map(|k| kind_index(kg, k).map(|_| k.name.clone())).collect::<Result<_, _>>().map(Some)
        }
    }
}

pub fn kind_index(kg: &KnowledgeGraph, kind: &Ident) -> Result<u16, QueryError> {
    let names = kg.schema.kinds.iter().map(|k| k.name.as_str());
    names.clone().position(|k| k == kind.name).map(|i| i as u16).ok_or_else(|| {
        QueryError::new(format!("unknown kind `{}`", kind.name), kind.span.clone(), "not a kind")
            .help(help_for_unknown(&kind.name, names, "kinds"))
    })
}

pub fn rel_index(kg: &KnowledgeGraph, rel: &Ident) -> Result<u16, QueryError> {
    let names = kg.schema.relations.iter().map(|r| r.name.as_str());
    names.clone().position(|r| r == rel.name).map(|i| i as u16).ok_or_else(|| {
        QueryError::new(format!("unknown relation `{}`", rel.name), rel.span.clone(), "not a relation")
            .help(help_for_unknown(&rel.name, names, "relations"))
    })
}

fn hops(n: &Sp<usize>) -> Result<usize, QueryError> {
    if n.value == 0 || n.value > HARD_MAX_HOPS {
        return Err(QueryError::new(
            format!("{} hops is outside 1..={HARD_MAX_HOPS}", n.value),
            n.span.clone(),
            "hop bound",
        )
        .help(format!(
            "searches look at most {HARD_MAX_HOPS} hops far; longer paths say little and never finish on a large graph"
        )));
    }
    Ok(n.value)
}

pub(super) fn rows_limit(limit: Option<&Sp<usize>>, default: usize) -> Result<usize, QueryError> {
    match limit {
        None => Ok(default),
        Some(n) if n.value == 0 || n.value > HARD_MAX_ROWS => Err(QueryError::new(
            format!("limit {} is outside 1..={HARD_MAX_ROWS}", n.value),
            n.span.clone(),
            "row limit",
        )
        .help("ask for fewer rows, or narrow the question with options")),
        Some(n) => Ok(n.value),
    }
}

fn search(kg: &KnowledgeGraph, o: &PathOptions, max_hops: usize, ends: &[EntityRef]) -> Result<Search, QueryError> {
    let mut filter = Filter { directed: o.directed, ..Filter::default() };
    if !o.via.is_empty() {
        filter.via = Some(o.via.iter().map(|r| rel_index(kg, r)).collect::<Result<_, _>>()?);
    }
    filter.except_via = o.except_via.iter().map(|r| rel_index(kg, r)).collect::<Result<_, _>>()?;
    filter.avoid_kinds = o.avoid_kinds.iter().map(|k| kind_index(kg, k)).collect::<Result<_, _>>()?;
    for r in &o.avoid {
        let node = resolve(kg, r)?;
        if ends.contains(&node) {
            return Err(QueryError::new("cannot avoid an end of the search", r.span.clone(), "this is an end")
                .help("remove it from `avoid`"));
        }
        filter.avoid.push(node);
    }
    if let Some(date) = &o.as_of {
        let d = PartialDate::parse(&date.value).map_err(|why| {
            QueryError::new(format!("invalid date \"{}\": {why}", date.value), date.span.clone(), "not a date")
                .help("write YYYY, YYYY-MM or YYYY-MM-DD, e.g. as of \"2016-06\"")
        })?;
        filter.as_of = Some(period(d));
    }
    if let Some(src) = &o.cited_by {
        let ids = kg.sources.iter().map(|s| s.id.as_str());
        let ix = ids.clone().position(|s| s == src.value).ok_or_else(|| {
            QueryError::new(format!("unknown source \"{}\"", src.value), src.span.clone(), "not a source")
                .help(help_for_unknown(&src.value, ids, "sources"))
        })?;
        filter.cited_by = Some(ix as u16);
    }
    // Commentary is walked when asked for: `with commentary`, or a `via` list (which names
    // every kind walked, so a commentary kind in it is asked for and one not in it is out).
    let mut commentary = Vec::new();
    if !o.with_commentary && filter.via.is_none() {
        for (i, r) in kg.schema.relations.iter().enumerate() {
            let kind = i as u16;
            if r.role == RelRole::Commentary && !filter.except_via.contains(&kind) {
                filter.except_via.push(kind);
                commentary.push(kind);
            }
        }
    }
    let through = o.through.as_ref().map(|r| resolve(kg, r)).transpose()?;
    let max_rows = rows_limit(o.limit.as_ref(), DEFAULT_ROWS)?;
    Ok(Search { filter, through, max_hops, max_rows, commentary })
}

fn entity_field(kg: &KnowledgeGraph, name: &Ident) -> Result<EntityField, QueryError> {
    fields::entity_field(kg, &name.name)
        .ok_or_else(|| unknown_field(name, ENTITY_FIELDS, &fields::entity_attr_keys(kg), "entities"))
}

fn relation_field(kg: &KnowledgeGraph, name: &Ident) -> Result<RelationField, QueryError> {
    fields::relation_field(kg, &name.name)
        .ok_or_else(|| unknown_field(name, RELATION_FIELDS, &fields::relation_attr_keys(kg), "relations"))
}

pub fn unknown_field(name: &Ident, known: &[&str], attrs: &[&str], of: &str) -> QueryError {
    let all: Vec<&str> = known.iter().chain(attrs).copied().collect();
    QueryError::new(format!("{of} have no field `{}`", name.name), name.span.clone(), "unknown field")
        .help(help_for_unknown(&name.name, all.iter().copied(), "fields"))
}

/// Checks a `where` condition, resolving each property with `field`.
pub fn condition<F: Typed>(
    kg: &KnowledgeGraph,
    p: &Predicate,
    field: &dyn Fn(&Ident) -> Result<F, QueryError>,
) -> Result<Cond<F>, QueryError> {
    let prop = |p: &ast::Property| -> Result<F, QueryError> {
        match &p.var {
            Some(v) => Err(QueryError::new(
                format!("`{}.` is a pattern variable, but there is no pattern here", v.name),
                v.span.clone(),
                "no such variable",
            )
            .help(format!("write just `{}`", p.field.name))),
            None => field(&p.field),
        }
    };
    condition_with(kg, p, &|p: &ast::Property| prop(p))
}

/// Checks a condition whose properties may name pattern variables.
pub fn condition_with<F: Typed>(
    kg: &KnowledgeGraph,
    p: &Predicate,
    prop: &dyn Fn(&ast::Property) -> Result<F, QueryError>,
) -> Result<Cond<F>, QueryError> {
    Ok(match p {
        Predicate::Or(parts) => Cond::Or(parts.iter().map(|q| condition_with(kg, q, prop)).collect::<Result<_, _>>()?),
        Predicate::And(parts) => {
            Cond::And(parts.iter().map(|q| condition_with(kg, q, prop)).collect::<Result<_, _>>()?)
        }
        Predicate::Not(inner) => Cond::Not(Box::new(condition_with(kg, inner, prop)?)),
        Predicate::Compare { left, op, right } => match (left, right) {
            (ast::Operand::Property(p), ast::Operand::Literal(l)) => {
                let (field, value) = typed(kg, prop(p)?, op.value, l)?;
                Cond::Compare(Term::Field(field), op.value, Term::Value(value))
            }
            (ast::Operand::Literal(l), ast::Operand::Property(p)) => {
                let (field, value) = typed(kg, prop(p)?, op.value, l)?;
                Cond::Compare(Term::Value(value), op.value, Term::Field(field))
            }
            _ => {
                let term = |o: &ast::Operand| -> Result<Term<F>, QueryError> {
                    Ok(match o {
                        ast::Operand::Literal(l) => Term::Value(fields::literal(&l.value)),
                        ast::Operand::Property(p) => Term::Field(prop(p)?),
                    })
                };
                Cond::Compare(term(left)?, op.value, term(right)?)
            }
        },
        Predicate::In { operand, list } => match operand {
            ast::Operand::Property(p) => {
                let field = prop(p)?;
                let mut values = Vec::new();
                let mut read_as = None;
                for l in list {
                    let (f, v) = typed(kg, field.clone(), CompareOp::Eq, l)?;
                    read_as = Some(f);
                    values.push(v);
                }
                Cond::In(Term::Field(read_as.unwrap_or(field)), values)
            }
            ast::Operand::Literal(l) => Cond::In(
                Term::Value(fields::literal(&l.value)),
                list.iter().map(|l| fields::literal(&l.value)).collect(),
            ),
        },
        Predicate::Truthy(p) => Cond::Truthy(prop(p)?),
    })
}

/// What a field holds, for checking the literals it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// An entity's name: a literal compared for (in)equality names an entity, resolved as
    /// any reference is (aliases, ids; ambiguity is an error).
    Name,
    /// An entity (a relation's end, a country): a literal names an entity likewise.
    Entity,
    /// A date: a literal must be a year or a quoted date.
    Date,
    Other,
}

/// A field whose type is known when a statement is checked.
pub trait Typed: Clone {
    fn field_type(&self) -> FieldType;
    /// The id field of the same entity, for a name field.
    fn id_field(&self) -> Option<Self>;
}

impl Typed for EntityField {
    fn field_type(&self) -> FieldType {
        match self {
            EntityField::Name => FieldType::Name,
            EntityField::Country => FieldType::Entity,
            _ => FieldType::Other,
        }
    }
    fn id_field(&self) -> Option<Self> {
        (self == &EntityField::Name).then_some(EntityField::Id)
    }
}

impl Typed for RelationField {
    fn field_type(&self) -> FieldType {
        match self {
            RelationField::From | RelationField::To => FieldType::Entity,
            RelationField::Since | RelationField::Until | RelationField::Date => FieldType::Date,
            _ => FieldType::Other,
        }
    }
    fn id_field(&self) -> Option<Self> {
        None
    }
}

/// A literal compared with `field`, checked against the field's type: names resolve to
/// entities (a name field is then compared by id), dates parse. Returns the field to read
/// and the value to compare with.
pub fn typed<F: Typed>(
    kg: &KnowledgeGraph,
    field: F,
    op: CompareOp,
    lit: &Sp<ast::Literal>,
) -> Result<(F, Value), QueryError> {
    let plain = fields::literal(&lit.value);
    let equality = matches!(op, CompareOp::Eq | CompareOp::Ne);
    match (field.field_type(), &lit.value) {
        (FieldType::Name | FieldType::Entity, ast::Literal::Text(text)) if equality => {
            let node = match kg.named(text).as_slice() {
                [node] => *node,
                // No entity has that name, alias or id, so the plain comparison is exact: it
                // matches nothing (scripts assert absence this way), and needs no suggestions.
                [] => return Ok((field, plain)),
                _ => {
                    return Err(resolve(kg, &ast::EntityRef { text: text.clone(), span: lit.span.clone() })
                        .expect_err("a name for several entities does not resolve"));
                }
            };
            Ok(match field.id_field() {
                Some(id) => (id, Value::Text(kg.entity(node).id().to_string())),
                None => (field, Value::Entity(node)),
            })
        }
        (FieldType::Date, ast::Literal::Null) => Ok((field, plain)),
        (FieldType::Date, _) if matches!(op, CompareOp::Contains | CompareOp::StartsWith) => Ok((field, plain)),
        (FieldType::Date, literal) => {
            let text = match literal {
                ast::Literal::Text(t) => t.clone(),
                ast::Literal::Number(n) if n.fract() == 0.0 && (1.0..=9999.0).contains(n) => {
                    format!("{:04}", *n as u16)
                }
                _ => String::new(),
            };
            let date = PartialDate::parse(&text).map_err(|why| {
                let why = if text.is_empty() { "a date is a year or a quoted date".to_string() } else { why };
                QueryError::new(format!("not a date: {why}"), lit.span.clone(), "not a date")
                    .help("write a year (2017) or a quoted date: \"2017\", \"2017-06\" or \"2017-06-30\"")
            })?;
            Ok((field, Value::Date(date)))
        }
        _ => Ok((field, plain)),
    }
}

fn term<F>(o: &ast::Operand, field: &dyn Fn(&Ident) -> Result<F, QueryError>) -> Result<Term<F>, QueryError> {
    Ok(match o {
        ast::Operand::Literal(l) => Term::Value(fields::literal(&l.value)),
        ast::Operand::Property(p) => Term::Field(field(&p.field)?),
    })
}
