//! What the place an answer is printed on allows a table: how many terminal columns it may
//! take, how many rows it prints, whether rules are drawn with box-drawing characters, and
//! what the notes under a cut or capped table tell the reader to do. The front ends (the
//! `kgq query` command, the shell) decide it once from their standard output with
//! [`Screen::of_stdout`]; everything else, files, pipes, `:save`, gets [`Screen::whole`]:
//! every cell and every row, exactly.
//!
//! The only environment this module reads is the terminal's: `COLUMNS`, the terminal's
//! size, and the locale variables (`LC_ALL`, `LC_CTYPE`, `LANG`).

use std::io::IsTerminal;

/// How many rows a table prints on a terminal unless told otherwise (`--max-rows`, `:rows`).
/// Fixed rather than the terminal's height: the same statement shows the same rows in any
/// window, and the shell's pager scrolls what does not fit.
pub const DEFAULT_MAX_ROWS: usize = 40;

/// The narrowest a column is cut to when a table must fit the width.
pub const MIN_COLUMN: usize = 8;

/// What a table may take and how it says what it left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    /// Terminal columns a table fits in by cutting its widest cells; None keeps cells whole.
    pub width: Option<usize>,
    /// The most rows a table prints; None prints them all.
    pub max_rows: Option<usize>,
    /// Rules drawn with `─` and cuts marked with `…`; otherwise ASCII `-` and `~`.
    pub unicode: bool,
    /// How to see cut cells whole, said in the note under a table with cut cells.
    pub see_whole: &'static str,
    /// How to see the rows a cap left out, said in the footer of a capped table.
    pub see_all: &'static str,
}

impl Default for Screen {
    fn default() -> Screen {
        Screen::whole()
    }
}

impl Screen {
    /// Everything, whole: what files, pipes and saved answers get.
    pub fn whole() -> Screen {
        Screen { width: None, max_rows: None, unicode: true, see_whole: "", see_all: "" }
    }

    /// Standard output's screen: on a terminal, its width (`COLUMNS` when set), `max_rows`,
    /// and box drawing when the locale says UTF-8; otherwise [`Screen::whole`] (a pipe gets
    /// every value, UTF-8 like the data it holds).
    pub fn of_stdout(max_rows: Option<usize>) -> Screen {
        if !std::io::stdout().is_terminal() {
            return Screen::whole();
        }
        let vars = |name: &str| std::env::var(name).ok();
        Screen {
            width: columns(vars("COLUMNS").as_deref())
                .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)).filter(|&w| w > 0)),
            max_rows,
            unicode: utf8_locale(vars),
            see_whole: "",
            see_all: "",
        }
    }

    /// The same screen, with the words its notes use for how to see everything.
    pub fn saying(self, see_whole: &'static str, see_all: &'static str) -> Screen {
        Screen { see_whole, see_all, ..self }
    }

    /// The rule under a header, `width` columns long.
    pub fn rule(&self, width: usize) -> String {
        (if self.unicode { "─" } else { "-" }).repeat(width)
    }

    /// What ends a cut cell.
    pub fn ellipsis(&self) -> char {
        if self.unicode { '…' } else { '~' }
    }
}

/// `COLUMNS`, when it holds a positive number (as shells set it, and as people set it to
/// ask for a width).
fn columns(value: Option<&str>) -> Option<usize> {
    value?.trim().parse().ok().filter(|&w: &usize| w > 0)
}

/// Whether the locale's character set is UTF-8: the first of `LC_ALL`, `LC_CTYPE` and
/// `LANG` that is set and not empty decides, as the C library decides; none means the "C"
/// locale, which is ASCII.
fn utf8_locale(var: impl Fn(&str) -> Option<String>) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()))
        .map(|locale| locale.to_ascii_lowercase())
        .is_some_and(|locale| locale.contains("utf-8") || locale.contains("utf8"))
}

#[cfg(test)]
mod tests {
    use super::{columns, utf8_locale};

    #[test]
    fn the_first_locale_variable_set_decides() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
        };
        assert!(utf8_locale(env(&[("LANG", "en_GB.UTF-8")])));
        assert!(utf8_locale(env(&[("LC_CTYPE", "C.utf8"), ("LANG", "C")])));
        assert!(!utf8_locale(env(&[("LC_ALL", "C"), ("LANG", "en_GB.UTF-8")])));
        assert!(utf8_locale(env(&[("LC_ALL", ""), ("LANG", "de_DE.UTF-8")])), "an empty variable is not set");
        assert!(!utf8_locale(env(&[])), "no locale is the C locale");
        assert!(!utf8_locale(env(&[("LANG", "en_US.ISO-8859-1")])));
    }

    #[test]
    fn columns_is_a_positive_number_or_nothing() {
        assert_eq!(columns(Some("80")), Some(80));
        assert_eq!(columns(Some(" 120 ")), Some(120));
        assert_eq!(columns(Some("0")), None);
        assert_eq!(columns(Some("wide")), None);
        assert_eq!(columns(None), None);
    }
}
