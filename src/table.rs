//! The seed-style text table of a results document.

use std::fmt::Write as _;

use laplace_core::results::{KernelResult, ResultsDoc};
use laplace_report::format::{
    fmt_cycles, fmt_mlups, fmt_percent_of_bound, fmt_ratio, fmt_relative, fmt_secs, fmt_sweeps,
    fmt_tolerance_note,
};
use laplace_report::table::{Align, Table};

/// The table `shootout run` prints: schemes grouped, fastest first, failed
/// kernels marked, then the errors and the provenance.
pub fn render(doc: &ResultsDoc, baseline: &str) -> String {
    let p = &doc.problem;
    let v = &doc.provenance;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Laplace {}x{}, {} sweeps, dx={}, dy={}; best of {} timed runs after a warm-up",
        p.nx, p.ny, p.iters, p.dx, p.dy, p.repeat
    );
    let _ = writeln!(
        out,
        "{} ({} logical cores), {}, target-cpu={}, {} profile\n",
        v.cpu, v.logical_cores, v.os, v.target_cpu, v.profile
    );
    out.push_str(&table(doc).terminal());
    let _ = writeln!(
        out,
        "\nrelative = best time / best time of {baseline} (the post's column: NumPy = 1); \
         spread = slowest / fastest run; MLUP/s = (nx-2)(ny-2)*iters / best / 1e6;\n\
         sweeps to tol = sweeps until the largest change per sweep is <= {:e} (reference solver, \
         '-' = not reached within the work cap); to solution = sweeps to tol x best time per sweep",
        p.tolerance
    );
    if doc.probe.is_some() {
        let _ = writeln!(
            out,
            "% bound = MLUP/s / the kernel's bound on this machine (shootout probe; see `bound_limit` \
             in --json); cyc/upd = core cycles per update (thread-cycles for parallel kernels)"
        );
    }
    let exceeded: Vec<&str> = doc
        .results
        .iter()
        .filter(|r| r.bound_exceeded)
        .map(|r| r.kernel.as_str())
        .collect();
    if !exceeded.is_empty() {
        let _ = writeln!(
            out,
            "{EXCEEDED} = faster than its bound by more than the run's noise: the bound's model does not \
             hold for {} on this CPU, so no % is given",
            exceeded.join(", ")
        );
    }
    if !doc.results.iter().any(|r| r.kernel == baseline) {
        let _ = writeln!(
            out,
            "(the baseline {baseline} was not run, so the relative column is empty)"
        );
    }
    for r in &doc.results {
        if let Some(x) = r.external.as_ref().filter(|x| x.extrapolated) {
            let _ = writeln!(
                out,
                "{}*: ran {} sweeps per invocation; its times are scaled to {} sweeps (extrapolated)",
                r.kernel, x.sweeps_run, p.iters
            );
        }
    }
    let external: Vec<&str> = doc
        .results
        .iter()
        .filter(|r| r.external.is_some())
        .map(|r| r.kernel.as_str())
        .collect();
    if !external.is_empty() {
        let _ = writeln!(
            out,
            "external kernels ({}) time their own sweep loop and report it; \
             the wall time of each whole process is in --json (external.process_median_s)",
            external.join(", ")
        );
    }
    for r in &doc.results {
        if let Some(why) = &r.unavailable {
            let _ = writeln!(out, "unavailable {}: {why}", r.kernel);
        }
    }
    for r in doc.results.iter().filter(|r| r.failed()) {
        let _ = writeln!(
            out,
            "FAILED {}: {}",
            r.kernel,
            r.error.as_deref().unwrap_or("unknown error")
        );
    }
    out
}

/// What the `% bound` column shows for a kernel whose bound's model failed
/// (the report's mark, one for both).
pub const EXCEEDED: &str = laplace_report::style::ABOVE_BOUND;

/// The columns: text left, numbers right.
const COLUMNS: [(&str, Align); 13] = [
    ("kernel", Align::Left),
    ("scheme", Align::Left),
    ("flags", Align::Left),
    ("path", Align::Left),
    ("best s", Align::Right),
    ("median s", Align::Right),
    ("MLUP/s", Align::Right),
    ("% bound", Align::Right),
    ("cyc/upd", Align::Right),
    ("spread", Align::Right),
    ("relative", Align::Right),
    ("sweeps to tol", Align::Right),
    ("to solution s", Align::Right),
];

/// The results as a table: schemes grouped (a blank line between groups),
/// fastest first.
pub fn table(doc: &ResultsDoc) -> Table {
    let mut table = Table::new(COLUMNS);
    let mut scheme = None;
    for r in doc.table_order() {
        if scheme.is_some_and(|s| s != r.scheme) {
            table.group_break();
        }
        scheme = Some(r.scheme);
        table.row(row(r));
    }
    table
}

fn row(r: &KernelResult) -> [String; 13] {
    [
        if r.unavailable.is_some() {
            format!("{} unavailable", r.kernel)
        } else if r
            .error
            .as_deref()
            .and_then(crate::external::timed_out)
            .is_some()
        {
            // A timeout is said to be one, not a failed verification.
            format!("{} TIMED OUT", r.kernel)
        } else if !r.verified {
            format!("{} FAILED", r.kernel)
        } else if r.extrapolated() {
            format!("{}*{}", r.kernel, fmt_tolerance_note(r))
        } else {
            format!("{}{}", r.kernel, fmt_tolerance_note(r))
        },
        r.scheme.to_string(),
        r.display_flags(),
        r.path.clone().unwrap_or_else(|| "-".into()),
        fmt_secs(r.best_s),
        fmt_secs(r.median_s),
        fmt_mlups(r.mlups),
        fmt_percent_of_bound(r),
        fmt_cycles(r.cycles_per_update),
        fmt_ratio(r.spread()),
        fmt_relative(r.relative),
        fmt_sweeps(r.sweeps_to_tolerance),
        fmt_secs(r.time_to_solution_s),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cells under `head` in every row of the Markdown table whose
    /// header line starts with `header`, by the row's first cell.
    fn markdown_column(md: &str, header: &str, head: &str) -> Vec<(String, String)> {
        let split = |l: &str| -> Vec<String> {
            l.trim_start_matches("| ")
                .trim_end_matches(" |")
                .split(" | ")
                .map(str::to_string)
                .collect()
        };
        let mut lines = md.lines().skip_while(|l| !l.starts_with(header));
        let heads = split(
            lines
                .next()
                .unwrap_or_else(|| panic!("no {header} in\n{md}")),
        );
        let k = heads.iter().position(|h| h == head).expect(head);
        lines
            .skip(1)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells = split(l);
                // The name inside its backquotes, without a note after it.
                let name = cells[0].split('`').nth(1).unwrap_or(&cells[0]);
                (name.to_string(), cells[k].clone())
            })
            .collect()
    }

    #[test]
    fn terminal_and_markdown_cells_of_a_result_are_the_same_strings() {
        let json = include_str!("../crates/laplace-report/tests/fixtures/results-x86.json");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.json");
        std::fs::write(&path, json).unwrap();
        // Read as the report reads it (which fills in `bound_exceeded` for
        // documents written before it existed).
        let doc = laplace_report::load_results(&path).unwrap();
        let input = laplace_report::Input {
            results: vec![path],
            criterion: None,
            out: dir.path().join("report"),
        };
        laplace_report::render(&input).unwrap();
        let md = std::fs::read_to_string(dir.path().join("report/README.md")).unwrap();

        let terminal = table(&doc);
        let text = terminal.terminal();
        let column = |head: &str| COLUMNS.iter().position(|(h, _)| *h == head).unwrap();
        // (terminal column, Markdown table, Markdown column)
        let pairs = [
            ("best s", "| Kernel | scheme | flags | best s |", "best s"),
            (
                "median s",
                "| Kernel | scheme | flags | best s |",
                "median s",
            ),
            ("MLUP/s", "| Kernel | scheme | flags | best s |", "MLUP/s"),
            (
                "relative",
                "| Kernel | scheme | flags | best s |",
                "relative",
            ),
            (
                "sweeps to tol",
                "| Kernel | scheme | flags | best s |",
                "sweeps to tol",
            ),
            (
                "to solution s",
                "| Kernel | scheme | flags | best s |",
                "to solution s",
            ),
            ("% bound", "| Kernel | cost | MLUP/s |", "% of bound"),
            ("cyc/upd", "| Kernel | cost | MLUP/s |", "cycles/update"),
        ];
        let mut compared = 0;
        for (ours, header, theirs) in pairs {
            let md_cells = markdown_column(&md, header, theirs);
            for r in doc.results.iter().filter(|r| r.verified) {
                let mine = &row(r)[column(ours)];
                let (_, md_cell) = md_cells
                    .iter()
                    .find(|(k, _)| *k == r.kernel)
                    .unwrap_or_else(|| panic!("{} not in the {theirs} column", r.kernel));
                assert_eq!(mine, md_cell, "{}: {ours} vs {theirs}", r.kernel);
                assert!(terminal.rows().any(|c| c[column(ours)] == *mine));
                assert!(text.contains(mine.as_str()), "{mine} not in\n{text}");
                compared += 1;
            }
        }
        assert!(compared > 100, "{compared}");
        // One example pinned: c/loop's time to solution, as the report has it.
        let c_loop = doc.results.iter().find(|r| r.kernel == "c/loop").unwrap();
        assert_eq!(row(c_loop)[column("to solution s")], "0.08923");
    }

    #[test]
    fn exceeded_bound_is_marked_not_printed() {
        let json = r#"{"kernel":"c/array","language":"c","form":"array","scheme":"jacobi",
            "flags":"cc -O3","compiler":"gcc","verified":true,"tolerance":1e-12,
            "max_abs_diff":0.0,"error":null,"best_s":1.0,"median_s":1.0,"max_s":1.0,
            "mlups":107.0,"relative":1.0,"grid_file":null,"percent_of_bound":107.0,
            "bound_mlups":100.0,"bound_exceeded":true,"path":"portable"}"#;
        let mut r: KernelResult = serde_json::from_str(json).unwrap();
        let cells = row(&r);
        assert_eq!(cells[3], "portable");
        assert_eq!(cells[7], EXCEEDED);
        r.bound_exceeded = false;
        assert_eq!(row(&r)[7], "107%");
    }
}
