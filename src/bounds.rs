//! The speed limit of each kernel on this machine, from the probe.
//!
//! A bound is the largest MLUP/s a kernel's [`Cost`] allows for the problem it
//! ran, given the measured machine limits: the lower of a compute bound and
//! a data-traffic bound.
//!
//! **Compute**, from the probe's instruction timings:
//!
//! | cost | compute bound |
//! |---|---|
//! | `jacobi-divide`, `red-black`, `jacobi-stream` | one divide per update at the best divides-per-second of any width (scalar, 128, 256, 512 bits: the widest is not always the fastest) |
//! | `jacobi-reciprocal` | three multiplies and three adds per update at vector throughput |
//! | `jacobi-fma-division` | five multiplies or FMAs (two for the stencil, one multiply and two FMAs for the division) and three adds per update at vector throughput |
//! | `chain-divide` | the measured latency of the add, mul, add, div chain through `u[i,j-1]` (rustc) |
//! | `chain-divide-fma` | the measured add, mul, FMA, div chain (gcc, gfortran: contracted) |
//! | `chain-reciprocal` | the measured add, mul, FMA, mul chain (fast-math) |
//! | `scalar-throughput` | three multiply-class ops and one add per update at scalar throughput |
//! | `scalar-fma-division` | five multiply-class ops (two multiplies for the stencil, a multiply and two FMAs for the division) and three adds per update at scalar throughput |
//! | `red-black-fma-division` | six multiply-class ops (stencil 2, division 3, relaxation 1) and five adds per update at vector throughput |
//! | `vector-fma-division` | as `jacobi-fma-division`: five multiply-class ops and three adds per update at vector throughput (Gauss-Seidel in vectors across rows) |
//!
//! **Traffic**, for the Jacobi and red-black costs, with the layer condition
//! of the 2-D 5-point stencil (as RRZE's Kerncraft models it): a sweep
//! reuses the rows above and below from the cache if three rows of the grid
//! fit in half of the inner cache, and then moves 24 bytes per update
//! between that cache and the next level out (8 loaded, 8 stored, 8 for the
//! write-allocate: a copy's traffic); otherwise the two neighbour rows are
//! loaded again, 40 bytes. The probe measures copy bandwidth (16 bytes
//! counted per element, 24 moved) in L2, in the last-level cache and beyond
//! it, so a level moving `b` bytes per update allows
//! `copy bandwidth x 24/16 / b` updates per second; for memory the probe's
//! triad (32 bytes moved per 24 counted) counts too, where it moves more. Every level from L2
//! out to the one the working set (two grids for Jacobi, one for red-black)
//! lives in bounds the kernel; the lowest wins. Red-black passes over the grid
//! twice per sweep. Streaming stores (`jacobi-stream`, used only when the
//! grids exceed the last-level cache) move 16 bytes per update, from memory.
//!
//! Parallel kernels multiply compute and private-cache bounds by their
//! threads (at most the cores) and use the all-core memory bandwidth.

use laplace_core::Cost;
use laplace_core::cache::jacobi_spills;
use laplace_core::results::{Chain, Probe, ProblemSpec};

/// A kernel's speed limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// Lattice updates per second, in millions.
    pub mlups: f64,
    /// Which limit sets it, in words.
    pub limit: String,
}

/// Bytes per update between a cache and the next level out, by the layer
/// condition: 24 if three rows of `ny` doubles fit in half of `inner`, else
/// 40.
pub fn layer_bytes(ny: usize, inner: usize) -> f64 {
    if 3 * 8 * ny <= inner / 2 { 24.0 } else { 40.0 }
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
    let compute = compute(cost, probe, p.ny.saturating_sub(2))?;
    let compute = (compute.0 * workers, compute.1);

    let grids = match cost {
        Cost::JacobiDivide
        | Cost::JacobiReciprocal
        | Cost::JacobiFmaDivision
        | Cost::JacobiStream => 2.0,
        Cost::RedBlack | Cost::RedBlackFmaDivision => 1.0,
        Cost::ChainDivide
        | Cost::ChainDivideFma
        | Cost::ChainReciprocal
        | Cost::ScalarThroughput
        | Cost::ScalarFmaDivision
        | Cost::VectorFmaDivision => {
            return Some(Bound {
                mlups: compute.0 / 1e6,
                limit: compute.1,
            });
        }
    };
    let cells = p.nx * p.ny;
    let working_set = grids * 8.0 * cells as f64;
    let passes = match cost {
        Cost::RedBlack | Cost::RedBlackFmaDivision => 2.0,
        _ => 1.0,
    };
    // Bytes actually moved per second: the best of the copy (24 bytes moved
    // per 16 counted) and the triad (32 per 24), since the probe's copy
    // alone falls short of what a stencil's streams reach.
    let moved = |copy: f64, triad: f64| (copy * COPY_MOVED).max(triad * TRIAD_MOVED);
    let memory = if parallel {
        (
            moved(probe.copy_bw_all, probe.triad_bw_all),
            "all-core memory bandwidth",
        )
    } else {
        (moved(probe.copy_bw_1, probe.triad_bw_1), "memory bandwidth")
    };
    let l1 = if probe.l1_bytes > 0 {
        probe.l1_bytes
    } else {
        32 << 10
    };
    // Updates per second at `moved` bytes per second and `bytes` per update.
    let per_update = |moved: f64, bytes: f64| moved / bytes / passes;

    // (updates per second, what limits it)
    let mut traffic: Vec<(f64, String)> = Vec::new();
    if cost == Cost::JacobiStream && jacobi_spills(cells, probe.llc_bytes) {
        traffic.push((
            memory.0 / 16.0,
            format!("{}, streaming stores (16 B/update)", memory.1),
        ));
    } else {
        let in_l2 = working_set <= probe.l2_bytes as f64 * workers;
        let in_llc = working_set <= probe.llc_bytes as f64;
        // L2 <-> L1: every grid that does not fit in L1.
        let b = layer_bytes(p.ny, l1);
        traffic.push((
            per_update(probe.l2_copy_bw * COPY_MOVED * workers, b),
            format!("L2 copy bandwidth ({b:.0} B/update)"),
        ));
        if !in_l2 {
            let b = layer_bytes(p.ny, probe.l2_bytes);
            // In the last-level cache where the probe measured it, else
            // from memory (the probe's large arrays: 64 MiB each).
            match probe
                .l3_copy_bw
                .filter(|_| in_llc && working_set <= BIG_PROBE_BYTES)
            {
                Some(l3) => traffic.push((
                    per_update(l3 * COPY_MOVED * workers, b),
                    format!("last-level cache copy bandwidth ({b:.0} B/update)"),
                )),
                None => traffic.push((
                    per_update(memory.0, b),
                    format!("{} ({b:.0} B/update)", memory.1),
                )),
            }
        }
    }
    let (rate, limit) = traffic
        .into_iter()
        .chain([compute])
        .min_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(Bound {
        mlups: rate / 1e6,
        limit,
    })
}

/// Bytes a copy moves per byte STREAM counts (16 counted, 24 moved with the
/// write-allocate).
const COPY_MOVED: f64 = 24.0 / 16.0;
/// Bytes a triad moves per byte STREAM counts (24 counted, 32 moved).
const TRIAD_MOVED: f64 = 32.0 / 24.0;

/// Bytes of one array pair of the probe's out-of-cache bandwidth runs (two
/// 64 MiB arrays): a working set that large is bounded by what they measured.
const BIG_PROBE_BYTES: f64 = (128u64 << 20) as f64;

/// The compute bound of `cost` for one core, for rows of `row` interior
/// points: (updates per second, limit).
fn compute(cost: Cost, probe: &Probe, row: usize) -> Option<(f64, String)> {
    let lanes = probe.vector_lanes as f64;
    let v = probe.vector_throughput_s;
    let sc = probe.scalar_throughput_s;
    let lat = probe.latency_s;
    let per_s = |secs: Option<f64>, per: f64| secs.map(|t| per / t);
    // A chain measured in rows of this length, else unbroken, else the sum
    // of its operations' latencies.
    let chain = |c: Chain, parts: [Option<f64>; 4]| -> Option<(f64, String)> {
        let rows = probe
            .chains
            .iter()
            .any(|t| t.chain == c && t.row == Some(row));
        let secs = probe
            .chain(c, row)
            .or_else(|| parts.iter().copied().sum::<Option<f64>>())?;
        let what = if rows {
            format!("{}, rows of {row}", c.describe())
        } else {
            c.describe().to_string()
        };
        Some((1.0 / secs, what))
    };
    Some(match cost {
        Cost::JacobiDivide | Cost::RedBlack | Cost::JacobiStream => {
            let (rate, lanes) = probe.best_divide()?;
            (rate, format!("{lanes}-wide divide throughput"))
        }
        Cost::JacobiReciprocal => {
            let mul = per_s(v.mul, lanes / 3.0)?;
            let add = per_s(v.add, lanes / 3.0)?;
            (mul.min(add), "vector FP throughput".into())
        }
        Cost::JacobiFmaDivision | Cost::VectorFmaDivision => {
            let mul = per_s(v.fma.or(v.mul), lanes / 5.0)?;
            let add = per_s(v.add, lanes / 3.0)?;
            (mul.min(add), "vector FP throughput, FMA division".into())
        }
        Cost::RedBlackFmaDivision => {
            let mul = per_s(v.fma.or(v.mul), lanes / 6.0)?;
            let add = per_s(v.add, lanes / 5.0)?;
            (mul.min(add), "vector FP throughput, FMA division".into())
        }
        Cost::ChainDivide => chain(Chain::AddMulAddDiv, [lat.add, lat.mul, lat.add, lat.div])?,
        Cost::ChainDivideFma => chain(Chain::AddMulFmaDiv, [lat.add, lat.mul, lat.fma, lat.div])?,
        Cost::ChainReciprocal => chain(Chain::AddMulFmaMul, [lat.add, lat.mul, lat.fma, lat.mul])?,
        Cost::ScalarThroughput => {
            let mul = per_s(sc.fma.or(sc.mul), 1.0 / 3.0)?;
            let add = per_s(sc.add, 1.0)?;
            (mul.min(add), "scalar FP throughput".into())
        }
        Cost::ScalarFmaDivision => {
            let mul = per_s(sc.fma.or(sc.mul), 1.0 / 5.0)?;
            let add = per_s(sc.add, 1.0 / 3.0)?;
            (mul.min(add), "scalar FP throughput, FMA division".into())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use laplace_core::results::{ChainTime, OpTimes, WidthTime};

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
            div_by_width: Vec::new(),
            chains: Vec::new(),
            clock_check: None,
            copy_bw_1: 32e9,
            triad_bw_1: 36e9,
            copy_bw_all: 64e9,
            triad_bw_all: 70e9,
            l2_copy_bw: 160e9,
            l3_copy_bw: Some(64e9),
            l1_bytes: 32 << 10,
            l2_bytes: 1 << 20,
            llc_bytes: 32 << 20,
            cache_source: Vec::new(),
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
        assert_eq!(b.limit, "memory bandwidth (24 B/update)");
        let b = bound(Cost::JacobiDivide, true, 2, &spec(4000), &probe()).unwrap();
        assert!((b.mlups - 4000.0).abs() < 1e-6, "{b:?}");
    }

    #[test]
    fn gauss_seidel_chain_is_latency_bound() {
        // Without a measured chain: the sum of its operations' latencies.
        let b = bound(Cost::ChainDivide, false, 1, &spec(100), &probe()).unwrap();
        assert!((b.mlups - 1e3 / 5.5).abs() < 1e-6, "{b:?}");
        let b = bound(Cost::ChainDivideFma, false, 1, &spec(100), &probe()).unwrap();
        assert!((b.mlups - 1e3 / 5.75).abs() < 1e-6, "{b:?}");
        // A measured chain wins over the sum.
        let mut p = probe();
        p.chains = vec![ChainTime {
            chain: Chain::AddMulAddDiv,
            row: None,
            seconds: 5e-9,
        }];
        let b = bound(Cost::ChainDivide, false, 1, &spec(100), &p).unwrap();
        assert!((b.mlups - 200.0).abs() < 1e-6, "{b:?}");
        assert_eq!(b.limit, "add+mul+add+div latency chain");
        // And rows of the problem's length win over the unbroken chain.
        p.chains.push(ChainTime {
            chain: Chain::AddMulAddDiv,
            row: Some(98),
            seconds: 4e-9,
        });
        let b = bound(Cost::ChainDivide, false, 1, &spec(100), &p).unwrap();
        assert!((b.mlups - 250.0).abs() < 1e-6, "{b:?}");
        assert_eq!(b.limit, "add+mul+add+div latency chain, rows of 98");
        let b = bound(Cost::RedBlack, false, 1, &spec(4000), &probe()).unwrap();
        assert!((b.mlups - 1000.0).abs() < 1e-6, "{b:?}"); // two passes
    }

    /// The Intel Xeon's case: 8-wide divides every 5.1 ns, 4-wide every 2.4:
    /// the 256-bit code gcc emits can beat a bound taken from 512-bit divides.
    #[test]
    fn divide_bound_takes_the_best_width() {
        let mut p = probe();
        p.div_by_width = [(1, 1.2e-9), (2, 1.3e-9), (4, 2.4e-9), (8, 5.1e-9)]
            .map(|(lanes, seconds)| WidthTime { lanes, seconds })
            .to_vec();
        let b = bound(Cost::JacobiDivide, false, 1, &spec(100), &p).unwrap();
        assert!((b.mlups - 4.0 / 2.4e-9 / 1e6).abs() < 1e-6, "{b:?}");
        assert_eq!(b.limit, "4-wide divide throughput");
    }

    /// Memory moves what the better of copy and triad moved: a triad of
    /// 48 GB/s counted moves 64 GB/s, 2667 updates of 24 B per microsecond.
    #[test]
    fn memory_bound_takes_the_better_of_copy_and_triad() {
        let mut p = probe();
        p.triad_bw_1 = 48e9;
        let b = bound(Cost::JacobiDivide, false, 1, &spec(4000), &p).unwrap();
        assert!((b.mlups - 64e9 / 24.0 / 1e6).abs() < 1e-6, "{b:?}");
    }

    #[test]
    fn layer_condition() {
        // 3 rows of 100 doubles = 2400 B fit in half of 32 KiB; 1000 do not.
        assert_eq!(layer_bytes(100, 32 << 10), 24.0);
        assert_eq!(layer_bytes(1000, 32 << 10), 40.0);
        assert_eq!(layer_bytes(1000, 48 << 10), 24.0);
    }

    /// 1000x1000: two 8 MB grids live in the 32 MiB last-level cache; rows of
    /// 8 KB break the L1 layer condition (40 B from L2) but not L2's.
    #[test]
    fn grid_in_the_last_level_cache_is_bounded_by_its_bandwidth() {
        let mut p = probe();
        p.vector_throughput_s.div = Some(0.5e-9); // compute far above
        let b = bound(Cost::JacobiDivide, false, 1, &spec(1000), &p).unwrap();
        // L2: 160e9 / 16 * 24 / 40 = 6000; L3: 64e9 / 16 = 4000.
        assert!((b.mlups - 4000.0).abs() < 1e-6, "{b:?}");
        assert_eq!(b.limit, "last-level cache copy bandwidth (24 B/update)");
        p.l3_copy_bw = None;
        let b = bound(Cost::JacobiDivide, false, 1, &spec(1000), &p).unwrap();
        assert_eq!(b.limit, "memory bandwidth (24 B/update)");
    }

    #[test]
    fn streaming_bound_only_beyond_the_last_level_cache() {
        let b = bound(Cost::JacobiStream, false, 1, &spec(100), &probe()).unwrap();
        assert_eq!(
            b,
            bound(Cost::JacobiDivide, false, 1, &spec(100), &probe()).unwrap()
        );
        let b = bound(Cost::JacobiStream, false, 1, &spec(4000), &probe()).unwrap();
        assert!((b.mlups - 3000.0).abs() < 1e-6, "{b:?}"); // 32e9 * 1.5 / 16
        assert!(b.limit.contains("streaming"), "{b:?}");
    }

    #[test]
    fn missing_figures_give_no_bound() {
        let mut p = probe();
        p.latency_s.div = None;
        assert_eq!(bound(Cost::ChainDivide, false, 1, &spec(100), &p), None);
    }
}
