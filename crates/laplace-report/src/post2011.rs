//! "The 2011 table today": the post's own table, each row mapped to today's
//! kernel, timed on this machine beside the 2011 figures.

use std::fmt::Write;

use laplace_core::results::{KernelResult, ProblemSpec};

use crate::model::{
    Outcome, ReportData, Run, day, fmt_mlups, fmt_relative, fmt_secs, join_and, machine_labels,
    outcome, sig, thousands,
};

/// The kernel the post's relative column divides by.
pub(crate) const NUMPY: &str = "python/array-numpy";

/// Where a 2011 figure comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    /// The post's table: a 2.66 GHz Intel Core i7 MacBook Pro, 8 GB of
    /// 1067 MHz DDR3.
    Post,
    /// The post's text about numexpr (same machine as the post).
    PostNumexpr,
    /// Comment 9: an Acer Aspire 1830T (Intel Core i7), gfortran 4.5.2 with
    /// `-O3 -march=native -ffast-math -funroll-loops`.
    Comment9,
    /// Comment 12: the pure-Python loop on lists under PyPy 1.5, "roughly
    /// 2x slower than CPython+Numpy" (no seconds given).
    Comment12,
    /// Comment 15: Ondrej's Fortran built with f2py (scipy/speed), seconds
    /// only (no NumPy time on that machine).
    Comment15,
    /// Comment 19 (a reply): "the python C-API, ctypes, and f2py examples
    /// ... f2py is the fastest", no figures.
    Comment19,
}

/// One row of the 2011 tables and the kernel that plays it today.
struct Row2011 {
    method: &'static str,
    kernel: &'static str,
    /// The 2011 time, where the source gives one.
    seconds: Option<f64>,
    /// The 2011 time over NumPy's, where the source gives one (or, for
    /// comment 12, its words' "roughly 2x").
    relative: Option<f64>,
    source: Source,
}

#[rustfmt::skip]
const ROWS: &[Row2011] = &[
    Row2011 { method: "Pure Python", kernel: "python/loop", seconds: Some(560.0), relative: Some(250.0), source: Source::Post },
    Row2011 { method: "NumPy", kernel: NUMPY, seconds: Some(2.24), relative: Some(1.0), source: Source::Post },
    Row2011 { method: "Cython", kernel: "python/loop-cython-checked", seconds: Some(1.28), relative: Some(0.57), source: Source::Post },
    Row2011 { method: "Weave (inline C)", kernel: "c/loop", seconds: Some(1.02), relative: Some(0.45), source: Source::Post },
    Row2011 { method: "Faster Cython", kernel: "python/loop-cython", seconds: Some(0.94), relative: Some(0.42), source: Source::Post },
    Row2011 { method: "numexpr", kernel: "python/array-numexpr", seconds: Some(4.0), relative: Some(4.0 / 2.24), source: Source::PostNumexpr },
    Row2011 { method: "NumPy", kernel: NUMPY, seconds: Some(2.03), relative: Some(1.0), source: Source::Comment9 },
    Row2011 { method: "Cython", kernel: "python/loop-cython-checked", seconds: Some(1.25), relative: Some(0.61), source: Source::Comment9 },
    Row2011 { method: "Fortran loop", kernel: "fortran/loop-fastmath", seconds: Some(0.47), relative: Some(0.23), source: Source::Comment9 },
    Row2011 { method: "Fortran array", kernel: "fortran/array-fastmath", seconds: Some(0.19), relative: Some(0.09), source: Source::Comment9 },
    Row2011 { method: "PyPy 1.5, lists", kernel: "python/loop-pypy", seconds: None, relative: Some(2.0), source: Source::Comment12 },
    Row2011 { method: "f2py, Fortran loop", kernel: "python/loop-f2py", seconds: Some(0.93), relative: None, source: Source::Comment15 },
    Row2011 { method: "f2py, Fortran array", kernel: "python/array-f2py", seconds: Some(0.57), relative: None, source: Source::Comment15 },
    Row2011 { method: "ctypes", kernel: "python/loop-ctypes", seconds: None, relative: None, source: Source::Comment19 },
];

/// Today's rows with no 2011 figure: the Rust kernels, and today's ways of
/// speeding Python up (JITs, compilers, code generators, Rust extensions).
const TODAY_ONLY: &[&str] = &[
    "rust/loop",
    "rust/loop-wavefront",
    "rust/array",
    "rust/array-simd",
    "rust/array-threads",
    "python/loop-numba",
    "python/array-numba",
    "python/array-numba-stencil",
    "python/array-numba-prange",
    "python/loop-pythran",
    "python/array-pythran",
    "python/array-jax",
    "python/array-pystencils",
    "python/array-taichi",
    "python/loop-pyo3",
    "python/array-pyo3",
];

/// The post's problem: 100x100, 8000 sweeps, dx = dy = 0.1.
fn is_seed(p: &ProblemSpec) -> bool {
    (p.nx, p.ny, p.iters) == (100, 100, 8000) && p.dx == 0.1 && p.dy == 0.1
}

fn label(s: Source) -> &'static str {
    match s {
        Source::Post => "post",
        Source::PostNumexpr => "post, text",
        Source::Comment9 => "comment 9",
        Source::Comment12 => "comment 12",
        Source::Comment15 => "comment 15",
        Source::Comment19 => "comment 19",
    }
}

/// The best time of `kernel`, if it was timed.
fn timed(results: &[KernelResult], kernel: &str) -> Option<f64> {
    results
        .iter()
        .find(|r| r.kernel == kernel && matches!(outcome(r), Outcome::Timed(_)))
        .and_then(|r| r.best_s)
}

/// Today's time and relative-to-NumPy cells for `kernel`.
fn today(results: &[KernelResult], kernel: &str, numpy: Option<f64>) -> (String, String) {
    let Some(r) = results.iter().find(|r| r.kernel == kernel) else {
        return ("not run".into(), "-".into());
    };
    match outcome(r) {
        Outcome::Unavailable => ("unavailable".into(), "-".into()),
        Outcome::Failed => ("**FAILED**".into(), "-".into()),
        Outcome::Untimed => ("not timed".into(), "-".into()),
        Outcome::Timed(_) => {
            let t = r.best_s.unwrap_or(f64::NAN);
            let mut time = fmt_secs(Some(t));
            if r.extrapolated() {
                time.push_str(" (extrapolated)");
            }
            let rel = numpy.map_or_else(|| "-".into(), |n| sig(t / n, 2));
            (time, rel)
        }
    }
}

/// Where one table's figures were measured: `Measured on **CPU**
/// (signature), day, host `h`, from `file`:`.
fn measured_on(run: &Run) -> String {
    let p = &run.doc.provenance;
    let signature = p
        .cpu_signature
        .as_ref()
        .map_or_else(|| "CPU signature not recorded".into(), ToString::to_string);
    let file = run.path.file_name().map_or_else(
        || run.path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    format!(
        "Measured on **{}** ({signature}), {}, host `{}`, from `{file}`:",
        p.cpu,
        day(&p.date),
        p.host
    )
}

/// One machine's table: the 2011 rows, then today's rows with no 2011 figure.
fn table(md: &mut String, run: &Run, numpy: Option<f64>) {
    let results = &run.doc.results;
    let _ = writeln!(md, "{}\n", measured_on(run));
    md.push_str(
        "| 2011 method | source | today's kernel | time today, s | relative to NumPy today | \
         2011 time, s | 2011 relative |\n|---|---|---|---:|---:|---:|---:|\n",
    );
    for r in ROWS {
        let (time, rel) = today(results, r.kernel, numpy);
        let _ = writeln!(
            md,
            "| {} | {} | `{}` | {time} | {rel} | {} | {} |",
            r.method,
            label(r.source),
            r.kernel,
            r.seconds.map_or_else(|| "-".into(), |t| sig(t, 3)),
            match (r.relative, r.source) {
                (Some(x), Source::Comment12) => format!("roughly {}", sig(x, 1)),
                (Some(x), _) => sig(x, 2),
                (None, _) => "-".into(),
            }
        );
    }
    for kernel in TODAY_ONLY {
        let (time, rel) = today(results, kernel, numpy);
        let _ = writeln!(
            md,
            "| (new) | today | `{kernel}` | {time} | {rel} | - | - |"
        );
    }
    md.push('\n');
}

/// The section: one table per results document of the post's problem
/// (each naming the machine it was measured on); nothing to show otherwise.
pub(crate) fn section(md: &mut String, data: &ReportData) {
    md.push_str("## The 2011 table today\n\n");
    let runs: Vec<&Run> = data
        .runs
        .iter()
        .filter(|r| is_seed(&r.doc.problem))
        .collect();
    if runs.is_empty() {
        md.push_str(
            "No results document here is of the post's problem (100x100, 8000 sweeps, \
             dx = dy = 0.1), so the 2011 figures have nothing to stand beside.\n\n",
        );
        return;
    }
    let labels = machine_labels(&runs);
    let many = runs.len() > 1;
    let on = |k: usize| format!(" on {}", labels[k]);
    let place = if many {
        "on the machine named above each table".to_string()
    } else {
        format!("on **{}**", labels[0])
    };
    let _ = writeln!(
        md,
        "The post timed 8000 sweeps of a 100x100 grid and divided every time by NumPy's. \
         Each of its rows, and of the comments' tables, is played today by the kernel named \
         beside it, {place}. The 2011 columns are the post's own figures, from \
         **other machines in 2011** (the post: a 2.66 GHz Intel Core i7 MacBook Pro; \
         comment 9: an Intel Core i7 Acer Aspire 1830T with gfortran 4.5.2 and \
         `-O3 -march=native -ffast-math -funroll-loops`, hence the fast-math kernels; \
         comment 12 gives PyPy only as \"roughly 2x slower than CPython+Numpy\", comment 15 \
         gives f2py's seconds without NumPy's, and comment 19 only says \"f2py is the \
         fastest\" of the C-API, ctypes and f2py); compare the relative columns, not the seconds.\n"
    );
    let numpys: Vec<Option<f64>> = runs.iter().map(|r| timed(&r.doc.results, NUMPY)).collect();
    for (run, numpy) in runs.iter().zip(&numpys) {
        table(md, run, *numpy);
    }

    // c/loop against NumPy on every machine that timed both.
    let loops: Vec<(usize, f64)> = runs
        .iter()
        .zip(&numpys)
        .enumerate()
        .filter_map(|(k, (run, n))| Some((k, timed(&run.doc.results, "c/loop")? / (*n)?)))
        .collect();
    if !loops.is_empty() {
        let takes: Vec<String> = loops
            .iter()
            .map(|(k, t)| format!("{}x{}", sig(*t, 2), on(*k)))
            .collect();
        let turned: Vec<String> = loops
            .iter()
            .filter(|(_, t)| *t > 1.0)
            .map(|(k, _)| labels[*k].clone())
            .collect();
        let kept: Vec<String> = loops
            .iter()
            .filter(|(_, t)| *t <= 1.0)
            .map(|(k, _)| labels[*k].clone())
            .collect();
        let mut text = format!(
            "In 2011 the compiled loop (weave) took 0.45x NumPy's time; `c/loop` takes {}.",
            join_and(&takes)
        );
        let only = |some: &[String]| {
            if some.len() == loops.len() {
                String::new()
            } else {
                format!(" on {}", join_and(some))
            }
        };
        if !turned.is_empty() {
            let _ = write!(
                text,
                " The order has turned{}: NumPy's whole-array update is Jacobi, with no \
                 dependency between the points of a sweep, while `c/loop` is Gauss-Seidel, \
                 whose every update waits on `u[i,j-1]`.",
                only(&turned)
            );
            for (k, _) in loops.iter().filter(|(_, t)| *t > 1.0) {
                if let Some(figures) = loop_figures(runs[*k], &labels[*k]) {
                    let _ = write!(text, " {figures}");
                }
            }
        }
        if !kept.is_empty() {
            let _ = write!(
                text,
                " The compiled loop still beats NumPy's whole-array update on {}.",
                join_and(&kept)
            );
        }
        let _ = writeln!(md, "{text}\n");
    }
    for (k, _) in numpys.iter().enumerate().filter(|(_, n)| n.is_none()) {
        let _ = writeln!(
            md,
            "`python/array-numpy` has no time on {}, so its relative column is empty: \
             set Python up with `cargo xtask setup --with-python` and run again.\n",
            labels[k]
        );
    }
    md.push_str(
        "The loop rows (pure Python, Cython, weave, Fortran loop) are lexicographic \
         Gauss-Seidel and the array rows (NumPy, numexpr, Fortran array) are Jacobi, as in \
         2011; the schemes converge at different rates, so per-sweep times compare \
         implementations, not methods (see *to solution s* above). Python kernels time \
         their own sweep loop (the runner cannot time inside another process).",
    );
    let extrapolated: Vec<String> = runs
        .iter()
        .zip(&labels)
        .flat_map(|(run, label)| {
            run.doc.results.iter().filter_map(move |r| {
                let x = r.external.as_ref().filter(|x| x.extrapolated)?;
                Some(format!(
                    "`{}` on {label} from {} sweeps",
                    r.kernel,
                    thousands(x.sweeps_run)
                ))
            })
        })
        .collect();
    if !extrapolated.is_empty() {
        let _ = write!(
            md,
            " Times extrapolated to the whole problem: {}.",
            join_and(&extrapolated)
        );
    }
    md.push_str("\n\n");
}

/// What one run measured of `c/loop` against its bound, and of
/// `rust/loop-wavefront` (the same iterates in wavefront order) against
/// `c/loop`: `On <label>, `c/loop` reached 94% of its bound of 800 MLUP/s,
/// set by <limit>; `rust/loop-wavefront` took 0.25x its time.`; `None`
/// without `c/loop`.
fn loop_figures(run: &Run, label: &str) -> Option<String> {
    let results = &run.doc.results;
    let c_loop = results.iter().find(|r| r.kernel == "c/loop")?;
    let limit = c_loop.bound_limit.as_deref().unwrap_or("its cost");
    let mut text = match (c_loop.bound_mlups, c_loop.percent_of_bound) {
        (Some(b), _) if c_loop.bound_exceeded => format!(
            "On {label}, `c/loop` ran above its bound of {} MLUP/s set by {limit}, so that \
             bound's model does not hold there",
            fmt_mlups(Some(b))
        ),
        (Some(b), Some(p)) => format!(
            "On {label}, `c/loop` reached {}% of its bound of {} MLUP/s, set by {limit}",
            sig(p, 2),
            fmt_mlups(Some(b))
        ),
        _ => format!("On {label}, no bound was recorded for `c/loop`"),
    };
    let wavefront = timed(results, "rust/loop-wavefront");
    if let (Some(w), Some(c)) = (wavefront, timed(results, "c/loop")) {
        let _ = write!(
            text,
            "; `rust/loop-wavefront`, the same iterates in wavefront order, took {} its time",
            fmt_relative(Some(w / c))
        );
    }
    text.push('.');
    Some(text)
}

/// Every kernel the section names, for a test that they are all registered.
pub fn kernels() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = ROWS.iter().map(|r| r.kernel).collect();
    names.extend(TODAY_ONLY);
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixture::{data, doc};

    #[test]
    fn each_table_names_the_machine_it_was_measured_on() {
        let one = doc(
            "box",
            "AMD EPYC 9B45",
            Some(("AuthenticAMD", 26, 2, 1)),
            &[("python/array-numpy", Some(600.0)), ("c/loop", Some(230.0))],
        );
        let other = doc(
            "vm",
            "Intel Xeon Processor",
            None,
            &[("c/loop", Some(170.0))],
        );
        let mut md = String::new();
        section(&mut md, &data(vec![one.clone()]));
        assert!(md.contains(
            "Measured on **AMD EPYC 9B45** (AuthenticAMD family 26 model 2 stepping 1), \
             2026-01-02, host `box`, from `a.json`:"
        ));
        assert!(md.contains("on **AMD EPYC 9B45 (AMD 26/2/1), 2026-01-02**"));
        assert!(
            md.contains("`c/loop` takes 2.6x on AMD EPYC 9B45 (AMD 26/2/1), 2026-01-02."),
            "{md}"
        );
        assert!(md.contains("The order has turned: NumPy's"));
        assert!(
            md.contains(
                "On AMD EPYC 9B45 (AMD 26/2/1), 2026-01-02, no bound was recorded for `c/loop`."
            ),
            "{md}"
        );

        let mut md = String::new();
        section(&mut md, &data(vec![one, other]));
        assert_eq!(
            md.matches("| 2011 method |").count(),
            2,
            "one table per machine"
        );
        assert!(md.contains(
            "Measured on **Intel Xeon Processor** (CPU signature not recorded), 2026-01-02, \
             host `vm`, from `b.json`:"
        ));
        assert!(md.contains(
            "`python/array-numpy` has no time on Intel Xeon Processor, 2026-01-02, so its \
             relative column is empty"
        ));
        assert!(
            md.contains("takes 2.6x on AMD EPYC 9B45 (AMD 26/2/1), 2026-01-02."),
            "{md}"
        );
    }

    #[test]
    fn the_loops_explanation_comes_from_the_runs_figures() {
        let mut d = doc(
            "box",
            "AMD EPYC 9B45",
            Some(("AuthenticAMD", 26, 2, 1)),
            &[
                ("python/array-numpy", Some(600.0)),
                ("c/loop", Some(200.0)),
                ("rust/loop-wavefront", Some(800.0)),
            ],
        );
        let c_loop = &mut d.results[1];
        c_loop.bound_mlups = Some(250.0);
        c_loop.bound_limit = Some("the chain latency".into());
        c_loop.percent_of_bound = Some(80.0);
        let mut md = String::new();
        section(&mut md, &data(vec![d.clone()]));
        assert!(
            md.contains(
                "On AMD EPYC 9B45 (AMD 26/2/1), 2026-01-02, `c/loop` reached 80% of its bound \
                 of 250 MLUP/s, set by the chain latency; `rust/loop-wavefront`, the same \
                 iterates in wavefront order, took 0.25x its time."
            ),
            "{md}"
        );
        assert!(!md.contains("extrapolated to the whole problem"));
        d.results[1].bound_exceeded = true;
        let mut md = String::new();
        section(&mut md, &data(vec![d]));
        assert!(md.contains("`c/loop` ran above its bound of 250 MLUP/s set by the chain latency"));
    }

    #[test]
    fn post_figures_are_consistent() {
        // The post's relative column is its time over NumPy's, to two digits.
        for r in ROWS.iter().filter(|r| r.source == Source::Post) {
            let (t, relative) = (r.seconds.unwrap(), r.relative.unwrap());
            let rel = t / 2.24;
            assert!(
                (rel - relative).abs() <= 0.01 * rel.max(1.0),
                "{}: {rel} vs {relative}",
                r.method,
            );
        }
        for r in ROWS.iter().filter(|r| r.source == Source::Comment9) {
            let rel = r.seconds.unwrap() / 2.03;
            assert!((rel - r.relative.unwrap()).abs() < 0.011, "{}", r.method);
        }
    }
}
