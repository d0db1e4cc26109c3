//! End to end: `cargo xtask new-kernel` in a copy of the workspace, one kernel
//! per language and scheme (a copy of every seed kernel of
//! `laplace_core::LANGUAGES`) and three fast-math variants, then
//! ONE build of the copy: `cargo test --test verify` there, then its
//! `shootout list --format json` and a short `shootout run`. The new kernels
//! must be listed with their scheme and pass verification with no edit
//! besides the scaffolder's.
//!
//! The copy builds in a target folder of its own (sharing this build's would
//! mix the two trees' artifacts: cargo hashes workspace crates by their path
//! relative to the workspace root, so both trees' crates get the same file
//! names). That folder lies under `CARGO_TARGET_TMPDIR` and survives between
//! runs, so only the first run compiles the dependencies (about 100 s on two
//! cores; later runs about 60 s). It is `#[ignore]`d: `cargo test` skips
//! it and `cargo xtask test` (CI) runs it with
//! `cargo test --test scaffold -- --ignored`. The scaffolder's refusals are
//! tested without building, in `xtask/src/scaffold/tests.rs`.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

/// The kernels scaffolded, every seed once: name, `--scheme` (none: taken
/// from the base kernel), expected scheme.
const NEW: [(&str, Option<&str>, &str); 15] = [
    ("rust/scaffolded-j", Some("jacobi"), "jacobi"),
    ("rust/scaffolded-gs", Some("gauss-seidel"), "gauss-seidel"),
    ("rust/scaffolded-rb", Some("red-black-sor"), "red-black-sor"),
    ("c/scaffolded-j", Some("jacobi"), "jacobi"),
    ("c/scaffolded-gs", Some("gauss-seidel"), "gauss-seidel"),
    ("c/scaffolded-rb", Some("red-black-sor"), "red-black-sor"),
    ("c/scaffolded-j-fastmath", None, "jacobi"),
    ("fortran/scaffolded-j", Some("jacobi"), "jacobi"),
    (
        "fortran/scaffolded-gs",
        Some("gauss-seidel"),
        "gauss-seidel",
    ),
    (
        "fortran/scaffolded-rb",
        Some("red-black-sor"),
        "red-black-sor",
    ),
    ("fortran/scaffolded-gs-fastmath", None, "gauss-seidel"),
    ("cpp/scaffolded-j", Some("jacobi"), "jacobi"),
    ("cpp/scaffolded-gs", Some("gauss-seidel"), "gauss-seidel"),
    ("cpp/scaffolded-rb", Some("red-black-sor"), "red-black-sor"),
    ("cpp/scaffolded-rb-fastmath", None, "red-black-sor"),
];

/// Copies the workspace's sources, without `target/` and `.git`.
fn copy_sources(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_sources(&src, &dst);
        } else if kind.is_file() {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

/// `cargo ARGS` in `ws`, building in `target` only.
fn cargo(ws: &Path, target: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let start = Instant::now();
    let out = Command::new(cargo)
        .args(args)
        .current_dir(ws)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_BUILD_BUILD_DIR", target)
        .env_remove("CARGO_BUILD_TARGET_DIR")
        // Not the outer cargo's jobserver: the nested build has its own.
        .env_remove("CARGO_MAKEFLAGS")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .output()
        .expect("run cargo");
    eprintln!(
        "cargo {} ({:.1} s)",
        args.join(" "),
        start.elapsed().as_secs_f64()
    );
    out
}

/// Asserts that `out` succeeded, showing its output if not; returns stdout.
fn ok(out: Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    stdout
}

#[test]
#[ignore = "slow: builds a copy of the workspace; `cargo xtask test` runs it"]
fn scaffolded_kernels_build_list_and_verify_with_no_other_edit() {
    let start = Instant::now();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    // The copy lies outside this tree, so that its .cargo/config.toml is the
    // only one, at a path fixed for this target folder (so that the next run
    // finds its own build up to date but for the copied sources).
    let mut h = DefaultHasher::new();
    tmp.hash(&mut h);
    let ws: PathBuf = std::env::temp_dir().join(format!("laplace-scaffold-e2e-{:x}", h.finish()));
    let target = tmp.join("scaffold-e2e");
    let _ = fs::remove_dir_all(&ws);
    copy_sources(root, &ws);

    for (name, scheme, _) in NEW {
        let mut args = vec!["xtask", "new-kernel", name];
        args.extend(scheme.iter().flat_map(|s| ["--scheme", s]));
        let out = ok(cargo(&ws, &target, &args), &format!("new-kernel {name}"));
        assert!(out.contains(&format!("scaffolded {name}")), "{out}");
    }

    // Refusals leave the tree as it is.
    let registry = fs::read_to_string(ws.join("src/registry.rs")).unwrap();
    for (args, expected) in [
        (
            [
                "xtask",
                "new-kernel",
                "c/scaffolded-j",
                "--scheme",
                "jacobi",
            ],
            "already registered",
        ),
        (
            ["xtask", "new-kernel", "go/kernel", "--scheme", "jacobi"],
            "unknown language `go`",
        ),
    ] {
        let out = cargo(&ws, &target, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    assert_eq!(
        fs::read_to_string(ws.join("src/registry.rs")).unwrap(),
        registry
    );

    // The generated Rust is formatted as `cargo fmt` wants it.
    let rustfmt = Command::new("rustfmt")
        .args(["--edition", "2024", "--check"])
        .args(
            ["j", "gs", "rb"]
                .map(|f| ws.join(format!("crates/laplace-rust/src/kernels/scaffolded_{f}.rs"))),
        )
        .arg(ws.join("src/registry.rs"))
        .output();
    if let Ok(out) = rustfmt {
        ok(out, "rustfmt --check on the scaffolded files");
    }

    // One build: the verification test builds the library, the kernels and
    // the shootout binary, which then runs as it is.
    ok(
        cargo(&ws, &target, &["test", "--test", "verify"]),
        "cargo test --test verify",
    );
    let shootout = |args: &[&str]| {
        Command::new(target.join("debug/shootout"))
            .args(args)
            .output()
            .expect("run the copy's shootout")
    };
    let json = ok(shootout(&["list", "--format", "json"]), "shootout list");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    for (name, _, scheme) in NEW {
        let row = rows
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("{name} is not listed:\n{json}"));
        assert_eq!(row["scheme"], scheme, "{row}");
        let flags = row["flags"].as_str().unwrap();
        let tolerance = row["tolerance"].as_f64().unwrap();
        if name.ends_with("-fastmath") {
            assert!(flags.contains("-ffast-math"), "{row}");
            assert_eq!(tolerance, 1e-10, "{row}");
        } else {
            assert!(!flags.contains("fast-math"), "{row}");
            assert_eq!(tolerance, 1e-12, "{row}");
        }
    }
    let table = ok(
        shootout(&[
            "run",
            "--nx",
            "23",
            "--ny",
            "17",
            "--iters",
            "40",
            "--repeat",
            "1",
            "--kernels",
            "scaffolded-",
            "--kernels",
            "c/array",
        ]),
        "shootout run",
    );
    for (name, _, _) in NEW {
        assert!(table.contains(name), "{table}");
    }
    assert!(!table.contains("FAILED"), "{table}");

    let _ = fs::remove_dir_all(&ws);
    eprintln!("scaffold e2e: {:.0} s", start.elapsed().as_secs_f64());
}
