//! Quality gates on the shipped graph-data.

use std::collections::HashSet;

use kgq::data::{self, DataFiles};
use kgq::diag::{self, Style};
use kgq::graph::KnowledgeGraph;

use crate::support::{SHIPPED_COUNTRIES, SHIPPED_ENTITIES, SHIPPED_RELATIONS, kgq, root, shared_sources, stdout};

fn shipped() -> (DataFiles, data::Loaded) {
    let files = DataFiles::read_dir(&root().join("graph-data")).expect("graph-data is readable");
    let loaded = data::load(&files);
    (files, loaded)
}

#[test]
fn shipped_data_has_no_problems_at_all() {
    let (files, loaded) = shipped();
    let report = diag::render(&loaded.diagnostics, &files.map, Style::Plain);
    assert!(loaded.diagnostics.is_empty(), "{report}");
}

#[test]
fn the_shipped_graph_has_the_size_the_tests_expect() {
    let dataset = shipped().1.dataset.expect("shipped data loads");
    let countries = dataset.all_entities().filter(|e| e.kind() == "country").count();
    assert_eq!(
        (dataset.entities.len(), dataset.relations.len(), countries),
        (SHIPPED_ENTITIES, SHIPPED_RELATIONS, SHIPPED_COUNTRIES),
        "graph-data changed size: update the SHIPPED_* constants in tests/support.rs"
    );
}

#[test]
fn every_shipped_locator_points_at_its_quote() {
    let Some(sources) = shared_sources("every evidence locator of the shipped graph") else {
        return;
    };
    let (files, loaded) = shipped();
    let dataset = loaded.dataset.expect("shipped data loads");
    let diags = data::verify_sources(&dataset, &sources);
    assert!(diags.is_empty(), "{}", diag::render(&diags, &files.map, Style::Plain));
    let out = kgq(&["check", "--sources", sources.to_str().unwrap(), "--deny-warnings"], &root());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("evidence locators verified"));
}

#[test]
fn the_builtin_graph_is_the_shipped_folder() {
    let (_, loaded) = shipped();
    let on_disk = loaded.dataset.expect("shipped data loads");
    // The embedded snapshot and the embedded files both hold what the folder holds.
    for builtin in [kgq::builtin::dataset(), data::load(&kgq::builtin::files()).dataset.expect("built-in files load")] {
        let ids = |d: &data::Dataset| d.all_entities().map(|e| e.id().to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&builtin), ids(&on_disk));
        let rels = |d: &data::Dataset| {
            d.all_relations()
                .map(|r| (r.from().to_string(), r.rel().to_string(), r.to().to_string(), r.evidence().len()))
                .collect::<Vec<_>>()
        };
        assert_eq!(rels(&builtin), rels(&on_disk));
    }
}

#[test]
fn every_entity_is_related_and_every_source_cited() {
    let (_, loaded) = shipped();
    let dataset = loaded.dataset.expect("shipped data loads");
    let linked: HashSet<&str> = dataset.all_relations().flat_map(|r| [r.from(), r.to()]).collect();
    let isolated: Vec<&str> = dataset.all_entities().map(|e| e.id()).filter(|id| !linked.contains(id)).collect();
    assert!(isolated.is_empty(), "entities in no relation: {isolated:?}");
    let kg = KnowledgeGraph::build(dataset);
    for s in kg.stats().sources {
        assert!(s.entities > 0 && s.relations > 0, "source {} supports nothing", s.id);
    }
}
