//! Fuzz target: an FtM entity stream made of fuzz input. With the first byte's bit 0 set,
//! the text before the first NUL is the `ftm-mapping.toml` beside it. A stream that loads
//! is merged after the curated base fixture (the merge may refuse it, with a message), and
//! the merged graph goes through a snapshot and is read back.
#![no_main]

#[path = "common.rs"]
mod common;

use kgq::data::{self, DataFiles, ftm, merge, snapshot};
use kgq::diag::{self, Style};
use kgq::graph::KnowledgeGraph;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let (mapping, stream) = match text.split_once('\0') {
        Some((mapping, stream)) if which & 1 == 1 => (Some(("ftm-mapping.toml".to_string(), mapping.to_string())), stream),
        _ => (None, text),
    };
    let files = ftm::stream_files("fuzz.ftm.json".into(), stream.to_string(), mapping);
    let loaded = data::load(&files);
    let _ = diag::render(&loaded.diagnostics, &files.map, Style::Plain);
    let Some(dataset) = loaded.dataset else { return };
    let base = DataFiles::from_files("base", common::files(common::BASE));
    let base = data::load(&base).dataset.expect("the base fixture loads");
    let Ok(merged) = merge::merge(vec![("base".into(), base), ("fuzz".into(), dataset)]) else { return };
    let _ = merge::likely_duplicates(&merged);
    let back = snapshot::decode(&snapshot::encode(&merged)).expect("the snapshot of a merged dataset decodes");
    // Imported ids are any text (white space included), so an id need not resolve to itself.
    common::read_back(&KnowledgeGraph::build(back), false);
});
