//! The results document that `shootout run --json` writes and
//! `shootout report` reads. Documented field by field in `docs/results-schema.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Scheme;

mod probe;
pub use probe::{Chain, ChainTime, ClockCheck, ClockEstimate, OpTimes, Probe, WidthTime};

/// Bumped whenever a field changes meaning or a required field is added.
pub const SCHEMA_VERSION: u32 = 1;

/// One run of the shootout on one machine and one problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsDoc {
    /// [`SCHEMA_VERSION`] of the writer.
    pub schema_version: u32,
    /// Where and with what the numbers were produced.
    pub provenance: Provenance,
    /// The problem every kernel ran.
    pub problem: ProblemSpec,
    /// One entry per kernel, in table order.
    pub results: Vec<KernelResult>,
    /// The machine limits the bounds were computed from, if probed.
    #[serde(default)]
    pub probe: Option<Probe>,
    /// The kernel whose best time is 1 in the `relative` column.
    #[serde(default)]
    pub baseline: Option<String>,
}

/// The machine and toolchains behind a results document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// When the run finished, RFC 3339 in UTC.
    pub date: String,
    /// `git rev-parse HEAD` of the checkout, if it is one.
    pub git_commit: Option<String>,
    /// Host name.
    pub host: String,
    /// CPU model name.
    pub cpu: String,
    /// Vendor, family, model and stepping: tells two CPUs with the same model
    /// name apart (`null` in documents written before it was recorded).
    #[serde(default)]
    pub cpu_signature: Option<CpuSignature>,
    /// The SIMD extensions the kernels care about that this CPU has
    /// (`avx2`, `fma`, `avx512f`, ...), in a fixed order.
    #[serde(default)]
    pub isa: Vec<String>,
    /// Logical cores the OS reports.
    pub logical_cores: usize,
    /// Operating system and kernel release.
    pub os: String,
    /// `rustc -V`.
    pub rustc: String,
    /// Target CPU of every language (`-C target-cpu`, `-march`).
    pub target_cpu: String,
    /// Cargo profile of the runner (`release` for numbers worth quoting).
    pub profile: String,
    /// Each foreign language's compiler, by language name (`c`, `cpp`,
    /// `fortran`, as in [`crate::LANGUAGES`]): the first line of its
    /// `--version`. Read [`Provenance::compiler`], which also knows older
    /// documents.
    #[serde(default)]
    pub compilers: BTreeMap<String, String>,
    /// Documents written before `compilers`: the C compiler (kept when such
    /// a document is written back, never set by new ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c_compiler: Option<String>,
    /// Documents written before `compilers`: the Fortran compiler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fortran_compiler: Option<String>,
    /// Threads offered to parallel kernels.
    pub threads: usize,
}

impl Provenance {
    /// The compiler of the language called `language` (`c`, `cpp`,
    /// `fortran`), from [`Provenance::compilers`] or, in documents written
    /// before it, from `c_compiler` / `fortran_compiler`.
    pub fn compiler(&self, language: &str) -> Option<&str> {
        let legacy = match language {
            "c" => self.c_compiler.as_deref(),
            "fortran" => self.fortran_compiler.as_deref(),
            _ => None,
        };
        self.compilers.get(language).map(String::as_str).or(legacy)
    }
}

/// A CPU's identity beyond its model name, from `/proc/cpuinfo` (x86:
/// `vendor_id`, `cpu family`, `model`, `stepping`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuSignature {
    /// `GenuineIntel`, `AuthenticAMD`, ...
    pub vendor: String,
    /// Family number.
    pub family: u32,
    /// Model number.
    pub model: u32,
    /// Stepping.
    pub stepping: u32,
}

impl CpuSignature {
    /// The signature of the first processor in a `/proc/cpuinfo` text.
    pub fn from_cpuinfo(cpuinfo: &str) -> Option<CpuSignature> {
        let first = cpuinfo.split("\n\n").next()?;
        let field = |name: &str| {
            first.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim() == name).then(|| v.trim().to_string())
            })
        };
        let number = |name: &str| field(name)?.parse::<u32>().ok();
        Some(CpuSignature {
            vendor: field("vendor_id")?,
            family: number("cpu family")?,
            model: number("model")?,
            stepping: number("stepping")?,
        })
    }

    /// `<vendor>-family<F>-model<M>` (`amd-family25-model1`): the file name,
    /// without `.json`, of this CPU's document in `reports/machines/`.
    pub fn file_stem(&self) -> String {
        let vendor = match self.vendor.as_str() {
            "GenuineIntel" => "intel".to_string(),
            "AuthenticAMD" => "amd".to_string(),
            other => other.to_ascii_lowercase(),
        };
        format!("{vendor}-family{}-model{}", self.family, self.model)
    }
}

impl std::fmt::Display for CpuSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} family {} model {} stepping {}",
            self.vendor, self.family, self.model, self.stepping
        )
    }
}

/// The problem of a results document.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProblemSpec {
    /// Rows.
    pub nx: usize,
    /// Columns.
    pub ny: usize,
    /// Sweeps per run.
    pub iters: usize,
    /// Spacing along rows.
    pub dx: f64,
    /// Spacing along columns.
    pub dy: f64,
    /// Relaxation factor for over-relaxed schemes.
    pub omega: f64,
    /// Timed runs per kernel.
    pub repeat: usize,
    /// Convergence tolerance of `sweeps_to_tolerance`: the largest change in
    /// one sweep at which a scheme counts as converged.
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
}

fn default_tolerance() -> f64 {
    crate::reference::DEFAULT_TOLERANCE
}

/// One kernel's outcome: verification, then timings if it passed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KernelResult {
    /// `language/form[-variant]`.
    pub kernel: String,
    /// Language part of the name.
    pub language: String,
    /// Form part of the name.
    pub form: String,
    /// The iteration it runs.
    pub scheme: Scheme,
    /// Compiler command line.
    pub flags: String,
    /// Compiler and version.
    pub compiler: String,
    /// Which code path ran: `avx512`, `avx2`, `portable`, `auto` (the
    /// compiler's own vectorisation of portable source), `threads=N`,
    /// `streaming`, `cached`, ...; several joined by `, `. `null` in
    /// documents written before it was recorded.
    #[serde(default)]
    pub path: Option<String>,
    /// Whether it matched its scheme's reference within `tolerance`.
    pub verified: bool,
    /// The tolerance it was held to.
    pub tolerance: f64,
    /// Largest absolute difference from the reference (`null` if it did not run or gave NaN).
    pub max_abs_diff: Option<f64>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// Fastest timed run, seconds (`null` when not timed).
    pub best_s: Option<f64>,
    /// Median timed run, seconds.
    pub median_s: Option<f64>,
    /// Slowest timed run, seconds.
    pub max_s: Option<f64>,
    /// Million lattice updates per second at the best time.
    pub mlups: Option<f64>,
    /// Best time divided by the baseline's best time (the post's "relative speed").
    pub relative: Option<f64>,
    /// The final grid as `.npy`, if saved.
    pub grid_file: Option<String>,
    /// Sweeps the kernel's scheme needs, from the initial grid, until the
    /// largest change in a sweep is at most `problem.tolerance` (computed by
    /// the reference solver; `null` if not reached within the work cap).
    #[serde(default)]
    pub sweeps_to_tolerance: Option<usize>,
    /// `sweeps_to_tolerance` times this kernel's best time per sweep.
    #[serde(default)]
    pub time_to_solution_s: Option<f64>,
    /// What bounds this kernel's speed (see `laplace_core::Cost`).
    #[serde(default)]
    pub cost: Option<crate::Cost>,
    /// The bound in MLUP/s for this problem on this machine, from the probe.
    #[serde(default)]
    pub bound_mlups: Option<f64>,
    /// Which machine limit sets the bound, in words.
    #[serde(default)]
    pub bound_limit: Option<String>,
    /// `mlups / bound_mlups * 100`.
    #[serde(default)]
    pub percent_of_bound: Option<f64>,
    /// The measured speed is above its bound by more than the run's own
    /// noise: the model behind `bound_mlups` is wrong for this kernel on
    /// this machine, and `percent_of_bound` is not a measurement against a
    /// limit.
    #[serde(default)]
    pub bound_exceeded: bool,
    /// Core cycles per lattice update at the best time (per thread-cycle for
    /// parallel kernels: cycles * threads / updates).
    #[serde(default)]
    pub cycles_per_update: Option<f64>,
    /// For parallel kernels run with `--thread-sweep`: the timing at each
    /// thread count from 1 to `provenance.threads`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thread_scaling: Vec<ThreadPoint>,
    /// Why the kernel could not run here (an external kernel whose runtime is
    /// missing): neither verified nor failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
    /// For external kernels: how they were run and timed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalRun>,
    /// The code size of the kernel's source, as the Computer Language
    /// Benchmarks Game measures it: gzipped bytes (level 1) of the source
    /// without comments and repeated whitespace. Absent where the source was
    /// not found (an installed binary, a manifest without `source`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_bytes_gz: Option<u64>,
    /// Lines of the kernel's source that hold code (not blank, not only a
    /// comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_lines: Option<u64>,
    /// For MPI kernels: how they were launched, and the messages' cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mpi: Option<MpiRun>,
    /// For MPI kernels run with `--rank-sweep`: the timing at 1, 2, ...
    /// `mpi.ranks` ranks, in strong scaling (the problem's grid, and a
    /// large one) and weak scaling (the problem's rows per rank).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rank_scaling: Vec<RankPoint>,
}

/// How an MPI kernel was launched (`mpirun -np ranks`) and what it measured
/// of its messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MpiRun {
    /// Ranks of the timed runs.
    pub ranks: usize,
    /// More ranks than logical cores: launched with `--oversubscribe`, the
    /// ranks time-share cores.
    pub oversubscribed: bool,
    /// Half a ping-pong round trip of 8 bytes between ranks 0 and 1,
    /// seconds (best of its repetitions); absent on one rank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_s: Option<f64>,
    /// Bytes per second of a 1 MiB ping-pong, its latency taken off; absent
    /// on one rank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth_bytes_per_s: Option<f64>,
}

/// One point of a rank sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankPoint {
    /// `strong` (a fixed grid split over more ranks) or `weak` (the grid
    /// grows with the ranks, the same rows per rank).
    pub scaling: String,
    /// Ranks used.
    pub ranks: usize,
    /// Grid rows.
    pub nx: usize,
    /// Grid columns.
    pub ny: usize,
    /// Sweeps run.
    pub iters: usize,
    /// More ranks than logical cores.
    pub oversubscribed: bool,
    /// Fastest timed run (the slowest rank's sweep loop), seconds.
    pub best_s: f64,
    /// Million lattice updates per second at the best time.
    pub mlups: f64,
}

/// How an external kernel was run. Its times are the kernel's own timing of
/// its sweep loop (the runner cannot time inside another process), scaled
/// to the problem's sweeps when it ran fewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalRun {
    /// The manifest it was loaded from.
    pub manifest: String,
    /// The command, as the manifest gives it.
    pub command: String,
    /// Sweeps each invocation ran; fewer than `problem.iters` means the
    /// times were extrapolated.
    pub sweeps_run: usize,
    /// Whether the times are scaled from `sweeps_run` sweeps.
    pub extrapolated: bool,
    /// Invocations timed (each also verified).
    pub invocations: usize,
    /// Median wall time of the whole process (start-up, imports, compilation
    /// and I/O included), seconds, not scaled.
    pub process_median_s: Option<f64>,
}

/// One point of a thread sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThreadPoint {
    /// Threads used.
    pub threads: usize,
    /// Fastest timed run, seconds.
    pub best_s: f64,
    /// Median timed run, seconds.
    pub median_s: f64,
    /// Million lattice updates per second at the best time.
    pub mlups: f64,
}

impl KernelResult {
    /// The flags to print beside the result: the speed-relevant compiler
    /// flags of a compiled kernel ([`crate::short_flags`]), an external
    /// kernel's own description as it reported it.
    pub fn display_flags(&self) -> String {
        if self.external.is_some() {
            self.flags.clone()
        } else {
            crate::short_flags(&self.flags)
        }
    }

    /// Whether the times are scaled from fewer sweeps than the problem's.
    pub fn extrapolated(&self) -> bool {
        self.external.as_ref().is_some_and(|e| e.extrapolated)
    }

    /// Whether the kernel ran and failed (unavailable kernels did not run).
    pub fn failed(&self) -> bool {
        !self.verified && self.unavailable.is_none()
    }

    /// `max_s / best_s`: 1.0 on a quiet machine.
    pub fn spread(&self) -> Option<f64> {
        Some(self.max_s? / self.best_s?)
    }

    /// Whether `percent_of_bound` is above 100% by more than the run's own
    /// noise (`spread - 1`, clamped to 1-3%): the rule behind
    /// `bound_exceeded`, applied by the runner and, for documents written
    /// before the field existed, by the report.
    pub fn exceeds_bound(&self) -> bool {
        let noise = self.spread().map_or(0.0, |s| s - 1.0).clamp(0.01, 0.03);
        self.percent_of_bound
            .is_some_and(|pct| pct > 100.0 * (1.0 + noise))
    }
}

impl ResultsDoc {
    /// The results grouped by scheme (in [`Scheme`] order), fastest first
    /// within a scheme, failed kernels last in their group.
    pub fn table_order(&self) -> Vec<&KernelResult> {
        let mut rows: Vec<&KernelResult> = self.results.iter().collect();
        rows.sort_by(|a, b| {
            let key = |r: &KernelResult| (r.scheme, r.best_s.is_none());
            key(a).cmp(&key(b)).then_with(|| {
                let t = |r: &KernelResult| r.best_s.unwrap_or(f64::INFINITY);
                t(a).total_cmp(&t(b))
            })
        });
        rows
    }
}

#[cfg(test)]
mod signature_tests {
    use super::*;

    #[test]
    fn reads_the_signature_and_names_the_file() {
        let text = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 167\n\
                    model name\t: Intel(R) Xeon(R) Processor\nstepping\t: 1\n\nprocessor\t: 1\n";
        let sig = CpuSignature::from_cpuinfo(text).unwrap();
        assert_eq!(
            sig.to_string(),
            "GenuineIntel family 6 model 167 stepping 1"
        );
        assert_eq!(sig.file_stem(), "intel-family6-model167");
        assert_eq!(CpuSignature::from_cpuinfo("processor : 0\n"), None);
    }
}

#[cfg(test)]
mod compiler_tests {
    use super::*;

    fn provenance(extra: &str) -> Provenance {
        let json = format!(
            r#"{{"date": "d", "host": "h", "cpu": "c", "logical_cores": 2, "os": "o",
                "rustc": "r", "target_cpu": "native", "profile": "release",
                "threads": 2{extra}}}"#
        );
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn compilers_by_language_and_from_older_documents() {
        let new = provenance(r#", "compilers": {"c": "gcc 12", "cpp": "g++ 12"}"#);
        assert_eq!(new.compiler("cpp"), Some("g++ 12"));
        assert_eq!(new.compiler("fortran"), None);
        let json = serde_json::to_value(&new).unwrap();
        assert!(json.get("c_compiler").is_none(), "{json}");

        let old = provenance(r#", "c_compiler": "cc 1", "fortran_compiler": "gfortran 1""#);
        assert_eq!(old.compiler("c"), Some("cc 1"));
        assert_eq!(old.compiler("fortran"), Some("gfortran 1"));
        assert_eq!(old.compiler("cpp"), None);
        // Written back, an old document keeps what it said.
        let again: Provenance =
            serde_json::from_value(serde_json::to_value(&old).unwrap()).unwrap();
        assert_eq!(again.compiler("fortran"), Some("gfortran 1"));
    }
}
