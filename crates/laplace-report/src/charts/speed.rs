//! `speed.svg`: one horizontal bar per kernel, MLUP/s, grouped by scheme,
//! one panel per results document (machine).

use laplace_core::Scheme;
use laplace_core::results::KernelResult;
use plotters::prelude::*;

use super::{Area, Chart, DrawResult, Drawn, LEFT, RIGHT, Scale, Swatch, Ticked, font, text};
use crate::ReportError;
use crate::model::{
    Outcome, ReportData, Run, by_scheme, fmt_mlups, fmt_relative, machine_text, outcome,
    problem_text,
};
use crate::style;

/// The speed chart.
pub(crate) struct Speed;

const FILE: &str = "speed.svg";

/// A row of a panel, top to bottom.
enum Row<'a> {
    /// A scheme's header.
    Group(Scheme),
    /// A kernel's bar.
    Kernel(&'a KernelResult),
}

impl Row<'_> {
    fn height(&self) -> u32 {
        match self {
            Row::Group(_) => style::GROUP_ROW,
            Row::Kernel(_) => style::BAR_ROW,
        }
    }
}

/// One machine's bars.
struct Panel<'a> {
    header: String,
    rows: Vec<Row<'a>>,
}

impl Panel<'_> {
    fn rows_height(&self) -> u32 {
        self.rows.iter().map(Row::height).sum()
    }

    fn height(&self) -> u32 {
        style::PANEL_HEADER + self.rows_height() + style::X_LABEL_AREA + style::MARGIN
    }
}

/// The label printed past a kernel's bar.
fn end_label(r: &KernelResult) -> String {
    match outcome(r) {
        Outcome::Timed(_) if r.relative.is_some() => fmt_relative(r.relative),
        Outcome::Timed(m) => format!("{} MLUP/s", fmt_mlups(Some(m))),
        Outcome::Untimed => "not timed".into(),
        Outcome::Failed => "FAILED".into(),
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
        let panels: Vec<Panel<'_>> = data.runs.iter().map(|r| panel(r, common.is_none())).collect();
        let kernels = data.runs.iter().map(|r| r.doc.results.len()).sum::<usize>();

        // Linear bars are honest (length proportional to speed) and are used
        // while every bar stays visible; once speeds span more than
        // Scale::LOG_SPAN (a Python loop next to vectorised C spans ~1000x) the
        // slow bars would shrink to nothing, so the axis turns log. The printed
        // factor keeps the ratio readable either way.
        let scale = Scale::for_values(
            data.runs
                .iter()
                .flat_map(|r| &r.doc.results)
                .filter_map(|r| match outcome(r) {
                    Outcome::Timed(m) => Some(m),
                    _ => None,
                }),
        )
        .unwrap_or(Scale {
            log: false,
            lo: 0.0,
            hi: 1.0,
        });

        let label_w = data
            .runs
            .iter()
            .flat_map(|r| &r.doc.results)
            .map(|r| style::text_width(&r.kernel, style::LABEL_SIZE))
            .chain(
                Scheme::ALL
                    .iter()
                    .map(|s| style::text_width(s.as_str(), style::LABEL_SIZE) * 11 / 10),
            )
            .max()
            .unwrap_or(0)
            .clamp(90, style::MAX_LABEL_COLUMN);
        let label_area = label_w + 16;
        let plot_w = style::WIDTH - 2 * style::MARGIN - label_area;
        let end_w = data
            .runs
            .iter()
            .flat_map(|r| &r.doc.results)
            .map(|r| style::text_width(&end_label(r), style::ANNOTATION_SIZE))
            .max()
            .unwrap_or(0)
            + 12;
        let scale = scale.with_headroom(f64::from(end_w) / f64::from(plot_w.max(1)));

        let legend = legend_entries(data);
        let legend_w = style::WIDTH - 2 * style::MARGIN;
        let legend_h = super::legend_height(&legend, legend_w);
        let top = style::MARGIN + style::TITLE_BAND + legend_h + 6;
        let height = top + panels.iter().map(Panel::height).sum::<u32>() + style::MARGIN;

        let subtitle = match common {
            Some(p) => format!(
                "{}. Longer is faster; labels: best time / baseline's.",
                problem_text(p)
            ),
            None => "Longer is faster; labels: best time / baseline's best time.".to_string(),
        };
        let svg = super::svg(FILE, (style::WIDTH, height), |root| {
            super::title(root, "Speed per kernel, grouped by scheme", &subtitle)?;
            let m = style::MARGIN as i32;
            super::legend_row(
                root,
                &legend,
                (m, (style::MARGIN + style::TITLE_BAND) as i32),
                legend_w,
            )?;
            let mut y = top;
            for p in &panels {
                draw_panel(root, p, y, label_area, &scale)?;
                y += p.height();
            }
            Ok(())
        })?;

        let machines = if data.runs.len() > 1 {
            format!(", one panel per results document ({} machines)", data.machine_count())
        } else {
            String::new()
        };
        let axis = if scale.log { "log" } else { "linear" };
        let caption = format!(
            "Million lattice updates per second at the best time of each of the {kernels} kernel results \
             (on a {axis} axis), grouped by scheme and fastest first{machines}; the label past each bar \
             is its best time relative to the baseline kernel, and failed kernels are hatched stubs marked FAILED."
        );
        Ok(Drawn::Svg { svg, caption })
    }
}

fn panel(run: &Run, show_problem: bool) -> Panel<'_> {
    let p = &run.doc.provenance;
    let mut header = format!("{}, {} logical cores", machine_text(p), p.logical_cores);
    if show_problem {
        header = format!("{header}; {}", problem_text(&run.doc.problem));
    }
    let mut rows = Vec::new();
    for (scheme, kernels) in by_scheme(&run.doc.results) {
        rows.push(Row::Group(scheme));
        rows.extend(kernels.into_iter().map(Row::Kernel));
    }
    Panel { header, rows }
}

/// Languages present (in palette order), then the failed swatch if needed.
fn legend_entries(data: &ReportData) -> Vec<(Swatch, String)> {
    let mut langs: Vec<&str> = Vec::new();
    let mut failed = false;
    for r in data.runs.iter().flat_map(|r| &r.doc.results) {
        if !langs.contains(&r.language.as_str()) {
            langs.push(&r.language);
        }
        failed |= !matches!(outcome(r), Outcome::Timed(_));
    }
    langs.sort_by_key(|l| style::language_order(l));
    let mut out: Vec<(Swatch, String)> = langs
        .into_iter()
        .map(|l| (Swatch::Solid(style::language_colour(l)), l.to_string()))
        .collect();
    if failed {
        out.push((Swatch::Hatched, "failed or not timed".into()));
    }
    out
}

fn draw_panel(root: &Area<'_>, p: &Panel<'_>, top: u32, label_area: u32, scale: &Scale) -> DrawResult {
    let m = style::MARGIN as i32;
    let width = style::WIDTH - 2 * style::MARGIN;
    text(
        root,
        &super::fit(&p.header, width, style::SUBTITLE_SIZE),
        (m, (top + style::PANEL_HEADER / 2) as i32),
        &font(style::SUBTITLE_SIZE, style::INK, LEFT, true),
    )?;
    let area = root.clone().shrink((0, top), (style::WIDTH, p.height()));
    let rows_h = f64::from(p.rows_height());
    let range = scale.axis_range();
    let mut chart = ChartBuilder::on(&area)
        .margin_top(style::PANEL_HEADER)
        .margin_left(style::MARGIN)
        .margin_right(style::MARGIN)
        .margin_bottom(style::MARGIN)
        .x_label_area_size(style::X_LABEL_AREA)
        .y_label_area_size(label_area)
        .build_cartesian_2d(scale.coord(), Ticked::new(0.0..rows_h, Vec::new()))?;
    let x_desc = if scale.log {
        "MLUP/s (million lattice updates per second, log scale)"
    } else {
        "MLUP/s (million lattice updates per second)"
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .bold_line_style(style::GRID)
        .axis_style(style::RULE)
        .x_label_formatter(&|a| scale.label(*a))
        .x_label_style(font(style::LABEL_SIZE, style::INK, super::TOP, false))
        .x_desc(x_desc)
        .axis_desc_style(font(style::AXIS_TITLE_SIZE, style::INK, super::CENTRE, false))
        .draw()?;

    let x0 = range.start;
    let label = font(style::LABEL_SIZE, style::INK, RIGHT, false);
    let group = font(style::LABEL_SIZE, style::INK, LEFT, true);
    let annotation = font(style::ANNOTATION_SIZE, style::INK, LEFT, false);
    let failed_text = font(style::ANNOTATION_SIZE, style::FAILED_TEXT, LEFT, true);
    let mut t = 0.0; // distance from the top of the rows, pixels
    for (k, row) in p.rows.iter().enumerate() {
        let h = f64::from(row.height());
        let (y_top, y_mid) = (rows_h - t, rows_h - t - h / 2.0);
        match row {
            Row::Group(scheme) => {
                let (_, py) = chart.backend_coord(&(x0, y_mid));
                text(root, scheme.as_str(), (m + 2, py + 2), &group)?;
                if k > 0 {
                    let right = chart.backend_coord(&(range.end, y_top)).0;
                    let (_, ty) = chart.backend_coord(&(x0, y_top));
                    root.draw(&PathElement::new(
                        vec![(m, ty), (right, ty)],
                        style::RULE.stroke_width(1),
                    ))?;
                }
            }
            Row::Kernel(r) => {
                let half = h * style::BAR_FILL / 2.0;
                let (px, py) = chart.backend_coord(&(x0, y_mid));
                let name = super::fit(&r.kernel, label_area - 16, style::LABEL_SIZE);
                text(root, &name, (px - 8, py), &label)?;
                match outcome(r) {
                    Outcome::Timed(mlups) => {
                        let x1 = scale.pos(mlups).max(x0);
                        chart.draw_series(std::iter::once(Rectangle::new(
                            [(x0, y_mid + half), (x1, y_mid - half)],
                            style::language_colour(&r.language).filled(),
                        )))?;
                        let end = chart.backend_coord(&(x1, y_mid)).0;
                        text(root, &end_label(r), (end + 5, py), &annotation)?;
                    }
                    other => {
                        let (_, ya) = chart.backend_coord(&(x0, y_mid + half));
                        let (_, yb) = chart.backend_coord(&(x0, y_mid - half));
                        let x1 = px + style::FAILED_STUB as i32;
                        super::hatched(
                            root,
                            (px + 1, ya),
                            (x1, yb),
                            style::FAILED_FILL,
                            style::FAILED_INK,
                        )?;
                        let style = if other == Outcome::Failed {
                            &failed_text
                        } else {
                            &annotation
                        };
                        text(root, &end_label(r), (x1 + 5, py), style)?;
                    }
                }
            }
        }
        t += h;
    }
    Ok(())
}
