//! The shipped graph, compiled into the binary: its files, for `kgq check`, and a snapshot
//! made from them at build time (by build.rs, with this crate's own loader), so that `kgq`
//! starts without parsing TOML.

use crate::data::snapshot;
use crate::data::{DataFiles, Dataset};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));
}

static SNAPSHOT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.snap"));

/// The shipped graph-data folder's files.
pub fn files() -> DataFiles {
    let files = generated::FILES.iter().map(|(path, text)| (path.to_string(), text.to_string()));
    DataFiles::from_files("graph-data", files)
}

/// The shipped graph, validated when the binary was built.
pub fn dataset() -> Dataset {
    match snapshot::decode(SNAPSHOT) {
        Ok(data) => data,
        // Built for another machine (a cross build to another pointer width): build.rs
        // hashed on the host, so the stored indexes do not fit; load the files instead.
        Err(snapshot::SnapshotError::OtherHashes) => {
            crate::data::load(&files()).dataset.expect("build.rs validated the shipped graph")
        }
        Err(err) => panic!("build.rs writes a valid snapshot of the shipped graph: {err}"),
    }
}
