//! Fuzz target: the name finder and `kgq mentions`. Input: names, one per line, then a NUL
//! byte, then a document. Every name found must be a slice of its line on character
//! boundaries; `mentions` on the base fixture must give quotes that are verbatim parts of
//! their lines within the word limit, and a TOML skeleton that parses. Any panic is a finding.
#![no_main]

#[path = "common.rs"]
mod common;

use kgq::builder::mentions;
use kgq::builder::names::NameFinder;
use kgq::data::{self, DataFiles};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (names, document) = text.split_once('\0').unwrap_or(("", text));
    let finder = NameFinder::new(names.lines().enumerate().map(|(i, n)| (i as u32, n)));
    for line in document.lines() {
        for m in finder.find(line) {
            assert!(m.start < m.end && line.get(m.start..m.end).is_some(), "{line:?} {m:?}");
        }
    }
    let files = DataFiles::from_files("fuzz", common::files(common::BASE));
    let dataset = data::load(&files).dataset.expect("the base fixture loads");
    let found = mentions::find(&dataset, document);
    let lines: Vec<&str> = document.lines().collect();
    for pair in &found.pairs {
        let line = lines[pair.line as usize - 1];
        assert!(mentions::verified(line, &pair.quote), "{line:?} {:?}", pair.quote);
    }
    let _ = found.text();
    let skeleton = found.toml("fuzz\"\n");
    skeleton.parse::<toml::Table>().unwrap_or_else(|err| panic!("{err}\n{skeleton}"));
});
