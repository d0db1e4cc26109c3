//! `shootout list`: every kernel with its scheme and flags, and whether each
//! external kernel can run here.

use serde::Serialize;

use crate::registry::{Entry, Registry};
use laplace_core::{Scheme, short_flags};
use laplace_report::table::{Align, Table};

/// One kernel as `shootout list --format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct KernelRow {
    /// `language/form[-variant]`.
    pub name: &'static str,
    /// `rust`, `c`, `fortran`, `python`, ...
    pub language: &'static str,
    /// Form and variant, e.g. `array-fastmath`.
    pub form: &'static str,
    /// `jacobi`, `gauss-seidel` or `red-black-sor`.
    pub scheme: Scheme,
    /// The compile flags (external kernels report theirs when they run).
    pub flags: String,
    /// Compiler and version (`external` for external kernels).
    pub compiler: String,
    /// Source file or manifest, relative to the repository root when inside it.
    pub source: String,
    /// Verification tolerance (max absolute difference from the reference).
    pub tolerance: f64,
    /// Whether verification requires the reference's grid bit for bit
    /// (`max_abs_diff == 0`); `tolerance` is then not used.
    pub bit_exact: bool,
    /// `compiled` or `external`.
    pub kind: &'static str,
    /// Why the kernel cannot run here, if it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
}

fn row(e: Entry<'_>) -> KernelRow {
    let name = e.name();
    let (language, form) = laplace_core::name_parts(name);
    match e {
        Entry::Compiled(k) => KernelRow {
            name,
            language,
            form,
            scheme: k.scheme,
            flags: k.build.flags.to_string(),
            compiler: k.build.compiler.to_string(),
            source: k.source.to_string(),
            tolerance: k.tolerance,
            bit_exact: k.bit_exact,
            kind: "compiled",
            unavailable: None,
        },
        Entry::External(x) => {
            let root = crate::external::project_root();
            KernelRow {
                name,
                language,
                form,
                scheme: x.scheme,
                flags: x.command_text(),
                compiler: "external".into(),
                source: x
                    .manifest
                    .strip_prefix(root)
                    .unwrap_or(&x.manifest)
                    .display()
                    .to_string(),
                tolerance: x.tolerance,
                bit_exact: false,
                kind: "external",
                unavailable: x.availability().err(),
            }
        }
    }
}

/// Every kernel of `registry` as rows; external kernels are checked for
/// availability (which runs their check commands).
pub fn rows(registry: &Registry) -> Vec<KernelRow> {
    registry.entries().into_iter().map(row).collect()
}

/// The table `shootout list` prints: flags for compiled kernels, the command
/// for external ones, and why an unavailable kernel cannot run.
pub fn table(rows: &[KernelRow]) -> String {
    let what: Vec<String> = rows
        .iter()
        .map(|r| match (&r.unavailable, r.kind) {
            (Some(why), _) => format!("UNAVAILABLE: {why}"),
            (None, "external") => format!("external: {}", r.flags),
            (None, _) => short_flags(&r.flags),
        })
        .collect();
    let mut table =
        Table::new(["kernel", "language", "form", "scheme", "flags"].map(|h| (h, Align::Left)));
    for (r, f) in rows.iter().zip(what) {
        table.row([
            r.name.to_string(),
            r.language.to_string(),
            r.form.to_string(),
            r.scheme.to_string(),
            f,
        ]);
    }
    table.terminal()
}
