//! The Markdown report, `README.md` in the output folder.

use std::fmt::Write;

use laplace_core::results::{ClockCheck, KernelResult, OpTimes, Probe, Provenance};

use crate::charts::{Chart, Drawn, compact};
use crate::format::{
    fmt_bandwidth, fmt_bytes, fmt_clock, fmt_cycles, fmt_mlups, fmt_ns, fmt_percent_of_bound,
    fmt_relative, fmt_secs, fmt_sweeps, sig, thousands,
};
use crate::model::{
    Comparison, Criterion, Outcome, ReportData, Run, any_result, by_scheme, kernels_across,
    outcome, problem_text, run_machine, same_problem, short_signature,
};
use crate::style::ABOVE_BOUND;
use crate::table::{Align, Table};

/// A table cell: no pipes or line breaks from the data.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .trim()
        .to_string()
}

/// A code span that survives backticks in the data.
fn code(s: &str) -> String {
    if s.contains('`') {
        format!("`` {} ``", s.replace('\n', " "))
    } else {
        format!("`{}`", s.replace('\n', " "))
    }
}

/// The kernel's name, marked when its times are extrapolated.
fn kernel_cell(r: &KernelResult) -> String {
    if r.extrapolated() {
        format!("{} (extrapolated)", code(&r.kernel))
    } else {
        code(&r.kernel)
    }
}

/// The whole report.
pub(crate) fn render(data: &ReportData, charts: &[(&dyn Chart, Drawn)]) -> String {
    let mut md = String::from("# Laplace shootout report\n\n");
    sources(&mut md, data);
    problems(&mut md, data);
    md.push_str("## Results\n\n");
    let full = Full::of(&data.runs);
    if data.runs.len() == 1 {
        single_table(&mut md, &data.runs[0], full);
    } else {
        side_by_side(&mut md, &data.runs, full);
    }
    failures(&mut md, data);
    external_notes(&mut md, data);
    let baseline = crate::model::common_baseline(&data.runs)
        .map_or_else(|| "the baseline kernel".to_string(), |b| format!("`{b}`"));
    md.push_str(&format!(
        "*relative* is the kernel's best time divided by the best time of {baseline} (the 2011 \
         post's column, where NumPy was 1); MLUP/s is million lattice updates per second at the \
         best time. Times per sweep are compared only within a scheme: Gauss-Seidel converges in \
         fewer sweeps than Jacobi."
    ));
    if full.sweeps || full.time {
        md.push_str(
            " *sweeps to tol* is how many sweeps the kernel's scheme needs, from the initial \
             grid, until no point changes by more than the tolerance in a sweep (from the \
             reference solver; - if not reached within the work cap), and *to solution s* is \
             that many sweeps at the kernel's best time per sweep: the time to solve the problem \
             in full, which does compare schemes.",
        );
    }
    md.push_str("\n\n");
    crate::slow::section(&mut md, data);
    crate::post2011::section(&mut md, data);
    compared(&mut md, data);
    limits(&mut md, &data.runs);
    charts_section(&mut md, charts);
    machines(&mut md, &data.runs);
    flags(&mut md, &data.runs);
    md
}

fn sources(md: &mut String, data: &ReportData) {
    md.push_str("Rendered by `shootout report` from:\n\n");
    for run in &data.runs {
        let _ = writeln!(
            md,
            "- {}: {}, {}",
            code(&run.path.display().to_string()),
            cell(&run.label),
            cell(&run.doc.provenance.date)
        );
    }
    match &data.criterion {
        Criterion::Loaded(dir, points) => {
            let _ = writeln!(
                md,
                "- criterion: {} ({} measurements)",
                code(&dir.display().to_string()),
                points.len()
            );
        }
        Criterion::Absent(dir) => {
            let _ = writeln!(
                md,
                "- criterion: {} does not exist (no `cargo bench` run yet)",
                code(&dir.display().to_string())
            );
        }
        Criterion::NotAsked => md.push_str("- criterion: not used\n"),
    }
    md.push('\n');
}

fn problems(md: &mut String, data: &ReportData) {
    md.push_str("## Problem\n\n");
    let with_tolerance = Full::of(&data.runs).sweeps;
    let tolerance = |p: &laplace_core::results::ProblemSpec| {
        if with_tolerance {
            format!(", convergence tolerance {}", compact(p.tolerance))
        } else {
            String::new()
        }
    };
    match data.common_problem() {
        Some(p) => {
            let _ = writeln!(
                md,
                "{}, omega = {}, {} timed runs per kernel{}{}.\n",
                problem_text(p),
                sig(p.omega, 6),
                p.repeat,
                tolerance(p),
                if data.runs.len() > 1 {
                    " (the same in every results document)"
                } else {
                    ""
                }
            );
        }
        None => {
            for run in &data.runs {
                let p = &run.doc.problem;
                let _ = writeln!(
                    md,
                    "- {}: {}, omega = {}, {} timed runs per kernel{}",
                    cell(&run.label),
                    problem_text(p),
                    sig(p.omega, 6),
                    p.repeat,
                    tolerance(p)
                );
            }
            md.push('\n');
        }
    }
}

/// Which of the full-solution columns the results have.
#[derive(Debug, Clone, Copy)]
struct Full {
    /// Some result has `sweeps_to_tolerance`.
    sweeps: bool,
    /// Some result has `time_to_solution_s`.
    time: bool,
    /// Some result says which code path ran (`path`).
    path: bool,
}

impl Full {
    fn of(runs: &[Run]) -> Full {
        Full {
            sweeps: any_result(runs, |r| r.sweeps_to_tolerance.is_some()),
            time: any_result(runs, |r| r.time_to_solution_s.is_some()),
            path: any_result(runs, |r| r.path.is_some()),
        }
    }

    fn any(self) -> bool {
        self.sweeps || self.time
    }
}

/// The code path a kernel ran, `-` when not recorded.
fn path_cell(r: &KernelResult) -> String {
    r.path.as_deref().map_or_else(|| "-".into(), cell)
}

/// The code paths of one kernel on several runs: the path when every run
/// that has the kernel ran the same, else `label: path` for each.
fn paths_cell(runs: &[Run], found: &[Option<&KernelResult>]) -> String {
    let paths: Vec<(&Run, String)> = runs
        .iter()
        .zip(found)
        .filter_map(|(run, r)| Some((run, path_cell((*r)?))))
        .collect();
    match paths.first() {
        None => "-".into(),
        Some((_, first)) if paths.iter().all(|(_, p)| p == first) => first.clone(),
        Some(_) => paths
            .iter()
            .map(|(run, p)| format!("{}: {p}", cell(&run.label)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn fmt_solution(r: &KernelResult) -> String {
    match outcome(r) {
        Outcome::Failed | Outcome::Unavailable => "-".into(),
        _ => fmt_secs(r.time_to_solution_s),
    }
}

/// The seed's table: one run, with the full-solution columns if the
/// results have them.
fn single_table(md: &mut String, run: &Run, full: Full) {
    let mut table = Table::new([("Kernel", Align::Left)]);
    if full.path {
        table.column("path", Align::Left);
    }
    table
        .column("scheme", Align::Left)
        .column("flags", Align::Left);
    for head in ["best s", "median s", "MLUP/s", "relative"] {
        table.column(head, Align::Right);
    }
    if full.any() {
        table
            .column("sweeps to tol", Align::Right)
            .column("to solution s", Align::Right);
    }
    for (scheme, rows) in by_scheme(&run.doc.results) {
        for r in rows {
            let mut cells = vec![kernel_cell(r)];
            if full.path {
                cells.push(path_cell(r));
            }
            cells.extend([scheme.to_string(), cell(&r.display_flags())]);
            match outcome(r) {
                Outcome::Failed => {
                    cells.extend(["**FAILED**".into(), "-".into(), "-".into(), "-".into()])
                }
                Outcome::Unavailable => {
                    cells.extend(["unavailable".into(), "-".into(), "-".into(), "-".into()]);
                }
                _ => cells.extend([
                    fmt_secs(r.best_s),
                    fmt_secs(r.median_s),
                    fmt_mlups(r.mlups),
                    fmt_relative(r.relative),
                ]),
            }
            if full.any() {
                cells.extend([fmt_sweeps(r.sweeps_to_tolerance), fmt_solution(r)]);
            }
            table.row(cells);
        }
    }
    md.push_str(&table.markdown());
    md.push('\n');
}

/// Several runs: one row per kernel, a group of columns per run.
fn side_by_side(md: &mut String, runs: &[Run], full: Full) {
    let mut table = Table::new([("Kernel", Align::Left)]);
    if full.path {
        table.column("path", Align::Left);
    }
    table
        .column("scheme", Align::Left)
        .column("flags", Align::Left);
    let per_run = if full.time { 4 } else { 3 };
    for run in runs {
        let l = cell(&run.label);
        table
            .column(format!("best s ({l})"), Align::Right)
            .column(format!("MLUP/s ({l})"), Align::Right)
            .column(format!("relative ({l})"), Align::Right);
        if full.time {
            table.column(format!("to solution s ({l})"), Align::Right);
        }
    }
    let machines: Vec<String> = runs
        .iter()
        .map(|run| format!("**{}**", cell(&run_machine(run))))
        .collect();
    let _ = writeln!(
        md,
        "One group of columns per results document, named by its label: {}.\n",
        machines.join("; ")
    );
    for (scheme, names) in kernels_across(runs) {
        for name in names {
            let found: Vec<Option<&KernelResult>> = runs
                .iter()
                .map(|run| run.doc.results.iter().find(|r| r.kernel == name))
                .collect();
            let flags = found
                .iter()
                .flatten()
                .next()
                .map_or_else(String::new, |r| cell(&r.display_flags()));
            let mut cells = vec![code(&name)];
            if full.path {
                cells.push(paths_cell(runs, &found));
            }
            cells.extend([scheme.to_string(), flags]);
            for r in &found {
                let mut group = match r {
                    None => vec!["n/a".to_string(); per_run],
                    Some(r) if outcome(r) == Outcome::Failed => {
                        vec!["**FAILED**".to_string(), "-".into(), "-".into()]
                    }
                    Some(r) if outcome(r) == Outcome::Unavailable => {
                        vec!["unavailable".to_string(), "-".into(), "-".into()]
                    }
                    Some(r) => vec![
                        fmt_secs(r.best_s),
                        fmt_mlups(r.mlups),
                        fmt_relative(r.relative),
                    ],
                };
                if let (true, Some(r)) = (full.time, r) {
                    group.push(fmt_solution(r));
                }
                cells.extend(group);
            }
            table.row(cells);
        }
    }
    md.push_str(&table.markdown());
    md.push_str("\n*n/a*: the kernel is not in that results document.\n\n");
}

/// Every kernel's speed relative to the reference kernel on each machine,
/// when the runs come from at least two machines, and the machines in full.
fn compared(md: &mut String, data: &ReportData) {
    if data.machine_count() < 2 {
        return;
    }
    md.push_str("## Machines compared\n\n");
    let cmp = match Comparison::of(data) {
        Ok(c) => c,
        Err(reason) => {
            let _ = writeln!(md, "*Not compared: {}*\n", reason.replace('*', "\\*"));
            return;
        }
    };
    let r = code(&cmp.reference);
    let _ = writeln!(
        md,
        "Each kernel's MLUP/s divided by {r}'s MLUP/s on the same machine (above 1: faster than \
         {r} there), so that machines of different speed compare; one column per results \
         document, from {} machines.\n",
        cmp.machines
    );
    let mut table = Table::new([("Kernel", Align::Left), ("scheme", Align::Left)]);
    for l in &cmp.labels {
        table.column(cell(l), Align::Right);
    }
    for (scheme, names) in kernels_across(&data.runs) {
        for name in names {
            let mut cells = vec![code(&name), scheme.to_string()];
            for (k, run) in cmp.runs.iter().enumerate() {
                let found = run.doc.results.iter().find(|r| r.kernel == name);
                cells.push(match found.map(outcome) {
                    None => "n/a".into(),
                    Some(Outcome::Failed) => "**FAILED**".into(),
                    Some(Outcome::Unavailable) => "unavailable".into(),
                    Some(Outcome::Untimed) => "not timed".into(),
                    Some(Outcome::Timed(_)) => fmt_relative(cmp.relative(k, &name)),
                });
            }
            table.row(cells);
        }
    }
    md.push_str(&table.markdown());
    md.push('\n');
    for (label, run) in cmp.labels.iter().zip(&cmp.runs) {
        let p = &run.doc.provenance;
        let signature = p.cpu_signature.as_ref().map_or_else(
            || "signature not recorded".into(),
            |s| format!("signature {s}"),
        );
        let isa = if p.isa.is_empty() {
            "ISA not recorded".to_string()
        } else {
            format!("ISA {}", p.isa.join(" "))
        };
        let file = run.path.file_name().map_or_else(
            || run.path.display().to_string(),
            |f| f.to_string_lossy().into_owned(),
        );
        let _ = writeln!(
            md,
            "- **{}**: {}, {signature}, {isa}, host {}, {}, from {}",
            cell(label),
            cell(&p.cpu),
            code(&p.host),
            cell(&p.date),
            code(&file)
        );
    }
    md.push('\n');
}

/// The second table: each kernel against its bound on the machine, for
/// every run with a probe.
fn limits(md: &mut String, runs: &[Run]) {
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

fn failures(md: &mut String, data: &ReportData) {
    let mut lines = Vec::new();
    for run in &data.runs {
        for r in &run.doc.results {
            if outcome(r) != Outcome::Failed {
                continue;
            }
            let mut line = format!("- {}", code(&r.kernel));
            if data.runs.len() > 1 {
                let _ = write!(line, " on {}", cell(&run.label));
            }
            match (&r.error, r.max_abs_diff) {
                (Some(e), _) => {
                    let _ = write!(line, ": {}", cell(e));
                }
                (None, Some(d)) => {
                    let _ = write!(
                        line,
                        ": max abs diff {} from its reference, tolerance {}",
                        sig(d, 3),
                        sig(r.tolerance, 3)
                    );
                }
                (None, None) => line.push_str(": did not match its reference"),
            }
            lines.push(line);
        }
    }
    bullets(md, "**FAILED** kernels, not timed:", &lines);
}

/// `heading`, then `lines` (Markdown list items), if there are any.
fn bullets(md: &mut String, heading: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    md.push_str(heading);
    md.push_str("\n\n");
    for l in lines {
        md.push_str(l);
        md.push('\n');
    }
    md.push('\n');
}

/// Unavailable kernels with the reason, and how external kernels were timed.
fn external_notes(md: &mut String, data: &ReportData) {
    let mut unavailable = Vec::new();
    let mut extrapolated = Vec::new();
    let mut external = false;
    for run in &data.runs {
        for r in &run.doc.results {
            external |= r.external.is_some();
            if let Some(why) = &r.unavailable {
                let mut line = format!("- {}", code(&r.kernel));
                if data.runs.len() > 1 {
                    let _ = write!(line, " on {}", cell(&run.label));
                }
                let _ = write!(line, ": {}", cell(why));
                unavailable.push(line);
            }
            if let Some(x) = r.external.as_ref().filter(|x| x.extrapolated) {
                extrapolated.push(format!(
                    "- {}: {} sweeps per invocation, times scaled to {}",
                    code(&r.kernel),
                    thousands(x.sweeps_run),
                    thousands(run.doc.problem.iters)
                ));
            }
        }
    }
    bullets(
        md,
        "Unavailable kernels (their runtime is not installed on that machine; not failures):",
        &unavailable,
    );
    bullets(
        md,
        "Extrapolated times (too slow to run the whole problem):",
        &extrapolated,
    );
    if external {
        md.push_str(
            "External kernels (programs in languages Cargo does not build, run through \
             `kernels/external/`) run in their own process and time their own sweep \
             loop, after any compilation or JIT warm-up; the runner cannot time inside another \
             process fairly. Every invocation is verified. The wall time of each whole process \
             (start-up, imports, I/O) is in `results.json` as `external.process_median_s`.\n\n",
        );
    }
}

fn charts_section(md: &mut String, charts: &[(&dyn Chart, Drawn)]) {
    md.push_str("## Charts\n\n");
    for (chart, drawn) in charts {
        let _ = writeln!(md, "### {}\n", chart.title());
        match drawn {
            Drawn::Svg { caption, .. } => {
                let _ = writeln!(
                    md,
                    "![{}]({})\n\n{}\n",
                    chart.title(),
                    chart.file_name(),
                    caption
                );
            }
            Drawn::Skipped(reason) => {
                let _ = writeln!(md, "*{}*\n", reason.replace('*', "\\*"));
            }
        }
    }
}

fn machines(md: &mut String, runs: &[Run]) {
    md.push_str("## Machines\n\n");
    let mut table = Table::new([("", Align::Left)]);
    for r in runs {
        table.column(cell(&r.label), Align::Left);
    }
    type Field = fn(&Provenance) -> String;
    let mut fields: Vec<(&str, Field)> =
        vec![("host", |p| p.host.clone()), ("CPU", |p| p.cpu.clone())];
    if runs
        .iter()
        .any(|r| r.doc.provenance.cpu_signature.is_some())
    {
        fields.push(("CPU signature", |p| {
            p.cpu_signature.as_ref().map_or_else(
                || "not recorded".into(),
                |s| format!("{s} ({})", short_signature(s)),
            )
        }));
    }
    if runs.iter().any(|r| !r.doc.provenance.isa.is_empty()) {
        fields.push(("ISA", |p| {
            if p.isa.is_empty() {
                "not recorded".into()
            } else {
                p.isa.join(" ")
            }
        }));
    }
    fields.extend::<[(&str, Field); 11]>([
        ("logical cores", |p| p.logical_cores.to_string()),
        ("threads offered", |p| p.threads.to_string()),
        ("OS", |p| p.os.clone()),
        ("rustc", |p| p.rustc.clone()),
        ("C compiler", |p| p.c_compiler.clone()),
        ("Fortran compiler", |p| p.fortran_compiler.clone()),
        ("target CPU", |p| p.target_cpu.clone()),
        ("profile", |p| p.profile.clone()),
        ("date", |p| p.date.clone()),
        ("git commit", |p| {
            p.git_commit
                .clone()
                .unwrap_or_else(|| "not a git checkout".into())
        }),
        ("kernels", |_| String::new()),
    ]);
    for (name, get) in fields {
        let mut cells = vec![name.to_string()];
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

fn flags(md: &mut String, runs: &[Run]) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixture::{data, doc, probe};
    use laplace_core::results::{ClockEstimate, ResultsDoc};

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
        assert!(md.contains(
            "| CPU signature | AuthenticAMD family 26 model 2 stepping 1 (AMD 26/2/1) |"
        ));
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
}
