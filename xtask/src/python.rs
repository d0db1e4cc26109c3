//! The Python virtual environment of the external Python kernels:
//! `.venv` in the workspace root, with the pinned packages of
//! `kernels/external/python/requirements*.txt`.
//!
//! The runner finds `.venv/bin/python` on its own (`SHOOTOUT_PYTHON`
//! overrides it); without it the Python kernels are listed as unavailable.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Every package of the Python rows (NumPy, numexpr, Cython, Numba,
/// meson for f2py, maturin, Pythran, JAX, pystencils, Taichi).
pub const FULL: &str = "kernels/external/python/requirements.txt";

/// NumPy only: enough for CI to test the protocol with `python/array-numpy`.
pub const CI: &str = "kernels/external/python/requirements-ci.txt";

/// Creates `.venv` if needed and installs `requirements` (a path relative
/// to `root`) into it, unless the same file was installed last time.
/// Returns the interpreter.
pub fn setup(root: &Path, requirements: &str) -> Result<PathBuf> {
    let venv = root.join(".venv");
    let python = venv.join("bin/python");
    if !python.is_file() {
        let base = base_python()?;
        eprintln!("xtask: creating {} with {}", venv.display(), base.display());
        let made = Command::new(&base)
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .with_context(|| format!("cannot run {}", base.display()))?;
        if !made.success() {
            // Debian splits venv (and ensurepip) into python3-venv.
            crate::install_packages(&["python3-venv"], "Python's venv module")?;
            let _ = std::fs::remove_dir_all(&venv);
            let made = Command::new(&base)
                .args(["-m", "venv"])
                .arg(&venv)
                .status()?;
            if !made.success() {
                bail!("`{} -m venv {}` failed", base.display(), venv.display());
            }
        }
    }
    let wanted = std::fs::read_to_string(root.join(requirements))
        .with_context(|| format!("reading {requirements}"))?;
    let stamp = venv.join(format!(
        "installed-{}",
        Path::new(requirements)
            .file_name()
            .map_or_else(|| "requirements".into(), |n| n.to_string_lossy())
    ));
    if std::fs::read_to_string(&stamp).is_ok_and(|done| done == wanted) {
        return Ok(python);
    }
    eprintln!("xtask: installing {requirements} into .venv");
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--quiet",
            "--only-binary=:all:",
            "-r",
        ])
        .arg(root.join(requirements))
        .status()
        .with_context(|| format!("cannot run {}", python.display()))?;
    if !status.success() {
        bail!("pip could not install {requirements} into .venv (is PyPI reachable?)");
    }
    std::fs::write(&stamp, wanted)?;
    Ok(python)
}

/// PyPy (`python/loop-pypy`, the post's comment 12), Debian's `pypy3`, for
/// the full set of Python rows. It is not a Python package, so it is
/// installed with apt-get; if that fails the kernel is listed as
/// unavailable, with this reason, and setup goes on.
pub fn setup_pypy() {
    if crate::which("pypy3").is_some() {
        return;
    }
    if let Err(e) = crate::install_packages(&["pypy3"], "PyPy (python/loop-pypy)") {
        eprintln!("xtask: warning: {e:#}; python/loop-pypy will be listed as unavailable");
    }
}

/// `python3` on `PATH`, installed with apt-get if missing.
fn base_python() -> Result<PathBuf> {
    if let Some(p) = crate::which("python3") {
        return Ok(p);
    }
    crate::install_packages(&["python3", "python3-venv"], "python3")?;
    crate::which("python3").context("python3 is still missing after installing it")
}
