//! `scaling.svg`: MLUP/s against grid size, from criterion (or, without it,
//! from results documents of several sizes), as small multiples: one panel
//! per scheme, so that each kernel is compared with those doing the same
//! work. In a panel the fastest kernel of each language is drawn thick in its
//! language's colour and the others thin and faint, and every line is named
//! at its right-hand end instead of in a legend.

use laplace_core::Scheme;
use plotters::prelude::*;

use super::legend::{Swatch, legend_height, spread};
use super::{Area, Chart, DrawResult, Drawn, LEFT, Scale, Ticked, font, text};
use crate::load::BENCH_GROUP;
use crate::model::{Criterion, MachineKey, Outcome, ReportData, cpu_text, machine_key, outcome};
use crate::{BenchPoint, ReportError, style};

/// The scaling chart.
pub(crate) struct Scaling;

const FILE: &str = "scaling.svg";

/// One kernel's curve.
#[derive(Debug, Clone)]
struct Series {
    name: String,
    language: String,
    /// `None` where no results document names the kernel (criterion only).
    scheme: Option<Scheme>,
    /// By growing grid size.
    points: Vec<Point>,
}

impl Series {
    /// Geometric mean of the MLUP/s over the measured sizes.
    fn typical(&self) -> f64 {
        let logs: f64 = self.points.iter().map(|p| p.mlups.max(1e-12).ln()).sum();
        (logs / self.points.len().max(1) as f64).exp()
    }

    /// What "fastest" means when picking a language's kernel to emphasise:
    /// measured at the most sizes (a kernel timed on the small grid alone
    /// would look fast), then the highest [`Self::typical`] speed.
    fn beats(&self, other: &Series) -> bool {
        (self.points.len(), self.typical()) > (other.points.len(), other.typical())
            || (self.points.len() == other.points.len()
                && self.typical() == other.typical()
                && self.name < other.name)
    }
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
fn collect(points: Vec<(String, String, Option<Scheme>, Point)>) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    for (name, lang, scheme, p) in points {
        match out.iter_mut().find(|s| s.name == name) {
            Some(s) => s.points.push(p),
            None => out.push(Series {
                name,
                language: lang,
                scheme,
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

/// The scheme of `kernel` in the first results document that ran it.
fn scheme_of(data: &ReportData, kernel: &str) -> Option<Scheme> {
    data.runs
        .iter()
        .flat_map(|r| &r.doc.results)
        .find(|r| r.kernel == kernel)
        .map(|r| r.scheme)
}

fn from_criterion(data: &ReportData, points: &[BenchPoint]) -> Vec<Series> {
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
                let scheme = scheme_of(data, &name);
                Some((
                    name,
                    lang,
                    scheme,
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
    // Runs of one machine (several sizes) make one series per kernel; with
    // several machines the series are named by host when that tells the
    // machines apart, else by CPU (cloud hosts are often all alike).
    let per_machine = data.machine_count() > 1;
    let keys: Vec<MachineKey> = data
        .runs
        .iter()
        .map(|r| machine_key(&r.doc.provenance))
        .collect();
    let tells_apart = |names: &[String]| {
        (0..keys.len())
            .all(|i| (0..keys.len()).all(|j| (keys[i] == keys[j]) == (names[i] == names[j])))
    };
    let hosts: Vec<String> = data
        .runs
        .iter()
        .map(|r| r.doc.provenance.host.clone())
        .collect();
    let cpus: Vec<String> = data
        .runs
        .iter()
        .map(|r| cpu_text(&r.doc.provenance))
        .collect();
    let machines = if tells_apart(&hosts) { hosts } else { cpus };
    let name = |k: usize, kernel: &str| {
        if per_machine {
            format!("{kernel} ({})", machines[k])
        } else {
            kernel.to_string()
        }
    };
    collect(
        data.runs
            .iter()
            .enumerate()
            .flat_map(|(k, run)| {
                run.doc
                    .results
                    .iter()
                    .filter_map(move |r| match outcome(r) {
                        Outcome::Timed(mlups) => Some((
                            name(k, &r.kernel),
                            r.language.clone(),
                            Some(r.scheme),
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
                let series = from_criterion(data, points);
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
        "MLUP/s against grid size (log axes) for each of the {} kernels, from {source}, one \
         panel per scheme so that each kernel is compared with those doing the same work; in \
         each panel the fastest kernel of each language (geometric mean over the sizes) is \
         drawn thick in its language's colour, the others thin and faint, and every line is \
         named at its right-hand end. A fall at larger grids shows the grid no longer fitting \
         in a cache level.",
        series.len()
    );
    Ok(Drawn::Svg { svg, caption })
}

/// One panel: the kernels of one scheme (`None`: of no known scheme), each
/// with whether it is the fastest of its language there.
struct Panel<'a> {
    header: String,
    lines: Vec<(&'a Series, bool)>,
}

/// The panels in scheme order, empty ones left out.
fn panels(series: &[Series]) -> Vec<Panel<'_>> {
    let keys = Scheme::ALL.iter().map(|s| Some(*s)).chain([None]);
    keys.filter_map(|key| {
        let members: Vec<&Series> = series.iter().filter(|s| s.scheme == key).collect();
        if members.is_empty() {
            return None;
        }
        // Fastest of its language: no other of the language beats it.
        let best = |s: &Series| {
            !members
                .iter()
                .any(|o| o.language == s.language && o.beats(s))
        };
        let n = members.len();
        let kernels = if n == 1 { "kernel" } else { "kernels" };
        let header = match key {
            Some(scheme) => format!("{scheme}: {n} {kernels}"),
            None => format!("scheme not in any results document: {n} {kernels}"),
        };
        Some(Panel {
            header,
            lines: members.iter().map(|s| (*s, best(s))).collect(),
        })
    })
    .collect()
}

/// Height of a panel's plot, x tick area included, for `lines` end labels.
fn panel_height(lines: usize, x_area: u32) -> u32 {
    style::SCALING_PANEL_PLOT.max(lines as u32 * style::END_LABEL_ROW) + 2 * style::MARGIN + x_area
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
        Scale::log(min / 1.6, max * 1.6)
    };
    // One y axis for every panel, so that panels compare at a glance.
    let y = Scale::for_values(series.iter().flat_map(|s| s.points.iter().map(|p| p.mlups)))
        .unwrap_or(Scale {
            log: false,
            lo: 0.0,
            hi: 1.0,
        })
        .with_headroom(0.08);

    // The end labels' column, right of the plots (names are bold or not, so
    // the width estimate gets a margin).
    let label_w = series
        .iter()
        .map(|s| style::text_width(&s.name, style::END_LABEL_SIZE) + 8 + style::MARGIN)
        .max()
        .unwrap_or(0)
        .clamp(100, style::END_LABEL_COLUMN);
    let plot_w = style::WIDTH - label_w;

    let mut legend: Vec<(Swatch, String)> = Vec::new();
    for s in series {
        if !legend.iter().any(|(_, l)| *l == s.language) {
            let colour = style::language_colour(&s.language);
            legend.push((Swatch::Line(colour), s.language.clone()));
        }
    }
    legend.push((
        Swatch::Faint(style::faint(style::INK)),
        "other kernels of the language".into(),
    ));
    let legend_w = style::WIDTH - 2 * style::MARGIN;
    let legend_h = legend_height(&legend, legend_w);
    let top = style::MARGIN + style::TITLE_BAND + legend_h + 6;

    let panels = panels(series);
    let x_area = |k: usize| {
        if k + 1 == panels.len() {
            style::X_LABEL_AREA
        } else {
            style::TICK_AREA
        }
    };
    let heights: Vec<u32> = panels
        .iter()
        .enumerate()
        .map(|(k, p)| style::GROUP_ROW + panel_height(p.lines.len(), x_area(k)))
        .collect();
    let height = top + heights.iter().sum::<u32>() + style::MARGIN;

    // Ticks at the measured sizes, labelled with their `NxM`, dropping any
    // that would overlap the previous one.
    let axis = x.axis_range();
    let px_per_unit =
        f64::from(plot_w - style::Y_LABEL_AREA - 2 * style::MARGIN) / (axis.end - axis.start);
    let mut ticks: Vec<(f64, String)> = Vec::new();
    for (cells, label) in &sizes {
        let a = x.pos(*cells);
        let need = f64::from(style::text_width(label, style::LABEL_SIZE) + 10);
        let clear = ticks.last().is_none_or(|(b, prev)| {
            (a - b) * px_per_unit
                >= (need + f64::from(style::text_width(prev, style::LABEL_SIZE) + 10)) / 2.0
        });
        if clear {
            ticks.push((a, label.clone()));
        }
    }
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

    super::svg(FILE, (style::WIDTH, height), |root| {
        super::heading(
            root,
            (
                "Speed against grid size",
                "MLUP/s per kernel, one panel per scheme; thick: the fastest kernel of each language.",
            ),
            &legend,
        )?;
        let mut y0 = top;
        for (k, panel) in panels.iter().enumerate() {
            text(
                root,
                &super::fit(&panel.header, legend_w, style::SUBTITLE_SIZE),
                (style::MARGIN as i32, (y0 + style::GROUP_ROW / 2) as i32 + 2),
                &font(style::SUBTITLE_SIZE, style::INK, LEFT, true),
            )?;
            let h = panel_height(panel.lines.len(), x_area(k));
            let area = root.clone().shrink((0, y0 + style::GROUP_ROW), (plot_w, h));
            let mut chart = ChartBuilder::on(&area)
                .margin(style::MARGIN)
                .x_label_area_size(x_area(k))
                .y_label_area_size(style::Y_LABEL_AREA)
                .build_cartesian_2d(
                    Ticked::new(axis.clone(), ticks.iter().map(|t| t.0).collect()),
                    y.coord(),
                )?;
            let last = k + 1 == panels.len();
            chart
                .configure_mesh()
                .bold_line_style(style::GRID)
                .axis_style(style::RULE)
                .x_label_formatter(&label_of)
                .y_label_formatter(&|a| y.label(*a))
                .label_style(font(style::LABEL_SIZE, style::INK, super::CENTRE, false))
                .x_desc(if last {
                    "grid size, rows x columns (log scale of points)"
                } else {
                    ""
                })
                .y_desc(y_desc)
                .axis_desc_style(font(
                    style::AXIS_TITLE_SIZE,
                    style::INK,
                    super::CENTRE,
                    false,
                ))
                .draw()?;
            draw_panel(root, &chart, panel, (&x, &y), plot_w, max)?;
            y0 += heights[k];
        }
        Ok(())
    })
}

/// A panel's lines, faint ones under emphasised ones, and their end labels;
/// `x_end` is the largest grid of the chart, in cells.
fn draw_panel(
    root: &Area<'_>,
    chart: &ChartContext<'_, SVGBackend<'_>, Cartesian2d<Ticked, Ticked>>,
    panel: &Panel<'_>,
    (x, y): (&Scale, &Scale),
    plot_w: u32,
    x_end: f64,
) -> DrawResult {
    let colour = |s: &Series, best: bool| {
        let c = style::language_colour(&s.language);
        if best { c } else { style::faint(c) }
    };
    for pass_best in [false, true] {
        for (s, best) in panel.lines.iter().filter(|(_, b)| *b == pass_best) {
            let c = colour(s, *best);
            let pts: Vec<(i32, i32)> = s
                .points
                .iter()
                .map(|p| chart.backend_coord(&(x.pos(p.cells), y.pos(p.mlups))))
                .collect();
            let width = if *best {
                style::EMPHASIS_LINE_WIDTH
            } else {
                style::FAINT_LINE_WIDTH
            };
            root.draw(&PathElement::new(pts.clone(), c.stroke_width(width)))?;
            if *best {
                for p in &pts {
                    root.draw(&Circle::new(*p, style::MARKER as i32, c.filled()))?;
                }
            }
        }
    }
    let ends: Vec<(i32, i32)> = panel
        .lines
        .iter()
        .map(|(s, _)| {
            let p = s
                .points
                .last()
                .map_or((0.0, 0.0), |p| (x.pos(p.cells), y.pos(p.mlups)));
            chart.backend_coord(&p)
        })
        .collect();
    // Names at the right ends, spread so that none overlap.
    let (_, rows) = chart.plotting_area().get_pixel_range();
    let half = style::END_LABEL_ROW as i32 / 2;
    let at = spread(
        &ends.iter().map(|e| e.1).collect::<Vec<_>>(),
        style::END_LABEL_ROW as i32,
        rows.start + half,
        rows.end - half,
    );
    let label_x = (plot_w - style::MARGIN) as i32 + 8;
    let width = (style::WIDTH - style::MARGIN).saturating_sub(label_x as u32);
    let x_end = x.pos(x_end);
    for (((s, best), end), ly) in panel.lines.iter().zip(&ends).zip(at) {
        let c = colour(s, *best);
        // A line that stops short of the largest grid is joined to its name
        // dashed, so that the join does not read as a measurement.
        let short = s
            .points
            .last()
            .is_some_and(|p| x.pos(p.cells) < x_end - 1e-9);
        if short {
            super::dashed(
                root,
                (end.0 + 5, end.1),
                (label_x - 3, ly),
                style::faint(style::MUTED).stroke_width(1),
            )?;
            if s.points.len() == 1 && !*best {
                root.draw(&Circle::new(*end, style::MARKER as i32 - 1, c.filled()))?;
            }
        } else {
            root.draw(&PathElement::new(
                vec![(end.0 + 4, end.1), (label_x - 3, ly)],
                c.stroke_width(1),
            ))?;
        }
        let ink = if *best { c } else { style::FAINT_TEXT };
        text(
            root,
            &super::fit(&s.name, width, style::END_LABEL_SIZE),
            (label_x, ly),
            &font(style::END_LABEL_SIZE, ink, LEFT, *best),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &str, scheme: Scheme, mlups: &[f64]) -> Series {
        Series {
            name: name.into(),
            language: language(name).into(),
            scheme: Some(scheme),
            points: mlups
                .iter()
                .enumerate()
                .map(|(k, m)| Point {
                    cells: 10f64.powi(k as i32 + 4),
                    mlups: *m,
                    size: format!("size {k}"),
                })
                .collect(),
        }
    }

    #[test]
    fn one_panel_per_scheme_and_the_fastest_of_each_language_emphasised() {
        let all = [
            series("rust/a", Scheme::Jacobi, &[100.0, 10.0]),
            series("rust/b", Scheme::Jacobi, &[40.0, 40.0]),
            series("c/a", Scheme::Jacobi, &[5.0, 5.0]),
            series("rust/loop", Scheme::GaussSeidel, &[1.0, 1.0]),
        ];
        let p = panels(&all);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].header, "jacobi: 3 kernels");
        assert_eq!(p[1].header, "gauss-seidel: 1 kernel");
        let best: Vec<&str> = p[0]
            .lines
            .iter()
            .filter(|l| l.1)
            .map(|l| l.0.name.as_str())
            .collect();
        // Geometric means: rust/b 40 beats rust/a 31.6; c/a alone.
        assert_eq!(best, ["rust/b", "c/a"]);
        assert!(p[1].lines[0].1);
    }
}
