//! The Markdown report, `README.md` in the output folder.

use std::fmt::Write;

use laplace_core::results::{KernelResult, OpTimes, Probe, Provenance};

use crate::charts::{Chart, Drawn, compact};
use crate::model::{
    Criterion, Outcome, ReportData, Run, any_result, by_scheme, fmt_bandwidth, fmt_bytes,
    fmt_clock, fmt_mlups, fmt_ns, fmt_relative, fmt_secs, kernels_across, outcome, problem_text,
    same_problem, sig, thousands,
};

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

fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
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
    crate::post2011::section(&mut md, data);
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
}

impl Full {
    fn of(runs: &[Run]) -> Full {
        Full {
            sweeps: any_result(runs, |r| r.sweeps_to_tolerance.is_some()),
            time: any_result(runs, |r| r.time_to_solution_s.is_some()),
        }
    }

    fn any(self) -> bool {
        self.sweeps || self.time
    }
}

fn fmt_sweeps(r: &KernelResult) -> String {
    r.sweeps_to_tolerance.map_or_else(|| "-".into(), thousands)
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
    let mut head = vec![
        "Kernel".to_string(),
        "scheme".into(),
        "flags".into(),
        "best s".into(),
        "median s".into(),
        "MLUP/s".into(),
        "relative".into(),
    ];
    let mut align = String::from("|---|---|---|---:|---:|---:|---:|");
    if full.any() {
        head.extend(["sweeps to tol".into(), "to solution s".into()]);
        align.push_str("---:|---:|");
    }
    md.push_str(&row(&head));
    md.push_str(&align);
    md.push('\n');
    for (scheme, rows) in by_scheme(&run.doc.results) {
        for r in rows {
            let head = vec![kernel_cell(r), scheme.to_string(), cell(&r.display_flags())];
            let mut tail = match outcome(r) {
                Outcome::Failed => vec!["**FAILED**".into(), "-".into(), "-".into(), "-".into()],
                Outcome::Unavailable => {
                    vec!["unavailable".into(), "-".into(), "-".into(), "-".into()]
                }
                _ => vec![
                    fmt_secs(r.best_s),
                    fmt_secs(r.median_s),
                    fmt_mlups(r.mlups),
                    fmt_relative(r.relative),
                ],
            };
            if full.any() {
                tail.extend([fmt_sweeps(r), fmt_solution(r)]);
            }
            md.push_str(&row(&[head, tail].concat()));
        }
    }
    md.push('\n');
}

/// Several runs: one row per kernel, a group of columns per run.
fn side_by_side(md: &mut String, runs: &[Run], full: Full) {
    let mut head = vec!["Kernel".to_string(), "scheme".into(), "flags".into()];
    let mut align = String::from("|---|---|---|");
    let per_run = if full.time { 4 } else { 3 };
    for run in runs {
        let l = cell(&run.label);
        head.extend([
            format!("best s ({l})"),
            format!("MLUP/s ({l})"),
            format!("relative ({l})"),
        ]);
        align.push_str("---:|---:|---:|");
        if full.time {
            head.push(format!("to solution s ({l})"));
            align.push_str("---:|");
        }
    }
    md.push_str(&row(&head));
    md.push_str(&align);
    md.push('\n');
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
            let mut cells = vec![code(&name), scheme.to_string(), flags];
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
            md.push_str(&row(&cells));
        }
    }
    md.push_str("\n*n/a*: the kernel is not in that results document.\n\n");
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
            let _ = writeln!(md, "**{}**\n", cell(&run.label));
        }
        md.push_str(&row(&[
            "Kernel".into(),
            "cost".into(),
            "MLUP/s".into(),
            "bound MLUP/s".into(),
            "limit".into(),
            "% of bound".into(),
            "cycles/update".into(),
        ]));
        md.push_str("|---|---|---:|---:|---|---:|---:|\n");
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
                md.push_str(&row(&[
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
                    dash_if_failed(
                        r.percent_of_bound
                            .filter(|p| p.is_finite())
                            .map_or_else(|| "-".into(), |p| format!("{}%", sig(p, 2))),
                    ),
                    dash_if_failed(
                        r.cycles_per_update
                            .filter(|c| c.is_finite())
                            .map_or_else(|| "-".into(), |c| sig(c, 3)),
                    ),
                ]));
            }
        }
        md.push('\n');
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
            "External kernels (`python/...`) run in their own process and time their own sweep \
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
    let mut head = vec![String::new()];
    head.extend(runs.iter().map(|r| cell(&r.label)));
    md.push_str(&row(&head));
    md.push('|');
    md.push_str(&"---|".repeat(runs.len() + 1));
    md.push('\n');
    type Field = fn(&Provenance) -> String;
    let fields: [(&str, Field); 13] = [
        ("host", |p| p.host.clone()),
        ("CPU", |p| p.cpu.clone()),
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
    ];
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
        md.push_str(&row(&cells));
    }
    if runs.iter().any(|r| r.doc.probe.is_some()) {
        probe_rows(md, runs);
    }
    let problems_differ = runs
        .iter()
        .any(|r| !same_problem(&r.doc.problem, &runs[0].doc.problem));
    if problems_differ {
        let mut cells = vec!["problem".to_string()];
        cells.extend(runs.iter().map(|r| cell(&problem_text(&r.doc.problem))));
        md.push_str(&row(&cells));
    }
    md.push('\n');
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
fn probe_rows(md: &mut String, runs: &[Run]) {
    type Field = fn(&Probe) -> String;
    let fields: [(&str, Field); 10] = [
        ("probe date", |p| p.date.clone()),
        ("clock (probe)", |p| {
            fmt_clock(p).unwrap_or_else(|| "not measured".into())
        }),
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
        ("L2 per core / last-level cache", |p| {
            format!("{} / {}", fmt_bytes(p.l2_bytes), fmt_bytes(p.llc_bytes))
        }),
        ("probed machine", |p| format!("{}: {}", p.host, p.cpu)),
    ];
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
        md.push_str(&row(&cells));
    }
}

fn flags(md: &mut String, runs: &[Run]) {
    md.push_str("## Flags\n\nThe exact compiler command line of every kernel.\n\n");
    md.push_str("| Kernel | compiler | flags |\n|---|---|---|\n");
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
                md.push_str(&row(&[name, cell(&r.compiler), cell(&code(&r.flags))]));
            }
        }
    }
    md.push('\n');
}
