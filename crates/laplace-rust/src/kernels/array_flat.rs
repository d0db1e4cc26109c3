//! `rust/array-flat`: Jacobi over the interior as one flat run of memory.
//!
//! The interior points from `(1, 1)` to `(nx-2, ny-2)` span one contiguous
//! range of the row-major grid, interrupted only by the two boundary columns
//! between consecutive rows. Updating the whole range as one stream of
//! shifted slices (`u[k±1]`, `u[k±ny]`) keeps every vector full: a row of
//! 98 points no longer ends in a scalar remainder, which at 100x100 costs a
//! sixth of the divide throughput. The boundary values the stream overwrites
//! are restored from the source afterwards (two per row).

use laplace_core::{Job, KernelError, Stencil};

/// Runs `iters` Jacobi sweeps, ping-ponging between `u` and the scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::jacobi_ping_pong(job, sweep)
}

fn sweep(src: &[f64], dst: &mut [f64], nx: usize, ny: usize, s: &Stencil) {
    crate::jacobi_flat(src, dst, nx, ny, |d, a, r, l| s.apply(d, a, r, l));
}
