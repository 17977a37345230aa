//! The `line` format's record: one row as `column = value` lines, the column names
//! right-aligned so the `=` signs line up (DuckDB's `.mode line`, psql's `\x`). Values are
//! whole, never cut: on a terminal a long value wraps at spaces to the width, its further
//! lines indented under its first; elsewhere it stays on one line. `table` lays records
//! out (`Layout::Records`), blank lines between them; this module writes one.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// A value is never squeezed narrower than this; past it, lines run over the width.
const MIN_VALUE: usize = 16;

/// `headers` and `cells` (already one line each, controls escaped) as a record, each
/// value wrapped to `width` terminal columns when given.
pub fn record(headers: &[String], cells: &[String], width: Option<usize>) -> String {
    let name_width = headers.iter().map(|h| h.width()).max().unwrap_or(0);
    let indent = " ".repeat(name_width + 3);
    let room = width.map(|w| w.saturating_sub(name_width + 3).max(MIN_VALUE));
    let mut out = String::new();
    // Trimmed: a name with nothing after its `=` leaves no trailing space.
    let mut push = |line: String| {
        out.push_str(line.trim_end());
        out.push('\n');
    };
    for (header, cell) in headers.iter().zip(cells) {
        let lines = room.map_or_else(|| vec![cell.clone()], |room| wrap(cell, room));
        let pad = " ".repeat(name_width - header.width());
        push(format!("{pad}{header} = {}", lines[0]));
        for more in &lines[1..] {
            push(format!("{indent}{more}"));
        }
    }
    out
}

/// `text` in lines of at most `room` terminal columns, broken at spaces where it can be
/// and inside a word (between grapheme clusters) where a word alone is wider.
fn wrap(text: &str, room: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut used = 0;
    for word in text.split_inclusive(' ') {
        let bare = word.trim_end_matches(' ').width();
        if used > 0 && used + bare > room {
            lines.push(String::new());
            used = 0;
        }
        let line = lines.last_mut().expect("one line at least");
        if used + bare <= room {
            line.push_str(word);
            used += word.width();
            continue;
        }
        for g in word.graphemes(true) {
            let w = g.width();
            if used + w > room && used > 0 && g != " " {
                lines.push(String::new());
                used = 0;
            }
            lines.last_mut().expect("one line at least").push_str(g);
            used += w;
        }
    }
    lines.iter().map(|l| l.trim_end().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    use super::{record, wrap};

    #[test]
    fn names_line_up_and_long_values_wrap_under_their_first_line() {
        let headers = ["entity".to_string(), "kind".to_string()];
        let cells = ["North Korean workers in Poland (dprk-workers-poland)".to_string(), "worker_group".to_string()];
        assert_eq!(
            record(&headers, &cells, None),
            "entity = North Korean workers in Poland (dprk-workers-poland)\n  kind = worker_group\n"
        );
        assert_eq!(
            record(&headers, &cells, Some(40)),
            "entity = North Korean workers in Poland\n         (dprk-workers-poland)\n  kind = worker_group\n"
        );
    }

    #[test]
    fn wrapping_keeps_every_character_and_fits_the_room() {
        for (text, room) in [
            ("a very long word: Przedsiębiorstwo-Handlowo-Usługowe", 10),
            ("東京都庁 東京都庁東京都庁東京都庁", 5),
            ("👩\u{200d}💻👩\u{200d}💻👩\u{200d}💻 ok", 3),
            ("", 16),
        ] {
            let lines = wrap(text, room);
            assert!(lines.iter().all(|l| l.width() <= room), "{lines:?}");
            let joined: String = lines.concat();
            assert_eq!(joined.replace(' ', ""), text.replace(' ', ""), "{lines:?}");
        }
    }
}
