//! Output formats. Rendering never decides what is in a result: it writes what it is given.
//!
//! `json` writes the whole graph in the documented export schema; `stats` writes the
//! counts of `kgq stats` as aligned text.

pub mod json;
pub mod stats;
