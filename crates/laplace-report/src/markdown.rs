//! The Markdown report, `README.md` in the output folder.

use std::fmt::Write;

use laplace_core::results::{KernelResult, Provenance};

use crate::charts::{Chart, Drawn};
use crate::model::{
    Criterion, Outcome, ReportData, Run, by_scheme, fmt_mlups, fmt_relative, fmt_secs,
    kernels_across, outcome, problem_text, same_problem, short_flags, sig, thousands,
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

fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

/// The whole report.
pub(crate) fn render(data: &ReportData, charts: &[(&dyn Chart, Drawn)]) -> String {
    let mut md = String::from("# Laplace shootout report\n\n");
    sources(&mut md, data);
    problems(&mut md, data);
    md.push_str("## Results\n\n");
    if data.runs.len() == 1 {
        single_table(&mut md, &data.runs[0]);
    } else {
        side_by_side(&mut md, &data.runs);
    }
    failures(&mut md, data);
    md.push_str(
        "*relative* is the kernel's best time divided by the baseline kernel's best time, as \
         recorded in the results document; MLUP/s is million lattice updates per second at the \
         best time. Times are compared only within a scheme: Gauss-Seidel converges in fewer \
         sweeps than Jacobi.\n\n",
    );
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
    match data.common_problem() {
        Some(p) => {
            let _ = writeln!(
                md,
                "{}, omega = {}, {} timed runs per kernel{}.\n",
                problem_text(p),
                sig(p.omega, 6),
                p.repeat,
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
                    "- {}: {}, omega = {}, {} timed runs per kernel",
                    cell(&run.label),
                    problem_text(p),
                    sig(p.omega, 6),
                    p.repeat
                );
            }
            md.push('\n');
        }
    }
}

/// The seed's table: one run.
fn single_table(md: &mut String, run: &Run) {
    md.push_str(&row(&[
        "Kernel".into(),
        "scheme".into(),
        "flags".into(),
        "best s".into(),
        "median s".into(),
        "MLUP/s".into(),
        "relative".into(),
    ]));
    md.push_str("|---|---|---|---:|---:|---:|---:|\n");
    for (scheme, rows) in by_scheme(&run.doc.results) {
        for r in rows {
            let head = vec![
                code(&r.kernel),
                scheme.to_string(),
                cell(&short_flags(&r.flags)),
            ];
            let tail = match outcome(r) {
                Outcome::Failed => vec!["**FAILED**".into(), "-".into(), "-".into(), "-".into()],
                _ => vec![
                    fmt_secs(r.best_s),
                    fmt_secs(r.median_s),
                    fmt_mlups(r.mlups),
                    fmt_relative(r.relative),
                ],
            };
            md.push_str(&row(&[head, tail].concat()));
        }
    }
    md.push('\n');
}

/// Several runs: one row per kernel, a group of columns per run.
fn side_by_side(md: &mut String, runs: &[Run]) {
    let mut head = vec!["Kernel".to_string(), "scheme".into(), "flags".into()];
    let mut align = String::from("|---|---|---|");
    for run in runs {
        let l = cell(&run.label);
        head.extend([
            format!("best s ({l})"),
            format!("MLUP/s ({l})"),
            format!("relative ({l})"),
        ]);
        align.push_str("---:|---:|---:|");
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
                .map_or_else(String::new, |r| cell(&short_flags(&r.flags)));
            let mut cells = vec![code(&name), scheme.to_string(), flags];
            for r in &found {
                match r {
                    None => cells.extend(["n/a".to_string(), "n/a".into(), "n/a".into()]),
                    Some(r) if outcome(r) == Outcome::Failed => {
                        cells.extend(["**FAILED**".to_string(), "-".into(), "-".into()]);
                    }
                    Some(r) => cells.extend([
                        fmt_secs(r.best_s),
                        fmt_mlups(r.mlups),
                        fmt_relative(r.relative),
                    ]),
                }
            }
            md.push_str(&row(&cells));
        }
    }
    md.push_str("\n*n/a*: the kernel is not in that results document.\n\n");
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
    if !lines.is_empty() {
        md.push_str("**FAILED** kernels, not timed:\n\n");
        for l in lines {
            md.push_str(&l);
            md.push('\n');
        }
        md.push('\n');
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
