//! `rust/array-indexed`: Jacobi with two nested indexed loops, `dst[i*ny+j]`
//! from `src[...]`: the most literal Rust, every access bounds-checked.

use laplace_core::{Job, KernelError, Stencil};

/// Runs `iters` Jacobi sweeps, ping-ponging between `u` and the scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::jacobi_ping_pong(job, sweep)
}

fn sweep(src: &[f64], dst: &mut [f64], nx: usize, ny: usize, s: &Stencil) {
    for i in 1..nx - 1 {
        for j in 1..ny - 1 {
            dst[i * ny + j] = s.apply(
                src[(i + 1) * ny + j],
                src[(i - 1) * ny + j],
                src[i * ny + j + 1],
                src[i * ny + j - 1],
            );
        }
    }
}
