//! `shootout list`: every registered kernel with its scheme and flags.

use serde::Serialize;

use crate::registry::KERNELS;
use laplace_core::{Kernel, Scheme, short_flags};

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
