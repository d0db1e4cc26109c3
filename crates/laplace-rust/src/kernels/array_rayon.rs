//! `rust/array-rayon`: `rust/array` with the rows of each sweep shared among
//! `--threads` rayon workers (`par_chunks_exact_mut`). Every point is
//! computed exactly as in the serial kernel, so the result is identical.

use laplace_core::{Job, KernelError, Stencil};
use rayon::prelude::*;

/// Runs `iters` Jacobi sweeps on `job.threads()` threads.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let threads = job.threads();
    crate::with_pool(threads, || crate::jacobi_ping_pong(job, sweep))?
}

fn sweep(src: &[f64], dst: &mut [f64], nx: usize, ny: usize, s: &Stencil) {
    // Interior row k + 1 of dst reads source rows k, k + 1, k + 2.
    dst[ny..(nx - 1) * ny]
        .par_chunks_exact_mut(ny)
        .enumerate()
        .for_each(|(k, out)| {
            let rows = &src[k * ny..(k + 3) * ny];
            crate::jacobi_row(rows, out, |d, a, r, l| s.apply(d, a, r, l));
        });
}
