//! `rust/array`: Jacobi in whole-row slices, in the spirit of the NumPy update
//! `u[1:-1,1:-1] = ((u[2:,1:-1] + u[:-2,1:-1])*dy2 + (u[1:-1,2:] + u[1:-1,:-2])*dx2) / (2*(dx2+dy2))`.
//!
//! Each output row is computed from shifted slices of the three rows around
//! it in the previous grid (`windows`, `chunks_exact_mut`, zipped slices);
//! safe Rust whose inner loop has no bounds checks, because the zipped slices
//! carry their lengths.

use laplace_core::{Job, KernelError, Stencil};

/// Runs `iters` Jacobi sweeps, ping-ponging between `u` and the scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::jacobi_ping_pong(job, sweep)
}

fn sweep(src: &[f64], dst: &mut [f64], _nx: usize, ny: usize, s: &Stencil) {
    // Windows of three consecutive rows, one per interior row.
    let above_mid_below = src.windows(3 * ny).step_by(ny);
    for (rows, out) in above_mid_below.zip(dst.chunks_exact_mut(ny).skip(1)) {
        crate::jacobi_row(rows, out, |d, a, r, l| s.apply(d, a, r, l));
    }
}
