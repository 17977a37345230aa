//! The interactive shell (`kgq`, `kgq repl`): rustyline editing with completion, colours,
//! history and a continuation prompt for unfinished statements; Ctrl-C cancels a running
//! statement, not the session. When standard input is not a terminal, statements are read
//! from it without prompts or colours. The shell hands back whether any statement failed
//! (or what stopped it reading input); `cli` chooses the exit status.
//!
//! Lines typed ahead (several arriving in one read, as from a fast typist or a slow
//! network) each reach `readline` in turn: rustyline reads the terminal through a buffer of
//! its own, and without its `buffer-redux` feature (enabled in Cargo.toml) that buffer is
//! dropped when a `readline` returns, losing every byte read past the first line.

mod bindings;
mod commands;
mod helper;
mod pager;
mod session;

use std::io::{self, IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{ColorMode, Editor};

pub use helper::{Candidate, Vocabulary};
pub use session::{Outcome, Session};

use crate::diag::Style;
use crate::query::script::unfinished;

/// How the shell was started.
pub struct Options {
    pub history: bool,
    /// Piped input: stop at the first failing statement.
    pub bail: bool,
    /// Show answers taller than the terminal through a pager (`--no-pager` clears it).
    pub pager: bool,
}

const PROMPT: &str = "kgq> ";
const CONTINUATION: &str = " ...> ";

/// Runs the shell on `session`: whether any piped statement failed (an interactive session
/// ends `Ok` or `Quit`), or why input could not be read.
pub fn run(mut session: Session, options: &Options) -> Result<Outcome, String> {
    if !io::stdin().is_terminal() {
        return piped(&mut session, options);
    }
    interactive(session, options)
}

fn piped(session: &mut Session, options: &Options) -> Result<Outcome, String> {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text).map_err(|err| format!("cannot read standard input: {err}"))?;
    let (mut out, mut err) = (io::stdout().lock(), io::stderr().lock());
    Ok(session.run_text(&text, "stdin", options.bail, &mut out, &mut err))
}

/// Where history is kept: `$KGQ_HISTORY`, else the user's data folder.
fn history_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KGQ_HISTORY") {
        return Some(PathBuf::from(path));
    }
    dirs::data_dir().map(|d| d.join("kgq").join("history"))
}

fn interactive(mut session: Session, options: &Options) -> Result<Outcome, String> {
    let colour = Style::for_stdout() == Style::Colour;
    session.style = Style::for_stderr();
    session.on_terminal(options.pager);
    let config = Config::builder()
        .history_ignore_dups(true)
        .and_then(|b| b.max_history_size(10_000))
        .map(|b| b.completion_type(CompletionType::List).auto_add_history(false))
        .map(|b| b.color_mode(if colour { ColorMode::Enabled } else { ColorMode::Disabled }).build());
    let mut editor: Editor<helper::KgqHelper, FileHistory> =
        config.and_then(Editor::with_config).map_err(|err| format!("cannot start the line editor: {err}"))?;
    editor.set_helper(Some(helper::KgqHelper::new(&session.kg, colour)));
    let history = options.history.then(history_file).flatten();
    if let Some(path) = &history {
        // A missing history file is the normal first run.
        let _ = editor.load_history(path);
    }
    let cancel = Arc::clone(&session.cancel);
    if let Err(err) = ctrlc::set_handler(move || cancel.store(true, Ordering::SeqCst)) {
        eprintln!("kgq: Ctrl-C will not cancel statements: {err}");
    }
    println!("{}", session.banner());
    let status = read_loop(&mut session, &mut editor);
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(err) = editor.save_history(path) {
            eprintln!("kgq: cannot save history to {}: {err}", path.display());
        }
    }
    status
}

/// Reads and runs statements until `:quit` or Ctrl-D. Failures are reported as they come
/// and the session goes on, so it ends `Ok` (or with what stopped the line editor).
fn read_loop(session: &mut Session, editor: &mut Editor<helper::KgqHelper, FileHistory>) -> Result<Outcome, String> {
    let mut pending = String::new();
    let mut generation = session.generation;
    loop {
        let prompt = if pending.is_empty() { PROMPT } else { CONTINUATION };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            // Ctrl-C at the prompt drops what was typed, including unfinished lines.
            Err(ReadlineError::Interrupted) => {
                pending.clear();
                continue;
            }
            Err(ReadlineError::Eof) => return Ok(Outcome::Ok),
            Err(err) => return Err(err.to_string()),
        };
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(&line);
        if !pending.trim_start().starts_with(':') && unfinished(&pending) {
            continue;
        }
        let input = std::mem::take(&mut pending);
        if input.trim().is_empty() {
            continue;
        }
        // Leaving is not worth recalling: Up after a restart should bring back the last question.
        if !matches!(commands::parse(&input), Ok(commands::Command::Quit)) {
            let _ = editor.add_history_entry(input.as_str());
        }
        let (mut out, mut err) = (io::stdout(), io::stderr());
        if session.run_text(&input, "input", false, &mut out, &mut err) == Outcome::Quit {
            return Ok(Outcome::Ok);
        }
        // After `:data`, completion offers the new graph's names.
        if session.generation != generation {
            generation = session.generation;
            if let Some(h) = editor.helper_mut() {
                h.vocabulary = helper::Vocabulary::of(&session.kg);
            }
        }
    }
}
