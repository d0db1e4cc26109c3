//! `shootout probe`: the machine limits every kernel is measured against.
//!
//! - FP latency and throughput of add, multiply, FMA and divide, scalar and at
//!   the widest vector width, in inline assembly ([`asm`]);
//! - the divide's throughput at every width (scalar, 128, 256, 512 bits);
//! - the latency of each Gauss-Seidel update chain as the compilers emit it;
//! - the clock, from a chain of dependent integer multiplies, checked against
//!   the FMA latency, the TSC and the kernel's maximum frequency
//!   ([`ClockCheck::of`]);
//! - copy and triad bandwidth over arrays far larger than the last-level
//!   cache, on one core and on all, and copies that stay in L2 and in the
//!   last-level cache;
//! - the cache sizes the OS reports, with where each came from.
//!
//! The whole probe takes a few seconds. `shootout run` reuses the result
//! cached for this host and CPU (see [`cache_path`]).

#[cfg(target_arch = "x86_64")]
pub mod asm;
pub mod contention;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use laplace_core::results::{Chain, ChainTime, ClockCheck, OpTimes, Probe, WidthTime};

use crate::machine;

/// Doubles per array of the out-of-cache bandwidth probes (64 MiB each).
const BIG: usize = 8 << 20;
/// Doubles per array of the L2 probe (128 KiB each, 256 KiB for the pair).
const SMALL: usize = 16 << 10;

/// Measures everything. `threads` is used for the all-core bandwidth.
pub fn measure(threads: usize) -> Probe {
    let caches = laplace_core::cache::sizes();
    let ops = op_times();
    let clock_check = ops
        .cycle
        .map(|c| ClockCheck::of(c, CLOCK_SOURCE, &independent_clocks(&ops)));
    Probe {
        host: machine::host(),
        cpu: machine::cpu_model(),
        date: machine::utc_now(),
        cycle_s: ops.cycle,
        clock_check,
        latency_s: ops.latency,
        scalar_throughput_s: ops.scalar,
        vector_throughput_s: ops.vector,
        vector_lanes: ops.lanes,
        div_by_width: ops.div_by_width,
        chains: ops.chains,
        copy_bw_1: bandwidth(1, Kernel::Copy),
        triad_bw_1: bandwidth(1, Kernel::Triad),
        copy_bw_all: bandwidth(threads, Kernel::Copy),
        triad_bw_all: bandwidth(threads, Kernel::Triad),
        l2_copy_bw: cached_copy_bandwidth(SMALL),
        l3_copy_bw: l3_doubles(caches.l2, caches.llc).map(cached_copy_bandwidth),
        l1_bytes: caches.l1,
        l2_bytes: caches.l2,
        llc_bytes: caches.llc,
        cache_source: caches.source.clone(),
        threads,
    }
}

/// Adds to `probe` each Gauss-Seidel chain measured in rows of `len`
/// updates (a problem's interior row), unless it has them already.
pub fn add_row_chains(probe: &mut Probe, len: usize) {
    #[cfg(target_arch = "x86_64")]
    for chain in Chain::ALL {
        if probe
            .chains
            .iter()
            .any(|c| c.chain == chain && c.row == Some(len))
        {
            continue;
        }
        if let Some(seconds) = asm::chain_rows(chain, len) {
            probe.chains.push(ChainTime {
                chain,
                row: Some(len),
                seconds,
            });
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (probe, len);
}

/// Source name of the clock every cycle figure uses.
pub const CLOCK_SOURCE: &str = "imul chain (3 cycles per multiply)";

/// Estimates of the core clock other than the one used, in Hz: the FMA
/// latency chain (core cycles, like the imul chain), and, for reference, the
/// TSC and the kernel's maximum frequency (nominal figures that need not
/// equal the running clock).
fn independent_clocks(ops: &Ops) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    if let Some(fma) = ops.latency.fma {
        out.push((
            ClockCheck::FMA_SOURCE.to_string(),
            ClockCheck::FMA_LATENCY_CYCLES / fma,
        ));
    }
    #[cfg(target_arch = "x86_64")]
    if let Some(hz) = asm::tsc_hz() {
        out.push(("TSC (nominal rate, not core cycles)".to_string(), hz));
    }
    if let Some(khz) =
        std::fs::read_to_string("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
    {
        out.push(("cpufreq cpuinfo_max_freq (nominal)".to_string(), khz * 1e3));
    }
    out
}

struct Ops {
    cycle: Option<f64>,
    latency: OpTimes,
    scalar: OpTimes,
    vector: OpTimes,
    lanes: usize,
    div_by_width: Vec<WidthTime>,
    chains: Vec<ChainTime>,
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
        div_by_width: [1, 2, 4, 8]
            .into_iter()
            .filter_map(|lanes| {
                asm::divide_throughput(lanes).map(|seconds| WidthTime { lanes, seconds })
            })
            .collect(),
        chains: Chain::ALL
            .into_iter()
            .filter_map(|chain| {
                asm::chain(chain).map(|seconds| ChainTime {
                    chain,
                    row: None,
                    seconds,
                })
            })
            .collect(),
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
        div_by_width: Vec::new(),
        chains: Vec::new(),
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

/// Doubles per array of the last-level-cache probe: two arrays of four
/// times the L2 in all, at most half the last-level cache; `None` where no
/// size lies between.
fn l3_doubles(l2: usize, llc: usize) -> Option<usize> {
    let pair = (4 * l2).min(llc / 2);
    (pair > 2 * l2).then_some(pair / 16)
}

/// Copy bandwidth of two `n`-double arrays small enough to stay in a cache,
/// about 2 GB moved per pass.
fn cached_copy_bandwidth(n: usize) -> f64 {
    let mut a = vec![0.0f64; n];
    let b = vec![1.0f64; n];
    let reps = ((1usize << 31) / (16 * n)).max(1);
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
    (n * reps) as f64 * 16.0 / best
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

/// Bumped when the probe measures something new or differently, so that a
/// cached probe of an older binary is not reused.
const PROBE_VERSION: u32 = 2;

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
    Some(dir.join(format!("probe-v{PROBE_VERSION}-{slug}.json")))
}

/// The cached probe of this machine, if there is one for this host and CPU
/// and its figures are possible (see [`implausible`]); a cache that holds
/// impossible ones is said so on stderr and removed, so the caller probes
/// again (and caches the new probe).
pub fn cached() -> Option<Probe> {
    let path = cache_path()?;
    let text = std::fs::read_to_string(&path).ok()?;
    let probe: Probe = serde_json::from_str(&text).ok()?;
    if probe.host != machine::host() || probe.cpu != machine::cpu_model() {
        return None;
    }
    if let Some(why) = implausible(&probe) {
        eprintln!(
            "warning: the cached probe {} holds {why}; probing again",
            path.display()
        );
        // Gone even if the new probe is not cached (a busy machine).
        let _ = std::fs::remove_file(&path);
        return None;
    }
    Some(probe)
}

/// The first figure of `p` no machine gives, in words, if any: a time,
/// bandwidth, width or count that is zero, negative or not finite (a
/// bound computed from one is a NaN% or an infinity, issue 15). Figures
/// the probe could not measure (`null`) and unknown cache sizes (0) are
/// allowed.
pub fn implausible(p: &Probe) -> Option<String> {
    let bad = |x: f64| !(x.is_finite() && x > 0.0);
    let mut figures: Vec<(String, f64)> = vec![
        ("copy_bw_1".into(), p.copy_bw_1),
        ("triad_bw_1".into(), p.triad_bw_1),
        ("copy_bw_all".into(), p.copy_bw_all),
        ("triad_bw_all".into(), p.triad_bw_all),
        ("l2_copy_bw".into(), p.l2_copy_bw),
        ("vector_lanes".into(), p.vector_lanes as f64),
        ("threads".into(), p.threads as f64),
    ];
    figures.extend(p.cycle_s.map(|c| ("cycle_s".into(), c)));
    figures.extend(p.l3_copy_bw.map(|c| ("l3_copy_bw".into(), c)));
    for (set, t) in [
        ("latency_s", &p.latency_s),
        ("scalar_throughput_s", &p.scalar_throughput_s),
        ("vector_throughput_s", &p.vector_throughput_s),
    ] {
        for (op, x) in [
            ("add", t.add),
            ("mul", t.mul),
            ("fma", t.fma),
            ("div", t.div),
        ] {
            figures.extend(x.map(|x| (format!("{set}.{op}"), x)));
        }
    }
    for w in &p.div_by_width {
        figures.push((format!("div_by_width[{} lanes]", w.lanes), w.seconds));
        figures.push(("div_by_width lanes".into(), w.lanes as f64));
    }
    for c in &p.chains {
        figures.push((format!("chains[{}]", c.chain.describe()), c.seconds));
    }
    figures
        .into_iter()
        .find(|&(_, x)| bad(x))
        .map(|(name, x)| format!("{name} = {x}, not a possible figure"))
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

/// The cached probe, or a fresh one (then cached, if nothing disturbed it).
pub fn cached_or_measure(threads: usize) -> Probe {
    cached().unwrap_or_else(|| measure_and_cache(threads))
}

/// A fresh probe, cached unless other processes used more than
/// [`contention::MAX_OTHERS`] of the machine while it ran; then it says so
/// on stderr, and the next run measures again.
pub fn measure_and_cache(threads: usize) -> Probe {
    let before = contention::Snapshot::take();
    let probe = measure(threads);
    match before.others_since() {
        Some(share) if share > contention::MAX_OTHERS => eprintln!(
            "warning: other processes used {:.0}% of the CPUs while the probe ran, so its \
             bandwidths and throughputs (and the bounds from them) may read low; it was not \
             cached. Probe again on a quiet machine: `shootout probe`.",
            share * 100.0
        ),
        _ => store(&probe),
    }
    probe
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
    if let Some(check) = &p.clock_check {
        out += "\nclock estimates:\n";
        for e in &check.estimates {
            out += &format!("  {:<44} {:>6.2} GHz\n", e.source, e.ghz);
        }
        if !check.agree {
            out += "  CLOCK CHECK FAILED: ";
        } else if check.note.is_some() {
            out += "  note: ";
        }
        if let Some(note) = &check.note {
            out += note;
            out.push('\n');
        }
    }
    if !p.div_by_width.is_empty() {
        out += "\ndivide throughput by width (0.37 / 0.04, independent):\n";
        for w in &p.div_by_width {
            out += &format!(
                "  {} x f64: {:>7.3} ns/instruction, {:>5.2} divides/ns{}\n",
                w.lanes,
                w.seconds * 1e9,
                w.lanes as f64 / w.seconds / 1e9,
                p.cycle_s
                    .map_or_else(String::new, |c| format!(", {:.2} cycles", w.seconds / c)),
            );
        }
    }
    if !p.chains.is_empty() {
        out += "\nGauss-Seidel update chains (stencil constants):\n";
        for c in &p.chains {
            let row = c
                .row
                .map_or_else(|| "unbroken".to_string(), |r| format!("rows of {r}"));
            out += &format!(
                "  {:<32} {:<12} {:>7.3} ns/update{}\n",
                c.chain.describe(),
                row,
                c.seconds * 1e9,
                p.cycle_s
                    .map_or_else(String::new, |cy| format!(", {:.1} cycles", c.seconds / cy)),
            );
        }
    }
    out += &format!(
        "\nmemory, 1 core:   copy {}, triad {}\nmemory, {} cores: copy {}, triad {}\nL2 copy, 1 core:  {}\n\
         last-level copy, 1 core: {}\n\
         caches: L1d {} KiB, L2 {} KiB per core, last level {} MiB\n",
        gbs(p.copy_bw_1),
        gbs(p.triad_bw_1),
        p.threads,
        gbs(p.copy_bw_all),
        gbs(p.triad_bw_all),
        gbs(p.l2_copy_bw),
        p.l3_copy_bw.map_or_else(|| "-".into(), gbs),
        p.l1_bytes >> 10,
        p.l2_bytes >> 10,
        p.llc_bytes >> 20
    );
    for line in &p.cache_source {
        out += &format!("  {line}\n");
    }
    out +=
        "(bandwidths count 16 bytes per copied element and 24 per triad element, as STREAM does)\n";
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A probe with round figures and no bandwidth limit worth the name,
    /// for tests of what is computed from a probe.
    pub(crate) fn fake() -> Probe {
        let ns = |x: f64| Some(x * 1e-9);
        let t = OpTimes {
            add: ns(1.0),
            mul: ns(1.0),
            fma: ns(1.0),
            div: ns(4.0),
        };
        Probe {
            host: "h".into(),
            cpu: "c".into(),
            date: "d".into(),
            cycle_s: ns(0.25),
            clock_check: None,
            latency_s: t,
            scalar_throughput_s: t,
            vector_throughput_s: t,
            vector_lanes: 4,
            div_by_width: Vec::new(),
            chains: Vec::new(),
            copy_bw_1: 1e12,
            triad_bw_1: 1e12,
            copy_bw_all: 1e12,
            triad_bw_all: 1e12,
            l2_copy_bw: 1e12,
            l3_copy_bw: Some(1e12),
            l1_bytes: 32 << 10,
            l2_bytes: 1 << 20,
            llc_bytes: 32 << 20,
            cache_source: Vec::new(),
            threads: 2,
        }
    }

    /// Issue 15: a cached probe of zeros and negatives was trusted.
    #[test]
    fn impossible_probe_figures_are_found() {
        let p = fake();
        assert_eq!(implausible(&p), None);
        let mut q = p.clone();
        q.copy_bw_1 = 0.0;
        assert!(implausible(&q).unwrap().contains("copy_bw_1 = 0"));
        let mut q = p.clone();
        q.latency_s.div = Some(-1e-9);
        assert!(implausible(&q).unwrap().contains("latency_s.div"));
        let mut q = p.clone();
        q.cycle_s = Some(f64::NAN);
        assert!(implausible(&q).unwrap().contains("cycle_s"));
        let mut q = p.clone();
        q.div_by_width = vec![WidthTime {
            lanes: 4,
            seconds: f64::INFINITY,
        }];
        assert!(implausible(&q).is_some());
        // Not measured is not impossible.
        let mut q = p;
        q.cycle_s = None;
        q.l3_copy_bw = None;
        q.l1_bytes = 0;
        assert_eq!(implausible(&q), None);
    }

    fn ghz(x: f64) -> f64 {
        x * 1e9
    }

    #[test]
    fn clock_that_matches_the_fma_estimate_agrees() {
        let check = ClockCheck::of(
            1.0 / ghz(3.4),
            CLOCK_SOURCE,
            &[
                (ClockCheck::FMA_SOURCE.into(), ghz(3.3)),
                ("TSC (nominal rate, not core cycles)".into(), ghz(3.4)),
            ],
        );
        assert!(check.agree, "{check:?}");
        assert_eq!(check.note, None);
        assert_eq!(check.estimates.len(), 3);
        assert_eq!(check.estimates[0].source, CLOCK_SOURCE);
        assert!((check.estimates[0].ghz - 3.4).abs() < 1e-9);
    }

    /// The Intel Xeon's failure: a folded add chain read 18.7 GHz while the
    /// FMA latency said 3.3. Fed as a fake reading, the check must fail and
    /// say by how much.
    #[test]
    fn clock_five_times_the_fma_estimate_is_flagged() {
        let check = ClockCheck::of(
            1.0 / ghz(18.7),
            "add chain",
            &[(ClockCheck::FMA_SOURCE.into(), ghz(3.29))],
        );
        assert!(!check.agree);
        let note = check.note.unwrap();
        assert!(note.contains("FMA latency"), "{note}");
        assert!(note.contains("-82%"), "{note}");
        assert!(note.contains("uncertain"), "{note}");
    }

    #[test]
    fn nominal_clocks_are_noted_not_failed() {
        let check = ClockCheck::of(
            1.0 / ghz(3.5),
            CLOCK_SOURCE,
            &[
                (ClockCheck::FMA_SOURCE.into(), ghz(3.45)),
                ("TSC (nominal rate, not core cycles)".into(), ghz(2.45)),
            ],
        );
        assert!(check.agree);
        assert!(check.note.unwrap().contains("TSC"));
    }

    #[test]
    fn last_level_probe_fits_between_l2_and_llc() {
        assert_eq!(l3_doubles(512 << 10, 32 << 20), Some((2 << 20) / 16));
        assert_eq!(l3_doubles(2 << 20, 480 << 20), Some((8 << 20) / 16));
        assert_eq!(l3_doubles(1 << 20, 1 << 20), None);
    }

    /// The probe's own instruments on this machine: the imul clock and the
    /// FMA latency must agree (no timing threshold: both are ratios of the
    /// same run's clock).
    #[cfg(target_arch = "x86_64")]
    #[test]
    #[ignore = "measures; run with --ignored on a quiet machine"]
    fn imul_and_fma_clocks_agree_here() {
        let (Some(c), Some(fma)) = (asm::cycle_seconds(), asm::scalar(asm::Op::Fma, true)) else {
            return;
        };
        let fma_clock = ClockCheck::FMA_LATENCY_CYCLES / fma;
        let check = ClockCheck::of(
            c,
            CLOCK_SOURCE,
            &[(ClockCheck::FMA_SOURCE.into(), fma_clock)],
        );
        assert!(check.agree, "{check:?}");
    }
}
