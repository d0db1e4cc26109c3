//! `convergence.svg`: the largest change per sweep against the sweep number,
//! for every scheme, on the seed problem, from the reference solvers.

use std::sync::OnceLock;

use laplace_core::reference::Solver;
use laplace_core::{Problem, Scheme};
use plotters::prelude::*;

use super::{Chart, Drawn, RIGHT, Scale, Swatch, font, text};
use crate::model::{ReportData, join_and, thousands};
use crate::{ReportError, style};

/// The convergence chart.
pub(crate) struct Convergence;

const FILE: &str = "convergence.svg";

/// The tolerance drawn as a horizontal line: a sweep changing no point by
/// more than this counts as converged.
pub const TOLERANCE: f64 = 1e-6;

/// No scheme is swept more often than this, converged or not.
const MAX_SWEEPS: usize = 40_000;

/// Sweeps past the crossing of [`TOLERANCE`], as a fraction of the sweeps
/// it took, so the line is seen going on below it.
const OVERSHOOT: f64 = 0.15;

/// Points per curve in the SVG.
const POINTS: usize = 300;

/// One scheme's history.
#[derive(Debug, Clone)]
struct Curve {
    scheme: Scheme,
    /// Largest change of sweep `k + 1` at index `k`.
    changes: Vec<f64>,
    /// The first sweep whose largest change was below [`TOLERANCE`].
    reached: Option<usize>,
}

/// Sweeps `scheme` on `problem` until it is [`OVERSHOOT`] past the
/// tolerance, at most [`MAX_SWEEPS`] sweeps.
fn curve(scheme: Scheme, problem: &Problem) -> Result<Curve, String> {
    let mut solver = Solver::new(scheme, problem).map_err(|e| e.to_string())?;
    let mut changes = Vec::new();
    let mut reached = None;
    let mut stop = MAX_SWEEPS;
    while changes.len() < stop {
        let change = solver.sweep();
        changes.push(change);
        if reached.is_none() && change < TOLERANCE {
            let n = changes.len();
            reached = Some(n);
            let extra = (n as f64 * OVERSHOOT).ceil() as usize;
            stop = (n + extra).min(MAX_SWEEPS);
        }
    }
    Ok(Curve {
        scheme,
        changes,
        reached,
    })
}

/// The curves of every scheme on the seed problem, computed once per process
/// (they depend on constants only).
fn seed_curves() -> &'static Result<Vec<Curve>, String> {
    static CURVES: OnceLock<Result<Vec<Curve>, String>> = OnceLock::new();
    CURVES.get_or_init(|| {
        Scheme::ALL
            .iter()
            .map(|&s| curve(s, &Problem::SEED))
            .collect()
    })
}

/// At most about [`POINTS`] `(sweep, change)` points, evenly spaced along
/// the x axis (so geometrically on a log axis), always keeping the first,
/// the last and the crossing; non-positive changes are dropped (a log axis
/// cannot show them).
fn downsample(c: &Curve, log_x: bool) -> Vec<(f64, f64)> {
    let n = c.changes.len();
    let mut keep: Vec<usize> = if log_x && n > 1 {
        let ln = (n as f64).ln();
        (0..POINTS)
            .map(|k| ((ln * k as f64 / (POINTS - 1) as f64).exp().round() as usize).clamp(1, n))
            .collect()
    } else {
        let stride = n.div_ceil(POINTS).max(1);
        (1..=n).step_by(stride).collect()
    };
    keep.push(n);
    keep.extend(c.reached);
    keep.sort_unstable();
    keep.dedup();
    keep.into_iter()
        .filter_map(|sweep| {
            let v = *c.changes.get(sweep.checked_sub(1)?)?;
            (v > 0.0 && v.is_finite()).then_some((sweep as f64, v))
        })
        .collect()
}

/// The colour of `scheme`, the `k`-th curve.
fn colour_of(scheme: Scheme, k: usize) -> RGBColor {
    let index = Scheme::ALL.iter().position(|s| *s == scheme).unwrap_or(k);
    style::scheme_colour(index)
}

/// `jacobi: below 1e-6 after 10,562 sweeps`.
fn legend_text(c: &Curve) -> String {
    match c.reached {
        Some(n) => format!(
            "{}: below {} after {} sweeps",
            c.scheme,
            super::compact(TOLERANCE),
            thousands(n)
        ),
        None => format!(
            "{}: still above {} after {} sweeps",
            c.scheme,
            super::compact(TOLERANCE),
            thousands(c.changes.len())
        ),
    }
}

impl Chart for Convergence {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn title(&self) -> &'static str {
        "Convergence of each scheme"
    }

    fn render(&self, _data: &ReportData) -> Result<Drawn, ReportError> {
        let curves = match seed_curves() {
            Ok(c) => c,
            Err(e) => {
                return Ok(Drawn::Skipped(format!(
                    "Not drawn: the reference solver rejected the seed problem: {e}."
                )));
            }
        };
        let seed = Problem::SEED;
        let longest = curves.iter().map(|c| c.changes.len()).max().unwrap_or(1).max(1);
        let shortest = curves.iter().map(|c| c.changes.len()).min().unwrap_or(1).max(1);
        // One scheme may need fifty times the sweeps of another (SOR against
        // Jacobi); on a linear axis the fast one would hug the y axis.
        let log_x = longest as f64 / shortest as f64 > Scale::LOG_SPAN;
        let x = if log_x {
            Scale::log(1.0, longest as f64 * 1.2)
        } else {
            Scale {
                log: false,
                lo: 0.0,
                hi: longest as f64,
            }
        };
        let series: Vec<(&Curve, Vec<(f64, f64)>)> =
            curves.iter().map(|c| (c, downsample(c, log_x))).collect();
        let (mut lo, mut hi) = (TOLERANCE / 10.0, TOLERANCE * 10.0);
        for (_, pts) in &series {
            for &(_, v) in pts {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        let y = Scale::log(
            10f64.powf(lo.log10().floor()),
            10f64.powf(hi.log10().ceil()),
        );
        let legend: Vec<(Swatch, String)> = series
            .iter()
            .enumerate()
            .map(|(k, (c, _))| (Swatch::Line(colour_of(c.scheme, k)), legend_text(c)))
            .collect();
        let legend_w = style::WIDTH - 2 * style::MARGIN;
        let legend_h = super::legend_height(&legend, legend_w);
        let plot_h = style::PLOT_HEIGHT + style::X_LABEL_AREA + 2 * style::MARGIN;
        let height = style::MARGIN + style::TITLE_BAND + plot_h + legend_h + style::MARGIN;
        let subtitle = format!(
            "Largest change of any point in each sweep (log scale), {}x{} grid, dx = {}, dy = {}.",
            seed.nx, seed.ny, seed.dx, seed.dy
        );
        let svg = super::svg(FILE, (style::WIDTH, height), |root| {
            super::title(root, "Convergence of each scheme on the seed problem", &subtitle)?;
            let top = style::MARGIN + style::TITLE_BAND;
            let area = root.clone().shrink((0, top), (style::WIDTH, plot_h));
            super::legend_row(
                root,
                &legend,
                (style::MARGIN as i32 + 8, (top + plot_h) as i32),
                legend_w,
            )?;
            let mut chart = ChartBuilder::on(&area)
                .margin(style::MARGIN)
                .margin_right(3 * style::MARGIN)
                .x_label_area_size(style::X_LABEL_AREA)
                .y_label_area_size(style::Y_LABEL_AREA)
                .build_cartesian_2d(x.coord(), y.coord())?;
            chart
                .configure_mesh()
                .bold_line_style(style::GRID)
                .axis_style(style::RULE)
                .x_label_formatter(&|a| x.label(*a))
                .y_label_formatter(&|a| y.label(*a))
                .label_style(font(style::LABEL_SIZE, style::INK, super::CENTRE, false))
                .x_desc(if log_x { "sweep (log scale)" } else { "sweep" })
                .y_desc("largest change per sweep")
                .axis_desc_style(font(style::AXIS_TITLE_SIZE, style::INK, super::CENTRE, false))
                .draw()?;

            // Reference lines: the tolerance, and where the seed run stops.
            let (x0, x1) = (x.axis_range().start, x.axis_range().end);
            let ty = y.pos(TOLERANCE);
            chart.draw_series(DashedLineSeries::new(
                [(x0, ty), (x1, ty)],
                8,
                5,
                style::RULE.stroke_width(2),
            ))?;
            // Labelled at the left end: the curves are still far above it there.
            let (lx, ly) = chart.backend_coord(&(x0, ty));
            text(
                root,
                &format!("tolerance {}", super::compact(TOLERANCE)),
                (lx + 6, ly - 11),
                &font(style::ANNOTATION_SIZE, style::MUTED, super::LEFT, false),
            )?;
            let sx = x.pos(seed.iters as f64);
            if sx <= x1 && sx >= x0 {
                let (y0, y1) = (y.axis_range().start, y.axis_range().end);
                chart.draw_series(DashedLineSeries::new(
                    [(sx, y0), (sx, y1)],
                    3,
                    4,
                    style::RULE.stroke_width(2),
                ))?;
                // Beside the line, on the side with more room.
                let (px, py) = chart.backend_coord(&(sx, y1));
                let right_half = sx > (x0 + x1) / 2.0;
                let (dx, anchor) = if right_half { (-6, RIGHT) } else { (6, super::LEFT) };
                text(
                    root,
                    &format!("seed run: {} sweeps", thousands(seed.iters)),
                    (px + dx, py + 12),
                    &font(style::ANNOTATION_SIZE, style::MUTED, anchor, false),
                )?;
            }

            for (k, (c, pts)) in series.iter().enumerate() {
                chart.draw_series(LineSeries::new(
                    pts.iter().map(|&(s, v)| (x.pos(s), y.pos(v))),
                    colour_of(c.scheme, k).stroke_width(style::LINE_WIDTH + 1),
                ))?;
            }
            Ok(())
        })?;
        let crossings: Vec<String> = curves
            .iter()
            .map(|c| match c.reached {
                Some(n) => format!("{} needs {} sweeps", c.scheme, thousands(n)),
                None => format!("{} does not get there in {} sweeps", c.scheme, thousands(c.changes.len())),
            })
            .collect();
        let caption = format!(
            "The largest change of any point per sweep on the seed problem, from the reference solvers: \
             to change no point by more than {} per sweep, {}, while the seed run stops at {} sweeps.",
            super::compact(TOLERANCE),
            join_and(&crossings),
            thousands(seed.iters)
        );
        Ok(Drawn::Svg { svg, caption })
    }
}

