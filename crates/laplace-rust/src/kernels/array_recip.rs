//! `rust/array-recip`: `rust/array` with the division replaced by a
//! multiplication with the precomputed `1 / (2*(dx2+dy2))`. Not fast-math:
//! the change is explicit in the source and the only one; it rounds
//! differently from the reference by about one ulp per update.

use laplace_core::{Job, KernelError, Stencil};

/// Runs `iters` Jacobi sweeps, ping-ponging between `u` and the scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::jacobi_ping_pong(job, sweep)
}

fn sweep(src: &[f64], dst: &mut [f64], _nx: usize, ny: usize, s: &Stencil) {
    let inv = 1.0 / s.denom;
    for (rows, out) in src
        .windows(3 * ny)
        .step_by(ny)
        .zip(dst.chunks_exact_mut(ny).skip(1))
    {
        crate::jacobi_row(rows, out, |d, a, r, l| {
            ((d + a) * s.dy2 + (r + l) * s.dx2) * inv
        });
    }
}
