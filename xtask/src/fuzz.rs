//! `cargo xtask fuzz [--seconds N]`: the fuzz properties of the `.npy`
//! reader (`crates/laplace-core/tests/fuzz.rs`) and of the results-document
//! loader and the report drawn from what it accepts
//! (`crates/laplace-report/tests/fuzz.rs`), run for about `N` seconds in
//! all (default 60) instead of the few hundred cases a plain `cargo test`
//! runs.
//!
//! The two test binaries run one after the other, each for half the time,
//! all of a binary's properties at once (`--test-threads 64`), each in batches of its default
//! case count (`PROPTEST_CASES` overrides it) until the time is up
//! (`SHOOTOUT_FUZZ_SECONDS`, read by the tests). The build is optimised but
//! keeps debug assertions and overflow checks (a `fuzz` profile inheriting
//! `dev`, in `target/fuzz/`), so an overflow is a panic found, and the
//! normal builds are left alone. Any failure is shrunk by proptest and
//! fails the command; the cases run are summed at the end.

use std::env;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::workspace_root;

/// Seconds in all when `--seconds` is not given.
const DEFAULT_SECONDS: f64 = 60.0;

/// The packages with a `fuzz` test target, run one after the other.
const PACKAGES: &[&str] = &["laplace-core", "laplace-report"];

/// The `fuzz` profile, given on the command line so that no manifest
/// carries it: `dev` (debug assertions, overflow checks) optimised.
const PROFILE: &[&str] = &[
    "--config",
    "profile.fuzz.inherits=\"dev\"",
    "--config",
    "profile.fuzz.opt-level=3",
    "--config",
    "profile.fuzz.debug=\"line-tables-only\"",
    "--profile",
    "fuzz",
];

/// `--seconds N` (or `--seconds=N`) from the arguments.
fn seconds(args: &[String]) -> Result<f64> {
    let mut seconds = DEFAULT_SECONDS;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = match arg.strip_prefix("--seconds") {
            Some("") => it.next().context("--seconds needs a value")?,
            Some(v) if v.starts_with('=') => v.trim_start_matches('='),
            _ => bail!("unknown argument `{arg}` (usage: cargo xtask fuzz [--seconds N])"),
        };
        seconds = value
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s > 0.0)
            .with_context(|| format!("--seconds {value}: not a positive number"))?;
    }
    Ok(seconds)
}

/// The case count of a line the tests print: `fuzz NAME: N cases in S s, ...`.
fn cases(line: &str) -> Option<u64> {
    let rest = line.strip_prefix("fuzz ")?;
    let (_, counts) = rest.split_once(": ")?;
    counts.split_once(" cases in ")?.0.parse().ok()
}

/// `cargo test` of every package's `fuzz` target in the `fuzz` profile,
/// then `rest`.
fn cargo_test(cargo: &str, rest: &[&str]) -> Command {
    let mut cmd = Command::new(cargo);
    cmd.arg("test").args(PROFILE);
    for p in PACKAGES {
        cmd.args(["--package", p]);
    }
    cmd.args(["--test", "fuzz"]).args(rest);
    cmd.current_dir(workspace_root());
    cmd
}

/// Runs every fuzz property for about `--seconds` in all.
pub(crate) fn run(args: &[String]) -> Result<()> {
    let total = seconds(args)?;
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Built first (with the same arguments, so nothing is built again), so
    // that the time given is spent fuzzing.
    let status = cargo_test(&cargo, &["--no-run"])
        .status()
        .with_context(|| format!("cannot run {cargo}"))?;
    if !status.success() {
        bail!("building the fuzz tests failed ({status})");
    }
    let start = Instant::now();
    let each = total / PACKAGES.len() as f64;
    let mut child = cargo_test(&cargo, &["--", "--nocapture", "--test-threads", "64"])
        // Every property of a binary at once, each for the binary's share.
        .env("SHOOTOUT_FUZZ_SECONDS", each.to_string())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {cargo}"))?;
    // The tests print their counts on stderr: passed on, and summed.
    let (mut sum, mut properties) = (0u64, 0usize);
    let stderr = child.stderr.take().context("no stderr")?;
    for line in BufReader::new(stderr).lines() {
        let line = line.context("reading the tests' output")?;
        if let Some(n) = cases(&line) {
            sum += n;
            properties += 1;
        }
        let _ = writeln!(std::io::stderr(), "{line}");
    }
    let status = child.wait().context("waiting for the tests")?;
    if !status.success() {
        bail!(
            "fuzzing found a failure ({status}); proptest's message above shows the smallest input"
        );
    }
    eprintln!(
        "xtask: fuzzed {sum} cases over {properties} properties in {:.0} s: no panic, no failure",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn seconds_are_read_or_refused() {
        assert_eq!(seconds(&[]).unwrap(), DEFAULT_SECONDS);
        assert_eq!(seconds(&args(&["--seconds", "5"])).unwrap(), 5.0);
        assert_eq!(seconds(&args(&["--seconds=2.5"])).unwrap(), 2.5);
        for bad in [
            &["--seconds"][..],
            &["--seconds", "0"],
            &["--seconds", "nan"],
            &["--seconds", "-1"],
            &["--secondsx"],
            &["--cases", "5"],
        ] {
            assert!(seconds(&args(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn counts_are_read_from_the_tests_lines() {
        assert_eq!(
            cases("fuzz npy damaged files: 5120 cases in 10.2 s, no failure"),
            Some(5120)
        );
        assert_eq!(cases("test npy_reader_survives_damaged_files ... ok"), None);
    }
}
