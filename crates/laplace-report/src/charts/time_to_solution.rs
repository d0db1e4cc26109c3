//! `time-to-solution.svg`: how long each kernel takes to solve the problem
//! in full, from the initial grid to convergence: its scheme's sweeps to
//! tolerance times its best time per sweep. Unlike MLUP/s this compares
//! schemes: red-black SOR needs far fewer sweeps than Jacobi.

use laplace_core::Scheme;
use laplace_core::results::KernelResult;

use super::bars::{Bar, BarChart, Panel, Row, Value, legend, panel_header};
use super::{Chart, Drawn, Scale, compact};
use crate::ReportError;
use crate::model::{
    Outcome, ReportData, Run, any_result, fmt_duration, join_and, outcome, thousands,
};

/// The time-to-solution chart.
pub(crate) struct TimeToSolution;

const FILE: &str = "time-to-solution.svg";

/// A kernel's time to solution, if it has a usable one.
fn seconds(r: &KernelResult) -> Option<f64> {
    if outcome(r) == Outcome::Failed {
        return None;
    }
    r.time_to_solution_s.filter(|t| t.is_finite() && *t > 0.0)
}

/// What a kernel without a time to solution shows instead.
fn missing(r: &KernelResult) -> &'static str {
    match outcome(r) {
        Outcome::Failed => "FAILED",
        Outcome::Unavailable => "unavailable",
        Outcome::Untimed => "not timed",
        Outcome::Timed(_) if r.sweeps_to_tolerance.is_none() => "did not converge",
        Outcome::Timed(_) => "no time to solution",
    }
}

/// `jacobi — 10,562 sweeps to 1e-6`, from the scheme's kernels.
fn group_header(scheme: Scheme, kernels: &[&KernelResult], tolerance: f64) -> String {
    let mut sweeps: Vec<usize> = kernels.iter().filter_map(|r| r.sweeps_to_tolerance).collect();
    sweeps.sort_unstable();
    sweeps.dedup();
    let tol = compact(tolerance);
    match (sweeps.first(), sweeps.last()) {
        (Some(a), Some(b)) if a == b => format!("{scheme} — {} sweeps to {tol}", thousands(*a)),
        (Some(a), Some(b)) => format!(
            "{scheme} — {} to {} sweeps to {tol}",
            thousands(*a),
            thousands(*b)
        ),
        _ => format!("{scheme} — not converged to {tol} within the work cap"),
    }
}

fn panel(run: &Run, show_problem: bool) -> Panel {
    let mut rows = Vec::new();
    for &scheme in &Scheme::ALL {
        let mut kernels: Vec<&KernelResult> = run
            .doc
            .results
            .iter()
            .filter(|r| r.scheme == scheme)
            .collect();
        if kernels.is_empty() {
            continue;
        }
        // Fastest first, then kernels without a time, failed last.
        kernels.sort_by(|a, b| {
            let key = |r: &KernelResult| match (seconds(r), outcome(r)) {
                (Some(t), _) => (0, t),
                (None, Outcome::Failed) => (2, 0.0),
                (None, _) => (1, 0.0),
            };
            let (ka, kb) = (key(a), key(b));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        });
        rows.push(Row::Group(group_header(
            scheme,
            &kernels,
            run.doc.problem.tolerance,
        )));
        rows.extend(kernels.into_iter().map(|r| {
            Row::Bar(match seconds(r) {
                Some(t) => Bar::of(
                    r,
                    Value::Bar {
                        value: t,
                        bound: None,
                    },
                    fmt_duration(t),
                ),
                None => Bar::stub(r, missing(r)),
            })
        }));
    }
    Panel {
        header: panel_header(run, show_problem),
        note: None,
        rows,
    }
}

impl Chart for TimeToSolution {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn title(&self) -> &'static str {
        "Time to solution"
    }

    fn render(&self, data: &ReportData) -> Result<Drawn, ReportError> {
        let has = |run: &Run| run.doc.results.iter().any(|r| r.time_to_solution_s.is_some());
        if !any_result(&data.runs, |r| r.time_to_solution_s.is_some()) {
            return Ok(Drawn::Skipped(
                "Not drawn: no result has a time to solution (`time_to_solution_s`; results \
                 written before it was recorded, or no kernel both converged and was timed)."
                    .into(),
            ));
        }
        let runs: Vec<&Run> = data.runs.iter().filter(|r| has(r)).collect();
        let left_out: Vec<String> = data
            .runs
            .iter()
            .filter(|r| !has(r))
            .map(|r| r.label.clone())
            .collect();
        let results = || runs.iter().flat_map(|r| &r.doc.results);
        let scale = Scale::log_for_values(results().filter_map(seconds)).unwrap_or(Scale::log(
            0.1, 1.0,
        ));

        let common = data.common_problem();
        let tolerances: Vec<String> = {
            let mut t: Vec<String> = runs
                .iter()
                .map(|r| compact(r.doc.problem.tolerance))
                .collect();
            t.sort();
            t.dedup();
            t
        };
        let tol = join_and(&tolerances);
        let subtitle = match common {
            Some(p) => format!(
                "{}x{} grid, tolerance {tol}: sweeps needed x best time per sweep; shorter is faster.",
                p.nx, p.ny
            ),
            None => format!(
                "Tolerance {tol}: sweeps needed x best time per sweep; shorter is faster."
            ),
        };
        let chart = BarChart {
            title: "Time to solution per kernel, grouped by scheme".into(),
            subtitle,
            x_desc: "seconds from the initial grid to convergence (log scale)".into(),
            scale,
            legend: legend(results(), |r| seconds(r).is_none(), "failed or no time"),
            panels: runs.iter().map(|r| panel(r, common.is_none())).collect(),
        };
        let svg = chart.draw(FILE)?;

        let kernels: usize = runs.iter().map(|r| r.doc.results.len()).sum();
        let panels = if runs.len() > 1 {
            ", one panel per results document"
        } else {
            ""
        };
        let without = if left_out.is_empty() {
            String::new()
        } else {
            format!(
                " ({} has no time-to-solution figures and is left out)",
                join_and(&left_out)
            )
        };
        let caption = format!(
            "Seconds each of the {kernels} kernel results needs to solve the problem in full, from the \
             initial grid until no point changes by more than {tol} in a sweep: the scheme's sweeps to \
             tolerance (in each group's header) times the kernel's best time per sweep, on a log axis, \
             fastest first{panels}{without}; unlike MLUP/s this compares schemes, fast-math variants are \
             hatched white and failed kernels are grey stubs marked FAILED."
        );
        Ok(Drawn::Svg { svg, caption })
    }
}
