//! Fuzz target: a .csv bulk file made of fuzz input. The first byte picks where it goes:
//! bit 0 set, relations/ (else entities/); bit 1 set, beside the bulk fixture, whose
//! vocabulary is inferred (else beside the curated base fixture and its schema).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let path = if which & 1 == 0 { "entities/fuzz.csv" } else { "relations/fuzz.csv" };
    let fixture = if which & 2 == 0 { common::BASE } else { common::BULK };
    common::exercise(common::with(common::files(fixture), path, text));
});
