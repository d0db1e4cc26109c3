//! External kernels: kernels in languages Cargo does not build, run as a
//! separate process under a small protocol (`docs/external-kernels.md`).
//!
//! A manifest `kernels/external/<name>.toml` names the kernel, its scheme and
//! its command. The runner writes the initial grid as `.npy`, runs
//! `command --nx N --ny M --dx DX --dy DY --sweeps S --omega W --input IN --output OUT`,
//! reads the final grid back from `OUT` and verifies it against the
//! reference of the declared scheme, like any kernel. The kernel times its
//! own sweep loop and prints it as the last line of its standard output,
//! `{"sweep_seconds": 0.25, "runtime": "...", "flags": "...", "path": "..."}` (`path`
//! optional): the runner
//! cannot fairly time inside another process, so the time is self-reported
//! (and the wall time of the whole process is recorded beside it).

mod manifest;
mod process;
pub mod runtime;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use laplace_core::npy::{self, NpyError};
use laplace_core::{Cost, Kernel, Problem, Scheme};
use serde::Deserialize;
use thiserror::Error;

pub use manifest::Manifest;

/// The manifests' folder under the project root.
pub const MANIFEST_DIR: &str = "kernels/external";

/// The project root, found at run time: the nearest folder at or above the
/// current one with a `Cargo.toml` and a `kernels/external/` folder, else
/// the checkout the binary was built from (an installed binary run
/// elsewhere). Relative runtime candidates (`.venv/bin/python`) are found
/// here. Run time, not build time: a copied checkout that brought its
/// `target/` along must use its own manifests and `.venv`.
pub fn project_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        std::env::current_dir()
            .ok()
            .and_then(|here| {
                here.ancestors()
                    .find(|d| d.join("Cargo.toml").is_file() && d.join(MANIFEST_DIR).is_dir())
                    .map(Path::to_path_buf)
            })
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
    })
}

/// The folder `shootout` reads manifests from unless told otherwise.
pub fn default_dir() -> PathBuf {
    project_root().join(MANIFEST_DIR)
}

/// Seconds an invocation may run unless its manifest says otherwise.
pub const DEFAULT_TIMEOUT_S: u64 = 600;

/// How a timeout starts its message: `timed out after N s (...)`, in the
/// kernel's `error` (`<kernel>: timed out after ...`), so that the table and
/// the summary can say "timed out" rather than "FAILED verification".
pub const TIMED_OUT: &str = "timed out after";

/// The `timed out after N s` of a kernel's recorded error, if it timed out.
pub fn timed_out(error: &str) -> Option<&str> {
    let (_, rest) = error.split_once(": ")?;
    if !rest.starts_with(TIMED_OUT) {
        return None;
    }
    let end = rest.find(" s").map_or(rest.len(), |i| i + 2);
    Some(&rest[..end])
}

/// The MPI launcher of the `mpi` kernels (Open MPI's and MPICH's name).
pub const MPI_LAUNCHER: &str = "mpirun";

/// Seconds a kernel's `build` may run at least (a Rust MPI kernel compiles
/// its crates the first time).
const BUILD_TIMEOUT: Duration = Duration::from_secs(900);

/// The variable that gives the MPI slots (cores) of a cluster, when the
/// ranks run on other machines than the runner's.
pub const MPI_SLOTS_ENV: &str = "SHOOTOUT_MPI_SLOTS";

/// Whether `ranks` MPI ranks are more than the slots: [`MPI_SLOTS_ENV`]
/// if set, else this machine's logical cores. Then Open MPI must be told
/// `--oversubscribe`, and the ranks share cores.
pub fn oversubscribed(ranks: usize) -> bool {
    let slots = std::env::var(MPI_SLOTS_ENV)
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|s| *s > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
    ranks > slots
}

/// The launcher's words before an MPI program: `mpirun -np N`, with
/// `--oversubscribe` past the logical cores.
pub fn mpi_launch(ranks: usize) -> Vec<String> {
    let mut argv = vec![MPI_LAUNCHER.to_string(), "-np".into(), ranks.to_string()];
    if oversubscribed(ranks) {
        argv.push("--oversubscribe".into());
    }
    argv
}

/// Seconds an availability check may run.
const CHECK_TIMEOUT: Duration = Duration::from_secs(120);

/// Why manifests could not be loaded, or an external kernel could not run.
#[derive(Debug, Error)]
pub enum ExternalError {
    /// The manifest folder could not be read.
    #[error("cannot read the external-kernel folder {}: {error}", path.display())]
    Dir {
        /// The folder.
        path: PathBuf,
        /// The I/O error (in the message, not a `source`, so that it is
        /// printed once).
        error: std::io::Error,
    },
    /// A manifest is not valid.
    #[error("{}: {message}", path.display())]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Two kernels share a name.
    #[error("{}: the kernel name `{name}` is already taken by {first}", path.display())]
    Duplicate {
        /// The name.
        name: String,
        /// The manifest that repeats it.
        path: PathBuf,
        /// Who has it first.
        first: String,
    },
    /// The kernel could not be started, failed, or its output is unusable.
    #[error("{kernel}: {message}")]
    Run {
        /// The kernel.
        kernel: String,
        /// What happened.
        message: String,
    },
}

/// An external kernel, loaded from its manifest.
#[derive(Debug, Clone)]
pub struct ExternalKernel {
    /// `language/form[-variant]`, interned (see [`intern`]) so that results
    /// and verification errors hold it like a registered kernel's name.
    pub name: &'static str,
    /// The iteration it runs.
    pub scheme: Scheme,
    /// One line about it.
    pub description: String,
    /// Its manifest.
    pub manifest: PathBuf,
    /// Largest absolute difference from the reference that still passes.
    pub tolerance: f64,
    /// What bounds its speed.
    pub cost: Cost,
    /// Whether it uses the threads it is offered.
    pub parallel: bool,
    /// At most this many sweeps per invocation; more are extrapolated.
    pub max_sweeps: Option<usize>,
    /// Limit of one invocation.
    pub timeout: Duration,
    /// An MPI program, launched with `mpirun -np <ranks>`.
    pub mpi: bool,
    spec: Manifest,
    /// The outcome of its `build`, once built in this process.
    built: std::sync::Arc<OnceLock<Result<(), String>>>,
}

/// How an MPI kernel was launched, and what it measured of the machine's
/// messages.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct MpiReport {
    /// Half a ping-pong round trip of 8 bytes between ranks 0 and 1, seconds.
    pub latency_s: f64,
    /// Bytes per second of a 1 MiB ping-pong, latency taken off.
    pub bandwidth_bytes_per_s: f64,
}

/// Loads every `*.toml` in `dir`, in name order. `taken` are the names
/// already registered (compiled kernels), which a manifest may not reuse.
pub fn load_dir(dir: &Path, taken: &[&str]) -> Result<Vec<ExternalKernel>, ExternalError> {
    let entries = std::fs::read_dir(dir).map_err(|error| ExternalError::Dir {
        path: dir.to_path_buf(),
        error,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    paths.sort();
    let mut kernels: Vec<ExternalKernel> = Vec::with_capacity(paths.len());
    for path in paths {
        let k = ExternalKernel::load(&path)?;
        let first = taken
            .iter()
            .find(|&&n| n == k.name)
            .map(|_| "a compiled kernel of src/registry.rs".to_string())
            .or_else(|| {
                kernels
                    .iter()
                    .find(|o| o.name == k.name)
                    .map(|o| o.manifest.display().to_string())
            });
        if let Some(first) = first {
            return Err(ExternalError::Duplicate {
                name: k.name.to_string(),
                path,
                first,
            });
        }
        kernels.push(k);
    }
    Ok(kernels)
}

/// What one invocation produced.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The final grid, row-major.
    pub grid: Vec<f64>,
    /// The kernel's own time of its sweep loop.
    pub sweep_s: f64,
    /// Wall time of the whole process, start-up and I/O included.
    pub process_s: f64,
    /// The runtime and package versions the kernel reported.
    pub runtime: String,
    /// How the kernel was compiled or run, as it reported.
    pub flags: String,
    /// Which code path it took, as it reported (optional in the protocol).
    pub path: Option<String>,
    /// What an MPI kernel measured of its messages (two ranks or more).
    pub mpi: Option<MpiReport>,
}

/// The last line of a kernel's standard output.
#[derive(Debug, Deserialize)]
struct Report {
    sweep_seconds: f64,
    #[serde(default)]
    runtime: String,
    #[serde(default)]
    flags: String,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    mpi: Option<MpiReport>,
}

impl ExternalKernel {
    /// Reads and checks one manifest.
    pub fn load(path: &Path) -> Result<ExternalKernel, ExternalError> {
        let bad = |message: String| ExternalError::Manifest {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let spec = Manifest::parse(&text).map_err(bad)?;
        for word in spec
            .command
            .iter()
            .chain(&spec.check)
            .chain(&spec.build)
            .chain(spec.env.values())
        {
            let pieces = pieces(word).map_err(|e| bad(format!("`{word}`: {e}")))?;
            for name in pieces.iter().filter_map(Piece::placeholder) {
                if !matches!(name, "dir" | "threads" | "build") && runtime::find(name).is_none() {
                    return Err(bad(format!(
                        "unknown placeholder {{{name}}} (known: {{dir}}, {{threads}}, {{build}}, {})",
                        runtime::RUNTIMES
                            .iter()
                            .map(|r| format!("{{{}}}", r.placeholder))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
        Ok(ExternalKernel {
            name: intern(&spec.name),
            scheme: spec.scheme,
            description: spec.description.clone(),
            manifest: path.to_path_buf(),
            tolerance: spec.tolerance.unwrap_or(Kernel::TOLERANCE),
            cost: spec.cost.unwrap_or(Cost::of(spec.scheme)),
            parallel: spec.parallel,
            max_sweeps: spec.max_sweeps,
            timeout: Duration::from_secs(spec.timeout_s.unwrap_or(DEFAULT_TIMEOUT_S)),
            mpi: spec.mpi,
            spec,
            built: Default::default(),
        })
    }

    /// The folder its `build` writes into: in the runner's cache, named by
    /// the kernel and a hash of what shapes the build (the build command,
    /// the source files' bytes, the native flags), so a change rebuilds.
    pub fn build_folder(&self) -> PathBuf {
        // FNV-1a, 64 bits: stable across Rust versions, unlike std's hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for b in bytes.iter().chain(&[0]) {
                h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
            }
        };
        for word in &self.spec.build {
            eat(word.as_bytes());
        }
        for source in self.sources() {
            eat(&std::fs::read(&source).unwrap_or_default());
        }
        eat(native_flags().as_bytes());
        build_dir()
            .join("builds")
            .join(format!("{}-{h:016x}", self.name.replace('/', "-")))
    }

    /// Runs its `build` unless this process or an earlier one already did
    /// (a `.built` stamp in [`Self::build_folder`]); the error says why
    /// the build failed.
    fn ensure_built(&self) -> Result<(), String> {
        if self.spec.build.is_empty() {
            return Ok(());
        }
        self.built
            .get_or_init(|| {
                let folder = self.build_folder();
                let stamp = folder.join(".built");
                if stamp.is_file() {
                    return Ok(());
                }
                std::fs::create_dir_all(&folder)
                    .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
                let argv = self.expand_all(&self.spec.build, 1)?;
                let env = self.environment(1)?;
                let out = process::run(&argv, &env, self.timeout.max(BUILD_TIMEOUT))
                    .map_err(|e| format!("build: {e}"))?;
                if !out.success {
                    return Err(format!(
                        "build `{}` exited with {}: {}",
                        self.spec.build.join(" "),
                        out.status,
                        last_line(&out.stderr).unwrap_or("no message on stderr")
                    ));
                }
                std::fs::write(&stamp, b"")
                    .map_err(|e| format!("cannot write {}: {e}", stamp.display()))
            })
            .clone()
    }

    /// The kernel's source files its manifest names (none if it names
    /// none), resolved against the manifest's folder.
    pub fn sources(&self) -> Vec<PathBuf> {
        let dir = self.manifest.parent().unwrap_or(Path::new("."));
        self.spec
            .source
            .paths()
            .iter()
            .map(|s| dir.join(s))
            .collect()
    }

    /// The command as written in the manifest.
    pub fn command_text(&self) -> String {
        self.spec.command.join(" ")
    }

    /// Sweeps one invocation runs for a problem of `iters` sweeps.
    pub fn sweeps_for(&self, iters: usize) -> usize {
        self.max_sweeps.map_or(iters, |m| iters.min(m))
    }

    /// Replaces the placeholders of `word`, and `{{` and `}}` by `{` and
    /// `}`, in one pass (a value is never expanded again).
    fn expand(&self, word: &str, threads: usize) -> Result<String, String> {
        let mut out = String::with_capacity(word.len());
        for piece in pieces(word)? {
            let name = match piece {
                Piece::Text(text) => {
                    out.push_str(&text);
                    continue;
                }
                Piece::Placeholder(name) => name,
            };
            let value = match name {
                "dir" => self
                    .manifest
                    .parent()
                    .unwrap_or(Path::new("."))
                    .display()
                    .to_string(),
                "threads" => threads.to_string(),
                "build" => self.build_folder().display().to_string(),
                rt => runtime::find(rt)
                    .ok_or_else(|| format!("unknown placeholder {{{rt}}}"))?
                    .locate(project_root())?
                    .display()
                    .to_string(),
            };
            out.push_str(&value);
        }
        Ok(out)
    }

    fn expand_all(&self, words: &[String], threads: usize) -> Result<Vec<String>, String> {
        words.iter().map(|w| self.expand(w, threads)).collect()
    }

    fn environment(&self, threads: usize) -> Result<BTreeMap<String, String>, String> {
        let mut env = BTreeMap::new();
        env.insert("SHOOTOUT_CFLAGS".into(), native_flags());
        env.insert(
            "SHOOTOUT_BUILD_DIR".into(),
            build_dir().display().to_string(),
        );
        env.insert("SHOOTOUT_THREADS".into(), threads.to_string());
        for (k, v) in &self.spec.env {
            env.insert(k.clone(), self.expand(v, threads)?);
        }
        Ok(env)
    }

    /// `Ok` if the kernel can run here, otherwise why not and how to fix it.
    pub fn availability(&self) -> Result<(), String> {
        let hint = |reason: String| match &self.spec.setup {
            Some(setup) if !reason.contains(setup.as_str()) => format!("{reason}; run `{setup}`"),
            _ => reason,
        };
        if self.mpi && runtime::find_on_path(MPI_LAUNCHER).is_none() {
            return Err(hint(format!(
                "`{MPI_LAUNCHER}` not found (Open MPI: apt-get install openmpi-bin libopenmpi-dev)"
            )));
        }
        let command = self.expand_all(&self.spec.command, 1).map_err(hint)?;
        // A program the kernel builds is checked once built, at its first run.
        let built_here = !self.spec.build.is_empty() && self.spec.command[0].contains("{build}");
        let program = if built_here {
            Some(PathBuf::from(&command[0]))
        } else if command[0].contains('/') {
            Some(PathBuf::from(&command[0])).filter(|p| p.is_file())
        } else {
            runtime::find_on_path(&command[0])
        };
        let Some(program) = program else {
            return Err(hint(format!("program `{}` not found", command[0])));
        };
        if !built_here && !runtime::is_executable(&program) {
            return Err(hint(format!(
                "program `{}` is not executable (no execute permission for this user; \
                 `chmod +x {}`, or run it through its interpreter in `command`)",
                program.display(),
                program.display()
            )));
        }
        if self.spec.check.is_empty() {
            return Ok(());
        }
        let check = self.expand_all(&self.spec.check, 1).map_err(hint)?;
        let env = self.environment(1).map_err(hint)?;
        match process::run(&check, &env, CHECK_TIMEOUT) {
            Ok(out) if out.success => Ok(()),
            Ok(out) => Err(hint(format!(
                "`{}` failed: {}",
                self.spec.check.join(" "),
                last_line(&out.stderr).unwrap_or("no message")
            ))),
            Err(e) => Err(hint(e.to_string())),
        }
    }

    /// Runs the kernel once on `problem` (at most `max_sweeps` sweeps), the
    /// initial grid read from `input`, and reads back its grid. `work` is a
    /// folder the output may be written to.
    /// An MPI kernel runs on `ranks` ranks; others ignore it. A kernel
    /// with a `build` is built first, once.
    pub fn invoke(
        &self,
        problem: &Problem,
        threads: usize,
        ranks: usize,
        input: &Path,
        work: &Path,
    ) -> Result<Invocation, ExternalError> {
        let fail = |message: String| ExternalError::Run {
            kernel: self.name.to_string(),
            message,
        };
        self.ensure_built().map_err(fail)?;
        let output = work.join("output.npy");
        let _ = std::fs::remove_file(&output);
        let mut argv = if self.mpi {
            mpi_launch(ranks.max(1))
        } else {
            Vec::new()
        };
        argv.extend(self.expand_all(&self.spec.command, threads).map_err(fail)?);
        let sweeps = self.sweeps_for(problem.iters);
        for (flag, value) in [
            ("--nx", problem.nx.to_string()),
            ("--ny", problem.ny.to_string()),
            ("--dx", format!("{:?}", problem.dx)),
            ("--dy", format!("{:?}", problem.dy)),
            ("--sweeps", sweeps.to_string()),
            ("--omega", format!("{:?}", problem.omega())),
            ("--input", input.display().to_string()),
            ("--output", output.display().to_string()),
        ] {
            argv.push(flag.into());
            argv.push(value);
        }
        let mut env = self.environment(threads).map_err(fail)?;
        if self.mpi {
            // Open MPI refuses root without both (CI runs as root).
            env.insert("OMPI_ALLOW_RUN_AS_ROOT".into(), "1".into());
            env.insert("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM".into(), "1".into());
        }
        let out = process::run(&argv, &env, self.timeout).map_err(|e| fail(e.to_string()))?;
        if !out.success {
            return Err(fail(format!(
                "exited with {}: {}",
                out.status,
                last_line(&out.stderr).unwrap_or("no message on stderr")
            )));
        }
        let report = last_line(&out.stdout)
            .ok_or_else(|| {
                fail(
                    "printed nothing; the last line of stdout must be {\"sweep_seconds\": ...}"
                        .into(),
                )
            })
            .and_then(|line| {
                serde_json::from_str::<Report>(line).map_err(|e| {
                    fail(format!(
                        "the last line of stdout is not {{\"sweep_seconds\": ...}} ({e}): {line}"
                    ))
                })
            })?;
        check_sweep_seconds(report.sweep_seconds, out.wall_s, problem, sweeps).map_err(fail)?;
        // Never block on, or read without end from, what the kernel made:
        // a regular file, no larger than the problem's grid and a header.
        let meta = std::fs::symlink_metadata(&output)
            .map_err(|e| fail(format!("wrote no grid to {}: {e}", output.display())))?;
        let most = (problem.cells() as u64) * 8 + 64 * 1024;
        if !meta.file_type().is_file() {
            return Err(fail(format!("{} is not a regular file", output.display())));
        }
        if meta.len() > most {
            return Err(fail(format!(
                "{} holds {} bytes, more than a {}x{} grid ({most} at most)",
                output.display(),
                meta.len(),
                problem.nx,
                problem.ny
            )));
        }
        let file = std::fs::File::open(&output)
            .map_err(|e| fail(format!("wrote no grid to {}: {e}", output.display())))?;
        let (nx, ny, grid) = npy::read(std::io::BufReader::new(file))
            .map_err(|e: NpyError| fail(format!("{}: {e}", output.display())))?;
        if (nx, ny) != (problem.nx, problem.ny) {
            return Err(fail(format!(
                "wrote a {nx}x{ny} grid for a {}x{} problem",
                problem.nx, problem.ny
            )));
        }
        Ok(Invocation {
            grid,
            sweep_s: report.sweep_seconds,
            process_s: out.wall_s,
            runtime: bounded_text(&report.runtime, MAX_FIELD),
            flags: bounded_text(&report.flags, MAX_FIELD),
            path: report.path.map(|p| bounded_text(&p, 40)),
            mpi: report
                .mpi
                .filter(|m| m.latency_s.is_finite() && m.bandwidth_bytes_per_s.is_finite()),
        })
    }
}

/// The longest `runtime` or `flags` text kept from a kernel's report, and
/// the bounding of every field a kernel controls, before anything shows it.
pub use laplace_core::text::{MAX_FIELD, bounded_text};

/// Updates per second no machine reaches: 10^13 (ten million MLUP/s, a
/// thousand times the fastest kernel measured here on 16 cores). A
/// self-reported time implying more is not a time.
pub const MAX_UPDATES_PER_S: f64 = 1e13;

/// Whether a kernel's self-reported time of `sweeps` sweeps of `problem`
/// can be true: finite, positive, no longer than the whole process took
/// (`wall_s`, with 1% and 1 ms for the two clocks), and not faster than
/// [`MAX_UPDATES_PER_S`].
pub fn check_sweep_seconds(
    secs: f64,
    wall_s: f64,
    problem: &Problem,
    sweeps: usize,
) -> Result<(), String> {
    // Zero sweeps may take no measurable time; any sweep takes some.
    let least = if sweeps == 0 { secs >= 0.0 } else { secs > 0.0 };
    if !(secs.is_finite() && least) {
        return Err(format!("reported sweep_seconds = {secs}, not a time"));
    }
    if secs > wall_s * 1.01 + 1e-3 {
        return Err(format!(
            "reported sweep_seconds = {secs}, longer than the whole process ({wall_s:.3} s)"
        ));
    }
    let updates = (problem.nx - 2) as f64 * (problem.ny - 2) as f64 * sweeps as f64;
    if updates / secs > MAX_UPDATES_PER_S {
        return Err(format!(
            "reported sweep_seconds = {secs:e} for {updates:e} updates: {:e} updates/s, \
             beyond any machine (limit {MAX_UPDATES_PER_S:e})",
            updates / secs
        ));
    }
    Ok(())
}

/// The optimisation flags every compiled language gets (`-O3
/// -march=<target-cpu>`), passed to external kernels that compile native
/// code as `SHOOTOUT_CFLAGS`.
pub fn native_flags() -> String {
    format!("-O3 -march={}", crate::provenance::TARGET_CPU)
}

/// Where external kernels may cache what they compile.
pub fn build_dir() -> PathBuf {
    crate::probe::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("external")
}

/// `name` as a `&'static str`: each distinct name is allocated once per
/// process and stays reachable from this table (so it is not a leak, for
/// LeakSanitizer or anyone else), however often manifests are loaded.
fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(&known) = names.get(name) {
        return known;
    }
    let new: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(new);
    new
}

/// A word of a manifest's `command`, `check` or `env` value, read into
/// text and placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'w> {
    /// Literal text (`{{` and `}}` already read as `{` and `}`).
    Text(String),
    /// `{name}`.
    Placeholder(&'w str),
}

impl<'w> Piece<'w> {
    fn placeholder(&self) -> Option<&'w str> {
        match self {
            Piece::Placeholder(name) => Some(name),
            Piece::Text(_) => None,
        }
    }
}

/// `word` as text and `{name}` placeholders; `{{` is a literal `{` and `}}`
/// a literal `}` (as in Rust's and Python's format strings). A `{` without
/// its `}`, or a `}` alone, is an error saying how to write it literally.
fn pieces(word: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = word;
    while let Some(i) = rest.find(['{', '}']) {
        text.push_str(&rest[..i]);
        let (brace, after) = (&rest[i..i + 1], &rest[i + 1..]);
        if let Some(tail) = after.strip_prefix(brace) {
            text.push_str(brace);
            rest = tail;
        } else if brace == "}" {
            return Err("a `}` without its `{` (write a literal `}` as `}}`)".into());
        } else {
            let Some(end) = after.find('}') else {
                return Err("a `{` without its `}` (write a literal `{` as `{{`)".into());
            };
            if !text.is_empty() {
                out.push(Piece::Text(std::mem::take(&mut text)));
            }
            out.push(Piece::Placeholder(&after[..end]));
            rest = &after[end + 1..];
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

/// The last non-empty line of `text`.
fn last_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).rfind(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_interned_once() {
        let a = intern("python/array-test");
        let b = intern(&String::from("python/array-test"));
        assert!(std::ptr::eq(a, b));
        assert_ne!(intern("python/loop-test"), a);
    }

    #[test]
    fn finds_placeholders_and_escaped_braces() {
        let names = |w| {
            pieces(w)
                .unwrap()
                .iter()
                .filter_map(Piece::placeholder)
                .collect::<Vec<_>>()
        };
        assert_eq!(names("{dir}/x/{python}"), ["dir", "python"]);
        assert!(names("plain").is_empty());
        assert_eq!(
            pieces("{dir}/x").unwrap(),
            [Piece::Placeholder("dir"), Piece::Text("/x".into())]
        );
        // Issue 15: `{{` and `}}` are literal braces, not placeholders.
        assert_eq!(
            pieces("d = {{}}; {{{threads}}}").unwrap(),
            [
                Piece::Text("d = {}; {".into()),
                Piece::Placeholder("threads"),
                Piece::Text("}".into())
            ]
        );
        assert!(names("{{dir}}").is_empty());
        assert!(pieces("{open").unwrap_err().contains("`{{`"));
        assert!(pieces("close}").unwrap_err().contains("`}}`"));
        assert!(pieces("{{{x").is_err());
    }

    #[test]
    fn a_timeout_is_recognised_in_an_error() {
        assert_eq!(
            timed_out("fixture/array-slow: timed out after 1 s (`python3` was killed)"),
            Some("timed out after 1 s")
        );
        assert_eq!(
            timed_out("x/loop: exited with 1: timed out after 3 s"),
            None
        );
        assert_eq!(timed_out("x/loop: does not match"), None);
    }

    #[test]
    fn last_line_skips_blank_lines() {
        assert_eq!(last_line("a\n{\"x\": 1}\n\n"), Some("{\"x\": 1}"));
        assert_eq!(last_line("\n \n"), None);
    }

    #[test]
    fn shipped_manifests_load() {
        let ks = load_dir(&default_dir(), &[]).expect("shipped manifests");
        assert!(ks.iter().any(|k| k.name == "python/array-numpy"));
        for k in &ks {
            assert!(
                laplace_core::KernelName::parse(k.name).is_ok(),
                "{}",
                k.name
            );
        }
    }

    #[test]
    fn impossible_self_reported_times_are_refused() {
        let p = Problem::SEED;
        let wall = 2.0;
        for bad in [0.0, -1.0, 5e-324, f64::INFINITY, f64::NAN, 3.0, 1e-9] {
            assert!(
                check_sweep_seconds(bad, wall, &p, 8000).is_err(),
                "{bad} was accepted"
            );
        }
        for good in [0.05, 1.0, 2.0] {
            check_sweep_seconds(good, wall, &p, 8000).unwrap();
        }
    }
}
