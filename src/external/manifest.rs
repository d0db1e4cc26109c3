//! The manifest of an external kernel: one TOML file in `kernels/external/`.

use std::collections::BTreeMap;

use laplace_core::{Cost, KernelName, Scheme};
use serde::Deserialize;

/// `kernels/external/<name>.toml`, field by field as documented in
/// `docs/external-kernels.md`. Unknown fields are errors, so a misspelt
/// optional field does not silently fall back to its default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `language/form[-variant]`, e.g. `python/array-numpy`.
    pub name: String,
    /// The iteration the kernel runs; it is verified against this scheme's reference.
    pub scheme: Scheme,
    /// One line for `shootout list` and the report.
    pub description: String,
    /// The program and its first arguments; the runner appends the problem.
    /// Placeholders: `{dir}` (this manifest's folder), `{threads}`, and one
    /// per runtime, e.g. `{python}`.
    pub command: Vec<String>,
    /// A command that exits 0 when the kernel can run (its runtime and
    /// packages are installed). Default: the kernel is available when its
    /// program is found.
    #[serde(default)]
    pub check: Vec<String>,
    /// Extra environment for the kernel and its check; values take placeholders.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Verification tolerance (default [`laplace_core::Kernel::TOLERANCE`]).
    pub tolerance: Option<f64>,
    /// What bounds its speed (default: the usual cost of its scheme).
    pub cost: Option<Cost>,
    /// Whether it uses `{threads}` threads (default false).
    #[serde(default)]
    pub parallel: bool,
    /// Run at most this many sweeps and scale the time to the problem's sweep
    /// count: for kernels too slow to run the whole problem. Every output
    /// marks such a time as extrapolated.
    pub max_sweeps: Option<usize>,
    /// Seconds one invocation may take before it is killed (default 600).
    pub timeout_s: Option<u64>,
    /// What to run to make the kernel available, shown when it is not.
    pub setup: Option<String>,
    /// The kernel's own source, relative to the manifest's folder (the
    /// `{dir}` of the command), for its code size (`source_bytes_gz`,
    /// `source_lines`): the file holding the kernel, not the protocol's
    /// boilerplate. A list when the kernel is written in several files (a
    /// Python script and the C or Fortran it compiles).
    #[serde(default)]
    pub source: Sources,
    /// A command that builds the kernel's program, run once before its
    /// first invocation and again only when the command, the `source`
    /// files or the native flags change. It and `command` may use
    /// `{build}`, the folder it builds into (in the runner's cache).
    #[serde(default)]
    pub build: Vec<String>,
    /// An MPI program: the runner launches it with `mpirun -np N` (the
    /// `--ranks` of `shootout run`), and `--rank-sweep` times it at 1..=N
    /// ranks.
    #[serde(default)]
    pub mpi: bool,
}

/// The `source` field: absent, one path, or a list of paths.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Sources {
    /// No source named.
    #[default]
    None,
    /// One file.
    One(String),
    /// Several files, in the order given.
    Many(Vec<String>),
}

impl Sources {
    /// The paths, in order.
    pub fn paths(&self) -> &[String] {
        match self {
            Sources::None => &[],
            Sources::One(p) => std::slice::from_ref(p),
            Sources::Many(v) => v,
        }
    }
}

/// The loosest verification tolerance a manifest may ask for: 1e-8, a
/// hundred times the fast-math kernels' 1e-10. The update is a contraction,
/// so a correct kernel's difference from the reference stays near 1e-15;
/// a tolerance near 1 would pass a kernel that does nothing.
pub const MAX_TOLERANCE: f64 = 1e-8;

impl Manifest {
    /// Parses and checks a manifest's text.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let m: Manifest = toml::from_str(text).map_err(|e| e.message().to_string())?;
        m.validate()?;
        Ok(m)
    }

    fn validate(&self) -> Result<(), String> {
        KernelName::parse(&self.name).map_err(|e| format!("name {e}"))?;
        if self.command.is_empty() || self.command[0].trim().is_empty() {
            return Err("`command` must name a program".into());
        }
        if let Some(t) = self
            .tolerance
            .filter(|t| !(t.is_finite() && *t >= 0.0 && *t <= MAX_TOLERANCE))
        {
            return Err(format!(
                "`tolerance` must be in [0, {MAX_TOLERANCE:e}], got {t}: a looser one would \
                 pass a kernel that does not solve the problem (fast-math kernels use 1e-10)"
            ));
        }
        for (key, value) in &self.env {
            if key.is_empty() || key.contains(['=', '\0']) {
                return Err(format!(
                    "`env` key {key:?} is not an environment variable name: it must be \
                     non-empty, without `=` or NUL"
                ));
            }
            if value.contains('\0') {
                return Err(format!("`env` value of {key} holds a NUL character"));
            }
        }
        for (field, words) in [
            ("command", &self.command),
            ("check", &self.check),
            ("build", &self.build),
        ] {
            if let Some(word) = words.iter().find(|w| w.contains('\0')) {
                return Err(format!(
                    "`{field}` word {word:?} holds a NUL character, which no argument can"
                ));
            }
        }
        if self.max_sweeps == Some(0) {
            return Err("`max_sweeps` must be at least 1".into());
        }
        if self.timeout_s == Some(0) {
            return Err("`timeout_s` must be at least 1".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
        name = "python/array-numpy"
        scheme = "jacobi"
        description = "NumPy slicing"
        command = ["{python}", "{dir}/python/numpy_array.py"]
        check = ["{python}", "-c", "import numpy"]
        env = { NUMEXPR_NUM_THREADS = "1" }
        max_sweeps = 20
    "#;

    #[test]
    fn parses_a_manifest() {
        let m = Manifest::parse(GOOD).unwrap();
        assert_eq!(m.name, "python/array-numpy");
        assert_eq!(m.scheme, Scheme::Jacobi);
        assert_eq!(m.max_sweeps, Some(20));
        assert_eq!(m.env["NUMEXPR_NUM_THREADS"], "1");
        assert!(!m.parallel);
    }

    #[test]
    fn rejects_bad_manifests() {
        let with = |line: &str| format!("{GOOD}\n{line}");
        let err = Manifest::parse(&with("comand = [\"x\"]")).unwrap_err();
        assert!(err.contains("unknown field `comand`"), "{err}");
        let err = Manifest::parse(&GOOD.replace("jacobi", "newton")).unwrap_err();
        assert!(err.contains("unknown variant `newton`"), "{err}");
        let err = Manifest::parse(&GOOD.replace("python/array-numpy", "Python NumPy")).unwrap_err();
        assert!(err.contains("is not `language/form[-variant]`"), "{err}");
        let err = Manifest::parse(&GOOD.replace("max_sweeps = 20", "max_sweeps = 0")).unwrap_err();
        assert!(err.contains("at least 1"), "{err}");
        let err = Manifest::parse(&with("tolerance = 2.0")).unwrap_err();
        assert!(err.contains("tolerance"), "{err}");
        // Issue 15: 0.999 let a kernel that does nothing pass.
        for loose in ["0.999", "1e-6", "-1e-12", "nan"] {
            let err = Manifest::parse(&with(&format!("tolerance = {loose}"))).unwrap_err();
            assert!(err.contains("must be in [0, 1e-8]"), "{loose}: {err}");
        }
        for fine in ["1e-8", "1e-10", "0.0"] {
            Manifest::parse(&with(&format!("tolerance = {fine}"))).unwrap();
        }
        let err = Manifest::parse(&GOOD.replace(
            r#"command = ["{python}", "{dir}/python/numpy_array.py"]"#,
            "command = []",
        ))
        .unwrap_err();
        assert!(err.contains("must name a program"), "{err}");
    }

    /// Issue 15: such keys were accepted and then dropped or mangled by the
    /// process environment.
    #[test]
    fn bad_env_keys_are_refused() {
        for key in [r#""""#, r#""A=B""#, r#""=""#, r#""A\u0000B""#] {
            let text = GOOD.replace(
                r#"env = { NUMEXPR_NUM_THREADS = "1" }"#,
                &format!("env = {{ {key} = \"1\" }}"),
            );
            let err = Manifest::parse(&text).unwrap_err();
            assert!(
                err.contains("is not an environment variable name"),
                "{key}: {err}"
            );
        }
        let text = GOOD.replace(r#"NUMEXPR_NUM_THREADS = "1""#, r#"X = "a\u0000b""#);
        assert!(Manifest::parse(&text).unwrap_err().contains("NUL"));
        let text = GOOD.replace(r#""-c", "import numpy""#, r#""-c", "a\u0000""#);
        assert!(Manifest::parse(&text).unwrap_err().contains("NUL"));
    }

    #[test]
    fn names_follow_the_one_rule() {
        for bad in ["python", "python/-x", "Python/loop", "python/a--b"] {
            let text = GOOD.replace("python/array-numpy", bad);
            let err = Manifest::parse(&text).unwrap_err();
            assert!(
                err.contains("is not `language/form[-variant]`"),
                "{bad}: {err}"
            );
        }
    }
}
