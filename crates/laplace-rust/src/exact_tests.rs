//! The bit-exact kernels that divide by Markstein's sequence, on grids the
//! seed problem never produces: values from subnormal to near overflow,
//! negatives, signed zeros, and grids beyond [`ExactDiv::GRID_BOUND`] (so
//! the upper end of the numerators' range is tested too). Every kernel, on
//! its vector and its portable path, must give the post's formula's bits.
//!
//! [`ExactDiv::GRID_BOUND`]: laplace_core::exact_div::ExactDiv::GRID_BOUND

use laplace_core::{Job, KernelFn, Problem, Stencil};

use crate::kernels;

/// Gauss-Seidel kernels that claim `rust/loop`'s bits.
const GAUSS_SEIDEL: [(&str, KernelFn); 3] = [
    (
        "rust/loop-wavefront-exact",
        kernels::loop_wavefront_exact::run,
    ),
    (
        "rust/loop-wavefront-simd",
        kernels::loop_wavefront_simd::run,
    ),
    (
        "rust/loop-wavefront-simd in AVX2",
        kernels::loop_wavefront_simd::run_avx2,
    ),
];

/// Jacobi kernels that claim the reference's bits with the FMA division.
const JACOBI: [(&str, KernelFn); 2] = [
    ("rust/array-exact", kernels::array_exact::run),
    ("rust/array-simd-exact", kernels::array_simd_exact::run),
];

/// Red-black SOR kernels that claim the reference's bits with the FMA
/// division.
const RED_BLACK: [(&str, KernelFn); 1] = [(
    "rust/redblack-simd-exact",
    kernels::redblack_simd_exact::run,
)];

/// What a test grid holds.
#[derive(Debug, Clone, Copy)]
enum Values {
    /// Both signs, zeros, magnitudes from 2^-1074 to 2^690: numerators
    /// below the range (the divider's), and a grid the kernels bound once.
    Narrow,
    /// Positive, from 2^-600 up to 2^1023 and infinity: mostly the
    /// sequence, with the upper end of the range tested every sweep.
    Wide,
    /// `+0` or positive from 2^-560 up: where a kernel may prove the range
    /// test unneeded for some sweeps (`rust/array-simd-exact`).
    Positive,
    /// Negative zeros only: every numerator is -0, which the sequence
    /// would turn into +0.
    NegativeZeros,
}

/// A grid of awkward values from a small deterministic generator, with
/// values at the sequence's range ends (2^-800, 2^700, 2^800) and beyond.
fn hostile(nx: usize, ny: usize, seed: u64, values: Values) -> Vec<f64> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let (special, exponents, signed): (&[f64], _, _) = match values {
        Values::NegativeZeros => return vec![-0.0; nx * ny],
        Values::Narrow => (
            &[
                0.0,
                -0.0,
                1.0,
                2f64.powi(-800),
                2f64.powi(-801),
                2f64.powi(-1074),
            ],
            -1074..=690,
            true,
        ),
        Values::Positive => (
            &[0.0, 1.0, 2f64.powi(-1000), 2f64.powi(-1074)],
            -560..=690,
            false,
        ),
        Values::Wide => (
            &[
                2f64.powi(700),
                2f64.powi(799),
                2f64.powi(801),
                1e308,
                f64::INFINITY,
            ],
            -600..=1023,
            false,
        ),
    };
    let span = (exponents.end() - exponents.start() + 1) as u64;
    (0..nx * ny)
        .map(|_| {
            let r = next();
            let v = if (r >> 1) % 8 == 0 {
                special[(r >> 8) as usize % special.len()]
            } else {
                let e = exponents.start() + ((r >> 8) % span) as i32;
                (1.0 + (r >> 20) as f64 / (1u64 << 44) as f64) * 2f64.powi(e)
            };
            if signed && r & 1 == 1 { -v } else { v }
        })
        .collect()
}

/// `iters` Gauss-Seidel sweeps of `u` in place, the post's loop.
fn gauss_seidel(u: &mut [f64], p: &Problem, s: &Stencil) {
    let ny = p.ny;
    for _ in 0..p.iters {
        for i in 1..p.nx - 1 {
            for j in 1..ny - 1 {
                let k = i * ny + j;
                u[k] = s.apply(u[k + ny], u[k - ny], u[k + 1], u[k - 1]);
            }
        }
    }
}

/// `iters` Jacobi sweeps of `u`.
fn jacobi(u: &mut [f64], p: &Problem, s: &Stencil) {
    let ny = p.ny;
    for _ in 0..p.iters {
        let old = u.to_vec();
        for i in 1..p.nx - 1 {
            for j in 1..ny - 1 {
                let k = i * ny + j;
                u[k] = s.apply(old[k + ny], old[k - ny], old[k + 1], old[k - 1]);
            }
        }
    }
}

/// `iters` red-black SOR sweeps of `u` in place, colour `(i + j) % 2 == 0`
/// first.
fn red_black(u: &mut [f64], p: &Problem, s: &Stencil) {
    let (ny, omega) = (p.ny, p.omega());
    for _ in 0..p.iters {
        for colour in [0, 1] {
            for i in 1..p.nx - 1 {
                for j in (1..ny - 1).filter(|j| (i + j) % 2 == colour) {
                    let k = i * ny + j;
                    let old = u[k];
                    let gs = s.apply(u[k + ny], u[k - ny], u[k + 1], u[k - 1]);
                    u[k] = old + omega * (gs - old);
                }
            }
        }
    }
}

/// Whether `a` and `b` hold the same bits (any NaN equals any NaN).
fn same_bits(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Runs every kernel of `kernels` on both paths against `reference` on
/// hostile grids; returns the mismatches.
fn mismatches(
    kernels: &[(&str, KernelFn)],
    reference: fn(&mut [f64], &Problem, &Stencil),
) -> Vec<String> {
    let mut bad = Vec::new();
    for (nx, ny) in [(3, 3), (9, 5), (19, 27), (37, 91)] {
        for (dx, dy) in [(0.1, 0.1), (0.1, 0.2), (0.1, 0.37)] {
            for iters in [1, 2, 5] {
                for values in [
                    Values::Narrow,
                    Values::Positive,
                    Values::Wide,
                    Values::NegativeZeros,
                ] {
                    let p = Problem::new(nx, ny, dx, dy, iters).unwrap();
                    let start = hostile(nx, ny, (nx * 131 + ny + iters) as u64, values);
                    let mut want = start.clone();
                    reference(&mut want, &p, &p.stencil());
                    for &(name, run) in kernels {
                        for portable in [false, true] {
                            let mut u = start.clone();
                            let mut scratch = vec![0.0; u.len()];
                            let mut job = Job::new(&mut u, &mut scratch, &p, 1)
                                .unwrap()
                                .with_portable(portable);
                            run(&mut job).unwrap();
                            if let Some(k) = (0..u.len()).find(|&k| !same_bits(u[k], want[k])) {
                                bad.push(format!(
                                    "{name} (portable: {portable}) {nx}x{ny} dx={dx} dy={dy} \
                                     {iters} sweeps, {values:?}: at {k} got {:e}, want {:e}",
                                    u[k], want[k]
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    bad
}

#[test]
fn exact_gauss_seidel_kernels_give_the_formulas_bits_on_hostile_grids() {
    let bad = mismatches(&GAUSS_SEIDEL, gauss_seidel);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn exact_jacobi_kernels_give_the_formulas_bits_on_hostile_grids() {
    let bad = mismatches(&JACOBI, jacobi);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn exact_red_black_kernels_give_the_formulas_bits_on_hostile_grids() {
    let bad = mismatches(&RED_BLACK, red_black);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
