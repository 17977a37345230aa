//! Splitting text into statements: a statement ends at `;` or at the end of a line, unless
//! it is plainly unfinished there (a quote or bracket still open, or the line ends with a
//! comma, a comparison or a word such as `and`, `to`, `via`, `where`), in which case it
//! continues on the next line. Comments are the grammar's ([`starts_comment`]) and which
//! words continue a line is said in the keyword table ([`super::syntax::KEYWORDS`]).

use std::ops::Range;

use super::syntax::{keyword, starts_comment};

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The statement, without its `;` and surrounding space.
    pub text: String,
    /// Byte range of `text` in the script.
    pub span: Range<usize>,
    /// 1-based line the statement starts on.
    pub line: usize,
}

/// What is still open at the end of some text.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Open {
    pub quote: Option<char>,
    pub depth: i32,
}

impl Open {
    /// Whether a statement cut here would be incomplete.
    pub fn is_open(&self) -> bool {
        self.quote.is_some() || self.depth > 0
    }
}

/// Whether `text` (one statement so far) plainly needs more: open quotes or brackets, or a
/// trailing comma, comparison or continuing word.
pub fn unfinished(text: &str) -> bool {
    // A shell command (`:help count`) is one line, whatever word it ends with.
    if text.trim_start().starts_with(':') {
        return false;
    }
    let mut state = Open::default();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        i = step(&chars, i, &mut state).1;
    }
    if state.is_open() {
        return true;
    }
    let code = strip_comments(text);
    let code = code.trim_end();
    if code.ends_with([',', '=', '<', '>']) {
        return true;
    }
    let last = code.rsplit(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("");
    let before = &code[..code.len() - last.len()];
    // A bare word only: `"Poland and"` inside quotes or `c.to` are not trailing keywords.
    let bare = before.is_empty() || before.ends_with(char::is_whitespace);
    bare && keyword(last).is_some_and(|k| k.continues)
}

/// Advances over one character (or a comment); returns whether it ended a statement and the
/// next index.
fn step(chars: &[(usize, char)], i: usize, state: &mut Open) -> (bool, usize) {
    let c = chars[i].1;
    if let Some(q) = state.quote {
        if c == '\\' {
            return (false, i + 2);
        }
        if c == q {
            state.quote = None;
        }
        return (false, i + 1);
    }
    match c {
        '"' | '\'' => state.quote = Some(c),
        '(' | '[' | '{' => state.depth += 1,
        ')' | ']' | '}' => state.depth -= 1,
        '-' if starts_comment(chars[i..].iter().map(|&(_, c)| c)) => {
            let mut j = i;
            while j < chars.len() && chars[j].1 != '\n' {
                j += 1;
            }
            return (false, j);
        }
        ';' => return (true, i + 1),
        '\n' if state.depth <= 0 => return (true, i + 1),
        _ => {}
    }
    (false, i + 1)
}

/// Splits a script into statements, dropping empty ones and comments.
pub fn split(text: &str) -> Vec<Piece> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut state = Open::default();
    let mut start = 0;
    let mut i = 0;
    let push = |from: usize, to: usize, out: &mut Vec<Piece>| {
        let raw = &text[from..to];
        let body = strip_comments(raw);
        let trimmed = body.trim();
        if trimmed.is_empty() {
            return;
        }
        let lead = body.len() - body.trim_start().len();
        let span = from + lead..from + lead + trimmed.len();
        let line = text[..span.start].matches('\n').count() + 1;
        out.push(Piece { text: trimmed.to_string(), span, line });
    };
    while i < chars.len() {
        let (ends, next) = step(&chars, i, &mut state);
        let line_end = chars[i].1 == '\n';
        // A shell command (`:help "x`) is its one line, whatever quotes or brackets it holds.
        let command = line_end && text[start..chars[i].0].trim_start().starts_with(':');
        if command || (ends && !(line_end && unfinished(&text[start..chars[i].0]))) {
            let end = chars[i].0;
            push(start, end, &mut out);
            start = chars.get(next).map_or(text.len(), |&(b, _)| b);
            state = Open::default();
        }
        i = next;
    }
    push(start, text.len(), &mut out);
    out
}

/// Replaces comments with spaces, keeping byte offsets.
fn strip_comments(text: &str) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut state = Open::default();
    let mut i = 0;
    while i < chars.len() {
        let (_, next) = step(&chars, i, &mut state);
        let comment = state.quote.is_none() && next > i + 1 && starts_comment(chars[i..].iter().map(|&(_, c)| c));
        let end = chars.get(next).map_or(text.len(), |&(b, _)| b);
        let piece = &text[chars[i].0..end];
        if comment {
            // One space per byte, so offsets into the original text still hold.
            out.extend(std::iter::repeat_n(' ', piece.len()));
        } else {
            out.push_str(piece);
        }
        i = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        split(s).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn statements_end_at_semicolons_and_line_ends() {
        assert_eq!(texts("show a; show b\nfind *\n\n"), ["show a", "show b", "find *"]);
    }

    #[test]
    fn open_quotes_and_brackets_continue_the_statement() {
        assert_eq!(texts("show \"a\nb\"\nmatch (a\n)-->(b) return a"), ["show \"a\nb\"", "match (a\n)-->(b) return a"]);
        assert!(unfinished("connect \"Poland"));
        assert!(unfinished("match (a)-[r"));
        assert!(!unfinished("show \"a;b\""));
    }

    #[test]
    fn a_shell_command_never_continues() {
        assert!(!unfinished(":help count"));
        assert!(!unfinished("  :help match"));
        assert!(unfinished("count"));
        assert_eq!(texts(":help \"x\ncount *\n:run [a\nshow x"), [":help \"x", "count *", ":run [a", "show x"]);
    }

    #[test]
    fn trailing_commas_and_keywords_continue_the_statement() {
        assert_eq!(
            texts("connect \"Poland\" and\n  \"Malta\" via employs,\n works_in\nshow x"),
            ["connect \"Poland\" and\n  \"Malta\" via employs,\n works_in", "show x"]
        );
        assert!(unfinished("find * where"));
        assert!(!unfinished("show \"Poland and\""));
        assert!(!unfinished("show rungrado -- and"));
        assert!(!unfinished("find * order by name"));
    }

    #[test]
    fn comments_are_dropped_but_edges_are_not() {
        assert_eq!(
            texts("-- a comment\nshow a -- trailing\nmatch (a)--(b) return a"),
            ["show a", "match (a)--(b) return a"]
        );
        assert_eq!(texts("show \"a -- b\""), ["show \"a -- b\""]);
    }

    #[test]
    fn pieces_know_their_line_and_span() {
        let text = "show a\n\n  find *;count *";
        let pieces = split(text);
        assert_eq!(pieces.iter().map(|p| p.line).collect::<Vec<_>>(), [1, 3, 3]);
        assert_eq!(&text[pieces[1].span.clone()], "find *");
    }
}
