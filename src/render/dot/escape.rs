//! Text from the data, made safe and readable inside a DOT picture: escaping for quoted
//! labels and tooltips, and breaking long names into lines.
//!
//! Graphviz reads a label in three passes, and each needs its own guard: the DOT lexer
//! ends a string at an unescaped `"`; escString processing reads `\N`, `\G`, `\l`, `\n`
//! and `\\`; and entity decoding turns `&amp;` into `&`. Tooltips go through escString
//! processing once more. `tests/fixtures/hostile` holds names that try each of these, and
//! the tests draw them with the real `dot` and read the names back.

/// Text for a quoted DOT string that Graphviz draws: node, edge and cluster labels
/// (and identifiers, which only need to stay distinct and inside their quotes).
///
/// A backslash is doubled (a literal
/// `\N` or a trailing backslash stays literal), a quote gets a backslash, `&` becomes
/// `&amp;`, a line break becomes `\n`, and other control characters become spaces (they
/// are not allowed in the SVG that Graphviz writes). Everything else, non-ASCII included,
/// is kept as UTF-8.
pub fn label(text: &str) -> String {
    escape(text, "\\\\")
}

/// Text for a quoted `tooltip` value. Graphviz unescapes tooltips once more than labels
/// (newlines first, then `\N` and friends), so a backslash takes four.
pub fn tooltip(text: &str) -> String {
    escape(text, "\\\\\\\\")
}

fn escape(text: &str, backslash: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str(backslash),
            '"' => out.push_str("\\\""),
            '&' => out.push_str("&amp;"),
            // A line break is `\n`, `\r\n` or a lone `\r`, and is drawn as one.
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text inside an HTML-like label (`label=<...>`), which Graphviz reads as XML: markup
/// characters become entities, and control characters, which XML does not allow at all,
/// become spaces. Backslashes are not escapes there, and stay as they are.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Names longer than this many characters are drawn on several lines.
const LINE: usize = 28;

/// A name broken at spaces into lines of about equal length, none longer than [`LINE`]
/// unless one word is: long names would otherwise make boxes too wide to lay out side by
/// side. Each break replaces one space, and a line break in the name stays one.
pub fn wrap(name: &str) -> String {
    let name = name.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<String> = name.split('\n').map(wrap_line).collect();
    lines.join("\n")
}

fn wrap_line(line: &str) -> String {
    let length = line.chars().count();
    let count = length.div_ceil(LINE).max(1);
    // The narrowest width that still needs no more than `count` lines: balanced lines.
    let mut width = length.div_ceil(count);
    loop {
        let lines = fill(line, width);
        if lines.len() <= count {
            return lines.join("\n");
        }
        width += 1;
    }
}

/// Greedy line filling at `width` characters.
fn fill(line: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for word in line.split(' ') {
        current = Some(match current {
            None => word.to_string(),
            Some(cur) if cur.chars().count() + 1 + word.chars().count() > width => {
                lines.push(cur);
                word.to_string()
            }
            Some(cur) => format!("{cur} {word}"),
        });
    }
    lines.extend(current);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_quotes_backslashes_and_entities_literal() {
        assert_eq!(label(r#"Say "hi""#), r#"Say \"hi\""#);
        assert_eq!(label(r"ends in \"), r"ends in \\");
        assert_eq!(label(r"\N and \l"), r"\\N and \\l");
        assert_eq!(label("&amp; <b>"), "&amp;amp; <b>");
        assert_eq!(label("one\ntwo\r\nthree\rfour"), r"one\ntwo\nthree\nfour");
        assert_eq!(label("bell\u{7}tab\t."), "bell tab .");
        assert_eq!(label("Zażółć 🚀"), "Zażółć 🚀");
    }

    #[test]
    fn html_text_is_markup_free() {
        assert_eq!(html(r#"<b>&amp; "x" 'y' \N"#), r#"&lt;b&gt;&amp;amp; &quot;x&quot; &#39;y&#39; \N"#);
        assert_eq!(html("bell\u{7}line\nend"), "bell line end");
    }

    #[test]
    fn tooltips_double_the_backslash_escape() {
        assert_eq!(tooltip(r"\N"), r"\\\\N");
        assert_eq!(tooltip("a\nb"), r"a\nb");
    }

    #[test]
    fn no_text_can_close_the_quoted_string() {
        for text in [r#"\"#, r#"\""#, r#"""#, r#"\\""#, "x\\\n", r#"]; a [b="c"#] {
            for escaped in [label(text), tooltip(text)] {
                // Every quote is preceded by an odd number of backslashes, so it is escaped.
                let bytes = escaped.as_bytes();
                for (i, _) in escaped.match_indices('"') {
                    let run = bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count();
                    assert!(run % 2 == 1, "{text:?} escapes to {escaped:?}");
                }
                // And the string does not end inside an escape.
                let trailing = bytes.iter().rev().take_while(|&&b| b == b'\\').count();
                assert!(trailing % 2 == 0, "{text:?} escapes to {escaped:?}");
            }
        }
    }

    #[test]
    fn long_names_wrap_into_balanced_lines_at_spaces() {
        assert_eq!(wrap("Munitions Industry Department"), "Munitions Industry\nDepartment");
        assert_eq!(wrap("North Korean workers in the European Union"), "North Korean workers\nin the European Union");
        assert_eq!(wrap("Short name"), "Short name");
        assert_eq!(wrap("Line one\nLine two"), "Line one\nLine two");
        let long = "Trading companies affiliated with the Daesung General Bureau";
        assert!(wrap(long).lines().all(|l| l.chars().count() <= LINE), "{}", wrap(long));
        assert_eq!(wrap(long).replace('\n', " "), long, "each break replaces one space");
        let word = "Supercalifragilisticexpialidocious-and-then-some";
        assert_eq!(wrap(word), word, "a word longer than a line stays whole");
    }
}
