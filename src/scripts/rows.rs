//! The text of one expected row in a `----` block, so that any answer can be written by
//! `--update` and read back as exactly the same cells.
//!
//! Cells are joined by ` | `. Inside a cell a backslash is written `\\`, a bar `\|`, a line
//! break `\n`, a carriage return `\r`, a tab `\t`, any other control character (or
//! bidirectional control) `\xNN` or `\u{N}`. A line never ends in whitespace (editors and
//! the reader trim it): a cell's last whitespace character at the end of a row is written
//! `\u{N}`. A row whose text would be empty (one empty cell) is written `\empty`, since a
//! blank line ends the block.
//!
//! Reading is lenient, so blocks written by hand before this encoding still read as they
//! did: a backslash that starts none of these stays a backslash.

use std::fmt::Write as _;

use crate::diag::acts_on_terminal;

const SEPARATOR: &str = " | ";
const EMPTY_ROW: &str = "\\empty";

/// One row as a line of a block.
pub fn encode(cells: &[String]) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push_str(SEPARATOR);
        }
        for c in cell.chars() {
            match c {
                '\\' => line.push_str("\\\\"),
                '|' => line.push_str("\\|"),
                '\n' => line.push_str("\\n"),
                '\r' => line.push_str("\\r"),
                '\t' => line.push_str("\\t"),
                c if acts_on_terminal(c) && c.is_ascii() => {
                    let _ = write!(line, "\\x{:02x}", u32::from(c));
                }
                c if acts_on_terminal(c) => {
                    let _ = write!(line, "\\u{{{:x}}}", u32::from(c));
                }
                c => line.push(c),
            }
        }
    }
    if line.is_empty() {
        return EMPTY_ROW.to_string();
    }
    match line.chars().next_back() {
        // The space after the last bar, when the last cell is empty: `a | b |`.
        Some(' ') if cells.last().is_some_and(String::is_empty) => {
            line.pop();
        }
        // Whitespace that ends the last cell: escaped, or the reader would trim it.
        Some(c) if c.is_whitespace() => {
            line.truncate(line.len() - c.len_utf8());
            let _ = write!(line, "\\u{{{:x}}}", u32::from(c));
        }
        _ => {}
    }
    line
}

/// A line of a block (its trailing whitespace already trimmed) as the row's cells.
pub fn decode(line: &str) -> Vec<String> {
    if line == EMPTY_ROW {
        return vec![String::new()];
    }
    let mut cells = vec![String::new()];
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let cell = cells.last_mut().expect("there is always a cell");
        match c {
            '|' => cells.push(String::new()),
            '\\' => match escaped(&mut chars) {
                Some(c) => cell.push(c),
                None => cell.push('\\'),
            },
            c => cell.push(c),
        }
    }
    // Each bar stands between two spaces that belong to the separator, not to the cells.
    let last = cells.len() - 1;
    for (i, cell) in cells.iter_mut().enumerate() {
        if i < last && cell.ends_with(' ') {
            cell.pop();
        }
        if i > 0 && cell.starts_with(' ') {
            cell.remove(0);
        }
    }
    cells
}

/// The character an escape after a backslash stands for; None (and nothing consumed) for a
/// backslash that starts no escape.
fn escaped(chars: &mut std::iter::Peekable<std::str::Chars>) -> Option<char> {
    let mut ahead = chars.clone();
    let c = match ahead.next()? {
        '\\' => '\\',
        '|' => '|',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'x' => {
            let hex: String = ahead.by_ref().take(2).collect();
            let code = hex_number(&hex, 2)?;
            char::from_u32(code).filter(char::is_ascii)?
        }
        'u' => {
            if ahead.next()? != '{' {
                return None;
            }
            let mut hex = String::new();
            loop {
                match ahead.next()? {
                    '}' => break,
                    c if hex.len() < 6 => hex.push(c),
                    _ => return None,
                }
            }
            char::from_u32(hex_number(&hex, hex.len())?)?
        }
        _ => return None,
    };
    *chars = ahead;
    Some(c)
}

/// Exactly `digits` hexadecimal digits (1 to 6), as a number.
fn hex_number(text: &str, digits: usize) -> Option<u32> {
    let ok = (1..=6).contains(&digits) && text.len() == digits && text.chars().all(|c| c.is_ascii_hexdigit());
    ok.then(|| u32::from_str_radix(text, 16).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn cells(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn plain_rows_read_as_they_always_did() {
        assert_eq!(encode(&cells(&["Globex (globex)", "company", ""])), "Globex (globex) | company |");
        assert_eq!(decode("Globex (globex) | company |"), cells(&["Globex (globex)", "company", ""]));
        assert_eq!(decode(r"Ends in a backslash \ | \N \G"), cells(&[r"Ends in a backslash \", r"\N \G"]));
    }

    #[test]
    fn hostile_cells_round_trip() {
        for row in [
            cells(&[""]),
            cells(&["", ""]),
            cells(&["a | b", "line\nbreak", " padded  "]),
            cells(&["\u{1b}[2J", "\\empty", "tab\there\r", "\u{9b}\u{202e}"]),
            cells(&["ends in space "]),
            cells(&["\u{3000}"]),
            cells(&["\\u{41}", "\\x41", "\\"]),
        ] {
            let line = encode(&row);
            assert!(!line.contains('\n') && line.trim_end() == line && !line.trim().is_empty(), "{line:?}");
            assert_eq!(decode(&line), row, "{line:?}");
        }
    }

    proptest! {
        #[test]
        fn any_row_round_trips(row in prop::collection::vec(any::<String>(), 1..5)) {
            let line = encode(&row);
            prop_assert!(!line.contains(['\n', '\r']));
            prop_assert_eq!(line.trim_end(), line.as_str());
            prop_assert!(!line.trim().is_empty());
            prop_assert_eq!(decode(&line), row);
        }

        #[test]
        fn rows_of_bars_spaces_and_backslashes_round_trip(
            row in prop::collection::vec("[ |\\\\a\\n\\t]{0,6}", 1..4)
        ) {
            prop_assert_eq!(decode(&encode(&row)), row);
        }
    }
}
