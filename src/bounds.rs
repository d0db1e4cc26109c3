//! The speed limit of each kernel on this machine, from the probe.
//!
//! A bound is the largest MLUP/s a kernel's [`Cost`] allows for the problem it
//! ran, given the measured machine limits:
//!
//! | cost | in cache | out of cache |
//! |---|---|---|
//! | `jacobi-divide` | one vector divide per update: `lanes / t_div` | one copy element per update: copy bandwidth / 16 B (the real traffic, with write-allocate, is 24 B, as for the copy itself) |
//! | `jacobi-reciprocal` | the L2 copy (16 B per update), and three multiplies and three adds per update at vector throughput | as above |
//! | `chain-divide` | latency of add + multiply + divide on the chain through `u[i,j-1]` | same (latency-bound) |
//! | `chain-reciprocal` | latency of add + FMA | same |
//! | `scalar-throughput` | three multiply-class ops (mul, 2 FMA) and one add per update at scalar throughput | same |
//! | `red-black` | one vector divide per update | two passes over the grid per sweep: copy bandwidth / 32 B |
//! | `jacobi-stream` | one vector divide per update | memory at every size (streaming stores bypass the caches): 16 B per update with no write-allocate, copy bandwidth x 24/16 / 16 B |
//!
//! The working set (two grids for Jacobi, one otherwise) decides the level:
//! within one core's L2 the L2 copy bandwidth applies, beyond the last-level
//! cache the memory bandwidth; in between only the compute bound. Parallel
//! kernels multiply compute bounds by their threads (at most the cores) and
//! use the all-core memory bandwidth.

use laplace_core::Cost;
use laplace_core::results::{Probe, ProblemSpec};

/// A kernel's speed limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// Lattice updates per second, in millions.
    pub mlups: f64,
    /// Which limit sets it, in words.
    pub limit: String,
}

/// The bound of a kernel with `cost` on problem `p`, or `None` if the probe
/// lacks the figures it needs.
pub fn bound(
    cost: Cost,
    parallel: bool,
    threads: usize,
    p: &ProblemSpec,
    probe: &Probe,
) -> Option<Bound> {
    let workers = if parallel {
        threads.clamp(1, probe.threads.max(1)) as f64
    } else {
        1.0
    };
    let lanes = probe.vector_lanes as f64;
    let v = probe.vector_throughput_s;
    let sc = probe.scalar_throughput_s;
    let lat = probe.latency_s;
    let per_s = |secs: Option<f64>, per: f64| secs.map(|t| per / t);

    // (updates per second, what limits it)
    let compute: (f64, String) = match cost {
        Cost::JacobiDivide | Cost::RedBlack | Cost::JacobiStream => (
            per_s(v.div, lanes)? * workers,
            format!("{}-wide divide throughput", probe.vector_lanes),
        ),
        Cost::JacobiReciprocal => {
            let mul = per_s(v.mul, lanes / 3.0)?;
            let add = per_s(v.add, lanes / 3.0)?;
            (mul.min(add) * workers, "vector FP throughput".into())
        }
        Cost::ChainDivide => (
            1.0 / (lat.add? + lat.mul? + lat.div?) * workers,
            "add+mul+div latency chain".into(),
        ),
        Cost::ChainReciprocal => (
            1.0 / (lat.add? + lat.fma?) * workers,
            "add+FMA latency chain".into(),
        ),
        Cost::ScalarThroughput => {
            let mul = per_s(sc.fma.or(sc.mul), 1.0 / 3.0)?;
            let add = per_s(sc.add, 1.0)?;
            (mul.min(add) * workers, "scalar FP throughput".into())
        }
    };

    let grids = if matches!(cost, Cost::JacobiDivide | Cost::JacobiReciprocal) {
        2.0
    } else {
        1.0
    };
    let working_set = grids * 8.0 * p.nx as f64 * p.ny as f64;
    // Copy-equivalent elements per update: a Jacobi sweep streams the grid
    // once, a red-black sweep twice.
    let passes = if cost == Cost::RedBlack { 2.0 } else { 1.0 };
    let memory = |what_1: &'static str, what_all: &'static str| {
        if parallel {
            (probe.copy_bw_all, what_all)
        } else {
            (probe.copy_bw_1, what_1)
        }
    };
    let bandwidth = match cost {
        Cost::ChainDivide | Cost::ChainReciprocal | Cost::ScalarThroughput => None,
        // The probe's copy moves 24 real bytes per 16 counted (write-allocate);
        // streaming stores move 16 real bytes per update.
        Cost::JacobiStream => {
            let (bw, what) = memory(
                "memory bandwidth, streaming stores",
                "all-core memory bandwidth, streaming stores",
            );
            Some((bw * 24.0 / 16.0, what))
        }
        _ if working_set <= probe.l2_bytes as f64 * workers => {
            Some((probe.l2_copy_bw * workers, "L2 copy bandwidth"))
        }
        _ if working_set > probe.llc_bytes as f64 => {
            Some(memory("memory bandwidth", "all-core memory bandwidth"))
        }
        _ => None,
    }
    .map(|(bw, what)| (bw / (16.0 * passes), what.to_string()));

    let (rate, limit) = match bandwidth {
        Some((b, what)) if b < compute.0 => (b, what),
        _ => compute,
    };
    Some(Bound {
        mlups: rate / 1e6,
        limit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use laplace_core::results::OpTimes;

    fn probe() -> Probe {
        let ns = |x: f64| Some(x * 1e-9);
        Probe {
            host: "h".into(),
            cpu: "c".into(),
            date: "d".into(),
            cycle_s: ns(0.25),
            latency_s: OpTimes {
                add: ns(0.75),
                mul: ns(0.75),
                fma: ns(1.0),
                div: ns(3.25),
            },
            scalar_throughput_s: OpTimes {
                add: ns(0.125),
                mul: ns(0.125),
                fma: ns(0.125),
                div: ns(1.0),
            },
            vector_throughput_s: OpTimes {
                add: ns(0.125),
                mul: ns(0.125),
                fma: ns(0.125),
                div: ns(2.0),
            },
            vector_lanes: 8,
            copy_bw_1: 32e9,
            triad_bw_1: 36e9,
            copy_bw_all: 64e9,
            triad_bw_all: 70e9,
            l2_copy_bw: 160e9,
            l2_bytes: 1 << 20,
            llc_bytes: 32 << 20,
            threads: 2,
        }
    }

    fn spec(n: usize) -> ProblemSpec {
        ProblemSpec {
            nx: n,
            ny: n,
            iters: 1,
            dx: 0.1,
            dy: 0.1,
            omega: 1.5,
            repeat: 1,
            tolerance: 1e-6,
        }
    }

    #[test]
    fn jacobi_in_cache_is_divide_bound_and_out_of_cache_bandwidth_bound() {
        let b = bound(Cost::JacobiDivide, false, 1, &spec(100), &probe()).unwrap();
        assert!((b.mlups - 4000.0).abs() < 1e-6, "{b:?}"); // 8 lanes / 2 ns
        assert!(b.limit.contains("divide"));
        let b = bound(Cost::JacobiDivide, false, 1, &spec(4000), &probe()).unwrap();
        assert!((b.mlups - 2000.0).abs() < 1e-6, "{b:?}"); // 32 GB/s / 16 B
        assert_eq!(b.limit, "memory bandwidth");
        let b = bound(Cost::JacobiDivide, true, 2, &spec(4000), &probe()).unwrap();
        assert!((b.mlups - 4000.0).abs() < 1e-6, "{b:?}");
    }

    #[test]
    fn gauss_seidel_chain_is_latency_bound() {
        let b = bound(Cost::ChainDivide, false, 1, &spec(100), &probe()).unwrap();
        assert!((b.mlups - 1e3 / 4.75).abs() < 1e-6, "{b:?}");
        let b = bound(Cost::RedBlack, false, 1, &spec(4000), &probe()).unwrap();
        assert!((b.mlups - 1000.0).abs() < 1e-6, "{b:?}"); // two passes
    }

    #[test]
    fn missing_figures_give_no_bound() {
        let mut p = probe();
        p.latency_s.div = None;
        assert_eq!(bound(Cost::ChainDivide, false, 1, &spec(100), &p), None);
    }
}
