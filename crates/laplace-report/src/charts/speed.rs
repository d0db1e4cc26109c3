//! `speed.svg`: one horizontal bar per kernel, MLUP/s, grouped by scheme,
//! one panel per results document (machine).

use laplace_core::results::KernelResult;

use super::bars::{Bar, BarChart, Panel, Row, Value, legend, panel_header};
use super::{Chart, Drawn, Scale};
use crate::ReportError;
use crate::model::{
    Outcome, ReportData, Run, by_scheme, fmt_mlups, fmt_relative, outcome, problem_text,
};

/// The speed chart.
pub(crate) struct Speed;

const FILE: &str = "speed.svg";

/// The label printed past a kernel's bar.
fn end_label(r: &KernelResult) -> String {
    match outcome(r) {
        Outcome::Timed(_) if r.relative.is_some() => fmt_relative(r.relative),
        Outcome::Timed(m) => format!("{} MLUP/s", fmt_mlups(Some(m))),
        Outcome::Untimed => "not timed".into(),
        Outcome::Failed => "FAILED".into(),
        Outcome::Unavailable => "unavailable".into(),
    }
}

impl Chart for Speed {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn title(&self) -> &'static str {
        "Speed of every kernel"
    }

    fn render(&self, data: &ReportData) -> Result<Drawn, ReportError> {
        let common = data.common_problem();
        let kernels = data.runs.iter().map(|r| r.doc.results.len()).sum::<usize>();
        let results = || data.runs.iter().flat_map(|r| &r.doc.results);

        // Linear bars are honest (length proportional to speed) and are used
        // while every bar stays visible; once speeds span more than
        // Scale::LOG_SPAN (a Python loop next to vectorised C spans ~1000x) the
        // slow bars would shrink to nothing, so the axis turns log. The printed
        // factor keeps the ratio readable either way.
        let scale = Scale::for_values(results().filter_map(|r| match outcome(r) {
            Outcome::Timed(m) => Some(m),
            _ => None,
        }))
        .unwrap_or(Scale {
            log: false,
            lo: 0.0,
            hi: 1.0,
        });

        let baseline = crate::model::common_baseline(&data.runs).unwrap_or("baseline");
        let subtitle = match common {
            Some(p) => format!(
                "{}. Longer is faster; labels: best time / {baseline}'s.",
                problem_text(p)
            ),
            None => format!("Longer is faster; labels: best time / {baseline}'s best time."),
        };
        let x_desc = if scale.log {
            "MLUP/s (million lattice updates per second, log scale)"
        } else {
            "MLUP/s (million lattice updates per second)"
        };
        let chart = BarChart {
            title: "Speed per kernel, grouped by scheme".into(),
            subtitle,
            x_desc: x_desc.into(),
            scale,
            legend: legend(
                results(),
                |r| !matches!(outcome(r), Outcome::Timed(_)),
                "failed or not timed",
            ),
            panels: data
                .runs
                .iter()
                .map(|r| panel(r, common.is_none()))
                .collect(),
        };
        let svg = chart.draw(FILE)?;

        let machines = if data.runs.len() > 1 {
            format!(", one panel per results document ({} machines)", data.machine_count())
        } else {
            String::new()
        };
        let axis = if scale.log { "log" } else { "linear" };
        let caption = format!(
            "Million lattice updates per second at the best time of each of the {kernels} kernel results \
             (on a {axis} axis), grouped by scheme and fastest first{machines}; the label past each bar \
             is its best time relative to the baseline kernel, fast-math variants are hatched white, \
             and failed kernels are hatched grey stubs marked FAILED."
        );
        Ok(Drawn::Svg { svg, caption })
    }
}

fn panel(run: &Run, show_problem: bool) -> Panel {
    let mut rows = Vec::new();
    for (scheme, kernels) in by_scheme(&run.doc.results) {
        rows.push(Row::Group(scheme.to_string()));
        rows.extend(kernels.into_iter().map(|r| {
            Row::Bar(match outcome(r) {
                Outcome::Timed(mlups) => Bar::of(
                    r,
                    Value::Bar {
                        value: mlups,
                        bound: None,
                    },
                    end_label(r),
                ),
                _ => Bar::stub(r, "not timed"),
            })
        }));
    }
    Panel {
        header: panel_header(run, show_problem),
        note: None,
        rows,
    }
}
