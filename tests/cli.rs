//! End-to-end tests: run the `shootout` binary as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use laplace_core::results::{ResultsDoc, SCHEMA_VERSION};
use laplace_core::{Grid, Problem, Scheme, npy, reference, verify};
use laplace_shootout::registry::KERNELS;

/// The binary, with the probe cache in a folder of this test process.
fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shootout"));
    cmd.env(
        "SHOOTOUT_CACHE_DIR",
        std::env::temp_dir().join(format!("shootout-e2e-cache-{}", std::process::id())),
    )
    .env_remove("SHOOTOUT_INJECT_FAULT");
    cmd
}

fn shootout(args: &[&str]) -> Output {
    command().args(args).output().expect("run shootout")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh temporary folder for one test.
fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shootout-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn list_json_has_every_kernel_with_scheme_and_flags() {
    // Compiled kernels only: tests/external.rs covers the external ones.
    let out = shootout(&["list", "--no-external", "--format", "json"]);
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), KERNELS.len());
    for (row, k) in rows.iter().zip(KERNELS) {
        assert_eq!(row["name"], k.name);
        assert_eq!(row["language"], k.language());
        assert_eq!(row["form"], k.form());
        let scheme = row["scheme"].as_str().unwrap();
        assert!(["jacobi", "gauss-seidel", "red-black-sor"].contains(&scheme));
        assert_eq!(scheme, k.scheme.as_str());
        let flags = row["flags"].as_str().unwrap();
        assert!(
            flags.contains("-O3") || flags.contains("opt-level="),
            "{flags}"
        );
    }
    let table = shootout(&["list", "--no-external"]);
    let (stdout, _) = text(&table);
    for k in KERNELS {
        assert!(stdout.contains(k.name), "{stdout}");
    }
}

#[test]
fn run_writes_json_and_grids_that_match_the_reference() {
    let dir = tmp("run");
    let json = dir.join("results.json");
    let grids = dir.join("grids");
    let out = shootout(&[
        "run",
        "--no-external",
        "--nx",
        "12",
        "--ny",
        "9",
        "--iters",
        "31",
        "--dy",
        "0.2",
        "--repeat",
        "2",
        "--json",
        json.to_str().unwrap(),
        "--save-grids",
        grids.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("12x9, 31 sweeps"), "{stdout}");

    // The document parses into the schema types and carries every field.
    let raw: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    for key in [
        "date",
        "host",
        "cpu",
        "logical_cores",
        "os",
        "rustc",
        "compilers",
    ] {
        assert!(!raw["provenance"][key].is_null(), "provenance.{key}");
    }
    for lang in laplace_core::LANGUAGES
        .iter()
        .filter(|l| l.foreign.is_some())
    {
        assert!(
            raw["provenance"]["compilers"][lang.name].is_string(),
            "provenance.compilers.{}",
            lang.name
        );
    }
    let doc: ResultsDoc = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(doc.schema_version, SCHEMA_VERSION);
    if cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        let sig = doc
            .provenance
            .cpu_signature
            .as_ref()
            .expect("cpu_signature");
        assert!(!sig.vendor.is_empty() && sig.family > 0, "{sig:?}");
        assert!(
            doc.provenance.isa.iter().any(|f| f == "sse2"),
            "{:?}",
            doc.provenance.isa
        );
    }
    assert_eq!(
        (doc.problem.nx, doc.problem.ny, doc.problem.iters),
        (12, 9, 31)
    );
    assert_eq!(doc.results.len(), KERNELS.len());
    let problem = Problem::new(12, 9, 0.1, 0.2, 31).unwrap();
    for (r, raw_r) in doc.results.iter().zip(raw["results"].as_array().unwrap()) {
        for key in [
            "kernel",
            "language",
            "form",
            "scheme",
            "flags",
            "verified",
            "max_abs_diff",
            "best_s",
            "median_s",
            "mlups",
            "relative",
            "grid_file",
        ] {
            assert!(raw_r.get(key).is_some(), "{}: no {key}", r.kernel);
        }
        assert!(r.verified, "{}: {:?}", r.kernel, r.error);
        assert!(r.best_s.unwrap() > 0.0 && r.median_s.unwrap() >= r.best_s.unwrap());
        assert!(r.mlups.unwrap() > 0.0 && r.relative.unwrap() > 0.0);
        // Time to solution: the scheme's sweep count times the time per sweep.
        let sweeps = r.sweeps_to_tolerance.expect("a 12x9 grid converges");
        let per_sweep = r.best_s.unwrap() / 31.0;
        assert!((r.time_to_solution_s.unwrap() - sweeps as f64 * per_sweep).abs() < 1e-12);
        // Which code path ran, and whether the bound held.
        assert!(
            r.path.as_deref().is_some_and(|p| !p.is_empty()),
            "{}",
            r.kernel
        );
        assert!(raw_r.get("bound_exceeded").is_some(), "{}", r.kernel);
        // The bound columns, from the probe.
        assert!(r.bound_mlups.unwrap() > 0.0, "{}", r.kernel);
        assert!(
            r.percent_of_bound.unwrap() > 0.0 && r.bound_limit.is_some(),
            "{}",
            r.kernel
        );
        // The saved grid loads and matches the reference of the kernel's scheme.
        let file = r.grid_file.as_deref().expect("grid_file");
        let (nx, ny, data) = npy::read(std::fs::File::open(file).unwrap()).unwrap();
        assert_eq!((nx, ny), (12, 9));
        let want: Grid = reference::solve(r.scheme, &problem).unwrap();
        let diff = verify::compare(&data, &want);
        assert!(diff.max_abs <= 1e-12, "{}: {}", r.kernel, diff.max_abs);
    }
    assert_eq!(doc.problem.tolerance, 1e-6);
    let sweeps = |scheme| {
        doc.results
            .iter()
            .find(|r| r.scheme == scheme)
            .unwrap()
            .sweeps_to_tolerance
            .unwrap()
    };
    assert!(sweeps(Scheme::RedBlackSor) < sweeps(Scheme::GaussSeidel));
    assert!(sweeps(Scheme::GaussSeidel) < sweeps(Scheme::Jacobi));
    let baseline = doc.results.iter().find(|r| r.kernel == "c/array").unwrap();
    assert_eq!(baseline.relative, Some(1.0));

    // Existing outputs are not overwritten without --force, and nothing runs.
    let again = shootout(&[
        "run",
        "--nx",
        "5",
        "--ny",
        "5",
        "--iters",
        "1",
        "--json",
        json.to_str().unwrap(),
    ]);
    let (_, stderr) = text(&again);
    assert_eq!(again.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    let forced = shootout(&[
        "run",
        "--nx",
        "5",
        "--ny",
        "5",
        "--iters",
        "1",
        "--repeat",
        "1",
        "--kernels",
        "rust/",
        "--json",
        json.to_str().unwrap(),
        "--force",
    ]);
    assert!(forced.status.success());
    let doc: ResultsDoc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(doc.problem.nx, 5);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(debug_assertions)]
#[test]
fn a_broken_kernel_is_reported_failed_with_exit_code_1() {
    let dir = tmp("fault");
    let json = dir.join("r.json");
    let out = Command::new(env!("CARGO_BIN_EXE_shootout"))
        .args([
            "run",
            "--no-external",
            "--nx",
            "8",
            "--ny",
            "8",
            "--iters",
            "5",
            "--repeat",
            "1",
        ])
        .args(["--kernels", "loop", "--json", json.to_str().unwrap()])
        .env("SHOOTOUT_INJECT_FAULT", "c/loop")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("c/loop FAILED"), "{stdout}");
    assert!(
        stdout.contains("FAILED c/loop: c/loop does not match the gauss-seidel reference"),
        "{stdout}"
    );
    let doc: ResultsDoc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let failed = doc.results.iter().find(|r| r.kernel == "c/loop").unwrap();
    assert!(!failed.verified);
    assert!(
        failed.best_s.is_none() && failed.mlups.is_none(),
        "a failed kernel is never timed"
    );
    assert!(failed.max_abs_diff.unwrap() > 1e-4);
    assert!(
        doc.results
            .iter()
            .filter(|r| r.kernel != "c/loop")
            .all(|r| r.verified)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn expect_usage_error(args: &[&str], needle: &str) {
    let out = shootout(args);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stdout}{stderr}");
    assert!(stderr.contains(needle), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Issue 15: output targets that could not be written were found only after
/// every kernel had run. Now each is refused first (no kernel runs, so the
/// refusal is immediate even for the whole registry at 8000 sweeps).
#[test]
fn bad_output_targets_are_refused_before_any_kernel_runs() {
    let dir = tmp("outputs");
    let file = dir.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let (json, grids) = (dir.join("g/x.json"), dir.join("g"));
    let (json, grids, file) = (
        json.to_str().unwrap(),
        grids.to_str().unwrap(),
        file.to_str().unwrap(),
    );
    expect_usage_error(
        &["run", "--no-probe", "--json", json, "--save-grids", grids],
        "are the same place",
    );
    expect_usage_error(&["run", "--no-probe", "--report", file], "is not a folder");
    let own = format!("{}/results.json", dir.display());
    expect_usage_error(
        &[
            "run",
            "--no-probe",
            "--json",
            &own,
            "--report",
            dir.to_str().unwrap(),
        ],
        "writes its own results.json",
    );
    let nowhere = format!("{}/missing/x.json", dir.display());
    expect_usage_error(&["run", "--no-probe", "--json", &nowhere], "does not exist");
}

#[test]
fn bad_input_is_a_one_line_error_with_exit_code_2() {
    expect_usage_error(&["run", "--nx", "2"], "at least 3x3, got 2x100");
    expect_usage_error(&["run", "--dx", "0"], "dx must be a finite positive number");
    expect_usage_error(
        &["run", "--dy", "NaN"],
        "dy must be a finite positive number",
    );
    expect_usage_error(
        &["run", "--dy", "-1"],
        "dy must be a finite positive number",
    );
    expect_usage_error(
        &["run", "--kernels", "c/lop"],
        "no kernel matches `c/lop`; did you mean c/loop",
    );
    expect_usage_error(&["run", "--baseline", "nope/nothing"], "unknown baseline");
    expect_usage_error(&["run", "--repeat", "0"], "repeat");
    expect_usage_error(
        &["run", "--omega", "2"],
        "omega must lie strictly between 0 and 2",
    );
    expect_usage_error(
        &["run", "--omega", "0"],
        "omega must lie strictly between 0 and 2",
    );
    expect_usage_error(&["run", "--tolerance", "-1"], "--tolerance must be");
    expect_usage_error(
        &["run", "--nx", "4294967296", "--ny", "4294967296"],
        "more cells than",
    );
    expect_usage_error(
        &[
            "run",
            "--nx",
            "5",
            "--ny",
            "5",
            "--json",
            "/nonexistent-folder/x.json",
        ],
        "does not exist",
    );
}

#[test]
fn a_grid_larger_than_the_address_space_is_an_allocation_error() {
    // 2^22 x 2^22 doubles = 2^47 bytes: addressable by a slice, but no
    // allocator can map it, whatever the overcommit policy.
    expect_usage_error(
        &["run", "--nx", "4194304", "--ny", "4194304", "--no-probe"],
        "out of memory",
    );
}

#[test]
fn bad_results_files_are_named_with_exit_code_2() {
    let dir = tmp("bad-report");
    let out = dir.join("out");
    let missing = dir.join("missing.json");
    let empty = dir.join("empty.json");
    let corrupt = dir.join("corrupt.json");
    let foreign = dir.join("foreign.json");
    std::fs::write(&empty, "").unwrap();
    std::fs::write(&corrupt, "{\"schema_version\": 1, \"provenance\": ").unwrap();
    std::fs::write(&foreign, "{\"schema_version\": 999}").unwrap();
    for file in [&missing, &empty, &corrupt, &foreign] {
        let path = file.to_str().unwrap();
        expect_usage_error(&["report", path, "--out", out.to_str().unwrap()], path);
    }
    assert!(!out.join("README.md").exists(), "nothing written half-way");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn run_with_report_writes_the_charts() {
    let dir = tmp("report");
    let out = shootout(&[
        "run",
        "--nx",
        "10",
        "--ny",
        "12",
        "--iters",
        "20",
        "--repeat",
        "1",
        "--no-probe",
        "--report",
        dir.to_str().unwrap(),
        "--criterion",
        dir.join("no-criterion").to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    for file in [
        "README.md",
        "results.json",
        "speed.svg",
        "convergence.svg",
        "solution.svg",
        "time-to-solution.svg",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing: {stderr}");
    }
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    for k in KERNELS {
        assert!(readme.contains(k.name), "{} not in the report", k.name);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `shootout verify`: verification without timing, on a grid of the user's.
#[test]
fn verify_checks_the_selected_kernels_without_timing() {
    let out = shootout(&[
        "verify",
        "--kernels",
        "=c/array",
        "--kernels",
        "=rust/array-tblock",
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("verifying 2 kernels on 301x1100, 25 sweeps"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("\nok ").count(), 2, "{stdout}");
    let none = shootout(&["verify", "--kernels", "=c/nothing"]);
    assert_eq!(none.status.code(), Some(2));
}

/// `SHOOTOUT_PORTABLE=1`: every kernel verifies on its portable path and
/// says so.
#[test]
fn portable_run_verifies_every_kernel_on_its_portable_path() {
    let dir = tmp("portable");
    let json = dir.join("results.json");
    let out = command()
        .env("SHOOTOUT_PORTABLE", "1")
        .args([
            "run",
            "--no-external",
            "--no-probe",
            "--nx",
            "11",
            "--ny",
            "40",
        ])
        .args([
            "--iters",
            "9",
            "--repeat",
            "1",
            "--json",
            json.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let doc: ResultsDoc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(doc.results.len(), KERNELS.len());
    for r in &doc.results {
        assert!(r.verified, "{}: {:?}", r.kernel, r.error);
        let path = r.path.as_deref().unwrap();
        // (`serial`: a parallel kernel given a grid too small to share;
        // `fma-division`, `divide`: how an exact kernel divides, in portable
        // Rust either way.)
        assert!(
            ["portable", "serial", "fma-division", "divide"].contains(&path)
                || path.starts_with("portable, threads="),
            "{}: {path}",
            r.kernel
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn probe_measures_the_machine_and_writes_json() {
    let dir = tmp("probe");
    let json = dir.join("probe.json");
    let out = shootout(&["probe", "--json", json.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("latency ns") && stdout.contains("copy"),
        "{stdout}"
    );
    let p: laplace_core::results::Probe =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert!(
        p.copy_bw_1 > 1e8 && p.copy_bw_all > 1e8 && p.l2_copy_bw > 1e8,
        "{p:?}"
    );
    if cfg!(target_arch = "x86_64") {
        let div = p.latency_s.div.unwrap();
        let add = p.latency_s.add.unwrap();
        assert!(div > add && add > 0.0, "{p:?}");
        assert!(p.vector_throughput_s.div.unwrap() > 0.0);
        // The clock is checked against the FMA latency, and printed.
        let check = p.clock_check.as_ref().expect("clock_check");
        assert!(check.estimates.len() >= 2, "{check:?}");
        assert!(stdout.contains("clock estimates"), "{stdout}");
        assert!(!p.div_by_width.is_empty() && !p.chains.is_empty(), "{p:?}");
        assert_eq!(p.cache_source.len(), 3);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn scheme_names_in_json_are_kebab_case() {
    assert_eq!(
        serde_json::to_string(&Scheme::GaussSeidel).unwrap(),
        "\"gauss-seidel\""
    );
    assert!(Path::new(env!("CARGO_BIN_EXE_shootout")).exists());
}

/// A quick run of `c/array` (9x7, 12 sweeps, no probe) with `extra` arguments.
fn quick_run(extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        "--no-external",
        "--nx",
        "9",
        "--ny",
        "7",
        "--iters",
        "12",
        "--repeat",
        "1",
        "--no-probe",
        "--kernels",
        "=c/array",
    ];
    args.extend(extra);
    shootout(&args)
}

/// A hostile input found in issue 15's pass: as root, `--json /dev/full
/// --force` replaced the device node with a regular file (the atomic write
/// renames a new file over the target). A device, FIFO or socket is never
/// replaced, with or without `--force`, and nothing is run.
#[test]
fn a_device_or_fifo_output_is_refused_even_with_force() {
    let dir = tmp("fifo-output");
    let fifo = dir.join("results.json");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let fifo_s = fifo.to_str().unwrap();
    // (A FIFO, not /dev/null: a regression must not cost CI its /dev/null.)
    let out = quick_run(&["--json", fifo_s, "--force"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
    assert!(!stdout.contains("c/array"), "a kernel ran: {stdout}");
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type()));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 15: `--json LINK --force` replaced the symbolic link with a file.
/// Decided: the file the link points to is written (atomically, beside
/// it), as the shell's `>` writes through a link, and the link stays. A
/// link is an existing output: without `--force` it is refused, even
/// dangling.
#[test]
fn json_onto_a_symbolic_link_writes_the_file_it_points_to() {
    let dir = tmp("symlink");
    let real = dir.join("real.json");
    std::fs::write(&real, "old").unwrap();
    let link = dir.join("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let link_s = link.to_str().unwrap();
    let out = quick_run(&["--json", link_s]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "old");

    let out = quick_run(&["--json", link_s, "--force"]);
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("real.json"));
    let doc: ResultsDoc = serde_json::from_slice(&std::fs::read(&real).unwrap()).unwrap();
    assert_eq!(doc.problem.nx, 9);

    // A dangling link: refused without --force, creates its target with it.
    let dangling = dir.join("dangling.json");
    std::os::unix::fs::symlink("sub/new.json", &dangling).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    let dangling_s = dangling.to_str().unwrap();
    assert_eq!(quick_run(&["--json", dangling_s]).status.code(), Some(2));
    let out = quick_run(&["--json", dangling_s, "--force"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let doc: ResultsDoc =
        serde_json::from_slice(&std::fs::read(dir.join("sub/new.json")).unwrap()).unwrap();
    assert_eq!(doc.problem.ny, 7);
    // No temporary is left in either folder.
    for d in [dir.clone(), dir.join("sub")] {
        for e in std::fs::read_dir(&d).unwrap() {
            let name = e.unwrap().file_name();
            assert!(
                !name.to_string_lossy().ends_with(".tmp"),
                "{name:?} left in {}",
                d.display()
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 15: `--save-grids DIR --force` left an earlier run's grids beside
/// the new ones. The grids shootout wrote go; other files stay.
#[test]
fn save_grids_force_replaces_the_earlier_runs_grids() {
    let dir = tmp("regrid");
    let grids = dir.join("grids");
    let grids_s = grids.to_str().unwrap();
    let out = quick_run(&["--kernels", "=c/loop", "--save-grids", grids_s]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(grids.join("c__loop.npy").is_file());
    std::fs::write(grids.join("notes.txt"), "mine").unwrap();
    std::fs::write(grids.join("mine.npy"), "mine").unwrap();
    let out = quick_run(&["--save-grids", grids_s, "--force"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let mut names: Vec<String> = std::fs::read_dir(&grids)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["c__array.npy", "mine.npy", "notes.txt"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 15: a cached probe of zeros and negatives was trusted (NaN% and
/// inf in the bound columns). It is refused, said so, and measured again.
#[test]
fn an_impossible_cached_probe_is_measured_again() {
    let dir = tmp("bad-probe");
    let cache = dir.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    // The cache file's name for this host and CPU, in our own folder.
    let name = laplace_shootout::probe::cache_path()
        .and_then(|p| p.file_name().map(|n| n.to_owned()))
        .expect("a cache file name");
    let ops = serde_json::json!({"add": 1e-9, "mul": 1e-9, "fma": 0.0, "div": -4e-9});
    let bad = serde_json::json!({
        "host": laplace_shootout::machine::host(),
        "cpu": laplace_shootout::machine::cpu_model(),
        "date": "2020-01-01T00:00:00Z",
        "cycle_s": 0.0,
        "latency_s": ops, "scalar_throughput_s": ops, "vector_throughput_s": ops,
        "vector_lanes": 4,
        "copy_bw_1": 0.0, "triad_bw_1": -1.0, "copy_bw_all": 0.0, "triad_bw_all": 0.0,
        "l2_copy_bw": 0.0, "l2_bytes": 1048576, "llc_bytes": 33554432, "threads": 2
    });
    let file = cache.join(&name);
    std::fs::write(&file, serde_json::to_vec(&bad).unwrap()).unwrap();
    let json = dir.join("r.json");
    let out = command()
        .env("SHOOTOUT_CACHE_DIR", &cache)
        .args([
            "run",
            "--no-external",
            "--nx",
            "9",
            "--ny",
            "7",
            "--iters",
            "12",
        ])
        .args(["--repeat", "1", "--kernels", "=c/array", "--json"])
        .arg(&json)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("holds copy_bw_1 = 0, not a possible figure; probing again"),
        "{stderr}"
    );
    assert!(
        stdout
            .split_whitespace()
            .all(|w| !w.starts_with("NaN") && !w.starts_with("inf")),
        "{stdout}"
    );
    let doc: ResultsDoc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let probe = doc.probe.expect("a probe");
    assert_eq!(laplace_shootout::probe::implausible(&probe), None);
    let r = doc.results.iter().find(|r| r.kernel == "c/array").unwrap();
    assert!(
        r.percent_of_bound.is_none_or(|p| p.is_finite() && p > 0.0),
        "{r:?}"
    );
    // Replaced by the new probe, or removed if the machine was too busy to
    // cache one: never left to be trusted again.
    if let Ok(text) = std::fs::read_to_string(&file) {
        let cached: laplace_core::results::Probe = serde_json::from_str(&text).unwrap();
        assert_eq!(laplace_shootout::probe::implausible(&cached), None);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn occurrences(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// Issue 15: every I/O error printed its cause twice ("...(os error 28):
/// ...(os error 28)"): once in the message and once as its source.
#[test]
fn an_io_error_names_its_cause_once() {
    let dir = tmp("cause-once");
    let file = dir.join("a-file");
    std::fs::write(&file, "x").unwrap();
    // A folder under a file: the OS's ENOTDIR.
    let under = file.join("grids");
    let out = quick_run(&["--save-grids", under.to_str().unwrap()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(occurrences(&stderr, "(os error 20)"), 1, "{stderr}");
    // A results file in a folder that does not exist.
    let nowhere = dir.join("missing/x.json");
    let out = quick_run(&["--json", nowhere.to_str().unwrap()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(occurrences(&stderr, "does not exist"), 1, "{stderr}");
    // An unreadable manifest folder: a warning with its cause, once.
    let out = command()
        .args(["--external", file.to_str().unwrap(), "list"])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(occurrences(&stderr, "(os error 20)"), 1, "{stderr}");
    // The report into a folder under a file.
    let out = command()
        .args(["report", &report_fixture("results-x86.json"), "--out"])
        .arg(file.join("report"))
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(occurrences(&stderr, "(os error 20)"), 1, "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A results document of the report crate's fixtures: `shootout report`
/// without running a kernel.
fn report_fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/laplace-report/tests/fixtures")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The charts a report's README links to, sorted.
fn linked_charts(readme: &str) -> Vec<String> {
    let mut charts: Vec<String> = readme
        .split("](")
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .filter(|s| s.ends_with(".svg"))
        .map(String::from)
        .collect();
    charts.sort();
    charts.dedup();
    charts
}

/// Issue 15, item 6: `--out` onto a folder with files the report did not
/// write (an unrelated README.md, `--out .`) overwrote them. Now it is
/// refused, naming one, and nothing is written; with --force the report's
/// files are written over in place: README.md is replaced by the report's,
/// every other file is kept.
#[test]
fn a_report_into_a_folder_of_other_files_is_refused_unless_forced() {
    let dir = tmp("foreign-out");
    std::fs::write(dir.join("README.md"), "# My project\n").unwrap();
    std::fs::write(dir.join("main.c"), "int main(void) { return 0; }\n").unwrap();
    let fixture = report_fixture("results-x86.json");
    let no_criterion = dir.join("no-criterion");
    let base = [
        "report",
        fixture.as_str(),
        "--criterion",
        no_criterion.to_str().unwrap(),
        "--out",
    ];
    let untouched = |dir: &Path| {
        assert_eq!(names_in(dir), ["README.md", "main.c"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("README.md")).unwrap(),
            "# My project\n"
        );
    };
    for out in [dir.to_str().unwrap(), "."] {
        let refused = command()
            .current_dir(&dir)
            .args(base)
            .arg(out)
            .output()
            .unwrap();
        let (_, stderr) = text(&refused);
        assert_eq!(refused.status.code(), Some(2), "--out {out}: {stderr}");
        assert!(
            stderr.contains("README.md") && stderr.contains("--force"),
            "{stderr}"
        );
        untouched(&dir);
    }
    // The run refuses it before any kernel runs (the whole registry at
    // 8000 sweeps would take minutes).
    let run = shootout(&["run", "--no-probe", "--report", dir.to_str().unwrap()]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("README.md") && stderr.contains("--force"),
        "{stderr}"
    );
    untouched(&dir);
    // Nothing was left beside the folder either.
    let parent = dir.parent().unwrap();
    let prefix = format!(".{}.", dir.file_name().unwrap().to_string_lossy());
    assert!(
        !names_in(parent).iter().any(|n| n.starts_with(&prefix)),
        "a lock or temporary left beside {}",
        dir.display()
    );

    let forced = command()
        .args(base)
        .arg(&dir)
        .arg("--force")
        .output()
        .unwrap();
    let (_, stderr) = text(&forced);
    assert!(forced.status.success(), "{stderr}");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.starts_with("# Laplace shootout report"), "{readme}");
    assert_eq!(
        std::fs::read_to_string(dir.join("main.c")).unwrap(),
        "int main(void) { return 0; }\n"
    );
    for chart in linked_charts(&readme) {
        assert!(dir.join(&chart).is_file(), "{chart}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 15, item 6: a report was written file by file over the last one,
/// so a kill between renames left its `.tmp` files and two overlapping runs
/// could leave a README linking charts the other had deleted. Now each
/// report replaces the last as a whole, one writer at a time: after
/// overlapping runs that draw different charts, every chart the README
/// links exists, no other chart is there, and nothing is left over.
#[test]
fn a_report_replaces_the_last_one_as_a_whole() {
    let dir = tmp("replace");
    let out = dir.join("out");
    let fixture = report_fixture("results-x86.json");
    let criterion = report_fixture("criterion");
    let no_criterion = dir.join("no-criterion");
    let report = |criterion: &str| {
        command()
            .args(["report", &fixture, "--criterion", criterion, "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run shootout")
    };
    let first = report(&criterion).wait_with_output().unwrap();
    assert!(first.status.success());
    assert!(out.join("scaling.svg").is_file());
    // What a writer killed between its renames left.
    std::fs::write(out.join(".speed.svg.4242.0.tmp"), "<svg half").unwrap();
    for _ in 0..3 {
        // With criterion's data the report draws scaling.svg, without it not.
        let a = report(&criterion);
        let b = report(no_criterion.to_str().unwrap());
        for child in [a, b] {
            let done = child.wait_with_output().unwrap();
            assert!(done.status.success(), "{}", text(&done).1);
        }
        let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
        let linked = linked_charts(&readme);
        assert!(linked.contains(&"speed.svg".to_string()), "{linked:?}");
        let svgs: Vec<String> = names_in(&out)
            .into_iter()
            .filter(|n| n.ends_with(".svg"))
            .collect();
        assert_eq!(svgs, linked, "the charts are the README's");
        let stray: Vec<String> = names_in(&out)
            .into_iter()
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(stray.is_empty(), "{stray:?}");
        assert_eq!(names_in(&dir), ["out"], "nothing left beside the report");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 15, item 6: what a killed report leaves (its lock file, its half
/// rendered folder, the old folder it had renamed aside, temporaries
/// inside) neither blocks nor confuses the next run, which removes it.
#[test]
fn a_killed_reports_leftovers_are_cleaned_up_by_the_next() {
    let dir = tmp("leftovers");
    let out = dir.join("out");
    let fixture = report_fixture("results-x86.json");
    let no_criterion = dir.join("no-criterion");
    let report = || {
        command()
            .args(["report", &fixture, "--criterion"])
            .arg(&no_criterion)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap()
    };
    assert!(report().status.success());
    std::fs::write(dir.join(".out.lock"), "999999999\n").unwrap();
    for leftover in [".out.tmp-999999999-0", ".out.old-999999999-0"] {
        std::fs::create_dir(dir.join(leftover)).unwrap();
        std::fs::write(dir.join(leftover).join("README.md"), "# half").unwrap();
        std::fs::write(dir.join(leftover).join("speed.svg"), "<svg").unwrap();
    }
    std::fs::write(out.join(".README.md.999999999.0.tmp"), "# half").unwrap();
    let start = std::time::Instant::now();
    let done = report();
    assert!(done.status.success(), "{}", text(&done).1);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "waited on a lock nobody holds"
    );
    assert_eq!(names_in(&dir), ["out"]);
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.starts_with("# Laplace shootout report"));
    assert!(
        !names_in(&out).iter().any(|n| n.ends_with(".tmp")),
        "{:?}",
        names_in(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 16, item 4: every kernel's code size in the results document,
/// measured from its registered source (here `c_kernels/array.c`).
#[test]
fn the_results_document_gives_each_kernel_its_code_size() {
    let dir = tmp("code-size");
    let json = dir.join("r.json");
    let out = quick_run(&["--json", json.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out).1);
    let doc: ResultsDoc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let r = &doc.results[0];
    assert_eq!(r.kernel, "c/array");
    let (gz, lines) = (r.source_bytes_gz.unwrap(), r.source_lines.unwrap());
    let source = std::fs::read_to_string("c_kernels/array.c").unwrap();
    assert!(
        gz > 100 && (gz as usize) < source.len(),
        "{gz} of {}",
        source.len()
    );
    assert!(
        lines > 5 && (lines as usize) < source.lines().count(),
        "{lines}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
