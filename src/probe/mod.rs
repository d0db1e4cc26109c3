//! `shootout probe`: the machine limits every kernel is measured against.
//!
//! - FP latency and throughput of add, multiply, FMA and divide, scalar and at
//!   the widest vector width, in inline assembly ([`asm`]);
//! - the clock, from a chain of dependent integer adds;
//! - copy and triad bandwidth over arrays far larger than the last-level
//!   cache, on one core and on all, and a copy that stays in L2.
//!
//! The whole probe takes a few seconds. `shootout run` reuses the result
//! cached for this host and CPU (see [`cache_path`]).

#[cfg(target_arch = "x86_64")]
pub mod asm;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use laplace_core::results::{OpTimes, Probe};

use crate::machine;

/// Doubles per array of the out-of-cache bandwidth probes (64 MiB each).
const BIG: usize = 8 << 20;
/// Doubles per array of the L2 probe (128 KiB each, 256 KiB for the pair).
const SMALL: usize = 16 << 10;

/// Measures everything. `threads` is used for the all-core bandwidth.
pub fn measure(threads: usize) -> Probe {
    let (l2_bytes, llc_bytes) = cache_sizes();
    let ops = op_times();
    Probe {
        host: machine::host(),
        cpu: machine::cpu_model(),
        date: machine::utc_now(),
        cycle_s: ops.cycle,
        latency_s: ops.latency,
        scalar_throughput_s: ops.scalar,
        vector_throughput_s: ops.vector,
        vector_lanes: ops.lanes,
        copy_bw_1: bandwidth(1, Kernel::Copy),
        triad_bw_1: bandwidth(1, Kernel::Triad),
        copy_bw_all: bandwidth(threads, Kernel::Copy),
        triad_bw_all: bandwidth(threads, Kernel::Triad),
        l2_copy_bw: l2_copy_bandwidth(),
        l2_bytes,
        llc_bytes,
        threads,
    }
}

struct Ops {
    cycle: Option<f64>,
    latency: OpTimes,
    scalar: OpTimes,
    vector: OpTimes,
    lanes: usize,
}

#[cfg(target_arch = "x86_64")]
fn op_times() -> Ops {
    use asm::Op;
    let each = |f: &dyn Fn(Op) -> Option<f64>| OpTimes {
        add: f(Op::Add),
        mul: f(Op::Mul),
        fma: f(Op::Fma),
        div: f(Op::Div),
    };
    let lanes = asm::vector(Op::Add).map_or(1, |(_, l)| l);
    Ops {
        cycle: asm::cycle_seconds(),
        latency: each(&|op| asm::scalar(op, true)),
        scalar: each(&|op| asm::scalar(op, false)),
        vector: each(&|op| asm::vector(op).map(|(t, _)| t)),
        lanes,
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn op_times() -> Ops {
    Ops {
        cycle: None,
        latency: OpTimes::default(),
        scalar: OpTimes::default(),
        vector: OpTimes::default(),
        lanes: 1,
    }
}

#[derive(Clone, Copy)]
enum Kernel {
    /// `a[i] = b[i] + 0.0`: a copy with ordinary stores (the compiler may not
    /// fold `+ 0.0`, which changes -0.0, nor call memcpy, whose streaming
    /// stores would skip the write-allocate a stencil pays). 16 bytes counted.
    Copy,
    /// `a[i] = b[i] + s * c[i]`. 24 bytes counted.
    Triad,
}

/// Best bandwidth of five passes over `BIG`-double arrays, split over
/// `threads` threads, each first-touching its own part.
fn bandwidth(threads: usize, kernel: Kernel) -> f64 {
    let threads = threads.max(1);
    let chunk = BIG.div_ceil(threads);
    let barrier = std::sync::Barrier::new(threads);
    let times: Vec<f64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let barrier = &barrier;
                scope.spawn(move || {
                    let n = chunk.min(BIG.saturating_sub(t * chunk));
                    // Allocated as the grids are (huge pages where granted).
                    let (mut a, b, c) = (filled(n, 0.0), filled(n, 1.0), filled(n, 2.0));
                    let mut best = f64::INFINITY;
                    for _ in 0..5 {
                        barrier.wait();
                        let start = Instant::now();
                        match kernel {
                            Kernel::Copy => {
                                for (x, y) in a.iter_mut().zip(&b) {
                                    *x = y + 0.0;
                                }
                            }
                            Kernel::Triad => {
                                for ((x, y), z) in a.iter_mut().zip(&b).zip(&c) {
                                    *x = y + 3.0 * z;
                                }
                            }
                        }
                        black_box(&mut a);
                        // The slowest thread sets the pass time: wait for all.
                        barrier.wait();
                        best = best.min(start.elapsed().as_secs_f64());
                    }
                    best
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(f64::INFINITY))
            .collect()
    });
    let secs = times.into_iter().fold(0.0, f64::max);
    let bytes_per_element = match kernel {
        Kernel::Copy => 16.0,
        Kernel::Triad => 24.0,
    };
    BIG as f64 * bytes_per_element / secs
}

/// `n` copies of `x`, allocated like the kernels' grids.
fn filled(n: usize, x: f64) -> Vec<f64> {
    let mut v = Vec::with_capacity(n);
    laplace_core::advise_huge_pages(&mut v);
    v.resize(n, x);
    v
}

/// Copy bandwidth of two `SMALL`-double arrays that stay in L2.
fn l2_copy_bandwidth() -> f64 {
    let mut a = vec![0.0f64; SMALL];
    let b = vec![1.0f64; SMALL];
    let reps = 2000;
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        for _ in 0..reps {
            for (x, y) in a.iter_mut().zip(&b) {
                *x = y + 0.0;
            }
            black_box(&mut a);
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    (SMALL * reps) as f64 * 16.0 / best
}

/// Per-core L2 and last-level cache sizes from sysfs (defaults 1 MiB and 32 MiB).
fn cache_sizes() -> (usize, usize) {
    let mut l2 = None;
    let mut llc = None;
    for index in 0..8 {
        let dir = format!("/sys/devices/system/cpu/cpu0/cache/index{index}");
        let read = |f: &str| std::fs::read_to_string(format!("{dir}/{f}")).ok();
        let (Some(level), Some(size)) = (read("level"), read("size")) else {
            continue;
        };
        let size = size.trim();
        let bytes = size
            .strip_suffix('K')
            .and_then(|k| k.parse::<usize>().ok().map(|k| k << 10))
            .or_else(|| {
                size.strip_suffix('M')
                    .and_then(|m| m.parse::<usize>().ok().map(|m| m << 20))
            })
            .or_else(|| size.parse().ok());
        match level.trim() {
            "2" => l2 = bytes,
            "3" => llc = bytes,
            _ => {}
        }
    }
    let l2 = l2.unwrap_or(1 << 20);
    (l2, llc.unwrap_or(l2.max(32 << 20)))
}

/// The cache folder: `$SHOOTOUT_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/laplace-shootout`, else `~/.cache/laplace-shootout`.
pub fn cache_dir() -> Option<PathBuf> {
    std::env::var_os("SHOOTOUT_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("laplace-shootout"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/laplace-shootout"))
        })
}

/// Where the probe of this host is cached, in [`cache_dir`].
pub fn cache_path() -> Option<PathBuf> {
    let dir = cache_dir()?;
    let slug: String = format!("{}-{}", machine::host(), machine::cpu_model())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Some(dir.join(format!("probe-{slug}.json")))
}

/// The cached probe of this machine, if there is one for this host and CPU.
pub fn cached() -> Option<Probe> {
    let text = std::fs::read_to_string(cache_path()?).ok()?;
    let probe: Probe = serde_json::from_str(&text).ok()?;
    (probe.host == machine::host() && probe.cpu == machine::cpu_model()).then_some(probe)
}

/// Stores `probe` in the cache; failures only cost a re-probe later.
pub fn store(probe: &Probe) {
    if let Some(path) = cache_path() {
        let _ = path.parent().map(std::fs::create_dir_all);
        if let Ok(json) = serde_json::to_vec_pretty(probe) {
            let _ = crate::fsutil::write_atomic(&path, &json);
        }
    }
}

/// The cached probe, or a fresh one (then cached).
pub fn cached_or_measure(threads: usize) -> Probe {
    cached().unwrap_or_else(|| {
        let probe = measure(threads);
        store(&probe);
        probe
    })
}

/// The probe as a short text report.
pub fn render(p: &Probe) -> String {
    let ns = |x: Option<f64>| x.map_or_else(|| "-".into(), |s| format!("{:.3}", s * 1e9));
    let cyc = |x: Option<f64>| match (x, p.cycle_s) {
        (Some(s), Some(c)) => format!("{:.2}", s / c),
        _ => "-".into(),
    };
    let gbs = |b: f64| format!("{:.1} GB/s", b / 1e9);
    let mut out = format!(
        "{} on {}, {}\nclock: {}\n\n{:<8} {:>12} {:>8} {:>14} {:>8} {:>16} {:>8}\n",
        p.cpu,
        p.host,
        p.date,
        p.cycle_s
            .map_or_else(|| "unknown".into(), |c| format!("{:.2} GHz", 1e-9 / c)),
        "op",
        "latency ns",
        "cycles",
        "scalar ns/op",
        "cycles",
        format!("{}-wide ns/op", p.vector_lanes),
        "cycles",
    );
    let rows = [
        (
            "add",
            p.latency_s.add,
            p.scalar_throughput_s.add,
            p.vector_throughput_s.add,
        ),
        (
            "mul",
            p.latency_s.mul,
            p.scalar_throughput_s.mul,
            p.vector_throughput_s.mul,
        ),
        (
            "fma",
            p.latency_s.fma,
            p.scalar_throughput_s.fma,
            p.vector_throughput_s.fma,
        ),
        (
            "div",
            p.latency_s.div,
            p.scalar_throughput_s.div,
            p.vector_throughput_s.div,
        ),
    ];
    for (name, lat, sc, vec) in rows {
        out += &format!(
            "{name:<8} {:>12} {:>8} {:>14} {:>8} {:>16} {:>8}\n",
            ns(lat),
            cyc(lat),
            ns(sc),
            cyc(sc),
            ns(vec),
            cyc(vec)
        );
    }
    out += &format!(
        "\nmemory, 1 core:   copy {}, triad {}\nmemory, {} cores: copy {}, triad {}\nL2 copy, 1 core:  {}\n\
         caches: L2 {} KiB per core, last level {} MiB\n\
         (bandwidths count 16 bytes per copied element and 24 per triad element, as STREAM does)\n",
        gbs(p.copy_bw_1),
        gbs(p.triad_bw_1),
        p.threads,
        gbs(p.copy_bw_all),
        gbs(p.triad_bw_all),
        gbs(p.l2_copy_bw),
        p.l2_bytes >> 10,
        p.llc_bytes >> 20
    );
    out
}
