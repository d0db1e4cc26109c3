//! The Markdown report, `README.md` in the output folder: the sections
//! around the tables here, the results tables in [`results`], the machine
//! tables (limits, machines, flags) in [`machines`].

mod machines;
mod results;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use crate::charts::{Chart, Drawn, compact};
use crate::format::{sig, thousands};
use crate::model::{Criterion, Outcome, ReportData, Run, any_result, outcome, problem_text};
use machines::{flags, limits, machines};
use results::{compared, side_by_side, single_table};

/// A table cell: no pipes or line breaks from the data.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .trim()
        .to_string()
}

/// A code span that survives backticks in the data.
fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {} ``", s.replace('\n', " "))
    } else {
        format!("`{}`", s.replace('\n', " "))
    }
}

/// The whole report.
pub(crate) fn render(data: &ReportData, charts: &[(&dyn Chart, Drawn)]) -> String {
    let mut md = String::from("# Laplace shootout report\n\n");
    sources(&mut md, data);
    problems(&mut md, data);
    md.push_str("## Results\n\n");
    let full = Full::of(&data.runs);
    if data.runs.len() == 1 {
        single_table(&mut md, &data.runs[0], full);
    } else {
        side_by_side(&mut md, &data.runs, full);
    }
    failures(&mut md, data);
    external_notes(&mut md, data);
    let baseline = crate::model::common_baseline(&data.runs)
        .map_or_else(|| "the baseline kernel".to_string(), |b| format!("`{b}`"));
    md.push_str(&format!(
        "*relative* is the kernel's best time divided by the best time of {baseline} (the 2011 \
         post's column, where NumPy was 1); MLUP/s is million lattice updates per second at the \
         best time. Times per sweep are compared only within a scheme: Gauss-Seidel converges in \
         fewer sweeps than Jacobi."
    ));
    if full.sweeps || full.time {
        md.push_str(
            " *sweeps to tol* is how many sweeps the kernel's scheme needs, from the initial \
             grid, until no point changes by more than the tolerance in a sweep (from the \
             reference solver; - if not reached within the work cap), and *to solution s* is \
             that many sweeps at the kernel's best time per sweep: the time to solve the problem \
             in full, which does compare schemes.",
        );
    }
    md.push_str("\n\n");
    crate::slow::section(&mut md, data);
    crate::post2011::section(&mut md, data);
    crate::mpi_model::section(&mut md, data);
    compared(&mut md, data);
    limits(&mut md, &data.runs);
    charts_section(&mut md, charts);
    machines(&mut md, &data.runs);
    flags(&mut md, &data.runs);
    md
}

fn sources(md: &mut String, data: &ReportData) {
    md.push_str("Rendered by `shootout report` from:\n\n");
    for run in &data.runs {
        let _ = writeln!(
            md,
            "- {}: {}, {}",
            code(&run.path.display().to_string()),
            cell(&run.label),
            cell(&run.doc.provenance.date)
        );
    }
    match &data.criterion {
        Criterion::Loaded(dir, points) => {
            let _ = writeln!(
                md,
                "- criterion: {} ({} measurements)",
                code(&dir.display().to_string()),
                points.len()
            );
        }
        Criterion::Absent(dir) => {
            let _ = writeln!(
                md,
                "- criterion: {} does not exist (no `cargo bench` run yet)",
                code(&dir.display().to_string())
            );
        }
        Criterion::NotAsked => md.push_str("- criterion: not used\n"),
    }
    md.push('\n');
}

fn problems(md: &mut String, data: &ReportData) {
    md.push_str("## Problem\n\n");
    let with_tolerance = Full::of(&data.runs).sweeps;
    let tolerance = |p: &laplace_core::results::ProblemSpec| {
        if with_tolerance {
            format!(", convergence tolerance {}", compact(p.tolerance))
        } else {
            String::new()
        }
    };
    match data.common_problem() {
        Some(p) => {
            let _ = writeln!(
                md,
                "{}, omega = {}, {} timed runs per kernel{}{}.\n",
                problem_text(p),
                sig(p.omega, 6),
                p.repeat,
                tolerance(p),
                if data.runs.len() > 1 {
                    " (the same in every results document)"
                } else {
                    ""
                }
            );
        }
        None => {
            for run in &data.runs {
                let p = &run.doc.problem;
                let _ = writeln!(
                    md,
                    "- {}: {}, omega = {}, {} timed runs per kernel{}",
                    cell(&run.label),
                    problem_text(p),
                    sig(p.omega, 6),
                    p.repeat,
                    tolerance(p)
                );
            }
            md.push('\n');
        }
    }
}

/// Which of the full-solution columns the results have.
#[derive(Debug, Clone, Copy)]
struct Full {
    /// Some result has `sweeps_to_tolerance`.
    sweeps: bool,
    /// Some result has `time_to_solution_s`.
    time: bool,
    /// Some result says which code path ran (`path`).
    path: bool,
}

impl Full {
    fn of(runs: &[Run]) -> Full {
        Full {
            sweeps: any_result(runs, |r| r.sweeps_to_tolerance.is_some()),
            time: any_result(runs, |r| r.time_to_solution_s.is_some()),
            path: any_result(runs, |r| r.path.is_some()),
        }
    }

    fn any(self) -> bool {
        self.sweeps || self.time
    }
}

fn failures(md: &mut String, data: &ReportData) {
    let mut lines = Vec::new();
    for run in &data.runs {
        for r in &run.doc.results {
            if outcome(r) != Outcome::Failed {
                continue;
            }
            let mut line = format!("- {}", code(&r.kernel));
            if data.runs.len() > 1 {
                let _ = write!(line, " on {}", cell(&run.label));
            }
            match (&r.error, r.max_abs_diff) {
                (Some(e), _) => {
                    let _ = write!(line, ": {}", cell(e));
                }
                (None, Some(d)) => {
                    let _ = write!(
                        line,
                        ": max abs diff {} from its reference, tolerance {}",
                        sig(d, 3),
                        sig(r.tolerance, 3)
                    );
                }
                (None, None) => line.push_str(": did not match its reference"),
            }
            lines.push(line);
        }
    }
    bullets(md, "**FAILED** kernels, not timed:", &lines);
}

/// `heading`, then `lines` (Markdown list items), if there are any.
fn bullets(md: &mut String, heading: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    md.push_str(heading);
    md.push_str("\n\n");
    for l in lines {
        md.push_str(l);
        md.push('\n');
    }
    md.push('\n');
}

/// Unavailable kernels with the reason, and how external kernels were timed.
fn external_notes(md: &mut String, data: &ReportData) {
    let mut unavailable = Vec::new();
    let mut extrapolated = Vec::new();
    let mut external = false;
    for run in &data.runs {
        for r in &run.doc.results {
            external |= r.external.is_some();
            if let Some(why) = &r.unavailable {
                let mut line = format!("- {}", code(&r.kernel));
                if data.runs.len() > 1 {
                    let _ = write!(line, " on {}", cell(&run.label));
                }
                let _ = write!(line, ": {}", cell(why));
                unavailable.push(line);
            }
            if let Some(x) = r.external.as_ref().filter(|x| x.extrapolated) {
                extrapolated.push(format!(
                    "- {}: {} sweeps per invocation, times scaled to {}",
                    code(&r.kernel),
                    thousands(x.sweeps_run),
                    thousands(run.doc.problem.iters)
                ));
            }
        }
    }
    bullets(
        md,
        "Unavailable kernels (their runtime is not installed on that machine; not failures):",
        &unavailable,
    );
    bullets(
        md,
        "Extrapolated times (too slow to run the whole problem):",
        &extrapolated,
    );
    let bit_exact = || {
        data.runs
            .iter()
            .flat_map(|run| &run.doc.results)
            .filter(|r| r.verified && r.tolerance == 0.0)
    };
    let exact: std::collections::BTreeSet<&str> = bit_exact().map(|r| r.kernel.as_str()).collect();
    if !exact.is_empty() {
        let names: Vec<String> = exact.iter().map(|k| code(k)).collect();
        // By the path each run recorded (`fma-division`, `avx512-fma-division`,
        // ...) or, for a kernel whose path does not say (the C ones), its
        // cost: how it divided on that machine.
        let by_cost = |c: &laplace_core::Cost| {
            use laplace_core::Cost::*;
            matches!(
                c,
                JacobiFmaDivision | ScalarFmaDivision | VectorFmaDivision | RedBlackFmaDivision
            )
        };
        let fma: Vec<String> = bit_exact()
            .filter(|r| {
                r.path
                    .as_deref()
                    .is_some_and(|p| p.ends_with("fma-division"))
                    || r.cost.as_ref().is_some_and(by_cost)
            })
            .map(|r| r.kernel.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(code)
            .collect();
        let _ = write!(
            md,
            "Bit-exact kernels (verified to reproduce the reference grid bit for bit, \
             `max_abs_diff == 0`, not within a tolerance): {}.",
            names.join(", ")
        );
        if !fma.is_empty() {
            let _ = write!(
                md,
                " Of these, {} divide by the problem's constant with Markstein's FMA \
                 sequence instead of the divider (see the README, Verification).",
                fma.join(", ")
            );
        }
        md.push_str("\n\n");
    }
    if external {
        md.push_str(
            "External kernels (programs in languages Cargo does not build, run through \
             `kernels/external/`) run in their own process and time their own sweep \
             loop, after any compilation or JIT warm-up; the runner cannot time inside another \
             process fairly. Every invocation is verified. The wall time of each whole process \
             (start-up, imports, I/O) is in `results.json` as `external.process_median_s`.\n\n",
        );
    }
}

fn charts_section(md: &mut String, charts: &[(&dyn Chart, Drawn)]) {
    md.push_str("## Charts\n\n");
    for (chart, drawn) in charts {
        let _ = writeln!(md, "### {}\n", chart.title());
        match drawn {
            Drawn::Svg { caption, .. } => {
                let _ = writeln!(
                    md,
                    "![{}]({})\n\n{}\n",
                    chart.title(),
                    chart.file_name(),
                    caption
                );
            }
            Drawn::Skipped(reason) => {
                let _ = writeln!(md, "*{}*\n", reason.replace('*', "\\*"));
            }
        }
    }
}
