//! Property tests: on random problems, every registered kernel equals the
//! reference of its scheme within its tolerance.
//!
//! Shapes 3..64 each way, 0..40 sweeps, spacings in [0.05, 2.0] chosen
//! independently (so dx != dy almost always), a relaxation factor in
//! (0.1, 1.95) or the default, and 1 to 4 threads for parallel kernels.
//! `tests/verify.rs` covers fixed problems; this covers the ones nobody
//! thought of. A second property draws long thin grids (one side 900..1400,
//! past any kernel's block or strip, the other 3..24) with a few sweeps,
//! where an off-by-one at a tile edge shows. `PROPTEST_CASES=1000 cargo test --test properties` searches
//! harder.

use laplace_core::verify::verify_against;
use laplace_core::{Problem, Scheme, reference};
use laplace_shootout::registry::KERNELS;
use proptest::prelude::*;

/// A valid problem from the ranges above, and a thread count.
fn problems() -> impl Strategy<Value = (Problem, usize)> {
    (
        3usize..64,
        3usize..64,
        0usize..40,
        0.05f64..=2.0,
        0.05f64..=2.0,
        proptest::option::of(0.1f64..1.95),
        1usize..=4,
    )
        .prop_map(|(nx, ny, iters, dx, dy, omega, threads)| {
            let p = Problem::new(nx, ny, dx, dy, iters).expect("ranges give valid problems");
            (Problem { omega, ..p }, threads)
        })
}

/// A long thin problem: one side 900..1400 (mostly past rust/array-tblock's
/// 1024-column strips), the other 3..24, 1..6 sweeps.
fn wide_problems() -> impl Strategy<Value = Problem> {
    (900usize..1400, 3usize..24, 1usize..6, any::<bool>()).prop_map(|(long, short, iters, rows)| {
        let (nx, ny) = if rows { (long, short) } else { (short, long) };
        Problem::new(nx, ny, 0.1, 0.13, iters).expect("valid problem")
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_kernel_matches_on_long_thin_grids(problem in wide_problems()) {
        for scheme in Scheme::ALL {
            let want = reference::solve(scheme, &problem).expect("valid problem");
            for k in KERNELS.iter().filter(|k| k.scheme == scheme) {
                let result = verify_against(k, &problem, 2, &want);
                prop_assert!(result.is_ok(), "{}", result.unwrap_err());
            }
        }
    }
}

proptest! {
    // Every case runs every kernel (each up to 64x64x40 updates, unoptimised
    // in a debug build): a few dozen cases keep this to seconds.
    #![proptest_config(ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_kernel_matches_the_reference_of_its_scheme((problem, threads) in problems()) {
        for scheme in Scheme::ALL {
            let want = reference::solve(scheme, &problem).expect("valid problem");
            for k in KERNELS.iter().filter(|k| k.scheme == scheme) {
                let result = verify_against(k, &problem, threads, &want);
                prop_assert!(result.is_ok(), "{} threads: {}", threads, result.unwrap_err());
            }
        }
    }
}
