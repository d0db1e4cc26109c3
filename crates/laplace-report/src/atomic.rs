//! Writing files so that a reader never sees a half-written one: the
//! content goes to a synced temporary beside the target, which is then
//! renamed over it (a rename within one folder is atomic). The one
//! implementation for the report's files and for `shootout`'s results and
//! probe documents.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

/// An I/O error while writing, with the path it was about (the temporary,
/// or the target if the rename failed).
#[derive(Debug, Error)]
#[error("{}: {error}", path.display())]
pub struct WriteError {
    /// The file being written.
    pub path: PathBuf,
    /// The error (in the message, not a `source`, so that it is printed
    /// once).
    pub error: io::Error,
}

/// Writes `content` to `path` atomically: readers see the old file or the
/// new one, never a part; on failure the temporary is removed and `path`
/// is left as it was.
pub fn write_atomic(path: &Path, content: &[u8]) -> Result<(), WriteError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy());
    let temp = write_temp(dir, &name, content)?;
    fs::rename(&temp, path).map_err(|source| {
        let _ = fs::remove_file(&temp);
        WriteError {
            path: path.to_path_buf(),
            error: source,
        }
    })
}

/// A new temporary `.<name>.<pid>.<n>.tmp` in `dir` holding `content`,
/// synced to disk, for the caller to rename into place (or remove). Never
/// reuses an existing file.
pub fn write_temp(dir: &Path, name: &str, content: &[u8]) -> Result<PathBuf, WriteError> {
    let mut n = 0u32;
    loop {
        let temp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(mut f) => {
                return match write_and_sync(&mut f, content) {
                    Ok(()) => Ok(temp),
                    Err(source) => {
                        let _ = fs::remove_file(&temp);
                        Err(WriteError {
                            path: temp,
                            error: source,
                        })
                    }
                };
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(source) => {
                return Err(WriteError {
                    path: temp,
                    error: source,
                });
            }
        }
    }
}

fn write_and_sync(f: &mut File, content: &[u8]) -> io::Result<()> {
    f.write_all(content)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.json");
        write_atomic(&f, b"one").unwrap();
        write_atomic(&f, b"two").unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("no/such/a.json");
        let err = write_atomic(&f, b"x").unwrap_err();
        assert!(err.to_string().contains("no/such"), "{err}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
