//! Checking a query against the graph: entity names are resolved, kinds, relations, fields
//! and sources are looked up, bounds are applied, and every mistake becomes a
//! [`QueryError`] pointing at the words that caused it, with "did you mean".

mod conditions;

pub use conditions::{
    Cond, FieldType, Names, OrderTerm, Term, Typed, cited, condition, condition_with, take_unknown_names, typed,
};

use super::QueryError;
use super::ast::{self, Ident, KindSet, PathMode, PathOptions, Sp};
use super::fields::{self, Cited, ENTITY_FIELDS, EntityField, RELATION_FIELDS, RelationField};
use super::pattern::{self, MatchPlan};
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
    Cited {
        cited: Cited,
        limit: usize,
    },
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
        S::Cited { locator, limit } => {
            Plan::Cited { cited: cited(kg, locator)?, limit: rows_limit(limit.as_ref(), DEFAULT_ROWS)? }
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
        .help(if n.value == 0 {
            "a limit is at least 1; to ask whether anything matches, use count".to_string()
        } else {
            format!("ask for at most {HARD_MAX_ROWS} rows, or narrow the question with options")
        })),
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
        filter.dated_only = o.dated_only;
    }
    if let Some(locator) = &o.cited_by {
        // The same check and meaning as `where ... cited by`: a source, or a line of one.
        let cited = cited(kg, locator)?;
        match cited.line {
            None => {
                let ix = kg.sources.iter().position(|s| s.id == cited.source).expect("`cited` checked the source");
                filter.cited_by = Some(ix as u16);
            }
            Some(_) => {
                let evidence = |e| fields::relation_value(kg, e, &RelationField::Evidence);
                filter.cited_at = Some(kg.relations().map(|(e, _)| e).filter(|&e| cited.holds(&evidence(e))).collect());
            }
        }
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

fn term<F>(o: &ast::Operand, field: &dyn Fn(&Ident) -> Result<F, QueryError>) -> Result<Term<F>, QueryError> {
    Ok(match o {
        ast::Operand::Literal(l) => Term::Value(fields::literal(&l.value)),
        ast::Operand::Property(p) => Term::Field(field(&p.field)?),
        ast::Operand::Aggregate(a) => {
            return Err(QueryError::new(format!("`{}` is an aggregate", a.heading()), a.span.clone(), "not here")
                .help("aggregates belong to `match ... return`; to count, use `count <kind> by <field>`"));
        }
    })
}
