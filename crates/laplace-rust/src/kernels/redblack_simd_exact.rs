//! `rust/redblack-simd-exact`: `rust/redblack-simd` with the division by
//! `2(dx2 + dy2)` done by Markstein's sequence ([`laplace_core::exact_div`])
//! in the vectors: a multiply and two FMAs instead of the divider, the
//! IEEE quotient bit for bit (registered `bit_exact`). The vector kernel
//! updates both colours and keeps one, so it divides twice per update:
//! where the divider is slow (8-wide every 5 ns on the Intel Xeon of
//! `../shared/machines/`), that, not the arithmetic, bounds it.

use laplace_core::{Job, KernelError};

/// Runs `iters` red-black SOR sweeps with the job's relaxation factor.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    super::redblack_simd::run_with(job, true)
}
