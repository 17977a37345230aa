//! Evidence verification: every `{ source, line, quote }` locator must point at a line of
//! the cited document that contains the quote.
//!
//! Comparison normalises whitespace and typographic quote marks only; everything else
//! (case, punctuation) must match, so a quote is verbatim. Reads the source documents and
//! nothing else: a source's `file` must name a regular file inside the `--sources` folder
//! (no `..`, no absolute path, no link leading out), or the data could make `check` read
//! any file on the machine and, through "the quote occurs on line N", tell what it holds.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::Dataset;
use crate::diag::Diagnostic;
use crate::model::{Evidence, Source};

/// Collapses whitespace runs to one space and maps curly quotes and apostrophes to straight ones.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(straight_quote(c));
    }
    out
}

/// A typographic quote mark or apostrophe as its straight ASCII form; other characters as
/// they are.
pub fn straight_quote(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        other => other,
    }
}

/// Checks every evidence locator of `data` against the documents in `dir`.
pub fn verify_sources(data: &Dataset, dir: &Path) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut documents: HashMap<&str, Vec<String>> = HashMap::new();
    // An imported dataset (a source without a file that records cite) has no document: its
    // evidence is records, not lines.
    let evidence = || data.entity_evidence().chain(data.relation_evidence());
    let imported: std::collections::HashSet<&str> =
        evidence().filter(|ev| ev.record.is_some()).map(|ev| &*ev.source).collect();
    for source in data.sources.iter().filter(|s| !(s.file.is_empty() && imported.contains(s.id.as_str()))) {
        match read_document(dir, source) {
            Ok(text) => {
                documents.insert(&source.id, text.lines().map(normalise).collect());
            }
            Err(diag) => diags.push(diag),
        }
    }
    for ev in evidence() {
        if let Some(lines) = documents.get(&*ev.source).filter(|_| ev.record.is_none()) {
            diags.extend(check_locator(ev, lines));
        }
    }
    diags
}

/// The text of `source`'s document in `dir`, or an error at its declaration that says what
/// is wrong and how to fix it.
pub fn read_document(dir: &Path, source: &Source) -> Result<String, Diagnostic> {
    let path = document_path(dir, &source.file).map_err(|problem| {
        Diagnostic::error(format!("source `{}`: `file = \"{}\"` {problem}", source.id, source.file))
            .at(source.origin.clone(), "declared here")
            .help(format!(
                "`file` names a document inside {}, such as `{}.txt` or `reports/{}.txt`",
                dir.display(),
                source.id,
                source.id
            ))
    })?;
    // A document is read like a data file: a regular file of bounded size, UTF-8.
    let unreadable = |why: String| {
        Diagnostic::error(format!("cannot read source `{}` at {}: {why}", source.id, path.display()))
            .at(source.origin.clone(), "declared here")
            .help(format!("put {} in {}, or correct `file`", source.file, dir.display()))
    };
    let bytes =
        super::files::read_regular(&path, super::files::MAX_FILE_BYTES).map_err(|err| unreadable(err.to_string()))?;
    String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".into()))
}

/// Where a source's document is, when `file` names a regular file inside `dir`; otherwise
/// what is wrong, in words that end the sentence "`file = "..."` ...". A missing file is
/// left to the read that follows, which says so.
fn document_path(dir: &Path, file: &str) -> Result<PathBuf, &'static str> {
    let inside = Path::new(file).components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !inside || file.is_empty() {
        return Err("is not a path inside the --sources folder");
    }
    let path = dir.join(file);
    let (Ok(real), Ok(root)) = (path.canonicalize(), dir.canonicalize()) else { return Ok(path) };
    if !real.starts_with(&root) {
        return Err("leads out of the --sources folder through a link");
    }
    if !std::fs::metadata(&real).is_ok_and(|m| m.is_file()) {
        return Err("is not a regular file");
    }
    Ok(real)
}

fn check_locator(ev: &Evidence, lines: &[String]) -> Option<Diagnostic> {
    let quote = normalise(&ev.quote);
    let index = ev.line as usize - 1;
    let Some(line) = lines.get(index) else {
        return Some(
            Diagnostic::error(format!("source {} has {} lines; there is no line {}", ev.source, lines.len(), ev.line))
                .at(ev.origin.clone(), "line out of range")
                .help(hint(&quote, lines)),
        );
    };
    if line.contains(&quote) {
        return None;
    }
    Some(
        Diagnostic::error(format!("the quote is not on line {} of source {}", ev.line, ev.source))
            .at(ev.origin.clone(), "quote not found on that line")
            .help(hint(&quote, lines)),
    )
}

/// Where the quote does occur, if anywhere, so the fix is one edit.
fn hint(quote: &str, lines: &[String]) -> String {
    let found: Vec<String> =
        lines.iter().enumerate().filter(|(_, l)| l.contains(quote)).map(|(i, _)| (i + 1).to_string()).take(5).collect();
    match found.as_slice() {
        [] => "the quote occurs nowhere in that source: copy a short phrase verbatim from the cited line".into(),
        [one] => format!("the quote occurs on line {one}: set `line = {one}`"),
        many => format!("the quote occurs on lines {}: set `line` to the one meant", many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn normalises_space_and_quote_marks_only() {
        assert_eq!(normalise("  North\u{2019}s \n \u{201C}toughest\u{201D}  ever "), "North's \"toughest\" ever");
        assert_eq!(normalise("A-B, c."), "A-B, c.");
    }
}
