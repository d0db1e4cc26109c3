//! The tables about the machines: each kernel against its bound, the
//! machines with their probes, and every kernel's compiler flags.

use std::fmt::Write;

use laplace_core::results::{ClockCheck, OpTimes, Probe, Provenance};

use super::{cell, code};
use crate::format::{
    fmt_bandwidth, fmt_bytes, fmt_clock, fmt_cycles, fmt_mlups, fmt_ns, fmt_percent_of_bound, sig,
    thousands,
};
use crate::model::{
    Outcome, Run, by_scheme, outcome, problem_text, run_machine, same_problem, short_signature,
};
use crate::style::ABOVE_BOUND;
use crate::table::{Align, Table};

/// The second table: each kernel against its bound on the machine, for
/// every run with a probe.
pub(super) fn limits(md: &mut String, runs: &[Run]) {
    let with: Vec<&Run> = runs
        .iter()
        .filter(|r| r.doc.probe.is_some() && r.doc.results.iter().any(|k| k.bound_mlups.is_some()))
        .collect();
    if with.is_empty() {
        return;
    }
    md.push_str("## Against the machine's limits\n\n");
    md.push_str(
        "Each kernel's *bound* is the MLUP/s its cost allows on the machine, from the limits \
         `shootout probe` measured (see Machines); *limit* is what sets it, *% of bound* is MLUP/s \
         over the bound, and *cycles/update* is core cycles per lattice update at the best time \
         (thread-cycles for parallel kernels).\n\n",
    );
    for run in with {
        if runs.len() > 1 {
            let _ = writeln!(md, "**{}**\n", cell(&run_machine(run)));
        }
        let mut table = Table::new([
            ("Kernel", Align::Left),
            ("cost", Align::Left),
            ("MLUP/s", Align::Right),
            ("bound MLUP/s", Align::Right),
            ("limit", Align::Left),
            ("% of bound", Align::Right),
            ("cycles/update", Align::Right),
        ]);
        for (_, rows) in by_scheme(&run.doc.results) {
            for r in rows {
                let cost = r.cost.map_or_else(
                    || "-".into(),
                    |c| {
                        serde_json::to_value(c)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                    },
                );
                let failed = outcome(r) == Outcome::Failed;
                let dash_if_failed = |s: String| if failed { "-".to_string() } else { s };
                table.row([
                    code(&r.kernel),
                    cell(&cost),
                    if failed {
                        "**FAILED**".into()
                    } else {
                        fmt_mlups(r.mlups)
                    },
                    r.bound_mlups
                        .map_or_else(|| "-".into(), |b| fmt_mlups(Some(b))),
                    cell(r.bound_limit.as_deref().unwrap_or("-")),
                    dash_if_failed(fmt_percent_of_bound(r)),
                    dash_if_failed(fmt_cycles(r.cycles_per_update)),
                ]);
            }
        }
        md.push_str(&table.markdown());
        md.push('\n');
        if run
            .doc
            .results
            .iter()
            .any(|r| r.bound_exceeded && !r.failed())
        {
            let _ = writeln!(
                md,
                "*{ABOVE_BOUND}*: the kernel ran faster than its bound by more than the run's \
                 noise, so the bound's model does not hold for that kernel on {}; its \
                 percentage of the bound would measure the model, not the kernel.\n",
                cell(&crate::model::cpu_text(&run.doc.provenance))
            );
        }
    }
}

pub(super) fn machines(md: &mut String, runs: &[Run]) {
    md.push_str("## Machines\n\n");
    let mut table = Table::new([("", Align::Left)]);
    for r in runs {
        table.column(cell(&r.label), Align::Left);
    }
    type Field = Box<dyn Fn(&Provenance) -> String>;
    let text = |f: fn(&Provenance) -> String| -> Field { Box::new(f) };
    let mut fields: Vec<(String, Field)> = vec![
        ("host".into(), text(|p| p.host.clone())),
        ("CPU".into(), text(|p| p.cpu.clone())),
    ];
    if runs
        .iter()
        .any(|r| r.doc.provenance.cpu_signature.is_some())
    {
        fields.push((
            "CPU signature".into(),
            text(|p| {
                p.cpu_signature.as_ref().map_or_else(
                    || "not recorded".into(),
                    |s| format!("{s} ({})", short_signature(s)),
                )
            }),
        ));
    }
    if runs.iter().any(|r| !r.doc.provenance.isa.is_empty()) {
        fields.push((
            "ISA".into(),
            text(|p| {
                if p.isa.is_empty() {
                    "not recorded".into()
                } else {
                    p.isa.join(" ")
                }
            }),
        ));
    }
    fields.push((
        "logical cores".into(),
        text(|p| p.logical_cores.to_string()),
    ));
    fields.push(("threads offered".into(), text(|p| p.threads.to_string())));
    fields.push(("OS".into(), text(|p| p.os.clone())));
    fields.push(("rustc".into(), text(|p| p.rustc.clone())));
    // One row per foreign language of the table that some run recorded.
    for lang in laplace_core::LANGUAGES
        .iter()
        .filter(|l| l.foreign.is_some())
    {
        if runs
            .iter()
            .any(|r| r.doc.provenance.compiler(lang.name).is_some())
        {
            let get =
                move |p: &Provenance| p.compiler(lang.name).unwrap_or("not recorded").to_string();
            fields.push((format!("{} compiler", lang.title), Box::new(get)));
        }
    }
    fields.push(("target CPU".into(), text(|p| p.target_cpu.clone())));
    fields.push(("profile".into(), text(|p| p.profile.clone())));
    fields.push(("date".into(), text(|p| p.date.clone())));
    fields.push((
        "git commit".into(),
        text(|p| {
            p.git_commit
                .clone()
                .unwrap_or_else(|| "not a git checkout".into())
        }),
    ));
    fields.push(("kernels".into(), text(|_| String::new())));
    for (name, get) in fields {
        let mut cells = vec![name.clone()];
        for run in runs {
            let v = if name == "kernels" {
                let n = run.doc.results.len();
                let failed = run
                    .doc
                    .results
                    .iter()
                    .filter(|r| outcome(r) == Outcome::Failed)
                    .count();
                format!("{} ({} failed)", thousands(n), failed)
            } else {
                get(&run.doc.provenance)
            };
            cells.push(cell(&v));
        }
        table.row(cells);
    }
    if runs.iter().any(|r| r.doc.probe.is_some()) {
        probe_rows(&mut table, runs);
    }
    let problems_differ = runs
        .iter()
        .any(|r| !same_problem(&r.doc.problem, &runs[0].doc.problem));
    if problems_differ {
        let mut cells = vec!["problem".to_string()];
        cells.extend(runs.iter().map(|r| cell(&problem_text(&r.doc.problem))));
        table.row(cells);
    }
    md.push_str(&table.markdown());
    md.push('\n');
    clock_warnings(md, runs);
    cache_sources(md, runs);
}

/// The probe's clock against its other estimates: `clock 3.41 GHz (imul
/// chain); FMA latency / 4: 3.38 GHz; TSC: 2.45 GHz`.
fn clock_estimates(check: &ClockCheck) -> String {
    let ghz = |g: f64| format!("{} GHz", sig(g, 3));
    let mut parts = Vec::new();
    for (k, e) in check.estimates.iter().enumerate() {
        parts.push(if k == 0 {
            format!("clock {} ({})", ghz(e.ghz), e.source)
        } else {
            format!("{}: {}", e.source, ghz(e.ghz))
        });
    }
    if parts.is_empty() {
        parts.push("no estimates".into());
    }
    parts.join("; ")
}

/// A warning under the machines table for every probe whose clock
/// estimates disagree: every bound in cycles rests on that clock.
fn clock_warnings(md: &mut String, runs: &[Run]) {
    for run in runs {
        let Some(p) = &run.doc.probe else { continue };
        let Some(check) = p.clock_check.as_ref().filter(|c| !c.agree) else {
            continue;
        };
        let on = if runs.len() > 1 {
            format!(" on {}", cell(&run_machine(run)))
        } else {
            String::new()
        };
        let _ = writeln!(
            md,
            "> ⚠ **The clock estimates disagree{on}**: {}. {}\n",
            clock_estimates(check),
            check.note.as_deref().map_or_else(
                || "The clock-based figures (cycles per update, latency bounds) are only \
                        as good as the clock used."
                    .to_string(),
                cell
            )
        );
    }
}

/// Where each probe's cache sizes came from, one line per level.
fn cache_sources(md: &mut String, runs: &[Run]) {
    let with: Vec<(&Run, &Probe)> = runs
        .iter()
        .filter_map(|r| Some((r, r.doc.probe.as_ref()?)))
        .filter(|(_, p)| !p.cache_source.is_empty())
        .collect();
    for (run, p) in with {
        let on = if runs.len() > 1 {
            format!(" on {}", cell(&run_machine(run)))
        } else {
            String::new()
        };
        let _ = writeln!(md, "Cache sizes{on} came from:\n");
        for line in &p.cache_source {
            let _ = writeln!(md, "- {}", cell(line));
        }
        md.push('\n');
    }
}

/// `add / mul / FMA / div` in nanoseconds.
fn op_times(t: &OpTimes) -> String {
    [t.add, t.mul, t.fma, t.div]
        .iter()
        .map(|v| fmt_ns(*v))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The machine limits `shootout probe` measured, one row per figure.
fn probe_rows(table: &mut Table, runs: &[Run]) {
    type Field = fn(&Probe) -> String;
    let probes = || runs.iter().filter_map(|r| r.doc.probe.as_ref());
    let mut fields: Vec<(&str, Field)> = vec![
        ("probe date", |p| p.date.clone()),
        ("clock (probe)", |p| {
            fmt_clock(p).unwrap_or_else(|| "not measured".into())
        }),
    ];
    if probes().any(|p| p.clock_check.is_some()) {
        fields.push(("clock check", |p| match &p.clock_check {
            None => "not checked".into(),
            Some(c) if c.agree => clock_estimates(c),
            Some(c) => format!("{}: **disagree** (see below)", clock_estimates(c)),
        }));
    }
    fields.extend::<[(&str, Field); 6]>([
        ("latency add / mul / FMA / div, ns", |p| {
            op_times(&p.latency_s)
        }),
        ("scalar throughput add / mul / FMA / div, ns per op", |p| {
            op_times(&p.scalar_throughput_s)
        }),
        ("vector throughput add / mul / FMA / div, ns per op", |p| {
            format!(
                "{} ({}-wide)",
                op_times(&p.vector_throughput_s),
                p.vector_lanes
            )
        }),
        ("copy bandwidth, 1 core / all", |p| {
            format!(
                "{} / {} ({} threads)",
                fmt_bandwidth(p.copy_bw_1),
                fmt_bandwidth(p.copy_bw_all),
                p.threads
            )
        }),
        ("triad bandwidth, 1 core / all", |p| {
            format!(
                "{} / {}",
                fmt_bandwidth(p.triad_bw_1),
                fmt_bandwidth(p.triad_bw_all)
            )
        }),
        ("L2 copy bandwidth, 1 core", |p| fmt_bandwidth(p.l2_copy_bw)),
    ]);
    if probes().any(|p| p.l3_copy_bw.is_some()) {
        fields.push(("last-level cache copy bandwidth, 1 core", |p| {
            p.l3_copy_bw
                .map_or_else(|| "not measured".into(), fmt_bandwidth)
        }));
    }
    if probes().any(|p| p.l1_bytes > 0) {
        fields.push(("L1d / L2 per core / last-level cache", |p| {
            let l1 = if p.l1_bytes > 0 {
                fmt_bytes(p.l1_bytes)
            } else {
                "?".into()
            };
            format!(
                "{l1} / {} / {}",
                fmt_bytes(p.l2_bytes),
                fmt_bytes(p.llc_bytes)
            )
        }));
    } else {
        fields.push(("L2 per core / last-level cache", |p| {
            format!("{} / {}", fmt_bytes(p.l2_bytes), fmt_bytes(p.llc_bytes))
        }));
    }
    if probes().any(|p| !p.div_by_width.is_empty()) {
        fields.push(("divide throughput by width, ns per instruction", |p| {
            if p.div_by_width.is_empty() {
                return "not measured".into();
            }
            p.div_by_width
                .iter()
                .map(|w| format!("{}-wide {}", w.lanes, fmt_ns(Some(w.seconds))))
                .collect::<Vec<_>>()
                .join(" / ")
        }));
    }
    if probes().any(|p| !p.chains.is_empty()) {
        fields.push(("Gauss-Seidel chain latency, ns per update", |p| {
            if p.chains.is_empty() {
                return "not measured".into();
            }
            p.chains
                .iter()
                .map(|c| format!("{} {}", c.chain.describe(), fmt_ns(Some(c.seconds))))
                .collect::<Vec<_>>()
                .join("; ")
        }));
    }
    fields.push(("probed machine", |p| format!("{}: {}", p.host, p.cpu)));
    for (name, get) in fields {
        let mut cells = vec![name.to_string()];
        for run in runs {
            let v = run
                .doc
                .probe
                .as_ref()
                .map_or_else(|| "not probed".to_string(), get);
            cells.push(cell(&v));
        }
        table.row(cells);
    }
}

pub(super) fn flags(md: &mut String, runs: &[Run]) {
    md.push_str("## Flags\n\nThe exact compiler command line of every kernel.\n\n");
    let mut table = Table::new([
        ("Kernel", Align::Left),
        ("compiler", Align::Left),
        ("flags", Align::Left),
    ]);
    let mut seen: Vec<(&str, &str, &str)> = Vec::new();
    let many = runs.len() > 1;
    for run in runs {
        for (_, rows) in by_scheme(&run.doc.results) {
            for r in rows {
                let key = (r.kernel.as_str(), r.compiler.as_str(), r.flags.as_str());
                if seen.contains(&key) {
                    continue;
                }
                let shown_before = seen.iter().any(|s| s.0 == r.kernel);
                seen.push(key);
                let name = if many && shown_before {
                    format!("{} ({})", code(&r.kernel), cell(&run.label))
                } else {
                    code(&r.kernel)
                };
                table.row([name, cell(&r.compiler), cell(&code(&r.flags))]);
            }
        }
    }
    md.push_str(&table.markdown());
    md.push('\n');
}
