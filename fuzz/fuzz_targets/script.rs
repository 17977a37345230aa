//! Fuzz target: a `.kgq` script is parsed (statements, `expect` forms, `----` blocks);
//! when it parses, every block is given arbitrary rows by `--update`'s writer, and the
//! result must parse again into the same statements with exactly those rows, and a
//! second update with the same rows must change nothing. Rows read from the blocks as
//! written must also write back unchanged. Any panic, or any difference, is a finding.
//!
//! Input: the script's text, then a NUL byte, then the rows: blocks separated by U+001D,
//! rows by U+001E, cells by U+001F (an empty block has no rows).
#![no_main]

use kgq::diag::FileId;
use kgq::scripts::{self, Assertion};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (script, rows) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(text) = std::str::from_utf8(script) else { return };
    let Ok(records) = scripts::parse(FileId(0), text) else { return };
    // Rows as read from any block must write back as rows that read the same, or a block
    // written by hand would compare differently after an update.
    for record in &records {
        if let Some(Assertion::Rows(rows)) = &record.assertion {
            for row in rows {
                assert_eq!(&scripts::rows::decode(&scripts::rows::encode(row)), row, "{text:?}");
            }
        }
    }
    let rows = String::from_utf8_lossy(rows);
    let blocks: Vec<Vec<Vec<String>>> = rows
        .split('\u{1d}')
        .map(|block| match block {
            "" => Vec::new(),
            block => block.split('\u{1e}').map(|row| row.split('\u{1f}').map(str::to_string).collect()).collect(),
        })
        .collect();
    let updates: Vec<_> = records
        .iter()
        .filter_map(|r| r.block.clone())
        .zip(blocks.iter().cycle())
        .map(|(range, rows)| (range, rows.clone()))
        .collect();
    let updated = scripts::update_blocks(text, &updates);
    let again = match scripts::parse(FileId(0), &updated) {
        Ok(again) => again,
        Err(diags) => panic!("the updated script does not parse: {diags:?}\n{updated:?}"),
    };
    assert_eq!(again.len(), records.len(), "{updated:?}");
    let mut given = updates.iter().map(|(_, rows)| rows);
    for (before, after) in records.iter().zip(&again) {
        assert_eq!(before.statement, after.statement, "{updated:?}");
        if before.block.is_some() {
            let rows = given.next().expect("one update per block");
            assert_eq!(after.assertion.as_ref(), Some(&Assertion::Rows(rows.clone())), "{updated:?}");
        }
    }
    let updates_again: Vec<_> =
        again.iter().filter_map(|r| r.block.clone()).zip(updates.iter().map(|(_, rows)| rows.clone())).collect();
    assert_eq!(scripts::update_blocks(&updated, &updates_again), updated, "a second update changes the script");
});
