//! `shootout run`: verify every selected kernel, then time it.
//!
//! For each compiled kernel: one run on a fresh grid, compared with the
//! reference of its scheme (a kernel that fails is reported FAILED and never
//! timed); then one untimed warm-up and `repeat` timed runs, each from a
//! fresh initial grid, timing only the kernel call.
//!
//! For each external kernel: an availability check (a missing runtime makes
//! it *unavailable*, not failed), then `repeat` invocations, every one
//! verified, each timed by the kernel itself (see [`crate::external`]).

use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;
use std::path::{Path, PathBuf};

use laplace_core::results::{
    ExternalRun, KernelResult, MpiRun, Probe, ProblemSpec, RankPoint, ResultsDoc, SCHEMA_VERSION,
};
use laplace_core::verify::{Diff, VerifyError, check, check_within};
use laplace_core::{Grid, InputError, Kernel, Problem, Scheme, npy, reference};
use thiserror::Error;

use crate::bounds;
use crate::external::ExternalKernel;
use crate::fsutil;
use crate::machine;
use crate::probe;
use crate::progress::Progress;
use crate::registry::Entry;

mod timing;
pub use timing::{PLACEMENTS, time};
use timing::{summary, thread_sweep};

/// The kernel whose time the `relative` column divides by, unless
/// `--baseline` says otherwise: the post's NumPy update (Jacobi on whole
/// arrays), compiled from C.
pub const DEFAULT_BASELINE: &str = "c/array";

/// Timed runs per kernel by default: the seed problem's whole run stays well
/// under a minute on two cores.
pub const DEFAULT_REPEAT: u32 = 5;

/// What to run and how.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The problem every kernel runs.
    pub problem: Problem,
    /// Timed runs per kernel (at least 1).
    pub repeat: usize,
    /// Kernel whose best time is the unit of the `relative` column.
    pub baseline: String,
    /// Threads offered to parallel kernels.
    pub threads: usize,
    /// Where to save each kernel's final grid as `.npy`.
    pub save_grids: Option<PathBuf>,
    /// Convergence tolerance for sweeps-to-tolerance and time to solution.
    pub tolerance: f64,
    /// Machine limits for the bound columns (`None`: no bounds).
    pub probe: Option<Probe>,
    /// Also time every parallel kernel at each thread count from 1 to `threads`.
    pub thread_sweep: bool,
    /// MPI ranks of the MPI kernels.
    pub ranks: usize,
    /// Also time every MPI kernel at 1..=`ranks` ranks (strong and weak
    /// scaling).
    pub rank_sweep: bool,
}

/// The most lattice updates the reference solver may spend counting sweeps
/// to tolerance for one scheme (a few seconds); beyond it the count is
/// reported as not reached. The seed problem needs well under a tenth of it.
pub const CONVERGENCE_BUDGET: f64 = 2e9;

/// Why a run could not be carried out (kernel failures are results, not errors).
#[derive(Debug, Error)]
pub enum RunError {
    /// The problem is invalid or does not fit in memory.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A file could not be written.
    #[error(transparent)]
    Io(#[from] fsutil::FsError),
    /// The scratch folder of an external kernel could not be made. (The
    /// I/O error is in the message, not also a `source`: see
    /// [`fsutil::FsError`].)
    #[error("preparing the input of an external kernel: {0}")]
    Scratch(std::io::Error),
}

impl From<std::io::Error> for RunError {
    fn from(e: std::io::Error) -> RunError {
        RunError::Scratch(e)
    }
}

/// Runs `kernels` on `opts.problem` and returns the results document.
pub fn run(
    kernels: &[Entry<'_>],
    opts: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<ResultsDoc, RunError> {
    let p = opts.problem;
    p.validate()?;
    let mut references: HashMap<Scheme, Grid> = HashMap::new();
    let mut sweeps: HashMap<Scheme, Option<usize>> = HashMap::new();
    let max_sweeps = (CONVERGENCE_BUDGET / p.interior().max(1) as f64) as usize;
    let mut results = Vec::with_capacity(kernels.len());
    // The Gauss-Seidel bounds depend on the row length: measure the chains
    // in rows of this problem, before the kernels and after each
    // Gauss-Seidel kernel, keeping the fastest (the clock of a VM drifts by
    // several percent during a run; a bound taken at a slow moment would be
    // too low).
    let mut probe = opts.probe.clone();
    let gauss_seidel = kernels.iter().any(|e| e.scheme() == Scheme::GaussSeidel);
    if let (Some(probe), true) = (&mut probe, gauss_seidel) {
        probe::add_row_chains(probe, p.ny - 2);
    }
    progress.begin(kernels.len());
    for e in kernels {
        let (name, scheme) = (e.name(), e.scheme());
        progress.step(name, "reference");
        if let Slot::Vacant(slot) = references.entry(scheme) {
            slot.insert(reference::solve(scheme, &p)?);
        }
        if let Slot::Vacant(slot) = sweeps.entry(scheme) {
            progress.step(name, "convergence");
            slot.insert(reference::sweeps_to_tolerance(
                scheme,
                &p,
                opts.tolerance,
                max_sweeps,
            )?);
        }
        let mut result = blank_result(e);
        result.sweeps_to_tolerance = sweeps[&scheme];
        match e {
            Entry::Compiled(k) => {
                run_compiled(k, opts, &references[&scheme], &mut result, progress)?;
            }
            Entry::External(x) => {
                run_external(x, opts, &references[&scheme], &mut result, progress)?;
            }
        }
        results.push(result);
        // Right after each Gauss-Seidel kernel too: its bound then comes
        // from a moment as close to its own timing as the run allows.
        if let (Some(probe), Scheme::GaussSeidel) = (&mut probe, scheme) {
            probe::add_row_chains(probe, p.ny - 2);
        }
        progress.done(name);
    }
    progress.finish();
    set_relative(&mut results, &opts.baseline);
    let problem = ProblemSpec {
        nx: p.nx,
        ny: p.ny,
        iters: p.iters,
        dx: p.dx,
        dy: p.dy,
        omega: p.omega(),
        repeat: opts.repeat,
        tolerance: opts.tolerance,
    };
    if let Some(probe) = &mut probe {
        for (r, e) in results.iter_mut().zip(kernels) {
            set_bound(r, e, &problem, probe, opts.threads);
        }
    }
    Ok(ResultsDoc {
        schema_version: SCHEMA_VERSION,
        provenance: machine::provenance(opts.threads),
        problem,
        results,
        probe,
        baseline: Some(opts.baseline.clone()),
    })
}

/// Verifies, then times, a kernel compiled into this binary.
fn run_compiled(
    k: &Kernel,
    opts: &RunOptions,
    reference: &Grid,
    result: &mut KernelResult,
    progress: &mut dyn Progress,
) -> Result<(), RunError> {
    let p = &opts.problem;
    progress.step(k.name, "verify");
    match verify(k, p, opts.threads, reference) {
        Ok((grid, diff)) => {
            result.verified = true;
            result.max_abs_diff = finite(diff.max_abs);
            if let Some(dir) = &opts.save_grids {
                result.grid_file = Some(save_grid(dir, k.name, p, &grid)?);
            }
            progress.step(k.name, "time");
            match time(k, p, opts.threads, opts.repeat) {
                Ok((times, path)) => {
                    set_times(result, p, &times);
                    result.path = Some(if k.parallel && path != laplace_core::SERIAL {
                        format!("{path}, threads={}", opts.threads)
                    } else {
                        path.to_string()
                    });
                }
                Err(e) => fail(result, e.to_string()),
            }
            if opts.thread_sweep && k.parallel && result.verified {
                progress.step(k.name, "thread sweep");
                match thread_sweep(k, p, opts.threads, opts.repeat) {
                    Ok(points) => result.thread_scaling = points,
                    Err(e) => fail(result, e.to_string()),
                }
            }
        }
        Err(e) => failed_verification(result, &e),
    }
    Ok(())
}

/// Checks that an external kernel can run, then runs it `repeat` times,
/// verifying every invocation and keeping the times it reports (scaled to
/// the whole problem if it runs fewer sweeps). An MPI kernel runs on
/// `opts.ranks` ranks, and with `opts.rank_sweep` also on 1..=ranks.
fn run_external(
    x: &ExternalKernel,
    opts: &RunOptions,
    full_reference: &Grid,
    result: &mut KernelResult,
    progress: &mut dyn Progress,
) -> Result<(), RunError> {
    let p = &opts.problem;
    progress.step(x.name, "check");
    if let Err(reason) = x.availability() {
        result.unavailable = Some(reason);
        return Ok(());
    }
    let sweeps_run = x.sweeps_for(p.iters);
    let run_problem = Problem {
        iters: sweeps_run,
        ..*p
    };
    let short_reference;
    let reference = if sweeps_run == p.iters {
        full_reference
    } else {
        short_reference = reference::solve(x.scheme, &run_problem)?;
        &short_reference
    };
    let scale = if sweeps_run == 0 {
        1.0
    } else {
        p.iters as f64 / sweeps_run as f64
    };
    let ranks = if x.mpi { opts.ranks.max(1) } else { 1 };
    let launch = Launch {
        threads: opts.threads,
        ranks,
        repeat: opts.repeat,
    };
    let timed = match time_external(x, &run_problem, launch, reference, progress)? {
        Ok(timed) => timed,
        Err(Failure::Run(e)) => {
            fail(result, e);
            return Ok(());
        }
        Err(Failure::Verify(e)) => {
            failed_verification(result, &e);
            return Ok(());
        }
    };
    let Timed {
        times,
        walls,
        last,
        max_abs,
    } = timed;
    result.max_abs_diff = finite(max_abs);
    result.verified = true;
    result.compiler = last.runtime;
    result.flags = last.flags;
    let path = last.path.unwrap_or_else(|| EXTERNAL_PATH.to_string());
    result.path = Some(if x.mpi {
        let over = if crate::external::oversubscribed(ranks) {
            ", oversubscribed"
        } else {
            ""
        };
        format!("{ranks} ranks{over}: {path}")
    } else {
        path
    });
    if x.mpi {
        result.mpi = Some(MpiRun {
            ranks,
            oversubscribed: crate::external::oversubscribed(ranks),
            latency_s: last.mpi.map(|m| m.latency_s),
            bandwidth_bytes_per_s: last.mpi.map(|m| m.bandwidth_bytes_per_s),
        });
    }
    // The grid of a shortened run is not the problem's answer: not saved.
    if let (Some(dir), false) = (&opts.save_grids, sweeps_run < p.iters) {
        result.grid_file = Some(save_grid(dir, x.name, p, &last.grid)?);
    }
    let scaled: Vec<f64> = times.iter().map(|t| t * scale).collect();
    set_times(result, p, &scaled);
    result.external = Some(ExternalRun {
        manifest: x.manifest.display().to_string(),
        command: x.command_text(),
        sweeps_run,
        extrapolated: sweeps_run < p.iters,
        invocations: times.len(),
        process_median_s: summary(&walls).map(|(_, median, _)| median),
    });
    if x.mpi && opts.rank_sweep && sweeps_run == p.iters {
        progress.step(x.name, "rank sweep");
        match rank_sweep(x, opts, progress)? {
            Ok(points) => result.rank_scaling = points,
            Err(Failure::Run(e)) => fail(result, e),
            Err(Failure::Verify(e)) => failed_verification(result, &e),
        }
    }
    Ok(())
}

/// How an external kernel is launched: threads offered, MPI ranks, and
/// timed invocations.
#[derive(Debug, Clone, Copy)]
struct Launch {
    threads: usize,
    ranks: usize,
    repeat: usize,
}

/// What the timed invocations of an external kernel gave.
struct Timed {
    /// Its own timing of its sweep loop, per invocation, not scaled.
    times: Vec<f64>,
    /// Wall time of each whole process.
    walls: Vec<f64>,
    /// The last invocation (grid, flags, path).
    last: crate::external::Invocation,
    /// The largest difference from the reference over every invocation.
    max_abs: f64,
}

/// Why an external kernel's invocations stopped.
enum Failure {
    /// It failed to run or its output is unusable.
    Run(String),
    /// Its grid is not the reference's.
    Verify(VerifyError),
}

/// Runs `x` `launch.repeat` times on `problem` from its initial grid,
/// verifying every invocation against `reference`.
fn time_external(
    x: &ExternalKernel,
    problem: &Problem,
    launch: Launch,
    reference: &Grid,
    progress: &mut dyn Progress,
) -> Result<Result<Timed, Failure>, RunError> {
    // Removed when this returns, and on SIGINT/SIGTERM (crate::interrupt).
    let work = crate::interrupt::TempDir::new(EXTERNAL_TEMP_PREFIX)?;
    let input = work.path().join("input.npy");
    let mut bytes = Vec::with_capacity(problem.cells() * 8 + 128);
    npy::write(&mut bytes, problem.nx, problem.ny, &problem.initial_grid()?)?;
    std::fs::write(&input, bytes)?;
    let mut times = Vec::with_capacity(launch.repeat);
    let mut walls = Vec::with_capacity(launch.repeat);
    let mut max_abs = 0.0f64;
    let mut last = None;
    for run in 0..launch.repeat.max(1) {
        progress.step(x.name, if run == 0 { "verify" } else { "time" });
        let mut out = match x.invoke(problem, launch.threads, launch.ranks, &input, work.path()) {
            Ok(out) => out,
            Err(e) => return Ok(Err(Failure::Run(e.to_string()))),
        };
        fault_injection::apply(x.name, &mut out.grid);
        match check_within(x.name, x.scheme, x.tolerance, problem, &out.grid, reference) {
            Ok(diff) => max_abs = max_abs.max(diff.max_abs),
            Err(e) => return Ok(Err(Failure::Verify(e))),
        }
        times.push(out.sweep_s);
        walls.push(out.process_s);
        last = Some(out);
    }
    let last = last.expect("at least one invocation");
    Ok(Ok(Timed {
        times,
        walls,
        last,
        max_abs,
    }))
}

/// Rows and columns of the large grid of a rank sweep's second strong
/// scaling series, and its sweeps (few: it is 16 million points).
pub const RANK_SWEEP_LARGE: (usize, usize, usize) = (4000, 4000, 10);

/// Times an MPI kernel at 1..=`opts.ranks` ranks, every run verified:
/// strong scaling on the problem's grid and on [`RANK_SWEEP_LARGE`], weak
/// scaling with the problem's interior rows on every rank.
fn rank_sweep(
    x: &ExternalKernel,
    opts: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<Result<Vec<RankPoint>, Failure>, RunError> {
    let p = opts.problem;
    let (lx, ly, li) = RANK_SWEEP_LARGE;
    let large = Problem {
        nx: lx,
        ny: ly,
        iters: li,
        ..p
    };
    let repeat = opts.repeat.clamp(1, 3);
    let mut points = Vec::new();
    let mut references: HashMap<(usize, usize, usize), Grid> = HashMap::new();
    for ranks in 1..=opts.ranks.max(1) {
        let weak = Problem {
            nx: (p.nx - 2) * ranks + 2,
            ..p
        };
        for (scaling, problem) in [("strong", p), ("strong", large), ("weak", weak)] {
            if problem.nx - 2 < ranks {
                continue;
            }
            let key = (problem.nx, problem.ny, problem.iters);
            if let Slot::Vacant(slot) = references.entry(key) {
                slot.insert(reference::solve(x.scheme, &problem)?);
            }
            let launch = Launch {
                threads: opts.threads,
                ranks,
                repeat,
            };
            let timed = match time_external(x, &problem, launch, &references[&key], progress)? {
                Ok(t) => t,
                Err(e) => return Ok(Err(e)),
            };
            let best = timed.times.iter().copied().fold(f64::INFINITY, f64::min);
            points.push(RankPoint {
                scaling: scaling.to_string(),
                ranks,
                nx: problem.nx,
                ny: problem.ny,
                iters: problem.iters,
                oversubscribed: crate::external::oversubscribed(ranks),
                best_s: best,
                mlups: problem.interior() as f64 * problem.iters as f64 / best / 1e6,
            });
        }
    }
    Ok(Ok(points))
}

/// The prefix of the temporary folder an external kernel runs in.
pub const EXTERNAL_TEMP_PREFIX: &str = "shootout-external-";

/// The `path` of an external kernel that does not report one.
const EXTERNAL_PATH: &str = "external";

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn blank_result(e: &Entry<'_>) -> KernelResult {
    let name = e.name();
    let (language, form) = laplace_core::name_parts(name);
    let (flags, compiler) = match e {
        Entry::Compiled(k) => (k.build.flags.to_string(), k.build.compiler.to_string()),
        // Filled in from the kernel's own report once it has run.
        Entry::External(_) => (String::new(), String::new()),
    };
    let size = crate::effort::of_files(&e.sources());
    KernelResult {
        kernel: name.to_string(),
        language: language.to_string(),
        form: form.to_string(),
        scheme: e.scheme(),
        flags,
        compiler,
        path: None,
        verified: false,
        tolerance: e.tolerance(),
        max_abs_diff: None,
        error: None,
        best_s: None,
        median_s: None,
        max_s: None,
        mlups: None,
        relative: None,
        grid_file: None,
        sweeps_to_tolerance: None,
        time_to_solution_s: None,
        cost: Some(e.cost()),
        bound_mlups: None,
        bound_limit: None,
        percent_of_bound: None,
        bound_exceeded: false,
        cycles_per_update: None,
        thread_scaling: Vec::new(),
        mpi: None,
        rank_scaling: Vec::new(),
        unavailable: None,
        external: None,
        source_bytes_gz: size.map(|s| s.bytes_gz),
        source_lines: size.map(|s| s.lines),
    }
}

/// Records a failed verification, with the worst difference if it ran.
fn failed_verification(result: &mut KernelResult, e: &VerifyError) {
    if let VerifyError::Mismatch { diff, .. } = e {
        result.max_abs_diff = finite(diff.max_abs);
    }
    fail(result, e.to_string());
}

fn fail(result: &mut KernelResult, error: String) {
    result.verified = false;
    result.error = Some(error);
}

/// One untimed run on a fresh grid, checked against the reference.
#[allow(clippy::result_large_err)] // once per kernel, far from any hot path
fn verify(
    k: &Kernel,
    p: &Problem,
    threads: usize,
    reference: &Grid,
) -> Result<(Vec<f64>, Diff), VerifyError> {
    let mut grid = k.solve(p, threads).map_err(|source| VerifyError::Kernel {
        kernel: k.name,
        problem: *p,
        source,
    })?;
    fault_injection::apply(k.name, &mut grid);
    let diff = check(k, p, &grid, reference)?;
    Ok((grid, diff))
}

fn set_times(result: &mut KernelResult, p: &Problem, times: &[f64]) {
    let Some((best, median, max)) = summary(times) else {
        return;
    };
    result.best_s = Some(best);
    result.median_s = Some(median);
    result.max_s = Some(max);
    result.mlups = (best > 0.0).then(|| p.updates() / best / 1e6);
    result.time_to_solution_s = match (result.sweeps_to_tolerance, p.iters) {
        (Some(n), iters) if iters > 0 => Some(n as f64 * best / iters as f64),
        _ => None,
    };
}

/// The kernel's bound on this machine, its share of it, and cycles per update.
fn set_bound(r: &mut KernelResult, e: &Entry<'_>, p: &ProblemSpec, probe: &Probe, threads: usize) {
    // A parallel kernel that ran serially is bounded as a serial one; an
    // MPI kernel has one worker per rank.
    let (parallel, threads) = match &r.mpi {
        Some(mpi) => (mpi.ranks > 1, mpi.ranks),
        None => (
            e.parallel() && r.path.as_deref() != Some(laplace_core::SERIAL),
            threads,
        ),
    };
    let Some(b) = bounds::bound(e.cost(), parallel, threads, p, probe) else {
        return;
    };
    r.percent_of_bound = r.mlups.map(|m| 100.0 * m / b.mlups);
    r.bound_exceeded = r.exceeds_bound();
    r.bound_mlups = Some(b.mlups);
    r.bound_limit = Some(b.limit);
    let workers = if parallel { threads as f64 } else { 1.0 };
    r.cycles_per_update = match (r.mlups, probe.cycle_s) {
        (Some(m), Some(c)) => Some(workers / (m * 1e6 * c)),
        _ => None,
    };
}

/// `best / baseline best` for every timed kernel, if the baseline was timed.
fn set_relative(results: &mut [KernelResult], baseline: &str) {
    let base = results
        .iter()
        .find(|r| r.kernel == baseline)
        .and_then(|r| r.best_s);
    for r in results {
        r.relative = match (r.best_s, base) {
            (Some(t), Some(b)) if b > 0.0 => Some(t / b),
            _ => None,
        };
    }
}

/// The file `--save-grids` writes a kernel's grid to: `<kernel with / as
/// __>.npy` (`c__loop.npy`).
pub fn grid_file_name(kernel: &str) -> String {
    format!("{}.npy", kernel.replace('/', "__"))
}

/// Removes from `dir` the grids an earlier run saved there: the files named
/// [`grid_file_name`] of one of `kernels` (every kernel this `shootout`
/// knows, so that a kernel left out of this run, or failing in it, leaves
/// no grid of an earlier run beside the new ones). Only those names, and
/// only files or symbolic links (a link is removed, not what it points
/// to): anything else in `dir` is left alone. Returns what was removed.
pub fn remove_old_grids<'k>(
    dir: &Path,
    kernels: impl IntoIterator<Item = &'k str>,
) -> Result<Vec<PathBuf>, fsutil::FsError> {
    let mut removed = Vec::new();
    for kernel in kernels {
        let path = dir.join(grid_file_name(kernel));
        let is_file = std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.file_type().is_file() || m.file_type().is_symlink());
        if is_file {
            std::fs::remove_file(&path).map_err(|error| fsutil::FsError::Io {
                path: path.clone(),
                error,
            })?;
            removed.push(path);
        }
    }
    Ok(removed)
}

/// Writes `dir/<kernel with / as __>.npy` and returns its path.
fn save_grid(dir: &Path, kernel: &str, p: &Problem, grid: &[f64]) -> Result<String, RunError> {
    let path = dir.join(grid_file_name(kernel));
    let mut bytes = Vec::with_capacity(grid.len() * 8 + 128);
    npy::write(&mut bytes, p.nx, p.ny, grid).expect("writing to memory cannot fail");
    fsutil::write_atomic(&path, &bytes)?;
    Ok(path.display().to_string())
}

/// Test-only corruption of a kernel's output, to check that failures are
/// reported: in debug builds, `SHOOTOUT_INJECT_FAULT=<kernel name>` adds 1e-3
/// to one interior cell of that kernel's verification grid. Release builds
/// do not contain it.
mod fault_injection {
    /// The environment variable naming the kernel to corrupt.
    #[cfg(debug_assertions)]
    pub const VAR: &str = "SHOOTOUT_INJECT_FAULT";

    #[cfg(debug_assertions)]
    pub fn apply(kernel: &str, grid: &mut [f64]) {
        if std::env::var(VAR).is_ok_and(|k| k == kernel) {
            // Verification compares every cell, so any one will do.
            let mid = grid.len() / 2;
            grid[mid] += 1e-3;
        }
    }

    #[cfg(not(debug_assertions))]
    pub fn apply(_: &str, _: &mut [f64]) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15: `--save-grids DIR --force` left an earlier run's grids
    /// beside the new ones. Only shootout's own names go.
    #[test]
    fn old_grids_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "c__loop.npy",
            "python__loop.npy",
            "notes.txt",
            "mine.npy",
            "c__nope.npy",
        ] {
            std::fs::write(d.join(f), b"x").unwrap();
        }
        std::fs::create_dir(d.join("rust__loop.npy")).unwrap();
        let removed =
            remove_old_grids(d, ["c/loop", "python/loop", "rust/loop", "c/array"]).unwrap();
        assert_eq!(removed.len(), 2, "{removed:?}");
        let mut left: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["c__nope.npy", "mine.npy", "notes.txt", "rust__loop.npy"]
        );
    }

    #[test]
    fn median_and_spread() {
        let p = Problem::new(12, 12, 0.1, 0.1, 100).unwrap();
        let mut r = blank_result(&Entry::Compiled(&crate::registry::KERNELS[0]));
        set_times(&mut r, &p, &[3.0, 1.0, 2.0, 10.0]);
        assert_eq!(
            (r.best_s, r.median_s, r.max_s),
            (Some(1.0), Some(2.5), Some(10.0))
        );
        assert_eq!(r.spread(), Some(10.0));
        // 10 x 10 interior points, 100 sweeps, in 1 s.
        assert_eq!(r.mlups, Some(0.01));
    }

    #[test]
    fn bound_exceeded_means_beyond_the_runs_noise() {
        let p = Problem::new(12, 12, 0.1, 0.1, 100).unwrap();
        let spec = ProblemSpec {
            nx: 12,
            ny: 12,
            iters: 100,
            dx: 0.1,
            dy: 0.1,
            omega: 1.5,
            repeat: 3,
            tolerance: 1e-6,
        };
        let e = Entry::Compiled(crate::registry::find("c/array").unwrap());
        let mut probe = probe::tests::fake();
        let run = |times: &[f64], probe: &Probe| {
            let mut r = blank_result(&e);
            set_times(&mut r, &p, times);
            set_bound(&mut r, &e, &spec, probe, 1);
            r
        };
        // 0.01 MLUP/s measured; a bound of 0.00935 MLUP/s: 107% with 0.5% spread.
        probe.vector_throughput_s.div = None;
        probe.div_by_width = vec![laplace_core::results::WidthTime {
            lanes: 1,
            seconds: 1.0 / 9350.0,
        }];
        let r = run(&[1.0, 1.005], &probe);
        assert!((r.percent_of_bound.unwrap() - 106.95).abs() < 0.01, "{r:?}");
        assert!(r.bound_exceeded);
        // 101.5% with a 2% spread is noise.
        probe.div_by_width[0].seconds = 1.0 / 9852.0;
        let r = run(&[1.0, 1.02], &probe);
        assert!(!r.bound_exceeded, "{r:?}");
        // Never more than 3% of slack, however noisy; at least 1%.
        probe.div_by_width[0].seconds = 1.0 / 9660.0;
        assert!(run(&[1.0, 1.5], &probe).bound_exceeded);
        probe.div_by_width[0].seconds = 1.0 / 9920.0;
        assert!(!run(&[1.0], &probe).bound_exceeded);
    }
}
