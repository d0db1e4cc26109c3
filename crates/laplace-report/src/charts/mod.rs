//! The charts, one file each, and what they share.
//!
//! A chart is a type implementing [`Chart`]; the [`charts!`] line at the
//! bottom declares its module and lists it, in report order. Adding a chart
//! is one file plus one entry there.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::ReportError;
use crate::model::{ReportData, sig};
use crate::style;

/// A drawing area of the SVG backend, in pixels.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
/// What plotters' drawing calls return.
pub(crate) type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// One chart of the report.
pub(crate) trait Chart: Sync {
    /// File name in the output folder, e.g. `speed.svg`.
    fn file_name(&self) -> &'static str;
    /// Short title: the image's alt text in the Markdown report.
    fn title(&self) -> &'static str;
    /// Draws the chart from the loaded data, or says why it cannot.
    fn render(&self, data: &ReportData) -> Result<Drawn, ReportError>;
}

/// A chart's result.
#[derive(Debug, Clone)]
pub(crate) enum Drawn {
    /// The SVG text, and one sentence for under the image.
    Svg {
        /// The whole SVG document.
        svg: String,
        /// What the chart shows, one sentence.
        caption: String,
    },
    /// The chart was not drawn, for this reason (one sentence).
    Skipped(String),
}

/// Declares each chart's module and lists the charts in report order.
macro_rules! charts {
    ($($module:ident :: $chart:ident),* $(,)?) => {
        $(pub(crate) mod $module;)*
        /// Every chart, in report order.
        pub(crate) static ALL: &[&dyn Chart] = &[$(&$module::$chart),*];
    };
}

charts![
    speed::Speed,
    machines::Machines,
    roofline::Roofline,
    threads::Threads,
    scaling::Scaling,
    time_to_solution::TimeToSolution,
    convergence::Convergence,
    solution::Solution,
];

/// The horizontal bar layout of the bar charts (not a chart itself).
pub(crate) mod bars;

/// Draws an SVG of `size` pixels on a white background with `draw`.
pub(crate) fn svg(
    chart: &'static str,
    size: (u32, u32),
    draw: impl for<'a> FnOnce(&Area<'a>) -> DrawResult,
) -> Result<String, ReportError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&style::BACKGROUND)
            .and_then(|()| draw(&root))
            .and_then(|()| root.present())
            .map_err(|e| ReportError::Draw {
                chart,
                message: e.to_string(),
            })?;
    }
    Ok(out)
}

/// A text style: plotters font size `size`, `colour`, anchored at `pos`.
pub(crate) fn font(size: f64, colour: RGBColor, pos: Pos, bold: bool) -> TextStyle<'static> {
    let weight = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(style::FONT.into(), size, weight)
        .color(&colour)
        .pos(pos)
}

/// Anchor at the left edge, vertically centred.
pub(crate) const LEFT: Pos = Pos {
    h_pos: HPos::Left,
    v_pos: VPos::Center,
};
/// Anchor at the right edge, vertically centred.
pub(crate) const RIGHT: Pos = Pos {
    h_pos: HPos::Right,
    v_pos: VPos::Center,
};
/// Anchor at the centre.
pub(crate) const CENTRE: Pos = Pos {
    h_pos: HPos::Center,
    v_pos: VPos::Center,
};
/// Anchor at the top centre (x tick labels).
pub(crate) const TOP: Pos = Pos {
    h_pos: HPos::Center,
    v_pos: VPos::Top,
};

/// Draws `text` at pixel `at` of `area`.
pub(crate) fn text(area: &Area<'_>, s: &str, at: (i32, i32), style: &TextStyle<'_>) -> DrawResult {
    area.draw(&Text::new(s.to_string(), at, style.clone()))
}

/// `s` cut with an ellipsis so that it fits in `max_px` at font `size`.
pub(crate) fn fit(s: &str, max_px: u32, size: f64) -> String {
    if style::text_width(s, size) <= max_px {
        return s.to_string();
    }
    let mut out: String = s.to_string();
    while !out.is_empty() && style::text_width(&out, size) + style::text_width("…", size) > max_px
    {
        out.pop();
    }
    out.push('…');
    out
}

/// The title and subtitle at the top of a chart.
pub(crate) fn title(area: &Area<'_>, title: &str, subtitle: &str) -> DrawResult {
    let m = style::MARGIN as i32;
    let width = style::WIDTH - 2 * style::MARGIN;
    text(
        area,
        &fit(title, width, style::TITLE_SIZE),
        (m, m + 14),
        &font(style::TITLE_SIZE, style::INK, LEFT, true),
    )?;
    text(
        area,
        &fit(subtitle, width, style::SUBTITLE_SIZE),
        (m, m + 42),
        &font(style::SUBTITLE_SIZE, style::MUTED, LEFT, false),
    )
}

/// A rectangle filled with `fill` and hatched with diagonal lines of `ink`,
/// in pixels (failed kernels).
pub(crate) fn hatched(
    area: &Area<'_>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    fill: RGBColor,
    ink: RGBColor,
) -> DrawResult {
    let (x0, x1) = (x0.min(x1), x0.max(x1));
    let (y0, y1) = (y0.min(y1), y0.max(y1));
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()))?;
    hatch(area, (x0, y0), (x1, y1), ink, style::HATCH_STEP, true)?;
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], ink.stroke_width(1)))
}

/// Diagonal lines of `ink` every `step` pixels across a rectangle, in
/// pixels: rising to the right (`/`) or, if not `rising`, falling (`\`).
pub(crate) fn hatch(
    area: &Area<'_>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    ink: RGBColor,
    step: i32,
    rising: bool,
) -> DrawResult {
    let (x0, x1) = (x0.min(x1), x0.max(x1));
    let (y0, y1) = (y0.min(y1), y0.max(y1));
    let step = step.max(2);
    if rising {
        // Lines x + y = s, clipped to the rectangle.
        let mut s = x0 + y0 + step;
        while s < x1 + y1 {
            let xa = x0.max(s - y1);
            let xb = x1.min(s - y0);
            if xa < xb {
                area.draw(&PathElement::new(
                    vec![(xa, s - xa), (xb, s - xb)],
                    ink.stroke_width(1),
                ))?;
            }
            s += step;
        }
    } else {
        // Lines x - y = s, clipped to the rectangle.
        let mut s = x0 - y1 + step;
        while s < x1 - y0 {
            let xa = x0.max(s + y0);
            let xb = x1.min(s + y1);
            if xa < xb {
                area.draw(&PathElement::new(
                    vec![(xa, xa - s), (xb, xb - s)],
                    ink.stroke_width(1),
                ))?;
            }
            s += step;
        }
    }
    Ok(())
}

/// Marks a bar drawn at pixels `(x0, y0)`-`(x1, y1)` as a fast-math variant
/// (see [`style::FAST_MATH_INK`]).
pub(crate) fn fast_math_mark(area: &Area<'_>, from: (i32, i32), to: (i32, i32)) -> DrawResult {
    hatch(
        area,
        from,
        to,
        style::FAST_MATH_INK,
        style::FAST_MATH_STEP,
        false,
    )
}

/// Draws the `k`-th marker shape at pixel `at`.
pub(crate) fn marker(root: &Area<'_>, k: usize, at: (i32, i32), colour: RGBColor) -> DrawResult {
    let r = style::MARKER as i32;
    let (x, y) = at;
    match k % 5 {
        0 => root.draw(&Circle::new(at, r, colour.filled())),
        1 => root.draw(&Polygon::new(
            vec![(x, y - r - 2), (x - r - 1, y + r), (x + r + 1, y + r)],
            colour.filled(),
        )),
        2 => root.draw(&Rectangle::new(
            [(x - r, y - r), (x + r, y + r)],
            colour.filled(),
        )),
        3 => root.draw(&Cross::new(at, r + 1, colour.stroke_width(2))),
        _ => root.draw(&Circle::new(at, r + 1, colour.stroke_width(2))),
    }
}

/// A legend swatch.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A filled square.
    Solid(RGBColor),
    /// A hatched square (failed kernels).
    Hatched,
    /// A short thick line (a data series).
    Line(RGBColor),
    /// A square with the fast-math mark.
    FastMath,
    /// An outlined box ending in a tick (a kernel's bound).
    Bound,
    /// The `k`-th [`marker`] shape in a colour (a machine).
    Marker(usize, RGBColor),
}

/// Height of the legend rows that [`legend_row`] draws for `entries` in `width`.
pub(crate) fn legend_height(entries: &[(Swatch, String)], width: u32) -> u32 {
    let (mut x, mut rows) = (0u32, 1u32);
    for (swatch, name) in entries {
        let w = entry_width(*swatch, name);
        if x > 0 && x + w > width {
            x = 0;
            rows += 1;
        }
        x += w;
    }
    rows * style::LEGEND_ROW
}

fn swatch_width(swatch: Swatch) -> u32 {
    match swatch {
        Swatch::Line(_) | Swatch::Bound => 2 * style::SWATCH,
        _ => style::SWATCH,
    }
}

fn entry_width(swatch: Swatch, name: &str) -> u32 {
    swatch_width(swatch) + 6 + style::text_width(name, style::LABEL_SIZE) + 22
}

/// Draws legend entries left to right from `(x, y)`, wrapping within `width`.
/// Returns the height used.
pub(crate) fn legend_row(
    area: &Area<'_>,
    entries: &[(Swatch, String)],
    (x, y): (i32, i32),
    width: u32,
) -> Result<u32, DrawingAreaErrorKind<std::io::Error>> {
    let sw = style::SWATCH as i32;
    let row = style::LEGEND_ROW as i32;
    let (mut cx, mut cy) = (x, y);
    let label = font(style::LABEL_SIZE, style::INK, LEFT, false);
    for (swatch, name) in entries {
        let w = entry_width(*swatch, name) as i32;
        if cx > x && cx + w > x + width as i32 {
            cx = x;
            cy += row;
        }
        let top = cy + (row - sw) / 2;
        match swatch {
            Swatch::Solid(c) => area.draw(&Rectangle::new(
                [(cx, top), (cx + sw, top + sw)],
                c.filled(),
            ))?,
            Swatch::Hatched => hatched(
                area,
                (cx, top),
                (cx + sw, top + sw),
                style::FAILED_FILL,
                style::FAILED_INK,
            )?,
            Swatch::Line(c) => area.draw(&PathElement::new(
                vec![(cx, cy + row / 2), (cx + 2 * sw, cy + row / 2)],
                c.stroke_width(3),
            ))?,
            Swatch::FastMath => {
                area.draw(&Rectangle::new(
                    [(cx, top), (cx + sw, top + sw)],
                    style::FAST_MATH_SWATCH.filled(),
                ))?;
                fast_math_mark(area, (cx, top), (cx + sw, top + sw))?;
            }
            Swatch::Bound => {
                let (x1, bar) = (cx + 2 * sw - 3, sw / 4);
                area.draw(&Rectangle::new(
                    [(cx, top + bar), (x1, top + sw - bar)],
                    style::MUTED.stroke_width(1),
                ))?;
                area.draw(&PathElement::new(
                    vec![(x1, top - 1), (x1, top + sw + 1)],
                    style::BOUND_INK.stroke_width(style::BOUND_TICK),
                ))?;
            }
            Swatch::Marker(k, c) => marker(area, *k, (cx + sw / 2, cy + row / 2), *c)?,
        }
        let sw_w = swatch_width(*swatch) as i32;
        text(area, name, (cx + sw_w + 6, cy + row / 2), &label)?;
        cx += w;
    }
    Ok((cy - y + row) as u32)
}

/// A dashed straight line from `from` to `to`, in pixels.
pub(crate) fn dashed(
    area: &Area<'_>,
    from: (i32, i32),
    to: (i32, i32),
    stroke: ShapeStyle,
) -> DrawResult {
    let (dx, dy) = (f64::from(to.0 - from.0), f64::from(to.1 - from.1));
    let len = dx.hypot(dy);
    if !(len.is_finite() && len > 0.0) {
        return Ok(());
    }
    let (dash, gap) = (f64::from(style::DASH), f64::from(style::DASH_GAP));
    let at = |t: f64| {
        (
            from.0 + (dx * t / len).round() as i32,
            from.1 + (dy * t / len).round() as i32,
        )
    };
    let mut t = 0.0;
    while t < len {
        let end = (t + dash).min(len);
        area.draw(&PathElement::new(vec![at(t), at(end)], stroke))?;
        t = end + gap;
    }
    Ok(())
}

/// How a value axis maps data to the page: linear, or log10 when the values
/// span more than [`Scale::LOG_SPAN`].
///
/// Charts draw in "axis space" (the value, or its log10) on a linear plotters
/// coordinate, with tick positions chosen here, so linear and log axes share
/// one code path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scale {
    /// Logarithmic.
    pub log: bool,
    /// Lower end, data units (positive when `log`).
    pub lo: f64,
    /// Upper end, data units.
    pub hi: f64,
}

impl Scale {
    /// Values spanning more than this factor get a log axis: on a linear axis
    /// the slowest would shrink to a few pixels.
    pub const LOG_SPAN: f64 = 20.0;

    /// An axis for positive finite `values`: linear from zero when they span
    /// at most [`Self::LOG_SPAN`], log otherwise, always from a power of ten
    /// at least a factor 2 under the smallest value. `None` without values.
    pub fn for_values(values: impl IntoIterator<Item = f64>) -> Option<Scale> {
        let (mut min, mut max) = (f64::INFINITY, 0.0f64);
        for v in values {
            if v.is_finite() && v > 0.0 {
                min = min.min(v);
                max = max.max(v);
            }
        }
        if max <= 0.0 {
            return None;
        }
        if max / min <= Self::LOG_SPAN {
            return Some(Scale {
                log: false,
                lo: 0.0,
                hi: max,
            });
        }
        Some(Scale {
            log: true,
            lo: 10f64.powf((min / 2.0).log10().floor()),
            hi: max,
        })
    }

    /// A log axis over `[lo, hi]` (both positive).
    pub fn log(lo: f64, hi: f64) -> Scale {
        Scale { log: true, lo, hi }
    }

    /// A log axis for positive finite `values`, whatever their span, from a
    /// power of ten at least a factor 2 under the smallest. `None` without values.
    pub fn log_for_values(values: impl IntoIterator<Item = f64>) -> Option<Scale> {
        let (mut min, mut max) = (f64::INFINITY, 0.0f64);
        for v in values {
            if v.is_finite() && v > 0.0 {
                min = min.min(v);
                max = max.max(v);
            }
        }
        (max > 0.0).then(|| Scale::log(10f64.powf((min / 2.0).log10().floor()), max))
    }

    /// Data value to axis space.
    pub fn pos(&self, v: f64) -> f64 {
        if self.log {
            v.max(f64::MIN_POSITIVE).log10()
        } else {
            v
        }
    }

    /// Axis space to data value.
    pub fn value(&self, a: f64) -> f64 {
        if self.log { 10f64.powf(a) } else { a }
    }

    /// The axis range, in axis space; never empty.
    pub fn axis_range(&self) -> std::ops::Range<f64> {
        let (a, b) = (self.pos(self.lo), self.pos(self.hi));
        if b > a { a..b } else { a..a + 1.0 }
    }

    /// Grows the upper end so that the current range takes `1 - frac` of the
    /// axis, leaving `frac` free (for labels past the largest value).
    pub fn with_headroom(self, frac: f64) -> Scale {
        let frac = frac.clamp(0.0, 0.8);
        let r = self.axis_range();
        let hi = self.value(r.start + (r.end - r.start) / (1.0 - frac));
        if hi.is_finite() {
            Scale { hi, ..self }
        } else {
            self
        }
    }

    /// Tick positions in axis space: 1-2-5 steps on a linear axis; powers of
    /// ten (every other one past ten decades) or 1-2-5 per decade on a log axis.
    pub fn ticks(&self) -> Vec<f64> {
        let r = self.axis_range();
        if !(r.start.is_finite() && r.end.is_finite()) {
            return Vec::new();
        }
        if !self.log {
            let step = nice_step((r.end - r.start) / 6.0);
            let first = (r.start / step).ceil() as i64;
            let last = (r.end / step + 1e-9).floor() as i64;
            return (first..=last).take(100).map(|k| k as f64 * step).collect();
        }
        let decades = r.end - r.start;
        let (first, last) = (r.start.floor() as i32, r.end.ceil() as i32);
        let mantissas: &[f64] = if decades > 3.5 {
            &[1.0]
        } else if decades > 1.2 {
            &[1.0, 2.0, 5.0]
        } else {
            &[1.0, 2.0, 3.0, 5.0, 7.0]
        };
        // Every decade up to ten, then at most about ten ticks.
        let every = if decades > 10.0 {
            ((decades / 10.0).ceil() as i32).max(2)
        } else {
            1
        };
        let mut out = Vec::new();
        for e in first..=last {
            if e.rem_euclid(every) != 0 {
                continue;
            }
            for m in mantissas {
                let a = (m * 10f64.powi(e)).log10();
                if a >= r.start - 1e-9 && a <= r.end + 1e-9 {
                    out.push(a);
                }
            }
        }
        out
    }

    /// A plotters coordinate over the axis range with this scale's ticks.
    pub fn coord(&self) -> Ticked {
        Ticked::new(self.axis_range(), self.ticks())
    }

    /// A tick label for axis position `a`.
    pub fn label(&self, a: f64) -> String {
        compact(self.value(a))
    }
}

/// A linear plotters coordinate whose tick marks are given, not computed.
#[derive(Debug, Clone)]
pub(crate) struct Ticked {
    range: std::ops::Range<f64>,
    ticks: Vec<f64>,
}

impl Ticked {
    /// `range` (not empty) with marks at `ticks`.
    pub fn new(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Self {
        Ticked { range, ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        if !(span.is_finite() && span > 0.0) {
            return (limit.0 + limit.1) / 2;
        }
        let t = (v - self.range.start) / span;
        // `as` saturates, so wild values land outside the area, never panic.
        limit
            .0
            .saturating_add((t * f64::from(limit.1 - limit.0)).round() as i32)
    }

    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * p)
}

/// A short number for tick labels: `0.5`, `20`, `1,500`, `10,000`, `16M`, `1e-6`.
pub(crate) fn compact(v: f64) -> String {
    let trim = |s: String| {
        if s.contains('.') && !s.contains('e') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 1e6 {
        format!("{}M", trim(sig(v / 1e6, 3)))
    } else if a >= 1e3 && (v - v.round()).abs() <= 1e-9 * a {
        let digits = crate::model::thousands(a.round() as usize);
        if v < 0.0 {
            format!("-{digits}")
        } else {
            digits
        }
    } else if a >= 1e-3 {
        trim(sig(v, 3))
    } else {
        let e = a.log10().floor();
        let m = v / 10f64.powf(e);
        if (m.round() - m).abs() < 1e-6 {
            format!("{}e{}", m.round(), e)
        } else {
            format!("{m:.1}e{e}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_spans_are_linear_from_zero() {
        let s = Scale::for_values([100.0, 900.0]).unwrap();
        assert!(!s.log);
        assert_eq!(s.lo, 0.0);
        let t = s.ticks();
        assert_eq!(t.first(), Some(&0.0));
        assert!(t.len() >= 4 && t.len() <= 10, "{t:?}");
    }

    #[test]
    fn wide_spans_are_log_from_a_power_of_ten() {
        let s = Scale::for_values([0.8, 50.0, 3000.0]).unwrap();
        assert!(s.log);
        assert_eq!(s.lo, 0.1);
        let labels: Vec<String> = s.ticks().iter().map(|a| s.label(*a)).collect();
        assert_eq!(labels, ["0.1", "1", "10", "100", "1,000"]);
    }

    #[test]
    fn no_positive_values_no_scale() {
        assert_eq!(Scale::for_values([0.0, -1.0, f64::NAN]), None);
    }

    #[test]
    fn headroom_grows_the_top_only() {
        let s = Scale::for_values([10.0, 100.0]).unwrap().with_headroom(0.5);
        assert_eq!(s.lo, 0.0);
        assert!((s.hi - 200.0).abs() < 1e-9);
    }

    #[test]
    fn huge_spans_stay_bounded() {
        let s = Scale::for_values([1e-300, 1e300])
            .unwrap()
            .with_headroom(0.5);
        assert!(s.hi.is_finite());
        assert!(s.ticks().len() <= 12, "{:?}", s.ticks());
        let inf = Scale {
            log: false,
            lo: 0.0,
            hi: f64::INFINITY,
        };
        assert!(inf.ticks().is_empty());
    }

    #[test]
    fn compact_labels() {
        assert_eq!(compact(10_000.0), "10,000");
        assert_eq!(compact(5000.0), "5,000");
        assert_eq!(compact(16_000_000.0), "16M");
        assert_eq!(compact(0.5), "0.5");
        assert_eq!(compact(200.0), "200");
        assert_eq!(compact(1e-6), "1e-6");
        // Log ticks are computed, so "whole" thousands are a rounding off.
        assert_eq!(compact(10f64.powf(2000f64.log10())), "2,000");
    }

    #[test]
    fn forced_log_axes_start_at_a_power_of_ten() {
        let s = Scale::log_for_values([0.0014, 0.4]).unwrap();
        assert!(s.log);
        assert!((s.lo - 1e-4).abs() < 1e-12, "{s:?}");
        assert_eq!(Scale::log_for_values([f64::NAN]), None);
    }
}
