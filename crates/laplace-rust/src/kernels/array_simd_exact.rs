//! `rust/array-simd-exact`: `rust/array-simd`'s AVX-512 stream with the
//! division by `2(dx2 + dy2)` done by Markstein's sequence
//! ([`laplace_core::exact_div`]) instead of the divider: a multiply and two
//! FMAs per point, the IEEE quotient bit for bit (registered `bit_exact`).
//! Each vector's numerators are tested against the sequence's proven range
//! (one compare, two for a grid beyond 2^700), and a vector with one
//! outside is divided. Path `avx512-fma-division` (`avx512-divide` for a
//! divisor the per-problem check does not prove); without AVX-512,
//! `rust/array-exact`.

use laplace_core::{Job, KernelError};

/// Runs `iters` exact Jacobi sweeps.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::simd::run(job, crate::simd::Finish::FmaDivision { bounded: false })
}
