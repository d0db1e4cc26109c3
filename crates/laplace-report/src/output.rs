//! Writing the report: every file to a temporary in the output folder first,
//! then each renamed into place, so a reader never sees a half-written file
//! and a failure before the renames leaves the old report untouched.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::ReportError;

/// Writes `files` (name, content) into `dir`, then removes the files named in
/// `stale` (left from an older report). Returns the written paths, in order.
pub(crate) fn write_all(
    dir: &Path,
    files: &[(&str, &[u8])],
    stale: &[&str],
) -> Result<Vec<PathBuf>, ReportError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Write { path, source }
    };
    fs::create_dir_all(dir).map_err(write_err(dir))?;
    if !dir.is_dir() {
        return Err(ReportError::NotAFolder {
            path: dir.to_path_buf(),
            what: "output folder",
        });
    }

    // Phase 1: every temporary, synced. Any failure removes them all.
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (name, content) in files {
        let target = dir.join(name);
        match write_temp(dir, name, content) {
            Ok(temp) => temps.push((temp, target)),
            Err((path, source)) => {
                remove_temps(&temps);
                return Err(ReportError::Write { path, source });
            }
        }
    }

    // Phase 2: rename into place; a rename within one folder is atomic.
    let mut written = Vec::new();
    for (k, (temp, target)) in temps.iter().enumerate() {
        if let Err(source) = fs::rename(temp, target) {
            remove_temps(&temps[k..]);
            return Err(ReportError::Write {
                path: target.clone(),
                source,
            });
        }
        written.push(target.clone());
    }
    for name in stale {
        let path = dir.join(name);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(ReportError::Write { path, source: e });
            }
            _ => {}
        }
    }
    Ok(written)
}

/// A new temporary `.<name>.<pid>.<n>.tmp` in `dir` holding `content`.
fn write_temp(dir: &Path, name: &str, content: &[u8]) -> Result<PathBuf, (PathBuf, io::Error)> {
    let mut n = 0u32;
    loop {
        let temp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(mut f) => {
                return write_and_sync(&mut f, content)
                    .map(|()| temp.clone())
                    .map_err(|e| {
                        let _ = fs::remove_file(&temp);
                        (temp, e)
                    });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err((temp, e)),
        }
    }
}

fn write_and_sync(f: &mut File, content: &[u8]) -> io::Result<()> {
    f.write_all(content)?;
    f.sync_all()
}

fn remove_temps(temps: &[(PathBuf, PathBuf)]) {
    for (temp, _) in temps {
        let _ = fs::remove_file(temp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replaces_and_removes_stale_files_leaving_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.svg"), "old").unwrap();
        fs::write(dir.path().join("gone.svg"), "old").unwrap();
        fs::write(dir.path().join("mine.json"), "keep").unwrap();
        let written = write_all(
            dir.path(),
            &[("a.svg", b"new"), ("README.md", b"# r")],
            &["gone.svg"],
        )
        .unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(fs::read_to_string(dir.path().join("a.svg")).unwrap(), "new");
        assert!(!dir.path().join("gone.svg").exists());
        assert_eq!(
            fs::read_to_string(dir.path().join("mine.json")).unwrap(),
            "keep"
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }

    #[test]
    fn an_output_path_that_is_a_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("reports");
        fs::write(&file, "x").unwrap();
        let err = write_all(&file, &[("a.svg", b"new")], &[]).unwrap_err();
        assert!(err.to_string().contains(&*file.to_string_lossy()), "{err}");
    }
}
