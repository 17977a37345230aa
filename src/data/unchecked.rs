//! What the loader could not check because the file that declares it has errors: when
//! sources.toml or schema.toml is broken (a misspelt table name, a syntax error, a
//! declaration that failed to decode) or missing, or an entity was not loaded (its file is
//! broken, or it has errors of its own), the names they would have declared are unknown.
//! Reporting every use of such a name as unknown would bury the one real error under
//! hundreds that are not the data's fault (a misspelt `[[sources]]` made every citation an
//! "unknown source", every entity refused and every relation to it dangling). Instead
//! each sort of unchecked reference is counted and said once, as a warning located at its
//! first use, naming the file to fix.

use rustc_hash::FxHashSet;

use super::DataFiles;
use crate::diag::{Diagnostic, Location, plural};

/// References of one sort that were not checked.
#[derive(Default)]
pub struct Tally {
    /// Every unchecked use.
    uses: usize,
    /// The names used, in order of first use (the first few are shown).
    names: Vec<String>,
    seen: FxHashSet<String>,
    first: Option<Location>,
}

/// Names shown in a warning; the rest are counted.
const SHOWN: usize = 6;

impl Tally {
    /// Counts a use of `name` at `at`.
    pub fn add(&mut self, name: &str, at: Location) {
        self.uses += 1;
        if self.seen.insert(name.to_string()) {
            self.names.push(name.to_string());
        }
        self.first.get_or_insert(at);
    }

    /// The warning for these uses (None when there are none): `message` words it from the
    /// number of uses, of names, and the first names quoted; `why` says which file to fix.
    pub fn warning(&self, message: impl Fn(usize, usize, &str) -> String, why: &str) -> Option<Diagnostic> {
        let first = self.first.clone()?;
        let mut names: Vec<String> = self.names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
        if self.names.len() > SHOWN {
            names.push(format!("{} more", self.names.len() - SHOWN));
        }
        let message = message(self.uses, self.names.len(), &names.join(", "));
        Some(Diagnostic::warning(message).at(first, "the first one").help(why))
    }
}

/// The references that could not be checked, by what they name.
#[derive(Default)]
pub struct Unchecked {
    pub sources: Tally,
    pub vocabulary: Tally,
    pub entities: Tally,
}

impl Unchecked {
    pub fn warnings(&self, files: &DataFiles) -> Vec<Diagnostic> {
        let sources = if files.sources.is_some() {
            "sources.toml has errors (above), so the sources it declares are not all known; they are checked, \
             and their quotes with --sources, once it is fixed"
        } else {
            "there is no sources.toml to declare them; they are checked once it exists"
        };
        let vocabulary = "schema.toml has errors (above), so the kinds and relations it declares are not all \
             known; what uses them is checked once it is fixed";
        let entities = "these entities were not loaded: they have errors of their own or are in a file with \
             errors (above); references to them are checked once those are fixed";
        let n = plural;
        [
            self.sources.warning(
                |uses, names, shown| {
                    format!(
                        "not checked: {} of {} sources.toml does not declare ({shown})",
                        n(uses, "citation"),
                        n(names, "source")
                    )
                },
                sources,
            ),
            self.vocabulary.warning(
                |uses, names, shown| {
                    format!(
                        "not checked: {} of {} schema.toml does not declare ({shown})",
                        n(uses, "use"),
                        n(names, "kind or relation name")
                    )
                },
                vocabulary,
            ),
            self.entities.warning(
                |uses, names, shown| {
                    format!(
                        "not checked: {} to {} not loaded ({shown})",
                        n(uses, "reference"),
                        if names == 1 { "1 entity".to_string() } else { format!("{names} entities") }
                    )
                },
                entities,
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}
