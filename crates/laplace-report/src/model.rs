//! The loaded inputs, and the orderings and labels every chart and table share.

use std::path::PathBuf;

use laplace_core::Scheme;
use laplace_core::results::{
    CpuSignature, KernelResult, Probe, ProblemSpec, Provenance, ResultsDoc,
};

use crate::BenchPoint;
pub(crate) use crate::format::{
    fmt_bandwidth, fmt_clock, fmt_duration, fmt_mlups, fmt_mlups_grouped, fmt_relative, fmt_secs,
    sig, thousands,
};

/// One results document: one machine, one problem.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its content.
    pub doc: ResultsDoc,
    /// A short label, unique among the runs (host name, then problem or file
    /// when host names repeat).
    pub label: String,
}

/// What the report knows about criterion data.
#[derive(Debug, Clone)]
pub(crate) enum Criterion {
    /// No folder was given.
    NotAsked,
    /// The folder does not exist.
    Absent(PathBuf),
    /// The folder and every measurement found in it.
    Loaded(PathBuf, Vec<BenchPoint>),
}

/// Everything a chart or the Markdown report is drawn from.
#[derive(Debug, Clone)]
pub(crate) struct ReportData {
    /// The results documents, in the order given.
    pub runs: Vec<Run>,
    /// Criterion measurements, if any.
    pub criterion: Criterion,
}

impl ReportData {
    /// Wraps loaded documents, labelling each run.
    pub fn new(docs: Vec<(PathBuf, ResultsDoc)>, criterion: Criterion) -> Self {
        let labels = unique_labels(&docs);
        let runs = docs
            .into_iter()
            .zip(labels)
            .map(|((path, doc), label)| Run { path, doc, label })
            .collect();
        ReportData { runs, criterion }
    }

    /// The problem every run shares, if they share one.
    pub fn common_problem(&self) -> Option<&ProblemSpec> {
        let first = &self.runs.first()?.doc.problem;
        self.runs
            .iter()
            .all(|r| same_problem(&r.doc.problem, first))
            .then_some(first)
    }

    /// Distinct machines among the runs (see [`machine_key`]).
    pub fn machine_count(&self) -> usize {
        machine_count(&self.runs)
    }
}

/// What tells two machines apart: the CPU signature when recorded (two
/// hosts with one CPU signature count as one machine), else CPU model and
/// host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MachineKey {
    /// Vendor, family, model, stepping.
    Signature(CpuSignature),
    /// CPU model and host name, for documents without a signature.
    CpuHost(String, String),
}

/// The machine a results document was run on.
pub(crate) fn machine_key(p: &Provenance) -> MachineKey {
    match &p.cpu_signature {
        Some(s) => MachineKey::Signature(s.clone()),
        None => MachineKey::CpuHost(p.cpu.clone(), p.host.clone()),
    }
}

/// Distinct machines among `runs`.
pub(crate) fn machine_count(runs: &[Run]) -> usize {
    let mut seen: Vec<MachineKey> = Vec::new();
    for r in runs {
        let key = machine_key(&r.doc.provenance);
        if !seen.contains(&key) {
            seen.push(key);
        }
    }
    seen.len()
}

/// A CPU signature in a few characters: `AMD 25/1/1`, `Intel 6/143/8`
/// (vendor, family/model/stepping).
pub(crate) fn short_signature(s: &CpuSignature) -> String {
    let vendor = match s.vendor.as_str() {
        "AuthenticAMD" => "AMD",
        "GenuineIntel" => "Intel",
        "HygonGenuine" => "Hygon",
        "CentaurHauls" => "Centaur",
        v => v,
    };
    format!("{vendor} {}/{}/{}", s.family, s.model, s.stepping)
}

/// The day of an RFC 3339 date, `2025-03-01`; the whole text if it is not one.
pub(crate) fn day(date: &str) -> &str {
    match date.get(..10) {
        Some(d) if d.as_bytes().get(4) == Some(&b'-') => d,
        _ => date,
    }
}

/// A machine in a few words: `AMD EPYC 7763 (AMD 25/1/1)`, the CPU model
/// alone without a signature.
pub(crate) fn cpu_text(p: &Provenance) -> String {
    match &p.cpu_signature {
        Some(s) => format!("{} ({})", p.cpu, short_signature(s)),
        None => p.cpu.clone(),
    }
}

/// A run's label with its machine, for headings over one run's figures:
/// `bench-x86: AMD EPYC 7763 (AMD 25/1/1)` (the CPU model alone without a
/// signature).
pub(crate) fn run_machine(run: &Run) -> String {
    format!("{}: {}", run.label, cpu_text(&run.doc.provenance))
}

/// One label per run naming its machine: CPU model, short signature if
/// recorded, and day (`AMD EPYC 7763 (AMD 25/1/1), 2025-03-01`); the host,
/// then the run's own label, are added where that leaves two alike.
pub(crate) fn machine_labels(runs: &[&Run]) -> Vec<String> {
    let base: Vec<String> = runs
        .iter()
        .map(|r| {
            let p = &r.doc.provenance;
            format!("{}, {}", cpu_text(p), day(&p.date))
        })
        .collect();
    if all_unique(&base) {
        return base;
    }
    let with_host: Vec<String> = base
        .iter()
        .zip(runs)
        .map(|(b, r)| format!("{b}, host {}", r.doc.provenance.host))
        .collect();
    if all_unique(&with_host) {
        return with_host;
    }
    base.iter()
        .zip(runs)
        .map(|(b, r)| format!("{b} [{}]", r.label))
        .collect()
}

fn all_unique(v: &[String]) -> bool {
    v.iter()
        .enumerate()
        .all(|(i, a)| v.iter().skip(i + 1).all(|b| a != b))
}

/// The kernel every run is measured against when machines are compared.
pub(crate) const MACHINE_REFERENCE: &str = "c/array";

/// Runs of at least two machines, each kernel's speed divided by one
/// reference kernel's speed on the same run.
#[derive(Debug, Clone)]
pub(crate) struct Comparison<'a> {
    /// Every run, in the order given.
    pub runs: Vec<&'a Run>,
    /// One label per run ([`machine_labels`]).
    pub labels: Vec<String>,
    /// The reference kernel, timed in every run.
    pub reference: String,
    /// The reference's MLUP/s in each run.
    pub reference_mlups: Vec<f64>,
    /// Distinct machines.
    pub machines: usize,
}

impl<'a> Comparison<'a> {
    /// The runs compared against [`MACHINE_REFERENCE`] when every run timed
    /// it, else against the baseline every run names and timed; `Err` with
    /// the reason (one clause, lower case) when there are fewer than two machines or
    /// no such kernel.
    pub fn of(data: &'a ReportData) -> Result<Comparison<'a>, String> {
        let machines = data.machine_count();
        if machines < 2 {
            return Err(format!(
                "every results document is from one machine ({}); machines are \
                 told apart by CPU signature, or by CPU model and host where it is not recorded.",
                data.runs
                    .first()
                    .map_or_else(String::new, |r| cpu_text(&r.doc.provenance))
            ));
        }
        let runs: Vec<&Run> = data.runs.iter().collect();
        let timed = |run: &Run, kernel: &str| {
            run.doc
                .results
                .iter()
                .find(|r| r.kernel == kernel)
                .and_then(|r| match outcome(r) {
                    Outcome::Timed(m) => Some(m),
                    _ => None,
                })
        };
        let all_timed =
            |kernel: &str| -> Option<Vec<f64>> { runs.iter().map(|r| timed(r, kernel)).collect() };
        let (reference, reference_mlups) = match all_timed(MACHINE_REFERENCE) {
            Some(m) => (MACHINE_REFERENCE.to_string(), m),
            None => {
                let baseline = common_baseline(&data.runs);
                match baseline.and_then(|b| Some((b.to_string(), all_timed(b)?))) {
                    Some(found) => found,
                    None => {
                        let lacking: Vec<String> = runs
                            .iter()
                            .filter(|r| timed(r, MACHINE_REFERENCE).is_none())
                            .map(|r| r.label.clone())
                            .collect();
                        return Err(format!(
                            "`{MACHINE_REFERENCE}` has no time on {} and the \
                             documents share no timed baseline kernel, so speeds on different \
                             machines have nothing to be measured against.",
                            join_and(&lacking)
                        ));
                    }
                }
            }
        };
        Ok(Comparison {
            labels: machine_labels(&runs),
            runs,
            reference,
            reference_mlups,
            machines,
        })
    }

    /// A kernel's MLUP/s over the reference's in run `k`; `None` unless it
    /// verified and was timed there.
    pub fn relative(&self, k: usize, kernel: &str) -> Option<f64> {
        let r = self.runs[k]
            .doc
            .results
            .iter()
            .find(|r| r.kernel == kernel)?;
        match outcome(r) {
            Outcome::Timed(m) => Some(m / self.reference_mlups[k]),
            _ => None,
        }
    }
}

/// Same grid, sweeps and spacings (repeat and omega aside).
pub(crate) fn same_problem(a: &ProblemSpec, b: &ProblemSpec) -> bool {
    (a.nx, a.ny, a.iters) == (b.nx, b.ny, b.iters) && a.dx == b.dx && a.dy == b.dy
}

/// `100x100, 8000 sweeps, dx=0.1, dy=0.1`.
pub(crate) fn problem_text(p: &ProblemSpec) -> String {
    format!(
        "{}x{}, {} sweeps, dx={}, dy={}",
        p.nx, p.ny, p.iters, p.dx, p.dy
    )
}

/// `host: CPU`.
pub(crate) fn machine_text(p: &Provenance) -> String {
    format!("{}: {}", p.host, p.cpu)
}

fn unique_labels(docs: &[(PathBuf, ResultsDoc)]) -> Vec<String> {
    let hosts: Vec<String> = docs
        .iter()
        .map(|(_, d)| d.provenance.host.clone())
        .collect();
    let with_problem: Vec<String> = docs
        .iter()
        .map(|(_, d)| {
            format!(
                "{} ({}x{}, {} sweeps)",
                d.provenance.host, d.problem.nx, d.problem.ny, d.problem.iters
            )
        })
        .collect();
    if all_unique(&hosts) {
        return hosts;
    }
    if all_unique(&with_problem) {
        return with_problem;
    }
    with_problem
        .into_iter()
        .zip(docs)
        .enumerate()
        .map(|(k, (label, (path, _)))| {
            let file = path.file_name().map_or_else(
                || format!("#{}", k + 1),
                |f| f.to_string_lossy().into_owned(),
            );
            format!("{label} [{file}]")
        })
        .collect()
}

/// How a kernel came out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Outcome {
    /// Verified and timed: its MLUP/s (finite, positive).
    Timed(f64),
    /// Verified, but with no usable timing.
    Untimed,
    /// Did not match its reference, or did not run.
    Failed,
    /// Could not run on that machine (an external kernel's runtime is missing).
    Unavailable,
}

/// The outcome of one kernel result.
pub(crate) fn outcome(r: &KernelResult) -> Outcome {
    if r.unavailable.is_some() {
        return Outcome::Unavailable;
    }
    if !r.verified {
        return Outcome::Failed;
    }
    match r.mlups {
        Some(m) if m.is_finite() && m > 0.0 => Outcome::Timed(m),
        _ => Outcome::Untimed,
    }
}

/// A run's kernels grouped by scheme in [`Scheme::ALL`] order (schemes with no
/// kernel left out), fastest first within a scheme, then untimed, then failed.
pub(crate) fn by_scheme(results: &[KernelResult]) -> Vec<(Scheme, Vec<&KernelResult>)> {
    Scheme::ALL
        .iter()
        .filter_map(|&s| {
            let mut rows: Vec<&KernelResult> = results.iter().filter(|r| r.scheme == s).collect();
            rows.sort_by(|a, b| rank(a).total_cmp(&rank(b)));
            (!rows.is_empty()).then_some((s, rows))
        })
        .collect()
}

/// Sort key: timed kernels by falling speed, then untimed, then failed.
fn rank(r: &KernelResult) -> f64 {
    match outcome(r) {
        Outcome::Timed(m) => -m,
        Outcome::Untimed => 1.0,
        Outcome::Failed => 2.0,
        Outcome::Unavailable => 3.0,
    }
}

/// Every kernel name across runs, grouped by scheme, ordered as in the first
/// run that has it (fastest first), kernels only in later runs after.
pub(crate) fn kernels_across(runs: &[Run]) -> Vec<(Scheme, Vec<String>)> {
    Scheme::ALL
        .iter()
        .filter_map(|&s| {
            let mut names: Vec<String> = Vec::new();
            for run in runs {
                for (scheme, rows) in by_scheme(&run.doc.results) {
                    if scheme != s {
                        continue;
                    }
                    for r in rows {
                        if !names.contains(&r.kernel) {
                            names.push(r.kernel.clone());
                        }
                    }
                }
            }
            (!names.is_empty()).then_some((s, names))
        })
        .collect()
}

/// Whether a kernel is a fast-math variant: its name says so, or it was
/// built with `-ffast-math`.
pub(crate) fn fast_math(r: &KernelResult) -> bool {
    r.kernel.contains("fastmath") || r.flags.contains("-ffast-math")
}

/// Whether any result of any run has `field`.
pub(crate) fn any_result(runs: &[Run], field: impl Fn(&KernelResult) -> bool) -> bool {
    runs.iter().flat_map(|r| &r.doc.results).any(field)
}

/// A probe's key figures in a few words: clock, vector divide throughput
/// and copy bandwidth, e.g. `a 3.93 GHz clock, one 8-wide divide every
/// 0.988 ns, and copy bandwidth of 32.7 GB/s on 1 core and 56.6 GB/s on
/// 2 threads`; `short` for a chart line: `3.93 GHz; 8-wide divide every
/// 0.988 ns; copy 32.7 GB/s (1 core), 56.6 GB/s (2 threads)`.
pub(crate) fn probe_summary(p: &Probe, short: bool) -> String {
    let threads = if p.threads == 1 { "thread" } else { "threads" };
    let clock = fmt_clock(p);
    let div = p
        .vector_throughput_s
        .div
        .filter(|d| d.is_finite())
        .map(|d| sig(d * 1e9, 3));
    let (one, all) = (fmt_bandwidth(p.copy_bw_1), fmt_bandwidth(p.copy_bw_all));
    let mut parts = Vec::new();
    if short {
        parts.extend(clock);
        parts.extend(div.map(|d| format!("{}-wide divide every {d} ns", p.vector_lanes)));
        parts.push(format!(
            "copy {one} (1 core), {all} ({} {threads})",
            p.threads
        ));
        return parts.join("; ");
    }
    parts.extend(clock.map(|c| format!("a {c} clock")));
    parts.extend(div.map(|d| format!("one {}-wide divide every {d} ns", p.vector_lanes)));
    let copy = format!(
        "copy bandwidth of {one} on 1 core and {all} on {} {threads}",
        p.threads
    );
    match parts.len() {
        0 => copy,
        _ => format!("{}, and {copy}", parts.join(", ")),
    }
}

/// The baseline kernel shared by every run, if they name one and agree.
pub(crate) fn common_baseline(runs: &[Run]) -> Option<&str> {
    let first = runs.first()?.doc.baseline.as_deref()?;
    runs.iter()
        .all(|r| r.doc.baseline.as_deref() == Some(first))
        .then_some(first)
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machines_are_told_apart_by_signature_else_cpu_and_host() {
        use fixture::{data, doc};
        let sig = Some(("GenuineIntel", 6, 143, 8));
        let a = doc("a", "Xeon", sig, &[]);
        let b = doc("b", "Xeon", sig, &[]);
        assert_eq!(
            data(vec![a.clone(), b]).machine_count(),
            1,
            "one CPU, two hosts"
        );
        let c = doc("a", "Xeon", Some(("GenuineIntel", 6, 143, 7)), &[]);
        assert_eq!(data(vec![a, c]).machine_count(), 2, "another stepping");
        let (d, e) = (doc("a", "Xeon", None, &[]), doc("b", "Xeon", None, &[]));
        assert_eq!(data(vec![d.clone(), e]).machine_count(), 2);
        assert_eq!(data(vec![d.clone(), d]).machine_count(), 1);
        let s = CpuSignature {
            vendor: "AuthenticAMD".into(),
            family: 25,
            model: 1,
            stepping: 1,
        };
        assert_eq!(short_signature(&s), "AMD 25/1/1");
        assert_eq!(day("2026-11-25T21:04:08Z"), "2026-11-25");
        assert_eq!(day("yesterday"), "yesterday");
    }

    #[test]
    fn join_and_lists() {
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
        assert_eq!(join_and(&["a".into()]), "a");
    }
}

/// Small results documents for unit tests, built from JSON so that they keep
/// loading as the document gains defaulted fields.
#[cfg(test)]
pub(crate) mod fixture {
    use std::path::PathBuf;

    use laplace_core::results::ResultsDoc;
    use serde_json::json;

    use super::{Criterion, ReportData};

    /// A kernel's result: verified and timed at `mlups` on a 100x100 grid
    /// (8000 sweeps), or failed when `None`. The scheme follows the name:
    /// `loop` kernels are Gauss-Seidel, the rest Jacobi.
    pub fn kernel(name: &str, mlups: Option<f64>) -> serde_json::Value {
        let (language, form) = name.split_once('/').unwrap_or((name, ""));
        let scheme = if form.starts_with("loop") {
            "gauss-seidel"
        } else {
            "jacobi"
        };
        let best = mlups.map(|m| 98.0 * 98.0 * 8000.0 / (m * 1e6));
        json!({
            "kernel": name, "language": language, "form": form, "scheme": scheme,
            "flags": "-O3", "compiler": "cc 1", "verified": mlups.is_some(),
            "tolerance": 1e-12, "max_abs_diff": mlups.map(|_| 0.0),
            "error": if mlups.is_some() { None } else { Some("mismatch") },
            "best_s": best, "median_s": best, "max_s": best, "mlups": mlups,
            "relative": null, "grid_file": null,
        })
    }

    /// A document from `host` with CPU `cpu`, signature `(vendor, family,
    /// model, stepping)` if given, and `kernels` (see [`kernel`]).
    pub fn doc(
        host: &str,
        cpu: &str,
        signature: Option<(&str, u32, u32, u32)>,
        kernels: &[(&str, Option<f64>)],
    ) -> ResultsDoc {
        let signature = signature.map(|(vendor, family, model, stepping)| {
            json!({"vendor": vendor, "family": family, "model": model, "stepping": stepping})
        });
        let v = json!({
            "schema_version": 1,
            "provenance": {
                "date": "2026-01-02T03:04:05Z", "git_commit": null, "host": host, "cpu": cpu,
                "cpu_signature": signature, "isa": ["avx2", "fma"], "logical_cores": 2,
                "os": "Linux", "rustc": "rustc 1", "target_cpu": "native", "profile": "release",
                "c_compiler": "cc 1", "fortran_compiler": "gfortran 1", "threads": 2,
            },
            "problem": {"nx": 100, "ny": 100, "iters": 8000, "dx": 0.1, "dy": 0.1,
                        "omega": 1.5, "repeat": 3},
            "results": kernels.iter().map(|(n, m)| kernel(n, *m)).collect::<Vec<_>>(),
            "baseline": "c/array",
        });
        serde_json::from_value(v).expect("fixture document")
    }

    /// A probe with round figures, for `doc.probe`.
    pub fn probe() -> laplace_core::results::Probe {
        let op = json!({"add": 1e-9, "mul": 1e-9, "fma": 1e-9, "div": 4e-9});
        serde_json::from_value(json!({
            "host": "h", "cpu": "c", "date": "2026-01-02T03:04:05Z", "cycle_s": 0.25e-9,
            "latency_s": op, "scalar_throughput_s": op, "vector_throughput_s": op,
            "vector_lanes": 4, "copy_bw_1": 20e9, "triad_bw_1": 20e9, "copy_bw_all": 40e9,
            "triad_bw_all": 40e9, "l2_copy_bw": 100e9, "l2_bytes": 1 << 20,
            "llc_bytes": 32 << 20, "threads": 2,
        }))
        .expect("fixture probe")
    }

    /// The report data of `docs`, named `a.json`, `b.json`, ..., no criterion.
    pub fn data(docs: Vec<ResultsDoc>) -> ReportData {
        let docs = docs
            .into_iter()
            .enumerate()
            .map(|(k, d)| {
                (
                    PathBuf::from(format!("{}.json", (b'a' + k as u8) as char)),
                    d,
                )
            })
            .collect();
        ReportData::new(docs, Criterion::NotAsked)
    }
}
