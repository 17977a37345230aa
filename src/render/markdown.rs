//! Results as GitHub-flavoured markdown, for pasting into reports: the tables the CSV
//! writer makes (`csv::tables`: an entity's card, the rows, a `connect` ranking's paths,
//! with each path's relations and evidence), as pipe tables with entities by name and id,
//! then the answer's notes, one paragraph each.
//!
//! Every cell is data and is written so that it reads as text and nothing else: control
//! characters and line breaks as the visible escapes tables use (`\n`, `\e`), `<`, `>` and
//! `&` as HTML entities (no tag or entity from the data reaches a renderer), and every
//! other character markdown gives a meaning (`|`, `\`, `` ` ``, `*`, `_`, `[`, `]`, `#`,
//! `~`, `!`, `$`, ...) behind a backslash, so no cell makes a heading, a link, an image,
//! code, emphasis, maths or a footnote, and none ends its cell early. A URL in the data is
//! left as written; some renderers link it, showing the same text.

use super::csv::{Cells, tables};
use crate::graph::KnowledgeGraph;
use crate::query::Rows;

/// An answer as markdown: its tables, an empty line between, then its notes.
pub fn render(kg: &KnowledgeGraph, rows: &Rows) -> String {
    let mut parts = Vec::new();
    for table in tables(kg, rows, Cells::Names) {
        let mut text = row(&table.header);
        text.push_str(&format!("|{}\n", " --- |".repeat(table.header.len())));
        for record in table.records {
            // Past the budget the answer is refused whole (see `render::produce`): stop writing.
            if text.len() > super::ANSWER_BUDGET {
                break;
            }
            text.push_str(&row(&record));
        }
        parts.push(text);
    }
    if rows.rows.is_empty() && rows.notes.is_empty() {
        parts.push("_(no rows)_\n".to_string());
    }
    parts.extend(rows.notes.iter().map(|note| format!("_({})_\n", escape(note))));
    parts.join("\n")
}

/// `| a | b |` and a line break.
fn row(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| escape(c)).collect();
    format!("| {} |\n", cells.join(" | "))
}

/// A cell's text, shown as itself by any markdown renderer (see the module's doc).
pub fn escape(text: &str) -> String {
    let visible = crate::diag::visible(text);
    let mut out = String::with_capacity(visible.len() + 8);
    let chars: Vec<char> = visible.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let inside_word = |at: Option<usize>| at.and_then(|at| chars.get(at)).is_some_and(|c| c.is_alphanumeric());
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // Inside a word (`part_of`) an underscore can neither open nor close emphasis.
            '_' if inside_word(i.checked_sub(1)) && inside_word(Some(i + 1)) => out.push(c),
            // What stays plain means something only at the start of a line (`-`, `+`, `=`),
            // after a `]` (`(`), or nothing; a cell is never at the start of a line.
            c if c.is_ascii_punctuation() && !"\"'(),-./:;=?%+@".contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn data_cannot_make_markup() {
        assert_eq!(escape("a|b"), r"a\|b");
        assert_eq!(escape("<script>alert(1)</script>"), r"&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(escape("# heading"), r"\# heading");
        assert_eq!(escape("`code` *em* _em_ [link](x) ![img](y)"), r"\`code\` \*em\* \_em\_ \[link\](x) \!\[img\](y)");
        assert_eq!(escape("line\nbreak"), r"line\\nbreak");
        assert_eq!(escape("\u{1b}[2J"), r"\\e\[2J");
        assert_eq!(escape("&amp; $x$ 50%"), r"&amp;amp; \$x\$ 50%");
        assert_eq!(escape("Kim Jong-un (kim-jong-un), 2017."), "Kim Jong-un (kim-jong-un), 2017.");
        assert_eq!(escape("part_of _x_ a_ _b snake_case_"), r"part_of \_x\_ a\_ \_b snake_case\_");
    }
}
