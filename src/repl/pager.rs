//! The shell's pager: an answer longer than the terminal is shown through `$PAGER`, or
//! `less` with `LESS=FRSX` when `PAGER` is not set (quit at once if it fits, keep colours,
//! chop long lines rather than fold them, leave the screen as it was), or printed when
//! neither can be started. Only the interactive shell pages, and only when standard output
//! is a terminal whose height is known (`LINES`, else the terminal's size); `:pager off`
//! and `--no-pager` turn it off. Besides Graphviz, the pager is
//! the one program kgq starts.
//!
//! Ctrl-C while the pager runs reaches the pager (which decides what it means) and the
//! shell's handler, which only raises the cancel flag the next statement clears.

use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};

/// Whether and when the shell pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pager {
    /// `:pager on|off`.
    pub on: bool,
    /// The terminal's lines; None when standard output is not a terminal or its height is
    /// unknown, and nothing is paged.
    pub height: Option<usize>,
}

impl Pager {
    /// Pages nothing: piped output and files.
    pub const NEVER: Pager = Pager { on: false, height: None };

    /// Standard output's pager, `on` unless `--no-pager`.
    pub fn of_stdout(on: bool) -> Pager {
        if !std::io::stdout().is_terminal() {
            return Pager { on, height: None };
        }
        let lines = std::env::var("LINES").ok().and_then(|l| l.trim().parse().ok()).filter(|&l: &usize| l > 0);
        let height = lines.or_else(|| terminal_size::terminal_size().map(|(_, h)| usize::from(h.0)));
        Pager { on, height }
    }

    /// Whether `text` goes through the pager: it is on, and the text would not fit the
    /// terminal with the prompt below it.
    pub fn wants(&self, text: &str) -> bool {
        self.on && self.height.is_some_and(|height| text.lines().count() >= height)
    }

    /// Shows `text` through the pager and waits for it to end. False when no pager could
    /// be started or `$PAGER` names no command: the caller prints the text instead.
    pub fn show(&self, text: &str) -> bool {
        let Some(mut command) = pager_command() else { return false };
        let Ok(mut child) = command.stdin(Stdio::piped()).spawn() else { return false };
        if let Some(mut input) = child.stdin.take() {
            // A pager quit early (`q` in less) closes its input: the rest is not wanted.
            let _ = input.write_all(text.as_bytes());
        }
        // `sh` says when the command in PAGER cannot be found (127) or run (126); the
        // answer is then printed after its word.
        !matches!(child.wait().map(|status| status.code()), Ok(Some(126 | 127)))
    }
}

/// `$PAGER` (a command line, run by `sh`), or `less` with `LESS=FRSX` unless `LESS` is set;
/// None when `PAGER` is empty or neither is there.
fn pager_command() -> Option<Command> {
    match std::env::var("PAGER") {
        Ok(pager) if pager.trim().is_empty() => None,
        Ok(pager) => {
            let mut command = Command::new("sh");
            command.arg("-c").arg(pager);
            Some(command)
        }
        Err(_) => {
            let path = std::env::var_os("PATH")?;
            let less = std::env::split_paths(&path).map(|dir| dir.join("less")).find(|p| p.is_file())?;
            let mut command = Command::new(less);
            if std::env::var_os("LESS").is_none() {
                command.env("LESS", "FRSX");
            }
            Some(command)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Pager;

    #[test]
    fn only_text_taller_than_a_known_terminal_is_paged() {
        let pager = Pager { on: true, height: Some(3) };
        assert!(!pager.wants("a\nb\n"));
        assert!(pager.wants("a\nb\nc\n"));
        assert!(!Pager { on: false, ..pager }.wants("a\nb\nc\n"));
        assert!(!Pager { on: true, height: None }.wants("a\nb\nc\n"));
    }
}
