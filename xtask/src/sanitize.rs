//! Memory safety across the FFI (README, "Memory safety"):
//!
//! - `cargo xtask sanitize [ARGS...]`: the C and Fortran kernels rebuilt with
//!   AddressSanitizer + UndefinedBehaviorSanitizer (`LAPLACE_SANITIZE=1`, read
//!   by `laplace-build`; Fortran also gets `-fcheck=all`), then every test of
//!   the packages that call them; any finding fails the run. Part of
//!   `cargo xtask test`.
//! - `cargo xtask valgrind [ARGS...]`: the verification tests and the FFI
//!   crates' unit tests under valgrind memcheck, installing valgrind first
//!   with apt-get if it is missing.
//! - `cargo xtask miri [ARGS...]`: the pure-Rust crates' tests under Miri
//!   (needs a nightly toolchain; Miri cannot call C or Fortran).
//!
//! `ARGS` go to `cargo test`: a target selection (`--test verify`, `--lib`)
//! replaces the default set of test targets, `-- FILTER` filters tests. Each check builds
//! in its own folder under the target directory, so switching between them
//! and the normal build rebuilds nothing.

use std::env;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::{is_root, on_path, run_privileged, workspace_root};

/// `-p` arguments for the crates whose tests call foreign kernels: the root
/// package and the crate of every foreign language of the table.
fn ffi_packages() -> Vec<String> {
    let mut args = vec!["-p".to_string(), "laplace-shootout".to_string()];
    for lang in laplace_core::LANGUAGES
        .iter()
        .filter(|l| l.foreign.is_some())
    {
        args.push("-p".into());
        args.push(lang.crate_name.replace('_', "-"));
    }
    args
}

/// Runs `cargo xtask <cmd> ARGS`; `cmd` is `sanitize`, `valgrind` or `miri`.
pub fn run(cmd: &str, extra: &[String]) -> Result<()> {
    let start = Instant::now();
    match cmd {
        "sanitize" => sanitize(extra),
        "valgrind" => valgrind(extra),
        "miri" => miri(extra),
        _ => bail!("unknown memory-safety check `{cmd}`"),
    }?;
    eprintln!(
        "xtask: {cmd}: clean ({:.0} s)",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// ASan + UBSan: every unit and integration test of the FFI crates and of
/// the root package (verification, command line), against kernels compiled
/// with the sanitizers. ASan's runtime intercepts `malloc`, so the Rust-owned
/// grid buffers get red zones too: a kernel that steps outside `nx * ny`
/// values is reported, and so is a leak of a Fortran array temporary.
pub fn sanitize(extra: &[String]) -> Result<()> {
    let mut cmd = cargo();
    cmd.arg("test").args(ffi_packages());
    if !selects_targets(extra) {
        cmd.arg("--tests");
    }
    cmd.args(extra)
        .env("CARGO_TARGET_DIR", target_dir("sanitize"))
        .env("LAPLACE_SANITIZE", "1")
        // halt_on_error: the first finding ends the test binary with exit
        // code 1, so `cargo test` fails. (The kernels are also compiled with
        // -fno-sanitize-recover=all, so UBSan halts even without these.)
        // allocator_may_return_null: an impossible grid must reach the
        // program's fallible allocation (and its "out of memory" error), as
        // without ASan, instead of ASan aborting first.
        .env(
            "ASAN_OPTIONS",
            "halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1:\
             allocator_may_return_null=1",
        )
        .env("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1");
    status(cmd, "the sanitizer build (ASan + UBSan)")
}

/// valgrind memcheck as Cargo's test runner: the verification tests and the
/// FFI crates' unit tests, in release mode (valgrind runs code 20-50 times
/// slower, and the Rust reference solvers dominate the run time in debug).
pub fn valgrind(extra: &[String]) -> Result<()> {
    require_valgrind()?;
    let runner_var = format!(
        "CARGO_TARGET_{}_RUNNER",
        host_triple()?.to_uppercase().replace(['-', '.'], "_")
    );
    let mut cmd = cargo();
    cmd.args(["test", "--release"]).args(ffi_packages());
    if !selects_targets(extra) {
        cmd.args(["--lib", "--test", "verify"]);
    }
    cmd.args(extra)
        .env("CARGO_TARGET_DIR", target_dir("valgrind"))
        // Definite leaks are errors; thread stacks and the caches that
        // libgomp and rayon keep until exit are not.
        .env(
            &runner_var,
            "valgrind --tool=memcheck --error-exitcode=1 --leak-check=full \
             --show-leak-kinds=definite --errors-for-leak-kinds=definite --quiet",
        )
        // Line numbers in reports on C and Fortran frames.
        .env("CFLAGS", "-g");
    // .cargo/config.toml builds for the native CPU, and valgrind does not
    // decode AVX-512: build for a CPU it emulates (unless RUSTFLAGS says
    // otherwise). The C and Fortran build scripts read it back as -march.
    if let (None, Some(cpu)) = (env::var_os("RUSTFLAGS"), valgrind_cpu()) {
        cmd.env("RUSTFLAGS", format!("-C target-cpu={cpu}"));
    }
    status(cmd, "the tests under valgrind")
}

/// Miri: laplace-core's and laplace-rust's tests, including
/// `crates/laplace-rust/tests/small_grids.rs` (every Rust kernel on tiny
/// grids). The reference solvers' convergence tests (thousands of sweeps) are
/// skipped: they are safe code that Miri would take many minutes over.
/// `MIRIFLAGS`, if set, replaces the flags chosen here.
pub fn miri(extra: &[String]) -> Result<()> {
    let nightly = || {
        let mut c = Command::new("rustup");
        c.args(["run", "nightly", "cargo"]);
        for var in ["RUSTUP_TOOLCHAIN", "CARGO", "RUSTC", "RUSTDOC"] {
            c.env_remove(var);
        }
        c.current_dir(workspace_root());
        c
    };
    let has_miri = || {
        nightly()
            .args(["miri", "--version"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has_miri() {
        eprintln!("xtask: Miri is missing; rustup component add --toolchain nightly miri rust-src");
        let added = Command::new("rustup")
            .args([
                "component",
                "add",
                "--toolchain",
                "nightly",
                "miri",
                "rust-src",
            ])
            .status()
            .is_ok_and(|s| s.success());
        if !added || !has_miri() {
            bail!(
                "Miri needs a nightly toolchain with the miri component:\n  \
                 rustup toolchain install nightly --component miri,rust-src"
            );
        }
    }
    // laplace-core with Miri's defaults (Stacked Borrows, leak check). The
    // Rust kernels with Tree Borrows and without the leak check: rayon's
    // crossbeam-epoch breaks Stacked Borrows' rules but keeps Tree Borrows'
    // (crossbeam-rs/crossbeam#545, #996), and rust/array-rayon keeps its
    // thread pool, by design, until the process ends.
    let runs = [
        ("laplace-core", ""),
        ("laplace-rust", "-Zmiri-tree-borrows -Zmiri-ignore-leaks"),
    ];
    for (package, flags) in runs {
        let mut cmd = nightly();
        cmd.args(["miri", "test", "-p", package]).args(extra);
        if !extra.iter().any(|a| a == "--") {
            cmd.arg("--");
        }
        cmd.args(["--skip", "sor_converges", "--skip", "all_schemes_converge"]);
        if env::var_os("MIRIFLAGS").is_none() {
            cmd.env("MIRIFLAGS", flags);
        }
        status(cmd, &format!("{package}'s tests under Miri"))?;
    }
    Ok(())
}

/// Whether `cargo test` arguments (before any `--`) pick test targets
/// themselves (`--test verify`, `--lib`, ...), replacing the default set.
fn selects_targets(args: &[String]) -> bool {
    args.iter().take_while(|a| *a != "--").any(|a| {
        ["--test", "--lib", "--bin", "--example", "--bench", "--doc"]
            .iter()
            .any(|f| a.starts_with(f))
    })
}

/// `cargo`, as Cargo ran this xtask.
fn cargo() -> Command {
    let mut cmd = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(workspace_root());
    cmd
}

fn status(mut cmd: Command, what: &str) -> Result<()> {
    eprintln!("xtask: {what}: {cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// `<target dir>/<name>`: a build folder of its own, beside `debug/` and `release/`.
fn target_dir(name: &str) -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
        .join(name)
}

/// The host target triple, from `rustc -vV`.
fn host_triple() -> Result<String> {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(&rustc)
        .arg("-vV")
        .output()
        .with_context(|| format!("cannot run {rustc}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .context("`rustc -vV` names no host")
}

/// The `target-cpu` to build for under valgrind: on x86-64, AVX2 + FMA
/// (`x86-64-v3`, which valgrind emulates) where the CPU has them, the
/// baseline otherwise; elsewhere the default.
fn valgrind_cpu() -> Option<&'static str> {
    if env::consts::ARCH != "x86_64" {
        return None;
    }
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let flags = cpuinfo
        .lines()
        .find(|l| l.starts_with("flags"))
        .unwrap_or("");
    let has = |f: &str| flags.split_whitespace().any(|x| x == f);
    Some(if has("avx2") && has("fma") && has("bmi2") {
        "x86-64-v3"
    } else {
        "x86-64"
    })
}

/// valgrind, installed with apt-get (as root or through sudo) if missing.
fn require_valgrind() -> Result<()> {
    if on_path("valgrind") {
        return Ok(());
    }
    if !on_path("apt-get") {
        bail!(
            "valgrind is not installed: install it (e.g. `dnf install valgrind`, `brew install valgrind`)"
        );
    }
    let sudo: &[&str] = if is_root() {
        &[]
    } else if on_path("sudo") {
        &["sudo"]
    } else {
        bail!("installing valgrind needs root: run `apt-get install valgrind` as root");
    };
    eprintln!("xtask: valgrind is missing; installing");
    run_privileged(sudo, &["apt-get", "update", "-q"])?;
    run_privileged(
        sudo,
        &[
            "apt-get",
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            "valgrind",
        ],
    )?;
    if !on_path("valgrind") {
        bail!("valgrind is still missing after installing it");
    }
    Ok(())
}
