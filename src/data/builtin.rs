//! The shipped graph, compiled into the binary as its files (embedded by build.rs), and
//! loaded from them, with the same checks as any folder, when no `--data` is given.
//! Loading them takes about as long as starting does (see ARCHITECTURE.md, "Decisions").

use super::{DataFiles, Dataset};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));
}

/// The shipped graph-data folder's files.
pub fn files() -> DataFiles {
    let files = generated::FILES.iter().map(|(path, text)| (path.to_string(), text.to_string()));
    DataFiles::from_files("graph-data", files)
}

/// The shipped graph, loaded from its files.
pub fn dataset() -> Dataset {
    super::load(&files()).dataset.expect("the shipped graph loads (tests/shipped.rs proves it)")
}
