//! Evaluating a checked [`Plan`] into [`Rows`]. Pure: reads the graph, never does IO.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use super::Settings;
use super::ast::PathMode;
use super::fields::{self, EntityField, RelationField};
use super::pattern;
use super::plan::{CONNECT_PATH_CAP, Cond, HARD_MAX_HOPS, OrderTerm, Plan, Search};
use super::rows::{Card, RELATION_COLUMNS, Rows, Shape, Value, relation_row, row_key};
use super::{commentary, text_search};
use crate::graph::paths::{Filter, Found, Hop, Limits, Path, Stop};
use crate::graph::{EntityRef, KnowledgeGraph, RelationRef};

/// Rows `find` returns when no `limit` is given.
pub const FIND_DEFAULT_ROWS: usize = 1000;

/// Why evaluation stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    #[error("the query ran for {} s and was stopped", .0.as_secs_f32())]
    TimedOut(Duration),
    #[error("the query was cancelled")]
    Cancelled,
    /// The rows, groups or keys a statement had to hold passed its memory budget.
    #[error("the answer would hold more than {} MiB of rows at once", .0 >> 20)]
    OverBudget(usize),
}

impl EvalError {
    pub fn help(&self) -> &'static str {
        match self {
            EvalError::TimedOut(_) => {
                "narrow the search: for paths a lower `max`, `via`, `avoid` or `avoid kind`; for `match` kinds, relation types and property maps in the pattern; or allow more time with `--timeout SECONDS` (on `kgq query`, `kgq run`, the shell and `kgq serve`)"
            }
            EvalError::Cancelled => "run it again, narrower if it was slow",
            EvalError::OverBudget(_) => {
                "narrow the pattern (kinds, relation types, property maps, `where`), or return fewer or smaller values; `count(*)` holds no rows"
            }
        }
    }
}

/// Evaluates a checked statement.
pub fn eval(kg: &KnowledgeGraph, plan: &Plan, settings: &Settings) -> Result<Rows, EvalError> {
    // A timeout too large to add to the clock is no deadline at all.
    let deadline = Instant::now().checked_add(settings.timeout);
    let limits = |max_hops: usize, max_rows: usize| Limits { max_hops, max_rows, deadline, cancel: settings.cancel };
    let stop = |s: Stop| match s {
        Stop::TimedOut => EvalError::TimedOut(settings.timeout),
        Stop::Cancelled => EvalError::Cancelled,
    };
    match plan {
        Plan::Show(node) => Ok(show(kg, *node)),
        Plan::Find { kinds, filter, order, limit } => {
            let polled = Polled::new(limits(0, 0));
            let rows = find(kg, polled.over(entities(kg, kinds.as_deref())), filter.as_ref(), order, *limit);
            polled.finish(rows).map_err(stop)
        }
        Plan::Neighbors { start, search } => {
            neighbors(kg, *start, search, &limits(search.max_hops, search.max_rows)).map_err(stop)
        }
        Plan::Path { mode, from, to, search } => {
            paths(kg, *mode, *from, *to, search, &limits(search.max_hops, search.max_rows)).map_err(stop)
        }
        Plan::Connect { a, b, search } => {
            connect(kg, *a, *b, search, &limits(search.max_hops, CONNECT_PATH_CAP)).map_err(stop)
        }
        Plan::Why { a, b } => Ok(why(kg, *a, *b)),
        Plan::CountEntities { kinds, filter, group } => {
            let polled = Polled::new(limits(0, 0));
            let rows = count_entities(kg, polled.over(entities(kg, kinds.as_deref())), filter.as_ref(), group.as_ref());
            polled.finish(rows).map_err(stop)
        }
        Plan::CountRelations { filter, group } => {
            let polled = Polled::new(limits(0, 0));
            let rows =
                count_relations(kg, polled.over(kg.relations().map(|(e, _)| e)), filter.as_ref(), group.as_ref());
            polled.finish(rows).map_err(stop)
        }
        Plan::Search { words, limit } => {
            let polled = Polled::new(limits(0, 0));
            let rows = text_search::search(kg, polled.over(kg.entities().map(|(n, _)| n)), words, *limit);
            polled.finish(rows).map_err(stop)
        }
        Plan::Cited { cited, limit } => {
            let polled = Polled::new(limits(0, 0));
            let entities = polled.over(kg.entities().map(|(n, _)| n));
            let relations = polled.over(kg.relations().map(|(e, _)| e));
            let rows = super::evidence::cited(kg, cited, *limit, entities, relations);
            polled.finish(rows).map_err(stop)
        }
        Plan::Match(m) => pattern::eval(kg, m, limits(0, 0)).map_err(|s| match s {
            pattern::MatchStop::Search(s) => stop(s),
            pattern::MatchStop::OverBudget => EvalError::OverBudget(pattern::HELD_BYTES_BUDGET),
        }),
    }
}

/// Records, for every hop shown that is a route of parallel relations, the relations it
/// stands for under the statement's filter.
fn attach_routes(kg: &KnowledgeGraph, rows: &mut Rows, filter: &Filter) {
    let t = kg.topology();
    let cells = rows.rows.iter().flatten().filter_map(|v| match v {
        Value::Path(p) => Some(p),
        _ => None,
    });
    let hops: Vec<RelationRef> = cells.chain(&rows.paths).flat_map(|p| p.hops.iter().map(|h| h.edge)).collect();
    for edge in hops {
        if t.parallel(edge).is_none() || rows.routes.contains_key(&edge) {
            continue;
        }
        let ends = kg.ends(edge);
        let members = t.route_members(edge, filter).into_iter().map(|m| (m, kg.ends(m) == ends)).collect();
        rows.routes.insert(edge, members);
    }
}

/// Polls a statement's time budget and cancellation while a scan over entities or
/// relations runs: the scan sees its items end early, and the statement then fails
/// instead of answering from part of the graph.
struct Polled<'a> {
    limits: Limits<'a>,
    stop: std::cell::Cell<Option<Stop>>,
}

impl<'a> Polled<'a> {
    fn new(limits: Limits<'a>) -> Polled<'a> {
        Polled { limits, stop: std::cell::Cell::new(None) }
    }

    fn over<I: Iterator>(&self, items: I) -> impl Iterator<Item = I::Item> {
        items.enumerate().map_while(move |(i, item)| {
            if i % 4096 == 0
                && let Err(stop) = self.limits.check()
            {
                self.stop.set(Some(stop));
                return None;
            }
            Some(item)
        })
    }

    fn finish<T>(self, result: T) -> Result<T, Stop> {
        match self.stop.get() {
            Some(stop) => Err(stop),
            None => Ok(result),
        }
    }
}

fn show(kg: &KnowledgeGraph, n: EntityRef) -> Rows {
    // A relation row, with the entity at the other end after the relation.
    let mut columns = RELATION_COLUMNS.to_vec();
    columns.insert(1, "entity");
    let mut rows = Rows::new(Shape::Card(Card::of(kg, n)), &columns);
    rows.focus.push(n);
    let mut hops: Vec<(Hop, EntityRef)> = kg
        .incident(n)
        .map(|e| {
            let (from, to) = kg.ends(e);
            let forward = from == n;
            (Hop { edge: e, forward }, if forward { to } else { from })
        })
        .collect();
    let rel_rank = |h: &Hop| kg.schema.relations.iter().position(|d| d.name == kg.relation(h.edge).rel());
    hops.sort_by_key(|(h, other)| (!h.forward, rel_rank(h), kg.entity(*other).name().to_lowercase(), h.edge));
    for (hop, other) in hops {
        let mut row = relation_row(kg, hop);
        row.insert(1, Value::Entity(other));
        rows.rows.push(row);
    }
    rows
}

fn sorted_by<F>(kg: &KnowledgeGraph, items: &mut [(Vec<Value>, EntityRef)], order: &[OrderTerm<F>]) {
    items.sort_by(|a, b| {
        for (i, o) in order.iter().enumerate() {
            let ord = fields::key_order(kg, &a.0[i], &b.0[i], o.descending);
            if ord.is_ne() {
                return ord;
            }
        }
        let (ea, eb) = (kg.entity(a.1), kg.entity(b.1));
        ea.name().to_lowercase().cmp(&eb.name().to_lowercase()).then_with(|| ea.id().cmp(eb.id()))
    });
}

fn entities<'a>(kg: &'a KnowledgeGraph, kinds: Option<&'a [String]>) -> Box<dyn Iterator<Item = EntityRef> + 'a> {
    match kinds {
        None => Box::new(kg.entities().map(|(n, _)| n)),
        Some(kinds) => Box::new(kinds.iter().flat_map(|k| kg.of_kind(k).iter().copied())),
    }
}

fn find(
    kg: &KnowledgeGraph,
    candidates: impl Iterator<Item = EntityRef>,
    filter: Option<&Cond<EntityField>>,
    order: &[OrderTerm<EntityField>],
    limit: usize,
) -> Rows {
    let mut rows = Rows::new(Shape::Table, &["entity", "kind", "country"]);
    let get = |n: EntityRef| move |f: &EntityField| fields::entity_value(kg, n, f);
    let mut hits: Vec<(Vec<Value>, EntityRef)> = candidates
        .filter(|&n| filter.is_none_or(|c| c.holds(kg, &get(n))))
        .map(|n| (order.iter().map(|o| o.term.read(&get(n))).collect(), n))
        .collect();
    sorted_by(kg, &mut hits, order);
    let cap = if limit == usize::MAX { FIND_DEFAULT_ROWS } else { limit };
    if hits.len() > cap {
        rows.notes.push(truncation(cap, hits.len(), "entities"));
    }
    for (_, n) in hits.into_iter().take(cap) {
        let e = kg.entity(n);
        let country = fields::entity_value(kg, n, &EntityField::Country);
        rows.rows.push(vec![Value::Entity(n), Value::Text(e.kind().to_string()), country]);
    }
    rows
}

fn truncation(shown: usize, total: usize, what: &str) -> String {
    format!("showing {shown} of {total} {what}; use limit to see more")
}

fn path_rows(kg: &KnowledgeGraph, found: Found<Path>, search: &Search, focus: &[EntityRef], limits: &Limits) -> Rows {
    let mut rows = Rows::new(Shape::Paths, &["hops", "path"]);
    rows.focus = focus.to_vec();
    let n = found.items.len();
    for p in found.items {
        rows.rows.push(vec![Value::Int(p.len() as i64), Value::Path(p)]);
    }
    if found.truncated {
        rows.notes.push(format!("showing {n} of at least {}; use limit, or narrow with via, avoid or max", n + 1));
    }
    if rows.is_empty() {
        rows.notes.push(no_path(kg, focus[0], focus[1], search, limits));
    }
    attach_routes(kg, &mut rows, &search.filter);
    rows
}

/// Why a search between two entities found nothing: they are not connected at all (then a
/// larger `max` cannot help), or not under the statement's options, or only by longer
/// paths (then it says how long), or not through the entity named.
fn no_path(kg: &KnowledgeGraph, from: EntityRef, to: EntityRef, s: &Search, limits: &Limits) -> String {
    let t = kg.topology();
    let (a, b) = (from, to);
    let anywhere = Limits { max_hops: t.node_count(), max_rows: 1, ..*limits };
    let shortest = |filter: &Filter| t.shortest_path(a, b, None, filter, &anywhere).map(|p| p.map(|p| p.len()));
    let (name_a, name_b) = (kg.entity(from).name(), kg.entity(to).name());
    let plain = format!("no path within {} hops under these options", s.max_hops);
    match shortest(&s.filter) {
        // The explanation is a courtesy: out of time, the plain note stands.
        Err(_) => plain,
        Ok(None) => {
            // Not connected under the options; perhaps without them. Commentary left out by
            // default is no option the statement gave, so "without them" still leaves it out.
            let plain_walk = Filter { except_via: s.commentary.clone(), ..Filter::default() };
            let options_given = !s.with_commentary().is_open();
            let without = if options_given { shortest(&plain_walk).ok().flatten() } else { None };
            if without.is_none() && !s.commentary.is_empty() && shortest(&Filter::default()).ok().flatten().is_some() {
                return format!("no path: {name_a} and {name_b} are connected only through commentary");
            }
            match without {
                Some(len) => format!(
                    "no path: {name_a} and {name_b} are not connected under these options (a larger `max` cannot help); without them the shortest path is {len} hops"
                ),
                None => format!(
                    "no path: {name_a} and {name_b} are not connected at all (they lie in separate parts of the graph), so a larger `max` cannot help"
                ),
            }
        }
        Ok(Some(len)) if len > s.max_hops && len <= HARD_MAX_HOPS => {
            format!("no path within {} hops; the shortest is {len} hops: ask with `max {len}`", s.max_hops)
        }
        Ok(Some(len)) if len > s.max_hops => format!(
            "no path within {} hops; the shortest is {len} hops, beyond the {HARD_MAX_HOPS}-hop limit of searches",
            s.max_hops
        ),
        Ok(Some(_)) => match s.through {
            Some(x) => format!(
                "no path through {} within {} hops under these options, though there are paths that avoid it",
                kg.entity(x).name(),
                s.max_hops
            ),
            None => plain,
        },
    }
}

fn paths(
    kg: &KnowledgeGraph,
    mode: PathMode,
    from: EntityRef,
    to: EntityRef,
    s: &Search,
    limits: &Limits,
) -> Result<Rows, Stop> {
    let t = kg.topology();
    let (a, b, through) = (from, to, s.through);
    let found = match mode {
        PathMode::Shortest => {
            let p = t.shortest_path(a, b, through, &s.filter, limits)?;
            Found { items: p.into_iter().collect(), truncated: false }
        }
        PathMode::AllShortest => t.all_shortest_paths(a, b, through, &s.filter, limits)?,
        PathMode::All => t.simple_paths(a, b, through, &s.filter, limits)?,
    };
    let left_out = commentary::paths_note(kg, mode, (from, to), s, limits, &found.items)?;
    let mut focus = vec![from, to];
    focus.extend(s.through);
    let mut rows = path_rows(kg, found, s, &focus, limits);
    rows.notes.extend(left_out);
    Ok(rows)
}

fn neighbors(kg: &KnowledgeGraph, start: EntityRef, s: &Search, limits: &Limits) -> Result<Rows, Stop> {
    let found = kg.topology().neighbourhood(start, &s.filter, limits)?;
    let mut rows = Rows::new(Shape::Table, &["entity", "kind", "hops", "path"]);
    rows.focus.push(start);
    let n = found.reached.len();
    for (i, r) in found.reached.iter().enumerate() {
        let kind = Value::Text(kg.entity(r.node).kind().to_string());
        let path = Value::Path(found.path(i));
        rows.rows.push(vec![Value::Entity(r.node), kind, Value::Int(i64::from(r.dist)), path]);
    }
    if found.truncated {
        rows.notes.push(format!("showing {n} of at least {}; use limit to see more", n + 1));
    }
    rows.notes.extend(commentary::neighbors_note(kg, start, s, limits)?);
    attach_routes(kg, &mut rows, &s.filter);
    Ok(rows)
}

/// How one entity lies on the connecting paths.
#[derive(Default)]
struct OnPaths {
    paths: Vec<usize>,
    shortest: usize,
    score: f64,
}

fn connect(kg: &KnowledgeGraph, a: EntityRef, b: EntityRef, s: &Search, limits: &Limits) -> Result<Rows, Stop> {
    let found = kg.topology().simple_paths(a, b, s.through, &s.filter, limits)?;
    let mut on: BTreeMap<EntityRef, OnPaths> = BTreeMap::new();
    for (i, p) in found.items.iter().enumerate() {
        for &inner in &p.nodes[1..p.nodes.len().saturating_sub(1)] {
            let entry = on.entry(inner).or_insert_with(|| OnPaths { shortest: usize::MAX, ..OnPaths::default() });
            entry.paths.push(i);
            entry.shortest = entry.shortest.min(p.len());
            entry.score += 1.0 / p.len() as f64;
        }
    }
    let ranked_entities: BTreeSet<EntityRef> = on.keys().copied().collect();
    let mut ranked: Vec<(EntityRef, OnPaths)> = on.into_iter().collect();
    ranked.sort_by(|(na, x), (nb, y)| {
        y.score
            .total_cmp(&x.score)
            .then(x.shortest.cmp(&y.shortest))
            .then_with(|| kg.entity(*na).name().cmp(kg.entity(*nb).name()))
    });
    let mut rows = Rows::new(Shape::Connect, &["entity", "kind", "paths", "shortest", "score", "see paths"]);
    rows.focus = vec![a, b];
    let total = ranked.len();
    let mut shown_paths: Vec<usize> = Vec::new();
    for (n, on) in ranked.into_iter().take(s.max_rows) {
        // Each entity cites up to three of its shortest paths; the rest are counted.
        let mut numbers: Vec<i64> = on
            .paths
            .iter()
            .take(3)
            .map(|&i| {
                let pos = shown_paths.iter().position(|&j| j == i).unwrap_or_else(|| {
                    shown_paths.push(i);
                    shown_paths.len() - 1
                });
                pos as i64 + 1
            })
            .collect();
        numbers.sort_unstable();
        let refs: Vec<Value> = numbers.into_iter().map(Value::Int).collect();
        let kind = Value::Text(kg.entity(n).kind().to_string());
        let score = Value::Float((on.score * 100.0).round() / 100.0);
        rows.rows.push(vec![
            Value::Entity(n),
            kind,
            Value::Int(on.paths.len() as i64),
            Value::Int(on.shortest as i64),
            score,
            Value::List(refs),
        ]);
    }
    rows.paths = shown_paths.into_iter().map(|i| found.items[i].clone()).collect();
    let considered = found.items.len();
    if found.truncated {
        rows.notes
            .push(format!("ranked over the first {considered} paths (shortest first); narrow with max, via or avoid"));
    } else if considered == 0 {
        rows.notes.push(no_path(kg, a, b, s, limits));
    } else {
        let (entities, paths) =
            (plural(total, "entity", "entities"), plural(considered, "connecting path", "connecting paths"));
        rows.notes.push(format!("{entities} on {paths} of at most {} hops", s.max_hops));
    }
    if total > s.max_rows {
        rows.notes.push(truncation(s.max_rows, total, "entities"));
    }
    rows.notes.extend(commentary::connect_note(kg, (a, b), s, limits, &ranked_entities)?);
    attach_routes(kg, &mut rows, &s.filter);
    Ok(rows)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

fn why(kg: &KnowledgeGraph, a: EntityRef, b: EntityRef) -> Rows {
    let mut rows = Rows::new(Shape::Relations, &RELATION_COLUMNS);
    rows.focus = vec![a, b];
    for e in kg.incident(a) {
        let (from, to) = kg.ends(e);
        if (from == a && to == b) || (from == b && to == a) {
            rows.rows.push(relation_row(kg, Hop { edge: e, forward: from == a }));
        }
    }
    if rows.is_empty() {
        rows.notes.push("no direct relation; try `path` or `connect`".to_string());
    }
    rows
}

/// Counts by group value; a list value counts once for each of its distinct items, and a
/// note says how many counted in several groups.
fn tally(kg: &KnowledgeGraph, column: &str, values: impl Iterator<Item = Option<Value>>) -> Rows {
    // Groups by the values' byte keys: one hash lookup per value, linear in the rows.
    let mut counts: Vec<(Value, i64)> = Vec::new();
    let mut place: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut bump = |v: Value| {
        let at = *place.entry(row_key(std::slice::from_ref(&v))).or_insert_with(|| {
            counts.push((v, 0));
            counts.len() - 1
        });
        counts[at].1 += 1;
    };
    let mut total = 0;
    // Items whose value is a list of several distinct values, each counted in every group.
    let mut several = 0;
    for v in values {
        total += 1;
        if column.is_empty() {
            continue;
        }
        match v {
            None => {}
            Some(Value::List(items)) if items.is_empty() => bump(Value::Null),
            Some(Value::List(mut items)) => {
                // A value listed twice (two locators in one source) counts once.
                let mut seen = std::collections::HashSet::new();
                items.retain(|i| seen.insert(row_key(std::slice::from_ref(i))));
                several += usize::from(items.len() > 1);
                items.into_iter().for_each(&mut bump)
            }
            Some(v) => bump(v),
        }
    }
    if column.is_empty() {
        let mut rows = Rows::new(Shape::Table, &["count"]);
        rows.rows.push(vec![Value::Int(total)]);
        return rows;
    }
    counts.sort_by(|(ka, na), (kb, nb)| nb.cmp(na).then_with(|| fields::sort_order(kg, ka, kb)));
    let mut rows = Rows::new(Shape::Table, &[column, "count"]);
    rows.rows = counts.into_iter().map(|(k, n)| vec![k, Value::Int(n)]).collect();
    if several > 0 {
        rows.notes.push(format!(
            "{several} of the {total} counted have several values of {column} and are counted in each of their groups, so the counts add up to more than {total}"
        ));
    }
    rows
}

fn count_entities(
    kg: &KnowledgeGraph,
    candidates: impl Iterator<Item = EntityRef>,
    filter: Option<&Cond<EntityField>>,
    group: Option<&EntityField>,
) -> Rows {
    let get = |n: EntityRef| move |f: &EntityField| fields::entity_value(kg, n, f);
    let hits = candidates.filter(|&n| filter.is_none_or(|c| c.holds(kg, &get(n))));
    let column = group.map_or(String::new(), entity_field_name);
    tally(kg, &column, hits.map(|n| Some(group.map_or(Value::Null, |g| fields::entity_value(kg, n, g)))))
}

fn count_relations(
    kg: &KnowledgeGraph,
    candidates: impl Iterator<Item = RelationRef>,
    filter: Option<&Cond<RelationField>>,
    group: Option<&RelationField>,
) -> Rows {
    let get = |e: RelationRef| move |f: &RelationField| fields::relation_value(kg, e, f);
    let hits = candidates.filter(|&e| filter.is_none_or(|c| c.holds(kg, &get(e))));
    let column = group.map_or(String::new(), relation_field_name);
    tally(kg, &column, hits.map(|e| Some(group.map_or(Value::Null, |g| fields::relation_value(kg, e, g)))))
}

fn entity_field_name(f: &EntityField) -> String {
    match f {
        EntityField::Attr(k) => k.clone(),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn relation_field_name(f: &RelationField) -> String {
    match f {
        RelationField::Attr(k) => k.clone(),
        other => format!("{other:?}").to_lowercase(),
    }
}
