//! Drawing primitives shared by the charts: fonts and anchors, text, the
//! title band, hatching, markers and dashed lines, all in pixels.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Area, DrawResult};
use crate::style;

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

/// The title band and, under it, the legend across the chart's width.
pub(crate) fn heading(
    area: &Area<'_>,
    (title_text, subtitle): (&str, &str),
    legend: &[(super::Swatch, String)],
) -> DrawResult {
    title(area, title_text, subtitle)?;
    super::legend_row(
        area,
        legend,
        (
            style::MARGIN as i32,
            (style::MARGIN + style::TITLE_BAND) as i32,
        ),
        style::WIDTH - 2 * style::MARGIN,
    )
    .map(|_| ())
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
