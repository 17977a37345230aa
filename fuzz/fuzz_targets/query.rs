//! Fuzz target: one statement, parsed, planned, evaluated under small budgets on the
//! built-in graph, and rendered in every format. Any panic, abort, hang past the budget or
//! allocation past libFuzzer's `-rss_limit_mb` is a finding.
#![no_main]

use std::sync::LazyLock;
use std::time::Duration;

use kgq::graph::KnowledgeGraph;
use kgq::query::{self, Settings, ast::Format};
use libfuzzer_sys::fuzz_target;

static BUILTIN: LazyLock<KnowledgeGraph> = LazyLock::new(|| KnowledgeGraph::build(kgq::builtin::dataset()));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let kg = &*BUILTIN;
    let settings = Settings { timeout: Duration::from_millis(200), ..Settings::default() };
    if let Ok((rows, _)) = query::run(kg, text, &settings) {
        for format in [Format::Table, Format::Json, Format::Csv, Format::Dot] {
            let _ = kgq::render::rows(kg, &rows, format, Some(80));
        }
    }
});
