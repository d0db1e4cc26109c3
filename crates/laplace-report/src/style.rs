//! Every size, font and colour of the charts, in one place.
//!
//! Sizes are SVG pixels. Font sizes are in plotters' units: its SVG backend
//! writes `font-size = size / 1.24`, so 16 here is about 13 px on the page.
//! Text is written as SVG `<text>` with a generic family; the viewer picks the
//! font, so widths here are estimates with a safety margin.

use plotters::style::RGBColor;

/// Width of every chart; charts are laid out to read well at this width.
pub const WIDTH: u32 = 800;

/// Generic font family; no font file is needed at build or run time.
pub const FONT: &str = "sans-serif";
/// Chart title.
pub const TITLE_SIZE: f64 = 24.0;
/// Subtitle under the title, panel headers.
pub const SUBTITLE_SIZE: f64 = 17.0;
/// Axis titles.
pub const AXIS_TITLE_SIZE: f64 = 17.0;
/// Tick labels, kernel labels, legend entries.
pub const LABEL_SIZE: f64 = 16.0;
/// Values printed at the end of bars, small annotations.
pub const ANNOTATION_SIZE: f64 = 15.0;

/// Average glyph width as a fraction of the rendered font size, rounded up
/// for wide sans-serif fonts (DejaVu Sans averages about 0.6).
const GLYPH_WIDTH_EM: f64 = 0.62;

/// Estimated width in pixels of `text` at plotters font size `size`.
pub fn text_width(text: &str, size: f64) -> u32 {
    (text.chars().count() as f64 * size / 1.24 * GLYPH_WIDTH_EM).ceil() as u32
}

/// Outer margin of every chart.
pub const MARGIN: u32 = 12;
/// Height of the title band (title and subtitle).
pub const TITLE_BAND: u32 = 62;
/// Height of a legend row.
pub const LEGEND_ROW: u32 = 24;
/// Side of a legend swatch.
pub const SWATCH: u32 = 14;
/// Height of the x label area (ticks and axis title).
pub const X_LABEL_AREA: u32 = 52;
/// Width of the y label area of value axes (ticks and axis title).
pub const Y_LABEL_AREA: u32 = 74;

/// Widest kernel label column of the speed chart; longer names are cut.
pub const MAX_LABEL_COLUMN: u32 = 300;
/// Height of one bar row in the speed chart.
pub const BAR_ROW: u32 = 24;
/// Fraction of a bar row the bar fills.
pub const BAR_FILL: f64 = 0.68;
/// Height of a scheme header row in the speed chart.
pub const GROUP_ROW: u32 = 26;
/// Height of a machine header in the speed chart.
pub const PANEL_HEADER: u32 = 34;
/// Width of the hatched stub that marks a failed kernel.
pub const FAILED_STUB: u32 = 56;
/// Spacing of the hatch lines.
pub const HATCH_STEP: i32 = 6;
/// Height of the note line under a panel header (the roofline's probe figures).
pub const PANEL_NOTE: u32 = 22;

/// Fast-math variants (a kernel named `*fastmath*` or built with
/// `-ffast-math`) keep their language colour, hatched with lines of this
/// colour falling to the right; failed kernels' grey stubs are hatched the
/// other way.
pub const FAST_MATH_INK: RGBColor = RGBColor(255, 255, 255);
/// Spacing of the fast-math hatch lines.
pub const FAST_MATH_STEP: i32 = 5;
/// Fill of the fast-math legend swatch (language-neutral).
pub const FAST_MATH_SWATCH: RGBColor = RGBColor(120, 120, 120);
/// The fast-math legend entry.
pub const FAST_MATH_LABEL: &str = "fast-math (hatched)";

/// The tick at a kernel's bound in the roofline chart.
pub const BOUND_INK: RGBColor = RGBColor(33, 33, 33);
/// Width of the bound tick.
pub const BOUND_TICK: u32 = 3;

/// Dash length of reference lines.
pub const DASH: u32 = 6;
/// Gap between dashes of reference lines.
pub const DASH_GAP: u32 = 5;

/// Height of the line charts' plotting area.
pub const PLOT_HEIGHT: u32 = 420;
/// Width of the legend column beside the scaling and threads charts.
pub const LEGEND_COLUMN: u32 = 210;
/// Line width of data series.
pub const LINE_WIDTH: u32 = 2;
/// Line width of an emphasised series (the best kernel of a language in a
/// scaling panel).
pub const EMPHASIS_LINE_WIDTH: u32 = 3;
/// Line width of a de-emphasised series.
pub const FAINT_LINE_WIDTH: u32 = 1;
/// How much of its language colour a de-emphasised series keeps, mixed
/// into the background (0 = invisible, 1 = full colour).
pub const FAINT_MIX: f64 = 0.35;
/// Text of a de-emphasised series' label.
pub const FAINT_TEXT: RGBColor = RGBColor(125, 125, 125);

/// `colour` faded towards the background (see [`FAINT_MIX`]).
pub fn faint(colour: RGBColor) -> RGBColor {
    let mix = |c: u8, b: u8| {
        (f64::from(b) + (f64::from(c) - f64::from(b)) * FAINT_MIX)
            .round()
            .clamp(0.0, 255.0) as u8
    };
    RGBColor(
        mix(colour.0, BACKGROUND.0),
        mix(colour.1, BACKGROUND.1),
        mix(colour.2, BACKGROUND.2),
    )
}

/// Width of the column of the effort chart's labels that do not fit beside
/// their point.
pub const EFFORT_LABEL_COLUMN: u32 = 250;

/// Height of the plotting area of one scaling panel (it grows when the
/// panel has more end labels than fit).
pub const SCALING_PANEL_PLOT: u32 = 230;
/// Font size of the names at the right-hand ends of lines.
pub const END_LABEL_SIZE: f64 = 15.0;
/// Vertical spacing of the names at the right-hand ends of lines.
pub const END_LABEL_ROW: u32 = 15;
/// Widest column of names right of a scaling panel; longer names are cut.
pub const END_LABEL_COLUMN: u32 = 280;
/// Height of the x tick labels of a panel without an axis title.
pub const TICK_AREA: u32 = 30;
/// Radius of series markers.
pub const MARKER: u32 = 4;

/// Largest number of heatmap cells drawn along either side.
pub const HEATMAP_MAX_CELLS: usize = 100;
/// The heatmap SVG is redrawn with fewer cells while larger than this.
pub const HEATMAP_MAX_BYTES: usize = 450_000;
/// Colour levels of the heatmap; neighbouring cells of one level are drawn
/// as one rectangle, which keeps the SVG small.
pub const HEATMAP_LEVELS: usize = 64;
/// Side of the heatmap's plotting area.
pub const HEATMAP_SIDE: u32 = 500;
/// Width of the colour bar.
pub const COLOUR_BAR: u32 = 22;

/// Page background.
pub const BACKGROUND: RGBColor = RGBColor(255, 255, 255);
/// Text.
pub const INK: RGBColor = RGBColor(33, 33, 33);
/// Secondary text.
pub const MUTED: RGBColor = RGBColor(97, 97, 97);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(224, 224, 224);
/// Group separators and reference lines.
pub const RULE: RGBColor = RGBColor(150, 150, 150);
/// Fill of a failed kernel's stub.
pub const FAILED_FILL: RGBColor = RGBColor(215, 215, 215);
/// Hatching and label of a failed kernel.
pub const FAILED_INK: RGBColor = RGBColor(120, 120, 120);
/// Text of the FAILED label.
pub const FAILED_TEXT: RGBColor = RGBColor(183, 28, 28);

/// Language colours (Okabe-Ito, distinguishable with colour-vision deficiency).
const LANGUAGES: [(&str, RGBColor); 5] = [
    ("rust", RGBColor(213, 94, 0)),
    ("c", RGBColor(0, 114, 178)),
    ("cpp", RGBColor(204, 121, 167)),
    ("fortran", RGBColor(0, 158, 115)),
    ("python", RGBColor(230, 159, 0)),
];

/// Colours for languages not listed above (a new kernel language gets one
/// before anyone lists it), picked by a stable hash of the name: the same
/// language has the same colour in every chart and every run. None is a
/// listed language's colour.
const FALLBACK: [RGBColor; 4] = [
    RGBColor(86, 180, 233),
    RGBColor(140, 110, 60),
    RGBColor(120, 80, 160),
    RGBColor(80, 80, 80),
];

/// The colour of a language in every chart.
pub fn language_colour(language: &str) -> RGBColor {
    if let Some((_, c)) = LANGUAGES.iter().find(|(l, _)| *l == language) {
        return *c;
    }
    let hash = language.bytes().fold(0usize, |h, b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    });
    FALLBACK[hash % FALLBACK.len()]
}

/// Languages in legend order: the known ones first, then the rest by name.
pub fn language_order(language: &str) -> (usize, &str) {
    let known = LANGUAGES.iter().position(|(l, _)| *l == language);
    (known.unwrap_or(LANGUAGES.len()), language)
}

/// The `k`-th shade of a language colour, for telling apart the kernels of
/// one language in line charts: the base colour, then darker and lighter.
pub fn shade(base: RGBColor, k: usize) -> RGBColor {
    const MIX: [f64; 5] = [0.0, -0.35, 0.35, -0.6, 0.55];
    let t = MIX[k % MIX.len()];
    let mix = |c: u8| {
        let c = f64::from(c);
        let v = if t < 0.0 {
            c * (1.0 + t)
        } else {
            c + (255.0 - c) * t
        };
        v.round().clamp(0.0, 255.0) as u8
    };
    RGBColor(mix(base.0), mix(base.1), mix(base.2))
}

/// Scheme colours, by position in [`laplace_core::Scheme::ALL`]; kept apart
/// from the language colours.
const SCHEMES: [RGBColor; 5] = [
    RGBColor(117, 72, 160),
    RGBColor(27, 120, 55),
    RGBColor(166, 54, 3),
    RGBColor(33, 102, 172),
    RGBColor(190, 40, 120),
];

/// The colour of the `k`-th scheme.
pub fn scheme_colour(k: usize) -> RGBColor {
    SCHEMES[k % SCHEMES.len()]
}

/// Machine colours of the machines chart, by position among the results
/// documents (Okabe-Ito, in an order whose neighbours differ most); each
/// machine also gets its own marker shape.
const MACHINES: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
];

/// The colour of the `k`-th machine in the machines chart.
pub fn machine_colour(k: usize) -> RGBColor {
    MACHINES[k % MACHINES.len()]
}

/// Height of one kernel row in the machines chart.
pub const MACHINE_ROW: u32 = 24;
/// Largest vertical spread, in pixels, of one row's markers in the machines
/// chart: markers of different machines are set apart a little so that equal
/// values stay visible.
pub const MACHINE_SPREAD: u32 = 12;
/// The line joining one kernel's slowest and fastest machine.
pub const MACHINE_RANGE_INK: RGBColor = RGBColor(189, 189, 189);

/// The mark shown instead of a kernel's percentage of its bound when it ran
/// faster than the bound allows (`bound_exceeded`): the bound's model is
/// wrong for that kernel on that CPU.
pub const ABOVE_BOUND: &str = "⚠ above bound";

/// Viridis at nine stops (public domain colour map), interpolated linearly.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
];

/// The heatmap colour of `t` in `[0, 1]` (clamped; NaN maps to 0).
pub fn heat(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let k = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - k as f64;
    let (a, b) = (VIRIDIS[k], VIRIDIS[k + 1]);
    let lerp = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
    RGBColor(lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_have_their_own_colour() {
        let cs: Vec<_> = ["rust", "c", "fortran", "python"]
            .iter()
            .map(|l| language_colour(l))
            .collect();
        for (i, a) in cs.iter().enumerate() {
            for b in &cs[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(language_colour("julia"), language_colour("julia"));
    }

    #[test]
    fn every_language_gets_a_colour_no_two_known_alike() {
        let known: Vec<RGBColor> = LANGUAGES.iter().map(|(l, _)| language_colour(l)).collect();
        for (i, a) in known.iter().enumerate() {
            assert!(known[i + 1..].iter().all(|b| a != b), "{a:?}");
        }
        assert_eq!(language_colour("cpp"), RGBColor(204, 121, 167));
        for unknown in ["js", "julia", "go", "zig", ""] {
            let c = language_colour(unknown);
            assert_eq!(c, language_colour(unknown), "{unknown} is stable");
            assert!(FALLBACK.contains(&c) && !known.contains(&c), "{unknown}");
        }
        assert!(language_order("cpp") < language_order("fortran"));
        assert!(language_order("python") < language_order("js"));
    }

    #[test]
    fn faint_fades_towards_the_background() {
        assert_eq!(faint(BACKGROUND), BACKGROUND);
        let f = faint(RGBColor(0, 0, 0));
        assert!(f.0 > 150 && f.0 == f.1 && f.1 == f.2, "{f:?}");
    }

    #[test]
    fn heat_ends_are_viridis_ends() {
        assert_eq!(heat(0.0), RGBColor(68, 1, 84));
        assert_eq!(heat(1.0), RGBColor(253, 231, 37));
        assert_eq!(heat(f64::NAN), heat(0.0));
    }
}
