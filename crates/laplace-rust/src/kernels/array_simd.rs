//! `rust/array-simd`: exact Jacobi with explicit AVX-512 (`std::arch`): a
//! flat stream with aligned loads of the middle row, its neighbours built
//! with `valignq`, and aligned stores. See [`crate::simd`] for why; on CPUs
//! without AVX-512 it runs `rust/array-flat`'s portable sweep.

use laplace_core::{Job, KernelError};

/// Runs `iters` exact Jacobi sweeps.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::simd::run(job, crate::simd::Finish::Divide)
}
