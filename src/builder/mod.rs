//! Tools for the person who builds a graph from documents: [`coverage`] shows which lines
//! of the source documents name known entities and are not yet cited, and [`mentions`]
//! reads a new document for known names, candidate relations and candidate entities. Both
//! find names with one automaton over the graph's names and aliases ([`names`]).
//! [`waivers`] reads `coverage.toml`, the lines left unused on purpose.

pub mod coverage;
pub mod mentions;
pub mod names;
pub mod waivers;
