//! `effort.svg`: speed against code size, one labelled point per kernel,
//! coloured by language. The y axis is the speed relative to the run's
//! baseline (NumPy in a race with the Python rows: the post's question,
//! "how much faster than NumPy"); the x axis is the kernel's source gzipped
//! (`source_bytes_gz`, the Computer Language Benchmarks Game's measure of
//! code size). Up and to the left is fast for little code.
//!
//! Labels go beside their point where they fit without touching another
//! label or point; the rest go to a column on the right, spread apart and
//! joined to their point by a thin line. So no label overlaps another,
//! however crowded the plot.

use laplace_core::results::KernelResult;
use plotters::prelude::*;

use super::legend::spread;
use super::{
    Chart, Drawn, LEFT, RIGHT, Scale, Swatch, axes, dashed, font, heading, legend_height, marker,
    text,
};
use crate::model::{Outcome, ReportData, Run, outcome, sig, thousands};
use crate::{ReportError, style};

/// The effort chart.
pub(crate) struct Effort;

const FILE: &str = "effort.svg";

/// The marker shape of ordinary kernels and of fast-math ones (filled and
/// hollow circles, [`marker`]'s shapes 0 and 4).
const SHAPE: usize = 0;
const FAST_MATH_SHAPE: usize = 4;

/// One kernel on the chart.
#[derive(Debug, Clone)]
struct Point<'a> {
    r: &'a KernelResult,
    /// Gzipped source bytes.
    size: f64,
    /// Speed: the baseline's time over this kernel's, or MLUP/s.
    speed: f64,
}

/// What the y axis measures in a run.
#[derive(Debug, Clone, PartialEq)]
enum Speed {
    /// Times faster than this kernel: its best time over the kernel's.
    Relative(String),
    /// MLUP/s, when neither NumPy nor the baseline was timed.
    Mlups,
}

/// The timed kernels of `run` that have a code size, and what their speed
/// is: relative to NumPy when it was timed (the post's unit), else to the
/// run's baseline, else MLUP/s.
fn points(run: &Run) -> (Vec<Point<'_>>, Speed) {
    let sized: Vec<(&KernelResult, f64, f64)> = run
        .doc
        .results
        .iter()
        .filter_map(|r| match (outcome(r), r.source_bytes_gz) {
            (Outcome::Timed(m), Some(b)) if b > 0 => Some((r, b as f64, m)),
            _ => None,
        })
        .collect();
    let best = |name: &str| {
        run.doc
            .results
            .iter()
            .find(|r| r.kernel == name && matches!(outcome(r), Outcome::Timed(_)))
            .and_then(|r| r.best_s)
            .filter(|t| t.is_finite() && *t > 0.0)
    };
    let unit = std::iter::once(crate::post2011::NUMPY)
        .chain(run.doc.baseline.as_deref())
        .find_map(|name| Some((name.to_string(), best(name)?)));
    let speed = unit
        .as_ref()
        .map_or(Speed::Mlups, |(name, _)| Speed::Relative(name.clone()));
    let points = sized
        .into_iter()
        .filter_map(|(r, size, mlups)| {
            let speed = match &unit {
                Some((_, t)) => t / r.best_s.filter(|b| b.is_finite() && *b > 0.0)?,
                None => mlups,
            };
            Some(Point { r, size, speed })
        })
        .collect();
    (points, speed)
}

/// Whether a kernel is a fast-math variant (name or flags say so).
fn fast_math(r: &KernelResult) -> bool {
    r.kernel.contains("fastmath") || r.flags.contains("-ffast-math")
}

/// A label's box in pixels: left, top, right, bottom.
type Box2 = (i32, i32, i32, i32);

fn overlaps(a: Box2, b: Box2) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Height of a point label's box.
fn label_height() -> i32 {
    (style::ANNOTATION_SIZE / 1.24).ceil() as i32 + 2
}

/// Where each label goes: `Some((x, y, right_anchored))` beside its point,
/// or `None` for the column. `at` are the points' pixels, `widths` their
/// labels' widths, `plot` the plotting area's box.
fn place_beside(at: &[(i32, i32)], widths: &[i32], plot: Box2) -> Vec<Option<(i32, i32, bool)>> {
    let h = label_height();
    let r = style::MARKER as i32 + 2;
    let gap = r + 3;
    let marks: Vec<Box2> = at
        .iter()
        .map(|&(x, y)| (x - r, y - r, x + r, y + r))
        .collect();
    let mut taken: Vec<Box2> = Vec::new();
    let mut out = vec![None; at.len()];
    // Points from the top of the plot down, so the fast kernels, where the
    // eye starts, are labelled in place first.
    let mut order: Vec<usize> = (0..at.len()).collect();
    order.sort_by_key(|&i| (at[i].1, at[i].0));
    for i in order {
        let (x, y) = at[i];
        let w = widths[i];
        // Right, left, then above and below on either side.
        let candidates = [
            (x + gap, y, false),
            (x - gap, y, true),
            (x + gap / 2, y - h, false),
            (x + gap / 2, y + h, false),
            (x - gap / 2, y - h, true),
            (x - gap / 2, y + h, true),
        ];
        for (lx, ly, right) in candidates {
            let left = if right { lx - w } else { lx };
            let b = (left, ly - h / 2, left + w, ly + h / 2);
            let inside = b.0 >= plot.0 && b.2 <= plot.2 && b.1 >= plot.1 && b.3 <= plot.3;
            if inside
                && !taken.iter().any(|t| overlaps(*t, b))
                && !marks.iter().any(|m| overlaps(*m, b))
            {
                taken.push(b);
                out[i] = Some((lx, ly, right));
                break;
            }
        }
    }
    out
}

fn subtitle(speed: &Speed) -> String {
    match speed {
        Speed::Relative(b) => format!(
            "Up: faster than {b} (its time / the kernel's); left: less code. Log axes."
        ),
        Speed::Mlups => "Up: more MLUP/s; left: less code. Log axes.".into(),
    }
}

fn y_desc(speed: &Speed) -> String {
    match speed {
        Speed::Relative(b) => format!("speed relative to {b} (x, log)"),
        Speed::Mlups => "MLUP/s (log)".into(),
    }
}

/// The run to draw: the one with the most points (the first of equals).
fn chosen(data: &ReportData) -> Option<(&Run, Vec<Point<'_>>, Speed)> {
    let mut best: Option<(&Run, Vec<Point<'_>>, Speed)> = None;
    for run in &data.runs {
        let (p, s) = points(run);
        if p.len() > best.as_ref().map_or(0, |b| b.1.len()) {
            best = Some((run, p, s));
        }
    }
    best
}

impl Chart for Effort {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn title(&self) -> &'static str {
        "Speed against code size"
    }

    fn render(&self, data: &ReportData) -> Result<Drawn, ReportError> {
        let Some((run, points, speed)) = chosen(data) else {
            return Ok(Drawn::Skipped(
                "Not drawn: no timed kernel has a code size (`source_bytes_gz`; results written \
                 before it was recorded)."
                    .into(),
            ));
        };
        // Drawn at the usual height, then again taller if the column of
        // labels that did not fit beside their points needs more room.
        let (mut svg, column) = draw(&points, &speed, style::PLOT_HEIGHT)?;
        let needed = column as u32 * (label_height() as u32 + 2) + style::PLOT_HEIGHT / 8;
        if needed > style::PLOT_HEIGHT {
            svg = draw(&points, &speed, needed)?.0;
        }
        let others = data.runs.len() - 1;
        let left_out = if others > 0 {
            format!(
                " Only {}'s results are drawn (the document with the most kernels that have a code \
                 size); code sizes are the same on every machine, speeds are not.",
                run.label
            )
        } else {
            String::new()
        };
        let smallest_fast = points
            .iter()
            .filter(|p| !fast_math(p.r))
            .max_by(|a, b| (a.speed / a.size).total_cmp(&(b.speed / b.size)))
            .map(|p| {
                format!(
                    " The most speed per byte of code, fast-math aside: `{}`, {} gz bytes, {}.",
                    p.r.kernel,
                    thousands(p.size as usize),
                    match &speed {
                        Speed::Relative(b) => format!("{}x {b}", sig(p.speed, 2)),
                        Speed::Mlups => format!("{} MLUP/s", sig(p.speed, 3)),
                    }
                )
            })
            .unwrap_or_default();
        let measure = match &speed {
            Speed::Relative(b) => format!("its speed relative to `{b}` (`{b}`'s best time over its own)"),
            Speed::Mlups => "its MLUP/s (the baseline was not timed)".into(),
        };
        let caption = format!(
            "Each of the {} timed kernels with a code size on {}: {measure} against the size of its \
             source with comments and repeated whitespace removed, gzipped (`source_bytes_gz`), both \
             on log axes; filled circles, coloured by language, hollow for fast-math variants; labels \
             that do not fit beside their point are listed on the right with a line to it.{smallest_fast}{left_out}",
            points.len(),
            run.label,
        );
        Ok(Drawn::Svg { svg, caption })
    }
}

/// The SVG with a plotting area `plot_height` pixels tall, and how many
/// labels went to the column.
fn draw(
    points: &[Point<'_>],
    speed: &Speed,
    plot_height: u32,
) -> Result<(String, usize), ReportError> {
    let x = Scale::log_for_values(points.iter().map(|p| p.size))
        .unwrap_or(Scale::log(10.0, 1000.0))
        .with_headroom(0.05);
    let mut y = Scale::log_for_values(points.iter().map(|p| p.speed))
        .unwrap_or(Scale::log(0.1, 10.0))
        .with_headroom(0.06);
    if matches!(speed, Speed::Relative(_)) {
        // The baseline's own line at 1 stays on the chart.
        y.lo = y.lo.min(0.5);
    }

    let mut languages: Vec<&str> = points.iter().map(|p| p.r.language.as_str()).collect();
    languages.sort_by_key(|l| style::language_order(l));
    languages.dedup();
    let mut legend: Vec<(Swatch, String)> = languages
        .iter()
        .map(|l| {
            (
                Swatch::Marker(SHAPE, style::language_colour(l)),
                (*l).to_string(),
            )
        })
        .collect();
    if points.iter().any(|p| fast_math(p.r)) {
        legend.push((Swatch::Marker(FAST_MATH_SHAPE, style::MUTED), "fast-math".into()));
    }
    if let Speed::Relative(b) = speed {
        legend.push((Swatch::Dashed(style::MUTED), format!("{b} = 1")));
    }
    let legend_w = style::WIDTH - 2 * style::MARGIN;
    let legend_h = legend_height(&legend, legend_w);
    let top = style::MARGIN + style::TITLE_BAND + legend_h + 6;
    let plot_h = plot_height + style::X_LABEL_AREA;
    let height = top + plot_h + style::MARGIN;
    let plot_w = style::WIDTH - style::EFFORT_LABEL_COLUMN;

    let mut in_column = 0;
    let svg = super::svg(FILE, (style::WIDTH, height), |root| {
        heading(root, ("Speed against code size", &subtitle(speed)), &legend)?;
        let area = root.clone().shrink((0, top), (plot_w, plot_h));
        let chart = axes(
            &area,
            (x.coord(), y.coord()),
            (&|a| x.label(*a), &|a| y.label(*a)),
            ("code size: gzipped source bytes (log)", &y_desc(speed)),
        )?;
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let plot = (xs.start, ys.start, xs.end, ys.end);
        if let Speed::Relative(_) = speed {
            let one = y.pos(1.0);
            dashed(
                root,
                chart.backend_coord(&(x.axis_range().start, one)),
                chart.backend_coord(&(x.axis_range().end, one)),
                style::MUTED.stroke_width(1),
            )?;
        }

        let at: Vec<(i32, i32)> = points
            .iter()
            .map(|p| chart.backend_coord(&(x.pos(p.size), y.pos(p.speed))))
            .collect();
        let label_font = style::ANNOTATION_SIZE;
        let widths: Vec<i32> = points
            .iter()
            .map(|p| style::text_width(&p.r.kernel, label_font) as i32)
            .collect();
        let beside = place_beside(&at, &widths, plot);

        // The column: labels that did not fit, spread apart at their points'
        // heights, each joined to its point.
        let column: Vec<usize> = (0..points.len()).filter(|&i| beside[i].is_none()).collect();
        in_column = column.len();
        let want: Vec<i32> = column.iter().map(|&i| at[i].1).collect();
        let gap = label_height() + 2;
        let rows = spread(&want, gap, plot.1 + gap / 2, plot.3.max(plot.1 + gap));
        let column_x = plot_w as i32 + 4;
        let max_w = style::EFFORT_LABEL_COLUMN as i32 - style::MARGIN as i32 - 4;
        for (&i, &row) in column.iter().zip(&rows) {
            let colour = style::language_colour(&points[i].r.language);
            root.draw(&PathElement::new(
                vec![at[i], (column_x - 3, row)],
                style::faint(colour).stroke_width(1),
            ))?;
            let name = super::fit(&points[i].r.kernel, max_w as u32, label_font);
            text(
                root,
                &name,
                (column_x, row),
                &font(label_font, style::INK, LEFT, false),
            )?;
        }
        for (i, p) in points.iter().enumerate() {
            let colour = style::language_colour(&p.r.language);
            let shape = if fast_math(p.r) { FAST_MATH_SHAPE } else { SHAPE };
            marker(root, shape, at[i], colour)?;
            if let Some((lx, ly, right)) = beside[i] {
                let pos = if right { RIGHT } else { LEFT };
                text(root, &p.r.kernel, (lx, ly), &font(label_font, style::INK, pos, false))?;
            }
        }
        Ok(())
    })?;
    Ok((svg, in_column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_beside_points_never_overlap_labels_or_points() {
        // A crowded cluster and a few loners.
        let mut at = vec![(100, 100); 12];
        for (k, p) in at.iter_mut().enumerate() {
            p.0 += (k as i32 % 4) * 9;
            p.1 += (k as i32 / 4) * 7;
        }
        at.extend([(300, 50), (40, 250), (200, 200)]);
        let widths = vec![80; at.len()];
        let plot = (0, 0, 400, 300);
        let placed = place_beside(&at, &widths, plot);
        let h = label_height();
        let boxes: Vec<Box2> = placed
            .iter()
            .zip(&widths)
            .filter_map(|(p, w)| {
                let (x, y, right) = (*p)?;
                let left = if right { x - w } else { x };
                Some((left, y - h / 2, left + w, y + h / 2))
            })
            .collect();
        // The loners fit beside their points; the cluster cannot all fit.
        assert!(placed[12..].iter().all(Option::is_some), "{placed:?}");
        assert!(placed[..12].iter().any(Option::is_none), "{placed:?}");
        for (a, ba) in boxes.iter().enumerate() {
            assert!(ba.0 >= 0 && ba.2 <= 400 && ba.1 >= 0 && ba.3 <= 300, "{ba:?}");
            for bb in &boxes[a + 1..] {
                assert!(!overlaps(*ba, *bb), "{ba:?} {bb:?}");
            }
            let r = style::MARKER as i32 + 2;
            for &(x, y) in &at {
                assert!(!overlaps(*ba, (x - r, y - r, x + r, y + r)), "{ba:?} over ({x}, {y})");
            }
        }
    }
}
