//! Results as aligned text for a terminal: columns sized to their contents and, when a width
//! is given, long cells cut with an ellipsis to fit. Widths are terminal columns as the
//! `unicode-width` crate measures them (a CJK character or an emoji takes two). Paths, cards
//! and `why` answers print the evidence of every relation under it, and the sources cited
//! are listed once at the end.
//! Text from the data is shown with `diag::visible` escapes, never raw.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt::Write as _;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::text;
use crate::graph::KnowledgeGraph;
use crate::graph::paths::Path;
use crate::query::{Card, RELATION_DETAILS, Rows, Shape, Value, relation_row};

/// Renders rows as text; `width` (terminal columns) cuts long cells, None keeps them whole.
pub fn render(kg: &KnowledgeGraph, rows: &Rows, width: Option<usize>) -> String {
    let mut out = Out { kg, rows, text: String::new(), cited: BTreeSet::new() };
    match &rows.shape {
        Shape::Card(card) => {
            out.card(card);
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
                out.relation(row, "");
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

fn items(v: &Value) -> &[Value] {
    match v {
        Value::List(items) => items,
        _ => &[],
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
    /// The entity's name and id, then its facts one a line (each evidence locator on its own).
    fn card(&mut self, card: &Card) {
        let e = self.kg.entity(card.entity);
        let _ = writeln!(self.text, "{}  ({})", one_line(e.name()), one_line(e.id()));
        for (label, value) in &card.facts {
            let shown: Vec<String> = match value {
                Value::List(items) if label == "evidence" => items.iter().map(|ev| self.locator(ev)).collect(),
                other => vec![text::value(self.kg, other)],
            };
            for line in shown.iter().filter(|l| !l.is_empty()) {
                let _ = writeln!(self.text, "  {} {}", pad(&one_line(label), 10), one_line(line));
            }
        }
        self.text.push('\n');
    }

    /// Aligned columns; on a card, each relation row is followed by its details (attributes,
    /// note, evidence: the last columns), which do not fit a grid.
    fn grid(&mut self, rows: &Rows, width: Option<usize>, card: bool) {
        if rows.is_empty() {
            return;
        }
        let shown = if card { rows.columns.len() - RELATION_DETAILS.len() } else { rows.columns.len() };
        let cells: Vec<Vec<String>> =
            rows.rows.iter().map(|r| r[..shown].iter().map(|v| self.cell(v, card)).collect()).collect();
        let widths = fit(&rows.columns[..shown], &cells, width);
        let line = |items: &[String]| -> String {
            let parts: Vec<String> = items.iter().zip(&widths).map(|(c, w)| pad(&cut(c, *w), *w)).collect();
            parts.join("  ").trim_end().to_string()
        };
        let _ = writeln!(self.text, "{}", line(&rows.columns[..shown]));
        let _ = writeln!(self.text, "{}", widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().join("  "));
        for (row, values) in cells.iter().zip(&rows.rows) {
            let _ = writeln!(self.text, "{}", line(row));
            if card {
                let [attrs, note, evidence] = &values[shown..] else { unreachable!("a card row ends in its details") };
                if !items(attrs).is_empty() {
                    let _ = writeln!(self.text, "    {}", one_line(&text::value(self.kg, attrs)));
                }
                self.details(note, evidence, "    ");
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
            // Past the budget the answer is refused whole (see `render::produce`): stop writing.
            if self.text.len() > super::ANSWER_BUDGET {
                return;
            }
            let hops = crate::diag::plural(p.len(), "hop");
            let _ = writeln!(self.text, "{}. ({hops}) {}", i + 1, one_line(&text::path(self.kg, p)));
            // A hop of parallel relations prints each of them, with its own evidence.
            for h in p.hops.iter().flat_map(|h| self.rows.route(h)) {
                self.relation(&relation_row(self.kg, h), "     ");
            }
        }
    }

    /// A relation row (`why`, a path's hop): the relation as walked with its period, status
    /// and attributes, then its note and evidence.
    fn relation(&mut self, row: &[Value], indent: &str) {
        let [Value::Relation(h), when, status, attrs, note, evidence] = row else {
            unreachable!("a relation row has the relation columns")
        };
        let facts: Vec<String> = [when, status]
            .into_iter()
            .chain(items(attrs))
            .map(|v| text::value(self.kg, v))
            .filter(|t| !t.is_empty())
            .collect();
        let _ = writeln!(self.text, "{indent}{}  [{}]", one_line(&text::hop(self.kg, h)), one_line(&facts.join(", ")));
        self.details(note, evidence, &format!("{indent}    "));
    }

    /// A relation's note and evidence locators, one a line.
    fn details(&mut self, note: &Value, evidence: &Value, indent: &str) {
        if let Value::Text(note) = note {
            let _ = writeln!(self.text, "{indent}note: {}", one_line(note));
        }
        for ev in items(evidence) {
            let shown = self.locator(ev);
            let _ = writeln!(self.text, "{indent}{}", one_line(&shown));
        }
    }

    /// A locator's text; its source goes into the legend.
    fn locator(&mut self, ev: &Value) -> String {
        if let Value::Evidence(ev) = ev {
            self.cited.insert(ev.source.clone());
        }
        text::value(self.kg, ev)
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

/// Column widths in terminal columns: each column's widest cell, shrunk (widest first)
/// until the row fits.
fn fit(headers: &[String], cells: &[Vec<String>], width: Option<usize>) -> Vec<usize> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.width());
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

/// `s` cut to at most `width` terminal columns, ending in an ellipsis when cut. A wide
/// character (CJK, emoji) that would straddle the edge is left out whole.
fn cut(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let room = width.saturating_sub(1);
    let mut used = 0;
    let mut out = String::new();
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` followed by spaces up to `width` terminal columns.
pub(super) fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

/// Data on one printed line: a line break or any other control character in it is shown
/// as an escape, so a name cannot start a line of its own (or act on the terminal).
fn one_line(text: &str) -> String {
    crate::diag::visible(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{cut, pad};

    #[test]
    fn wide_characters_are_cut_and_padded_by_terminal_columns() {
        assert_eq!(cut("東京都庁", 5), "東京…");
        assert_eq!(cut("東京都庁", 8), "東京都庁");
        assert_eq!(cut("ab☕cd", 4), "ab…");
        assert_eq!(pad("東京", 6), "東京  ");
        assert_eq!(pad("e\u{301}", 3), "e\u{301}  ");
    }
}
