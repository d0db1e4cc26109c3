//! `roofline.svg`: each kernel's MLUP/s against its bound on the machine,
//! the speed its cost allows given the probe's figures (`shootout probe`).
//!
//! Kernels are grouped by the limit that sets their bound (divide
//! throughput, a latency chain, L2 or memory bandwidth), not by scheme: the
//! question this chart answers is which wall each kernel runs into and how
//! close it gets, and kernels that share a limit share a model, so their
//! percentages compare. The scheme grouping is the speed chart's.

use laplace_core::results::KernelResult;

use super::bars::{Bar, BarChart, Panel, Row, Value, legend, panel_header};
use super::{Chart, Drawn, Scale, Swatch};
use crate::{ReportError, style};
use crate::model::{
    Outcome, ReportData, Run, fmt_mlups_grouped, join_and, outcome, probe_summary, sig,
};

/// The roofline chart.
pub(crate) struct Roofline;

const FILE: &str = "roofline.svg";

/// The group of kernels whose bound is not known.
const NO_BOUND: &str = "no bound";

/// A usable bound of a result.
fn bound(r: &KernelResult) -> Option<f64> {
    r.bound_mlups.filter(|b| b.is_finite() && *b > 0.0)
}

/// The achieved speed and bound of a timed kernel that has a bound.
fn achieved(r: &KernelResult) -> Option<(f64, f64)> {
    match outcome(r) {
        Outcome::Timed(m) => Some((m, bound(r)?)),
        _ => None,
    }
}

/// `68% of 8,097`; for a kernel faster than its bound allows
/// (`bound_exceeded`), the mark of a wrong model instead of a percentage
/// ([`style::ABOVE_BOUND`], explained in the caption).
fn end_label(r: &KernelResult, mlups: f64, bound: f64) -> String {
    if r.bound_exceeded {
        return style::ABOVE_BOUND.to_string();
    }
    let pct = 100.0 * mlups / bound;
    let pct = if pct >= 10.0 {
        format!("{pct:.0}")
    } else {
        sig(pct, 2)
    };
    format!("{pct}% of {}", fmt_mlups_grouped(bound))
}

/// A group header: the limit and its bound(s), `8-wide divide throughput:
/// bound 8,097 MLUP/s`.
fn group_header(limit: &str, kernels: &[&KernelResult]) -> String {
    let mut bounds: Vec<f64> = kernels.iter().filter_map(|r| bound(r)).collect();
    bounds.sort_by(f64::total_cmp);
    bounds.dedup_by(|a, b| (*a - *b).abs() <= 1e-3 * b.abs());
    let show = fmt_mlups_grouped;
    match bounds.as_slice() {
        [] => limit.to_string(),
        [one] => format!("{limit}: bound {} MLUP/s", show(*one)),
        [lo, .., hi] => format!("{limit}: bounds {} to {} MLUP/s", show(*lo), show(*hi)),
    }
}

fn panel(run: &Run, show_problem: bool) -> Panel {
    // Limits in order of first appearance, then sorted by their largest bound.
    let mut groups: Vec<(String, Vec<&KernelResult>)> = Vec::new();
    for r in &run.doc.results {
        let limit = match (&r.bound_limit, bound(r)) {
            (Some(l), Some(_)) => l.clone(),
            _ => NO_BOUND.to_string(),
        };
        match groups.iter_mut().find(|g| g.0 == limit) {
            Some(g) => g.1.push(r),
            None => groups.push((limit, vec![r])),
        }
    }
    let top = |g: &(String, Vec<&KernelResult>)| {
        if g.0 == NO_BOUND {
            return f64::NEG_INFINITY;
        }
        g.1.iter()
            .filter_map(|r| bound(r))
            .fold(f64::NEG_INFINITY, f64::max)
    };
    groups.sort_by(|a, b| top(b).total_cmp(&top(a)));

    let mut rows = Vec::new();
    for (limit, mut kernels) in groups {
        // Closest to the bound first; then no figure; failed last.
        kernels.sort_by(|a, b| {
            let key = |r: &KernelResult| match (achieved(r), outcome(r)) {
                (Some((m, b)), _) => (0, -m / b),
                (None, Outcome::Failed) => (2, 0.0),
                (None, _) => (1, 0.0),
            };
            let (ka, kb) = (key(a), key(b));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        });
        rows.push(Row::Group(group_header(&limit, &kernels)));
        rows.extend(kernels.into_iter().map(|r| {
            Row::Bar(match achieved(r) {
                Some((m, b)) => Bar::of(
                    r,
                    Value::Bar {
                        value: m,
                        bound: Some(b),
                    },
                    end_label(r, m, b),
                ),
                None if outcome(r) == Outcome::Untimed => Bar::stub(r, "not timed"),
                None => Bar::stub(r, "no bound"),
            })
        }));
    }
    let note = run.doc.probe.as_ref().map(|p| format!("probe: {}", probe_summary(p, true)));
    Panel {
        header: panel_header(run, show_problem),
        note,
        rows,
    }
}

impl Chart for Roofline {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn title(&self) -> &'static str {
        "Speed against the machine's limits"
    }

    fn render(&self, data: &ReportData) -> Result<Drawn, ReportError> {
        let usable = |run: &Run| run.doc.probe.is_some() && run.doc.results.iter().any(|r| bound(r).is_some());
        if data.runs.iter().all(|r| r.doc.probe.is_none()) {
            return Ok(Drawn::Skipped(
                "Not drawn: no results document has a machine probe (`probe`; run `shootout run` \
                 without `--no-probe`)."
                    .into(),
            ));
        }
        let runs: Vec<&Run> = data.runs.iter().filter(|r| usable(r)).collect();
        if runs.is_empty() {
            return Ok(Drawn::Skipped(
                "Not drawn: the results documents have a probe but no kernel has a bound \
                 (`bound_mlups`)."
                    .into(),
            ));
        }
        let left_out: Vec<String> = data
            .runs
            .iter()
            .filter(|r| !usable(r))
            .map(|r| r.label.clone())
            .collect();
        let results = || runs.iter().flat_map(|r| &r.doc.results);
        let scale = Scale::log_for_values(results().flat_map(|r| {
            let m = match outcome(r) {
                Outcome::Timed(m) => Some(m),
                _ => None,
            };
            [m, bound(r)].into_iter().flatten()
        }))
        .unwrap_or(Scale::log(1.0, 10.0));

        let common = data.common_problem();
        let subtitle = match common {
            Some(p) => format!(
                "{}x{}, {} sweeps. Bar: achieved MLUP/s; outline up to the tick: its bound.",
                p.nx, p.ny, p.iters
            ),
            None => "Bar: achieved MLUP/s; outline to the tick: the kernel's bound.".into(),
        };
        let mut legend = legend(
            results(),
            |r| achieved(r).is_none(),
            "failed, not timed or no bound",
        );
        legend.push((Swatch::Bound, "bound".into()));
        let chart = BarChart {
            title: "Speed against each kernel's bound on the machine".into(),
            subtitle,
            x_desc: "MLUP/s (log scale); label: % of the bound".into(),
            scale,
            legend,
            panels: runs.iter().map(|r| panel(r, common.is_none())).collect(),
        };
        let svg = chart.draw(FILE)?;

        let kernels: usize = runs.iter().map(|r| r.doc.results.len()).sum();
        let probes: Vec<String> = runs
            .iter()
            .filter_map(|r| {
                let p = r.doc.probe.as_ref()?;
                Some(if runs.len() > 1 {
                    format!("on {}: {}", r.label, probe_summary(p, false))
                } else {
                    probe_summary(p, false)
                })
            })
            .collect();
        let without = if left_out.is_empty() {
            String::new()
        } else {
            format!(" ({} has no probe or bounds and is left out)", join_and(&left_out))
        };
        let above = if results().any(|r| r.bound_exceeded && achieved(r).is_some()) {
            format!(
                " Kernels marked *{}* ran faster than their bound by more than the run's noise: \
                 the bound's model does not hold for them on that CPU, so no percentage is given.",
                style::ABOVE_BOUND
            )
        } else {
            String::new()
        };
        let caption = format!(
            "Achieved MLUP/s of each of the {kernels} kernel results (bar) against the bound its cost \
             allows on the machine (outline ending in a tick), on a log axis, grouped by the limit that \
             sets the bound and closest to it first, with the percentage of the bound printed{without}; \
             the probe measured {}.{above}",
            probes.join("; ")
        );
        Ok(Drawn::Svg { svg, caption })
    }
}
