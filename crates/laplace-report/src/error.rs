use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Why a report could not be rendered. Every variant that concerns a file
/// names it, and says what is wrong with it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReportError {
    /// No results document was given.
    #[error("no results file given: pass at least one file written by `shootout run --json`")]
    NoResults,
    /// An input file or folder does not exist.
    #[error("{}: {what} not found", path.display())]
    Missing {
        /// The path looked for.
        path: PathBuf,
        /// What it should have been (`results file`, `criterion folder`, ...).
        what: &'static str,
    },
    /// An input file exists but could not be read.
    #[error("{}: cannot read {what}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What it should have been.
        what: &'static str,
        /// The operating system's reason (in the message, not a `source`,
        /// so that it is printed once).
        error: io::Error,
    },
    /// A file that holds nothing but whitespace.
    #[error("{}: {what} is empty", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
        /// What it should have been.
        what: &'static str,
    },
    /// A file that is not valid JSON, or JSON of the wrong shape. The message
    /// carries serde_json's line and column.
    #[error("{}: {problem} ({what}): {}", path.display(), laplace_core::text::bounded_text(&.error.to_string(), laplace_core::text::MAX_FIELD))]
    Json {
        /// The file.
        path: PathBuf,
        /// What it should have been.
        what: &'static str,
        /// `corrupt JSON` for a syntax error, `unexpected content` for a
        /// well-formed document of the wrong shape.
        problem: &'static str,
        /// The parser's error, with line and column (in the message).
        error: serde_json::Error,
    },
    /// A results document written by another version of the schema.
    #[error(
        "{}: schema_version is {found}, but this report reads version {expected}; \
         rerun `shootout run --json` with this version to regenerate it",
        path.display()
    )]
    Schema {
        /// The file.
        path: PathBuf,
        /// The version found (`missing` or the JSON value, as text).
        found: String,
        /// [`laplace_core::results::SCHEMA_VERSION`].
        expected: u32,
    },
    /// A kernel's times in a results document that no run can produce.
    #[error("{}: {kernel}: {problem}", path.display())]
    ImpossibleTimes {
        /// The file.
        path: PathBuf,
        /// The kernel.
        kernel: String,
        /// What is wrong, e.g. `best_s = 0`.
        problem: String,
    },
    /// A results document that lists no kernel at all.
    #[error("{}: the results document lists no kernels", path.display())]
    NoKernels {
        /// The file.
        path: PathBuf,
    },
    /// A criterion benchmark folder with a `benchmark.json` but no `estimates.json`.
    #[error(
        "{}: missing; criterion wrote {} but not its estimates (interrupted run? rerun `cargo bench`)",
        path.display(),
        benchmark.display()
    )]
    MissingEstimates {
        /// The `estimates.json` that should exist.
        path: PathBuf,
        /// The `benchmark.json` next to it.
        benchmark: PathBuf,
    },
    /// A path that should be a folder is something else.
    #[error("{}: not a folder ({what})", path.display())]
    NotAFolder {
        /// The path.
        path: PathBuf,
        /// What it should have been.
        what: &'static str,
    },
    /// An output file or folder could not be written.
    #[error("{}: cannot write: {error}", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason (in the message, not a `source`,
        /// so that it is printed once).
        error: io::Error,
    },
    /// The output folder holds files the report did not write.
    #[error(
        "{}: holds {file}{}, which the report did not write; give a new or empty folder, \
         or pass --force to write the report's files over in place there (a file with a \
         report file's name, such as README.md, is replaced; no other is touched)",
        dir.display(),
        if *others == 0 { String::new() } else { format!(" and {others} more") }
    )]
    Foreign {
        /// The output folder.
        dir: PathBuf,
        /// The first such file, by name.
        file: String,
        /// How many more there are.
        others: usize,
    },
    /// Another process kept the output folder's lock too long.
    #[error(
        "{}: {holder} is writing a report there, and still was after {waited_s} s (lock {}); \
         try again when it has finished",
        dir.display(),
        lock.display()
    )]
    Locked {
        /// The output folder.
        dir: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// Who holds it (`process <pid>`).
        holder: String,
        /// How long this process waited.
        waited_s: u64,
    },
    /// The plotting library refused to draw a chart.
    #[error("{chart}: cannot draw the chart: {message}")]
    Draw {
        /// The chart's file name.
        chart: &'static str,
        /// The plotting library's message.
        message: String,
    },
}
