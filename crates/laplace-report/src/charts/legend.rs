//! The one legend of the charts: swatches with a name, laid out left to
//! right and wrapped within a width; and, for charts that name their lines
//! where they end instead, the vertical spreading of those names.

use plotters::prelude::*;

use super::{Area, LEFT, dashed, fast_math_mark, font, hatched, marker, text};
use crate::style;

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
    /// A short line through the `k`-th [`marker`] shape (a series with
    /// markers at its points).
    LineMarker(usize, RGBColor),
    /// A short dashed line (a reference line).
    Dashed(RGBColor),
    /// A short thin line (a de-emphasised series).
    Faint(RGBColor),
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
        Swatch::Line(_) | Swatch::Bound | Swatch::LineMarker(..) | Swatch::Dashed(_) => {
            2 * style::SWATCH
        }
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
            Swatch::LineMarker(k, c) => {
                area.draw(&PathElement::new(
                    vec![(cx, cy + row / 2), (cx + 2 * sw, cy + row / 2)],
                    c.stroke_width(style::LINE_WIDTH),
                ))?;
                marker(area, *k, (cx + sw, cy + row / 2), *c)?;
            }
            Swatch::Faint(c) => area.draw(&PathElement::new(
                vec![(cx, cy + row / 2), (cx + 2 * sw, cy + row / 2)],
                c.stroke_width(style::FAINT_LINE_WIDTH),
            ))?,
            Swatch::Dashed(c) => dashed(
                area,
                (cx, cy + row / 2),
                (cx + 2 * sw, cy + row / 2),
                c.stroke_width(2),
            )?,
        }
        let sw_w = swatch_width(*swatch) as i32;
        text(area, name, (cx + sw_w + 6, cy + row / 2), &label)?;
        cx += w;
    }
    Ok((cy - y + row) as u32)
}

/// Positions for labels wanted at pixel rows `want` (any order), at least
/// `gap` apart and within `lo..=hi` where there is room, each moved as little
/// as the others allow: labels that would overlap are set as one block
/// centred on where they want to be. Returned in the order of `want`.
pub(crate) fn spread(want: &[i32], gap: i32, lo: i32, hi: i32) -> Vec<i32> {
    let mut order: Vec<usize> = (0..want.len()).collect();
    order.sort_by_key(|&i| (want[i], i));
    let gap = f64::from(gap.max(0));
    let (lo, hi) = (f64::from(lo), f64::from(hi.max(lo)));
    // Blocks of labels set `gap` apart: (first row, labels, sum of each
    // label's wanted row less its offset in the block).
    let mut blocks: Vec<(f64, usize, f64)> = Vec::new();
    let place = |n: usize, sum: f64| (sum / n as f64).min(hi - (n - 1) as f64 * gap).max(lo);
    for &i in &order {
        let w = f64::from(want[i]);
        blocks.push((place(1, w), 1, w));
        while blocks.len() > 1 {
            let (b, a) = (blocks[blocks.len() - 1], blocks[blocks.len() - 2]);
            if a.0 + a.1 as f64 * gap <= b.0 {
                break;
            }
            let (n, sum) = (a.1 + b.1, a.2 + b.2 - (b.1 * a.1) as f64 * gap);
            blocks.pop();
            *blocks.last_mut().expect("two blocks") = (place(n, sum), n, sum);
        }
    }
    let mut out = vec![0; want.len()];
    let mut k = 0;
    for (first, n, _) in blocks {
        for j in 0..n {
            out[order[k]] = (first + j as f64 * gap).round() as i32;
            k += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_apart_stay_put() {
        assert_eq!(spread(&[50, 10, 30], 14, 0, 100), [50, 10, 30]);
    }

    #[test]
    fn crowded_labels_centre_on_their_rows() {
        assert_eq!(spread(&[40, 40, 40], 10, 0, 100), [30, 40, 50]);
        // Order is kept, gaps are kept.
        let at = spread(&[41, 40, 45, 90], 10, 0, 100);
        assert_eq!(at, [42, 32, 52, 90]);
    }

    #[test]
    fn labels_stay_within_bounds() {
        assert_eq!(spread(&[98, 99, 100], 10, 0, 100), [80, 90, 100]);
        assert_eq!(spread(&[0, 1], 10, 5, 100), [5, 15]);
        assert!(spread(&[], 10, 0, 100).is_empty());
    }
}
