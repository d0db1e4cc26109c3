//! `cargo bench`: every registered kernel at several grid sizes, from
//! in-cache to out-of-cache, through the registry (no per-kernel code).
//!
//! Benchmark ids read `laplace/<kernel>/<nx>x<ny>` (e.g. `laplace/c/loop/100x100`),
//! so `cargo bench -- c/` runs the C kernels, `cargo bench -- 100x100` one
//! size and `cargo bench -- c/array/100x100` one benchmark. A filter that
//! matches no id is said on standard error (criterion itself runs nothing
//! and exits 0). Throughput is interior updates per call: criterion's elements/s is
//! lattice updates per second (divide by 1e6 for MLUP/s).
//!
//! Each measured call starts from a fresh initial grid; only the kernel call
//! is timed. Kernels are verified by `cargo test`, not here.

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use laplace_core::Problem;
use laplace_shootout::provenance;
use laplace_shootout::registry::KERNELS;

/// Grid side and sweeps per call: about 10^7 to 3*10^7 updates, tens of
/// milliseconds for the fast kernels. 100x100 (160 KB for two grids) stays
/// in L2, 1000x1000 (16 MB) in L3 at best, 4000x4000 (256 MB) in memory.
const SIZES: [(usize, usize); 3] = [(100, 2000), (1000, 20), (4000, 2)];

/// Every benchmark id, in run order.
fn ids() -> Vec<String> {
    SIZES
        .iter()
        .flat_map(|(n, _)| {
            KERNELS
                .iter()
                .map(move |k| format!("laplace/{}/{n}x{n}", k.name))
        })
        .collect()
}

/// Criterion's options that take a value: the word after them is no filter.
const VALUE_OPTIONS: [&str; 14] = [
    "--save-baseline",
    "--baseline",
    "--baseline-lenient",
    "--load-baseline",
    "--profile-time",
    "--sample-size",
    "--warm-up-time",
    "--measurement-time",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--plotting-backend",
    "--color",
];

/// The filter on the command line, if any: the first word that is neither
/// an option nor an option's value.
fn filter(args: &[String]) -> Option<&str> {
    let mut words = args.iter().skip(1);
    while let Some(w) = words.next() {
        if VALUE_OPTIONS.contains(&w.as_str()) {
            words.next();
        } else if !w.starts_with('-') {
            return Some(w);
        }
    }
    None
}

/// Warns when a plain filter (no regular-expression syntax) matches no id.
fn warn_if_nothing_matches() {
    let args: Vec<String> = std::env::args().collect();
    let Some(f) = filter(&args) else {
        return;
    };
    let regex = f.contains(['^', '$', '(', '[', '|', '*', '+', '?', '\\', '{']);
    if !regex && !ids().iter().any(|id| id.contains(f)) {
        eprintln!(
            "laplace-shootout benches: no benchmark id contains `{f}`, so none runs; ids read \
             laplace/<kernel>/<size>, e.g. `cargo bench -- c/array/100x100`"
        );
    }
}

fn kernels(c: &mut Criterion) {
    warn_if_nothing_matches();
    eprintln!(
        "laplace-shootout benches: {}, target-cpu={}, opt-level={}, {} profile",
        provenance::RUSTC,
        provenance::TARGET_CPU,
        provenance::OPT_LEVEL,
        provenance::PROFILE
    );
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group("laplace");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for (n, iters) in SIZES {
        let problem = Problem::new(n, n, 0.1, 0.1, iters).expect("valid problem");
        group.throughput(Throughput::Elements(problem.interior() * iters as u64));
        let mut u = problem.initial_grid().expect("memory for the grid");
        let mut scratch = problem.scratch().expect("memory for the scratch grid");
        for k in KERNELS {
            group.bench_function(BenchmarkId::new(k.name, format!("{n}x{n}")), |b| {
                b.iter_custom(|calls| {
                    let mut total = Duration::ZERO;
                    for _ in 0..calls {
                        problem.fill_initial(&mut u);
                        let start = Instant::now();
                        k.solve_in(&mut u, &mut scratch, &problem, threads)
                            .unwrap_or_else(|e| panic!("{}: {e}", k.name));
                        total += start.elapsed();
                    }
                    total
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, kernels);
criterion_main!(benches);
