//! The shootout's report: SVG charts and a Markdown summary rendered from
//! results documents (`shootout run --json`) and criterion's output.
//!
//! ```no_run
//! use laplace_report::{Input, render};
//!
//! let input = Input::new(vec!["results.json".into()]);
//! let rendered = render(&input)?;
//! for file in &rendered.files {
//!     println!("wrote {}", file.display());
//! }
//! # Ok::<(), laplace_report::ReportError>(())
//! ```
//!
//! Charts are drawn with plotters' SVG backend alone: text is written as SVG
//! `<text>` elements in a generic `sans-serif` family, laid out with
//! plotters' built-in width estimate, so no font library or font file is
//! needed at build or run time. Every size, font and colour lives in
//! [`style`]; every chart is one file under `src/charts/` listed in one table.

pub mod atomic;
mod charts;
mod error;
pub mod format;
mod load;
mod markdown;
mod model;
mod mpi_model;
mod output;
pub mod post2011;
mod slow;
pub mod style;
pub mod table;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use charts::convergence::TOLERANCE as CONVERGENCE_TOLERANCE;
pub use error::ReportError;
pub use load::{BENCH_GROUP, BenchPoint, load_criterion, load_results};
pub use output::{Foreign, LOCK_WAIT, MARKER_FILE, OutputLock, check_out};

use charts::Drawn;
use model::{Criterion, ReportData};

/// Where `cargo bench` leaves criterion's data, relative to the workspace.
pub const DEFAULT_CRITERION_DIR: &str = "target/criterion";
/// Where the report goes by default, relative to the workspace: a folder
/// git ignores. The committed report in `reports/` is written only when
/// asked for by name (`--out reports`, as `cargo xtask reference` does).
pub const DEFAULT_OUT_DIR: &str = "target/shootout";
/// The Markdown report's file name in the output folder.
pub const REPORT_FILE: &str = "README.md";

/// What to render and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Results documents written by `shootout run --json`; at least one.
    /// Several documents from different machines are shown side by side.
    pub results: Vec<PathBuf>,
    /// Criterion's output folder for the scaling chart; `None` to not use
    /// criterion data. A folder that does not exist counts as no data.
    pub criterion: Option<PathBuf>,
    /// The output folder; created if needed, and replaced as a whole by
    /// the report ([`render_with`] says how).
    pub out: PathBuf,
}

impl Input {
    /// `results` with the default criterion and output folders.
    pub fn new(results: Vec<PathBuf>) -> Self {
        Input {
            results,
            criterion: Some(DEFAULT_CRITERION_DIR.into()),
            out: DEFAULT_OUT_DIR.into(),
        }
    }
}

/// What [`render`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Every file written, charts first, the Markdown report last.
    pub files: Vec<PathBuf>,
    /// One line per chart not drawn, saying why (also in the report).
    pub skipped: Vec<String>,
}

/// Loads every input, renders every chart and the Markdown report in
/// memory, then writes them into `input.out` as a whole: refusing a folder
/// that holds files the report did not write. [`render_with`] says how.
pub fn render(input: &Input) -> Result<Rendered, ReportError> {
    render_with(input, Foreign::Refuse, None)
}

/// [`render`], with what to do about files the report did not write, and
/// the output folder's lock if the caller holds it already.
///
/// Nothing is written unless everything rendered. The files are written
/// into a fresh folder beside `input.out`, which then replaces it (the old
/// one renamed aside and removed), under a lock beside it, so a reader
/// never sees two reports mixed, two writers never interleave, and a run
/// killed part-way leaves the old report (the next run removes what it
/// left). A folder that holds files the report did not write is refused
/// ([`ReportError::Foreign`]), except the results files it reads, which
/// are kept; with [`Foreign::Overwrite`] the report's files are written
/// over in place there instead, and the other files kept.
pub fn render_with(
    input: &Input,
    foreign: Foreign,
    lock: Option<&OutputLock>,
) -> Result<Rendered, ReportError> {
    if input.results.is_empty() {
        return Err(ReportError::NoResults);
    }
    let docs = input
        .results
        .iter()
        .map(|p| load_results(p).map(|d| (p.clone(), d)))
        .collect::<Result<Vec<_>, _>>()?;
    let criterion = match &input.criterion {
        None => Criterion::NotAsked,
        Some(dir) if !exists(dir)? => Criterion::Absent(dir.clone()),
        Some(dir) => Criterion::Loaded(dir.clone(), load_criterion(dir)?),
    };
    let data = ReportData::new(docs, criterion);

    let mut drawn = Vec::new();
    for chart in charts::ALL {
        drawn.push((*chart, chart.render(&data)?));
    }
    let report = markdown::render(&data, &drawn);

    let mut files: Vec<(&str, &[u8])> = Vec::new();
    let mut skipped = Vec::new();
    for (chart, d) in &drawn {
        match d {
            Drawn::Svg { svg, .. } => files.push((chart.file_name(), svg.as_bytes())),
            Drawn::Skipped(reason) => skipped.push(format!("{}: {reason}", chart.file_name())),
        }
    }
    files.push((REPORT_FILE, report.as_bytes()));
    let files = output::write_report(&input.out, &files, &input.results, foreign, lock)?;
    Ok(Rendered { files, skipped })
}

/// Whether `path` exists; errors other than "not found" are reported.
fn exists(path: &Path) -> Result<bool, ReportError> {
    match fs::metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(ReportError::Read {
            path: path.to_path_buf(),
            what: "criterion folder",
            error: source,
        }),
    }
}
