//! Fuzz target: a whole graph-data folder written in the form of `tests/check/*.case`:
//! each `=== PATH` line starts a file that replaces or adds PATH in the base fixture, and
//! `=== -PATH` removes one. So the seeds are the broken-data cases themselves.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut files = common::files(common::BASE);
    let mut current: Option<(String, String)> = None;
    let mut sections = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("=== ") {
            sections.extend(current.take());
            current = Some((path.trim().to_string(), String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
        }
    }
    sections.extend(current);
    for (path, text) in sections {
        match path.strip_prefix('-') {
            Some(gone) => files.retain(|(p, _)| p != gone),
            None => files = common::with(files, &path, &text),
        }
    }
    common::exercise(files);
});
