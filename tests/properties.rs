//! Properties of whole statements on random graphs, against brute force: `connect` ranks
//! exactly the inner entities of the simple paths between its ends, and `paths` lists
//! exactly those paths, as routes (parallel relations count once). Relations of a
//! commentary kind (`reports`) are walked only when asked (`with commentary`), and the
//! notes count exactly what leaving them out left out.

use std::collections::BTreeSet;

use kgq::data::{self, DataFiles};
use kgq::graph::KnowledgeGraph;
use kgq::query::{self, Settings, Value};
use proptest::prelude::*;

/// A relation of a random graph: its ends and its kind.
type Edge = (usize, usize, Rel);

/// The relation kinds of the random graphs: `links` (directed), `pairs` (undirected), and
/// `reports`, a directed kind the schema marks as commentary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    Links,
    Pairs,
    Reports,
}

impl Rel {
    fn name(self) -> &'static str {
        match self {
            Rel::Links => "links",
            Rel::Pairs => "pairs",
            Rel::Reports => "reports",
        }
    }
}

/// A graph-data folder with `n` entities and the given relations.
fn graph(n: usize, edges: &[Edge]) -> KnowledgeGraph {
    let schema = "[[kind]]\nname = \"thing\"\n\n[[relation]]\nname = \"links\"\nfrom = [\"*\"]\nto = [\"*\"]\nreads = \"links\"\ninverse = \"is linked by\"\n\n[[relation]]\nname = \"pairs\"\nfrom = [\"*\"]\nto = [\"*\"]\ndirected = false\nreads = \"pairs with\"\ninverse = \"pairs with\"\n\n[[relation]]\nname = \"reports\"\nfrom = [\"*\"]\nto = [\"*\"]\nreads = \"reports on\"\ninverse = \"is reported on by\"\nrole = \"commentary\"\n";
    let ev = crate::support::EVIDENCE;
    let entities: String =
        (0..n).map(|i| format!("[[entity]]\nid = \"e{i}\"\nkind = \"thing\"\nname = \"E{i}\"\n{ev}\n")).collect();
    let relations: String = edges
        .iter()
        .map(|(a, b, rel)| format!("[[relation]]\nfrom = \"e{a}\"\nrel = \"{}\"\nto = \"e{b}\"\n{ev}\n", rel.name()))
        .collect();
    crate::support::toml_graph(schema, entities, relations)
}

/// Every simple route from `a` to `b` of at most `max` hops, by brute force: entities and,
/// per hop, the relation kind and the way it was walked (`-links->`, `<-links-`, `-pairs-`,
/// `-reports->`, `<-reports-`). Parallel relations (same ends and kind; for the undirected
/// kind, either way round) are one route, so routes are de-duplicated. Commentary
/// (`reports`) is walked only when `commentary` says so.
fn brute_routes(n: usize, edges: &[Edge], a: usize, b: usize, max: usize, commentary: bool) -> Vec<Vec<String>> {
    let edges: Vec<Edge> = edges.iter().copied().filter(|e| commentary || e.2 != Rel::Reports).collect();
    let edges = &edges[..];
    let mut out = Vec::new();
    let mut route = vec![format!("e{a}")];
    let mut visited = vec![a];
    #[allow(clippy::too_many_arguments)]
    fn walk(
        n: usize,
        edges: &[Edge],
        b: usize,
        max: usize,
        visited: &mut Vec<usize>,
        route: &mut Vec<String>,
        out: &mut Vec<Vec<String>>,
    ) {
        let at = *visited.last().unwrap();
        if at == b && visited.len() > 1 {
            out.push(route.clone());
            return;
        }
        if visited.len() > max {
            return;
        }
        for &(x, y, rel) in edges {
            // Connections are symmetric questions: relations are walked either way.
            for (from, to, forward) in [(x, y, true), (y, x, false)] {
                if from == at && to < n && !visited.contains(&to) {
                    visited.push(to);
                    route.extend([hop(rel.name(), forward), format!("e{to}")]);
                    walk(n, edges, b, max, visited, route, out);
                    route.truncate(route.len() - 2);
                    visited.pop();
                }
            }
        }
    }
    walk(n, edges, b, max, &mut visited, &mut route, &mut out);
    out.sort();
    out.dedup();
    out
}

/// How a route writes a hop: `-pairs-` (undirected), `-links->` / `<-links-` by the way a
/// directed relation was walked.
fn hop(rel: &str, forward: bool) -> String {
    match (rel, forward) {
        ("pairs", _) => "-pairs-".to_string(),
        (_, true) => format!("-{rel}->"),
        (_, false) => format!("<-{rel}-"),
    }
}

/// Every simple path from `a` to `b` of at most `max` hops, as entity sequences (routes
/// that differ only in their relations count once each).
fn brute_paths(n: usize, edges: &[Edge], a: usize, b: usize, max: usize, commentary: bool) -> Vec<Vec<usize>> {
    brute_routes(n, edges, a, b, max, commentary)
        .into_iter()
        .map(|r| r.iter().step_by(2).map(|e| e[1..].parse().expect("entity ids are e<N>")).collect())
        .collect()
}

fn edges_strategy() -> impl Strategy<Value = (usize, Vec<Edge>)> {
    let rel = prop_oneof![Just(Rel::Links), Just(Rel::Pairs), Just(Rel::Reports)];
    (3usize..8).prop_flat_map(move |n| (Just(n), proptest::collection::vec((0..n, 0..n, rel.clone()), 0..16)))
}

/// The inner entities of paths, as ids.
fn inner(paths: &[Vec<usize>]) -> BTreeSet<String> {
    paths.iter().flat_map(|p| p[1..p.len() - 1].iter().map(|i| format!("e{i}"))).collect()
}

/// The note on what leaving commentary out left out, if any: `left out: <what> through ...`.
fn left_out(notes: &[String]) -> Option<String> {
    let note = notes.iter().find(|n| n.starts_with("left out: "))?;
    Some(note["left out: ".len()..note.find(" through commentary").expect("the note names commentary")].to_string())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// A `paths` answer as routes, written as [`brute_routes`] writes them.
fn routes_of(kg: &KnowledgeGraph, rows: &kgq::query::Rows) -> Vec<Vec<String>> {
    let id = |x: kgq::graph::EntityRef| kg.entity(x).id().to_string();
    rows.rows
        .iter()
        .map(|r| match &r[1] {
            Value::Path(p) => {
                let mut route = vec![id(p.nodes[0])];
                for (h, &x) in p.hops.iter().zip(&p.nodes[1..]) {
                    route.extend([hop(kg.relation(h.edge).rel(), h.forward), id(x)]);
                }
                route
            }
            other => panic!("the second column holds paths, not {other:?}"),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn connect_ranks_exactly_the_inner_nodes_of_the_simple_paths((n, edges) in edges_strategy(), max in 1usize..5) {
        let edges: Vec<_> = edges.into_iter().filter(|(a, b, _)| a != b).collect();
        let kg = graph(n, &edges);
        let statement = format!("connect e0 and e1 max {max} limit 1000");
        let (rows, _) = query::run(&kg, &statement, &Settings::default()).expect("connect runs");
        let ranked: BTreeSet<String> = rows.rows.iter().map(|r| match &r[0] {
            Value::Entity(e) => kg.entity(*e).id().to_string(),
            other => panic!("the first column holds entities, not {other:?}"),
        }).collect();
        let substantive = inner(&brute_paths(n, &edges, 0, 1, max, false));
        prop_assert_eq!(&ranked, &substantive);
        // The note counts routes, not relations.
        let routes = brute_routes(n, &edges, 0, 1, max, false).len();
        let notes = rows.notes.join(" ");
        let says = if routes == 0 { "no path".to_string() } else { format!(" on {routes} connecting path") };
        prop_assert!(notes.contains(&says), "{} routes, notes: {}", routes, notes);
        // What commentary would add: the entities only its paths reach, and its paths.
        let all = brute_paths(n, &edges, 0, 1, max, true);
        let extra_routes = brute_routes(n, &edges, 0, 1, max, true).len() - routes;
        let extra_entities = inner(&all).difference(&substantive).count();
        let want = (extra_routes > 0).then(|| format!("{} and {}", plural(extra_entities, "entity", "entities"), plural(extra_routes, "connecting path", "connecting paths")));
        prop_assert_eq!(left_out(&rows.notes), want, "notes: {}", notes);
        // With commentary, connect ranks the inner entities of every path.
        let (wide, _) = query::run(&kg, &format!("connect e0 and e1 max {max} limit 1000 with commentary"), &Settings::default()).expect("connect runs");
        let ranked: BTreeSet<String> = wide.rows.iter().map(|r| match &r[0] {
            Value::Entity(e) => kg.entity(*e).id().to_string(),
            other => panic!("the first column holds entities, not {other:?}"),
        }).collect();
        prop_assert_eq!(ranked, inner(&all));
        prop_assert_eq!(left_out(&wide.notes), None);
    }

    #[test]
    fn count_by_counts_exactly_what_brute_force_counts((n, edges) in edges_strategy()) {
        let kg = graph(n, &edges);
        let (rows, _) = query::run(&kg, "count relations by from", &Settings::default()).expect("count runs");
        let mut got: Vec<(String, i64)> = rows.rows.iter().map(|r| match (&r[0], &r[1]) {
            (Value::Entity(e), Value::Int(c)) => (kg.entity(*e).id().to_string(), *c),
            other => panic!("an entity and a count, not {other:?}"),
        }).collect();
        got.sort();
        let mut want: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
        for (a, _, _) in &edges {
            *want.entry(format!("e{a}")).or_default() += 1;
        }
        prop_assert_eq!(got, want.into_iter().collect::<Vec<_>>());
        let (total, _) = query::run(&kg, "count relations", &Settings::default()).expect("count runs");
        prop_assert_eq!(&total.rows[0][0], &Value::Int(edges.len() as i64));
    }

    #[test]
    fn paths_lists_exactly_the_simple_paths((n, edges) in edges_strategy(), max in 1usize..5) {
        let edges: Vec<_> = edges.into_iter().filter(|(a, b, _)| a != b).collect();
        let kg = graph(n, &edges);
        for (options, commentary) in [("", false), (" with commentary", true), (" via links, pairs, reports", true)] {
            let statement = format!("paths e0 to e1 max {max} limit 100000{options}");
            let (rows, _) = query::run(&kg, &statement, &Settings::default()).expect("paths runs");
            let mut got = routes_of(&kg, &rows);
            let lengths: Vec<usize> = got.iter().map(Vec::len).collect();
            prop_assert!(lengths.windows(2).all(|w| w[0] <= w[1]), "shortest first");
            got.sort();
            // A path is a route: parallel relations (same ends and kind) make one path, whose
            // hop stands for all of them; the same entities by other kinds or ways make others.
            let want = brute_routes(n, &edges, 0, 1, max, commentary);
            prop_assert_eq!(&got, &want, "{}", statement);
            // Leaving commentary out says how many routes that left out, exactly.
            let extra = brute_routes(n, &edges, 0, 1, max, true).len() - want.len();
            let note = (!commentary && extra > 0).then(|| plural(extra, "path", "paths"));
            // ("3 paths of 2 hops, shorter than those shown," when they are.)
            let said = left_out(&rows.notes).map(|w| w.split(" of ").next().unwrap_or_default().to_string());
            prop_assert_eq!(said, note, "{}", statement);
        }
    }
}

#[test]
fn an_ambiguous_name_lists_its_candidates_with_their_kinds() {
    let schema = "[[kind]]\nname = \"person\"\n\n[[kind]]\nname = \"company\"\n";
    let ev = "evidence = [{ source = \"s\", line = 1, quote = \"x\" }]\n";
    let entities = format!(
        "[[entity]]\nid = \"kim-a\"\nkind = \"person\"\nname = \"Kim Chol\"\n{ev}\n[[entity]]\nid = \"kim-b\"\nkind = \"company\"\nname = \"Kim Chol\"\n{ev}"
    );
    let files = vec![
        ("schema.toml".to_string(), schema.to_string()),
        ("sources.toml".to_string(), "[[source]]\nid = \"s\"\ntitle = \"S\"\nfile = \"s.txt\"\n".to_string()),
        ("entities/e.toml".to_string(), entities),
    ];
    let loaded = data::load(&DataFiles::from_files("ambiguous", files));
    let kg = KnowledgeGraph::build(loaded.dataset.expect("shared names are only a warning"));
    let Err(query::Failure::Query(err)) = query::run(&kg, "show \"kim chol\"", &Settings::default()) else {
        panic!("an ambiguous name must be an error");
    };
    assert_eq!(err.message, "\"kim chol\" names 2 entities");
    assert_eq!(
        err.help.as_deref(),
        Some("say which one by id or full name: \"Kim Chol\" (person, id kim-a), \"Kim Chol\" (company, id kim-b)")
    );
    assert_eq!(err.span, 5..15, "the caret is under the name");
    assert!(query::run(&kg, "show kim-b", &Settings::default()).is_ok(), "the id picks one");
    // A name compared in a condition resolves the same way, with the caret on the name.
    let Err(query::Failure::Query(err)) = query::run(&kg, "find * where name = \"kim chol\"", &Settings::default())
    else {
        panic!("an ambiguous name in a condition must be an error");
    };
    assert_eq!(err.message, "\"kim chol\" names 2 entities");
    assert_eq!(err.span, 20..30);
}

/// A random entity for `search`: words of its name, of its one alias (if any), of its note.
type Labelled = (Vec<&'static str>, Option<Vec<&'static str>>, Option<Vec<&'static str>>);

const VOCABULARY: &[&str] = &["alpha", "alps", "Beta", "gamma", "in", "the", "Gam-ma"];

fn labelled_strategy() -> impl Strategy<Value = Vec<Labelled>> {
    let words = || proptest::collection::vec(proptest::sample::select(VOCABULARY), 1..4);
    proptest::collection::vec((words(), proptest::option::of(words()), proptest::option::of(words())), 1..10)
}

/// The `search` score by brute force, as the README defines it: each word of the text but
/// the common ones counts 3 when it begins a word of the name, else 2 of an alias, else 1
/// of the note; ranked by words held, then score, then name.
fn brute_search(entities: &[Labelled], text: &[&str]) -> Vec<(String, i64, i64)> {
    let common = ["in", "the"];
    let mut words: Vec<String> = Vec::new();
    for w in text.iter().flat_map(|t| t.split('-')).map(|w| w.to_lowercase()) {
        if !common.contains(&w.as_str()) && !words.contains(&w) {
            words.push(w);
        }
    }
    let begins =
        |label: &[&str], w: &str| label.iter().flat_map(|l| l.split('-')).any(|x| x.to_lowercase().starts_with(w));
    let mut out: Vec<(String, i64, i64, String)> = Vec::new();
    for (i, (name, alias, note)) in entities.iter().enumerate() {
        let (mut held, mut score) = (0, 0);
        for w in &words {
            let points = if begins(name, w) {
                3
            } else if alias.as_ref().is_some_and(|a| begins(a, w)) {
                2
            } else if note.as_ref().is_some_and(|n| begins(n, w)) {
                1
            } else {
                0
            };
            held += i64::from(points > 0);
            score += points;
        }
        if held > 0 {
            out.push((format!("e{i}"), held, score, format!("{} n{i}", name.join(" ")).to_lowercase()));
        }
    }
    out.sort_by(|a, b| (b.1, b.2).cmp(&(a.1, a.2)).then_with(|| a.3.cmp(&b.3)).then_with(|| a.0.cmp(&b.0)));
    out.into_iter().map(|(id, held, score, _)| (id, held, score)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn search_ranks_exactly_by_the_documented_score(
        entities in labelled_strategy(),
        text in proptest::collection::vec(proptest::sample::select(&["alp", "alpha", "beta", "GAM", "ma", "in", "zeta"][..]), 1..4),
    ) {
        let schema = "[[kind]]\nname = \"thing\"\n";
        let ev = crate::support::EVIDENCE;
        let records: String = entities.iter().enumerate().map(|(i, (name, alias, note))| {
            // Names and aliases get the entity's number, so none is claimed twice.
            let alias = alias.as_ref().map(|a| format!("aliases = [\"{} a{i}\"]\n", a.join(" "))).unwrap_or_default();
            let note = note.as_ref().map(|n| format!("note = \"{}\"\n", n.join(" "))).unwrap_or_default();
            format!("[[entity]]\nid = \"e{i}\"\nkind = \"thing\"\nname = \"{} n{i}\"\n{alias}{note}{ev}\n", name.join(" "))
        }).collect();
        let kg = crate::support::toml_graph(schema, records, String::new());
        let statement = format!("search \"{}\" limit 1000", text.join(" "));
        let want = brute_search(&entities, &text);
        match query::run(&kg, &statement, &Settings::default()) {
            Ok((rows, _)) => {
                let got: Vec<(String, i64, i64)> = rows.rows.iter().map(|r| match (&r[0], &r[2], &r[3]) {
                    (Value::Entity(e), Value::Int(held), Value::Int(score)) => (kg.entity(*e).id().to_string(), *held, *score),
                    other => panic!("entity, words, score; not {other:?}"),
                }).collect();
                prop_assert_eq!(&got, &want, "{}", statement);
                prop_assert_eq!(rows.notes.iter().any(|n| n.starts_with("no entity")), want.is_empty());
            }
            Err(_) => prop_assert!(text.iter().all(|w| ["in"].contains(w)), "only common words are refused: {}", statement),
        }
    }
}
