//! The Markdown report's unit tests.

use super::*;
use crate::model::fixture::{data, doc, probe};
use crate::style::ABOVE_BOUND;
use laplace_core::results::{ClockCheck, ClockEstimate, ResultsDoc};

fn amd() -> ResultsDoc {
    let mut d = doc(
        "box",
        "AMD EPYC 9B45",
        Some(("AuthenticAMD", 26, 2, 1)),
        &[
            ("c/array", Some(6000.0)),
            ("rust/array", Some(6900.0)),
            ("c/loop", Some(230.0)),
            ("python/array-numpy", Some(600.0)),
        ],
    );
    d.probe = Some(probe());
    for r in &mut d.results {
        r.bound_mlups = Some(8000.0);
        r.bound_limit = Some("4-wide divide throughput".into());
        r.percent_of_bound = r.mlups.map(|m| 100.0 * m / 8000.0);
    }
    d.results[0].path = Some("avx512".into());
    d
}

fn intel() -> ResultsDoc {
    doc(
        "vm",
        "Intel Xeon Processor",
        Some(("GenuineIntel", 6, 143, 8)),
        &[
            ("c/array", Some(1600.0)),
            ("rust/array", Some(1500.0)),
            ("c/loop", None),
        ],
    )
}

fn report(docs: Vec<ResultsDoc>) -> String {
    render(&data(docs), &[])
}

fn line<'a>(md: &'a str, start: &str) -> &'a str {
    md.lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line {start:?} in\n{md}"))
}

#[test]
fn above_bound_is_marked_instead_of_a_percentage() {
    let mut d = amd();
    d.results[1].bound_exceeded = true; // rust/array at 86%
    let md = report(vec![d]);
    let limits = md.split("## Against the machine's limits").nth(1).unwrap();
    assert!(
        line(limits, "| `rust/array` |").contains(&format!("| {ABOVE_BOUND} |")),
        "{limits}"
    );
    assert!(!line(limits, "| `rust/array` |").contains("86%"));
    assert!(line(limits, "| `c/array` |").contains("| 75% |"));
    assert!(md.contains(&format!(
        "*{ABOVE_BOUND}*: the kernel ran faster than its bound by more than the run's noise, \
         so the bound's model does not hold for that kernel on AMD EPYC 9B45 (AMD 26/2/1)"
    )));
    // No footnote without such a kernel.
    assert!(!report(vec![amd()]).contains(ABOVE_BOUND));
}

#[test]
fn path_column_shows_each_kernels_path() {
    let md = report(vec![amd()]);
    assert!(md.contains("| Kernel | path | scheme | flags | best s |"));
    assert!(line(&md, "| `c/array` |").starts_with("| `c/array` | avx512 | jacobi |"));
    assert!(line(&md, "| `c/loop` |").starts_with("| `c/loop` | - | gauss-seidel |"));
    // Documents without paths keep their old table.
    let old = doc("h", "cpu", None, &[("c/array", Some(1.0))]);
    assert!(report(vec![old]).contains("| Kernel | scheme | flags | best s |"));
    // Side by side: one path when the machines agree, each one when not.
    let mut b = intel();
    b.results[0].path = Some("avx512".into());
    let md = report(vec![amd(), b.clone()]);
    assert!(line(&md, "| `c/array` |").starts_with("| `c/array` | avx512 | jacobi |"));
    b.results[0].path = Some("avx2".into());
    let md = report(vec![amd(), b]);
    assert!(
        line(&md, "| `c/array` |").starts_with("| `c/array` | box: avx512; vm: avx2 |"),
        "{md}"
    );
}

#[test]
fn machines_compared_only_with_two_machines() {
    assert!(!report(vec![amd(), amd()]).contains("## Machines compared"));
    let md = report(vec![amd(), intel()]);
    let section = md.split("## Machines compared").nth(1).unwrap();
    assert!(section.contains(
        "| Kernel | scheme | AMD EPYC 9B45 (AMD 26/2/1), 2026-01-02 | \
         Intel Xeon Processor (Intel 6/143/8), 2026-01-02 |"
    ));
    assert!(section.contains("| `rust/array` | jacobi | 1.15x | 0.94x |"));
    assert!(section.contains("| `c/loop` | gauss-seidel | 0.04x | **FAILED** |"));
    assert!(section.contains("| `python/array-numpy` | jacobi | 0.10x | n/a |"));
    assert!(section.contains(
        "- **Intel Xeon Processor (Intel 6/143/8), 2026-01-02**: Intel Xeon Processor, \
         signature GenuineIntel family 6 model 143 stepping 8, ISA avx2 fma, host `vm`, \
         2026-01-02T03:04:05Z, from `b.json`"
    ));
    // Without a common reference the section says why.
    let mut b = intel();
    b.results.retain(|r| r.kernel != "c/array");
    let md = report(vec![amd(), b]);
    assert!(
        md.contains("*Not compared: `c/array` has no time on vm"),
        "{md}"
    );
}

#[test]
fn per_run_headings_name_the_machine() {
    let md = report(vec![amd(), intel()]);
    assert!(md.contains(
        "One group of columns per results document, named by its label: \
         **box: AMD EPYC 9B45 (AMD 26/2/1)**; **vm: Intel Xeon Processor (Intel 6/143/8)**.\n"
    ));
    let limits = md.split("## Against the machine's limits").nth(1).unwrap();
    assert!(
        limits.contains("**box: AMD EPYC 9B45 (AMD 26/2/1)**\n"),
        "{limits}"
    );
    // The 2x rule, headed by each machine, in the whole report.
    assert!(md.contains(
        "### Why these kernels are more than 2x slower than c/array \
         (AMD EPYC 9B45 (AMD 26/2/1), 2026-01-02)\n\n- `c/loop`: 26.09x c/array's time"
    ));
    // One run: no legend, no machine heading over the limits table.
    let md = report(vec![amd()]);
    assert!(!md.contains("One group of columns") && !md.contains("**box: AMD"));
}

#[test]
fn clock_check_and_cache_sources_are_printed() {
    let mut d = amd();
    let p = d.probe.as_mut().unwrap();
    p.clock_check = Some(ClockCheck {
        estimates: vec![
            ClockEstimate {
                source: "imul chain".into(),
                ghz: 3.41,
            },
            ClockEstimate {
                source: "TSC".into(),
                ghz: 2.45,
            },
        ],
        agree: true,
        note: None,
    });
    p.cache_source = vec!["L1d: sysfs".into(), "L2: cpuid".into()];
    let md = report(vec![d.clone()]);
    assert!(md.contains("| clock check | clock 3.41 GHz (imul chain); TSC: 2.45 GHz |"));
    assert!(md.contains("Cache sizes came from:\n\n- L1d: sysfs\n- L2: cpuid\n"));
    assert!(!md.contains("disagree"));
    assert!(
        md.contains("| CPU signature | AuthenticAMD family 26 model 2 stepping 1 (AMD 26/2/1) |")
    );
    assert!(md.contains("| ISA | avx2 fma |"));

    let check = d.probe.as_mut().unwrap().clock_check.as_mut().unwrap();
    check.agree = false;
    check.note = Some("the imul chain ran in a VM".into());
    let md = report(vec![d]);
    assert!(md.contains("2.45 GHz: **disagree** (see below) |"));
    assert!(md.contains(
        "> ⚠ **The clock estimates disagree**: clock 3.41 GHz (imul chain); TSC: 2.45 GHz. \
         the imul chain ran in a VM"
    ));
}

#[test]
fn bit_exact_kernels_are_marked_and_listed() {
    let mut d = amd();
    // rust/array verified at tolerance 0: a bit-exact kernel.
    d.results[1].tolerance = 0.0;
    let md = report(vec![d]);
    assert!(
        line(&md, "| `rust/array` (bit-exact) |").starts_with("| `rust/array` (bit-exact) |"),
        "{md}"
    );
    assert!(!md.contains("`c/array` (bit-exact)"));
    assert!(md.contains("Bit-exact kernels (verified to reproduce the reference grid bit for bit"));
    assert!(!md.contains("Markstein"), "no -exact kernel here");
    // Without any, no note.
    assert!(!report(vec![amd()]).contains("Bit-exact kernels"));
}
