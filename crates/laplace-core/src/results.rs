//! The results document that `shootout run --json` writes and
//! `shootout report` reads. Documented field by field in `docs/results-schema.md`.

use serde::{Deserialize, Serialize};

use crate::Scheme;

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
    /// C compiler and version.
    pub c_compiler: String,
    /// Fortran compiler and version.
    pub fortran_compiler: String,
    /// Threads offered to parallel kernels.
    pub threads: usize,
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

/// Machine limits measured by `shootout probe`, the inputs of every bound.
/// Times are seconds per instruction, bandwidths bytes per second counted as
/// STREAM does (copy: 16 bytes per element, triad: 24), caches bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// Host name of the machine probed.
    pub host: String,
    /// CPU model of the machine probed.
    pub cpu: String,
    /// When, RFC 3339 UTC.
    pub date: String,
    /// Seconds per core cycle, from a chain of dependent 64-bit integer
    /// multiplies (3 cycles each on every x86-64 core since 2008; no core
    /// folds or eliminates them, as recent Intel cores fold chains of adds
    /// with immediates).
    pub cycle_s: Option<f64>,
    /// The clock against independent estimates (`null` in probes written
    /// before the check existed).
    #[serde(default)]
    pub clock_check: Option<ClockCheck>,
    /// Latency of a dependent scalar add, multiply, FMA and divide.
    pub latency_s: OpTimes,
    /// Reciprocal throughput of independent scalar operations.
    pub scalar_throughput_s: OpTimes,
    /// Reciprocal throughput of independent vector operations of `vector_lanes` doubles.
    pub vector_throughput_s: OpTimes,
    /// Doubles per vector register used by the vector probes (8 with AVX-512, 4 with AVX).
    pub vector_lanes: usize,
    /// Reciprocal throughput of the divide at every width the CPU has (1, 2,
    /// 4 and 8 doubles): wider is not always more divides per second.
    #[serde(default)]
    pub div_by_width: Vec<WidthTime>,
    /// Time per update of each Gauss-Seidel dependency chain as the
    /// compilers emit it, with the stencil's own constants: unbroken
    /// (`row: null`, its latency), and in rows of the problem's length as a
    /// sweep runs it (added by `shootout run`).
    #[serde(default)]
    pub chains: Vec<ChainTime>,
    /// Copy bandwidth, one core, arrays far larger than the last-level cache.
    pub copy_bw_1: f64,
    /// Triad bandwidth, one core.
    pub triad_bw_1: f64,
    /// Copy bandwidth, all cores.
    pub copy_bw_all: f64,
    /// Triad bandwidth, all cores.
    pub triad_bw_all: f64,
    /// Copy bandwidth of arrays that stay in one core's L2.
    pub l2_copy_bw: f64,
    /// Copy bandwidth of arrays larger than L2 that fit in the last-level
    /// cache, one core (`null` where there is no such size).
    #[serde(default)]
    pub l3_copy_bw: Option<f64>,
    /// Per-core L1 data cache size (0: unknown).
    #[serde(default)]
    pub l1_bytes: usize,
    /// Per-core L2 size.
    pub l2_bytes: usize,
    /// Last-level cache size.
    pub llc_bytes: usize,
    /// Where each cache size came from, one line per level.
    #[serde(default)]
    pub cache_source: Vec<String>,
    /// Threads used for the all-core figures.
    pub threads: usize,
}

impl Probe {
    /// The most doubles divided per second at any width the kernels can use,
    /// and that width: `(lanes / seconds, lanes)`. Falls back to the widest
    /// vector divide for probes without `div_by_width`.
    pub fn best_divide(&self) -> Option<(f64, usize)> {
        let from_widths = self
            .div_by_width
            .iter()
            .filter(|w| w.seconds > 0.0 && w.seconds.is_finite())
            .map(|w| (w.lanes as f64 / w.seconds, w.lanes))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        from_widths.or_else(|| {
            self.vector_throughput_s
                .div
                .map(|t| (self.vector_lanes as f64 / t, self.vector_lanes))
        })
    }

    /// The measured time per update of `chain` in rows of `row` updates,
    /// else of the unbroken chain, if probed.
    pub fn chain(&self, chain: Chain, row: usize) -> Option<f64> {
        let of = |r: Option<usize>| {
            self.chains
                .iter()
                .find(|c| c.chain == chain && c.row == r)
                .map(|c| c.seconds)
        };
        of(Some(row)).or_else(|| of(None))
    }
}

/// The clock figure checked against independent estimates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockCheck {
    /// Every estimate, the one used (`imul chain`) first.
    pub estimates: Vec<ClockEstimate>,
    /// Whether every estimate is within 10% of the one used.
    pub agree: bool,
    /// What disagrees and what that means, if anything does.
    pub note: Option<String>,
}

impl ClockCheck {
    /// FMA latency in cycles on every current x86-64 core (Intel since
    /// Skylake, AMD since Zen).
    pub const FMA_LATENCY_CYCLES: f64 = 4.0;

    /// How far an estimate may stray from the clock used before the check
    /// says so.
    pub const AGREEMENT: f64 = 0.10;

    /// Source name of the estimate that counts the same core cycles another
    /// way.
    pub const FMA_SOURCE: &'static str = "FMA latency / 4 cycles";

    /// Checks the clock used (`cycle_s` seconds per cycle, measured by
    /// `source`) against `others` (source, Hz). The estimates that count
    /// core cycles must agree within [`ClockCheck::AGREEMENT`]; nominal ones
    /// (a source naming itself `nominal`: the TSC, cpufreq) are reported and
    /// a difference there is noted, but is no disagreement: a core may run
    /// above or below its nominal clock.
    pub fn of(cycle_s: f64, source: &str, others: &[(String, f64)]) -> ClockCheck {
        let used = 1.0 / cycle_s;
        let mut estimates = vec![ClockEstimate {
            source: source.to_string(),
            ghz: used / 1e9,
        }];
        let mut problems = Vec::new();
        let mut remarks = Vec::new();
        for (source, hz) in others {
            estimates.push(ClockEstimate {
                source: source.clone(),
                ghz: hz / 1e9,
            });
            let off = hz / used - 1.0;
            if off.abs() <= Self::AGREEMENT {
                continue;
            }
            let line = format!(
                "{source} gives {:.2} GHz, {:+.0}% from the {:.2} GHz used",
                hz / 1e9,
                off * 100.0,
                used / 1e9
            );
            if source.contains("nominal") {
                remarks.push(line);
            } else {
                problems.push(line);
            }
        }
        let agree = problems.is_empty();
        let mut note = problems;
        if !agree {
            note.push(
                "the clock is uncertain: every cycles-per-update figure of this run may be off by the same factor"
                    .to_string(),
            );
        }
        note.extend(remarks);
        ClockCheck {
            estimates,
            agree,
            note: (!note.is_empty()).then(|| note.join("; ")),
        }
    }
}

impl Probe {
    /// The probe's [`ClockCheck`], or, for a probe written before the check
    /// existed, the check of its clock (then taken from a chain of integer
    /// adds) against its own FMA latency.
    pub fn clock_check_or_derived(&self) -> Option<ClockCheck> {
        if self.clock_check.is_some() {
            return self.clock_check.clone();
        }
        let (cycle, fma) = (self.cycle_s?, self.latency_s.fma?);
        Some(ClockCheck::of(
            cycle,
            "add chain (the probe of this document's time)",
            &[(
                ClockCheck::FMA_SOURCE.to_string(),
                ClockCheck::FMA_LATENCY_CYCLES / fma,
            )],
        ))
    }
}

/// One estimate of the core clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockEstimate {
    /// Where it comes from (`imul chain`, `FMA latency / 4`, `TSC`, ...).
    pub source: String,
    /// Cycles per second, in GHz.
    pub ghz: f64,
}

/// Reciprocal throughput of an operation at one vector width.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WidthTime {
    /// Doubles per instruction.
    pub lanes: usize,
    /// Seconds per instruction.
    pub seconds: f64,
}

/// A Gauss-Seidel update chain: the operations between one point's new
/// value and the next point's, through `u[i,j-1]`, in the order the
/// compilers emit them for `((n + s) * dy2 + (e + w) * dx2) / d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Chain {
    /// `w` → add → multiply → add → divide: the formula as written, no
    /// contraction (rustc).
    AddMulAddDiv,
    /// `w` → add → multiply → FMA → divide: gcc and gfortran contract
    /// `(n + s) * dy2 + (...)` into an FMA whose addend is the chained value
    /// (`-ffp-contract=fast`, their default).
    AddMulFmaDiv,
    /// `w` → add → multiply → FMA → multiply: the same with `-ffast-math`,
    /// which turns the division into a multiply by `1/d`.
    AddMulFmaMul,
}

impl Chain {
    /// Every chain, in probe order.
    pub const ALL: [Chain; 3] = [
        Chain::AddMulAddDiv,
        Chain::AddMulFmaDiv,
        Chain::AddMulFmaMul,
    ];

    /// The operations in words, as the bounds name them.
    pub fn describe(self) -> &'static str {
        match self {
            Chain::AddMulAddDiv => "add+mul+add+div latency chain",
            Chain::AddMulFmaDiv => "add+mul+FMA+div latency chain",
            Chain::AddMulFmaMul => "add+mul+FMA+mul latency chain",
        }
    }
}

/// The measured time per update of one [`Chain`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChainTime {
    /// Which chain.
    pub chain: Chain,
    /// Updates per row, each row's chain starting afresh, as in a sweep;
    /// `null` for one unbroken chain (its latency).
    #[serde(default)]
    pub row: Option<usize>,
    /// Seconds per update.
    pub seconds: f64,
}

/// One time per basic FP operation; `None` where it could not be measured.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct OpTimes {
    /// `add`.
    pub add: Option<f64>,
    /// `mul`.
    pub mul: Option<f64>,
    /// Fused multiply-add.
    pub fma: Option<f64>,
    /// `div`.
    pub div: Option<f64>,
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
mod clock_tests {
    use super::*;

    /// The Intel Xeon's probe of 93c25e5: an add chain read 17.8 GHz, its
    /// own FMA latency (1.19 ns) says 3.36 GHz. The derived check flags it.
    #[test]
    fn an_old_probe_gets_its_clock_checked_from_its_own_fma_latency() {
        let json = r#"{"host":"vm","cpu":"Intel(R) Xeon(R) Processor","date":"d",
            "cycle_s":5.61578046875e-11,
            "latency_s":{"add":6.4e-10,"mul":8.9e-10,"fma":1.1909761328125e-09,"div":4.16e-09},
            "scalar_throughput_s":{"add":null,"mul":null,"fma":null,"div":null},
            "vector_throughput_s":{"add":null,"mul":null,"fma":null,"div":5.07e-09},
            "vector_lanes":8,"copy_bw_1":1e10,"triad_bw_1":1e10,"copy_bw_all":1.7e10,
            "triad_bw_all":1.9e10,"l2_copy_bw":6.9e10,"l2_bytes":2097152,
            "llc_bytes":503316480,"threads":2}"#;
        let p: Probe = serde_json::from_str(json).unwrap();
        assert_eq!(p.clock_check, None);
        let check = p.clock_check_or_derived().unwrap();
        assert!(!check.agree, "{check:?}");
        assert!((check.estimates[1].ghz - 3.36).abs() < 0.01, "{check:?}");
        assert!(check.estimates[0].source.contains("add chain"));
        assert!(check.note.unwrap().contains("-81%"));
    }
}
