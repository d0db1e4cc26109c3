//! "Many ranks: a model": the speed an MPI kernel would reach on 2^k ranks,
//! from what one machine measured: its one-rank sweep time on a large grid
//! (the cost of an update when the grid is in memory, not in cache) and the
//! ping-pong between two of its ranks (latency and bandwidth of a halo
//! message). A model, not a measurement, and the section says so.

use std::fmt::Write;

use laplace_core::results::KernelResult;

use crate::model::{ReportData, Run, fmt_mlups, sig};

/// Points per rank in the model: the 4000x4000 grid of the rank sweep's
/// large strong-scaling series, whose one-rank time gives the update cost.
const SIDE: f64 = 4000.0;

/// Rank counts of the model's table.
const RANKS: [u32; 9] = [1, 4, 16, 64, 256, 1024, 4096, 16_384, 65_536];

/// What the model needs of one kernel.
struct Inputs<'a> {
    r: &'a KernelResult,
    /// Seconds per lattice update at one rank on the large grid.
    t_update: f64,
    latency: f64,
    bandwidth: f64,
    /// Halo exchanges per sweep: 1, or 2 for red-black (one per colour).
    exchanges: f64,
}

fn inputs(r: &KernelResult) -> Option<Inputs<'_>> {
    let mpi = r.mpi.as_ref()?;
    let (latency, bandwidth) = (mpi.latency_s?, mpi.bandwidth_bytes_per_s?);
    if !(latency.is_finite() && latency > 0.0 && bandwidth.is_finite() && bandwidth > 0.0) {
        return None;
    }
    let one = r
        .rank_scaling
        .iter()
        .find(|p| p.scaling == "strong" && p.ranks == 1 && p.nx as f64 == SIDE && p.best_s > 0.0)?;
    let updates = (one.nx - 2) as f64 * (one.ny - 2) as f64 * one.iters as f64;
    let exchanges = if r.scheme == laplace_core::Scheme::RedBlackSor {
        2.0
    } else {
        1.0
    };
    Some(Inputs {
        r,
        t_update: one.best_s / updates,
        latency,
        bandwidth,
        exchanges,
    })
}

/// Seconds of one sweep at `p` ranks: (compute, halo with rows split 1-D,
/// halo with a 2-D split).
fn sweep(i: &Inputs<'_>, p: f64) -> (f64, f64, f64) {
    let compute = SIDE * SIDE * i.t_update;
    let n = SIDE * p.sqrt();
    // Two neighbours, a message each way with each: the rows of a 1-D
    // split are as long as the whole grid's side; the edges of a 2-D split
    // are a block's side, four neighbours.
    let message = |points: f64| i.latency + 8.0 * points / i.bandwidth;
    let one_d = if p > 1.0 { 2.0 * message(n) } else { 0.0 };
    let two_d = if p > 1.0 { 4.0 * message(SIDE) } else { 0.0 };
    (compute, i.exchanges * one_d, i.exchanges * two_d)
}

/// The smallest power of four (of the table) from which the 1-D halo takes
/// longer than the compute.
fn crossover(i: &Inputs<'_>) -> Option<u32> {
    RANKS.iter().copied().find(|&p| {
        let (c, h, _) = sweep(i, f64::from(p));
        h > c
    })
}

fn table(md: &mut String, i: &Inputs<'_>) {
    let _ = writeln!(
        md,
        "**`{}`**: {} ns per update at one rank on {SIDE}x{SIDE}; halo message latency {} µs, \
         bandwidth {} GB/s (ping-pong between two ranks of this machine).\n",
        i.r.kernel,
        sig(i.t_update * 1e9, 3),
        sig(i.latency * 1e6, 2),
        sig(i.bandwidth / 1e9, 3)
    );
    md.push_str(
        "| ranks | grid | compute per sweep | halo per sweep, rows split | modelled MLUP/s | halo share | halo per sweep, 2-D split |\n\
         |---:|---|---:|---:|---:|---:|---:|\n",
    );
    for p in RANKS {
        let pf = f64::from(p);
        let (c, h, h2) = sweep(i, pf);
        let n = (SIDE * pf.sqrt()).round();
        let mlups = pf * SIDE * SIDE / (c + h) / 1e6;
        let _ = writeln!(
            md,
            "| {p} | {n}x{n} | {} ms | {} ms | {} | {}% | {} ms |",
            sig(c * 1e3, 3),
            sig(h * 1e3, 2),
            fmt_mlups(Some(mlups)),
            sig(100.0 * h / (c + h), 2),
            sig(h2 * 1e3, 2)
        );
    }
    md.push('\n');
    let _ = writeln!(
        md,
        "{}\n",
        match crossover(i) {
            Some(p) => format!(
                "With the rows split as this kernel splits them, the halo takes longer than the \
                 compute from about {p} ranks: a row is as long as the whole grid's side, which \
                 grows as the square root of the ranks. A 2-D split (the Parallel Research \
                 Kernels' MPI1/Stencil) keeps each message a block's side long, and its halo \
                 stays at {} ms a sweep whatever the ranks.",
                sig(sweep(i, 4.0).2 * 1e3, 2)
            ),
            None => format!(
                "Within {} ranks the halo never takes longer than the compute, even with the rows \
                 split as this kernel splits them.",
                RANKS[RANKS.len() - 1]
            ),
        }
    );
}

/// The section, or nothing when no run has what the model needs.
pub(crate) fn section(md: &mut String, data: &ReportData) {
    let found: Vec<(&Run, Inputs<'_>)> = data
        .runs
        .iter()
        .flat_map(|run| {
            run.doc
                .results
                .iter()
                .filter_map(move |r| Some((run, inputs(r)?)))
        })
        .collect();
    if found.is_empty() {
        return;
    }
    md.push_str("## Many ranks: a model\n\n");
    md.push_str(
        "**A model, not a measurement.** It takes, for each MPI kernel with a rank sweep, the \
         cost of one update at one rank on the 4000x4000 grid (in memory, not in cache) and the \
         cost of one halo message measured by a ping-pong between two ranks, and it estimates a \
         grid that grows with the ranks, 4000x4000 points on every rank: a sweep costs the \
         compute plus, for each exchange (two for red-black: one per colour), a message each way \
         with each neighbour, latency plus bytes over bandwidth, with no overlap. The ping-pong \
         ran between ranks of one machine, through shared memory; between nodes a network's \
         latency is higher and its bandwidth lower, so the halo there costs more than here.\n\n",
    );
    for (run, i) in &found {
        let _ = writeln!(md, "Measured on {}.\n", run.label);
        table(md, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use laplace_core::results::{MpiRun, RankPoint};

    fn result(latency: f64, bandwidth: f64, one_rank_s: f64) -> KernelResult {
        let mut r: KernelResult = serde_json::from_str(
            r#"{"kernel": "c/array-mpi", "language": "c", "form": "array-mpi",
                "scheme": "jacobi", "flags": "", "compiler": "", "path": null,
                "verified": true, "tolerance": 0.0, "max_abs_diff": 0.0, "error": null,
                "best_s": 1.0, "median_s": 1.0, "max_s": 1.0, "mlups": 1.0,
                "relative": null, "grid_file": null}"#,
        )
        .unwrap();
        r.mpi = Some(MpiRun {
            ranks: 2,
            oversubscribed: false,
            latency_s: Some(latency),
            bandwidth_bytes_per_s: Some(bandwidth),
        });
        r.rank_scaling = vec![RankPoint {
            scaling: "strong".into(),
            ranks: 1,
            nx: 4000,
            ny: 4000,
            iters: 10,
            oversubscribed: false,
            best_s: one_rank_s,
            mlups: 1.0,
        }];
        r
    }

    #[test]
    fn the_halo_of_a_row_split_overtakes_the_compute_as_the_grid_grows() {
        // 1 ns per update: 16 ms of compute a sweep per rank. 1 µs, 1 GB/s:
        // a 4000-point row is 33 µs; two rows pass 16 ms at sqrt(P) ~ 240.
        let r = result(1e-6, 1e9, 1e-9 * 3998.0 * 3998.0 * 10.0);
        let i = inputs(&r).unwrap();
        let (c, h1, h2) = sweep(&i, 1.0);
        assert!((c - 0.016).abs() < 1e-4 && h1 == 0.0 && h2 == 0.0, "{c}");
        assert_eq!(crossover(&i), Some(65_536));
        let (_, h, h2) = sweep(&i, 65_536.0);
        assert!(h > 0.016 && h2 < 0.001, "{h} {h2}");
        // A slow network brings the crossover down.
        let slow = result(1e-6, 1e7, 1e-9 * 3998.0 * 3998.0 * 10.0);
        assert_eq!(crossover(&inputs(&slow).unwrap()), Some(16));
    }

    #[test]
    fn no_inputs_no_model() {
        let mut r = result(1e-6, 1e9, 1.0);
        r.rank_scaling.clear();
        assert!(inputs(&r).is_none());
        let mut r = result(1e-6, 1e9, 1.0);
        r.mpi.as_mut().unwrap().latency_s = None;
        assert!(inputs(&r).is_none());
    }
}
