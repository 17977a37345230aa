//! Diagnostics: located problems in data files or query text, and their rendering.
//!
//! Every layer reports problems as [`Diagnostic`]s that point into a file held by a
//! [`SourceMap`] (a data file, a source document, or the text of a query). They are
//! rendered once, at the edge (CLI or REPL), with a snippet of the offending text and a
//! caret, by miette. Nothing here decides what is a problem.
//!
//! It also owns how text from data or from a query is shown on a terminal
//! ([`visible`]): a character that would act instead of show (an escape sequence that
//! clears the screen or retitles the window, a bell, a bidirectional override) is written
//! as a visible escape. Diagnostics apply it to their messages and to the snippets they
//! quote; the table renderer and the command line apply it to everything else they print.
//! `source.rs` holds the texts and places, `visible.rs` the terminal escaping.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

mod shown;
mod source;
mod visible;

use shown::Shown;
pub use source::{FileId, Location, SourceFile, SourceMap, Stream, line_col, read_line_capped};
use source::{ceil_char_boundary, floor_char_boundary};
pub use visible::{acts_on_terminal, visible, visible_lines};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceSpan, SpanContents,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    /// Text under the caret.
    pub label: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            label: String::new(),
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    pub fn at(mut self, location: Location, label: impl Into<String>) -> Diagnostic {
        self.location = Some(location);
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Whether rendered diagnostics may use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Colour,
}

/// When to colour, as `--color` says (set once by the command line; `Auto` otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colouring {
    /// On a terminal, unless the environment says otherwise (see [`Style::when`]).
    Auto,
    Always,
    Never,
}

static COLOURING: std::sync::OnceLock<Colouring> = std::sync::OnceLock::new();

/// Sets how every later [`Style`] decides; the first call wins.
pub fn set_colouring(colouring: Colouring) {
    let _ = COLOURING.set(colouring);
}

impl Style {
    /// Colour on a terminal, as `--color` and the environment allow (see [`Style::when`]).
    pub fn for_stderr() -> Style {
        use std::io::IsTerminal;
        Style::when(std::io::stderr().is_terminal())
    }

    /// The same rule for standard output.
    pub fn for_stdout() -> Style {
        use std::io::IsTerminal;
        Style::when(std::io::stdout().is_terminal())
    }

    fn when(terminal: bool) -> Style {
        let colouring = COLOURING.get().copied().unwrap_or(Colouring::Auto);
        let env = |name: &str| std::env::var(name).ok();
        if colours(terminal, colouring, env) { Style::Colour } else { Style::Plain }
    }
}

/// Whether to colour: `--color always|never` decide alone; `auto` never colours with
/// `NO_COLOR` set (non-empty), always with `CLICOLOR_FORCE` or `FORCE_COLOR` set (and not
/// `0` or `false`: CI logs can be coloured), never on `TERM=dumb`, and otherwise when the
/// output is a terminal.
fn colours(terminal: bool, colouring: Colouring, env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    match colouring {
        Colouring::Always => true,
        Colouring::Never => false,
        Colouring::Auto if env("NO_COLOR").is_some_and(|v| !v.is_empty()) => false,
        Colouring::Auto if set("CLICOLOR_FORCE") || set("FORCE_COLOR") => true,
        Colouring::Auto => terminal && env("TERM").is_none_or(|t| t != "dumb"),
    }
}

/// The most diagnostics drawn in full by one [`render`]. A hostile folder can hold millions
/// of problems (a million entities sharing one name); drawing them all took gigabytes, and
/// no one reads past the first thousand. The rest are counted in one closing line.
pub const DRAWN_AT_MOST: usize = 1000;

/// Renders diagnostics with snippets and carets, the way `kgq` prints them. Messages and
/// quoted text are shown with [`visible`] escapes, and the carets still point at them.
/// Past [`DRAWN_AT_MOST`] the rest are summed up in one line.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, style: Style) -> String {
    let (drawn, rest) = diags.split_at(diags.len().min(DRAWN_AT_MOST));
    let mut out = render_all(drawn, sources, style);
    if !rest.is_empty() {
        out.push_str(&format!(
            "… and {} more not shown ({}): fix the problems above first, then check again\n",
            rest.len(),
            summary(rest)
        ));
    }
    out
}

fn render_all(diags: &[Diagnostic], sources: &SourceMap, style: Style) -> String {
    let theme = match style {
        Style::Plain => GraphicalTheme::unicode_nocolor(),
        Style::Colour => GraphicalTheme::unicode(),
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    // Each file's shown text is made once per call, however many diagnostics point into it;
    // of a stream, only the lines these diagnostics point at are read.
    let mut shown: HashMap<FileId, Shown> = HashMap::new();
    let mut places: HashMap<FileId, Vec<std::ops::Range<usize>>> = HashMap::new();
    for loc in diags.iter().filter_map(|d| d.location.as_ref()) {
        places.entry(loc.file).or_default().push(loc.span.clone());
    }
    for diag in diags {
        let mut diag = Diagnostic {
            message: visible_lines(&diag.message).into_owned(),
            label: visible_lines(&diag.label).into_owned(),
            help: diag.help.as_deref().map(|h| visible_lines(h).into_owned()),
            ..diag.clone()
        };
        let source = diag.location.as_mut().map(|loc| {
            let file = sources.get(loc.file);
            let text = shown.entry(loc.file).or_insert_with(|| Shown::of(file, &places[&loc.file]));
            loc.span = text.offset(loc.span.start)..text.offset(loc.span.end);
            Snippet {
                name: visible(&file.name).into_owned(),
                text: Arc::clone(&text.text),
                lines: Arc::clone(&text.lines),
            }
        });
        let report = Report { diag: &diag, source };
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String only fails on a formatter bug; fall back to the bare message.
            out.push_str(&diag.message);
        }
        out.push('\n');
    }
    out
}

/// A file as miette reads it for a snippet. miette's own reading of a text walks it from
/// the start for every snippet, which made a thousand diagnostics near the end of a large
/// bulk file take seconds; this one hands miette the text from a few lines before the
/// span, found in the file's line starts, and moves the answer back to the file's lines.
struct Snippet {
    name: String,
    text: Arc<String>,
    lines: Arc<Vec<usize>>,
}

/// The most text a snippet shows. Beyond it (a line of megabytes, from a file written on
/// one line), the snippet is the span's own line, cut to [`CLIP`] bytes either side of the
/// span's start, so a thousand diagnostics on one long line cannot print gigabytes.
const WIDE: usize = 16 << 10;
const CLIP: usize = 120;

impl Snippet {
    /// How many bytes the lines miette would show take: the span's, and the context around.
    fn context_bytes(&self, span: &SourceSpan, line: usize, before: usize, after: usize) -> usize {
        let end = span.offset().saturating_add(span.len()).min(self.text.len());
        let last = self.lines.partition_point(|&start| start <= end).saturating_sub(1);
        let from = self.lines[line.saturating_sub(before)];
        let to = self.lines.get(last + after + 1).copied().unwrap_or(self.text.len());
        to.saturating_sub(from)
    }

    /// The span's line, cut around the span's start.
    fn clipped(&self, span: &SourceSpan, line: usize, before: usize) -> MietteSpanContents<'_> {
        let start = self.lines[line];
        let end = self.lines.get(line + 1).copied().unwrap_or(self.text.len());
        let at = span.offset().min(self.text.len());
        let from = floor_char_boundary(&self.text, at.saturating_sub(CLIP).max(start));
        let to = ceil_char_boundary(&self.text, at.saturating_add(CLIP).min(end));
        // Asked for no context, miette wants the span's own column, counted in bytes as
        // miette counts it.
        let column = if before == 0 { at - start } else { 0 };
        let contents = MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[from..to],
            SourceSpan::new(from.into(), to - from),
            line,
            column,
            1,
        );
        contents.with_language("toml")
    }
}

impl miette::SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // The line holding the span's start, and a line or more before the context miette keeps.
        let line = self.lines.partition_point(|&start| start <= span.offset()).saturating_sub(1);
        if self.context_bytes(span, line, before, after) > WIDE {
            return Ok(Box::new(self.clipped(span, line, before)));
        }
        let first = line.saturating_sub(before + 1);
        let from = self.lines[first];
        let shifted = SourceSpan::new(span.offset().saturating_sub(from).into(), span.len());
        let part = <str as miette::SourceCode>::read_span(&self.text[from..], &shifted, before, after)?;
        let contents = MietteSpanContents::new_named(
            self.name.clone(),
            part.data(),
            SourceSpan::new((part.span().offset() + from).into(), part.span().len()),
            part.line() + first,
            part.column(),
            part.line_count() + first,
        );
        Ok(Box::new(contents.with_language("toml")))
    }
}

/// A one-line summary: "3 errors, 1 warning".
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// Adapts a [`Diagnostic`] to miette's reporting traits.
struct Report<'a> {
    diag: &'a Diagnostic,
    source: Option<Snippet>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Warning => miette::Severity::Warning,
            Severity::Error => miette::Severity::Error,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let loc = self.diag.location.as_ref()?;
        let label = (!self.diag.label.is_empty()).then(|| self.diag.label.clone());
        let span = LabeledSpan::new_primary_with_span(label, loc.span.clone());
        Some(Box::new(std::iter::once(span)))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        None
    }

    fn diagnostic_source(&self) -> Option<&dyn miette::Diagnostic> {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    #[test]
    fn colour_follows_the_flag_then_the_environment_then_the_terminal() {
        use super::{Colouring, colours};
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        assert!(colours(true, Colouring::Auto, env(&[])));
        assert!(!colours(false, Colouring::Auto, env(&[])));
        assert!(!colours(true, Colouring::Auto, env(&[("NO_COLOR", "1")])));
        assert!(colours(true, Colouring::Auto, env(&[("NO_COLOR", "")])), "an empty NO_COLOR is unset");
        assert!(colours(false, Colouring::Auto, env(&[("FORCE_COLOR", "1")])), "CI logs can be coloured");
        assert!(colours(false, Colouring::Auto, env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!colours(false, Colouring::Auto, env(&[("FORCE_COLOR", "0")])));
        assert!(!colours(false, Colouring::Auto, env(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")])), "NO_COLOR wins");
        assert!(!colours(true, Colouring::Auto, env(&[("TERM", "dumb")])));
        assert!(colours(false, Colouring::Always, env(&[("NO_COLOR", "1")])), "the flag decides alone");
        assert!(!colours(true, Colouring::Never, env(&[("FORCE_COLOR", "1")])));
    }

    use miette::SourceCode;

    use super::source::line_starts;
    use super::*;

    #[test]
    fn what_acts_on_a_terminal_is_shown_escaped() {
        assert_eq!(visible("a\u{1b}[2Jb\u{7}\t\r\n\u{7f}\u{9b}\u{202e}é"), r"a\e[2Jb\x07\t\r\n\x7f\u{9b}\u{202e}é");
        assert_eq!(visible_lines("one\ntwo\u{1b}]0;title\u{7}"), "one\ntwo\\e]0;title\\x07");
        assert!(matches!(visible("plain text, ünïcödé"), Cow::Borrowed(_)));
    }

    #[test]
    fn carets_point_at_escaped_text() {
        let mut map = SourceMap::default();
        let text = "name = \"\u{1b}[2J\u{9b}x\"\r\nbad\tline\n";
        let file = map.add("f.toml", text);
        let at = text.find("bad").expect("in the text");
        let diag = Diagnostic::error("m\u{1b}").at(Location::new(file, at..at + 3), "here");
        let out = render(&[diag], &map, Style::Plain);
        assert!(!out.chars().any(|c| acts_on_terminal(c) && c != '\n'), "{out}");
        assert!(out.contains(r#"name = "\e[2J\u{9b}x""#) && out.contains("m\\e"), "{out}");
        assert!(out.contains("[f.toml:2:1]"), "{out}");
        let shown = Shown::of(map.get(file), &[]);
        assert_eq!(&shown.text[shown.offset(at)..shown.offset(at + 3)], "bad");
    }

    #[test]
    fn a_stream_shows_the_lines_near_its_places_read_again_and_no_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.ftm.json");
        let mut text: String = (0..500).map(|i| format!("{{\"id\": \"e{i}\"}}\n")).collect();
        text.push_str("{\"id\": \"bad\u{1b}[2J\"}\r\nlast, not ended");
        let mut bytes = text.into_bytes();
        let bad = bytes.len() - 3;
        bytes[bad] = 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let mut map = SourceMap::default();
        let file = map.add_stream("s.ftm.json", Stream::new(&path, &std::fs::metadata(&path).unwrap()));
        let text = String::from_utf8_lossy(&bytes);
        let at = text.find("bad").unwrap();
        let places = [
            Diagnostic::error("one").at(Location::new(file, at..at + 3), "here"),
            Diagnostic::error("two").at(Location::new(file, bad..bad + 1), "there"),
        ];
        let out = render(&places, &map, Style::Plain);
        assert!(out.contains("[s.ftm.json:501:9]") && out.contains("[s.ftm.json:502:13]"), "{out}");
        assert!(out.contains(r#"{"id": "bad\e[2J"}"#) && out.contains(r"last, not en\xffed"), "{out}");
        assert!(out.contains(r#"{"id": "e499"}"#) && !out.contains(r#""e400""#), "only lines near: {out}");
        let shown = Shown::of(map.get(file), std::slice::from_ref(&(at..at + 3)));
        assert_eq!(&shown.text[shown.offset(at)..shown.offset(at + 3)], "bad");
        assert!(shown.text.len() < 700, "{} bytes held", shown.text.len());
        assert_eq!(map.describe(&Location::new(file, at..at)), "s.ftm.json:501:9");
        // Changed since it was read: the places keep their lines, the text is not shown.
        std::fs::write(&path, "{}\n").unwrap();
        let out = render(&places[..1], &map, Style::Plain);
        assert!(out.contains("one") && !out.contains("e499"), "{out}");
    }

    #[test]
    fn past_a_thousand_diagnostics_the_rest_are_counted_not_drawn() {
        let mut map = SourceMap::default();
        let f = map.add("f.toml", "x = 1\n");
        let mut diags = vec![Diagnostic::error("bad").at(Location::new(f, 0..1), "here"); DRAWN_AT_MOST];
        diags.extend(vec![Diagnostic::warning("odd"); 2500]);
        let out = render(&diags, &map, Style::Plain);
        assert_eq!(out.matches("× bad").count(), DRAWN_AT_MOST);
        assert!(!out.contains("odd"), "{}", &out[out.len() - 300..]);
        assert!(out.ends_with(
            "… and 2500 more not shown (0 errors, 2500 warnings): fix the problems above first, then check again\n"
        ));
    }

    #[test]
    fn places_are_described_by_line_and_column_in_characters() {
        let mut map = SourceMap::default();
        let f = map.add("f.toml", "ab\r\nçd\n\rx\ry");
        let at = |offset| map.describe(&Location::new(f, offset..offset));
        assert_eq!(at(0), "f.toml:1:1");
        assert_eq!(at(2), "f.toml:1:3");
        assert_eq!(at(4), "f.toml:2:1");
        // Inside a two-byte character: its start.
        assert_eq!(at(5), "f.toml:2:1");
        assert_eq!(at(6), "f.toml:2:2");
        assert_eq!(at(9), "f.toml:4:1");
        assert_eq!(at(11), "f.toml:5:1");
        assert_eq!(at(99), "f.toml:5:2");
    }

    #[test]
    fn a_snippet_of_a_very_long_line_shows_the_part_around_the_span() {
        let text = format!("{}\"bad\": 1{}\nnext line\n", "a".repeat(100_000), "b".repeat(100_000));
        let mut map = SourceMap::default();
        let f = map.add("one-line.jsonl", text);
        let diag = Diagnostic::error("unknown field `bad`").at(Location::new(f, 100_000..100_005), "unknown field");
        let out = render(&[diag.clone(), diag], &map, Style::Plain);
        assert!(out.len() < 2000, "{} bytes", out.len());
        assert!(out.contains("[one-line.jsonl:1:100001]"), "{out}");
        assert!(out.contains("aaa\"bad\": 1bbb"), "{out}");
        assert!(out.contains("╰── unknown field"), "{out}");
    }

    #[test]
    fn a_snippet_reads_every_span_as_miette_reads_the_whole_text() {
        // Every sort of line break, an empty line, and no break at the end.
        for text in ["a\r\nbb\rccc\n\ndddd\r\n\r\neeeee", "x\n", "", "\r\r\n\n\r"] {
            let shared = Arc::new(text.to_string());
            let snippet = Snippet { name: "f".into(), text: Arc::clone(&shared), lines: Arc::new(line_starts(text)) };
            // Spans within the text: diagnostics point into their files (miette itself
            // panics on some spans past the end).
            for start in 0..=text.len() {
                for len in 0..=text.len() - start {
                    for context in 0..4 {
                        let span = SourceSpan::from((start, len));
                        let ours = snippet.read_span(&span, context, context);
                        let theirs = text.read_span(&span, context, context);
                        let what = format!("{text:?} at {start}+{len}, {context} lines around");
                        match (ours, theirs) {
                            (Ok(ours), Ok(theirs)) => {
                                assert_eq!(ours.data(), theirs.data(), "{what}");
                                assert_eq!(ours.span(), theirs.span(), "{what}");
                                assert_eq!(
                                    (ours.line(), ours.column(), ours.line_count()),
                                    (theirs.line(), theirs.column(), theirs.line_count()),
                                    "{what}"
                                );
                            }
                            (ours, theirs) => assert_eq!(ours.is_ok(), theirs.is_ok(), "{what}"),
                        }
                    }
                }
            }
        }
    }
}
