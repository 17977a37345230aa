//! Fuzz target: snapshot decoding. The first byte picks the mode: 0, the rest is a file
//! read as a snapshot; otherwise the rest is patches (two bytes of offset, one byte to
//! XOR) applied to the payload of a valid snapshot of the base fixture, whose header is
//! then made to agree with it (length and checksum), so that the patched data reaches the
//! decoder and the checks after it. Whatever decodes must build a graph that reads back
//! without a panic.
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::LazyLock;

use kgq::data::{self, DataFiles, snapshot};
use kgq::graph::KnowledgeGraph;
use libfuzzer_sys::fuzz_target;

/// Header: magic 8, version 4, length 8, CRC-32 4.
const HEADER: usize = 24;

static VALID: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let files = DataFiles::from_files("fuzz", common::files(common::BASE));
    snapshot::encode(&data::load(&files).dataset.expect("the base fixture loads"))
});

fn check(bytes: &[u8]) {
    if let Ok(dataset) = snapshot::decode(bytes) {
        common::read_back(&KnowledgeGraph::build(dataset), false);
    }
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((0, raw)) => check(raw),
        Some((_, patches)) => {
            let mut snap = VALID.clone();
            let payload_len = snap.len() - HEADER;
            for p in patches.chunks_exact(3) {
                let at = usize::from(u16::from_le_bytes([p[0], p[1]])) % payload_len;
                snap[HEADER + at] ^= p[2];
            }
            let crc = crc32fast::hash(&snap[HEADER..]);
            snap[20..24].copy_from_slice(&crc.to_le_bytes());
            check(&snap);
        }
        None => {}
    }
});
