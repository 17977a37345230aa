//! Writing output files: the one writer behind every `-o`, `--junit`, `--update`, `:save`
//! and `kgq build`. It writes exactly where the user said and nothing else:
//!
//! - a regular file (new or existing) is replaced atomically, by a temporary file in the
//!   same folder and a rename, so a reader never sees half a file and a failed write never
//!   destroys the old one; an existing file keeps its permissions (and, where the process
//!   may set it, its owner);
//! - a symbolic link is followed: the file it points to is replaced atomically, beside
//!   itself, and the link stays a link (as `sed -i --follow-symlinks`, editors and most
//!   tools do);
//! - anything else that exists (`/dev/null`, a terminal, a named pipe) is written straight
//!   through, never replaced by a regular file; so is standard output, named `-` or by a
//!   path that is the same file (`/dev/stdout`), which keeps its position and append mode.
//!
//! Output made as it is written ([`write_atomic_with`]: an export of a large graph) goes
//! the same ways through a buffer, so it is never held whole: the temporary file takes it
//! as it comes and is renamed only once all of it is written and synced; a failure half
//! way, in the writing or in what is being written, removes the temporary file and leaves
//! the old file as it was.
//!
//! Errors name the path the user gave, never the temporary file.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// More links than this in a chain is a loop (Linux stops at 40 too).
const MAX_LINKS: usize = 40;

/// The buffer between a writer of many small pieces and the file or stream: large enough
/// that writing costs few system calls, small beside any output worth streaming.
const BUFFER: usize = 256 << 10;

/// Writes `bytes` to `path`: atomically for files, straight through for devices, pipes and
/// standard output (`-`). The error's text is the reason only; callers name `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

/// Writes what `write` writes to `path`, as [`write_atomic`] writes bytes, without holding
/// it: `write` gets a buffered writer to the temporary file (or the stream) and its first
/// error stops everything. An error `write` returns is the write's error: for a file, the
/// temporary file is removed and the target left untouched; a reader that went away
/// (`| head`) is not an error, and `write` sees it as its writer failing, so it stops.
pub fn write_atomic_with(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    write_to(path, write).map_err(reason_only)
}

fn write_to(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    if path.as_os_str() == "-" {
        return write_stream(&mut io::stdout().lock(), write);
    }
    match std::fs::metadata(path) {
        Ok(meta) if is_stream(&meta, &io::stdout()) => write_stream(&mut io::stdout().lock(), write),
        Ok(meta) if is_stream(&meta, &io::stderr()) => write_stream(&mut io::stderr().lock(), write),
        Ok(meta) if meta.is_dir() => Err(io::Error::new(io::ErrorKind::IsADirectory, "it is a folder")),
        // A device, pipe or socket: opened as it is, without creating or truncating.
        Ok(meta) if !meta.is_file() => write_stream(&mut OpenOptions::new().write(true).open(path)?, write),
        Ok(meta) => replace(&resolve_links(path)?, write, Some(&meta)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => replace(&resolve_links(path)?, write, None),
        Err(err) => Err(err),
    }
}

/// Writes to an open stream; a reader that went away (`| head`) is not an error.
fn write_stream(out: &mut dyn Write, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    match buffered(out, write) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Runs `write` on a buffer in front of `out`, then empties the buffer into it. After an
/// error nothing more is written (the buffer is dropped, not flushed).
fn buffered(out: &mut dyn Write, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut buf = BufWriter::with_capacity(BUFFER, out);
    let written = write(&mut buf).and_then(|()| buf.flush());
    // Dropping a BufWriter flushes it; after a failure that would write more of a broken
    // output, so what it holds is let go instead.
    let _ = buf.into_parts();
    written
}

/// Whether `meta` is the very file the process's standard stream is (`/dev/stdout`,
/// `/proc/self/fd/1`, or the file standard output is redirected to).
#[cfg(unix)]
fn is_stream(meta: &Metadata, stream: &impl std::os::fd::AsFd) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(fd) = stream.as_fd().try_clone_to_owned() else { return false };
    File::from(fd).metadata().is_ok_and(|own| own.dev() == meta.dev() && own.ino() == meta.ino())
}

#[cfg(not(unix))]
fn is_stream<T>(_: &Metadata, _: &T) -> bool {
    false
}

/// The path a chain of symbolic links ends at (which need not exist yet: a dangling link
/// gets its target created, as a shell's `>` does).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                // A relative target is relative to the folder holding the link.
                path = folder_of(&path).join(target);
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Replaces the regular file at `path` (or creates it) through a temporary file beside it.
fn replace(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    existing: Option<&Metadata>,
) -> io::Result<()> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kgq-").suffix(".tmp");
    // A temporary file is private (0600) by default, but a new file is ordinary output (a
    // picture for a report, an export to share): readable as the umask allows, like any
    // file a program creates. A file being replaced keeps the mode it had.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = existing.map_or(0o666, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder.tempfile_in(folder_of(path))?;
    if let Some(meta) = existing {
        keep_mode_and_owner(tmp.as_file(), meta)?;
    }
    // On any error the temporary file is dropped, which removes it.
    buffered(tmp.as_file_mut(), write)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The umask trims the mode a file is created with, so it is set again; the owner is kept
/// when the process may set it (as root), and left as the writer's otherwise.
#[cfg(unix)]
fn keep_mode_and_owner(file: &File, meta: &Metadata) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let own = file.metadata()?;
    if own.uid() != meta.uid() || own.gid() != meta.gid() {
        // Not permitted for an ordinary user unless they own the file and the group: fine.
        let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
    }
    // After chown, which clears set-user-id bits, so the mode is exactly the old one.
    file.set_permissions(std::fs::Permissions::from_mode(meta.permissions().mode() & 0o7777))
}

#[cfg(not(unix))]
fn keep_mode_and_owner(file: &File, meta: &Metadata) -> io::Result<()> {
    file.set_permissions(meta.permissions())
}

/// The reason alone: tempfile adds ` at path "<temporary file>"` to its errors, which would
/// send the user looking for a file they never named. Its wrapper type is private, so the
/// operating system's reason is recovered from the text.
fn reason_only(err: io::Error) -> io::Error {
    let text = err.to_string();
    match text.find(" at path \"") {
        Some(cut) => io::Error::new(err.kind(), &text[..cut]),
        None => err,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};

    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("exists").permissions().mode() & 0o7777
    }

    #[test]
    fn written_files_get_the_permissions_of_any_new_file() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, "x").expect("write");
        let atomic = dir.path().join("atomic.txt");
        write_atomic(&atomic, b"x").expect("write atomically");
        assert_eq!(mode(&atomic), mode(&plain));
    }

    #[test]
    fn a_replaced_file_keeps_its_mode() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for wanted in [0o600, 0o640, 0o755] {
            let file = dir.path().join(format!("f{wanted:o}"));
            std::fs::write(&file, "old").expect("write");
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(wanted)).expect("chmod");
            write_atomic(&file, b"new").expect("replace");
            assert_eq!((mode(&file), std::fs::read(&file).expect("read")), (wanted, b"new".to_vec()));
        }
    }

    #[test]
    fn a_replaced_file_keeps_its_owner_when_the_process_may_set_it() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("owned");
        std::fs::write(&file, "old").expect("write");
        // Only root may give a file away; for anyone else the file stays theirs.
        let Ok(()) = std::os::unix::fs::chown(&file, Some(4321), Some(4321)) else {
            write_atomic(&file, b"new").expect("replace");
            return assert_eq!(std::fs::read(&file).expect("read"), b"new");
        };
        write_atomic(&file, b"new").expect("replace");
        let meta = std::fs::metadata(&file).expect("exists");
        assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
    }

    #[test]
    fn a_link_stays_a_link_and_its_target_is_replaced_beside_itself() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let real = dir.path().join("real");
        std::fs::create_dir(&real).expect("mkdir");
        let target = real.join("target.txt");
        std::fs::write(&target, "old").expect("write");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("real/target.txt", &link).expect("symlink");
        write_atomic(&link, b"new").expect("write through the link");
        assert!(std::fs::symlink_metadata(&link).expect("exists").file_type().is_symlink());
        assert_eq!(std::fs::read(&target).expect("read"), b"new");
        assert_eq!(mode(&target), 0o600);
        let dangling = dir.path().join("dangling.txt");
        std::os::unix::fs::symlink("real/new.txt", &dangling).expect("symlink");
        write_atomic(&dangling, b"made").expect("a dangling link's target is created");
        assert_eq!(std::fs::read(real.join("new.txt")).expect("read"), b"made");
    }

    #[test]
    fn a_link_loop_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::os::unix::fs::symlink(&b, &a).expect("symlink");
        std::os::unix::fs::symlink(&a, &b).expect("symlink");
        assert!(write_atomic(&a, b"x").is_err());
    }

    #[test]
    fn devices_are_written_through_and_stay_devices() {
        write_atomic(Path::new("/dev/null"), b"gone").expect("/dev/null takes anything");
        let meta = std::fs::metadata("/dev/null").expect("exists");
        assert!(meta.file_type().is_char_device());
    }

    /// More than the buffer holds is written before the failure, so the temporary file
    /// really held part of the output when it was removed.
    #[test]
    fn a_failure_half_way_leaves_the_old_file_and_nothing_beside_it() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("export.graphml");
        std::fs::write(&file, "old").expect("write");
        let err = write_atomic_with(&file, |out| {
            out.write_all(&vec![b'x'; 3 * BUFFER])?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "no space left on device"))
        })
        .expect_err("the failure is the write's");
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        assert_eq!(std::fs::read(&file).expect("read"), b"old");
        let names: Vec<_> =
            std::fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
        assert_eq!(names, ["export.graphml"], "the temporary file is gone");
        let new = dir.path().join("new.graphml");
        write_atomic_with(&new, |out| out.write_all(b"part").and(Err(io::Error::other("the writer failed"))))
            .expect_err("fails");
        assert!(!new.exists(), "a new file is not made by a failed write");
    }

    #[test]
    fn a_stream_is_written_in_pieces_and_its_errors_come_back() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("pieces.txt");
        write_atomic_with(&file, |out| (0..100_000).try_for_each(|i| writeln!(out, "{i}"))).expect("write");
        let text = std::fs::read_to_string(&file).expect("read");
        assert_eq!((text.lines().count(), text.lines().last()), (100_000, Some("99999")));
        // A full device: the error is the device's, past the first buffer or at the end.
        if Path::new("/dev/full").exists() {
            let err = write_atomic_with(Path::new("/dev/full"), |out| out.write_all(&vec![b'x'; 3 * BUFFER]))
                .expect_err("/dev/full is full");
            assert_eq!(err.kind(), io::ErrorKind::StorageFull);
            let err = write_atomic(Path::new("/dev/full"), b"x").expect_err("even for one byte");
            assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        }
    }

    #[test]
    fn errors_name_no_temporary_file() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("file");
        std::fs::write(&file, "x").expect("write");
        let err = write_atomic(&file.join("below-a-file.txt"), b"x").expect_err("not a folder");
        assert!(!err.to_string().contains(".kgq-"), "{err}");
        let err = write_atomic(dir.path(), b"x").expect_err("a folder");
        assert_eq!(err.to_string(), "it is a folder");
    }
}

/// Opens a file for reading. On Unix without blocking: opening a FIFO that appeared where a
/// file was looked at would otherwise wait for a writer forever. (Reading files lives with
/// writing them here so that the data reader and the diagnostics' re-reading of a stream
/// open files the one way.)
pub fn open_for_reading(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}
