//! Results as aligned text for a terminal: columns sized to their contents and, when a width
//! is given, long cells cut with an ellipsis to fit. Paths, cards and `why` answers print
//! the evidence of every relation under it, and the sources cited are listed once at the end.
//! Text from the data is shown with `diag::visible` escapes, never raw.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::text;
use crate::graph::KnowledgeGraph;
use crate::graph::paths::{Hop, Path};
use crate::query::{Rows, Shape, Value};

/// Renders rows as text; `width` (terminal columns) cuts long cells, None keeps them whole.
pub fn render(kg: &KnowledgeGraph, rows: &Rows, width: Option<usize>) -> String {
    let mut out = Out { kg, rows, text: String::new(), cited: BTreeSet::new() };
    match &rows.shape {
        Shape::Card(n) => {
            out.card(*n);
            out.grid(rows, width, true);
        }
        Shape::Paths => out.paths(rows.rows.iter().filter_map(|r| r.iter().find_map(as_path)).collect()),
        Shape::Connect => {
            out.grid(rows, width, false);
            if !rows.paths.is_empty() {
                out.text.push_str("\npaths\n");
                out.paths(rows.paths.iter().collect());
            }
        }
        Shape::Relations => {
            for row in &rows.rows {
                if let Some(Value::Relation(h)) = row.first() {
                    out.relation(h, "");
                }
            }
        }
        Shape::Table => out.grid(rows, width, false),
    }
    if rows.is_empty() && rows.notes.is_empty() && !matches!(rows.shape, Shape::Card(_)) {
        out.text.push_str("(no rows)\n");
    }
    for note in &rows.notes {
        let _ = writeln!(out.text, "({note})");
    }
    out.sources();
    // Data and query text may hold escape sequences; nothing reaches a terminal raw. Cells
    // were escaped whole (so that their widths are what is shown); this catches the rest.
    match crate::diag::visible_lines(&out.text) {
        Cow::Borrowed(_) => out.text,
        Cow::Owned(shown) => shown,
    }
}

fn as_path(v: &Value) -> Option<&Path> {
    match v {
        Value::Path(p) => Some(p),
        _ => None,
    }
}

struct Out<'a> {
    kg: &'a KnowledgeGraph,
    rows: &'a Rows,
    text: String,
    /// Sources whose locators were printed, for the legend.
    cited: BTreeSet<String>,
}

impl Out<'_> {
    fn card(&mut self, n: crate::graph::EntityRef) {
        let e = self.kg.entity(n);
        let _ = writeln!(self.text, "{}  ({})", one_line(e.name()), one_line(e.id()));
        let mut field = |k: &str, v: String| {
            if !v.is_empty() {
                let _ = writeln!(self.text, "  {:<10} {}", one_line(k), one_line(&v));
            }
        };
        field("kind", e.kind().to_string());
        field("aliases", e.aliases().join(", "));
        let country = e.country().and_then(|c| self.kg.by_id(c)).map(|c| text::entity(self.kg, c)).unwrap_or_default();
        field("country", country);
        for (k, v) in e.attrs() {
            field(k, v.to_string());
        }
        field("note", e.note().map(str::to_string).unwrap_or_default());
        for ev in e.evidence() {
            let _ = writeln!(self.text, "  {:<10} {}", "evidence", one_line(&text::locator(ev)));
            self.cited.insert(ev.source.clone());
        }
        self.text.push('\n');
    }

    /// Aligned columns; with `evidence`, each relation row is followed by its locators.
    fn grid(&mut self, rows: &Rows, width: Option<usize>, evidence: bool) {
        if rows.is_empty() {
            return;
        }
        let cells: Vec<Vec<String>> =
            rows.rows.iter().map(|r| r.iter().map(|v| self.cell(v, evidence)).collect()).collect();
        let widths = fit(&rows.columns, &cells, width);
        let line = |items: &[String]| -> String {
            let parts: Vec<String> = items.iter().zip(&widths).map(|(c, w)| pad(&cut(c, *w), *w)).collect();
            parts.join("  ").trim_end().to_string()
        };
        let _ = writeln!(self.text, "{}", line(&rows.columns));
        let _ = writeln!(self.text, "{}", widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().join("  "));
        for (row, values) in cells.iter().zip(&rows.rows) {
            let _ = writeln!(self.text, "{}", line(row));
            if evidence && let Some(Value::Relation(h)) = values.first() {
                self.evidence(h, "    ");
            }
        }
    }

    /// A cell's text, on one line: line breaks and other controls in it shown as escapes. A
    /// relation on an entity's card reads from that entity ("employs", "is employed by");
    /// anywhere else it is written whole, `A -[rel]-> B`, so its direction never depends on
    /// the columns beside it.
    fn cell(&self, v: &Value, card: bool) -> String {
        let text = match v {
            Value::Relation(h) if card => text::reading(self.kg, h),
            Value::Relation(h) => text::hop(self.kg, h),
            Value::Float(f) => format!("{f:.2}"),
            other => text::value(self.kg, other),
        };
        crate::diag::visible(&text).into_owned()
    }

    fn paths(&mut self, paths: Vec<&Path>) {
        for (i, p) in paths.iter().enumerate() {
            // Past the budget the answer is refused whole (see `render::rows`): stop writing.
            if self.text.len() > super::ANSWER_BUDGET {
                return;
            }
            let _ = writeln!(self.text, "{}. ({} hops) {}", i + 1, p.len(), one_line(&text::path(self.kg, p)));
            // A hop of parallel relations prints each of them, with its own evidence.
            for h in p.hops.iter().flat_map(|h| self.rows.route(h)) {
                self.relation(&h, "     ");
            }
        }
    }

    /// One relation as walked, with its period, status and evidence.
    fn relation(&mut self, h: &Hop, indent: &str) {
        let r = self.kg.relation(h.edge);
        let mut facts = vec![r.status().as_str().to_string()];
        if let Some(period) = r.period() {
            facts.insert(0, period);
        }
        for (k, v) in r.attrs() {
            facts.push(format!("{k} = {v}"));
        }
        let _ = writeln!(self.text, "{indent}{}  [{}]", one_line(&text::hop(self.kg, h)), one_line(&facts.join(", ")));
        self.evidence(h, &format!("{indent}    "));
    }

    fn evidence(&mut self, h: &Hop, indent: &str) {
        let r = self.kg.relation(h.edge);
        for ev in r.evidence() {
            let _ = writeln!(self.text, "{indent}{}", one_line(&text::locator(ev)));
            self.cited.insert(ev.source.clone());
        }
    }

    fn sources(&mut self) {
        if self.cited.is_empty() {
            return;
        }
        self.text.push_str("\nsources\n");
        for id in &self.cited {
            if let Some(s) = self.kg.source(id) {
                let line = format!("{id}  {} ({}, {})", s.title, s.publisher, s.date);
                let _ = writeln!(self.text, "  {}", one_line(&line));
            }
        }
    }
}

/// Column widths: each column's widest cell, shrunk (widest first) until the row fits.
fn fit(headers: &[String], cells: &[Vec<String>], width: Option<usize>) -> Vec<usize> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    if let Some(total) = width {
        let gaps = 2 * widths.len().saturating_sub(1);
        while widths.iter().sum::<usize>() + gaps > total {
            let (i, &widest) = widths.iter().enumerate().max_by_key(|(_, w)| **w).expect("at least one column");
            if widest <= 8 {
                break;
            }
            widths[i] = widest - 1;
        }
    }
    widths
}

fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// Data on one printed line: a line break or any other control character in it is shown
/// as an escape, so a name cannot start a line of its own (or act on the terminal).
fn one_line(text: &str) -> String {
    crate::diag::visible(text).into_owned()
}
