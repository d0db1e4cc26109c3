//! The results tables: one run's (the seed's table), several runs side by
//! side, and every kernel relative to a reference kernel across machines.

use std::fmt::Write;

use laplace_core::results::KernelResult;

use super::{Full, cell, code};
use crate::format::{fmt_mlups, fmt_relative, fmt_secs, fmt_sweeps};
use crate::model::{
    Comparison, Outcome, ReportData, Run, by_scheme, kernels_across, outcome, run_machine,
};
use crate::table::{Align, Table};

/// The kernel's name, marked when its times are extrapolated and when its
/// verification was not the default 1e-12 (bit-exact, or a looser
/// tolerance).
fn kernel_cell(r: &KernelResult) -> String {
    let mut s = code(&r.kernel);
    if r.extrapolated() {
        s.push_str(" (extrapolated)");
    }
    s.push_str(&crate::format::fmt_tolerance_note(r));
    s
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
pub(super) fn single_table(md: &mut String, run: &Run, full: Full) {
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
pub(super) fn side_by_side(md: &mut String, runs: &[Run], full: Full) {
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
pub(super) fn compared(md: &mut String, data: &ReportData) {
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
