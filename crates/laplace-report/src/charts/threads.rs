//! `threads.svg`: MLUP/s against threads for every parallel kernel swept
//! with `shootout run --thread-sweep`, with dashed ideal-linear-scaling
//! lines from each kernel's fewest-threads point.

use plotters::prelude::*;

use super::{Chart, Drawn, Scale, Swatch, Ticked, axes, heading, legend_height, marker};
use crate::model::{ReportData, Run, cpu_text, join_and, thousands};
use crate::{ReportError, style};

/// The threads chart.
pub(crate) struct Threads;

const FILE: &str = "threads.svg";

/// One kernel's sweep.
#[derive(Debug, Clone)]
struct Series {
    name: String,
    language: String,
    /// `(threads, MLUP/s)` by growing threads, usable values only.
    points: Vec<(f64, f64)>,
}

impl Series {
    /// MLUP/s at the most threads over MLUP/s at the fewest.
    fn speedup(&self) -> Option<(f64, f64)> {
        let (first, last) = (self.points.first()?, self.points.last()?);
        Some((last.1 / first.1, last.0))
    }

    /// The legend text: the name, then the speed-up at the most threads
    /// (`name: 3.1x at 16`) if there are several points.
    fn legend(&self) -> String {
        match self.speedup() {
            Some((s, t)) if self.points.len() > 1 => format!(
                "{}: {}x at {}",
                self.name,
                crate::model::sig(s, 2),
                t as usize
            ),
            _ => self.name.clone(),
        }
    }
}

fn collect(runs: &[&Run]) -> Vec<Series> {
    let mut machines: Vec<(&str, &str)> = runs
        .iter()
        .map(|r| {
            (
                r.doc.provenance.host.as_str(),
                r.doc.provenance.cpu.as_str(),
            )
        })
        .collect();
    machines.sort_unstable();
    machines.dedup();
    let many = runs.len() > 1;
    // Runs of several machines are told apart by host when that names each
    // run, else by CPU (hosts of cloud machines are often all alike), else
    // by their label.
    let distinct = |f: &dyn Fn(&Run) -> String| {
        let mut v: Vec<String> = runs.iter().map(|r| f(r)).collect();
        v.sort_unstable();
        v.dedup();
        v.len() == runs.len()
    };
    let host = |run: &Run| run.doc.provenance.host.clone();
    let cpu = |run: &Run| cpu_text(&run.doc.provenance);
    let label = |run: &Run| {
        if machines.len() > 1 && distinct(&host) {
            host(run)
        } else if machines.len() > 1 && distinct(&cpu) {
            cpu(run)
        } else {
            run.label.clone()
        }
    };
    let mut out: Vec<Series> = Vec::new();
    for run in runs {
        for r in run
            .doc
            .results
            .iter()
            .filter(|r| !r.thread_scaling.is_empty())
        {
            let mut points: Vec<(f64, f64)> = r
                .thread_scaling
                .iter()
                .filter(|p| p.threads > 0 && p.mlups.is_finite() && p.mlups > 0.0)
                .map(|p| (p.threads as f64, p.mlups))
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            points.dedup_by(|a, b| a.0 == b.0);
            if points.is_empty() {
                continue;
            }
            let name = if many {
                format!("{} ({})", r.kernel, label(run))
            } else {
                r.kernel.clone()
            };
            out.push(Series {
                name,
                language: r.language.clone(),
                points,
            });
        }
    }
    out.sort_by(|a, b| {
        (style::language_order(&a.language), &a.name)
            .cmp(&(style::language_order(&b.language), &b.name))
    });
    out
}

/// Thread counts to mark: 1, then multiples of a power-of-two step, at
/// most about nine.
fn thread_ticks(max: f64) -> Vec<f64> {
    let max = max.max(1.0) as u64;
    let mut step = 1u64;
    while max / step > 8 {
        step *= 2;
    }
    let mut ticks = vec![1.0];
    ticks.extend(
        (1..=max / step)
            .map(|k| (k * step) as f64)
            .filter(|t| *t > 1.0),
    );
    ticks
}

impl Chart for Threads {
    fn file_name(&self) -> &'static str {
        FILE
    }

    fn title(&self) -> &'static str {
        "Speed against threads"
    }

    fn render(&self, data: &ReportData) -> Result<Drawn, ReportError> {
        let runs: Vec<&Run> = data
            .runs
            .iter()
            .filter(|r| r.doc.results.iter().any(|k| !k.thread_scaling.is_empty()))
            .collect();
        let series = collect(&runs);
        if series.is_empty() {
            return Ok(Drawn::Skipped(
                "Not drawn: no kernel has a thread sweep (`thread_scaling`; run `shootout run \
                 --thread-sweep` with `--threads` above 1)."
                    .into(),
            ));
        }
        let svg = draw(&series)?;
        let hosts: Vec<String> = runs.iter().map(|r| r.label.clone()).collect();
        let caption = format!(
            "MLUP/s at the best time against threads for each of the {} parallel kernels swept with \
             `--thread-sweep` (on {}), with a dashed line of ideal linear scaling from each kernel's \
             fewest-threads point; the legend gives each kernel's speed-up at its most threads.",
            series.len(),
            join_and(&hosts)
        );
        Ok(Drawn::Svg { svg, caption })
    }
}

fn draw(series: &[Series]) -> Result<String, ReportError> {
    let max_threads = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .fold(1.0, f64::max);
    let pad = (0.04 * (max_threads - 1.0)).max(0.25);
    let x_range = (1.0 - pad)..(max_threads + pad);
    let ticks = thread_ticks(max_threads);
    // The measured points set the axis; the ideal lines are shown in full
    // while they stay within twice the fastest point, and cut at the top
    // beyond.
    let measured = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max)
        .max(1e-9);
    let ideal = series
        .iter()
        .map(|s| s.points[0].1 / s.points[0].0 * max_threads)
        .fold(0.0, f64::max);
    let y = Scale {
        log: false,
        lo: 0.0,
        hi: measured.max(ideal.min(2.0 * measured)),
    }
    .with_headroom(0.08);

    // The shared legend, above the plot: one entry per kernel, shaded and
    // marked as its line, then the ideal line.
    let mut legend: Vec<(Swatch, String)> = Vec::new();
    let mut colours: Vec<(usize, RGBColor)> = Vec::new();
    for (k, s) in series.iter().enumerate() {
        let within = if k > 0 && series[k - 1].language == s.language {
            colours[k - 1].0 + 1
        } else {
            0
        };
        let colour = style::shade(style::language_colour(&s.language), within);
        colours.push((within, colour));
        legend.push((Swatch::LineMarker(within, colour), s.legend()));
    }
    legend.push((Swatch::Dashed(style::MUTED), "ideal linear scaling".into()));
    let legend_w = style::WIDTH - 2 * style::MARGIN;
    let legend_h = legend_height(&legend, legend_w);
    let top = style::MARGIN + style::TITLE_BAND + legend_h + 6;
    let plot_h = style::PLOT_HEIGHT + style::X_LABEL_AREA;
    let height = top + plot_h + style::MARGIN;

    super::svg(FILE, (style::WIDTH, height), |root| {
        heading(
            root,
            (
                "Speed against threads",
                "MLUP/s of each parallel kernel at 1, 2, ... threads; dashed: ideal linear scaling.",
            ),
            &legend,
        )?;
        let area = root.clone().shrink((0, top), (style::WIDTH, plot_h));
        let mut chart = axes(
            &area,
            (Ticked::new(x_range.clone(), ticks.clone()), y.coord()),
            (&|a| thousands(a.round().max(0.0) as usize), &|a| y.label(*a)),
            ("threads", "MLUP/s"),
        )?;

        let y_top = y.axis_range().end;
        for (s, (shape, colour)) in series.iter().zip(colours) {
            // Ideal scaling from the fewest-threads point, cut at the top of
            // the plot.
            let (t0, m0) = s.points[0];
            let slope = m0 / t0;
            let t_end = max_threads.min(y_top / slope);
            if t_end > t0 {
                super::dashed(
                    root,
                    chart.backend_coord(&(t0, m0)),
                    chart.backend_coord(&(t_end, slope * t_end)),
                    colour.mix(0.85).stroke_width(2),
                )?;
            }
            chart.draw_series(LineSeries::new(
                s.points.iter().copied(),
                colour.stroke_width(style::LINE_WIDTH),
            ))?;
            for p in &s.points {
                marker(root, shape, chart.backend_coord(p), colour)?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_ticks_stay_few_and_whole() {
        assert_eq!(thread_ticks(2.0), [1.0, 2.0]);
        assert_eq!(
            thread_ticks(16.0),
            [1.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0]
        );
        let t = thread_ticks(128.0);
        assert!(
            t.len() <= 10 && t[0] == 1.0 && t.last() == Some(&128.0),
            "{t:?}"
        );
    }
}
