//! `cargo xtask`: the README's commands.
//!
//! - `cargo xtask run [--with-python] [ARGS...]`: installs what the build
//!   needs (and, with `--with-python`, the Python kernels' virtual
//!   environment and Debian's `pypy3`), then runs the shootout (`shootout run ARGS...`) in release
//!   mode and writes the results and the report to `target/shootout/`.
//! - `cargo xtask reference [--with-python] [ARGS...]`: races into this
//!   CPU's document in `reports/machines/`, then renders the committed
//!   report in `reports/` from every document there.
//! - `cargo xtask test`: installs what the build needs, then runs the whole
//!   suite: `cargo fmt --check`, `cargo clippy --all-targets -- -D warnings`,
//!   `cargo test --workspace` (with NumPy in `.venv`, so the external-kernel
//!   protocol is tested on `python/array-numpy`), the ignored end-to-end test of `new-kernel`
//!   (`tests/scaffold.rs`), the benches in criterion's quick test mode and
//!   `cargo xtask sanitize`.
//! - `cargo xtask setup [--with-python] [--with-mpi]`: only the
//!   installation step (`--with-mpi`: Open MPI, for the MPI kernels).
//! - `cargo xtask new-kernel <language/form> --scheme <scheme>`: scaffolds a
//!   kernel (source, header prototype, registry line); see [`scaffold`].
//! - `cargo xtask sanitize | valgrind | miri [ARGS...]`: the tests under
//!   ASan + UBSan, valgrind memcheck or Miri; see [`sanitize`].
//! - `cargo xtask fuzz [--seconds N]`: the fuzz properties of the `.npy`
//!   reader and the results-document loader for about N seconds (default
//!   60); see [`fuzz`].
//!
//! The build needs the compiler of every foreign language of
//! `laplace_core::LANGUAGES` (gcc, g++, gfortran) and libclang with its
//! headers (bindgen). On Debian and Ubuntu they are installed with apt-get,
//! directly as root or through sudo; elsewhere the command says what to
//! install.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use laplace_core::results::CpuSignature;

mod fuzz;
mod python;
mod sanitize;
mod scaffold;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = env::args().skip(1).collect();
    let (cmd, rest) = args
        .split_first()
        .map_or(("help", &[][..]), |(c, r)| (c.as_str(), r));
    let (with_python, rest) = pass_through(rest);
    let with_mpi = rest.iter().any(|a| a == "--with-mpi");
    let rest: Vec<String> = rest.into_iter().filter(|a| a != "--with-mpi").collect();
    let rest = &rest[..];
    let optional = |python: bool, mpi: bool| -> Result<()> {
        if python {
            python::setup(&workspace_root(), python::FULL)?;
            python::setup_pypy();
        }
        if mpi {
            setup_mpi()?;
        }
        Ok(())
    };
    match cmd {
        "setup" => {
            setup()?;
            optional(with_python, with_mpi)
        }
        "run" => {
            setup()?;
            optional(with_python, with_mpi)?;
            cargo(
                &[
                    "run",
                    "--release",
                    "--bin",
                    "shootout",
                    "--",
                    "run",
                    "--report",
                    RUN_DIR,
                    "--thread-sweep",
                    "--rank-sweep",
                ],
                rest,
            )?;
            eprintln!(
                "xtask: results and report in {}",
                workspace_root().join(RUN_DIR).display()
            );
            Ok(())
        }
        "reference" => {
            setup()?;
            optional(with_python, with_mpi)?;
            reference(rest)
        }
        "test" => {
            setup()?;
            python::setup(&workspace_root(), python::CI)?;
            test()
        }
        "new-kernel" => scaffold::command(&workspace_root(), rest),
        "fuzz" => fuzz::run(rest),
        "sanitize" | "valgrind" | "miri" => {
            if cmd != "miri" {
                setup()?;
            }
            sanitize::run(cmd, rest)
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 commands:\n  run [--with-python] [--with-mpi] [ARGS...]\n                 \
                 install what is missing, then race every kernel (shootout run ARGS...)\n                 \
                 into target/shootout/ (results.json and the report);\n                 \
                 --with-python also sets up .venv with every Python row's pinned packages\n                 \
                 (kernels/external/python/requirements.txt) and installs pypy3;\n                 \
                 --with-mpi installs Open MPI (the MPI kernels, timed at 1..N ranks)\n  \
                 reference [--with-python] [--with-mpi] [ARGS...]\n                 \
                 race into reports/machines/<this cpu>.json, then render the committed\n                 \
                 report in reports/ from every document there\n  \
                 test           install what is missing, then fmt, clippy, tests (NumPy in .venv),\n                 \
                 a quick bench check, ASan+UBSan\n  \
                 setup [--with-python] [--with-mpi]\n                 \
                 only install what is missing (gcc, g++, gfortran, libclang-dev; the Python kernels' .venv and pypy3;\n                 \
                 with --with-mpi, Open MPI for the MPI kernels)\n  \
                 new-kernel <language/form> --scheme <jacobi|gauss-seidel|red-black-sor>\n                 \
                 scaffold a kernel that passes verification as generated (see CONTRIBUTING.md)\n  \
                 sanitize | valgrind | miri [ARGS...]\n                 \
                 the tests under ASan+UBSan, valgrind memcheck or Miri (README, Memory safety)\n  \
                 fuzz [--seconds N]\n                 \
                 fuzz the .npy reader and the results-document loader for about N s (default 60)"
            );
            if cmd == "help" || cmd == "--help" || cmd == "-h" {
                Ok(())
            } else {
                bail!("unknown command `{cmd}`")
            }
        }
    }
}

/// Where `cargo xtask run` writes its results document and report: a folder
/// git ignores, so a user's race never touches the committed report.
const RUN_DIR: &str = "target/shootout";

/// Where the committed report's results documents live, one per CPU.
const MACHINES_DIR: &str = "reports/machines";

/// `cargo xtask reference [ARGS...]`: races every kernel into this CPU's
/// document in `reports/machines/` (replacing it), then renders the
/// committed report in `reports/` from every document there. The only
/// command that changes the committed report.
fn reference(rest: &[String]) -> Result<()> {
    let root = workspace_root();
    let json = format!("{MACHINES_DIR}/{}.json", cpu_slug());
    let mut args = vec!["run", "--release", "--bin", "shootout", "--", "run"];
    args.extend([
        "--thread-sweep",
        "--rank-sweep",
        "--reprobe",
        "--force",
        "--json",
        &json,
    ]);
    cargo(&args, rest)?;
    let mut docs: Vec<String> = std::fs::read_dir(root.join(MACHINES_DIR))
        .with_context(|| format!("cannot read {MACHINES_DIR}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.display().to_string())
        .collect();
    docs.sort();
    let mut args = vec!["run", "--release", "--bin", "shootout", "--", "report"];
    args.extend(docs.iter().map(String::as_str));
    args.extend(["--out", "reports"]);
    cargo(&args, &[])?;
    eprintln!(
        "xtask: wrote {json} and the report in reports/ from {} documents",
        docs.len()
    );
    Ok(())
}

/// The file name of this CPU's document in `reports/machines/`
/// ([`CpuSignature::file_stem`]); `cpu` where `/proc/cpuinfo` says nothing.
fn cpu_slug() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    CpuSignature::from_cpuinfo(&info).map_or_else(|| "cpu".into(), |s| s.file_stem())
}

/// Splits `--with-python` off the arguments; the rest go to the command.
/// `cargo xtask run -- ARGS` and `cargo xtask run ARGS` pass the same ARGS.
fn pass_through(args: &[String]) -> (bool, Vec<String>) {
    let with_python = args.iter().any(|a| a == "--with-python");
    let rest = args
        .iter()
        .filter(|a| *a != "--with-python")
        .skip_while(|a| *a == "--")
        .cloned()
        .collect();
    (with_python, rest)
}

/// The whole test suite, in the order that fails fastest.
fn test() -> Result<()> {
    cargo(&["fmt", "--all", "--check"], &[])?;
    cargo(
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    // NumPy is in .venv (see `python::CI`): the protocol test must not skip.
    // SAFETY: single-threaded here; the variable is read by child processes.
    unsafe { env::set_var("SHOOTOUT_REQUIRE_PYTHON", "1") };
    cargo(&["test", "--workspace"], &[])?;
    // Every kernel verified again on its portable path (the hand-vectorised
    // ones take it only when told; README, "Which path ran").
    // SAFETY: as above.
    unsafe { env::set_var("SHOOTOUT_PORTABLE", "1") };
    let portable = cargo(
        &["test", "--package", "laplace-shootout", "--test", "verify"],
        &[],
    );
    // SAFETY: as above.
    unsafe { env::remove_var("SHOOTOUT_PORTABLE") };
    portable?;
    // The slow end-to-end test of `new-kernel`, ignored by a plain `cargo
    // test`: scaffolds every template in a copy of the tree and builds it there.
    cargo(
        &[
            "test",
            "--package",
            "laplace-shootout",
            "--test",
            "scaffold",
            "--",
            "--ignored",
        ],
        &[],
    )?;
    // Each benchmark once, without measuring: a broken bench fails here.
    // `cargo test` runs criterion's harness in its test mode, built with
    // the test profile the suite has just built (a release build of the
    // benches took three minutes of CI for nothing they test).
    cargo(&["test", "--bench", "kernels"], &[])?;
    // The C and Fortran kernels again under ASan + UBSan (its own build
    // folder, a few minutes); valgrind and Miri stay separate commands.
    sanitize::sanitize(&[])
}

/// Runs `cargo ARGS EXTRA` in the workspace root.
fn cargo(args: &[&str], extra: &[String]) -> Result<()> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(args)
        .args(extra)
        .current_dir(workspace_root())
        .status()
        .with_context(|| format!("cannot run {cargo}"))?;
    if !status.success() {
        bail!("`cargo {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// The workspace this command works on, found at run time: the nearest
/// folder at or above the current one whose `Cargo.toml` declares a
/// `[workspace]` and has an `xtask/` beside it. Not the folder the binary
/// was built in: a copied checkout that brought its `target/` along would
/// otherwise be edited in the original's place. The build folder is the
/// fallback outside any checkout.
fn workspace_root() -> PathBuf {
    let here = env::current_dir().ok();
    here.as_deref().and_then(find_workspace).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf()
    })
}

/// The nearest workspace root at or above `start` (see [`workspace_root`]).
fn find_workspace(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        let declares = manifest.lines().any(|l| l.trim() == "[workspace]");
        (declares && dir.join("xtask").is_dir()).then(|| dir.to_path_buf())
    })
}

/// A build requirement: how to detect it and which packages provide it.
struct Requirement {
    what: String,
    debian: &'static str,
    fedora: &'static str,
    present: Box<dyn Fn() -> bool>,
}

/// Every build requirement: the compiler of each foreign language of
/// `laplace_core::LANGUAGES`, and libclang for bindgen.
fn requirements() -> Vec<Requirement> {
    let mut out: Vec<Requirement> = laplace_core::LANGUAGES
        .iter()
        .filter_map(|lang| {
            let c = lang.foreign?.compiler;
            Some(Requirement {
                what: format!("{} ({} kernels)", c.probe, lang.title),
                debian: c.debian,
                fedora: c.fedora,
                present: Box::new(move || {
                    let tool = env::var(c.env).unwrap_or_else(|_| c.probe.to_string());
                    Command::new(tool)
                        .arg("--version")
                        .output()
                        .is_ok_and(|o| o.status.success())
                }),
            })
        })
        .collect();
    out.push(Requirement {
        what: "libclang and clang's headers (bindgen)".into(),
        debian: "libclang-dev",
        fedora: "clang-devel",
        present: Box::new(has_libclang),
    });
    out
}

/// Installs Open MPI (`mpirun`, `mpicc`, `mpif90`) for the MPI kernels,
/// unless `mpirun` and `mpicc` are already on `PATH`.
fn setup_mpi() -> Result<()> {
    if on_path("mpirun") && on_path("mpicc") && on_path("mpif90") {
        return Ok(());
    }
    install_packages(
        &["openmpi-bin", "libopenmpi-dev"],
        "Open MPI (the MPI kernels)",
    )?;
    if !on_path("mpirun") {
        bail!("mpirun is still missing after installing openmpi-bin");
    }
    Ok(())
}

/// Installs whatever of [`requirements`] is missing.
fn setup() -> Result<()> {
    let all = requirements();
    let missing: Vec<&Requirement> = all.iter().filter(|r| !(r.present)()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing.iter().map(|r| r.what.as_str()).collect();
    eprintln!("xtask: missing {}; installing", names.join(" and "));
    let packages: Vec<&str> = missing.iter().map(|r| r.debian).collect();
    if !on_path("apt-get") {
        let fedora: Vec<&str> = missing.iter().map(|r| r.fedora).collect();
        bail!(
            "this system has no apt-get. Install {} yourself, e.g.\n  \
             Debian/Ubuntu: apt-get install {}\n  Fedora: dnf install {}\n  \
             macOS: brew install gcc llvm (and set LIBCLANG_PATH)",
            names.join(" and "),
            packages.join(" "),
            fedora.join(" ")
        );
    }
    install_packages(&packages, &names.join(" and "))?;
    for r in &missing {
        if !(r.present)() {
            bail!("{} is still missing after installing {}", r.what, r.debian);
        }
    }
    Ok(())
}

/// Installs Debian `packages` (providing `what`) with apt-get, as root or
/// through sudo; elsewhere says what to install.
pub(crate) fn install_packages(packages: &[&str], what: &str) -> Result<()> {
    if !on_path("apt-get") {
        bail!(
            "{what} is missing and this system has no apt-get: install {} yourself",
            packages.join(" ")
        );
    }
    let sudo: &[&str] = if is_root() {
        &[]
    } else if on_path("sudo") {
        &["sudo"]
    } else {
        bail!(
            "installing {what} needs root: run `apt-get install {}` as root",
            packages.join(" ")
        );
    };
    eprintln!("xtask: installing {what}");
    run_privileged(sudo, &["apt-get", "update", "-q"])?;
    let mut install = vec!["apt-get", "install", "-y", "-q", "--no-install-recommends"];
    install.extend(packages);
    run_privileged(sudo, &install)
}

/// The first `tool` in a folder of `PATH`.
pub(crate) fn which(tool: &str) -> Option<PathBuf> {
    env::var_os("PATH").and_then(|p| {
        env::split_paths(&p)
            .map(|d| d.join(tool))
            .find(|f| f.is_file())
    })
}

fn run_privileged(sudo: &[&str], cmd: &[&str]) -> Result<()> {
    let all: Vec<&str> = sudo.iter().chain(cmd).copied().collect();
    eprintln!("xtask: {}", all.join(" "));
    let status = Command::new(all[0])
        .args(&all[1..])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .with_context(|| format!("cannot run {}", all[0]))?;
    if !status.success() {
        bail!("`{}` failed ({status})", all.join(" "));
    }
    Ok(())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

fn on_path(tool: &str) -> bool {
    which(tool).is_some()
}

/// libclang itself (not libclang-cpp) and clang's `stddef.h`, which the
/// kernel headers include.
fn has_libclang() -> bool {
    let mut lib_dirs: Vec<PathBuf> = env::var_os("LIBCLANG_PATH")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    lib_dirs.extend(
        [
            "/usr/lib",
            "/usr/lib64",
            "/usr/local/lib",
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
        ]
        .map(PathBuf::from),
    );
    lib_dirs.extend(glob_dirs("/usr/lib", "llvm-", "lib"));
    let is_libclang = |name: &str| {
        name.starts_with("libclang.so")
            || name.strip_prefix("libclang-").is_some_and(|rest| {
                rest.starts_with(|c: char| c.is_ascii_digit()) && rest.contains(".so")
            })
    };
    let lib = lib_dirs.iter().any(|d| {
        std::fs::read_dir(d).is_ok_and(|rd| {
            rd.filter_map(|e| e.ok())
                .any(|e| is_libclang(&e.file_name().to_string_lossy()))
        })
    });
    let headers = glob_dirs("/usr/lib", "llvm-", "lib/clang")
        .into_iter()
        .chain([
            PathBuf::from("/usr/lib/clang"),
            PathBuf::from("/usr/lib64/clang"),
        ])
        .any(|d| {
            std::fs::read_dir(d).is_ok_and(|rd| {
                rd.filter_map(|e| e.ok())
                    .any(|e| e.path().join("include/stddef.h").is_file())
            })
        });
    lib && headers
}

/// `base/<prefix>*/<sub>` for every matching entry.
fn glob_dirs(base: &str, prefix: &str, sub: &str) -> Vec<PathBuf> {
    std::fs::read_dir(base)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
                .map(|e| e.path().join(sub))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of a checkout is found from inside it, not the checkout the
    /// binary was built in; a folder outside any checkout finds nothing.
    #[test]
    fn the_workspace_is_the_one_around_the_current_folder() {
        let copy = env::temp_dir().join(format!("xtask-ws-{}", std::process::id()));
        let deep = copy.join("crates/some/src");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir_all(copy.join("xtask")).unwrap();
        std::fs::write(
            copy.join("Cargo.toml"),
            "[package]\nname = \"x\"\n\n[workspace]\n",
        )
        .unwrap();
        assert_eq!(find_workspace(&deep), Some(copy.clone()));
        assert_eq!(find_workspace(&copy), Some(copy.clone()));
        std::fs::remove_dir_all(&copy).unwrap();
        assert_eq!(find_workspace(Path::new("/")), None);
    }

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_pass_through_with_or_without_a_separator() {
        let want = args(&["--kernels", "c/", "--repeat", "1"]);
        assert_eq!(pass_through(&want), (false, want.clone()));
        assert_eq!(
            pass_through(&args(&["--", "--kernels", "c/", "--repeat", "1"])),
            (false, want.clone())
        );
        assert_eq!(
            pass_through(&args(&[
                "--with-python",
                "--",
                "--kernels",
                "c/",
                "--repeat",
                "1"
            ])),
            (true, want)
        );
    }
}
