//! Fuzz target: one statement, parsed, planned, evaluated under small budgets on the
//! built-in graph and on a generated graph of 10^4 entities (hubs, parallel relations,
//! dated relations, an undirected kind), then rendered in every format. Any panic, abort,
//! hang past libFuzzer's `-timeout` or memory past `-rss_limit_mb` is a finding.
#![no_main]

use std::sync::LazyLock;
use std::time::Duration;

use kgq::data::{self, DataFiles};
use kgq::graph::KnowledgeGraph;
use kgq::query::{self, Settings};
use kgq::render::{Format, Subject};
use libfuzzer_sys::fuzz_target;

static BUILTIN: LazyLock<KnowledgeGraph> = LazyLock::new(|| KnowledgeGraph::build(kgq::builtin::dataset()));

static GENERATED: LazyLock<KnowledgeGraph> = LazyLock::new(|| {
    let schema = "[[kind]]\nname = \"thing\"\n\n[[kind]]\nname = \"place\"\n\n\
        [[relation]]\nname = \"links\"\nfrom = [\"*\"]\nto = [\"*\"]\nreads = \"links\"\ninverse = \"is linked by\"\n\n\
        [[relation]]\nname = \"in\"\nfrom = [\"thing\"]\nto = [\"place\"]\nreads = \"is in\"\ninverse = \"holds\"\n\n\
        [[relation]]\nname = \"pairs\"\nfrom = [\"*\"]\nto = [\"*\"]\ndirected = false\nreads = \"pairs with\"\ninverse = \"pairs with\"\n";
    let n: u64 = 10_000;
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |below: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % below
    };
    let kind = |i: u64| if i % 10 == 0 { "place" } else { "thing" };
    let mut entities = String::from("id,kind,name\n");
    for i in 0..n {
        entities.push_str(&format!("e{i},{},Entity {i}\n", kind(i)));
    }
    let mut relations = String::from("from,rel,to,since\n");
    for _ in 0..4 * n {
        // Half the relations touch one of a few hubs; some repeat (parallel relations).
        let a = if next(2) == 0 { next(20) } else { next(n) };
        let b = next(n);
        let (rel, b) = match next(3) {
            0 if kind(a) == "thing" => ("in", b - b % 10),
            1 => ("pairs", b),
            _ => ("links", b),
        };
        let since = if next(4) == 0 { format!("{}", 2000 + next(25)) } else { String::new() };
        let times = if next(20) == 0 { 3 } else { 1 };
        for _ in 0..times {
            relations.push_str(&format!("e{a},{rel},e{b},{since}\n"));
        }
    }
    let files = vec![
        ("schema.toml".to_string(), schema.to_string()),
        ("entities/e.csv".to_string(), entities),
        ("relations/r.csv".to_string(), relations),
    ];
    let loaded = data::load(&DataFiles::from_files("generated", files));
    KnowledgeGraph::build(loaded.dataset.expect("the generated graph is valid"))
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let settings = Settings { timeout: Duration::from_millis(100), ..Settings::default() };
    for kg in [&*BUILTIN, &*GENERATED] {
        if let Ok((rows, _)) = query::run(kg, text, &settings) {
            // Every format but the images, which only hand DOT to Graphviz (and the Neo4j
            // folder's files); text as a terminal of 80 columns shows it.
            let screen = kgq::render::Screen { width: Some(80), max_rows: Some(40), ..kgq::render::Screen::whole() };
            for format in [
                Format::Table,
                Format::Line,
                Format::Markdown,
                Format::Json,
                Format::Csv,
                Format::Dot,
                Format::GraphJson,
                Format::Graphml,
                Format::Ftm,
            ] {
                let _ = kgq::render::produce(kg, Subject::Answer(&rows), format, &Default::default(), &screen);
            }
            let _ = kgq::render::neo4j_files(kg, Subject::Answer(&rows));
        }
    }
});
