//! Axis maths: linear or log value scales, their ticks and tick labels, and
//! a plotters coordinate with given ticks.

use plotters::prelude::*;

use super::{Area, CENTRE, font};
use crate::model::sig;
use crate::style;

/// The charts' Cartesian coordinates: two [`Ticked`] axes.
pub(crate) type Axes = Cartesian2d<Ticked, Ticked>;

/// A tick label for an axis position.
pub(crate) type TickLabel<'f> = &'f dyn Fn(&f64) -> String;

/// A chart's axes on `area` in the charts' one style (margins, label
/// areas, grid, rule, tick labels by `labels`, axis titles `descs`): the
/// plotters chart to draw data on.
pub(crate) fn axes<'a, 'b>(
    area: &'a Area<'b>,
    (x, y): (Ticked, Ticked),
    labels: (TickLabel<'_>, TickLabel<'_>),
    (x_desc, y_desc): (&str, &str),
) -> Result<ChartContext<'a, SVGBackend<'b>, Axes>, DrawingAreaErrorKind<std::io::Error>> {
    let mut chart = ChartBuilder::on(area)
        .margin(style::MARGIN)
        .x_label_area_size(style::X_LABEL_AREA)
        .y_label_area_size(style::Y_LABEL_AREA)
        .build_cartesian_2d(x, y)?;
    chart
        .configure_mesh()
        .bold_line_style(style::GRID)
        .axis_style(style::RULE)
        .x_label_formatter(labels.0)
        .y_label_formatter(labels.1)
        .label_style(font(style::LABEL_SIZE, style::INK, CENTRE, false))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(font(style::AXIS_TITLE_SIZE, style::INK, CENTRE, false))
        .draw()?;
    Ok(chart)
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
