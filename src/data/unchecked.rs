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

use crate::diag::{Diagnostic, Location};

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
