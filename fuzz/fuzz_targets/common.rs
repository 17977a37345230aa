//! What the data fuzz targets share: the valid fixtures they put fuzz input beside, and
//! the work every loaded folder goes through. Any panic, abort, hang past libFuzzer's
//! `-timeout` or allocation past its `-rss_limit_mb` is a finding.
#![allow(dead_code)]

use kgq::data::{self, DataFiles, snapshot};
use kgq::diag::{self, Style};
use kgq::graph::KnowledgeGraph;

macro_rules! fixture {
    ($($path:literal),*) => {
        &[$(($path, include_str!(concat!("../../tests/fixtures/", $path)))),*]
    };
}

/// The valid curated fixture: schema, sources, TOML entities and relations.
pub const BASE: &[(&str, &str)] =
    fixture!("base/schema.toml", "base/sources.toml", "base/entities/all.toml", "base/relations/all.toml");

/// The valid bulk fixture: no schema, CSV and JSON Lines.
pub const BULK: &[(&str, &str)] =
    fixture!("bulk/entities/companies.csv", "bulk/entities/people.jsonl", "bulk/relations/edges.csv");

/// A fixture's files, by path inside it.
pub fn files(fixture: &[(&str, &str)]) -> Vec<(String, String)> {
    fixture
        .iter()
        .map(|(path, text)| (path.split_once('/').expect("fixture/path").1.to_string(), text.to_string()))
        .collect()
}

/// `files` with `path` replaced by (or added as) `text`.
pub fn with(mut files: Vec<(String, String)>, path: &str, text: &str) -> Vec<(String, String)> {
    files.retain(|(p, _)| p != path);
    files.push((path.to_string(), text.to_string()));
    files
}

/// Loads a folder, renders its diagnostics (every span must lie in its file), and, when it
/// loads, round-trips it through a snapshot, builds the graph and reads everything back:
/// each entity must resolve by its id to itself.
pub fn exercise(files: Vec<(String, String)>) {
    let files = DataFiles::from_files("fuzz", files);
    let loaded = data::load(&files);
    let _ = diag::render(&loaded.diagnostics, &files.map, Style::Plain);
    let Some(dataset) = loaded.dataset else { return };
    let (_, waivers) = kgq::builder::waivers::read(&files, &dataset, true);
    let _ = diag::render(&waivers, &files.map, Style::Plain);
    let bytes = snapshot::encode(&dataset);
    let back = snapshot::decode(&bytes).expect("the snapshot of a loaded dataset decodes");
    read_back(&KnowledgeGraph::build(back), true);
}

/// Reads every entity and relation of a graph, resolves names, asks for suggestions and
/// counts. With `exact`, each entity must resolve by its id to itself.
pub fn read_back(kg: &KnowledgeGraph, exact: bool) {
    for (node, e) in kg.entities().take(200) {
        let _ = (e.name(), e.kind(), e.aliases(), e.country(), e.attrs(), e.evidence(), e.note());
        let found = kg.resolve(e.id());
        if exact {
            assert_eq!(found.ok(), Some(node), "entity `{}` resolves to itself", e.id());
        }
        let _ = kg.resolve(e.name());
        let _ = kg.nearest(&format!("{}x", e.name()), 3);
    }
    for (_, r) in kg.relations().take(200) {
        let _ = (r.from(), r.rel(), r.to(), r.status(), r.evidence());
    }
    let _ = kg.stats();
    let _ = kgq::render::json::graph(kg);
}
