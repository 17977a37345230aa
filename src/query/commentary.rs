//! What a path search left out by walking substantive relations only.
//!
//! Relation kinds the schema marks `role = "commentary"` (someone reporting on,
//! researching or pressing a party) are not walked unless a statement asks for them
//! (`with commentary`, or `via` naming them): otherwise every reporter who wrote about both
//! ends of a question becomes a connection. So that the answer still says what it left out,
//! each path statement runs its search a second time with them, under the same limits,
//! and counts what only that search found. If the second search runs out of time, the note
//! says that commentary was not walked, without a count; if it is cancelled, the statement
//! is.

use std::collections::BTreeSet;

use super::ast::PathMode;
use super::plan::Search;
use crate::graph::paths::{Filter, Limits, Path, Stop};
use crate::graph::{EntityRef, KnowledgeGraph};

/// The commentary kinds a search left out, by name, for a note.
fn kinds(kg: &KnowledgeGraph, s: &Search) -> String {
    let names: Vec<&str> = s.commentary.iter().map(|&k| kg.schema.relations[usize::from(k)].name.as_str()).collect();
    names.join(", ")
}

/// Whether a path takes a hop along one of the search's commentary kinds.
fn uses_commentary(kg: &KnowledgeGraph, s: &Search, p: &Path) -> bool {
    p.hops.iter().any(|h| s.commentary.contains(&kg.topology().rel(h.edge)))
}

/// The second search's answer: cancelled stops the statement; out of time, the note goes
/// without a count (`Ok(None)`).
fn settle<T>(found: Result<T, Stop>) -> Result<Option<T>, Stop> {
    match found {
        Ok(found) => Ok(Some(found)),
        Err(Stop::TimedOut) => Ok(None),
        Err(Stop::Cancelled) => Err(Stop::Cancelled),
    }
}

/// The note, given what was left out (`None`: the second search ran out of time).
fn note(kg: &KnowledgeGraph, s: &Search, left_out: Option<String>) -> String {
    let kinds = kinds(kg, s);
    match left_out {
        Some(what) => format!("left out: {what} through commentary ({kinds}); add `with commentary` to include them"),
        None => format!("commentary relations ({kinds}) were not walked; add `with commentary` to include them"),
    }
}

fn count(n: usize, at_least: bool, one: &str, many: &str) -> String {
    let more = if at_least { "at least " } else { "" };
    if n == 1 { format!("{more}1 {one}") } else { format!("{more}{n} {many}") }
}

/// For `path`, `all shortest paths` and `paths`: the paths the default search left out
/// (`shown` is its answer). None when nothing was left out.
pub(super) fn paths_note(
    kg: &KnowledgeGraph,
    mode: PathMode,
    (from, to): (EntityRef, EntityRef),
    s: &Search,
    limits: &Limits,
    shown: &[Path],
) -> Result<Option<String>, Stop> {
    if s.commentary.is_empty() {
        return Ok(None);
    }
    let (t, wide) = (kg.topology(), s.with_commentary());
    let shortest_shown = shown.first().map(Path::len);
    let found = match mode {
        PathMode::Shortest => {
            t.shortest_path(from, to, s.through, &wide, limits).map(|p| (p.into_iter().collect(), false))
        }
        PathMode::AllShortest => {
            t.all_shortest_paths(from, to, s.through, &wide, limits).map(|f| (f.items, f.truncated))
        }
        PathMode::All => t.simple_paths(from, to, s.through, &wide, limits).map(|f| (f.items, f.truncated)),
    };
    let Some((paths, truncated)) = settle(found)? else { return Ok(Some(note(kg, s, None))) };
    let left: Vec<&Path> = paths.iter().filter(|p| uses_commentary(kg, s, p)).collect();
    let Some(first) = left.first() else { return Ok(None) };
    let shorter = shortest_shown.is_none_or(|n| first.len() < n);
    let what = match mode {
        PathMode::Shortest if !shorter => return Ok(None),
        PathMode::Shortest => format!("a path of {}", count(first.len(), false, "hop", "hops")),
        _ if shorter && shortest_shown.is_some() => {
            let paths = count(left.len(), truncated, "path", "paths");
            format!("{paths} of {}, shorter than those shown,", count(first.len(), false, "hop", "hops"))
        }
        _ => count(left.len(), truncated, "path", "paths"),
    };
    Ok(Some(note(kg, s, Some(what))))
}

/// For `connect`: the entities and paths the default ranking left out (`entities` are those
/// it ranked). None when nothing was left out.
pub(super) fn connect_note(
    kg: &KnowledgeGraph,
    (a, b): (EntityRef, EntityRef),
    s: &Search,
    limits: &Limits,
    entities: &BTreeSet<EntityRef>,
) -> Result<Option<String>, Stop> {
    if s.commentary.is_empty() {
        return Ok(None);
    }
    let found = kg.topology().simple_paths(a, b, s.through, &s.with_commentary(), limits);
    let Some(found) = settle(found)? else { return Ok(Some(note(kg, s, None))) };
    let left: Vec<&Path> = found.items.iter().filter(|p| uses_commentary(kg, s, p)).collect();
    if left.is_empty() {
        return Ok(None);
    }
    let inner = |p: &&Path| p.nodes[1..p.nodes.len() - 1].to_vec();
    let new: BTreeSet<EntityRef> = left.iter().flat_map(inner).filter(|n| !entities.contains(n)).collect();
    let at_least = found.truncated;
    let what = format!(
        "{} and {}",
        count(new.len(), at_least, "entity", "entities"),
        count(left.len(), at_least, "connecting path", "connecting paths")
    );
    Ok(Some(note(kg, s, Some(what))))
}

/// For `neighbors`: the entities reached only through commentary within the same depth.
/// Both neighbourhoods are taken whole (no row cap), so the count does not depend on which
/// rows the limit showed. None when nothing was left out.
pub(super) fn neighbors_note(
    kg: &KnowledgeGraph,
    start: EntityRef,
    s: &Search,
    limits: &Limits,
) -> Result<Option<String>, Stop> {
    if s.commentary.is_empty() {
        return Ok(None);
    }
    let whole = Limits { max_rows: usize::MAX - 1, ..*limits };
    let reached = |filter: &Filter| {
        let found = kg.topology().neighbourhood(start, filter, &whole)?;
        Ok::<BTreeSet<EntityRef>, Stop>(found.reached.iter().map(|r| r.node).collect())
    };
    let (Some(narrow), Some(wide)) = (settle(reached(&s.filter))?, settle(reached(&s.with_commentary()))?) else {
        return Ok(Some(note(kg, s, None)));
    };
    let left = wide.difference(&narrow).count();
    Ok((left > 0).then(|| note(kg, s, Some(count(left, false, "entity", "entities")))))
}
