//! `rust/array-tblock`: Jacobi with temporal blocking. Each pass over the
//! grid advances `T` sweeps, so a grid far larger than the caches is read
//! and written once per `T` sweeps instead of once per sweep.
//!
//! The pass streams down the rows. At stream step `i` it computes sweep 1 of
//! row `i`, then sweep 2 of row `i-1`, ..., sweep `T` of row `i-T+1`: sweep
//! `t` of row `r` needs sweep `t-1` of rows `r-1`, `r`, `r+1`, and the last of
//! those was computed earlier in the same step. Intermediate sweeps live in
//! ring buffers of three rows per level (`3 * ny * 8` bytes each, in L2);
//! only sweep 0 (the source grid) and sweep `T` (the destination) touch
//! memory. Every value is computed by the same formula from the same inputs
//! as in plain Jacobi, so the iterates are identical.

use laplace_core::{Job, KernelError};

/// Sweeps per pass: 11 ring levels of three 4000-wide rows stay within a 1 MiB
/// L2 (12: 3223 MLUP/s at 4000x4000; 8: 3016; 16, past L2: 2805).
const T: usize = 12;

/// Runs `iters` Jacobi sweeps, `T` per pass, ping-ponging between `u` and the
/// scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (nx, ny) = (p.nx, p.ny);
    let s = p.stencil();
    let (u, scratch) = job.buffers();
    scratch.copy_from_slice(u);
    // Ring buffers of levels 1..T-1, three rows each.
    let mut rings = vec![0.0; (T - 1) * 3 * ny];
    let (mut src, mut dst) = (&mut *u, &mut *scratch);
    let mut left = p.iters;
    let mut passes = 0;
    while left > 0 {
        let sweeps = left.min(T);
        pass(src, dst, &mut rings, nx, ny, sweeps, &|d, a, r, l| s.apply(d, a, r, l));
        std::mem::swap(&mut src, &mut dst);
        left -= sweeps;
        passes += 1;
    }
    if passes % 2 == 1 {
        u.copy_from_slice(scratch);
    }
    Ok(())
}

/// Advances `src` by `sweeps` (1..=T) Jacobi sweeps into `dst`.
fn pass(
    src: &[f64],
    dst: &mut [f64],
    rings: &mut [f64],
    nx: usize,
    ny: usize,
    sweeps: usize,
    update: &impl Fn(f64, f64, f64, f64) -> f64,
) {
    let row = |r: usize| &src[r * ny..(r + 1) * ny];
    for i in 1..nx - 1 + sweeps - 1 {
        for t in 1..=sweeps {
            // Sweep t of row r = i - (t - 1), if r is interior.
            let Some(r) = (i + 1).checked_sub(t).filter(|&r| (1..nx - 1).contains(&r)) else {
                continue;
            };
            // Inputs: sweep t-1 of rows r-1, r, r+1. Boundary rows never
            // change, so they come from the source whatever the level.
            let (below_levels, this_and_above) = rings.split_at_mut((t - 1) * 3 * ny);
            let input = |q: usize| -> &[f64] {
                if t == 1 || q == 0 || q == nx - 1 {
                    row(q)
                } else {
                    let slot = (t - 2) * 3 + q % 3;
                    &below_levels[slot * ny..(slot + 1) * ny]
                }
            };
            let (up, mid, down) = (input(r - 1), input(r), input(r + 1));
            let out: &mut [f64] = if t == sweeps {
                &mut dst[r * ny..(r + 1) * ny]
            } else {
                let slot = r % 3;
                let out = &mut this_and_above[slot * ny..(slot + 1) * ny];
                // Boundary columns of the row, as in every sweep.
                out[0] = src[r * ny];
                out[ny - 1] = src[r * ny + ny - 1];
                out
            };
            crate::jacobi_row3(up, mid, down, out, update);
        }
    }
}
