//! `scaling.svg`: MLUP/s against grid size for every kernel, from criterion
//! (or, without it, from results documents of several sizes).

use plotters::prelude::*;

use super::{Area, Chart, DrawResult, Drawn, LEFT, Scale, Ticked, font, marker, text};
use crate::load::BENCH_GROUP;
use crate::model::{Criterion, Outcome, ReportData, Run, outcome};
use crate::{BenchPoint, ReportError, style};

/// The scaling chart.
pub(crate) struct Scaling;

const FILE: &str = "scaling.svg";

/// One kernel's curve.
#[derive(Debug, Clone)]
struct Series {
    name: String,
    language: String,
    /// By growing grid size.
    points: Vec<Point>,
}

#[derive(Debug, Clone)]
struct Point {
    cells: f64,
    mlups: f64,
    size: String,
}

/// The language part of `language/form`.
fn language(kernel: &str) -> &str {
    kernel.split_once('/').map_or(kernel, |(l, _)| l)
}

/// Collects points into series, ordered by language then name, each sorted
/// by size.
fn collect(points: Vec<(String, String, Point)>) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    for (name, lang, p) in points {
        match out.iter_mut().find(|s| s.name == name) {
            Some(s) => s.points.push(p),
            None => out.push(Series {
                name,
                language: lang,
                points: vec![p],
            }),
        }
    }
    for s in &mut out {
        s.points.sort_by(|a, b| a.cells.total_cmp(&b.cells));
    }
    out.sort_by(|a, b| {
        (style::language_order(&a.language), &a.name)
            .cmp(&(style::language_order(&b.language), &b.name))
    });
    out
}

fn from_criterion(points: &[BenchPoint]) -> Vec<Series> {
    collect(
        points
            .iter()
            .filter(|p| p.group == BENCH_GROUP)
            .filter_map(|p| {
                let name = p.function.clone()?;
                let (nx, ny) = p.grid()?;
                let mlups = p.mlups()?;
                let lang = language(&name).to_string();
                let size = p.value.clone().unwrap_or_default();
                Some((
                    name,
                    lang,
                    Point {
                        cells: nx as f64 * ny as f64,
                        mlups,
                        size,
                    },
                ))
            })
            .collect(),
    )
}

/// Series from results documents, if they cover at least two grid sizes;
/// kernels are told apart per machine when there are several.
fn from_runs(data: &ReportData) -> Vec<Series> {
    let mut sizes: Vec<(usize, usize)> = data
        .runs
        .iter()
        .map(|r| (r.doc.problem.nx, r.doc.problem.ny))
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.len() < 2 {
        return Vec::new();
    }
    let per_machine = data.machine_count() > 1;
    let name = |run: &Run, kernel: &str| {
        if per_machine {
            format!("{kernel} ({})", run.doc.provenance.host)
        } else {
            kernel.to_string()
        }
    };
    collect(
        data.runs
            .iter()
            .flat_map(|run| {
                run.doc.results.iter().filter_map(move |r| match outcome(r) {
                    Outcome::Timed(mlups) => Some((
                        name(run, &r.kernel),
                        r.language.clone(),
                        Point {
                            cells: run.doc.problem.nx as f64 * run.doc.problem.ny as f64,
                            mlups,
                            size: format!("{}x{}", run.doc.problem.nx, run.doc.problem.ny),
                        },
                    )),
                    _ => None,
                })
            })
            .collect(),
    )
}

impl Chart for Scaling {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn title(&self) -> &'static str {
        "Speed against grid size"
    }

    fn render(&self, data: &ReportData) -> Result<Drawn, ReportError> {
        let no_criterion = match &data.criterion {
            Criterion::Loaded(dir, points) => {
                let series = from_criterion(points);
                if !series.is_empty() {
                    let source = format!("criterion medians in `{}`", dir.display());
                    return draw_with_caption(&series, &source);
                }
                format!(
                    "`{}` holds no `{BENCH_GROUP}` benchmark with an `NxM` size and an Elements throughput",
                    dir.display()
                )
            }
            Criterion::Absent(dir) => format!("there is no criterion folder `{}`", dir.display()),
            Criterion::NotAsked => "no criterion folder was given".into(),
        };
        let series = from_runs(data);
        if series.is_empty() {
            return Ok(Drawn::Skipped(format!(
                "Not drawn: {no_criterion}, and the results documents cover a single grid size \
                 (run `cargo bench`, or pass results of several sizes)."
            )));
        }
        draw_with_caption(&series, "the best times of the results documents")
    }
}

fn draw_with_caption(series: &[Series], source: &str) -> Result<Drawn, ReportError> {
    let svg = draw(series)?;
    let caption = format!(
        "MLUP/s against grid size (log axis) for each of the {} kernels, from {source}; \
         a fall at larger grids shows the grid no longer fitting in a cache level.",
        series.len()
    );
    Ok(Drawn::Svg { svg, caption })
}

fn draw(series: &[Series]) -> Result<String, ReportError> {
    let mut sizes: Vec<(f64, String)> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| (p.cells, p.size.clone())))
        .collect();
    sizes.sort_by(|a, b| a.0.total_cmp(&b.0));
    sizes.dedup_by(|a, b| a.0 == b.0);
    let (min, max) = match (sizes.first(), sizes.last()) {
        (Some(a), Some(b)) => (a.0, b.0),
        _ => (1.0, 10.0),
    };
    let x = if max / min < 10.0 {
        Scale::log(min / 4.0, max * 4.0)
    } else {
        Scale::log(min / 1.8, max * 1.8)
    };
    let y = Scale::for_values(series.iter().flat_map(|s| s.points.iter().map(|p| p.mlups)))
        .unwrap_or(Scale {
            log: false,
            lo: 0.0,
            hi: 1.0,
        })
        .with_headroom(0.08);

    let legend_w = series
        .iter()
        .map(|s| style::text_width(&s.name, style::LABEL_SIZE) + 44)
        .max()
        .unwrap_or(0)
        .clamp(140, 300);
    let plot_w = style::WIDTH - legend_w;
    let top = style::MARGIN + style::TITLE_BAND;
    // The plot grows with a long legend rather than sit beside empty space.
    let legend_h = series.len() as u32 * style::LEGEND_ROW + 2 * style::MARGIN;
    let plot_h = (style::PLOT_HEIGHT + style::X_LABEL_AREA).max(legend_h);
    let height = top + plot_h + style::MARGIN;

    // Ticks at the measured sizes, labelled with their `NxM`, dropping any
    // that would overlap the previous one.
    let axis = x.axis_range();
    let px_per_unit = f64::from(plot_w - style::Y_LABEL_AREA - 2 * style::MARGIN)
        / (axis.end - axis.start);
    let mut ticks: Vec<(f64, String)> = Vec::new();
    for (cells, label) in &sizes {
        let a = x.pos(*cells);
        let need = f64::from(style::text_width(label, style::LABEL_SIZE) + 10);
        let clear = ticks
            .last()
            .is_none_or(|(b, prev)| {
                (a - b) * px_per_unit
                    >= (need + f64::from(style::text_width(prev, style::LABEL_SIZE) + 10)) / 2.0
            });
        if clear {
            ticks.push((a, label.clone()));
        }
    }

    super::svg(FILE, (style::WIDTH, height), |root| {
        super::title(
            root,
            "Speed against grid size",
            "MLUP/s per kernel; larger grids stress the memory hierarchy.",
        )?;
        let area = root.clone().shrink((0, top), (plot_w, plot_h));
        let mut chart = ChartBuilder::on(&area)
            .margin(style::MARGIN)
            .x_label_area_size(style::X_LABEL_AREA)
            .y_label_area_size(style::Y_LABEL_AREA)
            .build_cartesian_2d(
                Ticked::new(axis.clone(), ticks.iter().map(|t| t.0).collect()),
                y.coord(),
            )?;
        let label_of = |a: &f64| {
            ticks
                .iter()
                .find(|t| (t.0 - a).abs() < 1e-9)
                .map_or_else(String::new, |t| t.1.clone())
        };
        let y_desc = if y.log {
            "MLUP/s (log scale)"
        } else {
            "MLUP/s"
        };
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .axis_style(style::RULE)
            .x_label_formatter(&label_of)
            .y_label_formatter(&|a| y.label(*a))
            .label_style(font(style::LABEL_SIZE, style::INK, super::CENTRE, false))
            .x_desc("grid size, rows x columns (log scale of points)")
            .y_desc(y_desc)
            .axis_desc_style(font(style::AXIS_TITLE_SIZE, style::INK, super::CENTRE, false))
            .draw()?;

        let mut within_language = 0;
        for (k, s) in series.iter().enumerate() {
            if k > 0 && series[k - 1].language == s.language {
                within_language += 1;
            } else {
                within_language = 0;
            }
            let colour = style::shade(style::language_colour(&s.language), within_language);
            let pts: Vec<(f64, f64)> = s
                .points
                .iter()
                .map(|p| (x.pos(p.cells), y.pos(p.mlups)))
                .collect();
            chart.draw_series(LineSeries::new(
                pts.iter().copied(),
                colour.stroke_width(style::LINE_WIDTH),
            ))?;
            for p in &pts {
                marker(root, within_language, chart.backend_coord(p), colour)?;
            }
            legend_entry(
                root,
                &s.name,
                within_language,
                colour,
                (plot_w as i32, (top + style::MARGIN) as i32 + k as i32 * style::LEGEND_ROW as i32),
                legend_w,
            )?;
        }
        Ok(())
    })
}

/// A legend line: a short line with the series' marker, then its name.
fn legend_entry(
    root: &Area<'_>,
    name: &str,
    shape: usize,
    colour: RGBColor,
    (x, y): (i32, i32),
    width: u32,
) -> DrawResult {
    let mid = y + style::LEGEND_ROW as i32 / 2;
    root.draw(&PathElement::new(
        vec![(x + 4, mid), (x + 30, mid)],
        colour.stroke_width(style::LINE_WIDTH),
    ))?;
    marker(root, shape, (x + 17, mid), colour)?;
    let name = super::fit(name, width.saturating_sub(44), style::LABEL_SIZE);
    text(
        root,
        &name,
        (x + 38, mid),
        &font(style::LABEL_SIZE, style::INK, LEFT, false),
    )
}
