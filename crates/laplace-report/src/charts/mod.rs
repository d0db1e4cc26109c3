//! The charts, one file each, and what they share.
//!
//! A chart is a type implementing [`Chart`]; the [`charts!`] line below
//! declares its module and lists it, in report order. Adding a chart is one
//! file plus one entry there.
//!
//! What the charts share lives beside them: [`draw`] (fonts, text, hatching,
//! markers), [`legend`] (the one legend layout), [`axis`] (value scales and
//! ticks) and [`bars`] (the horizontal bar layout). Their items are
//! re-exported here, so a chart reaches them as `super::name`.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::ReportError;
use crate::model::ReportData;
use crate::style;

pub(crate) mod axis;
pub(crate) mod draw;
pub(crate) mod legend;

pub(crate) use axis::{Scale, Ticked, axes, compact};
pub(crate) use draw::{
    CENTRE, LEFT, RIGHT, TOP, dashed, fast_math_mark, fit, font, hatched, heading, marker, text,
    title,
};
pub(crate) use legend::{Swatch, legend_height, legend_row};

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
    ranks::Ranks,
    scaling::Scaling,
    time_to_solution::TimeToSolution,
    effort::Effort,
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
