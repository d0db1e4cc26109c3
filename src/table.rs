//! The seed-style text table of a results document.

use std::fmt::Write as _;

use laplace_core::results::{KernelResult, ResultsDoc};

/// Seconds with at least three significant digits (four decimals at least).
fn secs(x: Option<f64>) -> String {
    x.map_or_else(
        || "-".into(),
        |t| {
            let digits = if t > 0.0 {
                2 - t.log10().floor() as i32
            } else {
                0
            };
            format!("{t:.*}", digits.clamp(4, 12) as usize)
        },
    )
}

fn ratio(x: Option<f64>, unit: &str) -> String {
    x.map_or_else(|| "-".into(), |r| format!("{r:.2}{unit}"))
}

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
    let head = [
        "kernel",
        "scheme",
        "flags",
        "path",
        "best s",
        "median s",
        "MLUP/s",
        "% bound",
        "cyc/upd",
        "spread",
        "relative",
        "sweeps to tol",
        "to solution s",
    ];
    let rows: Vec<[String; 13]> = doc.table_order().into_iter().map(row).collect();
    let mut widths = head.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (k, (cell, w)) in cells.iter().zip(widths).enumerate() {
            // Text left, numbers right.
            if k < 4 {
                let _ = write!(s, "{cell:<w$}  ");
            } else {
                let _ = write!(s, "{cell:>w$}  ");
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(&head.map(String::from)));
    let mut scheme = None;
    for (r, cells) in doc.table_order().into_iter().zip(&rows) {
        if scheme.is_some_and(|s| s != r.scheme) {
            out.push('\n');
        }
        scheme = Some(r.scheme);
        let _ = writeln!(out, "{}", line(cells));
    }
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

/// What the `% bound` column shows for a kernel whose bound's model failed.
pub const EXCEEDED: &str = "ABOVE BOUND";

/// `97%`, or [`EXCEEDED`] when the measured speed is above the bound by more
/// than the noise (the percentage would read as a measurement against a
/// limit that is not one).
fn percent_of_bound(r: &KernelResult) -> String {
    match r.percent_of_bound {
        _ if r.bound_exceeded => EXCEEDED.into(),
        Some(x) => format!("{x:.0}%"),
        None => "-".into(),
    }
}

fn row(r: &KernelResult) -> [String; 13] {
    let mlups = r.mlups.map_or_else(|| "-".into(), |m| format!("{m:.0}"));
    [
        if r.unavailable.is_some() {
            format!("{} unavailable", r.kernel)
        } else if !r.verified {
            format!("{} FAILED", r.kernel)
        } else if r.extrapolated() {
            format!("{}*", r.kernel)
        } else {
            r.kernel.clone()
        },
        r.scheme.to_string(),
        r.display_flags(),
        r.path.clone().unwrap_or_else(|| "-".into()),
        secs(r.best_s),
        secs(r.median_s),
        mlups,
        percent_of_bound(r),
        r.cycles_per_update
            .map_or_else(|| "-".into(), |x| format!("{x:.2}")),
        ratio(r.spread(), ""),
        ratio(r.relative, "x"),
        r.sweeps_to_tolerance
            .map_or_else(|| "-".into(), |n| n.to_string()),
        secs(r.time_to_solution_s),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_keep_three_significant_digits() {
        assert_eq!(secs(Some(12.3456)), "12.3456");
        assert_eq!(secs(Some(0.0123456)), "0.0123");
        assert_eq!(secs(Some(0.000906)), "0.000906");
        assert_eq!(secs(None), "-");
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
