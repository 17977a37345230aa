//! How text from data or from a query is shown on a terminal: a character that would act
//! instead of show (an escape sequence, a bell, a bidirectional override) is written as a
//! visible escape.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether printing `c` to a terminal could act rather than show: C0 and C1 controls and
/// DEL (escape sequences, bells, carriage returns), and the characters that reorder or
/// break the text after them (bidirectional overrides, isolates and marks, line and
/// paragraph separators).
pub fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{2028}' | '\u{2029}')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text for a terminal, one line of it: every character that [`acts_on_terminal`] is
/// written as an escape: `\n`, `\r`, `\t`, `\e` (escape), `\x07` (other ASCII
/// controls), `\u{9b}` (the rest).
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, |_| true)
}

/// Like [`visible`], but line breaks stay line breaks: for printouts of several lines.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c != '\n')
}

fn escape(text: &str, wanted: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| acts_on_terminal(c) && wanted(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts_on_terminal(c) && wanted(c) {
            push_escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

pub(super) fn push_escape(c: char, out: &mut String) {
    let _ = match c {
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\t' => out.write_str("\\t"),
        '\u{1b}' => out.write_str("\\e"),
        c if c.is_ascii() => write!(out, "\\x{:02x}", u32::from(c)),
        c => write!(out, "\\u{{{:x}}}", u32::from(c)),
    };
}
