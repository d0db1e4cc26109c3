//! `ranks.svg`: the MPI kernels' speed-up against ranks, from
//! `shootout run --rank-sweep`: strong scaling on the problem's grid and on
//! a large one (the time at one rank over the time at P), and weak scaling
//! (the same rows per rank: P times the one-rank time over the time at P),
//! with the ideal line y = P. Points past the logical cores are
//! oversubscribed (ranks share cores) and drawn hollow.

use laplace_core::results::RankPoint;
use plotters::prelude::*;

use super::{Chart, Drawn, Scale, Swatch, Ticked, axes, heading, legend_height, marker};
use crate::model::{ReportData, Run, join_and, sig, thousands};
use crate::{ReportError, style};

/// The ranks chart.
pub(crate) struct Ranks;

const FILE: &str = "ranks.svg";

/// One kernel's series of one kind of scaling on one grid.
#[derive(Debug, Clone)]
struct Series {
    /// `c/array-mpi, strong 100x100`.
    name: String,
    language: String,
    /// Marker shape: one per kind of scaling.
    shape: usize,
    /// `(ranks, speed-up, oversubscribed)` by growing ranks.
    points: Vec<(f64, f64, bool)>,
}

/// The label of a series: strong on its grid, or weak with its rows per rank.
fn kind(p: &RankPoint) -> String {
    if p.scaling == "weak" {
        format!("weak, {}x{} per rank", (p.nx - 2) / p.ranks.max(1) + 2, p.ny)
    } else {
        format!("strong {}x{}", p.nx, p.ny)
    }
}

fn collect(run: &Run) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    for r in &run.doc.results {
        let mut kinds: Vec<String> = r.rank_scaling.iter().map(kind).collect();
        kinds.dedup();
        kinds.sort();
        kinds.dedup();
        for k in kinds {
            let mut pts: Vec<&RankPoint> = r
                .rank_scaling
                .iter()
                .filter(|p| kind(p) == k && p.best_s.is_finite() && p.best_s > 0.0 && p.ranks > 0)
                .collect();
            pts.sort_by_key(|p| p.ranks);
            let Some(one) = pts.iter().find(|p| p.ranks == 1).map(|p| p.best_s) else {
                continue;
            };
            let weak = k.starts_with("weak");
            let points = pts
                .iter()
                .map(|p| {
                    let speedup = if weak {
                        p.ranks as f64 * one / p.best_s
                    } else {
                        one / p.best_s
                    };
                    (p.ranks as f64, speedup, p.oversubscribed)
                })
                .collect();
            let shape = if weak {
                2
            } else if k.contains("4000") {
                1
            } else {
                0
            };
            out.push(Series {
                name: format!("{}, {k}", r.kernel),
                language: r.language.clone(),
                shape,
                points,
            });
        }
    }
    out
}

impl Chart for Ranks {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn title(&self) -> &'static str {
        "Speed-up against MPI ranks"
    }

    fn render(&self, data: &ReportData) -> Result<Drawn, ReportError> {
        let Some(run) = data
            .runs
            .iter()
            .find(|r| r.doc.results.iter().any(|k| !k.rank_scaling.is_empty()))
        else {
            return Ok(Drawn::Skipped(
                "Not drawn: no MPI kernel has a rank sweep (`rank_scaling`; run `shootout run \
                 --rank-sweep` where MPI is installed: `cargo xtask setup --with-mpi`)."
                    .into(),
            ));
        };
        let series = collect(run);
        if series.is_empty() {
            return Ok(Drawn::Skipped(
                "Not drawn: the rank sweeps have no one-rank time to compare with.".into(),
            ));
        }
        let svg = draw(&series)?;
        let kernels: Vec<String> = {
            let mut k: Vec<String> = run
                .doc
                .results
                .iter()
                .filter(|r| !r.rank_scaling.is_empty())
                .map(|r| format!("`{}`", r.kernel))
                .collect();
            k.dedup();
            k
        };
        let cores = run.doc.provenance.logical_cores;
        let best = series
            .iter()
            .filter_map(|s| {
                let last = s.points.iter().rfind(|p| !p.2)?;
                (last.0 > 1.0).then(|| format!("{} {}x at {}", s.name, sig(last.1, 2), last.0))
            })
            .collect::<Vec<_>>();
        let caption = format!(
            "Speed-up over one rank of {} on {}, every run verified: strong scaling (the time at one \
             rank over the time at P) on the problem's grid and on a 4000x4000 grid, and weak scaling \
             (P times the one-rank time over the time at P, each rank keeping the problem's rows), \
             with the dashed ideal y = P. This machine has {} logical cores: past them the ranks \
             share cores (`--oversubscribe`) and the points are hollow. At the most ranks that fit: \
             {}.",
            join_and(&kernels),
            run.label,
            thousands(cores),
            if best.is_empty() {
                "one rank only".to_string()
            } else {
                best.join("; ")
            }
        );
        Ok(Drawn::Svg { svg, caption })
    }
}

fn draw(series: &[Series]) -> Result<String, ReportError> {
    let max_ranks = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .fold(1.0, f64::max);
    let pad = (0.04 * (max_ranks - 1.0)).max(0.25);
    let x_range = (1.0 - pad)..(max_ranks + pad);
    let ticks: Vec<f64> = (1..=max_ranks as usize).map(|r| r as f64).collect();
    let top = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(max_ranks, f64::max);
    let y = Scale {
        log: false,
        lo: 0.0,
        hi: top,
    }
    .with_headroom(0.08);

    let mut legend: Vec<(Swatch, String)> = Vec::new();
    let mut colours = Vec::new();
    for (k, s) in series.iter().enumerate() {
        let within = series[..k].iter().filter(|o| o.language == s.language).count();
        let colour = style::shade(style::language_colour(&s.language), within);
        colours.push(colour);
        legend.push((Swatch::LineMarker(s.shape, colour), s.name.clone()));
    }
    legend.push((Swatch::Dashed(style::MUTED), "ideal: speed-up = ranks".into()));
    let legend_w = style::WIDTH - 2 * style::MARGIN;
    let legend_h = legend_height(&legend, legend_w);
    let top_px = style::MARGIN + style::TITLE_BAND + legend_h + 6;
    let plot_h = style::PLOT_HEIGHT + style::X_LABEL_AREA;
    let height = top_px + plot_h + style::MARGIN;

    super::svg(FILE, (style::WIDTH, height), |root| {
        heading(
            root,
            (
                "Speed-up against MPI ranks",
                "Strong: T(1) / T(P); weak: P x T(1) / T(P), same rows per rank; hollow: oversubscribed.",
            ),
            &legend,
        )?;
        let area = root.clone().shrink((0, top_px), (style::WIDTH, plot_h));
        let mut chart = axes(
            &area,
            (Ticked::new(x_range.clone(), ticks.clone()), y.coord()),
            (&|a| thousands(a.round().max(0.0) as usize), &|a| y.label(*a)),
            ("MPI ranks", "speed-up over one rank"),
        )?;
        super::dashed(
            root,
            chart.backend_coord(&(1.0, 1.0)),
            chart.backend_coord(&(max_ranks, max_ranks)),
            style::MUTED.stroke_width(2),
        )?;
        for (s, colour) in series.iter().zip(colours) {
            chart.draw_series(LineSeries::new(
                s.points.iter().map(|p| (p.0, p.1)),
                colour.stroke_width(style::LINE_WIDTH),
            ))?;
            for p in &s.points {
                let at = chart.backend_coord(&(p.0, p.1));
                if p.2 {
                    root.draw(&Circle::new(at, style::MARKER as i32 + 1, colour.stroke_width(2)))?;
                } else {
                    marker(root, s.shape, at, colour)?;
                }
            }
        }
        Ok(())
    })
}
