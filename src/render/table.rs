//! Results as text for a terminal, the `table` and `line` formats: columns sized to their
//! contents, or one `column = value` record a row (`line`, see `render::line`). What the
//! [`Screen`] allows shapes both: a width (table cells cut with a marker to fit, the
//! widest columns first, and a note saying so; records wrapped), a row cap (a footer says
//! how many rows were left out), and box-drawing or ASCII rules. Widths are terminal columns
//! of grapheme clusters as `unicode-width` measures them (a CJK character, an emoji or an
//! emoji joined with zero-width joiners takes two), so a cut never splits a character a
//! terminal draws as one. Paths, cards and `why` answers print the evidence of every
//! relation under it, and the sources cited are listed once at the end.
//! Text from the data is shown with `diag::visible` escapes, never raw.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt::Write as _;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::screen::{MIN_COLUMN, Screen};
use super::{line, text};
use crate::graph::KnowledgeGraph;
use crate::graph::paths::Path;
use crate::query::{Card, RELATION_DETAILS, Rows, Shape, Value, relation_row};

/// How the rows of a table are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Aligned columns under a header (`table`).
    Columns,
    /// One `column = value` block a row (`line`).
    Records,
}

/// Renders rows as text, laid out as `layout` on `screen`.
pub fn render(kg: &KnowledgeGraph, rows: &Rows, screen: &Screen, layout: Layout) -> String {
    let mut out = Out { kg, rows, screen, layout, text: String::new(), cited: BTreeSet::new() };
    match &rows.shape {
        Shape::Card(card) => {
            out.card(card);
            out.grid(rows, true);
        }
        Shape::Paths => out.paths(rows.rows.iter().filter_map(|r| r.iter().find_map(as_path)).collect()),
        Shape::Connect => {
            out.grid(rows, false);
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
        Shape::Table => out.grid(rows, false),
    }
    if rows.is_empty() && rows.notes.is_empty() && !matches!(rows.shape, Shape::Card(_)) {
        out.text.push_str("(no rows)\n");
    }
    for note in &rows.notes {
        out.noted(&format!("({note})"));
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
    screen: &'a Screen,
    layout: Layout,
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

    /// Aligned columns, or records; on a card, each relation row is followed by its details
    /// (attributes, note, evidence: the last columns), which do not fit a grid. Rows past the
    /// screen's cap are left out, and a footer says how many.
    fn grid(&mut self, rows: &Rows, card: bool) {
        if rows.is_empty() {
            return;
        }
        let shown = if card { rows.columns.len() - RELATION_DETAILS.len() } else { rows.columns.len() };
        let printed = self.screen.max_rows.map_or(rows.rows.len(), |cap| cap.min(rows.rows.len()));
        let cells: Vec<Vec<String>> =
            rows.rows[..printed].iter().map(|r| r[..shown].iter().map(|v| self.cell(v, card)).collect()).collect();
        let headers = &rows.columns[..shown];
        let widths = fit(headers, &cells, self.screen.width);
        let mark = self.screen.ellipsis();
        let mut cut_any = false;
        if self.layout == Layout::Columns {
            let header = aligned(headers, &widths, mark, &mut cut_any);
            let rule = widths.iter().map(|w| self.screen.rule(*w)).collect::<Vec<_>>().join("  ");
            let _ = writeln!(self.text, "{header}\n{rule}");
        }
        for (i, (row, values)) in cells.iter().zip(&rows.rows).enumerate() {
            match self.layout {
                Layout::Columns => {
                    let _ = writeln!(self.text, "{}", aligned(row, &widths, mark, &mut cut_any));
                }
                Layout::Records => {
                    if i > 0 {
                        self.text.push('\n');
                    }
                    self.text.push_str(&line::record(headers, row, self.screen.width));
                }
            }
            if card {
                let [attrs, note, evidence] = &values[shown..] else { unreachable!("a card row ends in its details") };
                if !items(attrs).is_empty() {
                    let _ = writeln!(self.text, "    {}", one_line(&text::value(self.kg, attrs)));
                }
                self.details(note, evidence, "    ");
            }
        }
        if cut_any && let Some(width) = self.screen.width {
            let width = crate::diag::plural(width, "column");
            self.note(&format!("cells cut for a width of {width}"), self.screen.see_whole);
        }
        let left = rows.rows.len() - printed;
        if left > 0 {
            let left = crate::diag::plural(left, "more row");
            self.note(&format!("{left} not shown"), self.screen.see_all);
        }
    }

    /// `(what; how)`: a note under a table, with how to see what it left out if told.
    fn note(&mut self, what: &str, how: &str) {
        let how = if how.is_empty() { String::new() } else { format!("; {how}") };
        self.noted(&format!("({what}{how})"));
    }

    /// A note on its own line; on a terminal a long one wraps at word breaks, its further
    /// lines indented by one space.
    fn noted(&mut self, note: &str) {
        match self.screen.width {
            Some(width) if textwrap::core::display_width(note) > width => {
                let options = textwrap::Options::new(width).subsequent_indent(" ");
                for line in textwrap::wrap(note, options) {
                    let _ = writeln!(self.text, "{line}");
                }
            }
            _ => {
                let _ = writeln!(self.text, "{note}");
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
                // An imported dataset has a title only.
                let line = if s.publisher.is_empty() && s.date.is_empty() {
                    format!("{id}  {}", s.title)
                } else {
                    format!("{id}  {} ({}, {})", s.title, s.publisher, s.date)
                };
                let _ = writeln!(self.text, "  {}", one_line(&line));
            }
        }
    }
}

/// Column widths in terminal columns: each column's widest cell, shrunk (widest first, to
/// [`MIN_COLUMN`] at the least) until the row fits.
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
            if widest <= MIN_COLUMN {
                break;
            }
            widths[i] = widest - 1;
        }
    }
    widths
}

/// A row's cells cut and padded to the widths, two spaces apart; `cut_any` is set when a
/// cell was cut.
fn aligned(items: &[String], widths: &[usize], mark: char, cut_any: &mut bool) -> String {
    let parts: Vec<String> = items
        .iter()
        .zip(widths)
        .map(|(c, w)| {
            let shown = cut(c, *w, mark);
            *cut_any |= shown.len() != c.len();
            pad(&shown, *w)
        })
        .collect();
    parts.join("  ").trim_end().to_string()
}

/// `s` cut to at most `width` terminal columns, ending in `mark` when cut. A character
/// drawn as one (a wide CJK character, an emoji sequence, a letter with its accents) is
/// kept or left out whole.
fn cut(s: &str, width: usize, mark: char) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let room = width.saturating_sub(1);
    let mut used = 0;
    let mut out = String::new();
    for g in s.graphemes(true) {
        let w = g.width();
        if used + w > room {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push(mark);
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
    use unicode_width::UnicodeWidthStr;

    use super::{cut, pad};

    #[test]
    fn wide_characters_are_cut_and_padded_by_terminal_columns() {
        assert_eq!(cut("東京都庁", 5, '…'), "東京…");
        assert_eq!(cut("東京都庁", 8, '…'), "東京都庁");
        assert_eq!(cut("ab☕cd", 4, '…'), "ab…");
        assert_eq!(cut("abcdef", 4, '~'), "abc~");
        assert_eq!(pad("東京", 6), "東京  ");
        assert_eq!(pad("e\u{301}", 3), "e\u{301}  ");
    }

    /// A programmer emoji is a woman, a zero-width joiner and a laptop: one picture two
    /// columns wide, which a cut must keep or drop whole, never leave half-joined.
    #[test]
    fn emoji_joined_by_zero_width_joiners_are_cut_whole() {
        let coder = "👩\u{200d}💻";
        assert_eq!(coder.width(), 2);
        assert_eq!(cut(&format!("{coder}{coder}x"), 4, '…'), format!("{coder}…"));
        assert_eq!(cut(&format!("a{coder}bc"), 4, '…'), format!("a{coder}…"));
        assert_eq!(cut(&format!("ab{coder}cd"), 4, '…'), "ab…");
        assert_eq!(cut("e\u{301}e\u{301}e\u{301}", 2, '…'), "e\u{301}…");
        assert_eq!(pad(coder, 4), format!("{coder}  "));
    }
}
