//! `kgq run`: scripts of statements with assertions, for a data repository's CI.
//!
//! Each `expect` and each `----` block is an assertion; a plain statement that fails counts
//! as a failure too. Failures name `file:line`, show the statement and expected versus
//! actual (as a diff for blocks); the last line reads `N passed, N failed`, even when a
//! script cannot be read or parsed (it is reported, located, and counted as failed).
//! `--update` rewrites expected blocks in place, atomically, leaving every other byte
//! alone; `rows` is how a block writes any cell so that it reads back the same. The line
//! before the last counts the statements run, asserted or not (`92 statements run`), and
//! `--echo` prints each statement with its answer (`echo.rs`).

mod echo;
pub(crate) mod junit;
mod parse;
mod read;
pub mod rows;

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use parse::{Assertion, Record, parse};
pub use read::read;

use crate::diag::{self, Diagnostic, FileId, Location, SourceMap, Style};
use crate::fsutil::write_atomic;
use crate::graph::KnowledgeGraph;
use crate::query::ast::Statement;
use crate::query::{self, Failure, Rows, Settings, Value};
use crate::render::text;

/// How scripts are run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub bail: bool,
    pub quiet: bool,
    /// Print each statement as written, with its answer.
    pub echo: bool,
    /// Where echoed answers are shown: on a terminal, its width (every row is printed).
    pub screen: crate::render::Screen,
    pub update: bool,
    pub junit: Option<PathBuf>,
    /// How long each statement may run before it fails.
    pub timeout: std::time::Duration,
    pub style: Option<Style>,
}

/// Why an assertion failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    pub message: String,
    pub detail: String,
}

/// The outcome of one assertion (or of a plain statement that failed).
#[derive(Debug, Clone)]
pub struct Verdict {
    pub line: usize,
    pub statement: String,
    pub failure: Option<Failed>,
}

/// How a run went, for the caller's exit status (`cli` chooses it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Statements run, with or without an assertion.
    pub statements: usize,
    pub passed: usize,
    pub failed: usize,
    /// A script could not be read, parsed or updated, or the JUnit file not written.
    pub broken: bool,
}

impl Summary {
    /// Whether everything passed.
    pub fn passed_all(&self) -> bool {
        !self.broken && self.failed == 0
    }
}

/// Whether a script holds assertions (`expect` lines or `----` blocks).
pub fn has_assertions(text: &str) -> bool {
    parse::parse(FileId(0), text).map_or(true, |records| records.iter().any(|r| r.assertion.is_some()))
}

/// Runs scripts against `kg`; prints failures and the summary line; returns the tally.
/// A script that cannot be read or parsed is reported where it goes wrong and counted as
/// failed, and the others still run: the last line is always `N passed, N failed`.
pub fn run(kg: &KnowledgeGraph, files: &[PathBuf], options: &Options, out: &mut dyn Write) -> Summary {
    let mut tally = Tally {
        style: options.style.unwrap_or(Style::Plain),
        map: SourceMap::default(),
        statements: 0,
        passed: 0,
        failed: 0,
        broken: false,
        suites: Vec::new(),
    };
    for path in files {
        if !tally.script(kg, path, options, out) {
            break;
        }
    }
    if let Some(junit_path) = &options.junit {
        let suites: Vec<junit::Suite> =
            tally.suites.iter().map(|(f, v)| junit::Suite { file: f, verdicts: v }).collect();
        if let Err(err) = write_atomic(junit_path, junit::write(&suites).as_bytes()) {
            let _ = writeln!(out, "{}", diag::visible(&format!("kgq: cannot write {}: {err}", junit_path.display())));
            tally.broken = true;
        }
    }
    let _ = writeln!(out, "{} run", diag::plural(tally.statements, "statement"));
    let _ = writeln!(out, "{} passed, {} failed", tally.passed, tally.failed);
    Summary { statements: tally.statements, passed: tally.passed, failed: tally.failed, broken: tally.broken }
}

/// Writes the JUnit file of a run that could not start because the graph did not load: one
/// suite named after the graph-data, with one failed case saying why, so that CI shows the
/// failure rather than a missing report. Returns the reason the file could not be written.
pub fn write_unloaded_junit(path: &Path, data: &str, why: &str) -> Result<(), String> {
    let failure = Failed { message: "the graph did not load; no script ran".to_string(), detail: why.to_string() };
    let verdicts = [Verdict { line: 0, statement: String::new(), failure: Some(failure) }];
    write_atomic(path, junit::write(&[junit::Suite { file: data, verdicts: &verdicts }]).as_bytes())
        .map_err(|err| format!("cannot write {}: {err}", path.display()))
}

/// What a run has found so far.
struct Tally {
    style: Style,
    map: SourceMap,
    statements: usize,
    passed: usize,
    failed: usize,
    /// A script could not be read, parsed or updated.
    broken: bool,
    /// Each script's verdicts, for JUnit.
    suites: Vec<(String, Vec<Verdict>)>,
}

impl Tally {
    /// Runs one script (reporting it if it cannot be read or parsed); false when `--bail`
    /// says to stop.
    fn script(&mut self, kg: &KnowledgeGraph, path: &Path, options: &Options, out: &mut dyn Write) -> bool {
        let name = path.display().to_string();
        let read = match read::read(path, &mut self.map) {
            Ok((file, text)) => parse::parse(file, &text).map(|records| (file, text, records)),
            Err(problem) => Err(vec![problem]),
        };
        let (file, text, records) = match read {
            Ok(script) => script,
            Err(problems) => {
                self.broken = true;
                self.failed += problems.len();
                let _ = write!(out, "{}", diag::render(&problems, &self.map, self.style));
                self.suites.push((name, problems.iter().map(|d| unrunnable(d, &self.map)).collect()));
                return !options.bail;
            }
        };
        let settings = Settings { timeout: options.timeout, cancel: None };
        let mut verdicts = Vec::new();
        let mut updates: Vec<(Range<usize>, Vec<Vec<String>>)> = Vec::new();
        let mut go_on = true;
        for record in &records {
            let result = query::run(kg, &record.statement, &settings);
            self.statements += 1;
            if options.echo {
                echo::echo(kg, &record.statement, &result, &options.screen, out);
            }
            if options.update
                && let (Some(block), Ok((rows, _))) = (&record.block, &result)
            {
                updates.push((block.clone(), row_cells(kg, rows, &record.statement)));
            }
            let Some(verdict) = judge(kg, record, result, options.update) else {
                if options.echo {
                    let _ = writeln!(out);
                }
                continue;
            };
            match &verdict.failure {
                None if options.quiet => self.passed += 1,
                None => {
                    self.passed += 1;
                    let shown = format!("ok   {}:{}  {}", name, record.line, one_line(&record.statement));
                    let _ = writeln!(out, "{}", diag::visible(&shown));
                    if options.echo {
                        let _ = writeln!(out);
                    }
                }
                Some(f) => {
                    self.failed += 1;
                    report_failure(out, &self.map, file, record, f, self.style);
                }
            }
            go_on = !(options.bail && verdict.failure.is_some());
            verdicts.push(verdict);
            if !go_on {
                break;
            }
        }
        if go_on && options.update && !updates.is_empty() {
            self.update(path, &text, &updates, options.quiet, out);
        }
        self.suites.push((name, verdicts));
        go_on
    }

    /// Writes the script with its blocks updated, when that changes it.
    fn update(
        &mut self,
        path: &Path,
        text: &str,
        updates: &[(Range<usize>, Vec<Vec<String>>)],
        quiet: bool,
        out: &mut dyn Write,
    ) {
        let updated = update_blocks(text, updates);
        if updated == text {
            return;
        }
        let name = path.display();
        match write_atomic(path, updated.as_bytes()) {
            Err(err) => {
                let _ = writeln!(out, "{}", diag::visible(&format!("kgq: cannot update {name}: {err}")));
                self.broken = true;
            }
            Ok(()) if !quiet => {
                let _ = writeln!(out, "{}", diag::visible(&format!("updated {name}")));
            }
            Ok(()) => {}
        }
    }
}

/// A problem that kept a script from running, as a failed verdict for JUnit.
fn unrunnable(problem: &Diagnostic, map: &SourceMap) -> Verdict {
    let line = problem.location.as_ref().map_or(1, |loc| map.get(loc.file).line_col(loc.span.start).0);
    let detail = problem.help.clone().unwrap_or_default();
    Verdict { line, statement: String::new(), failure: Some(Failed { message: problem.message.clone(), detail }) }
}

/// Judges one record; None for a plain statement that ran.
fn judge(
    kg: &KnowledgeGraph,
    record: &Record,
    result: Result<(Rows, Option<query::ast::Format>), Failure>,
    updating: bool,
) -> Option<Verdict> {
    let verdict = |failure| Some(Verdict { line: record.line, statement: record.statement.clone(), failure });
    let fail = |message: String, detail: String| verdict(Some(Failed { message, detail }));
    let Some(assertion) = &record.assertion else {
        return match result {
            Ok(_) => None,
            Err(f) => fail("the statement failed".into(), failure_text(&f)),
        };
    };
    let rows = match (assertion, result) {
        (Assertion::Error(want), Err(f)) => {
            let got = failure_text(&f);
            return if got.to_lowercase().contains(&want.to_lowercase()) {
                verdict(None)
            } else {
                fail(format!("expected an error containing \"{want}\""), format!("got: {got}"))
            };
        }
        (Assertion::Error(want), Ok(_)) => {
            return fail(format!("expected an error containing \"{want}\", but it succeeded"), String::new());
        }
        (_, Err(f)) => return fail("the statement failed".into(), failure_text(&f)),
        (_, Ok((rows, _))) => rows,
    };
    let measure = size(&rows);
    let what = |n: usize| if is_count(&record.statement) { format!("a count of {n}") } else { diag::plural(n, "row") };
    match assertion {
        Assertion::Returns(n) if measure != *n => {
            fail(format!("expected {}, got {}", what(*n), what(measure)), String::new())
        }
        Assertion::AtLeast(n) if measure < *n => {
            fail(format!("expected at least {}, got {}", what(*n), what(measure)), String::new())
        }
        Assertion::AtMost(n) if measure > *n => {
            fail(format!("expected at most {}, got {}", what(*n), what(measure)), String::new())
        }
        Assertion::Empty if !rows.is_empty() => {
            fail(format!("expected no rows, got {}", rows.len()), preview(kg, &rows, &record.statement))
        }
        Assertion::NotEmpty if rows.is_empty() => fail("expected rows, got none".into(), rows.notes.join("\n")),
        Assertion::Contains(items) => {
            let missing: Vec<&String> = items.iter().filter(|i| !mentions(kg, &rows, i)).collect();
            if missing.is_empty() {
                verdict(None)
            } else {
                fail(format!("the answer does not contain {}", quoted(&missing)), preview(kg, &rows, &record.statement))
            }
        }
        Assertion::NotContains(items) => {
            let present: Vec<&String> = items.iter().filter(|i| mentions(kg, &rows, i)).collect();
            if present.is_empty() {
                verdict(None)
            } else {
                fail(format!("the answer contains {}", quoted(&present)), preview(kg, &rows, &record.statement))
            }
        }
        Assertion::Rows(expected) if !updating => {
            let actual = row_lines(kg, &rows, &record.statement);
            let expected: Vec<String> = expected.iter().map(|cells| rows::encode(cells)).collect();
            if actual == expected {
                verdict(None)
            } else {
                fail("the rows differ from the expected block".into(), diff(&expected, &actual))
            }
        }
        _ => verdict(None),
    }
}

/// A statement on one line, for the list of passes.
fn one_line(statement: &str) -> String {
    statement.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn failure_text(f: &Failure) -> String {
    match f {
        Failure::Query(e) => e.message.clone(),
        Failure::Eval(e) => e.to_string(),
    }
}

fn quoted(items: &[&String]) -> String {
    items.iter().map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(", ")
}

/// Whether the statement is a `count` without grouping, whose answer is one number.
fn is_count(statement: &str) -> bool {
    matches!(query::parse(statement), Ok(q) if matches!(q.statement, Statement::Count { group: None, .. }))
}

/// What `returns`, `at least` and `at most` measure: rows, or the number a plain `count` gives.
fn size(rows: &Rows) -> usize {
    match rows.rows.as_slice() {
        [row] if rows.columns == ["count"] => match row.first() {
            Some(Value::Int(n)) => usize::try_from(*n).unwrap_or(0),
            _ => 1,
        },
        _ => rows.len(),
    }
}

/// Whether any cell of the answer is or names `item` (entities by id, name or alias).
fn mentions(kg: &KnowledgeGraph, rows: &Rows, item: &str) -> bool {
    let want = item.to_lowercase();
    let entity = |n: crate::graph::EntityRef| {
        let e = kg.entity(n);
        e.id() == want || e.name().to_lowercase() == want || e.aliases().iter().any(|a| a.to_lowercase() == want)
    };
    let cell = |v: &Value| -> bool {
        match v {
            Value::Entity(n) => entity(*n),
            Value::Path(p) => p.nodes.iter().any(|&n| entity(n)),
            Value::Relation(h) => {
                let (a, b) = kg.ends(h.edge);
                entity(a) || entity(b) || kg.relation(h.edge).rel() == want
            }
            other => text::value(kg, other).to_lowercase() == want,
        }
    };
    rows.rows.iter().flatten().any(|v| match v {
        Value::List(items) => items.iter().any(&cell),
        other => cell(other),
    })
}

/// Whether the statement's answer comes in a meaningful order (so blocks are compared as is).
fn ordered(statement: &str) -> bool {
    match query::parse(statement).map(|q| q.statement) {
        Ok(Statement::Find { order, .. }) => !order.is_empty(),
        Ok(Statement::Match(m)) => !m.order.is_empty(),
        Ok(Statement::Why { .. }) => false,
        _ => true,
    }
}

/// The answer's cells as block rows show them, sorted unless the answer is ordered.
pub fn row_cells(kg: &KnowledgeGraph, rows: &Rows, statement: &str) -> Vec<Vec<String>> {
    let mut cells: Vec<Vec<String>> =
        rows.rows.iter().map(|r| r.iter().map(|v| text::value(kg, v)).collect()).collect();
    if !ordered(statement) {
        cells.sort_by_cached_key(|row| rows::encode(row));
    }
    cells
}

/// The answer as block lines (see `rows` for the encoding).
pub fn row_lines(kg: &KnowledgeGraph, rows: &Rows, statement: &str) -> Vec<String> {
    row_cells(kg, rows, statement).iter().map(|row| rows::encode(row)).collect()
}

fn preview(kg: &KnowledgeGraph, rows: &Rows, statement: &str) -> String {
    let lines = row_lines(kg, rows, statement);
    let mut out: Vec<String> = lines.iter().take(10).map(|l| format!("  {l}")).collect();
    if lines.len() > 10 {
        out.push(format!("  ... and {} more", lines.len() - 10));
    }
    out.join("\n")
}

fn diff(expected: &[String], actual: &[String]) -> String {
    let (e, a) = (expected.join("\n") + "\n", actual.join("\n") + "\n");
    let diff = similar::TextDiff::from_lines(&e, &a);
    diff.unified_diff().context_radius(3).header("expected", "actual").to_string()
}

fn report_failure(out: &mut dyn Write, map: &SourceMap, file: FileId, record: &Record, f: &Failed, style: Style) {
    // A plain statement (no `expect`, no block) fails as a statement, not as an assertion.
    let label = if record.assertion.is_some() { "this assertion failed" } else { "this statement failed" };
    let diag = Diagnostic::error(f.message.clone()).at(Location::new(file, record.span.clone()), label);
    let _ = write!(out, "{}", diag::render(&[diag], map, style));
    if !f.detail.is_empty() {
        for line in f.detail.lines() {
            let _ = writeln!(out, "    {}", diag::visible(line));
        }
        let _ = writeln!(out);
    }
}

/// Writes each block's rows in place of its old ones, last first so earlier offsets stay
/// valid; every other byte of `text` is kept.
pub fn update_blocks(text: &str, updates: &[(Range<usize>, Vec<Vec<String>>)]) -> String {
    let mut out = text.to_string();
    let mut sorted: Vec<&(Range<usize>, Vec<Vec<String>>)> = updates.iter().collect();
    sorted.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    for (range, cells) in sorted {
        let mut range = range.clone();
        let mut rows = cells.iter().map(|row| rows::encode(row)).collect::<Vec<_>>().join("\n");
        if rows.is_empty() && !range.is_empty() && out[range.end..].starts_with('\n') {
            // An emptied block loses its rows' line break too, so no extra blank line appears.
            range.end += 1;
        } else if range.is_empty() && !rows.is_empty() {
            // New rows of an empty block: on lines of their own, before the blank line.
            if !out[..range.start].ends_with('\n') {
                rows.insert(0, '\n');
            }
            rows.push('\n');
        }
        out.replace_range(range, &rows);
    }
    out
}
