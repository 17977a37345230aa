//! A session: the loaded graph and the settings a person changes while working (format,
//! timing, rows, pager, the last answer), and the execution of statements and
//! meta-commands. Shared by the interactive shell and piped input, so both behave the same;
//! only the shell on a terminal fits tables to it, caps their rows and pages
//! ([`Session::on_terminal`]).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::commands::{self, Command};
use super::pager::Pager;
use crate::data::{DataSource, OpenError};
use crate::diag::{self, Style};
use crate::fsutil::write_atomic;
use crate::graph::KnowledgeGraph;
use crate::graphviz::GraphvizError;
use crate::query::{self, Failure, Rows, Settings};
use crate::render::screen::DEFAULT_MAX_ROWS;
use crate::render::{self, Format, ProduceError, Produced, Screen, Subject};

/// Where a session's text came from, for error locations.
pub struct Origin<'a> {
    /// Name shown in diagnostics: "input", "stdin", a script's path.
    pub name: &'a str,
    /// The whole text the statement is part of.
    pub text: &'a str,
    /// Byte offset of the statement in `text`.
    pub offset: usize,
}

/// What running a piece of input did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
    Quit,
}

pub struct Session {
    pub kg: KnowledgeGraph,
    /// Which graph is loaded, in words: "the built-in graph" or a folder.
    pub label: String,
    pub format: Format,
    pub timing: bool,
    pub last: Option<Rows>,
    pub cancel: Arc<AtomicBool>,
    pub timeout: Duration,
    /// Whether answers are fitted to standard output's terminal and paged; false for piped
    /// input and output, which are printed whole.
    terminal: bool,
    /// `:rows`: the most rows a table prints on the terminal (None: all).
    pub max_rows: Option<usize>,
    /// `:pager on|off`.
    pub pager: bool,
    pub style: Style,
    /// Counts graph loads, so that views of the graph (completion) know to refresh.
    pub generation: u64,
    /// The scripts `:run` is inside, outermost first, with where each was started.
    running: Vec<(PathBuf, String)>,
}

/// How deep `:run` may nest scripts that run scripts. Scripts have no conditions, so a
/// script that runs itself, directly or through others, never ends; that is refused at
/// once. This bounds chains of distinct files too, well before the stack would.
const MAX_NESTING: usize = 16;

impl Session {
    pub fn new(kg: KnowledgeGraph, label: String) -> Session {
        Session {
            kg,
            label,
            format: Format::Table,
            timing: false,
            last: None,
            cancel: Arc::new(AtomicBool::new(false)),
            timeout: Duration::from_secs(120),
            terminal: false,
            max_rows: Some(DEFAULT_MAX_ROWS),
            pager: true,
            style: Style::Plain,
            generation: 0,
            running: Vec::new(),
        }
    }

    /// Prints answers for standard output's terminal, when it is one: tables fitted to its
    /// width (measured for each answer, so a resized window is followed) and capped at
    /// `max_rows`, long answers through the pager unless `pager` is false.
    pub fn on_terminal(&mut self, pager: bool) {
        self.terminal = std::io::stdout().is_terminal();
        self.pager = pager;
    }

    /// What an answer printed now may take, and the pager that shows it.
    fn screen(&self) -> (Screen, Pager) {
        if !self.terminal {
            return (Screen::whole(), Pager::NEVER);
        }
        let screen = Screen::of_stdout(self.max_rows)
            .saying(":format line shows them whole", ":rows all prints them; :save FILE writes them");
        (screen, Pager::of_stdout(self.pager))
    }

    /// "kgq: the built-in graph, 366 entities, 809 relations. :help for help, :quit to leave."
    pub fn banner(&self) -> String {
        format!(
            "kgq: {}, {} entities, {} relations. Type :help for help, :quit to leave.",
            self.label,
            self.kg.entity_count(),
            self.kg.relation_count()
        )
    }

    /// Runs one statement or meta-command.
    pub fn execute(&mut self, piece: &str, origin: &Origin, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
        if piece.starts_with(':') {
            return match commands::parse(piece) {
                Ok(command) => self.command(command, origin, out, err),
                Err(message) => {
                    // The message quotes what was typed, which may hold control characters.
                    let _ = writeln!(err, "{}", diag::visible_lines(&message));
                    Outcome::Failed
                }
            };
        }
        self.cancel.store(false, Ordering::SeqCst);
        let settings = Settings { timeout: self.timeout, cancel: Some(&self.cancel) };
        let started = Instant::now();
        let result = query::run(&self.kg, piece, &settings);
        let elapsed = started.elapsed();
        match result {
            Ok((rows, written)) => {
                let format = written.unwrap_or(self.format);
                // An image would garble the terminal: it is kept for `:save`, not printed.
                if format == Format::Png {
                    let _ = writeln!(out, "(a PNG image: :save FILE writes it)");
                    self.last = Some(rows);
                    return Outcome::Ok;
                }
                let (screen, pager) = self.screen();
                let produced = match self.produce(&rows, format, &screen) {
                    Ok(produced) => produced,
                    Err(message) => {
                        let _ = writeln!(err, "{}", diag::visible_lines(&message));
                        return Outcome::Failed;
                    }
                };
                let text = String::from_utf8_lossy(&produced.bytes);
                let paged = pager.wants(&text) && {
                    let _ = out.flush();
                    pager.show(&text)
                };
                if !paged && !self.write_interruptibly(&text, out) {
                    let _ = writeln!(err, "\ncancelled");
                    return Outcome::Failed;
                }
                let _ = err.write_all(diag::visible_lines(&produced.aside).as_bytes());
                if self.timing {
                    let _ = writeln!(out, "(time: {:.1} ms)", elapsed.as_secs_f64() * 1000.0);
                }
                self.last = Some(rows);
                Outcome::Ok
            }
            // Cancelling is what the person asked for: no error report, just the word.
            Err(Failure::Eval(query::EvalError::Cancelled)) => {
                let _ = writeln!(err, "cancelled");
                Outcome::Failed
            }
            Err(failure) => {
                let report = failure.render(origin.name, origin.text, origin.offset, self.style);
                let _ = err.write_all(report.as_bytes());
                Outcome::Failed
            }
        }
    }

    /// Writes a long answer in pieces, stopping if Ctrl-C is pressed; false when stopped.
    fn write_interruptibly(&self, text: &str, out: &mut dyn Write) -> bool {
        let mut rest = text;
        while !rest.is_empty() {
            if self.cancel.load(Ordering::SeqCst) {
                return false;
            }
            // Pieces of about 16 KiB, cut at a line end.
            let cut = (0..=rest.len().min(16 * 1024)).rev().find(|&i| rest.is_char_boundary(i)).unwrap_or(0);
            let cut = rest[cut..].find('\n').map_or(rest.len(), |n| cut + n + 1);
            let _ = out.write_all(&rest.as_bytes()[..cut]);
            rest = &rest[cut..];
        }
        let _ = out.flush();
        true
    }

    fn command(&mut self, command: Command, origin: &Origin, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
        // A failed `:data` reports rendered diagnostics (escaped already, perhaps coloured);
        // every other failure quotes what was typed, shown escaped.
        let rendered = matches!(command, Command::Data(_));
        let result = match command {
            Command::Quit => return Outcome::Quit,
            // `:help fields` names the graph's attributes: shown escaped, like tables.
            Command::Help(topic) => commands::help(topic.as_deref(), &self.kg).map(|text| {
                let _ = out.write_all(diag::visible_lines(&text).as_bytes());
            }),
            Command::Format(f) => {
                self.format = f;
                Ok(())
            }
            Command::Timing(on) => {
                self.timing = on;
                Ok(())
            }
            Command::Rows(max) => {
                self.max_rows = max;
                Ok(())
            }
            Command::Pager(on) => {
                self.pager = on;
                Ok(())
            }
            // Names and titles come from the data: shown escaped, like tables.
            Command::Schema => {
                let _ = out.write_all(diag::visible_lines(&commands::schema(&self.kg)).as_bytes());
                Ok(())
            }
            Command::Sources => {
                let _ = out.write_all(diag::visible_lines(&commands::sources(&self.kg)).as_bytes());
                Ok(())
            }
            Command::Dot(path) => self.save(&path, Format::Dot, err),
            Command::Save(path) => self.save(&path, self.format, err),
            Command::Data(dir) => self.load(&dir).map(|()| {
                let (e, r) = (self.kg.entity_count(), self.kg.relation_count());
                let loaded = format!("loaded {}: {e} entities, {r} relations", self.label);
                let _ = writeln!(err, "{}", diag::visible(&loaded));
            }),
            Command::Run(path) => return self.run_nested(&path, origin, out, err),
        };
        match result {
            Ok(()) => Outcome::Ok,
            Err(message) if rendered => {
                let _ = writeln!(err, "{message}");
                Outcome::Failed
            }
            Err(message) => {
                let _ = writeln!(err, "{}", diag::visible_lines(&message));
                Outcome::Failed
            }
        }
    }

    fn save(&self, path: &Path, format: Format, err: &mut dyn Write) -> Result<(), String> {
        let rows = self.last.as_ref().ok_or("no result yet: run a statement first")?;
        let produced = self.produce(rows, format, &Screen::whole())?;
        write_atomic(path, &produced.bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let _ = err.write_all(diag::visible_lines(&produced.aside).as_bytes());
        // Said on standard error, so that piped answers stay answers only.
        let wrote = format!("wrote {} ({}, {} bytes)", path.display(), format.name(), produced.bytes.len());
        let _ = writeln!(err, "{}", diag::visible(&wrote));
        Ok(())
    }

    /// An answer in `format` through `render::produce`, as the command line writes it, or
    /// why it cannot be, in words.
    fn produce(&self, rows: &Rows, format: Format, screen: &Screen) -> Result<Produced, String> {
        let options = render::dot::Options::default();
        render::produce(&self.kg, Subject::Answer(rows), format, &options, screen).map_err(|e| match e {
            ProduceError::TooLarge(e) => format!("{e}\n  help: {}", e.help()),
            ProduceError::Graphviz(GraphvizError::Failed { status, stderr }) => {
                format!("{stderr}Graphviz `dot` failed ({status})")
            }
            other => other.to_string(),
        })
    }

    /// `:data PATH`: a folder, one data file or a snapshot, opened as `--data` opens it.
    /// On failure the current graph stays loaded.
    fn load(&mut self, dir: &Path) -> Result<(), String> {
        let dataset = DataSource::at(dir).open(|_| {}).map_err(|err| match err {
            OpenError::Unreadable { message, help } => {
                let help = help.map_or(String::new(), |help| format!("\n  help: {help}"));
                diag::visible_lines(&format!("{message}{help}")).into_owned()
            }
            OpenError::Invalid { files, errors, .. } => format!(
                "{}{} has {}; the current graph stays loaded",
                diag::render(&errors, &files.map, self.style),
                diag::visible(&dir.display().to_string()),
                diag::plural(errors.len(), "error")
            ),
        })?;
        self.kg = KnowledgeGraph::build(dataset);
        self.label = dir.display().to_string();
        self.last = None;
        self.generation += 1;
        Ok(())
    }

    /// `:run FILE` from `origin`: refuses a script already running (a cycle) and chains
    /// deeper than [`MAX_NESTING`], naming where the `:run` is and the chain of scripts.
    fn run_nested(&mut self, path: &Path, origin: &Origin, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
        let (line, col) = diag::line_col(origin.text, origin.offset);
        let here = format!("{}:{line}:{col}", origin.name);
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let cycle = self.running.iter().any(|(p, _)| *p == canonical);
        if cycle || self.running.len() >= MAX_NESTING {
            let mut chain: Vec<String> = self.running.iter().map(|(_, at)| at.clone()).collect();
            chain.push(format!("{here} runs {}", path.display()));
            let (problem, help) = if cycle {
                (
                    format!("`:run {}` would run a script inside itself, which never ends", path.display()),
                    "remove the `:run` that leads back to a script already running",
                )
            } else {
                (format!("`:run` nests more than {MAX_NESTING} scripts deep"), "run fewer scripts inside one another")
            };
            let report = format!("kgq: {here}: {problem}\n  chain: {}\n  help: {help}", chain.join(" → "));
            let _ = writeln!(err, "{}", diag::visible_lines(&report));
            return Outcome::Failed;
        }
        self.running.push((canonical, format!("{here} runs {}", path.display())));
        let outcome = self.run_file(path, out, err);
        self.running.pop();
        outcome
    }

    /// Runs every statement of a script file, in order; fails if any statement fails.
    pub fn run_file(&mut self, path: &Path, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
        let mut map = diag::SourceMap::default();
        let text = match crate::scripts::read(path, &mut map) {
            Ok((_, text)) => text,
            Err(problem) => {
                let _ = err.write_all(diag::render(&[problem], &map, self.style).as_bytes());
                return Outcome::Failed;
            }
        };
        // A script with assertions is checked as `kgq run` would; plain statements print answers.
        if crate::scripts::has_assertions(&text) {
            let options =
                crate::scripts::Options { style: Some(self.style), timeout: self.timeout, ..Default::default() };
            let summary = crate::scripts::run(&self.kg, &[path.to_path_buf()], &options, out);
            return if summary.passed_all() { Outcome::Ok } else { Outcome::Failed };
        }
        let name = path.display().to_string();
        self.run_text(&text, &name, false, out, err)
    }

    /// Runs every statement of `text`; with `bail`, stops at the first failure.
    pub fn run_text(
        &mut self,
        text: &str,
        name: &str,
        bail: bool,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Outcome {
        let mut outcome = Outcome::Ok;
        for piece in query::script::split(text) {
            let origin = Origin { name, text, offset: piece.span.start };
            match self.execute(&piece.text, &origin, out, err) {
                Outcome::Quit => return Outcome::Quit,
                Outcome::Failed if bail => return Outcome::Failed,
                Outcome::Failed => outcome = Outcome::Failed,
                Outcome::Ok => {}
            }
        }
        outcome
    }
}
