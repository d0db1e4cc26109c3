//! `machines.svg`: every kernel on every machine, as its speed relative to
//! `c/array` on the same machine, so that machines of very different speed
//! compare: one row per kernel (grouped by scheme), one marker per results
//! document, a dashed line at 1.
//!
//! Drawn only when the documents come from at least two machines (told
//! apart by CPU signature, or by CPU model and host where it is not
//! recorded) and every document timed `c/array` (else the baseline kernel
//! they all name and timed; the axis title says which).

use plotters::prelude::*;

use super::{Chart, DrawResult, Drawn, LEFT, RIGHT, Scale, Swatch, Ticked, font, marker, text};
use crate::model::{Comparison, ReportData, fmt_relative, join_and, kernels_across};
use crate::{ReportError, style};

/// The machines chart.
pub(crate) struct Machines;

const FILE: &str = "machines.svg";

/// Most documents whose figures are also printed at the end of each row;
/// with more, the markers alone are drawn.
const MAX_VALUE_COLUMNS: usize = 4;

/// A row of the chart.
enum Row {
    /// A scheme's header.
    Group(String),
    /// A kernel: its name and its relative speed on each run, if it has one.
    Kernel(String, Vec<Option<f64>>),
}

impl Row {
    fn height(&self) -> u32 {
        match self {
            Row::Group(_) => style::GROUP_ROW,
            Row::Kernel(..) => style::MACHINE_ROW,
        }
    }
}

impl Chart for Machines {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn title(&self) -> &'static str {
        "Kernels across machines"
    }

    fn render(&self, data: &ReportData) -> Result<Drawn, ReportError> {
        let cmp = match Comparison::of(data) {
            Ok(c) => c,
            Err(reason) => return Ok(Drawn::Skipped(format!("Not drawn: {reason}"))),
        };
        let mut rows = Vec::new();
        for (scheme, names) in kernels_across(&data.runs) {
            rows.push(Row::Group(scheme.to_string()));
            for name in names {
                let values = (0..cmp.runs.len())
                    .map(|k| cmp.relative(k, &name))
                    .collect();
                rows.push(Row::Kernel(name, values));
            }
        }
        let svg = draw(&cmp, &rows)?;
        let kernels = rows.iter().filter(|r| matches!(r, Row::Kernel(..))).count();
        let docs = if cmp.runs.len() == cmp.machines {
            format!("{} machines", cmp.machines)
        } else {
            format!(
                "{} results documents from {} machines",
                cmp.runs.len(),
                cmp.machines
            )
        };
        let caption = format!(
            "Each of the {kernels} kernels' MLUP/s divided by `{r}`'s MLUP/s on the same machine, \
             one marker per results document ({docs}: {}); right of the dashed line at 1 a kernel \
             beats `{r}` on that machine. A kernel that failed, could not run or was not timed on \
             a machine has no marker there.",
            join_and(&cmp.labels),
            r = cmp.reference
        );
        Ok(Drawn::Svg { svg, caption })
    }
}

/// Vertical offset of run `k` of `n` within a row, pixels.
fn spread(k: usize, n: usize) -> i32 {
    if n < 2 {
        return 0;
    }
    let step = f64::from(style::MACHINE_SPREAD) / (n - 1) as f64;
    ((k as f64 - (n - 1) as f64 / 2.0) * step).round() as i32
}

fn draw(cmp: &Comparison<'_>, rows: &[Row]) -> Result<String, ReportError> {
    let n = cmp.runs.len();
    let values = || {
        rows.iter().flat_map(|r| match r {
            Row::Kernel(_, v) => v.clone(),
            Row::Group(_) => Vec::new(),
        })
    };
    let scale = Scale::for_values(values().flatten().chain([1.0]))
        .unwrap_or(Scale {
            log: false,
            lo: 0.0,
            hi: 1.0,
        })
        .with_headroom(0.04);

    let label_w = rows
        .iter()
        .filter_map(|r| match r {
            Row::Kernel(name, _) => Some(style::text_width(name, style::LABEL_SIZE)),
            Row::Group(_) => None,
        })
        .max()
        .unwrap_or(0)
        .clamp(90, style::MAX_LABEL_COLUMN);
    let label_area = label_w + 16;
    // Figures at the end of each row, one column per run.
    let value_w = if n <= MAX_VALUE_COLUMNS {
        values()
            .map(|v| style::text_width(&fmt_relative(v), style::ANNOTATION_SIZE))
            .max()
            .unwrap_or(0)
            + 10
    } else {
        0
    };
    // No figures where they would crowd out the chart (absurd figures from
    // a hand-edited document are wide even in exponent notation).
    let value_w = if value_w.saturating_mul(n as u32) <= style::WIDTH / 3 {
        value_w
    } else {
        0
    };
    let values_area = value_w * n as u32;

    let legend: Vec<(Swatch, String)> = cmp
        .labels
        .iter()
        .enumerate()
        .map(|(k, l)| (Swatch::Marker(k, style::machine_colour(k)), l.clone()))
        .collect();
    let legend_w = style::WIDTH - 2 * style::MARGIN;
    let legend_h = super::legend_height(&legend, legend_w);
    let top = style::MARGIN + style::TITLE_BAND + legend_h + 6;
    let rows_h: u32 = rows.iter().map(Row::height).sum();
    let head = style::LEGEND_ROW; // the reference line's label
    let plot_h = head + rows_h + style::X_LABEL_AREA + style::MARGIN;
    let height = top + plot_h + style::MARGIN;
    let x_desc = format!(
        "MLUP/s / {}'s MLUP/s on the same machine{}",
        cmp.reference,
        if scale.log { " (log scale)" } else { "" }
    );
    let title = format!("Speed relative to {} on each machine", cmp.reference);
    let subtitle = format!(
        "One row per kernel, one marker per machine; right of the dashed line: faster than {}.",
        cmp.reference
    );

    super::svg(FILE, (style::WIDTH, height), |root| {
        super::title(root, &title, &subtitle)?;
        let m = style::MARGIN as i32;
        super::legend_row(
            root,
            &legend,
            (m, (style::MARGIN + style::TITLE_BAND) as i32),
            legend_w,
        )?;
        let area = root
            .clone()
            .shrink((0, top), (style::WIDTH - values_area, plot_h));
        let rows_f = f64::from(rows_h);
        let mut chart = ChartBuilder::on(&area)
            .margin_top(head)
            .margin_left(style::MARGIN)
            .margin_right(style::MARGIN)
            .margin_bottom(style::MARGIN)
            .x_label_area_size(style::X_LABEL_AREA)
            .y_label_area_size(label_area)
            .build_cartesian_2d(scale.coord(), Ticked::new(0.0..rows_f, Vec::new()))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .bold_line_style(style::GRID)
            .axis_style(style::RULE)
            .x_label_formatter(&|a| scale.label(*a))
            .x_label_style(font(style::LABEL_SIZE, style::INK, super::TOP, false))
            .x_desc(x_desc.as_str())
            .axis_desc_style(font(
                style::AXIS_TITLE_SIZE,
                style::INK,
                super::CENTRE,
                false,
            ))
            .draw()?;

        // The reference line at 1, labelled above the rows.
        let one = scale.pos(1.0);
        let (x1, y_top) = chart.backend_coord(&(one, rows_f));
        let (_, y_bottom) = chart.backend_coord(&(one, 0.0));
        super::dashed(
            root,
            (x1, y_top - 4),
            (x1, y_bottom),
            style::RULE.stroke_width(2),
        )?;
        text(
            root,
            &format!("1 = {}", cmp.reference),
            (x1, y_top - head as i32 / 2),
            &font(style::ANNOTATION_SIZE, style::MUTED, super::CENTRE, false),
        )?;

        let values_x = (style::WIDTH - values_area) as i32;
        // Each figure column headed by its machine's marker.
        if value_w > 0 {
            for k in 0..n {
                // Over the middle of a typical right-aligned figure.
                let typical = style::text_width("0.00x", style::ANNOTATION_SIZE) / 2;
                let x = values_x + ((k as u32 + 1) * value_w - typical) as i32 - 4;
                marker(
                    root,
                    k,
                    (x, y_top - head as i32 / 2),
                    style::machine_colour(k),
                )?;
            }
        }
        draw_rows(root, &chart, rows, &scale, label_area, (values_x, value_w))
    })
}

/// The rows: group headers with a rule, kernel labels, each kernel's range
/// across machines, its markers and (if there is room) its figures.
fn draw_rows(
    root: &super::Area<'_>,
    chart: &ChartContext<'_, SVGBackend<'_>, Cartesian2d<Ticked, Ticked>>,
    rows: &[Row],
    scale: &Scale,
    label_area: u32,
    (values_x, value_w): (i32, u32),
) -> DrawResult {
    let m = style::MARGIN as i32;
    let range = scale.axis_range();
    let x0 = range.start;
    let rows_h: f64 = rows.iter().map(|r| f64::from(r.height())).sum();
    let label = font(style::LABEL_SIZE, style::INK, RIGHT, false);
    let group = font(style::LABEL_SIZE, style::INK, LEFT, true);
    let mut t = 0.0;
    for (i, row) in rows.iter().enumerate() {
        let h = f64::from(row.height());
        let (y_top, y_mid) = (rows_h - t, rows_h - t - h / 2.0);
        let (px, py) = chart.backend_coord(&(x0, y_mid));
        match row {
            Row::Group(name) => {
                text(root, name, (m + 2, py + 2), &group)?;
                if i > 0 {
                    let (_, ty) = chart.backend_coord(&(x0, y_top));
                    let right = chart.backend_coord(&(range.end, y_top)).0;
                    root.draw(&PathElement::new(
                        vec![(m, ty), (right, ty)],
                        style::RULE.stroke_width(1),
                    ))?;
                }
            }
            Row::Kernel(name, values) => {
                let name = super::fit(name, label_area - 16, style::LABEL_SIZE);
                text(root, &name, (px - 8, py), &label)?;
                let xs: Vec<(usize, i32)> = values
                    .iter()
                    .enumerate()
                    .filter_map(|(k, v)| {
                        let v = (*v)?;
                        Some((k, chart.backend_coord(&(scale.pos(v), y_mid)).0))
                    })
                    .collect();
                if xs.len() > 1 {
                    let lo = xs.iter().map(|p| p.1).min().unwrap_or(px);
                    let hi = xs.iter().map(|p| p.1).max().unwrap_or(px);
                    root.draw(&PathElement::new(
                        vec![(lo, py), (hi, py)],
                        style::MACHINE_RANGE_INK.stroke_width(2),
                    ))?;
                }
                let n = values.len();
                for (k, x) in &xs {
                    marker(
                        root,
                        *k,
                        (*x, py + spread(*k, n)),
                        style::machine_colour(*k),
                    )?;
                }
                if value_w > 0 {
                    for (k, v) in values.iter().enumerate() {
                        let (s, ink) = match v {
                            Some(v) => (fmt_relative(Some(*v)), style::machine_colour(k)),
                            None => ("-".to_string(), style::MUTED),
                        };
                        let x = values_x + ((k as u32 + 1) * value_w) as i32 - 4;
                        text(
                            root,
                            &s,
                            (x, py),
                            &font(style::ANNOTATION_SIZE, ink, RIGHT, false),
                        )?;
                    }
                }
            }
        }
        t += h;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixture::{data, doc};

    fn amd() -> laplace_core::results::ResultsDoc {
        doc(
            "box",
            "AMD EPYC 9B45",
            Some(("AuthenticAMD", 26, 2, 1)),
            &[
                ("c/array", Some(6000.0)),
                ("rust/array", Some(6900.0)),
                ("c/loop", Some(230.0)),
                ("python/loop", Some(2.0)),
                ("rust/array-simd", None),
            ],
        )
    }

    fn intel() -> laplace_core::results::ResultsDoc {
        doc(
            "box",
            "Intel Xeon Processor",
            Some(("GenuineIntel", 6, 143, 8)),
            &[
                ("c/array", Some(1600.0)),
                ("rust/array", Some(1500.0)),
                ("c/loop", Some(170.0)),
                ("rust/array-avx512", Some(3000.0)),
            ],
        )
    }

    /// The text of every `<text>` element of a drawn chart.
    fn texts(d: Drawn) -> Vec<String> {
        let svg = match d {
            Drawn::Svg { svg, .. } => svg,
            Drawn::Skipped(why) => panic!("skipped: {why}"),
        };
        let xml = roxmltree::Document::parse(&svg).expect("SVG is XML");
        xml.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| {
                n.descendants()
                    .filter(|d| d.is_text())
                    .filter_map(|d| d.text())
                    .collect::<String>()
            })
            .map(|t| t.trim().to_string())
            .collect()
    }

    fn has(texts: &[String], s: &str) -> bool {
        texts.iter().any(|t| t == s)
    }

    #[test]
    fn two_machines_one_row_per_kernel_and_a_legend_naming_each() {
        let t = texts(Machines.render(&data(vec![amd(), intel()])).unwrap());
        assert!(has(&t, "AMD EPYC 9B45 (AMD 26/2/1), 2026-01-02"), "{t:?}");
        assert!(has(&t, "Intel Xeon Processor (Intel 6/143/8), 2026-01-02"));
        for k in ["c/array", "rust/array", "c/loop", "python/loop", "rust/array-avx512"] {
            assert_eq!(t.iter().filter(|s| *s == k).count(), 1, "one row for {k}");
        }
        // The figures at the end of the rows: 6900 / 6000 and 1500 / 1600.
        assert!(has(&t, "1.15x") && has(&t, "0.94x"), "{t:?}");
        assert!(has(&t, "1 = c/array"));
        assert!(t.iter().any(|s| s.contains("log scale")), "python/loop spans decades");
        assert!(t.iter().all(|s| !s.ends_with('…')), "nothing cut: {t:?}");
    }

    #[test]
    fn failed_kernels_get_no_marker() {
        let cmp_data = data(vec![amd(), intel()]);
        let cmp = Comparison::of(&cmp_data).unwrap();
        assert_eq!(cmp.relative(0, "rust/array-simd"), None);
        assert_eq!(cmp.relative(1, "rust/array-simd"), None);
        assert_eq!(cmp.relative(0, "c/array"), Some(1.0));
    }

    #[test]
    fn skipped_for_one_machine_or_without_a_reference() {
        let one = Machines.render(&data(vec![amd(), amd()])).unwrap();
        assert!(
            matches!(&one, Drawn::Skipped(why) if why.contains("one machine")),
            "{one:?}"
        );
        let mut no_ref = intel();
        no_ref.results.retain(|r| r.kernel != "c/array");
        no_ref.baseline = None;
        let d = Machines.render(&data(vec![amd(), no_ref])).unwrap();
        assert!(
            matches!(&d, Drawn::Skipped(why) if why.contains("`c/array` has no time on")),
            "{d:?}"
        );
    }

    #[test]
    fn falls_back_to_a_shared_baseline() {
        let (mut a, mut b) = (amd(), intel());
        b.results.retain(|r| r.kernel != "c/array");
        a.baseline = Some("c/loop".into());
        b.baseline = Some("c/loop".into());
        let t = texts(Machines.render(&data(vec![a, b])).unwrap());
        assert!(t.iter().any(|s| s.starts_with("MLUP/s / c/loop's MLUP/s")), "{t:?}");
        assert!(has(&t, "1 = c/loop"));
    }

    #[test]
    fn machines_without_signature_are_told_apart_by_cpu_and_host() {
        let (mut a, mut b) = (amd(), amd());
        a.provenance.cpu_signature = None;
        b.provenance.cpu_signature = None;
        b.provenance.host = "other".into();
        let t = texts(Machines.render(&data(vec![a, b])).unwrap());
        assert!(has(&t, "AMD EPYC 9B45, 2026-01-02, host box"), "{t:?}");
        assert!(has(&t, "AMD EPYC 9B45, 2026-01-02, host other"));
    }

    #[test]
    fn spread_is_centred() {
        assert_eq!(spread(0, 1), 0);
        assert_eq!(spread(0, 2) + spread(1, 2), 0);
        assert!(spread(0, 3) < 0 && spread(1, 3) == 0 && spread(2, 3) > 0);
    }
}
