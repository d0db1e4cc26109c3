//! The `shootout` command line. `main` only prints errors; the work is in the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use laplace_core::Problem;
use laplace_shootout::external::ExternalError;
use laplace_shootout::registry::{Entry, Registry};
use laplace_shootout::runner::{self, DEFAULT_BASELINE, DEFAULT_REPEAT, RunOptions};
use laplace_shootout::{external, fsutil, interrupt, list, probe, progress, select, table};

/// Races one Laplace-equation kernel across Rust, C, Fortran and Python,
/// verified against a reference of its own scheme before any time is reported.
#[derive(Debug, Parser)]
#[command(name = "shootout", version, about)]
struct Cli {
    /// Folder of external-kernel manifests (*.toml) [default: kernels/external
    /// of the checkout around the current folder]; if it is missing, a
    /// warning, and the compiled kernels only
    #[arg(long, global = true, value_name = "DIR", env = "SHOOTOUT_EXTERNAL_DIR")]
    external: Option<PathBuf>,
    /// Leave external kernels out (compiled kernels only).
    #[arg(long, global = true)]
    no_external: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every registered kernel with its scheme and compile flags, and
    /// whether each external kernel can run here.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Verify, then time, every selected kernel on one problem.
    Run(RunArgs),
    /// Render charts and a Markdown report from results files and criterion data.
    Report {
        /// Results documents written by `shootout run --json` (several
        /// machines go side by side).
        #[arg(required = true, value_name = "RESULTS.json")]
        results: Vec<PathBuf>,
        /// Criterion's output folder (its benchmark.json and estimates.json
        /// files give the scaling chart).
        #[arg(long, default_value = laplace_report::DEFAULT_CRITERION_DIR)]
        criterion: PathBuf,
        /// Where to write README.md and the SVG charts: a new folder, or
        /// one holding only an earlier report (replaced as a whole).
        #[arg(long, default_value = laplace_report::DEFAULT_OUT_DIR)]
        out: PathBuf,
        /// Write into a folder that holds files the report did not write:
        /// the report's files are written over in place there (README.md
        /// among them), every other file is kept.
        #[arg(long)]
        force: bool,
    },
    /// Verify the selected compiled kernels on one problem, without timing:
    /// by default a non-square grid larger than any kernel's block or strip
    /// in both directions.
    Verify(VerifyArgs),
    /// Measure this machine's limits (FP latency and throughput, clock,
    /// memory and L2 bandwidth) and cache them for `run`.
    Probe {
        /// Also write the probe as JSON here.
        #[arg(long, value_name = "PATH")]
        json: Option<PathBuf>,
        /// Replace an existing JSON file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// Compiled kernels to verify: a substring or glob of the name, or
    /// `=NAME` for exactly one; repeatable (default: all).
    #[arg(long = "kernels", value_name = "PATTERN")]
    kernels: Vec<String>,
    /// Grid rows.
    #[arg(long, default_value_t = 301)]
    nx: usize,
    /// Grid columns (default above `rust/array-tblock`'s 1024-column strips).
    #[arg(long, default_value_t = 1100)]
    ny: usize,
    /// Sweeps (default one more than `rust/array-tblock`'s 24 per pass).
    #[arg(long, default_value_t = 25)]
    iters: usize,
    /// Grid spacing along rows.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    dx: f64,
    /// Grid spacing along columns.
    #[arg(long, default_value_t = 0.13, allow_negative_numbers = true)]
    dy: f64,
    /// Threads for parallel kernels (default: all logical cores).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// An aligned text table.
    Table,
    /// A JSON array of objects.
    Json,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Grid rows.
    #[arg(long, default_value_t = Problem::SEED.nx)]
    nx: usize,
    /// Grid columns.
    #[arg(long, default_value_t = Problem::SEED.ny)]
    ny: usize,
    /// Sweeps per run.
    #[arg(long, default_value_t = Problem::SEED.iters)]
    iters: usize,
    /// Grid spacing along rows.
    #[arg(long, default_value_t = Problem::SEED.dx, allow_negative_numbers = true)]
    dx: f64,
    /// Grid spacing along columns.
    #[arg(long, default_value_t = Problem::SEED.dy, allow_negative_numbers = true)]
    dy: f64,
    /// Kernels to run: a substring or glob of the name, or `=NAME` for exactly
    /// one; repeatable (default: all).
    #[arg(long = "kernels", value_name = "PATTERN")]
    kernels: Vec<String>,
    /// Timed runs per kernel, after one warm-up.
    #[arg(long, default_value_t = DEFAULT_REPEAT, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    repeat: u32,
    /// Kernel whose time is 1 in the relative column.
    #[arg(long, default_value = DEFAULT_BASELINE)]
    baseline: String,
    /// Write the results document (JSON) here.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// Save each kernel's final grid as .npy in this folder.
    #[arg(long, value_name = "DIR")]
    save_grids: Option<PathBuf>,
    /// Threads for parallel kernels (default: all logical cores).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
    threads: Option<u32>,
    /// Convergence tolerance for sweeps-to-tolerance and time to solution:
    /// the largest change in one sweep.
    #[arg(long, default_value_t = laplace_core::reference::DEFAULT_TOLERANCE, allow_negative_numbers = true)]
    tolerance: f64,
    /// Relaxation factor of red-black SOR, in (0, 2)
    /// (default 2 / (1 + sin(pi / (max(nx, ny) - 1))).
    #[arg(long, allow_negative_numbers = true)]
    omega: Option<f64>,
    /// Replace an existing results file (through a symbolic link, the file
    /// it points to) or non-empty grid folder (removing an earlier run's
    /// grids there), and write the report into a folder holding other
    /// files (over in place, keeping them).
    #[arg(long)]
    force: bool,
    /// After the run, write DIR/results.json and render the report (charts
    /// and README.md) into DIR, replacing the previous report there.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// Criterion's output folder, for the report's scaling chart.
    #[arg(long, default_value = laplace_report::DEFAULT_CRITERION_DIR)]
    criterion: PathBuf,
    /// Also time every parallel kernel at 1, 2, ... --threads threads (the
    /// report's thread-scaling chart).
    #[arg(long)]
    thread_sweep: bool,
    /// MPI ranks of the MPI kernels (`mpirun -np N`; past the logical cores,
    /// `--oversubscribe`, and the path says so) [default: all logical cores].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4096))]
    ranks: Option<u32>,
    /// Also time every MPI kernel at 1, 2, ... --ranks ranks: strong scaling
    /// on the problem's grid and on 4000x4000, weak scaling with the
    /// problem's rows per rank (the report's ranks chart).
    #[arg(long)]
    rank_sweep: bool,
    /// Skip the machine probe: no bound columns.
    #[arg(long)]
    no_probe: bool,
    /// Probe the machine again instead of using the cached probe.
    #[arg(long, conflicts_with = "no_probe")]
    reprobe: bool,
}

fn main() -> ExitCode {
    // First, before any thread: SIGINT/SIGTERM kill the running external
    // kernel's process group and remove the temporary folders.
    interrupt::install();
    match dispatch(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The compiled kernels and the external ones of `--external` (or the
/// default folder), and, if the external kernels were left out, why (for a
/// `--kernels` pattern that matches nothing). A manifest folder that is
/// missing or unreadable (a moved checkout, an installed binary,
/// `SHOOTOUT_EXTERNAL_DIR=/nonexistent`) is one warning on stderr, not an
/// error: the compiled kernels always run. A bad manifest is an error.
fn load_registry(no_external: bool, dir: Option<&Path>) -> Result<(Registry, Option<String>)> {
    if no_external {
        return Ok((
            Registry::compiled(),
            Some("external kernels are left out by --no-external".into()),
        ));
    }
    let dir = dir.map_or_else(external::default_dir, Path::to_path_buf);
    match Registry::load(&dir) {
        Ok(registry) => Ok((registry, None)),
        Err(e @ ExternalError::Dir { .. }) => {
            eprintln!(
                "warning: no external kernels: {e} (give the folder of manifests with \
                 --external DIR or SHOOTOUT_EXTERNAL_DIR); only the compiled kernels are used"
            );
            Ok((
                Registry::compiled(),
                Some(format!(
                    "no external kernel was loaded: the manifest folder {} cannot be read",
                    dir.display()
                )),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    let registry = || load_registry(cli.no_external, cli.external.as_deref());
    match cli.command {
        Command::List { format } => {
            let rows = list::rows(&registry()?.0);
            match format {
                Format::Table => print!("{}", list::table(&rows)),
                Format::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(args) => {
            let (registry, left_out) = registry()?;
            run(args, &registry, left_out.as_deref())
        }
        Command::Report {
            results,
            criterion,
            out,
            force,
        } => {
            report(results, criterion, out, foreign(force), None)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify(args) => verify(&args),
        Command::Probe { json, force } => {
            if let Some(path) = &json {
                fsutil::check_new_file(path, force)?;
            }
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let p = probe::measure_and_cache(threads);
            print!("{}", probe::render(&p));
            if let Some(path) = &json {
                fsutil::write_atomic(path, &serde_json::to_vec_pretty(&p)?)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `shootout verify`: every selected compiled kernel against the reference
/// of its scheme; exit code 1 if any fails.
fn verify(args: &VerifyArgs) -> Result<ExitCode> {
    let problem = Problem::new(args.nx, args.ny, args.dx, args.dy, args.iters)?;
    let kernels = laplace_shootout::registry::KERNELS;
    let chosen = select::select(kernels, |k| k.name, &args.kernels)?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    println!("verifying {} kernels on {problem}", chosen.len());
    let mut failed = 0;
    for k in chosen.into_iter().map(|i| &kernels[i]) {
        match laplace_core::verify::verify(k, &problem, threads) {
            Ok(v) => println!(
                "ok      {:<26} max |diff| {:.1e} ({})",
                k.name,
                v.diff.max_abs,
                if k.bit_exact {
                    "bit-exact: must be 0".to_string()
                } else {
                    format!("tolerance {:.0e}", k.tolerance)
                }
            ),
            Err(e) => {
                failed += 1;
                println!("FAILED  {e}");
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!("{failed} kernels failed verification");
        ExitCode::from(1)
    })
}

/// Renders the report and says where it went.
/// `foreign` says what to do if `out` holds files the report did not
/// write; `lock` is the folder's lock if the caller holds it.
fn report(
    results: Vec<PathBuf>,
    criterion: PathBuf,
    out: PathBuf,
    foreign: laplace_report::Foreign,
    lock: Option<&laplace_report::OutputLock>,
) -> Result<()> {
    let input = laplace_report::Input {
        results,
        criterion: Some(criterion),
        out,
    };
    let rendered = laplace_report::render_with(&input, foreign, lock)?;
    for skipped in &rendered.skipped {
        eprintln!("report: {skipped}");
    }
    eprintln!(
        "report: {} files in {}",
        rendered.files.len(),
        input.out.display()
    );
    Ok(())
}

/// `--force` for a report folder: write over in place, keeping other files.
fn foreign(force: bool) -> laplace_report::Foreign {
    if force {
        laplace_report::Foreign::Overwrite
    } else {
        laplace_report::Foreign::Refuse
    }
}

/// Checks every output target of `args` before the run: `--json` a new (or
/// `--force`d) file in a writable folder, `--save-grids` an empty (or
/// `--force`d) writable folder, `--report` a folder (or a place for one)
/// holding nothing but an earlier report (or `--force`d), that can be
/// written, in a folder that can be written, and no two of them the same
/// place (nor one inside the report folder).
fn check_outputs(args: &RunArgs) -> Result<()> {
    let json = args.json.as_deref();
    let grids = args.save_grids.as_deref();
    let report = args.report.as_deref();
    if let (Some(j), Some(g)) = (json, grids)
        && (j == g || j.starts_with(g))
    {
        anyhow::bail!(
            "--json {} and --save-grids {} are the same place: give them different paths",
            j.display(),
            g.display()
        );
    }
    if let (Some(j), Some(r)) = (json, report)
        && (j == r || j == r.join("results.json"))
    {
        anyhow::bail!(
            "--json {} is where --report {} writes its own results.json: give another path",
            j.display(),
            r.display()
        );
    }
    // The report folder is replaced as a whole: nothing else goes in it.
    for (flag, path) in [("--json", json), ("--save-grids", grids)] {
        if let (Some(p), Some(r)) = (path, report)
            && p.starts_with(r)
        {
            anyhow::bail!(
                "{flag} {} and --report {} overlap, and the report folder is replaced as a \
                 whole: give them separate places",
                p.display(),
                r.display()
            );
        }
    }
    if let Some(path) = json {
        fsutil::check_new_file(path, args.force)?;
        // The folder of the file written: a symbolic link's target's.
        fsutil::check_writable(&fsutil::output_dir(path)?)?;
    }
    if let Some(dir) = grids {
        fsutil::prepare_dir(dir, args.force)?;
        fsutil::check_writable(dir)?;
    }
    if let Some(dir) = report {
        if dir.exists() && !dir.is_dir() {
            anyhow::bail!("--report {} exists and is not a folder", dir.display());
        }
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        // Nothing in it but an earlier report and the run's own
        // results.json, unless --force.
        laplace_report::check_out(dir, &[dir.join("results.json")], foreign(args.force))?;
        fsutil::check_writable(dir)?;
        // The report is rendered beside the folder and swapped in, under a
        // lock file there: that folder must be writable too.
        let real = std::fs::canonicalize(dir)?;
        fsutil::check_writable(real.parent().unwrap_or(&real))?;
    }
    Ok(())
}

/// Exit code 0 when every kernel that could run verified, 1 when any failed.
/// `left_out` says why external kernels are not in `registry`, if they are
/// not: a pattern that matches nothing then says so.
fn run(args: RunArgs, registry: &Registry, left_out: Option<&str>) -> Result<ExitCode> {
    let problem = Problem {
        omega: args.omega,
        ..Problem::new(args.nx, args.ny, args.dx, args.dy, args.iters)?
    };
    problem.validate()?;
    if !(args.tolerance.is_finite() && args.tolerance > 0.0) {
        anyhow::bail!(
            "--tolerance must be a finite positive number, got {}",
            args.tolerance
        );
    }
    let entries = registry.entries();
    let kernels: Vec<Entry<'_>> = select::select(&entries, |e| e.name(), &args.kernels)
        .map_err(|e| match left_out {
            Some(why) => anyhow::anyhow!("{e} ({why})"),
            None => e.into(),
        })?
        .into_iter()
        .map(|k| entries[k])
        .collect();
    if registry.find(&args.baseline).is_none() {
        anyhow::bail!(
            "unknown baseline `{}`{}",
            args.baseline,
            select::select(&entries, |e| e.name(), std::slice::from_ref(&args.baseline))
                .err()
                .map_or_else(String::new, |e| e.to_string().replacen(
                    "no kernel matches",
                    ":",
                    1
                ))
        );
    }
    // Every output target is checked before the first kernel runs: refuse
    // to overwrite, to write where nothing can be written, or to write two
    // outputs to one place, before spending minutes on the run.
    check_outputs(&args)?;
    if let (Some(dir), true) = (&args.save_grids, args.force) {
        // --force replaces an earlier run's grids: none is left beside the
        // new ones (only files named as shootout names them go).
        runner::remove_old_grids(dir, entries.iter().map(|e| e.name()))?;
    }
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    );
    let probe = if args.no_probe {
        None
    } else if args.reprobe {
        Some(probe::measure_and_cache(threads))
    } else {
        Some(probe::cached_or_measure(threads))
    };
    let opts = RunOptions {
        problem,
        repeat: args.repeat as usize,
        baseline: args.baseline.clone(),
        threads,
        save_grids: args.save_grids.clone(),
        tolerance: args.tolerance,
        probe,
        thread_sweep: args.thread_sweep,
        ranks: args.ranks.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |n| n as usize,
        ),
        rank_sweep: args.rank_sweep,
    };
    let before = probe::contention::Snapshot::take();
    let doc = runner::run(&kernels, &opts, progress::stderr().as_mut())?;
    // The results document first: nothing that prints can lose a finished
    // run. If a write fails, the others are still made, and the run ends
    // with an error naming what was not written.
    let json = serde_json::to_vec_pretty(&doc)?;
    let mut not_written = Vec::new();
    if let Some(path) = &args.json {
        match fsutil::write_atomic(path, &json) {
            Ok(()) => eprintln!("results written to {}", path.display()),
            Err(e) => not_written.push(format!("the results document: {e}")),
        }
    }
    print!("{}", table::render(&doc, &args.baseline));
    if let Some(share) = before
        .others_since()
        .filter(|&s| s > probe::contention::MAX_OTHERS)
    {
        println!(
            "warning: other processes used {:.0}% of the CPUs during this race: its times may \
             be slow and uneven; race again on a quiet machine before quoting them",
            share * 100.0
        );
    }
    if let Some(dir) = &args.report {
        let path = dir.join("results.json");
        // Under the report folder's lock, so that the results document and
        // the report rendered from it are one update no other writer
        // interleaves with; the document is written even without the lock.
        let written = std::fs::create_dir_all(dir)
            .with_context(|| format!("creating {}", dir.display()))
            .and_then(|()| {
                let lock = laplace_report::OutputLock::acquire(dir);
                fsutil::write_atomic(&path, &json)?;
                let (criterion, force) = (args.criterion.clone(), foreign(args.force));
                report(vec![path], criterion, dir.clone(), force, Some(&lock?))
            });
        if let Err(e) = written {
            not_written.push(format!("the report in {}: {e:#}", dir.display()));
        }
    }
    if !not_written.is_empty() {
        anyhow::bail!(
            "the run finished, but not everything was written:\n  {}",
            not_written.join("\n  ")
        );
    }
    let mut failed = 0;
    for r in doc.results.iter().filter(|r| r.failed()) {
        // A timeout is said to be one, not a failed verification.
        match r.error.as_deref().and_then(external::timed_out) {
            Some(timeout) => eprintln!("{} {timeout}", r.kernel),
            None => failed += 1,
        }
    }
    if failed > 0 {
        eprintln!("{failed} kernel(s) FAILED verification");
    }
    Ok(if doc.results.iter().any(|r| r.failed()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
