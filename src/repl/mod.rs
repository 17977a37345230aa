//! The interactive shell (`kgq`, `kgq repl`): rustyline editing with completion, colours,
//! history and a continuation prompt for unfinished statements; Ctrl-C cancels a running
//! statement, not the session. When standard input is not a terminal, statements are read
//! from it without prompts or colours, and the exit status says whether any failed.

mod commands;
mod helper;
mod session;

use std::io::{self, IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{ColorMode, Editor};

pub use session::{Outcome, Session};

use crate::diag::Style;
use crate::query::script::unfinished;

/// How the shell was started.
pub struct Options {
    pub history: bool,
    /// Piped input: stop at the first failing statement.
    pub bail: bool,
}

const PROMPT: &str = "kgq> ";
const CONTINUATION: &str = " ...> ";

/// Runs the shell on `session`; returns the exit status.
pub fn run(mut session: Session, options: &Options) -> u8 {
    if !io::stdin().is_terminal() {
        return piped(&mut session, options);
    }
    interactive(session, options)
}

fn piped(session: &mut Session, options: &Options) -> u8 {
    let mut text = String::new();
    if let Err(err) = io::stdin().read_to_string(&mut text) {
        eprintln!("kgq: cannot read standard input: {err}");
        return 2;
    }
    let (mut out, mut err) = (io::stdout().lock(), io::stderr().lock());
    match session.run_text(&text, "stdin", options.bail, &mut out, &mut err) {
        Outcome::Failed => 1,
        Outcome::Ok | Outcome::Quit => 0,
    }
}

/// Where history is kept: `$KGQ_HISTORY`, else the user's data folder.
fn history_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KGQ_HISTORY") {
        return Some(PathBuf::from(path));
    }
    dirs::data_dir().map(|d| d.join("kgq").join("history"))
}

fn interactive(mut session: Session, options: &Options) -> u8 {
    let colour = Style::for_stdout() == Style::Colour;
    session.style = Style::for_stderr();
    session.width = terminal_size::terminal_size().map(|(w, _)| usize::from(w.0));
    let config = Config::builder()
        .history_ignore_dups(true)
        .and_then(|b| b.max_history_size(10_000))
        .map(|b| b.completion_type(CompletionType::List).auto_add_history(false))
        .map(|b| b.color_mode(if colour { ColorMode::Enabled } else { ColorMode::Disabled }).build());
    let mut editor: Editor<helper::KgqHelper, FileHistory> = match config.and_then(Editor::with_config) {
        Ok(editor) => editor,
        Err(err) => {
            eprintln!("kgq: cannot start the line editor: {err}");
            return 2;
        }
    };
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

fn read_loop(session: &mut Session, editor: &mut Editor<helper::KgqHelper, FileHistory>) -> u8 {
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
            Err(ReadlineError::Eof) => return 0,
            Err(err) => {
                eprintln!("kgq: {err}");
                return 2;
            }
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
            return 0;
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
