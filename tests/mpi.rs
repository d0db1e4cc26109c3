//! End-to-end tests of the MPI kernels (`kernels/external/*-mpi.toml`):
//! verified bit for bit at 1 to 4 ranks on uneven decompositions, a rank
//! sweep drawn and modelled in the report, and, without MPI, listed as
//! unavailable with the reason.
//!
//! Where `mpirun` is not installed the tests that need it say so and pass,
//! unless `SHOOTOUT_REQUIRE_MPI` is set (CI sets it after installing Open
//! MPI, so there they must run). The sanitizer build skips them.

use std::path::PathBuf;
use std::process::{Command, Output};

use laplace_core::results::{KernelResult, ResultsDoc};

const EXTERNAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/kernels/external");

const MPI_KERNELS: [&str; 4] = [
    "c/array-mpi",
    "c/redblack-mpi",
    "fortran/array-mpi",
    "rust/array-mpi",
];

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shootout-mpi-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn shootout(args: &[&str], path: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shootout"));
    cmd.env_remove("SHOOTOUT_EXTERNAL_DIR")
        .arg("--external")
        .arg(EXTERNAL)
        .args(args);
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    cmd.output().expect("run shootout")
}

/// Whether MPI is here; if not, whether the test may pass without it.
/// Under the sanitizer build (`cargo xtask sanitize`, which runs the suite
/// again) these tests are skipped: the MPI programs are built by `mpicc`,
/// not instrumented, and the plain build has just run them.
fn mpi_here() -> bool {
    if std::env::var_os("LAPLACE_SANITIZE").is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!("skipped under the sanitizer build: tests/mpi.rs runs in the plain build");
        return false;
    }
    let found = std::env::var_os("PATH").is_some_and(|p| {
        std::env::split_paths(&p).any(|d| d.join("mpirun").is_file() && d.join("mpicc").is_file())
    });
    if !found {
        assert!(
            std::env::var_os("SHOOTOUT_REQUIRE_MPI").is_none(),
            "SHOOTOUT_REQUIRE_MPI is set but mpirun or mpicc is not on PATH"
        );
        eprintln!("skipped: MPI is not installed (cargo xtask setup --with-mpi)");
    }
    found
}

/// Runs the MPI kernels with `args`; returns the document.
fn run(name: &str, args: &[&str]) -> ResultsDoc {
    let json = tmp(name).join("results.json");
    let exact: Vec<String> = MPI_KERNELS.iter().map(|k| format!("={k}")).collect();
    let mut all = vec!["run", "--no-probe", "--repeat", "1"];
    for k in &exact {
        all.extend(["--kernels", k.as_str()]);
    }
    all.extend(args);
    all.extend(["--json", json.to_str().unwrap()]);
    let out = shootout(&all, None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap()
}

fn result<'d>(doc: &'d ResultsDoc, kernel: &str) -> &'d KernelResult {
    doc.results
        .iter()
        .find(|r| r.kernel == kernel)
        .unwrap_or_else(|| panic!("{kernel} not in the results"))
}

#[test]
fn mpi_kernels_are_bit_exact_at_one_to_four_ranks() {
    if !mpi_here() {
        return;
    }
    let problems: [&[&str]; 3] = [
        &[
            "--nx", "37", "--ny", "91", "--dx", "0.1", "--dy", "0.2", "--iters", "25",
        ],
        &["--iters", "300"],
        &["--nx", "4000", "--ny", "4000", "--iters", "2"],
    ];
    for (p, problem) in problems.iter().enumerate() {
        for ranks in ["1", "2", "3", "4"] {
            if p == 2 && ranks == "2" {
                continue; // the large grid at 1, 3 and 4 ranks: CI's time
            }
            let mut args = problem.to_vec();
            args.extend(["--ranks", ranks]);
            let doc = run(&format!("exact-{p}-{ranks}"), &args);
            for k in MPI_KERNELS {
                let r = result(&doc, k);
                assert!(r.unavailable.is_none(), "{k}: {:?}", r.unavailable);
                assert!(r.verified, "{k} at {ranks} ranks, problem {p}: {r:?}");
                assert_eq!(r.max_abs_diff, Some(0.0), "{k} is bit-exact");
                let mpi = r.mpi.as_ref().expect("MPI launch recorded");
                assert_eq!(mpi.ranks.to_string(), ranks);
                let path = r.path.as_deref().unwrap();
                assert!(path.starts_with(&format!("{ranks} ranks")), "{path}");
                let over = ranks.parse::<usize>().unwrap()
                    > std::thread::available_parallelism().unwrap().get();
                assert_eq!(path.contains("oversubscribed"), over, "{path}");
                if ranks != "1" && k.starts_with("c/") {
                    assert!(mpi.latency_s.is_some_and(|l| l > 0.0), "{k}: {mpi:?}");
                }
            }
        }
    }
}

#[test]
fn a_rank_sweep_is_recorded_drawn_and_modelled() {
    if !mpi_here() {
        return;
    }
    let dir = tmp("sweep");
    let report = dir.join("report");
    let out = shootout(
        &[
            "run",
            "--repeat",
            "1",
            "--kernels",
            "=c/array-mpi",
            "--kernels",
            "=c/array",
            "--ranks",
            "2",
            "--iters",
            "200",
            "--rank-sweep",
            "--report",
            report.to_str().unwrap(),
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let doc: ResultsDoc =
        serde_json::from_slice(&std::fs::read(report.join("results.json")).unwrap()).unwrap();
    let r = result(&doc, "c/array-mpi");
    assert!(r.verified, "{r:?}");
    // Two ranks are two workers: bounded as a parallel kernel on two cores,
    // above the serial c/array's bound (divide throughput per core).
    let serial = result(&doc, "c/array").bound_mlups.unwrap();
    assert!(
        r.bound_mlups.unwrap() > 1.5 * serial,
        "{:?} vs {serial}",
        r.bound_mlups
    );
    let points = &r.rank_scaling;
    for (scaling, nx, ny) in [
        ("strong", 100, 100),
        ("strong", 4000, 4000),
        ("weak", 100, 100),
    ] {
        for ranks in [1, 2] {
            let nx = if scaling == "weak" {
                (nx - 2) * ranks + 2
            } else {
                nx
            };
            assert!(
                points.iter().any(|p| p.scaling == scaling
                    && p.ranks == ranks
                    && p.nx == nx
                    && p.ny == ny
                    && p.mlups > 0.0),
                "{scaling} {nx}x{ny} at {ranks}: {points:?}"
            );
        }
    }
    let svg = std::fs::read_to_string(report.join("ranks.svg")).unwrap();
    assert!(
        svg.contains("c/array-mpi, strong 4000x4000"),
        "legend names the series"
    );
    let md = std::fs::read_to_string(report.join("README.md")).unwrap();
    assert!(md.contains("## Many ranks: a model"), "{md}");
    assert!(md.contains("**A model, not a measurement.**"));
}

#[test]
fn without_mpi_the_mpi_kernels_are_unavailable_with_the_reason() {
    // A PATH with no MPI on it: the MPI kernels are listed, not run, and the
    // race goes on (the compiled kernel beside them runs).
    let json = tmp("absent").join("results.json");
    let out = shootout(
        &[
            "run",
            "--no-probe",
            "--repeat",
            "1",
            "--iters",
            "10",
            "--kernels",
            "mpi",
            "--kernels",
            "=c/array",
            "--json",
            json.to_str().unwrap(),
        ],
        Some("/nonexistent"),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let doc: ResultsDoc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    for k in MPI_KERNELS {
        let why = result(&doc, k)
            .unavailable
            .as_deref()
            .unwrap_or_else(|| panic!("{k}"));
        assert!(
            why.contains("mpirun") && why.contains("openmpi-bin"),
            "{k}: {why}"
        );
        assert!(why.contains("cargo xtask setup --with-mpi"), "{k}: {why}");
    }
    assert!(result(&doc, "c/array").verified);
}
