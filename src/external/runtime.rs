//! Runtimes that external kernels name as placeholders in their commands
//! (`{python}`): where to find each, and how to install it. Adding a runtime
//! is one entry in [`RUNTIMES`].

use std::path::{Path, PathBuf};

/// An interpreter or tool that external kernels run under.
#[derive(Debug, Clone, Copy)]
pub struct Runtime {
    /// The placeholder's name: `{python}` in a manifest.
    pub placeholder: &'static str,
    /// An environment variable that, when set, names the program to use.
    pub env: &'static str,
    /// Where to look, first found wins: paths relative to the project root,
    /// then bare names searched on `PATH`.
    pub candidates: &'static [&'static str],
    /// What to run to install it.
    pub setup: &'static str,
}

/// Every runtime a manifest may name.
pub static RUNTIMES: &[Runtime] = &[Runtime {
    placeholder: "python",
    env: "SHOOTOUT_PYTHON",
    candidates: &[".venv/bin/python", "python3"],
    setup: "cargo xtask setup --with-python",
}];

/// The runtime whose placeholder is `{name}`.
pub fn find(name: &str) -> Option<&'static Runtime> {
    RUNTIMES.iter().find(|r| r.placeholder == name)
}

impl Runtime {
    /// The program to run, or why none was found.
    pub fn locate(&self, root: &Path) -> Result<PathBuf, String> {
        if let Some(path) = std::env::var_os(self.env) {
            let path = PathBuf::from(path);
            return if !path.is_file() {
                Err(format!("{}={} is not a file", self.env, path.display()))
            } else if !is_executable(&path) {
                Err(format!("{}={} is not executable", self.env, path.display()))
            } else {
                Ok(path)
            };
        }
        for c in self.candidates {
            let found = if c.contains('/') {
                Some(root.join(c)).filter(|p| p.is_file() && is_executable(p))
            } else {
                on_path(c)
            };
            if let Some(p) = found {
                return Ok(p);
            }
        }
        Err(format!(
            "no {} found (looked for ${}, then {}); run `{}`",
            self.placeholder,
            self.env,
            self.candidates.join(", "),
            self.setup
        ))
    }
}

/// The first `name` in a folder of `PATH` that this user may execute (as
/// the shell looks it up).
pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file() && is_executable(p))
}

/// The first `name` in a folder of `PATH` that this user may execute,
/// else the first file of that name (so that the caller can say it is not
/// executable rather than not found).
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    on_path(name).or_else(|| {
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Whether this user may execute `path` (`access(2)` with `X_OK`: the
/// permission bits, and a file system mounted `noexec`).
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a NUL-terminated string that outlives the call;
    // access(2) only reads it.
    unsafe { libc::access(c.as_ptr(), libc::X_OK) == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_is_a_runtime() {
        let py = find("python").expect("python runtime");
        assert_eq!(py.env, "SHOOTOUT_PYTHON");
        assert!(find("cobol").is_none());
    }

    #[test]
    fn only_executable_files_are_programs() {
        assert!(is_executable(Path::new("/bin/sh")));
        assert!(!is_executable(Path::new("/nonexistent/program")));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain");
        std::fs::write(&file, "#!/bin/sh\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(!is_executable(&file));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(is_executable(&file));
    }

    #[test]
    fn missing_program_says_how_to_install() {
        let rt = Runtime {
            placeholder: "nothing",
            env: "SHOOTOUT_TEST_NO_SUCH_RUNTIME",
            candidates: &["no/such/file", "no-such-program-anywhere"],
            setup: "apt-get install nothing",
        };
        let err = rt.locate(Path::new("/nonexistent")).unwrap_err();
        assert!(err.contains("apt-get install nothing"), "{err}");
    }
}
