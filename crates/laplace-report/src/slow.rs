//! The "no traps" rule: every verified compiled kernel more than
//! [`SLOW_FACTOR`] times slower than [`MACHINE_REFERENCE`] on the same run
//! gets one line saying why, built from that run's own figures (its scheme,
//! bound, limit, percentage of the bound, code path, time to solution),
//! never from prose about a particular CPU.

use std::fmt::Write;

use laplace_core::Scheme;
use laplace_core::results::KernelResult;

use crate::model::{
    MACHINE_REFERENCE, Outcome, ReportData, Run, fmt_duration, fmt_mlups, fmt_relative,
    machine_labels, outcome, sig, thousands,
};

/// A kernel whose best time is more than this many times the reference's
/// gets a line saying why.
pub(crate) const SLOW_FACTOR: f64 = 2.0;

/// A table cell or list item: no line breaks from the data.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ").trim().to_string()
}

/// The best time of a verified, timed result.
fn best(r: &KernelResult) -> Option<f64> {
    match outcome(r) {
        Outcome::Timed(_) => r.best_s.filter(|t| t.is_finite() && *t > 0.0),
        _ => None,
    }
}

/// The compiled kernels of `run` more than [`SLOW_FACTOR`] times slower than
/// `reference`, each with its best time over the reference's; external
/// kernels are left out.
pub(crate) fn slow_kernels<'a>(
    run: &'a Run,
    reference: &KernelResult,
) -> Vec<(&'a KernelResult, f64)> {
    let Some(base) = best(reference) else {
        return Vec::new();
    };
    run.doc
        .results
        .iter()
        .filter(|r| r.external.is_none() && r.kernel != reference.kernel)
        .filter_map(|r| Some((r, best(r)? / base)))
        .filter(|(_, ratio)| *ratio > SLOW_FACTOR)
        .collect()
}

/// `bound 2,000 MLUP/s by 4-wide divide throughput, reached 90%`, or
/// that the bound's model fails when the kernel ran above it; `None`
/// without a bound.
fn bound_clause(r: &KernelResult) -> Option<String> {
    let bound = r.bound_mlups.filter(|b| b.is_finite() && *b > 0.0)?;
    let limit = r
        .bound_limit
        .as_deref()
        .map_or_else(|| "its cost".to_string(), one_line);
    let mut text = format!("bound {} MLUP/s by {limit}", fmt_mlups(Some(bound)));
    if r.bound_exceeded {
        text.push_str(
            ", but it ran above that bound: the model behind the bound fails for this kernel here",
        );
    } else if let Some(p) = r.percent_of_bound.filter(|p| p.is_finite()) {
        let _ = write!(text, ", reached {}%", sig(p, 2));
    }
    Some(text)
}

/// `time to solution 1.20 s vs c/array 0.300 s`, with the sweeps each
/// needs when `sweeps` is set; `None` unless both have the figure.
fn solution_clause(r: &KernelResult, reference: &KernelResult, sweeps: bool) -> Option<String> {
    r.sweeps_to_tolerance?;
    let (mine, theirs) = (r.time_to_solution_s?, reference.time_to_solution_s?);
    let mut text = format!(
        "time to solution {} vs {} {}",
        fmt_duration(mine),
        reference.kernel,
        fmt_duration(theirs)
    );
    if let (true, Some(a), Some(b)) = (sweeps, r.sweeps_to_tolerance, reference.sweeps_to_tolerance)
    {
        let _ = write!(text, " ({} sweeps vs {})", thousands(a), thousands(b));
    }
    Some(text)
}

/// The code path that ran, `path avx2`.
fn path_clause(r: &KernelResult) -> Option<String> {
    r.path.as_deref().map(|p| format!("path {}", one_line(p)))
}

/// Why `r` is slower than `reference`, from the figures of the run alone.
pub(crate) fn reason(r: &KernelResult, reference: &KernelResult) -> String {
    let mut parts: Vec<String> = Vec::new();
    match r.scheme {
        Scheme::GaussSeidel => {
            let mut chain =
                "Gauss-Seidel carries a dependency chain through `u[i,j-1]`".to_string();
            if r.form.contains("wavefront") {
                chain.push_str(" (this wavefront form runs the chain on several rows at once)");
            }
            match bound_clause(r) {
                Some(b) => {
                    let _ = write!(chain, ": {b}");
                }
                None => chain.push_str(": no bound recorded"),
            }
            parts.push(chain);
            parts.extend(solution_clause(r, reference, false));
            parts.extend(path_clause(r));
        }
        Scheme::RedBlackSor => {
            parts.push(
                "red-black SOR updates half the points per pass, two passes per sweep, with \
                 stride-2 access"
                    .into(),
            );
            parts.extend(solution_clause(r, reference, true));
            parts.extend(bound_clause(r));
            parts.extend(path_clause(r));
        }
        Scheme::Jacobi => {
            let reference_mlups = match outcome(reference) {
                Outcome::Timed(m) => Some(m),
                _ => None,
            };
            let bound = r.bound_mlups.filter(|b| b.is_finite() && *b > 0.0);
            // The limit explains the gap only when the model held and the
            // kernel, even at its bound, would still be more than
            // SLOW_FACTOR times slower than the reference.
            let explained = match (bound, reference_mlups) {
                (Some(b), Some(m)) => !r.bound_exceeded && b * SLOW_FACTOR < m,
                _ => false,
            };
            parts.extend(bound_clause(r).map(|b| match (explained, reference_mlups) {
                (false, Some(m)) if !r.bound_exceeded => format!(
                    "{b}, but at that bound it would be within {}x of {}'s {} MLUP/s",
                    sig(SLOW_FACTOR, 1),
                    reference.kernel,
                    fmt_mlups(Some(m))
                ),
                _ => b,
            }));
            parts.extend(path_clause(r));
            if !explained {
                parts.push("no model explains this: a defect to investigate".into());
            }
        }
    }
    parts.join("; ")
}

/// One list item: `` - `rust/loop`: 4.00x c/array's time (250 vs 1,000 MLUP/s); <reason> ``.
fn line(r: &KernelResult, ratio: f64, reference: &KernelResult) -> String {
    let speeds = match (outcome(r), outcome(reference)) {
        (Outcome::Timed(a), Outcome::Timed(b)) => {
            format!(" ({} vs {} MLUP/s)", fmt_mlups(Some(a)), fmt_mlups(Some(b)))
        }
        _ => String::new(),
    };
    format!(
        "- `{}`: {} {}'s time{speeds}; {}",
        one_line(&r.kernel),
        fmt_relative(Some(ratio)),
        reference.kernel,
        reason(r, reference)
    )
}

/// One short list per run of the kernels more than [`SLOW_FACTOR`] times
/// slower than [`MACHINE_REFERENCE`] there, headed with the machine; a note
/// where the reference has no time; nothing for a run without such kernels.
pub(crate) fn section(md: &mut String, data: &ReportData) {
    let runs: Vec<&Run> = data.runs.iter().collect();
    let labels = machine_labels(&runs);
    for (run, label) in runs.iter().zip(&labels) {
        let reference = run
            .doc
            .results
            .iter()
            .find(|r| r.kernel == MACHINE_REFERENCE && best(r).is_some());
        let Some(reference) = reference else {
            let compiled = run
                .doc
                .results
                .iter()
                .any(|r| r.external.is_none() && best(r).is_some());
            if compiled {
                let _ = writeln!(
                    md,
                    "*`{MACHINE_REFERENCE}` has no time on {}, so no kernel there is checked \
                     against it.*\n",
                    one_line(label)
                );
            }
            continue;
        };
        let slow = slow_kernels(run, reference);
        if slow.is_empty() {
            continue;
        }
        let _ = writeln!(
            md,
            "### Why these kernels are more than {}x slower than {MACHINE_REFERENCE} ({})\n",
            sig(SLOW_FACTOR, 1),
            one_line(label)
        );
        for (r, ratio) in slow {
            md.push_str(&line(r, ratio, reference));
            md.push('\n');
        }
        md.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixture::{data, doc, probe};
    use laplace_core::results::{ExternalRun, ResultsDoc};

    /// `c/array` at 3000 MLUP/s, a Jacobi kernel 3x slower, a red-black
    /// kernel and a Gauss-Seidel kernel 4x slower, a kernel 1.5x slower and
    /// an external kernel 10x slower.
    fn run() -> ResultsDoc {
        let mut d = doc(
            "box",
            "AMD EPYC 9B45",
            Some(("AuthenticAMD", 26, 2, 1)),
            &[
                ("c/array", Some(3000.0)),
                ("rust/array-slow", Some(1000.0)),
                ("c/redblack", Some(750.0)),
                ("c/loop", Some(750.0)),
                ("rust/array", Some(2000.0)),
                ("python/array-numpy", Some(300.0)),
            ],
        );
        d.probe = Some(probe());
        let set = |d: &mut ResultsDoc, name: &str, f: &dyn Fn(&mut KernelResult)| {
            f(d.results.iter_mut().find(|r| r.kernel == name).unwrap());
        };
        set(&mut d, "c/array", &|r| {
            r.sweeps_to_tolerance = Some(20_000);
            r.time_to_solution_s = Some(0.07);
        });
        set(&mut d, "rust/array-slow", &|r| {
            r.bound_mlups = Some(1100.0);
            r.bound_limit = Some("copy bandwidth".into());
            r.percent_of_bound = Some(91.0);
            r.path = Some("portable".into());
        });
        set(&mut d, "c/redblack", &|r| {
            r.scheme = Scheme::RedBlackSor;
            r.sweeps_to_tolerance = Some(400);
            r.time_to_solution_s = Some(0.005);
            r.path = Some("avx2".into());
        });
        set(&mut d, "c/loop", &|r| {
            r.bound_mlups = Some(800.0);
            r.bound_limit = Some("the add-multiply-divide chain latency".into());
            r.percent_of_bound = Some(94.0);
            r.sweeps_to_tolerance = Some(10_000);
            r.time_to_solution_s = Some(0.13);
        });
        set(&mut d, "python/array-numpy", &|r| {
            r.external = Some(ExternalRun {
                manifest: "python.toml".into(),
                command: "python3 numpy.py".into(),
                sweeps_run: 8000,
                extrapolated: false,
                invocations: 3,
                process_median_s: None,
            });
        });
        d
    }

    fn render(docs: Vec<ResultsDoc>) -> String {
        let mut md = String::new();
        section(&mut md, &data(docs));
        md
    }

    fn item<'a>(md: &'a str, kernel: &str) -> Option<&'a str> {
        md.lines()
            .find(|l| l.starts_with(&format!("- `{kernel}`:")))
    }

    #[test]
    fn every_kernel_over_twice_the_reference_time_gets_one_line() {
        let md = render(vec![run()]);
        assert!(md.contains(
            "### Why these kernels are more than 2x slower than c/array \
             (AMD EPYC 9B45 (AMD 26/2/1), 2026-01-02)\n"
        ));
        assert_eq!(
            md.lines().filter(|l| l.starts_with("- ")).count(),
            3,
            "{md}"
        );
        assert_eq!(
            item(&md, "rust/array-slow").unwrap(),
            "- `rust/array-slow`: 3.00x c/array's time (1000 vs 3000 MLUP/s); bound 1100 MLUP/s \
             by copy bandwidth, reached 91%; path portable"
        );
        assert_eq!(
            item(&md, "c/redblack").unwrap(),
            "- `c/redblack`: 4.00x c/array's time (750 vs 3000 MLUP/s); red-black SOR updates \
             half the points per pass, two passes per sweep, with stride-2 access; time to \
             solution 5.00 ms vs c/array 70.0 ms (400 sweeps vs 20,000); path avx2"
        );
        assert_eq!(
            item(&md, "c/loop").unwrap(),
            "- `c/loop`: 4.00x c/array's time (750 vs 3000 MLUP/s); Gauss-Seidel carries a \
             dependency chain through `u[i,j-1]`: bound 800 MLUP/s by the add-multiply-divide \
             chain latency, reached 94%; time to solution 130 ms vs c/array 70.0 ms"
        );
        // 1.5x slower, and external: no line.
        assert!(item(&md, "rust/array").is_none());
        assert!(item(&md, "python/array-numpy").is_none());
    }

    #[test]
    fn unexplained_jacobi_and_wavefront_lines_say_so() {
        let mut d = run();
        let slow = d
            .results
            .iter_mut()
            .find(|r| r.kernel == "rust/array-slow")
            .unwrap();
        slow.bound_mlups = Some(6000.0);
        slow.percent_of_bound = Some(17.0);
        let md = render(vec![d.clone()]);
        assert!(
            item(&md, "rust/array-slow").unwrap().ends_with(
                "bound 6000 MLUP/s by copy bandwidth, reached 17%, but at that bound it would \
                 be within 2x of c/array's 3000 MLUP/s; path portable; no model explains this: \
                 a defect to investigate"
            ),
            "{md}"
        );
        let slow = d
            .results
            .iter_mut()
            .find(|r| r.kernel == "rust/array-slow")
            .unwrap();
        slow.bound_exceeded = true;
        slow.bound_mlups = Some(900.0);
        let md = render(vec![d.clone()]);
        assert!(
            item(&md, "rust/array-slow")
                .unwrap()
                .contains("but it ran above that bound: the model behind the bound fails"),
            "{md}"
        );
        assert!(md.contains("no model explains this: a defect to investigate"));
        // Nothing recorded: the defect line alone.
        let slow = d
            .results
            .iter_mut()
            .find(|r| r.kernel == "rust/array-slow")
            .unwrap();
        (slow.bound_mlups, slow.bound_limit, slow.path) = (None, None, None);
        slow.bound_exceeded = false;
        let md = render(vec![d.clone()]);
        assert!(
            item(&md, "rust/array-slow")
                .unwrap()
                .ends_with("MLUP/s); no model explains this: a defect to investigate")
        );
        // A wavefront form says it runs the chain on several rows.
        let gs = d.results.iter_mut().find(|r| r.kernel == "c/loop").unwrap();
        (gs.kernel, gs.form) = ("rust/loop-wavefront".into(), "loop-wavefront".into());
        let md = render(vec![d]);
        assert!(
            item(&md, "rust/loop-wavefront")
                .unwrap()
                .contains("(this wavefront form runs the chain on several rows at once)")
        );
    }

    #[test]
    fn each_run_is_headed_with_its_machine_and_missing_reference_is_noted() {
        let other = doc(
            "vm",
            "Intel Xeon Processor",
            Some(("GenuineIntel", 6, 143, 8)),
            &[("c/array", Some(1000.0)), ("c/loop", Some(100.0))],
        );
        let md = render(vec![run(), other]);
        assert!(md.contains("(AMD EPYC 9B45 (AMD 26/2/1), 2026-01-02)"));
        assert!(md.contains(
            "### Why these kernels are more than 2x slower than c/array \
             (Intel Xeon Processor (Intel 6/143/8), 2026-01-02)"
        ));
        assert!(
            item(&md, "c/loop")
                .unwrap()
                .contains("4.00x c/array's time"),
            "the first run's line first"
        );
        assert!(md.contains("- `c/loop`: 10.00x c/array's time (100 vs 1000 MLUP/s);"));
        // No c/array: a note instead of the rule.
        let lone = doc("h", "cpu", None, &[("c/loop", Some(100.0))]);
        let md = render(vec![lone]);
        assert!(md.contains("*`c/array` has no time on cpu, 2026-01-02, so no kernel there"));
        // Only fast kernels: nothing.
        let fast = doc(
            "h",
            "cpu",
            None,
            &[("c/array", Some(100.0)), ("rust/array", Some(60.0))],
        );
        assert_eq!(render(vec![fast]), "");
    }
}
