//! Reading a script file for `kgq run` and the shell's `:run`: UTF-8 text of a bounded
//! size. A file that is not (binary, another encoding, a device that never ends) is a
//! diagnostic pointing at the first byte that is not text, never a bare IO error.

use std::io::Read;
use std::path::Path;

use crate::diag::{Diagnostic, FileId, Location, SourceMap};

/// A script larger than this is not a script (and `/dev/zero` would never end).
const MAX_BYTES: u64 = 64 << 20;

/// Reads the script at `path` into `map`; on failure, the problem (located when it is in
/// the file's content).
pub fn read(path: &Path, map: &mut SourceMap) -> Result<(FileId, String), Diagnostic> {
    let name = path.display().to_string();
    let cannot = |reason: String| {
        Diagnostic::error(format!("cannot read script {name}: {reason}"))
            .help("give the path of a .kgq script file (UTF-8 text)")
    };
    let file = std::fs::File::open(path).map_err(|e| cannot(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes).map_err(|e| cannot(e.to_string()))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(cannot(format!("it is larger than {} MiB", MAX_BYTES >> 20)));
    }
    let valid = std::str::from_utf8(&bytes).map_or_else(|e| e.valid_up_to(), |_| bytes.len());
    // The first problem is reported: a NUL byte (binary), or a byte that is not UTF-8.
    let nul = bytes[..valid].iter().position(|&b| b == 0);
    let text = match String::from_utf8(bytes) {
        Ok(text) if nul.is_none() => text,
        Err(err) if nul.is_some() => {
            let at = nul.expect("a NUL byte was found");
            let file = map.add(name.clone(), String::from_utf8_lossy(err.as_bytes()).into_owned());
            return Err(not_text(file, at..at + 1, "a NUL byte: this looks like a binary file"));
        }
        Ok(text) => {
            let at = nul.expect("a NUL byte was found");
            let file = map.add(name.clone(), text);
            return Err(not_text(file, at..at + 1, "a NUL byte: this looks like a binary file"));
        }
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            // Every byte before `at` is valid, so the lossy text has the same offsets up to
            // the first replacement character, which the caret points at.
            let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let file = map.add(name.clone(), lossy);
            return Err(not_text(file, at..at + '\u{fffd}'.len_utf8(), "a byte that is not UTF-8 text"));
        }
    };
    let file = map.add(name, text.clone());
    Ok((file, text))
}

fn not_text(file: FileId, span: std::ops::Range<usize>, what: &str) -> Diagnostic {
    Diagnostic::error(format!("the script is not UTF-8 text: it holds {what}"))
        .at(Location::new(file, span), "here")
        .help("a .kgq script is UTF-8 text: save it as UTF-8, or leave this file out of the run")
}
