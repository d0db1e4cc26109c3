//! `rust/array-simd-recip`: `rust/array-simd` multiplying by the precomputed
//! reciprocal `1 / (2 (dx2 + dy2))` instead of dividing (a named variant,
//! not fast-math), so the divider no longer sets the pace.

use laplace_core::{Job, KernelError};

/// Runs `iters` Jacobi sweeps, multiplying by the reciprocal.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::simd::run(job, crate::simd::Finish::Reciprocal)
}
