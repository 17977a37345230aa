//! Properties of whole statements on random graphs, against brute force: `connect` ranks
//! exactly the inner entities of the simple paths between its ends, and `paths` lists
//! exactly those paths, as routes (parallel relations count once).

use std::collections::BTreeSet;

use kgq::data::{self, DataFiles};
use kgq::graph::KnowledgeGraph;
use kgq::query::{self, Settings, Value};
use proptest::prelude::*;

/// A graph-data folder with `n` entities and the given relations (either kind, some undirected).
fn graph(n: usize, edges: &[(usize, usize, bool)]) -> KnowledgeGraph {
    let schema = "[[kind]]\nname = \"thing\"\n\n[[relation]]\nname = \"links\"\nfrom = [\"*\"]\nto = [\"*\"]\nreads = \"links\"\ninverse = \"is linked by\"\n\n[[relation]]\nname = \"pairs\"\nfrom = [\"*\"]\nto = [\"*\"]\ndirected = false\nreads = \"pairs with\"\ninverse = \"pairs with\"\n";
    let ev = crate::support::EVIDENCE;
    let entities: String =
        (0..n).map(|i| format!("[[entity]]\nid = \"e{i}\"\nkind = \"thing\"\nname = \"E{i}\"\n{ev}\n")).collect();
    let relations: String = edges
        .iter()
        .map(|(a, b, undirected)| {
            format!(
                "[[relation]]\nfrom = \"e{a}\"\nrel = \"{}\"\nto = \"e{b}\"\n{ev}\n",
                if *undirected { "pairs" } else { "links" }
            )
        })
        .collect();
    crate::support::toml_graph(schema, entities, relations)
}

/// Every simple route from `a` to `b` of at most `max` hops, by brute force: entities and,
/// per hop, the relation kind and the way it was walked (`-links->`, `<-links-`, `-pairs-`).
/// Parallel relations (same ends and kind; for the undirected kind, either way round) are
/// one route, so routes are de-duplicated.
fn brute_routes(n: usize, edges: &[(usize, usize, bool)], a: usize, b: usize, max: usize) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut route = vec![format!("e{a}")];
    let mut visited = vec![a];
    #[allow(clippy::too_many_arguments)]
    fn walk(
        n: usize,
        edges: &[(usize, usize, bool)],
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
        for &(x, y, undirected) in edges {
            // Connections are symmetric questions: relations are walked either way.
            for (from, to, forward) in [(x, y, true), (y, x, false)] {
                if from == at && to < n && !visited.contains(&to) {
                    let hop = match (undirected, forward) {
                        (true, _) => "-pairs-",
                        (false, true) => "-links->",
                        (false, false) => "<-links-",
                    };
                    visited.push(to);
                    route.extend([hop.to_string(), format!("e{to}")]);
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

/// Every simple path from `a` to `b` of at most `max` hops, as entity sequences (routes
/// that differ only in their relations count once each).
fn brute_paths(n: usize, edges: &[(usize, usize, bool)], a: usize, b: usize, max: usize) -> Vec<Vec<usize>> {
    brute_routes(n, edges, a, b, max)
        .into_iter()
        .map(|r| r.iter().step_by(2).map(|e| e[1..].parse().expect("entity ids are e<N>")).collect())
        .collect()
}

fn edges_strategy() -> impl Strategy<Value = (usize, Vec<(usize, usize, bool)>)> {
    (3usize..8).prop_flat_map(|n| (Just(n), proptest::collection::vec((0..n, 0..n, any::<bool>()), 0..16)))
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
        let paths = brute_paths(n, &edges, 0, 1, max);
        let inner: BTreeSet<String> = paths.iter().flat_map(|p| p[1..p.len() - 1].iter().map(|i| format!("e{i}"))).collect();
        prop_assert_eq!(ranked, inner);
        // The note counts routes, not relations.
        let routes = brute_routes(n, &edges, 0, 1, max).len();
        let notes = rows.notes.join(" ");
        let says = if routes == 0 { "no path".to_string() } else { format!(" on {routes} connecting path") };
        prop_assert!(notes.contains(&says), "{} routes, notes: {}", routes, notes);
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
        let (rows, _) = query::run(&kg, &format!("paths e0 to e1 max {max} limit 100000"), &Settings::default()).expect("paths runs");
        let id = |x: kgq::graph::EntityRef| kg.entity(x).id().to_string();
        let mut got: Vec<Vec<String>> = rows.rows.iter().map(|r| match &r[1] {
            Value::Path(p) => {
                let mut route = vec![id(p.nodes[0])];
                for (h, &x) in p.hops.iter().zip(&p.nodes[1..]) {
                    let rel = kg.relation(h.edge).rel();
                    let hop = match (rel, h.forward) {
                        ("pairs", _) => "-pairs-",
                        (_, true) => "-links->",
                        (_, false) => "<-links-",
                    };
                    route.extend([hop.to_string(), id(x)]);
                }
                route
            }
            other => panic!("the second column holds paths, not {other:?}"),
        }).collect();
        let lengths: Vec<usize> = got.iter().map(Vec::len).collect();
        prop_assert!(lengths.windows(2).all(|w| w[0] <= w[1]), "shortest first");
        got.sort();
        // A path is a route: parallel relations (same ends and kind) make one path, whose
        // hop stands for all of them; the same entities by other kinds or ways make others.
        let want = brute_routes(n, &edges, 0, 1, max);
        prop_assert_eq!(got, want);
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
