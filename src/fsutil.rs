//! Writing output files atomically: a temporary file in the same folder, then a rename, so
//! a reader never sees half a file and a failed write never destroys the old one.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kgq-").suffix(".tmp");
    // A temporary file is private (0600) by default, but the file it becomes is ordinary
    // output (a picture for a report, an export to share): readable as the umask allows,
    // like any file a program creates.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn written_files_get_the_permissions_of_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a temporary folder");
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, "x").expect("write");
        let atomic = dir.path().join("atomic.txt");
        write_atomic(&atomic, b"x").expect("write atomically");
        let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode(&atomic), mode(&plain));
    }
}
