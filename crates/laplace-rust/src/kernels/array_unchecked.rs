//! `rust/array-unchecked`: Jacobi with raw indexing and no bounds checks
//! (`get_unchecked`), to measure what the checks of `rust/array-indexed` cost.

use laplace_core::{Job, KernelError, Stencil};

/// Runs `iters` Jacobi sweeps, ping-ponging between `u` and the scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::jacobi_ping_pong(job, sweep)
}

fn sweep(src: &[f64], dst: &mut [f64], nx: usize, ny: usize, s: &Stencil) {
    // The one check that makes every index below valid, hoisted out of the loops.
    assert!(nx >= 3 && ny >= 3 && src.len() == nx * ny && dst.len() == nx * ny);
    for i in 1..nx - 1 {
        for j in 1..ny - 1 {
            // SAFETY: 1 <= i <= nx-2 and 1 <= j <= ny-2, so every index is in
            // [i*ny + j - ny, i*ny + j + ny] within [0, nx*ny), and both
            // slices hold nx*ny values (asserted above).
            unsafe {
                *dst.get_unchecked_mut(i * ny + j) = s.apply(
                    *src.get_unchecked((i + 1) * ny + j),
                    *src.get_unchecked((i - 1) * ny + j),
                    *src.get_unchecked(i * ny + j + 1),
                    *src.get_unchecked(i * ny + j - 1),
                );
            }
        }
    }
}
