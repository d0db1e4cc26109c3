//! End-to-end tests of the external-kernel protocol: the `shootout` binary
//! runs test-only kernels written in standard-library Python
//! (`tests/fixtures/external/`), and the shipped NumPy kernel.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use laplace_core::results::ResultsDoc;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/external");

fn shootout(external: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shootout"))
        .env(
            "SHOOTOUT_CACHE_DIR",
            std::env::temp_dir().join(format!("shootout-ext-cache-{}", std::process::id())),
        )
        .env_remove("SHOOTOUT_INJECT_FAULT")
        .env_remove("SHOOTOUT_EXTERNAL_DIR")
        .arg("--external")
        .arg(external)
        .args(args)
        .output()
        .expect("run shootout")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shootout-ext-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the fixtures matching `kernels` on a 9x7 grid, 12 sweeps; returns
/// the exit code, stdout and the results document.
fn run(name: &str, kernels: &[&str]) -> (Option<i32>, String, ResultsDoc) {
    let json = tmp(name).join("results.json");
    let mut args = vec![
        "run",
        "--nx",
        "9",
        "--ny",
        "7",
        "--iters",
        "12",
        "--repeat",
        "2",
        "--no-probe",
        "--baseline",
        "c/array",
        "--kernels",
        "c/array",
    ];
    for k in kernels {
        args.extend(["--kernels", k]);
    }
    args.extend(["--json", json.to_str().unwrap()]);
    let out = shootout(FIXTURES, &args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let doc = serde_json::from_slice(
        &std::fs::read(&json)
            .unwrap_or_else(|e| panic!("no results document ({e}):\n{stdout}\n{stderr}")),
    )
    .unwrap();
    (out.status.code(), stdout, doc)
}

fn result<'d>(doc: &'d ResultsDoc, kernel: &str) -> &'d laplace_core::results::KernelResult {
    doc.results
        .iter()
        .find(|r| r.kernel == kernel)
        .unwrap_or_else(|| panic!("{kernel} not in the results"))
}

#[test]
fn a_good_external_kernel_is_verified_and_timed() {
    let (code, stdout, doc) = run("good", &["fixture/array-good", "fixture/array-short"]);
    assert_eq!(code, Some(0), "{stdout}");
    let r = result(&doc, "fixture/array-good");
    assert!(r.verified && r.error.is_none(), "{r:?}");
    assert!(r.max_abs_diff.unwrap() <= 1e-12);
    assert!(r.best_s.unwrap() > 0.0 && r.mlups.unwrap() > 0.0);
    assert_eq!(r.flags, "stdlib fixture, mode good");
    assert!(r.compiler.starts_with("Python 3"), "{}", r.compiler);
    let x = r.external.as_ref().expect("external run");
    assert_eq!(
        (x.sweeps_run, x.extrapolated, x.invocations),
        (12, false, 2)
    );
    // The process wall time includes the interpreter's start-up.
    assert!(x.process_median_s.unwrap() > r.best_s.unwrap());
    assert!(stdout.contains("fixture/array-good "), "{stdout}");
    assert!(stdout.contains("time their own sweep loop"), "{stdout}");

    // max_sweeps = 3: verified after 3 sweeps, time scaled to 12, marked.
    let r = result(&doc, "fixture/array-short");
    assert!(r.verified, "{r:?}");
    let x = r.external.as_ref().unwrap();
    assert_eq!((x.sweeps_run, x.extrapolated), (3, true));
    assert!(stdout.contains("fixture/array-short*"), "{stdout}");
    assert!(stdout.contains("ran 3 sweeps per invocation"), "{stdout}");
}

/// The shipped harness's two newer paths, with the standard library only:
/// the grid as lists, read and written without NumPy (PyPy's row), and
/// `Kernel.run` timing every sweep in one call; and a `source` list.
#[test]
fn the_protocol_reads_and_writes_lists_and_times_one_run_call() {
    let (code, stdout, doc) = run("lists", &["fixture/loop-lists"]);
    assert_eq!(code, Some(0), "{stdout}");
    let r = result(&doc, "fixture/loop-lists");
    assert!(r.verified && r.error.is_none(), "{r:?}");
    assert!(r.max_abs_diff.unwrap() <= 1e-12, "{r:?}");
    assert_eq!(r.flags, "protocol.py grid=lists, Kernel.run");
    // Both files of the list count: more than the fixture alone.
    let alone = laplace_shootout::effort::of_file(&Path::new(FIXTURES).join("protocol_lists.py"));
    assert!(
        r.source_bytes_gz.unwrap() > alone.unwrap().bytes_gz,
        "{r:?}"
    );
}

/// Issue 15: a grandchild holding stdout open kept the runner waiting for
/// it (15 s with a 3 s timeout). Its group is killed when the kernel exits.
#[test]
fn a_kernel_that_leaves_a_process_behind_does_not_hold_the_run() {
    let start = std::time::Instant::now();
    let (code, stdout, doc) = run("grandchild", &["fixture/array-grandchild"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(result(&doc, "fixture/array-grandchild").verified);
    // The fixture's `sleep 30` is not waited for (it is started twice).
    assert!(start.elapsed().as_secs() < 25, "{:?}", start.elapsed());
}

#[test]
fn broken_external_kernels_fail_with_the_reason() {
    let cases = [
        ("fixture/array-wrong", "does not match the jacobi reference"),
        ("fixture/array-crash", "fixture kernel: deliberate crash"),
        ("fixture/array-garbage", "is not {\"sweep_seconds\": ...}"),
        ("fixture/array-no-grid", "wrote no grid"),
        (
            "fixture/array-wrong-shape",
            "wrote a 8x7 grid for a 9x7 problem",
        ),
        ("fixture/array-slow", "timed out after 1 s"),
        // Impossible numbers are errors, never ranked (issue 15).
        (
            "fixture/array-zero-time",
            "reported sweep_seconds = 0, not a time",
        ),
        (
            "fixture/array-overlong-time",
            "longer than the whole process",
        ),
        ("fixture/array-fifo-output", "is not a regular file"),
    ];
    let names: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let (code, stdout, doc) = run("broken", &names);
    assert_eq!(code, Some(1), "{stdout}");
    for (kernel, why) in cases {
        let r = result(&doc, kernel);
        assert!(!r.verified && r.best_s.is_none(), "{kernel}: {r:?}");
        let err = r.error.as_deref().unwrap_or_default();
        assert!(err.contains(why), "{kernel}: {err}");
        assert!(stdout.contains(&format!("FAILED {kernel}: ")), "{stdout}");
    }
    // The compiled kernel beside them is unaffected.
    assert!(result(&doc, "c/array").verified);
}

#[test]
fn a_missing_runtime_is_unavailable_not_an_error() {
    let (code, stdout, doc) = run(
        "missing",
        &["fixture/array-missing", "fixture/array-nomodule"],
    );
    assert_eq!(code, Some(0), "{stdout}");
    let r = result(&doc, "fixture/array-missing");
    let why = r.unavailable.as_deref().expect("unavailable");
    assert!(
        why.contains("no-such-runtime-for-laplace-shootout"),
        "{why}"
    );
    assert!(why.contains("apt-get install no-such-runtime"), "{why}");
    assert!(!r.verified && r.error.is_none() && !r.failed());
    let r = result(&doc, "fixture/array-nomodule");
    let why = r.unavailable.as_deref().expect("unavailable");
    assert!(why.contains("No module named"), "{why}");
    assert!(
        stdout.contains("fixture/array-missing unavailable"),
        "{stdout}"
    );
    assert!(
        stdout.contains("unavailable fixture/array-nomodule: "),
        "{stdout}"
    );

    let list = shootout(FIXTURES, &["list"]);
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(list.status.success());
    assert!(
        text.contains("UNAVAILABLE: program `no-such-runtime"),
        "{text}"
    );
}

#[test]
fn bad_manifests_are_clear_errors() {
    let dir = tmp("bad-manifest");
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write(
        "a.toml",
        "name = \"x/loop\"\nscheme = \"jacobi\"\ndescription = \"\"\ncomand = [\"x\"]\n",
    );
    let out = shootout(dir.to_str().unwrap(), &["list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("a.toml") && err.contains("unknown field `comand`"),
        "{err}"
    );

    write(
        "a.toml",
        "name = \"c/loop\"\nscheme = \"jacobi\"\ndescription = \"\"\ncommand = [\"x\"]\n",
    );
    let out = shootout(dir.to_str().unwrap(), &["list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`c/loop` is already taken"), "{err}");

    write(
        "a.toml",
        "name = \"x/loop\"\nscheme = \"jacobi\"\ndescription = \"\"\ncommand = [\"{ruby}\"]\n",
    );
    let out = shootout(dir.to_str().unwrap(), &["list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown placeholder {ruby}"), "{err}");

    // Issue 15: an `env` key that is no variable name is refused, naming it.
    for key in ["", "A=B"] {
        write(
            "a.toml",
            &format!(
                "name = \"x/loop\"\nscheme = \"jacobi\"\ndescription = \"\"\n\
                 command = [\"x\"]\nenv = {{ \"{key}\" = \"1\" }}\n"
            ),
        );
        let out = shootout(dir.to_str().unwrap(), &["list"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{key:?}: {err}");
        assert!(
            err.contains("a.toml")
                && err.contains(&format!(
                    "`env` key {key:?} is not an environment variable name"
                )),
            "{key:?}: {err}"
        );
    }

    // A literal brace is written doubled; a single one is an error saying so.
    write(
        "a.toml",
        "name = \"x/loop\"\nscheme = \"jacobi\"\ndescription = \"\"\n\
         command = [\"sh\", \"-c\", \"f() {{ :; }}\", \"{\"]\n",
    );
    let out = shootout(dir.to_str().unwrap(), &["list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("a `{` without its `}` (write a literal `{` as `{{`)"),
        "{err}"
    );
}

/// Issue 15, item 7: the default manifest folder is a path compiled into
/// the binary. Missing (a moved checkout, an installed binary,
/// `SHOOTOUT_EXTERNAL_DIR=/nonexistent`), it is one warning; `list` and
/// `run` work with the compiled kernels, and a pattern that could only
/// have matched an external kernel says why it matches nothing.
#[test]
fn a_missing_manifest_folder_is_a_warning_and_compiled_kernels_run() {
    let from_env = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_shootout"))
            .env(
                "SHOOTOUT_CACHE_DIR",
                std::env::temp_dir().join(format!("shootout-ext-cache-{}", std::process::id())),
            )
            .env("SHOOTOUT_EXTERNAL_DIR", "/no/such/folder")
            .args(args)
            .output()
            .expect("run shootout")
    };
    for out in [shootout("/no/such/folder", &["list"]), from_env(&["list"])] {
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stdout.contains("c/array"), "{stdout}");
        assert_eq!(stderr.lines().count(), 1, "one warning line: {stderr}");
        assert!(
            stderr.starts_with("warning: no external kernels")
                && stderr.contains("/no/such/folder"),
            "{stderr}"
        );
    }
    let json = tmp("no-folder").join("results.json");
    let run = [
        "run",
        "--nx",
        "9",
        "--ny",
        "7",
        "--iters",
        "12",
        "--repeat",
        "1",
        "--no-probe",
    ];
    let mut args = run.to_vec();
    args.extend(["--kernels", "=c/array", "--json", json.to_str().unwrap()]);
    let out = from_env(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning: no external kernels"), "{stderr}");
    let doc: ResultsDoc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert!(result(&doc, "c/array").verified);

    let mut args = run.to_vec();
    args.extend(["--kernels", "=c/array", "--kernels", "python/loop"]);
    let out = from_env(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no kernel matches `python/loop`")
            && stderr
                .contains("no external kernel was loaded: the manifest folder /no/such/folder"),
        "{stderr}"
    );
}

/// Issue 15: a timed-out kernel was summarised as "FAILED verification".
#[test]
fn a_timeout_is_reported_as_a_timeout() {
    let (code, stdout, doc) = run("timeout", &["=fixture/array-slow"]);
    assert_eq!(code, Some(1), "{stdout}");
    let r = result(&doc, "fixture/array-slow");
    let err = r.error.as_deref().unwrap_or_default();
    assert!(
        err.starts_with("fixture/array-slow: timed out after 1 s"),
        "{err}"
    );
    assert!(stdout.contains("fixture/array-slow TIMED OUT"), "{stdout}");
    assert!(!stdout.contains("fixture/array-slow FAILED"), "{stdout}");
    let json = tmp("timeout-summary").join("r.json");
    let out = shootout(
        FIXTURES,
        &[
            "run",
            "--nx",
            "9",
            "--ny",
            "7",
            "--iters",
            "12",
            "--no-probe",
            "--kernels",
            "=fixture/array-slow",
            "--json",
            json.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("fixture/array-slow timed out after 1 s"),
        "{stderr}"
    );
    assert!(!stderr.contains("FAILED verification"), "{stderr}");
}

/// Issue 15: a program file without the execute permission was run and
/// reported FAILED; it is unavailable, with the reason.
#[test]
fn a_program_that_cannot_be_executed_is_unavailable() {
    use std::os::unix::fs::PermissionsExt;
    let program = Path::new(FIXTURES).join("not_executable.sh");
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, stdout, doc) = run("noexec", &["=fixture/array-not-executable"]);
    assert_eq!(code, Some(0), "{stdout}");
    let r = result(&doc, "fixture/array-not-executable");
    assert!(!r.failed(), "{r:?}");
    let why = r.unavailable.as_deref().expect("unavailable");
    assert!(
        why.contains("not_executable.sh` is not executable") && why.contains("chmod +x"),
        "{why}"
    );
    assert!(
        stdout.contains("fixture/array-not-executable unavailable"),
        "{stdout}"
    );
}

/// Issue 15: a literal `{` could not be written in a manifest command; it
/// is written `{{` (and `}` as `}}`).
#[test]
fn literal_braces_in_a_command_are_written_doubled() {
    let (code, stdout, doc) = run("braces", &["=fixture/array-braces"]);
    assert_eq!(code, Some(0), "{stdout}");
    let r = result(&doc, "fixture/array-braces");
    assert!(r.verified, "{r:?}");
    // `{{literal}} }}{{ {threads}` with one thread offered... or more.
    assert!(
        r.flags
            .starts_with("stdlib fixture, mode good, tag {literal} }{ "),
        "{}",
        r.flags
    );
    assert!(!r.flags.contains("{threads}"), "{}", r.flags);
}

/// Whether process `pid` runs (a zombie, dead but not yet reaped by a
/// parent that exited, does not).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // The state follows the command name's closing parenthesis.
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

/// Issue 15: SIGINT/SIGTERM left the runner's `shootout-external-*`
/// folders and the running kernel behind. Both go, and the exit code is
/// 128 + the signal.
#[test]
fn a_signal_kills_the_kernel_and_removes_the_temporary_folder() {
    use std::time::{Duration, Instant};
    for (signal, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let dir = tmp(&format!("signal-{signal}"));
        let temp = dir.join("tmp");
        std::fs::create_dir_all(&temp).unwrap();
        let pid_file = dir.join("pids");
        let mut child = Command::new(env!("CARGO_BIN_EXE_shootout"))
            .env(
                "SHOOTOUT_CACHE_DIR",
                std::env::temp_dir().join(format!("shootout-ext-cache-{}", std::process::id())),
            )
            .env("TMPDIR", &temp)
            .env("FIXTURE_PID_FILE", &pid_file)
            .env_remove("SHOOTOUT_EXTERNAL_DIR")
            .args(["--external", FIXTURES])
            .args(["run", "--nx", "9", "--ny", "7", "--iters", "12"])
            .args([
                "--repeat",
                "1",
                "--no-probe",
                "--kernels",
                "=fixture/array-hang",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !pid_file.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the kernel never started"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let pids: Vec<u32> = std::fs::read_to_string(&pid_file)
            .unwrap()
            .split_whitespace()
            .map(|p| p.parse().unwrap())
            .collect();
        assert_eq!(pids.len(), 2);
        let scratch = || {
            std::fs::read_dir(&temp)
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .starts_with("shootout-external-")
                })
                .count()
        };
        assert_eq!(scratch(), 1, "the kernel runs in its temporary folder");
        let pid = i32::try_from(child.id()).unwrap();
        // SAFETY: kill(2) sends a signal to the shootout process this test
        // started (not yet waited for, so its pid is not reused); it
        // touches no memory.
        let sent = unsafe { libc::kill(pid, signal) };
        assert_eq!(sent, 0);
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(code), "{stderr}");
        assert!(stderr.contains("stopped"), "{stderr}");
        assert_eq!(scratch(), 0, "a temporary folder was left behind");
        let start = Instant::now();
        while pids.iter().any(|&p| alive(p)) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the kernel or its child outlived the runner: {pids:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// The shipped NumPy kernel. `cargo xtask test` installs NumPy and sets
/// `SHOOTOUT_REQUIRE_PYTHON=1`, so in CI this test cannot pass by skipping.
#[test]
fn the_numpy_kernel_matches_the_jacobi_reference() {
    let required = std::env::var_os("SHOOTOUT_REQUIRE_PYTHON").is_some();
    let json = tmp("numpy").join("results.json");
    let out = shootout(
        concat!(env!("CARGO_MANIFEST_DIR"), "/kernels/external"),
        &[
            "run",
            "--nx",
            "40",
            "--ny",
            "30",
            "--iters",
            "200",
            "--repeat",
            "2",
            "--no-probe",
            "--kernels",
            "python/array-numpy",
            "--kernels",
            "python/loop",
            "--kernels",
            "c/array",
            "--json",
            json.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let doc: ResultsDoc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let numpy = result(&doc, "python/array-numpy");
    if let Some(why) = &numpy.unavailable {
        assert!(!required, "SHOOTOUT_REQUIRE_PYTHON is set, but: {why}");
        eprintln!("skipped: python/array-numpy is unavailable here: {why}");
        return;
    }
    assert!(numpy.verified, "{numpy:?}");
    assert!(numpy.max_abs_diff.unwrap() <= 1e-12);
    assert!(numpy.flags.contains("numpy"), "{}", numpy.flags);
    let lp = result(&doc, "python/loop");
    assert!(lp.verified, "{lp:?}");
    assert!(
        lp.extrapolated(),
        "python/loop runs at most 20 of 200 sweeps"
    );
    assert!(stdout.contains("python/loop*"), "{stdout}");
    assert!(Path::new(&json).is_file());
}

/// `python/loop-ctypes`: this project's `c_kernels/loop.c` built by the
/// harness's `cached_build` and called through ctypes, one call per sweep,
/// matches Gauss-Seidel's reference, wherever NumPy and a C compiler are.
#[test]
fn the_ctypes_kernel_matches_the_gauss_seidel_reference() {
    let required = std::env::var_os("SHOOTOUT_REQUIRE_PYTHON").is_some();
    let json = tmp("ctypes").join("results.json");
    let out = shootout(
        concat!(env!("CARGO_MANIFEST_DIR"), "/kernels/external"),
        &[
            "run",
            "--nx",
            "37",
            "--ny",
            "91",
            "--dx",
            "0.1",
            "--dy",
            "0.2",
            "--iters",
            "25",
            "--repeat",
            "1",
            "--no-probe",
            "--kernels",
            "=python/loop-ctypes",
            "--kernels",
            "=c/loop",
            "--json",
            json.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let doc: ResultsDoc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let ctypes = result(&doc, "python/loop-ctypes");
    if let Some(why) = &ctypes.unavailable {
        assert!(!required, "SHOOTOUT_REQUIRE_PYTHON is set, but: {why}");
        eprintln!("skipped: python/loop-ctypes is unavailable here: {why}");
        return;
    }
    assert!(ctypes.verified, "{ctypes:?}");
    assert!(ctypes.max_abs_diff.unwrap() <= 1e-12);
    assert!(ctypes.flags.contains("-O3 -march="), "{}", ctypes.flags);
    // Its code is the script and the C kernel together.
    let c = result(&doc, "c/loop");
    assert!(ctypes.source_bytes_gz.unwrap() > c.source_bytes_gz.unwrap());
}

/// The JavaScript example kernel: verified where Node.js is on `PATH` (it
/// is on this project's machines, CI's included), unavailable otherwise.
#[test]
fn the_javascript_kernel_matches_the_jacobi_reference_where_node_runs() {
    let json = tmp("js").join("results.json");
    let out = shootout(
        concat!(env!("CARGO_MANIFEST_DIR"), "/kernels/external"),
        &[
            "run",
            "--nx",
            "23",
            "--ny",
            "41",
            "--iters",
            "57",
            "--dy",
            "0.13",
            "--repeat",
            "1",
            "--no-probe",
            "--kernels",
            "=js/array",
            "--json",
            json.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let doc: ResultsDoc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let js = result(&doc, "js/array");
    let node = laplace_shootout::external::runtime::on_path("node").is_some();
    if node {
        assert!(js.verified, "{js:?}");
        assert_eq!(
            js.max_abs_diff,
            Some(0.0),
            "the same operations as the reference"
        );
        assert!(js.compiler.contains("Node.js"), "{}", js.compiler);
    } else {
        assert!(js.unavailable.is_some(), "{js:?}");
    }
}
