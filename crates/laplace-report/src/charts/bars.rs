//! The horizontal bar layout of `speed.svg`, `roofline.svg` and
//! `time-to-solution.svg`: a kernel label column, one bar per kernel in its
//! language's colour (hatched white for fast-math variants), groups with a
//! header row, hatched stubs for kernels without a value, and one panel per
//! results document.

use laplace_core::results::KernelResult;
use plotters::prelude::*;

use super::{Area, DrawResult, LEFT, RIGHT, Scale, Swatch, Ticked, font, text};
use crate::ReportError;
use crate::model::{Outcome, Run, fast_math, machine_text, outcome, problem_text};
use crate::style;

/// A bar chart, ready to draw.
pub(crate) struct BarChart {
    /// Title at the top.
    pub title: String,
    /// One line under the title.
    pub subtitle: String,
    /// The x axis title; say "log scale" if the scale is log.
    pub x_desc: String,
    /// The value axis, covering every value and bound (headroom for the
    /// labels past the bars is added here).
    pub scale: Scale,
    /// Legend entries under the subtitle.
    pub legend: Vec<(Swatch, String)>,
    /// Top to bottom.
    pub panels: Vec<Panel>,
}

/// One results document's bars.
pub(crate) struct Panel {
    /// Bold line above the bars.
    pub header: String,
    /// A smaller line under the header, if any.
    pub note: Option<String>,
    /// Top to bottom.
    pub rows: Vec<Row>,
}

/// A row of a panel.
pub(crate) enum Row {
    /// A group's header, in bold across the panel.
    Group(String),
    /// A kernel.
    Bar(Bar),
}

/// One kernel's bar.
pub(crate) struct Bar {
    /// The kernel label, right-aligned before the bar.
    pub label: String,
    /// Fill colour.
    pub colour: RGBColor,
    /// Drawn with the fast-math mark.
    pub fast_math: bool,
    /// What is drawn.
    pub value: Value,
    /// The text past the bar (or past its bound, if further right).
    pub end: String,
}

/// What a bar shows.
pub(crate) enum Value {
    /// A bar from the axis to `value`, and an outline to `bound` ending in a
    /// tick, if any.
    Bar {
        /// Data units of the scale.
        value: f64,
        /// Data units of the scale.
        bound: Option<f64>,
    },
    /// A hatched grey stub: no value. `failed` prints the end text in bold red.
    Stub {
        /// Whether the kernel failed (rather than having no figure).
        failed: bool,
    },
}

impl Bar {
    /// A kernel's bar in its language's colour, fast-math marked.
    pub fn of(r: &KernelResult, value: Value, end: String) -> Bar {
        Bar {
            label: if r.extrapolated() {
                format!("{} (extrapolated)", r.kernel)
            } else {
                r.kernel.clone()
            },
            colour: style::language_colour(&r.language),
            fast_math: fast_math(r),
            value,
            end,
        }
    }

    /// A stub for a kernel without a value: `FAILED` if it failed, else
    /// `missing`.
    pub fn stub(r: &KernelResult, missing: &str) -> Bar {
        let failed = outcome(r) == Outcome::Failed;
        let end = if failed { "FAILED" } else { missing };
        Bar::of(r, Value::Stub { failed }, end.to_string())
    }
}

impl Row {
    fn height(&self) -> u32 {
        match self {
            Row::Group(_) => style::GROUP_ROW,
            Row::Bar(_) => style::BAR_ROW,
        }
    }
}

impl Panel {
    fn rows_height(&self) -> u32 {
        self.rows.iter().map(Row::height).sum()
    }

    fn head(&self) -> u32 {
        style::PANEL_HEADER + self.note.as_ref().map_or(0, |_| style::PANEL_NOTE)
    }

    fn height(&self) -> u32 {
        self.head() + self.rows_height() + style::X_LABEL_AREA + style::MARGIN
    }
}

/// `host: CPU, N logical cores`, and the problem if `show_problem`.
pub(crate) fn panel_header(run: &Run, show_problem: bool) -> String {
    let p = &run.doc.provenance;
    let mut header = format!("{}, {} logical cores", machine_text(p), p.logical_cores);
    if show_problem {
        header = format!("{header}; {}", problem_text(&run.doc.problem));
    }
    header
}

/// Languages of `results` (in palette order), then the fast-math swatch and
/// the stub swatch (labelled `stub`) where needed.
pub(crate) fn legend<'a>(
    results: impl IntoIterator<Item = &'a KernelResult>,
    has_stub: impl Fn(&KernelResult) -> bool,
    stub: &str,
) -> Vec<(Swatch, String)> {
    let mut langs: Vec<&str> = Vec::new();
    let (mut fast, mut stubs) = (false, false);
    for r in results {
        if !langs.contains(&r.language.as_str()) {
            langs.push(&r.language);
        }
        fast |= fast_math(r) && !has_stub(r);
        stubs |= has_stub(r);
    }
    langs.sort_by_key(|l| style::language_order(l));
    let mut out: Vec<(Swatch, String)> = langs
        .into_iter()
        .map(|l| (Swatch::Solid(style::language_colour(l)), l.to_string()))
        .collect();
    if fast {
        out.push((Swatch::FastMath, style::FAST_MATH_LABEL.into()));
    }
    if stubs {
        out.push((Swatch::Hatched, stub.into()));
    }
    out
}

/// The panels' label column width: the widest kernel label, within limits.
fn label_column(panels: &[Panel]) -> u32 {
    panels
        .iter()
        .flat_map(|p| &p.rows)
        .filter_map(|r| match r {
            Row::Bar(b) => Some(style::text_width(&b.label, style::LABEL_SIZE)),
            Row::Group(_) => None,
        })
        .max()
        .unwrap_or(0)
        .clamp(90, style::MAX_LABEL_COLUMN)
}

impl BarChart {
    /// Draws the chart as the SVG `file`.
    pub fn draw(&self, file: &'static str) -> Result<String, ReportError> {
        let label_area = label_column(&self.panels) + 16;
        let plot_w = style::WIDTH - 2 * style::MARGIN - label_area;
        let end_w = self
            .panels
            .iter()
            .flat_map(|p| &p.rows)
            .filter_map(|r| match r {
                Row::Bar(b) if matches!(b.value, Value::Bar { .. }) => {
                    Some(style::text_width(&b.end, style::ANNOTATION_SIZE))
                }
                _ => None,
            })
            .max()
            .unwrap_or(0)
            + 12;
        let scale = self
            .scale
            .with_headroom(f64::from(end_w) / f64::from(plot_w.max(1)));

        let legend_w = style::WIDTH - 2 * style::MARGIN;
        let legend_h = super::legend_height(&self.legend, legend_w);
        let top = style::MARGIN + style::TITLE_BAND + legend_h + 6;
        let height = top + self.panels.iter().map(Panel::height).sum::<u32>() + style::MARGIN;

        super::svg(file, (style::WIDTH, height), |root| {
            super::title(root, &self.title, &self.subtitle)?;
            let m = style::MARGIN as i32;
            super::legend_row(
                root,
                &self.legend,
                (m, (style::MARGIN + style::TITLE_BAND) as i32),
                legend_w,
            )?;
            let mut y = top;
            for p in &self.panels {
                draw_panel(root, p, y, label_area, &scale, &self.x_desc)?;
                y += p.height();
            }
            Ok(())
        })
    }
}

fn draw_panel(
    root: &Area<'_>,
    p: &Panel,
    top: u32,
    label_area: u32,
    scale: &Scale,
    x_desc: &str,
) -> DrawResult {
    let m = style::MARGIN as i32;
    let width = style::WIDTH - 2 * style::MARGIN;
    text(
        root,
        &super::fit(&p.header, width, style::SUBTITLE_SIZE),
        (m, (top + style::PANEL_HEADER / 2) as i32),
        &font(style::SUBTITLE_SIZE, style::INK, LEFT, true),
    )?;
    if let Some(note) = &p.note {
        text(
            root,
            &super::fit(note, width, style::ANNOTATION_SIZE),
            (
                m,
                (top + style::PANEL_HEADER + style::PANEL_NOTE / 2) as i32 - 6,
            ),
            &font(style::ANNOTATION_SIZE, style::MUTED, LEFT, false),
        )?;
    }
    let area = root.clone().shrink((0, top), (style::WIDTH, p.height()));
    let rows_h = f64::from(p.rows_height());
    let range = scale.axis_range();
    let mut chart = ChartBuilder::on(&area)
        .margin_top(p.head())
        .margin_left(style::MARGIN)
        .margin_right(style::MARGIN)
        .margin_bottom(style::MARGIN)
        .x_label_area_size(style::X_LABEL_AREA)
        .y_label_area_size(label_area)
        .build_cartesian_2d(scale.coord(), Ticked::new(0.0..rows_h, Vec::new()))?;

    // Tick labels that would run past the page's right edge are left out
    // (their grid line stays).
    let labels: Vec<(f64, String)> = scale
        .ticks()
        .into_iter()
        .map(|a| {
            let label = scale.label(a);
            let right = chart.backend_coord(&(a, 0.0)).0
                + (style::text_width(&label, style::LABEL_SIZE) / 2) as i32;
            let keep = right <= style::WIDTH as i32 - 2;
            (a, if keep { label } else { String::new() })
        })
        .collect();
    let label_of = |a: &f64| {
        labels
            .iter()
            .find(|t| (t.0 - a).abs() < 1e-9)
            .map_or_else(|| scale.label(*a), |t| t.1.clone())
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .bold_line_style(style::GRID)
        .axis_style(style::RULE)
        .x_label_formatter(&label_of)
        .x_label_style(font(style::LABEL_SIZE, style::INK, super::TOP, false))
        .x_desc(x_desc)
        .axis_desc_style(font(
            style::AXIS_TITLE_SIZE,
            style::INK,
            super::CENTRE,
            false,
        ))
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
            Row::Group(name) => {
                let (_, py) = chart.backend_coord(&(x0, y_mid));
                let name = super::fit(name, width, style::LABEL_SIZE);
                text(root, &name, (m + 2, py + 2), &group)?;
                if k > 0 {
                    let right = chart.backend_coord(&(range.end, y_top)).0;
                    let (_, ty) = chart.backend_coord(&(x0, y_top));
                    root.draw(&PathElement::new(
                        vec![(m, ty), (right, ty)],
                        style::RULE.stroke_width(1),
                    ))?;
                }
            }
            Row::Bar(b) => {
                let half = h * style::BAR_FILL / 2.0;
                let (px, py) = chart.backend_coord(&(x0, y_mid));
                let name = super::fit(&b.label, label_area - 16, style::LABEL_SIZE);
                text(root, &name, (px - 8, py), &label)?;
                let (_, ya) = chart.backend_coord(&(x0, y_mid + half));
                let (_, yb) = chart.backend_coord(&(x0, y_mid - half));
                match b.value {
                    Value::Bar { value, bound } => {
                        let x1 = scale.pos(value).max(x0);
                        let mut end = chart.backend_coord(&(x1, y_mid)).0;
                        // The bound's outline first, so the bar covers it.
                        if let Some(bound) = bound.filter(|b| b.is_finite() && *b > 0.0) {
                            let xb = chart.backend_coord(&(scale.pos(bound).max(x0), y_mid)).0;
                            root.draw(&Rectangle::new(
                                [(px, ya), (xb, yb)],
                                b.colour.stroke_width(1),
                            ))?;
                        }
                        root.draw(&Rectangle::new([(px, ya), (end, yb)], b.colour.filled()))?;
                        if b.fast_math {
                            super::fast_math_mark(root, (px, ya), (end, yb))?;
                        }
                        if let Some(bound) = bound.filter(|b| b.is_finite() && *b > 0.0) {
                            let xb = chart.backend_coord(&(scale.pos(bound).max(x0), y_mid)).0;
                            root.draw(&PathElement::new(
                                vec![(xb, ya - 3), (xb, yb + 3)],
                                style::BOUND_INK.stroke_width(style::BOUND_TICK),
                            ))?;
                            end = end.max(xb + 1);
                        }
                        text(root, &b.end, (end + 5, py), &annotation)?;
                    }
                    Value::Stub { failed } => {
                        let x1 = px + style::FAILED_STUB as i32;
                        super::hatched(
                            root,
                            (px + 1, ya),
                            (x1, yb),
                            style::FAILED_FILL,
                            style::FAILED_INK,
                        )?;
                        let style = if failed { &failed_text } else { &annotation };
                        text(root, &b.end, (x1 + 5, py), style)?;
                    }
                }
            }
        }
        t += h;
    }
    Ok(())
}
