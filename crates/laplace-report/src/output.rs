//! Writing the report: every file to a temporary in the output folder first,
//! then each renamed into place, so a reader never sees a half-written file
//! and a failure before the renames leaves the old report untouched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::ReportError;
use crate::atomic::{WriteError, write_temp};

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
            Err(WriteError { path, source }) => {
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
