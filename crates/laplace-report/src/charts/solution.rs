//! `solution.svg`: a heatmap of the grid after the results document's sweeps,
//! from the Gauss-Seidel reference solver, with a colour bar.

use std::sync::{Arc, Mutex};

use laplace_core::reference::solve;
use laplace_core::{Grid, Problem, Scheme};
use plotters::prelude::*;

use super::{Chart, Drawn, LEFT, Scale, Ticked, font, text};
use crate::model::{ReportData, thousands};
use crate::{ReportError, style};

/// The solution chart.
pub(crate) struct Solution;

const FILE: &str = "solution.svg";

/// The scheme whose solution is drawn.
const SCHEME: Scheme = Scheme::GaussSeidel;

/// Larger problems are not solved again for the picture: the reference
/// solver does a few 10^8 updates a second in an optimised build, so this
/// bounds the picture to a few seconds.
const MAX_UPDATES: f64 = 1e9;

/// Nor are grids with more cells than this.
const MAX_CELLS: usize = 1 << 26;

/// Block means of a grid on blocks of `fr` x `fc` points.
struct Blocks {
    /// Grid points per block along rows and columns.
    fr: usize,
    fc: usize,
    /// Blocks along rows and columns.
    rows: usize,
    cols: usize,
    /// Block `(b, c)` at `values[b * cols + c]`.
    values: Vec<f64>,
}

/// Block means of `g` on equal blocks, at most `max` along either side
/// (the last block of a side may be smaller).
fn downsample(g: &Grid, max: usize) -> Blocks {
    let (nx, ny) = (g.nx(), g.ny());
    let max = max.max(1);
    let (fr, fc) = (nx.div_ceil(max).max(1), ny.div_ceil(max).max(1));
    let (rows, cols) = (nx.div_ceil(fr), ny.div_ceil(fc));
    let u = g.as_slice();
    let mut values = Vec::with_capacity(rows * cols);
    for b in 0..rows {
        for c in 0..cols {
            let (c0, c1) = (c * fc, ((c + 1) * fc).min(ny));
            let mut sum = 0.0;
            let mut n = 0usize;
            for i in b * fr..((b + 1) * fr).min(nx) {
                for v in u.get(i * ny + c0..i * ny + c1).unwrap_or(&[]) {
                    sum += v;
                    n += 1;
                }
            }
            values.push(if n > 0 { sum / n as f64 } else { f64::NAN });
        }
    }
    Blocks {
        fr,
        fc,
        rows,
        cols,
        values,
    }
}

/// The solution of `problem`, from the last call if it asked for the same
/// one (the report may be rendered repeatedly in one process).
fn solution(problem: &Problem) -> Result<Arc<Grid>, String> {
    static LAST: Mutex<Option<(Problem, Arc<Grid>)>> = Mutex::new(None);
    let compute = || {
        solve(SCHEME, problem)
            .map(Arc::new)
            .map_err(|e| e.to_string())
    };
    // Solved under the lock, so concurrent renders of one problem solve once;
    // a poisoned lock only costs the cache.
    let Ok(mut last) = LAST.lock() else {
        return compute();
    };
    if let Some((p, g)) = last.as_ref()
        && p == problem
    {
        return Ok(Arc::clone(g));
    }
    let grid = compute()?;
    *last = Some((*problem, Arc::clone(&grid)));
    Ok(grid)
}

impl Chart for Solution {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn title(&self) -> &'static str {
        "Solution"
    }

    fn render(&self, data: &ReportData) -> Result<Drawn, ReportError> {
        let Some(run) = data.runs.first() else {
            return Ok(Drawn::Skipped("Not drawn: no results document.".into()));
        };
        let spec = &run.doc.problem;
        let problem = match Problem::new(spec.nx, spec.ny, spec.dx, spec.dy, spec.iters) {
            Ok(p) => p,
            Err(e) => {
                return Ok(Drawn::Skipped(format!(
                    "Not drawn: the problem of `{}` is not valid: {e}.",
                    run.path.display()
                )));
            }
        };
        if problem.updates() > MAX_UPDATES || problem.cells() > MAX_CELLS {
            return Ok(Drawn::Skipped(format!(
                "Not drawn: solving the {}x{} problem for {} sweeps again with the reference \
                 solver would take too long for a report.",
                problem.nx,
                problem.ny,
                thousands(problem.iters)
            )));
        }
        let grid = match solution(&problem) {
            Ok(g) => g,
            Err(e) => {
                return Ok(Drawn::Skipped(format!(
                    "Not drawn: the reference solver failed: {e}."
                )));
            }
        };
        // Fewer cells until the SVG is small enough (a smooth field merges
        // well, so this rarely loops).
        let mut max = style::HEATMAP_MAX_CELLS;
        let (svg, blocks) = loop {
            let blocks = downsample(&grid, max);
            let svg = draw(&problem, &blocks)?;
            if svg.len() <= style::HEATMAP_MAX_BYTES || max <= 10 {
                break (svg, blocks);
            }
            max = max * 2 / 3;
        };
        let drawn = if (blocks.fr, blocks.fc) == (1, 1) {
            "one cell per grid point".to_string()
        } else {
            format!("averaged over blocks of {}x{} points", blocks.fr, blocks.fc)
        };
        let caption = format!(
            "The grid u after {} {} sweeps of the {}x{} problem of `{}`, computed with the \
             reference solver and drawn {drawn}: heat from the top row, held at 1, spreading \
             into the plate.",
            thousands(problem.iters),
            SCHEME,
            problem.nx,
            problem.ny,
            run.path.file_name().map_or_else(
                || run.path.display().to_string(),
                |f| f.to_string_lossy().into_owned()
            ),
        );
        Ok(Drawn::Svg { svg, caption })
    }
}

fn draw(problem: &Problem, blocks: &Blocks) -> Result<String, ReportError> {
    let (vmin, vmax) = blocks
        .values
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    let (vmin, vmax) = if vmin < vmax {
        (vmin, vmax)
    } else {
        (0.0, 1.0)
    };
    let top_level = (style::HEATMAP_LEVELS - 1) as f64;
    let level =
        |v: f64| (((v - vmin) / (vmax - vmin)).clamp(0.0, 1.0) * top_level).round() as usize;
    let level_colour = |q: usize| style::heat(q as f64 / top_level);

    // Plot area in the grid's physical aspect ratio: rows run along dx.
    let (nx, ny) = (problem.nx as f64, problem.ny as f64);
    let phys_h = (nx - 1.0) * problem.dx;
    let phys_w = (ny - 1.0) * problem.dy;
    let side = f64::from(style::HEATMAP_SIDE);
    let (plot_w, plot_h) = if phys_w >= phys_h {
        (side, (side * phys_h / phys_w).max(side / 4.0))
    } else {
        ((side * phys_w / phys_h).max(side / 4.0), side)
    };
    let (plot_w, plot_h) = (plot_w.round() as u32, plot_h.round() as u32);
    let top = style::MARGIN + style::TITLE_BAND;
    let chart_w = 2 * style::MARGIN + style::Y_LABEL_AREA + plot_w;
    // Centre the plot with its colour bar (bar, ticks and labels take ~90 px).
    let left = style::WIDTH.saturating_sub(chart_w + 90) / 2;
    let chart_h = 2 * style::MARGIN + style::X_LABEL_AREA + plot_h;
    let height = top + chart_h + style::MARGIN;

    let linear = |hi: f64| Scale {
        log: false,
        lo: 0.0,
        hi,
    };
    // The plotting y axis points up; rows count down from the top.
    // Whole rows and columns only.
    let whole = |hi: f64| -> Vec<f64> {
        linear(hi)
            .ticks()
            .into_iter()
            .filter(|t| t.fract() == 0.0)
            .collect()
    };
    let y_ticks: Vec<f64> = whole(nx).iter().map(|r| nx - r).collect();
    let subtitle = format!(
        "{}x{} grid, dx = {}, dy = {}; top row held at 1, other edges at 0. Reference solver.",
        problem.nx, problem.ny, problem.dx, problem.dy
    );
    let title = format!(
        "Solution after {} {} {}",
        thousands(problem.iters),
        SCHEME,
        if problem.iters == 1 {
            "sweep"
        } else {
            "sweeps"
        }
    );
    super::svg(FILE, (style::WIDTH, height), |root| {
        super::title(root, &title, &subtitle)?;
        let area = root.clone().shrink((left, top), (chart_w, chart_h));
        let mut chart = ChartBuilder::on(&area)
            .margin(style::MARGIN)
            .x_label_area_size(style::X_LABEL_AREA)
            .y_label_area_size(style::Y_LABEL_AREA)
            .build_cartesian_2d(
                Ticked::new(0.0..ny, whole(ny)),
                Ticked::new(0.0..nx, y_ticks.clone()),
            )?;
        chart
            .configure_mesh()
            .disable_mesh()
            .axis_style(style::RULE)
            .x_label_formatter(&|a| super::compact(*a))
            .y_label_formatter(&|a| super::compact(nx - *a))
            .label_style(font(style::LABEL_SIZE, style::INK, super::CENTRE, false))
            .x_desc("column j")
            .y_desc("row i")
            .axis_desc_style(font(
                style::AXIS_TITLE_SIZE,
                style::INK,
                super::CENTRE,
                false,
            ))
            .draw()?;

        // One rectangle per run of equal colour level along a block row, in
        // pixels. Each reaches one pixel into its right and lower neighbours,
        // drawn after it: where a viewer scales the image, a shared edge falls
        // inside a pixel, and two half-covered rectangles would let the
        // background through as a hairline seam.
        let (_, top_px) = chart.backend_coord(&(0.0, nx));
        let (right_px, bottom_px) = chart.backend_coord(&(ny, 0.0));
        let (rows, cols) = (blocks.rows, blocks.cols);
        for b in 0..rows {
            let r0 = (b * blocks.fr) as f64;
            let r1 = (((b + 1) * blocks.fr) as f64).min(nx);
            let mut c = 0;
            while c < cols {
                let q = level(blocks.values[b * cols + c]);
                let mut end = c + 1;
                while end < cols && level(blocks.values[b * cols + end]) == q {
                    end += 1;
                }
                let x0 = (c * blocks.fc) as f64;
                let x1 = ((end * blocks.fc) as f64).min(ny);
                let (px0, py0) = chart.backend_coord(&(x0, nx - r0));
                let (px1, py1) = chart.backend_coord(&(x1, nx - r1));
                root.draw(&Rectangle::new(
                    [
                        (px0, py0.max(top_px)),
                        ((px1 + 1).min(right_px), (py1 + 1).min(bottom_px)),
                    ],
                    level_colour(q).filled(),
                ))?;
                c = end;
            }
        }

        // Colour bar beside the plot, same height.
        let (left, top_px) = chart.backend_coord(&(ny, nx));
        let (_, bottom_px) = chart.backend_coord(&(ny, 0.0));
        let x0 = left + 28;
        let x1 = x0 + style::COLOUR_BAR as i32;
        let levels = style::HEATMAP_LEVELS;
        let span = f64::from(bottom_px - top_px);
        for q in 0..levels {
            let ya = bottom_px - (span * q as f64 / levels as f64).round() as i32;
            let yb = bottom_px - (span * (q + 1) as f64 / levels as f64).round() as i32;
            // One pixel into the next level up, drawn after it (no seams).
            let yb = if q + 1 < levels { yb - 1 } else { yb };
            root.draw(&Rectangle::new(
                [(x0, ya), (x1, yb)],
                level_colour(q).filled(),
            ))?;
        }
        root.draw(&Rectangle::new(
            [(x0, top_px), (x1, bottom_px)],
            style::RULE.stroke_width(1),
        ))?;
        let bar_scale = Scale {
            log: false,
            lo: vmin,
            hi: vmax,
        };
        let label = font(style::LABEL_SIZE, style::INK, LEFT, false);
        for t in bar_scale.ticks() {
            if t < vmin - 1e-12 || t > vmax + 1e-12 {
                continue;
            }
            let y = bottom_px - (span * (t - vmin) / (vmax - vmin)).round() as i32;
            root.draw(&PathElement::new(
                vec![(x1, y), (x1 + 5, y)],
                style::INK.stroke_width(1),
            ))?;
            text(root, &super::compact(t), (x1 + 8, y), &label)?;
        }
        text(
            root,
            "u",
            (x0 + style::COLOUR_BAR as i32 / 2, top_px - 16),
            &font(style::AXIS_TITLE_SIZE, style::INK, super::CENTRE, true),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsampling_averages_blocks() {
        let g = Grid::from_vec(4, 4, (0..16).map(f64::from).collect()).unwrap();
        let b = downsample(&g, 2);
        assert_eq!((b.rows, b.cols, b.fr, b.fc), (2, 2, 2, 2));
        assert_eq!(b.values, [2.5, 4.5, 10.5, 12.5]);
        let b = downsample(&g, 10);
        assert_eq!((b.rows, b.cols, b.values.len()), (4, 4, 16));
        // 4 rows on at most 3 blocks: blocks of 2, the last one full.
        let b = downsample(&g, 3);
        assert_eq!((b.rows, b.fr), (2, 2));
    }
}
