//! `coverage.toml`: the source lines a builder deliberately leaves unused (a photo caption,
//! a passage out of scope), each range with a one-line reason. `kgq coverage` counts waived
//! lines as covered and lists them apart; `kgq check` checks the file with the rest.
//!
//! ```toml
//! [[waiver]]
//! source = "002"
//! lines  = "12-14"      # or one line: 12
//! reason = "photo caption"
//! ```

use serde::Deserialize;

use crate::data::parse::{self, Fields};
use crate::data::{DataFiles, Dataset};
use crate::diag::{Diagnostic, Location};

/// Lines of one source left unused on purpose.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub source: String,
    /// First and last line, 1-based, inclusive.
    pub first: u32,
    pub last: u32,
    pub reason: String,
    pub origin: Location,
}

impl Waiver {
    pub fn covers(&self, source: &str, line: u32) -> bool {
        self.source == source && (self.first..=self.last).contains(&line)
    }

    /// `12` or `12-14`, as written in the file.
    pub fn range(&self) -> String {
        if self.first == self.last { self.first.to_string() } else { format!("{}-{}", self.first, self.last) }
    }
}

#[derive(Deserialize)]
struct Raw {
    source: String,
    lines: Lines,
    reason: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Lines {
    One(i64),
    Range(String),
}

const FIELDS: Fields = Fields { names: &["source", "lines", "reason"], evidence: false };

/// The waivers of `files` (none when it has no coverage.toml), with every problem found:
/// syntax, unknown fields, unknown sources, malformed or empty ranges, empty reasons. When
/// `sources_known` is false (sources.toml has errors of its own), a waiver's source is not
/// judged: it may be one the broken file meant to declare.
pub fn read(files: &DataFiles, data: &Dataset, sources_known: bool) -> (Vec<Waiver>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let Some(id) = files.coverage else { return (Vec::new(), diags) };
    let text = &files.map.get(id).text;
    let mut out = Vec::new();
    for record in parse::records::<Raw>(id, text, "waiver", &FIELDS, &mut diags).records {
        let (raw, at) = (record.value, record.location);
        let known = || data.sources.iter().map(|s| s.id.as_str());
        if sources_known && !known().any(|s| s == raw.source) {
            let help = crate::suggest::help_for_unknown(&raw.source, known(), "sources");
            diags.push(Diagnostic::error(format!("unknown source `{}`", raw.source)).at(at.clone(), "here").help(help));
            continue;
        }
        let Some((first, last)) = range(&raw.lines) else {
            diags.push(
                Diagnostic::error("`lines` must be a line number or a range such as \"12-14\"")
                    .at(at, "in this waiver")
                    .help("line numbers start at 1, and a range's first line is not after its last"),
            );
            continue;
        };
        if raw.reason.trim().is_empty() {
            diags.push(
                Diagnostic::error("a waiver needs a `reason`")
                    .at(at, "in this waiver")
                    .help("say in a few words why these lines are left unused, e.g. \"photo caption\""),
            );
            continue;
        }
        out.push(Waiver { source: raw.source, first, last, reason: raw.reason, origin: at });
    }
    (out, diags)
}

/// Waivers that run past the end of their document: `lines_of` gives a source's line count
/// (None when its document was not read, which is reported elsewhere).
pub fn past_end(waivers: &[Waiver], lines_of: impl Fn(&str) -> Option<usize>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for w in waivers {
        let Some(lines) = lines_of(&w.source) else { continue };
        if w.last as usize > lines {
            diags.push(
                Diagnostic::error(format!(
                    "source {} has {lines} lines; this waiver ends at line {}",
                    w.source, w.last
                ))
                .at(w.origin.clone(), "past the end of the document")
                .help("correct `lines`; line numbers are those of the document in the --sources folder"),
            );
        }
    }
    diags
}

fn range(lines: &Lines) -> Option<(u32, u32)> {
    let number = |s: &str| s.trim().parse::<u32>().ok().filter(|&n| n >= 1);
    let (first, last) = match lines {
        Lines::One(n) => {
            let n = u32::try_from(*n).ok().filter(|&n| n >= 1)?;
            (n, n)
        }
        Lines::Range(text) => match text.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(text)?, number(text)?),
        },
    };
    (first <= last).then_some((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(range(&Lines::One(7)), Some((7, 7)));
        assert_eq!(range(&Lines::Range("12-14".into())), Some((12, 14)));
        assert_eq!(range(&Lines::Range(" 3 ".into())), Some((3, 3)));
        assert_eq!(range(&Lines::Range("14-12".into())), None);
        assert_eq!(range(&Lines::Range("0-2".into())), None);
        assert_eq!(range(&Lines::One(-1)), None);
        assert_eq!(range(&Lines::Range("a-b".into())), None);
    }
}
