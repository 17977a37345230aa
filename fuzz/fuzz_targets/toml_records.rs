//! Fuzz target: a TOML file of the valid base fixture replaced by fuzz input. The first
//! byte picks the file: `k` schema.toml, `s` sources.toml, `r` a relations file, anything
//! else an entities file.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let path = match which {
        b'k' => "schema.toml",
        b's' => "sources.toml",
        b'r' => "relations/fuzz.toml",
        _ => "entities/fuzz.toml",
    };
    common::exercise(common::with(common::files(common::BASE), path, text));
});
