//! `rust/array-flat-recip`: `rust/array-flat` multiplying by the precomputed
//! `1 / (2*(dx2+dy2))` instead of dividing (a named variant, not fast-math;
//! about one ulp per update from the reference).

use laplace_core::{Job, KernelError, Stencil};

/// Runs `iters` Jacobi sweeps, ping-ponging between `u` and the scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::jacobi_ping_pong(job, sweep)
}

fn sweep(src: &[f64], dst: &mut [f64], nx: usize, ny: usize, s: &Stencil) {
    let inv = 1.0 / s.denom;
    crate::jacobi_flat(src, dst, nx, ny, |d, a, r, l| {
        ((d + a) * s.dy2 + (r + l) * s.dx2) * inv
    });
}
