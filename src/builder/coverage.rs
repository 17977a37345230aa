//! `kgq coverage`: how much of each source document the graph has used. A line *mentions*
//! the graph when a known name or alias stands on it (see [`NameFinder`]); it is *covered*
//! when an evidence locator of an entity or a relation cites it, or a waiver in
//! `coverage.toml` leaves it out on purpose. What is left — lines that name known entities
//! and that nothing cites — is where a builder looks for facts not yet in the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::names::NameFinder;
use super::waivers::Waiver;
use crate::data::{Dataset, read_document};
use crate::diag::Diagnostic;

/// Coverage of every source document.
#[derive(Debug, Serialize)]
pub struct Coverage {
    pub documents: Vec<Document>,
    /// Over all documents: lines mentioning entities, of which covered, and the share.
    pub mentioning: usize,
    pub covered: usize,
    pub percent: f64,
}

/// One document's figures and the lines left to look at.
#[derive(Debug, Serialize)]
pub struct Document {
    pub source: String,
    pub title: String,
    pub lines: usize,
    /// Lines on which a known entity is named.
    pub mentioning: usize,
    /// Lines any locator cites (whether or not a name stands on them).
    pub cited: usize,
    /// Mentioning lines a waiver leaves out and no locator cites.
    pub waived: usize,
    /// Mentioning lines that are cited or waived, as a share of all mentioning lines
    /// (100 when no line mentions an entity).
    pub percent: f64,
    /// Mentioning lines neither cited nor waived, in order.
    pub uncovered: Vec<Line>,
    /// The waivers of this document that apply, with how many mentioning lines each covers.
    pub waivers: Vec<WaiverUse>,
}

/// An uncovered line and the entities it names (ids, in the order they stand on the line).
#[derive(Debug, Serialize)]
pub struct Line {
    pub line: u32,
    pub entities: Vec<String>,
    pub names: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct WaiverUse {
    pub lines: String,
    pub reason: String,
    pub mentioning: usize,
}

/// Measures every source of `data` against its document in `dir`. A document that cannot be
/// read is an error (nothing is measured without all of them, so a threshold cannot pass
/// on a missing file).
pub fn measure(data: &Dataset, waivers: &[Waiver], dir: &Path) -> Result<Coverage, Vec<Diagnostic>> {
    let mut texts = Vec::new();
    let mut problems = Vec::new();
    for source in &data.sources {
        match read_document(dir, source) {
            Ok(text) => texts.push((source, text)),
            Err(diag) => problems.push(diag),
        }
    }
    problems.extend(super::waivers::past_end(waivers, |source| {
        texts.iter().find(|(s, _)| s.id == source).map(|(_, text)| text.lines().count())
    }));
    if !problems.is_empty() {
        return Err(problems);
    }
    let finder = NameFinder::of(data);
    let mut cited: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for ev in data.entity_evidence().chain(data.relation_evidence()) {
        cited.entry(&*ev.source).or_default().insert(ev.line);
    }
    let none = BTreeSet::new();
    let mut documents = Vec::new();
    for (source, text) in &texts {
        let cited = cited.get(source.id.as_str()).unwrap_or(&none);
        let waivers: Vec<&Waiver> = waivers.iter().filter(|w| w.source == source.id).collect();
        let mut uses = vec![0; waivers.len()];
        let mut doc = Document {
            source: source.id.clone(),
            title: source.title.clone(),
            lines: text.lines().count(),
            mentioning: 0,
            cited: cited.len(),
            waived: 0,
            percent: 100.0,
            uncovered: Vec::new(),
            waivers: Vec::new(),
        };
        for (n, line) in (1u32..).zip(text.lines()) {
            let found = finder.find(line);
            if found.is_empty() {
                continue;
            }
            doc.mentioning += 1;
            if cited.contains(&n) {
                continue;
            }
            if let Some(w) = waivers.iter().position(|w| w.covers(&source.id, n)) {
                doc.waived += 1;
                uses[w] += 1;
                continue;
            }
            let mut entities: Vec<u32> = Vec::new();
            for m in &found {
                if !entities.contains(&m.entity) {
                    entities.push(m.entity);
                }
            }
            doc.uncovered.push(Line {
                line: n,
                entities: entities.iter().map(|&e| data.entity(e).id().to_string()).collect(),
                names: entities.iter().map(|&e| data.entity(e).name().to_string()).collect(),
            });
        }
        doc.percent = share(doc.mentioning - doc.uncovered.len(), doc.mentioning);
        doc.waivers = waivers
            .iter()
            .zip(uses)
            .map(|(w, mentioning)| WaiverUse { lines: w.range(), reason: w.reason.clone(), mentioning })
            .collect();
        documents.push(doc);
    }
    let mentioning = documents.iter().map(|d| d.mentioning).sum();
    let covered = documents.iter().map(|d| d.mentioning - d.uncovered.len()).sum();
    Ok(Coverage { documents, mentioning, covered, percent: share(covered, mentioning) })
}

/// `part` of `whole` in percent, rounded down to one decimal so that 99.96 % never reads as
/// 100 %; 100 when there is nothing to cover.
fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    (part as f64 * 1000.0 / whole as f64).floor() / 10.0
}

impl Coverage {
    /// The documents below `min` percent.
    pub fn below(&self, min: f64) -> Vec<&Document> {
        self.documents.iter().filter(|d| d.percent < min).collect()
    }

    /// The report for people: a line per document, then each document's uncovered lines and
    /// its waivers. Text from the data is escaped by the caller.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<8} {:>6} {:>10} {:>6} {:>6} {:>9} {:>8}",
            "source", "lines", "mentioning", "cited", "waived", "uncovered", "covered"
        );
        for d in &self.documents {
            let _ = writeln!(
                out,
                "{:<8} {:>6} {:>10} {:>6} {:>6} {:>9} {:>7.1}%",
                d.source,
                d.lines,
                d.mentioning,
                d.cited,
                d.waived,
                d.uncovered.len(),
                d.percent
            );
        }
        let _ = writeln!(
            out,
            "{:<8} {:>6} {:>10} {:>6} {:>6} {:>9} {:>7.1}%",
            "all",
            "",
            self.mentioning,
            "",
            "",
            self.mentioning - self.covered,
            self.percent
        );
        for d in &self.documents {
            if d.uncovered.is_empty() && d.waivers.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{} {}", d.source, d.title);
            for l in &d.uncovered {
                let _ = writeln!(out, "  {}:{:<6} {}", d.source, l.line, l.names.join(", "));
            }
            for w in &d.waivers {
                let _ =
                    writeln!(out, "  {}:{:<6} waived ({} mentioning): {}", d.source, w.lines, w.mentioning, w.reason);
            }
        }
        out
    }
}
