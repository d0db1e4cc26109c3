//! `rust/array-rayon`: `rust/array` with the rows of each sweep shared among
//! `--threads` rayon workers (`par_chunks_exact_mut`). Every point is
//! computed exactly as in the serial kernel, so the result is identical.
//!
//! Fork-join costs microseconds per sweep (measured on a 2-core AMD EPYC
//! family 25 VM, 100x100: about 4 us per sweep, against 6 us for the whole
//! serial sweep), so on grids of fewer than [`MIN_CELLS`] cells, and with
//! one thread, the kernel runs `rust/array`'s sweep serially (path
//! `serial`): sharing a sweep that small only slows it down.

use laplace_core::{Job, KernelError, SERIAL, Stencil};
use rayon::prelude::*;

/// The smallest grid whose sweeps are shared among threads: 2^17 cells
/// (about 362x362), where a serial sweep takes tens of microseconds.
pub const MIN_CELLS: usize = 1 << 17;

/// Runs `iters` Jacobi sweeps on `job.threads()` threads.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let threads = job.threads();
    if threads == 1 || job.problem().cells() < MIN_CELLS {
        job.set_path(SERIAL);
        return crate::kernels::array::run(job);
    }
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
