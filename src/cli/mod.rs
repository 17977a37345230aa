//! The command line: argument definitions and one handler per command.
//!
//! Handlers call the library's stage functions and render their results and diagnostics;
//! this is the edge where errors are printed and turned into exit codes: every handler
//! returns `Result<(), Termination>` and [`main`] alone prints the termination's report and
//! chooses the status ([`termination`] says which status means what).

mod datasets;
mod output;
mod termination;

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

pub use output::{ClusterArg, PictureArgs, RankdirArg, TableArgs};
use output::{check_destination, emit, export, produce, write_produced};
pub use termination::Termination;

use crate::builder;
use crate::data::{self, DataFiles, DataSource, OpenError, Step, snapshot};
use crate::diag::{self, Diagnostic, Style};
use crate::fsutil::write_atomic;
use crate::graph::KnowledgeGraph;
use crate::query::{self, Rows, Settings};
use crate::render::{self, Format, Subject};
use crate::repl;
use crate::scripts;

#[derive(Parser, Debug)]
#[command(name = "kgq", version, about = "Build a knowledge graph from curated data files and ask it questions.")]
pub struct Cli {
    /// Use this graph-data folder, one .csv or .jsonl file of entities, a FollowTheMoney
    /// stream (.ftm.json), or a snapshot file from `kgq build`, instead of the built-in graph.
    /// Given more than once, the datasets are one graph (`builtin` names the built-in graph).
    #[arg(long, global = true, value_name = "DIR|FILE")]
    pub data: Vec<PathBuf>,

    /// When to colour: auto (on a terminal, unless NO_COLOR is set or TERM=dumb; always
    /// with CLICOLOR_FORCE or FORCE_COLOR), always, or never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: clap::ColorChoice,

    /// The shell (`kgq` alone) keeps no history file.
    #[arg(long)]
    pub no_history: bool,

    /// The shell (`kgq` alone) stops at the first failing statement of piped input.
    #[arg(long)]
    pub bail: bool,

    /// The shell (`kgq` alone) prints long answers straight to the terminal, not through
    /// $PAGER.
    #[arg(long)]
    pub no_pager: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The interactive shell (also what `kgq` alone starts); reads statements from standard
    /// input when it is not a terminal.
    Repl {
        /// Keep no history file.
        #[arg(long)]
        no_history: bool,
        /// Stop at the first failing statement of piped input.
        #[arg(long)]
        bail: bool,
        /// Print long answers straight to the terminal, not through $PAGER (`:pager off`).
        #[arg(long)]
        no_pager: bool,
        /// Stop each statement after this many seconds (Ctrl-C stops one sooner).
        #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
        timeout: f64,
    },
    /// Validate graph-data and report every problem (exit 1 if any).
    Check {
        /// The graph-data folder to check (default: --data, else the built-in graph).
        dir: Option<PathBuf>,
        /// Also verify every evidence locator against the source documents in this folder.
        #[arg(long, value_name = "DIR")]
        sources: Option<PathBuf>,
        /// Treat warnings (isolated entities, uncited sources, stray files) as problems.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Validate graph-data and write it as a binary snapshot that `--data FILE` loads fast.
    Build {
        /// The graph-data folder (default: --data, else the built-in graph).
        dir: Option<PathBuf>,
        /// The snapshot file to write (atomically; `-` is standard output).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Counts: entities by kind, relations by kind, evidence by source.
    Stats {
        /// Aligned text for people, or JSON for programs.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// For each source document: the lines that name a known entity and that no evidence
    /// locator cites (exit 1 if a document is below --min).
    Coverage {
        /// The graph-data folder (default: --data, else the built-in graph); lines it leaves
        /// unused on purpose are listed in its coverage.toml.
        dir: Option<PathBuf>,
        /// The folder of source documents (default: the KGQ_SOURCES environment variable).
        #[arg(long, value_name = "DIR")]
        sources: Option<PathBuf>,
        /// Aligned text for people, or JSON for programs.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Fail (exit 1) if a document has less than this percentage of its lines that name
        /// entities cited or waived.
        #[arg(long, value_name = "PERCENT")]
        min: Option<f64>,
    },
    /// What a document that is not yet a source says about the graph: the entities each line
    /// names, candidate relations between entities named together, recurring unknown names.
    Mentions {
        /// The document (plain text).
        file: PathBuf,
        /// text for people, json for programs, or toml: a skeleton of records to finish by
        /// hand and add to graph-data.
        #[arg(long, value_enum, default_value_t = MentionsFormat::Text)]
        format: MentionsFormat,
        /// The source id the skeleton's evidence cites (add the document to sources.toml under it).
        #[arg(long, value_name = "ID", default_value = "new")]
        source: String,
        /// Write to this file (atomically) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write the whole graph, or a query's result, as data or as a picture.
    Export {
        /// What to write: the graph's data (json), an answer's table (table, csv, markdown,
        /// line; needs --query), or a picture (dot, graph-json, svg, png). Without it, the
        /// extension of -o says (`.json`, `.csv`, `.md`, `.dot`, `.graph.json`, `.svg`, `.png`,
        /// `.txt`).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Export this statement's result instead of the whole graph.
        #[arg(long, value_name = "STATEMENT")]
        query: Option<String>,
        /// Write to this file (atomically; devices and pipes are written through, links
        /// followed, an existing file keeps its permissions) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        picture: PictureArgs,
    },
    /// Run scripts of statements and assertions; the last line reads "N passed, N failed"
    /// (exit 1 if any failed, 2 if a script cannot be read or parsed).
    Run {
        /// The scripts to run (`.kgq` files of statements and assertions), in this order.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Stop at the first failing assertion or statement.
        #[arg(long)]
        bail: bool,
        /// Stop each statement after this many seconds (it then fails).
        #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
        timeout: f64,
        /// Print only failures and the summary.
        #[arg(long)]
        quiet: bool,
        /// Print each statement as written, with its answer, so the script reads as a report.
        #[arg(long, conflicts_with = "quiet")]
        echo: bool,
        /// Also write the results as JUnit XML to this file.
        #[arg(long, value_name = "OUT.xml")]
        junit: Option<PathBuf>,
        /// Rewrite expected-output blocks with the actual rows (in place, atomically).
        #[arg(long)]
        update: bool,
    },
    /// Run one statement and print its result (exit 1 if the statement fails).
    Query {
        /// A statement of the query language, e.g. 'connect "Poland" and "Malta"'.
        statement: String,
        /// Output format; `as FORMAT` at the end of the statement takes precedence, and
        /// without either the extension of -o says (`.csv`, `.svg`, ...), else a table.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write the answer to this file (atomically, as `export -o` does) instead of standard
        /// output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        picture: PictureArgs,
        #[command(flatten)]
        table: TableArgs,
        /// Stop the statement after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
        timeout: f64,
    },
    /// Print a completion script for a shell, e.g. `kgq completions bash >
    /// ~/.local/share/bash-completion/completions/kgq` (see the README for zsh and fish).
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print kgq's manual page (roff), e.g. `kgq man > ~/.local/share/man/man1/kgq.1`.
    Man,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum MentionsFormat {
    Text,
    Json,
    Toml,
}

/// Parses the process arguments, runs the command, prints what a failure leaves to say and
/// exits with its status (see [`Termination`]).
pub fn main() -> ExitCode {
    let ended = match Cli::try_parse() {
        Ok(cli) => run(cli),
        // clap says what is wrong (on standard error) or gives help or the version (on
        // standard output, a success).
        Err(err) => {
            let _ = err.print();
            if err.use_stderr() { Err(Termination::Usage(String::new())) } else { Ok(()) }
        }
    };
    match ended {
        Ok(()) => ExitCode::SUCCESS,
        Err(ending) => {
            eprint!("{}", ending.report());
            ExitCode::from(ending.code())
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), Termination> {
    diag::set_colouring(match cli.color {
        clap::ColorChoice::Auto => diag::Colouring::Auto,
        clap::ColorChoice::Always => diag::Colouring::Always,
        clap::ColorChoice::Never => diag::Colouring::Never,
    });
    let command = cli.command.unwrap_or(Command::Repl {
        no_history: cli.no_history,
        bail: cli.bail,
        no_pager: cli.no_pager,
        timeout: 120.0,
    });
    let data = cli.data.as_slice();
    // A command's own folder argument, else what --data names.
    let source = |dir: Option<PathBuf>| dir.map_or_else(|| DataSource::given(data), |dir| DataSource::at(&dir));
    match command {
        Command::Repl { no_history, bail, no_pager, timeout } => {
            let timeout = seconds(timeout)?;
            let label = if data.is_empty() { "the built-in graph".to_string() } else { DataSource::given(data).name() };
            let options = repl::Options {
                history: !(no_history || cli.no_history),
                bail: bail || cli.bail,
                pager: !(no_pager || cli.no_pager),
            };
            let mut session = repl::Session::new(load_graph(data)?, label);
            session.timeout = timeout;
            match repl::run(session, &options) {
                Ok(repl::Outcome::Failed) => Err(Termination::Problems(String::new())),
                Ok(repl::Outcome::Ok | repl::Outcome::Quit) => Ok(()),
                Err(stopped) => Err(Termination::usage(stopped)),
            }
        }
        Command::Build { dir, output } => build(&source(dir), &output),
        Command::Check { dir, sources, deny_warnings } => check(&source(dir), sources.as_deref(), deny_warnings),
        Command::Stats { format } => {
            let stats = load_graph(data)?.stats();
            let text = match format {
                ReportFormat::Text => diag::visible_lines(&render::stats::text(&stats)).into_owned(),
                ReportFormat::Json => to_json(&stats),
            };
            emit(text.as_bytes())
        }
        Command::Export { format, query, output, picture } => {
            let Some(format) = format.or_else(|| output.as_deref().and_then(Format::of_file)) else {
                return Err(Termination::usage(
                    "give --format json|table|csv|markdown|line|dot|graph-json|svg|png, or -o FILE with one of their extensions",
                ));
            };
            export(&load_graph(data)?, format, query.as_deref(), output.as_deref(), picture)
        }
        Command::Run { files, bail, timeout, quiet, echo, junit, update } => {
            let timeout = seconds(timeout)?;
            // CI reads the last line: a graph that does not load is one failure, and no
            // script ran.
            let kg = load_graph(data).or_else(|ending| {
                let junit = junit.as_deref().map(|path| {
                    let source = if data.is_empty() { "graph-data".into() } else { DataSource::given(data).name() };
                    scripts::write_unloaded_junit(path, &source, ending.report())
                });
                emit(b"0 passed, 1 failed\n")?;
                match junit {
                    Some(Err(unwritten)) => Err(ending.after(&format!("kgq: {unwritten}\n"))),
                    _ => Err(ending),
                }
            })?;
            let style = Some(Style::for_stdout());
            // Echoed answers fit a terminal's width, and every row is printed.
            let screen = render::Screen::of_stdout(None).saying("redirect the output to see them whole", "");
            let options = scripts::Options { bail, quiet, echo, screen, update, junit, timeout, style };
            // The run has reported on standard output; only the status is left to choose.
            let summary = scripts::run(&kg, &files, &options, &mut io::stdout().lock());
            match summary {
                scripts::Summary { broken: true, .. } => Err(Termination::Usage(String::new())),
                scripts::Summary { failed: 0, .. } => Ok(()),
                _ => Err(Termination::Problems(String::new())),
            }
        }
        Command::Coverage { dir, sources, format, min } => coverage(&source(dir), sources, format, min),
        Command::Mentions { file, format, source, output } => mentions(data, &file, format, &source, output.as_deref()),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "kgq", &mut script);
            emit(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .map_err(|err| Termination::usage(format!("cannot write the manual page: {err}")))?;
            emit(&page)
        }
        Command::Query { statement, format, output: path, picture, table, timeout } => {
            let timeout = seconds(timeout)?;
            let kg = load_graph(data)?;
            let (rows, written) = run_statement(&kg, &statement, &Settings { timeout, cancel: None })?;
            let output =
                written.or(format).or_else(|| path.as_deref().and_then(Format::of_file)).unwrap_or(Format::Table);
            check_destination(output, picture, path.as_deref())?;
            let screen = table.screen(path.is_none());
            write_produced(path.as_deref(), &produce(&kg, Subject::Answer(&rows), output, picture, &screen)?)
        }
    }
}

/// A `--timeout`: a positive number of seconds.
fn seconds(timeout: f64) -> Result<Duration, Termination> {
    Duration::try_from_secs_f64(timeout)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or_else(|| Termination::usage("--timeout must be a positive number of seconds"))
}

/// Runs one statement; a failure carries its error with a caret under the query text.
fn run_statement(kg: &KnowledgeGraph, text: &str, settings: &Settings) -> Result<(Rows, Option<Format>), Termination> {
    query::run(kg, text, settings)
        .map_err(|failure| Termination::Problems(failure.render("query", text, 0, Style::for_stderr())))
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut out = serde_json::to_string_pretty(value).expect("plain data serialises");
    out.push('\n');
    out
}

/// The graph-data files of a source (a folder, one data file, an FtM stream, the built-in copy).
fn read_files(source: &DataSource) -> Result<DataFiles, Termination> {
    source.files().map_err(refused)
}

/// What a source that gave no dataset leaves to say.
fn refused(err: OpenError) -> Termination {
    match err {
        OpenError::Unreadable { message, help } => {
            let help = help.map_or(String::new(), |help| format!("  help: {help}\n"));
            Termination::Usage(format!("kgq: {message}\n{help}"))
        }
        OpenError::Invalid { files, errors } => {
            let report = diag::render(&errors, &files.map, Style::for_stderr());
            // The command that shows these errors with the warnings beside them.
            let check = format!("kgq check {}", diag::visible(&files.root));
            Termination::problem(format!(
                "the graph-data has {}; run `{check}` for details",
                diag::plural(errors.len(), "error")
            ))
            .after(&report)
        }
    }
}

fn build(source: &DataSource, output: &Path) -> Result<(), Termination> {
    if output.as_os_str() == "-" && io::stdout().is_terminal() {
        return Err(Termination::usage(
            "refusing to write a binary snapshot to the terminal; give -o FILE, or redirect: -o - > graph.snap",
        ));
    }
    let dataset = if matches!(source, DataSource::Several(_)) {
        source.open(|_| {}).map_err(refused)?
    } else {
        let files = read_files(source)?;
        let loaded = data::load(&files);
        let Some(dataset) = loaded.dataset else {
            let errors: Vec<Diagnostic> = loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
            let report = diag::render(&errors, &files.map, Style::for_stderr());
            let summary = format!("{}: {}; nothing was written\n", files.root, diag::plural(errors.len(), "error"));
            return Err(Termination::Problems(report + &summary));
        };
        dataset
    };
    let bytes = snapshot::encode(&dataset);
    write_atomic(output, &bytes)
        .map_err(|err| Termination::usage(format!("cannot write {}: {err}", output.display())))?;
    let (e, r) = (dataset.entities.len(), dataset.relations.len());
    let summary = format!("{}: {e} entities, {r} relations, {} bytes\n", output.display(), bytes.len());
    // A snapshot written to standard output (`-o -`) is followed by nothing on it.
    if output.as_os_str() == "-" {
        eprint!("{summary}");
        return Ok(());
    }
    emit(summary.as_bytes())
}

/// The graph `--data` names (see [`DataSource`]), or the built-in one.
fn load_graph(data: &[PathBuf]) -> Result<KnowledgeGraph, Termination> {
    let mut progress = Progress(None);
    // The files' text is freed inside `open`, before the graph takes memory.
    let dataset = DataSource::given(data)
        .open(|Step::Validating { bytes }| {
            progress = Progress::start(bytes);
            progress.stage("validating");
        })
        .map_err(|err| {
            progress.finish();
            refused(err)
        })?;
    progress.stage("building the graph");
    let kg = KnowledgeGraph::build(dataset);
    progress.finish();
    Ok(kg)
}

/// A spinner on the terminal while a large folder loads; nothing for small folders or
/// when standard error is not a terminal (indicatif draws nothing there).
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// Loads under this many bytes of data finish before a spinner would be read.
    const THRESHOLD: usize = 16 << 20;

    fn start(bytes: usize) -> Progress {
        if bytes < Self::THRESHOLD {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        let style =
            indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("the template is valid");
        bar.set_style(style);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar.set_prefix(format!("{} MB", bytes >> 20));
        Progress(Some(bar))
    }

    fn stage(&self, what: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(format!("{what} {}", bar.prefix()));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

fn check(source: &DataSource, sources: Option<&Path>, deny_warnings: bool) -> Result<(), Termination> {
    if let DataSource::Several(all) = source {
        return datasets::check_several(all, sources, deny_warnings);
    }
    let files = read_files(source)?;
    if let Some(src) = sources.filter(|s| !s.is_dir()) {
        return Err(Termination::usage(format!("--sources {}: no such folder", src.display())));
    }
    // The accepted records are verified against the documents even when other records
    // have errors, so that every problem is reported in one run.
    let (dataset, mut diags) = data::load_accepted(&files);
    diags.extend(builder::waivers::read(&files, &dataset).1);
    data::sort(&mut diags);
    let mut verified = 0;
    if let Some(dir) = sources {
        diags.extend(data::verify_sources(&dataset, dir));
        data::sort(&mut diags);
        // Imported records have no lines to verify.
        verified =
            dataset.entity_evidence().chain(dataset.relation_evidence()).filter(|ev| ev.record.is_none()).count();
    }
    let report = diag::render(&diags, &files.map, Style::for_stderr());
    // Without a folder the copy built into kgq is checked: say so, since a `graph-data`
    // folder beside it may differ.
    let root = if *source == DataSource::Builtin { format!("{} (built in)", files.root) } else { files.root.clone() };
    let failed = diags.iter().any(|d| d.is_error() || deny_warnings);
    if failed {
        return Err(Termination::Problems(format!("{report}{root}: {}\n", diag::summary(&diags))));
    }
    // Warnings are reported and the check passes.
    eprint!("{report}");
    let locators = if sources.is_some() { format!(", {verified} evidence locators verified") } else { String::new() };
    let warnings =
        if diags.is_empty() { String::new() } else { format!(" ({})", diag::plural(diags.len(), "warning")) };
    let (e, r) = (dataset.entities.len(), dataset.relations.len());
    emit(format!("{root}: ok, {e} entities, {r} relations{locators}{warnings}\n").as_bytes())
}

fn coverage(
    source: &DataSource,
    sources: Option<PathBuf>,
    format: ReportFormat,
    min: Option<f64>,
) -> Result<(), Termination> {
    let Some(sources) = sources.or_else(|| std::env::var_os("KGQ_SOURCES").map(PathBuf::from)) else {
        return Err(Termination::usage("give --sources DIR, the folder of the source documents (or set KGQ_SOURCES)"));
    };
    if !sources.is_dir() {
        return Err(Termination::usage(format!("--sources {}: no such folder", sources.display())));
    }
    if let Some(min) = min.filter(|m| !(0.0..=100.0).contains(m)) {
        return Err(Termination::usage(format!("--min {min}: give a percentage from 0 to 100")));
    }
    let files = read_files(source)?;
    let loaded = data::load(&files);
    let Some(dataset) = loaded.dataset else {
        return Err(refused(OpenError::Invalid {
            errors: loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect(),
            files: Box::new(files),
        }));
    };
    let (waivers, problems) = builder::waivers::read(&files, &dataset);
    let measured =
        if problems.is_empty() { builder::coverage::measure(&dataset, &waivers, &sources) } else { Err(problems) };
    let report = measured.map_err(|problems| {
        let report = diag::render(&problems, &files.map, Style::for_stderr());
        Termination::Problems(format!("{report}coverage not measured: {}\n", diag::summary(&problems)))
    })?;
    let text = match format {
        ReportFormat::Text => diag::visible_lines(&report.text()).into_owned(),
        ReportFormat::Json => to_json(&report),
    };
    emit(text.as_bytes())?;
    let Some(min) = min else { return Ok(()) };
    let below = report.below(min);
    if below.is_empty() {
        return Ok(());
    }
    let which: Vec<String> = below.iter().map(|d| format!("{} ({:.1}%)", d.source, d.percent)).collect();
    Err(Termination::problem(format!("below --min {min}%: {}", which.join(", "))))
}

fn mentions(
    data: &[PathBuf],
    file: &Path,
    format: MentionsFormat,
    source: &str,
    output: Option<&Path>,
) -> Result<(), Termination> {
    let unreadable = |why: String| Termination::usage(format!("cannot read {}: {why}", file.display()));
    let bytes = data::read_regular(file, data::MAX_FILE_BYTES).map_err(|err| unreadable(err.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".into()))?;
    let dataset = DataSource::given(data).open(|_| {}).map_err(refused)?;
    let found = builder::mentions::find(&dataset, &text);
    let out = match format {
        MentionsFormat::Text => diag::visible_lines(&found.text()).into_owned(),
        MentionsFormat::Json => to_json(&found),
        MentionsFormat::Toml => found.toml(source),
    };
    match output {
        None => emit(out.as_bytes()),
        Some(path) => {
            write_atomic(path, out.as_bytes())
                .map_err(|err| Termination::usage(format!("cannot write {}: {err}", path.display())))?;
            eprintln!("wrote {}", diag::visible(&path.display().to_string()));
            Ok(())
        }
    }
}
