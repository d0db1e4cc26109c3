//! Writing output files safely: never half-written, never silently overwritten.

use std::fs;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// A file-system operation that failed, with the path it was about.
///
/// The I/O error is part of the message and is not also returned by
/// [`std::error::Error::source`]: `anyhow`'s `{:#}` prints the message and
/// then every source, so a cause kept in both places was printed twice
/// ("...(os error 28): ...(os error 28)", issue 15).
#[derive(Debug, Error)]
pub enum FsError {
    /// An I/O error on `path`.
    #[error("{path}: {error}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error (in the message, not a `source`).
        error: std::io::Error,
    },
    /// The output exists and `--force` was not given.
    #[error("{path} already exists; pass --force to replace it")]
    Exists {
        /// The path.
        path: PathBuf,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FsError + '_ {
    move |error| FsError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Symbolic links followed before giving up, as the kernel's `ELOOP` limit.
const MAX_LINKS: usize = 40;

/// The file that writing to `path` writes: `path` itself, or, if `path` is
/// a symbolic link, the file it points to (following a chain of links; a
/// relative target is relative to the link's folder). The target need not
/// exist (a dangling link is written through, as the shell's `>` does).
pub fn resolve_link(path: &Path) -> Result<PathBuf, FsError> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&current).map_err(io(&current))?;
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(io(&current)(e)),
        }
    }
    Err(FsError::Io {
        path: path.to_path_buf(),
        error: std::io::Error::other(format!("more than {MAX_LINKS} symbolic links in a chain")),
    })
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over
/// `path`, so readers see the old file or the new one, never a part: the
/// report's [`laplace_report::atomic::write_atomic`], with its error as an
/// [`FsError`]. If `path` is a symbolic link, the file it points to is
/// written (atomically, beside that file) and the link is left in place:
/// what `>` does, and what a user who pointed a link at a file expects.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let target = resolve_link(path)?;
    laplace_report::atomic::write_atomic(&target, bytes).map_err(|e| FsError::Io {
        path: e.path,
        error: e.error,
    })
}

/// Checks, before any work, that `path` can be written as a new file: it must
/// not exist unless `force` (a symbolic link exists, even a dangling one),
/// and the folder of the file it writes (see [`resolve_link`]) must exist.
pub fn check_new_file(path: &Path, force: bool) -> Result<(), FsError> {
    if fs::symlink_metadata(path).is_ok() && !force {
        return Err(FsError::Exists {
            path: path.to_path_buf(),
        });
    }
    let target = resolve_link(path)?;
    if target.is_dir() {
        return Err(FsError::Io {
            path: path.to_path_buf(),
            error: std::io::Error::other("is a folder, not a file"),
        });
    }
    // A device, FIFO or socket is never replaced, even with --force: the
    // atomic write would put a regular file in its place (as root, a
    // `--json /dev/null --force` would have deleted the device node).
    if let Ok(meta) = fs::metadata(&target)
        && !meta.is_file()
    {
        return Err(FsError::Io {
            path: path.to_path_buf(),
            error: std::io::Error::other(
                "is a device, FIFO or socket, not a regular file: refusing to replace it",
            ),
        });
    }
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir
        && !dir.is_dir()
    {
        return Err(FsError::Io {
            path: path.to_path_buf(),
            error: std::io::Error::other(format!("folder {} does not exist", dir.display())),
        });
    }
    Ok(())
}

/// The folder a new file written to `path` lands in (that of the file a
/// symbolic link points to), for [`check_writable`]; `.` for a bare name.
pub fn output_dir(path: &Path) -> Result<PathBuf, FsError> {
    let target = resolve_link(path)?;
    Ok(target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf))
}

/// Checks that a new file can be created in `dir` (the current folder for
/// an empty path) by creating and removing one: a read-only or full place
/// fails here, before any work, not after a whole run.
pub fn check_writable(dir: &Path) -> Result<(), FsError> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    tempfile::Builder::new()
        .prefix(".shootout-write-check")
        .tempfile_in(dir)
        .map(drop)
        .map_err(io(dir))
}

/// Prepares `dir` for output files: creates it, or accepts an existing
/// empty folder; a non-empty folder needs `force`.
pub fn prepare_dir(dir: &Path, force: bool) -> Result<(), FsError> {
    if dir.exists() {
        let non_empty = fs::read_dir(dir).map_err(io(dir))?.next().is_some();
        if non_empty && !force {
            return Err(FsError::Exists {
                path: dir.to_path_buf(),
            });
        }
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(io(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("fsutil-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.json");
        write_atomic(&f, b"one").unwrap();
        assert!(matches!(
            check_new_file(&f, false),
            Err(FsError::Exists { .. })
        ));
        assert!(check_new_file(&f, true).is_ok());
        write_atomic(&f, b"two").unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"two");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        assert!(prepare_dir(&dir, false).is_err());
        assert!(prepare_dir(&dir, true).is_ok());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn writability_is_checked_by_writing() {
        let dir = std::env::temp_dir().join(format!("fsutil-w-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        check_writable(&dir).unwrap();
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0, "no file left");
        assert!(check_writable(&dir.join("missing")).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_folder_is_an_error() {
        let err = check_new_file(Path::new("/nonexistent-dir-xyz/out.json"), false).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
