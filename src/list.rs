//! `shootout list`: every registered kernel with its scheme and flags.

use serde::Serialize;

use crate::registry::KERNELS;
use laplace_core::{Kernel, Scheme};

/// One kernel as `shootout list --format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct KernelRow {
    /// `language/form[-variant]`.
    pub name: &'static str,
    /// `rust`, `c`, `fortran`.
    pub language: &'static str,
    /// Form and variant, e.g. `array-fastmath`.
    pub form: &'static str,
    /// `jacobi` or `gauss-seidel`.
    pub scheme: Scheme,
    /// The compile flags.
    pub flags: &'static str,
    /// Compiler and version.
    pub compiler: &'static str,
    /// Source file, relative to the repository root.
    pub source: &'static str,
    /// Verification tolerance (max absolute difference from the reference).
    pub tolerance: f64,
}

impl From<&Kernel> for KernelRow {
    fn from(k: &Kernel) -> Self {
        KernelRow {
            name: k.name,
            language: k.language(),
            form: k.form(),
            scheme: k.scheme,
            flags: k.build.flags,
            compiler: k.build.compiler,
            source: k.source,
            tolerance: k.tolerance,
        }
    }
}

/// Every registered kernel as rows.
pub fn rows() -> Vec<KernelRow> {
    KERNELS.iter().map(KernelRow::from).collect()
}

/// The flags that matter for speed, without the compiler path and the
/// flags every build shares (`-ffunction-sections`, `-fPIC`, ...).
pub fn short_flags(flags: &str) -> String {
    const NOISE: [&str; 8] = [
        "-ffunction-sections",
        "-fdata-sections",
        "-fPIC",
        "-m64",
        "-Wall",
        "-Wextra",
        "-J",
        "(profile",
    ];
    let mut out = Vec::new();
    let mut words = flags.split_whitespace().skip(1).peekable();
    while let Some(w) = words.next() {
        if w == "-J" || w == "-C" {
            // `-J dir` is a path; `-C x` is rustc's two-word flag: keep the value.
            if w == "-J" {
                words.next();
            }
            continue;
        }
        if w.starts_with("(profile") {
            break;
        }
        if NOISE.contains(&w) || w.starts_with("-I") || w.starts_with('/') {
            continue;
        }
        out.push(w);
    }
    out.join(" ")
}

/// The table `shootout list` prints.
pub fn table() -> String {
    let rows = rows();
    let flags: Vec<String> = rows.iter().map(|r| short_flags(r.flags)).collect();
    let w = |f: &dyn Fn(&KernelRow) -> usize, head: &str| {
        rows.iter().map(f).max().unwrap_or(0).max(head.len())
    };
    let wn = w(&|r| r.name.len(), "kernel");
    let wl = w(&|r| r.language.len(), "language");
    let wf = w(&|r| r.form.len(), "form");
    let ws = w(&|r| r.scheme.as_str().len(), "scheme");
    let mut out = format!(
        "{:wn$}  {:wl$}  {:wf$}  {:ws$}  flags\n",
        "kernel", "language", "form", "scheme"
    );
    for (r, f) in rows.iter().zip(&flags) {
        out += &format!(
            "{:wn$}  {:wl$}  {:wf$}  {:ws$}  {f}\n",
            r.name, r.language, r.form, r.scheme
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_flags_keeps_what_matters() {
        assert_eq!(
            short_flags(
                "/usr/bin/cc -O3 -ffunction-sections -fdata-sections -fPIC -m64 -I /x -Wall -Wextra -march=native -ffast-math"
            ),
            "-O3 -march=native -ffast-math"
        );
        assert_eq!(
            short_flags("gfortran -O3 -fPIC -march=native -J /tmp/out"),
            "-O3 -march=native"
        );
        assert_eq!(
            short_flags("rustc -C opt-level=3 -C target-cpu=native (profile release)"),
            "opt-level=3 target-cpu=native"
        );
    }
}
