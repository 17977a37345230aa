//! `kgq run --echo`: each statement as written, then its answer as `kgq query` prints it,
//! so that a script reads as a report. The statement's lines carry the shell's prompts
//! (`kgq> `, ` ...> `), which tell them from the answer's lines. A statement that fails is
//! echoed too; its failure is reported after it, located, like any other.

use std::io::Write;

use crate::diag;
use crate::format::Format;
use crate::graph::KnowledgeGraph;
use crate::query::{Failure, Rows};
use crate::render::{self, Subject};

/// Writes `statement` as written and, when it ran, its answer. An answer too large to
/// show says so, and the run goes on. The caller ends the record with a blank line, after
/// its verdict.
pub fn echo(
    kg: &KnowledgeGraph,
    statement: &str,
    result: &Result<(Rows, Option<Format>), Failure>,
    screen: &render::Screen,
    out: &mut dyn Write,
) {
    for (n, line) in statement.lines().enumerate() {
        let prompt = if n == 0 { "kgq> " } else { " ...> " };
        let _ = writeln!(out, "{prompt}{}", diag::visible(line));
    }
    let Ok((rows, written)) = result else { return };
    let format = written.unwrap_or(Format::Table);
    match render::produce(kg, Subject::Answer(rows), format, &render::dot::Options::default(), screen) {
        Ok(produced) => {
            let _ = out.write_all(&produced.bytes);
            if !produced.bytes.is_empty() && !produced.bytes.ends_with(b"\n") {
                let _ = writeln!(out);
            }
            let _ = out.write_all(diag::visible_lines(&produced.aside).as_bytes());
        }
        Err(err) => {
            let _ = writeln!(out, "(the answer is not shown: {})", diag::visible_lines(&err.to_string()));
        }
    }
}
