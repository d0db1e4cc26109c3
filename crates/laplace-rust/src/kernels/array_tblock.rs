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
//!
//! The pass runs over column strips, one after the other, so that the rings
//! hold strip-wide rows instead of whole rows: sweep `t` of a strip computes
//! `T - t` extra columns on each side (a trapezoid), the halo its later
//! sweeps read. Those columns are computed again, identically, by the
//! neighbouring strip: about `T / STRIP` of the work, redone.

use laplace_core::{Job, KernelError};

/// Sweeps per pass. With column strips the ring buffers hold `3 * T` rows of
/// `STRIP + 2T` values (24 and 1024: 600 KiB, within a 1 MiB L2).
const T: usize = 24;

/// Interior columns per strip. Measured at 4000x4000, 96 sweeps, best of 3
/// (Zen 5 core): whole rows, T = 12: 3521 MLUP/s; strips of 1024, T = 12:
/// 3749; T = 24: 4181 (2048: 3545, 768: 4130); T = 32: 4118; T = 48: 3731
/// (512: 3912). Narrower strips keep more of the rings in L1 but redo more
/// halo columns.
const STRIP: usize = 1024;

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
        let update = |d, a, r, l| s.apply(d, a, r, l);
        pass(src, dst, &mut rings, (nx, ny), sweeps, STRIP, &update);
        std::mem::swap(&mut src, &mut dst);
        left -= sweeps;
        passes += 1;
    }
    if passes % 2 == 1 {
        u.copy_from_slice(scratch);
    }
    Ok(())
}

/// Advances `src` by `sweeps` (1..=T) Jacobi sweeps into `dst`, one column
/// strip at a time.
fn pass(
    src: &[f64],
    dst: &mut [f64],
    rings: &mut [f64],
    (nx, ny): (usize, usize),
    sweeps: usize,
    width: usize,
    update: &impl Fn(f64, f64, f64, f64) -> f64,
) {
    let mut a = 1;
    while a < ny - 1 {
        let b = (a + width).min(ny - 1);
        strip(src, dst, rings, nx, ny, sweeps, (a, b), update);
        a = b;
    }
}

/// Sweeps `1..=sweeps` of interior columns `a..b`: sweep `t` computes the
/// columns `a - (sweeps - t) .. b + (sweeps - t)` (clipped to the interior),
/// the halo that the later sweeps of this strip need. The overlap with the
/// neighbouring strips is computed twice, from the same inputs, so it is
/// identical in both.
#[allow(clippy::too_many_arguments)] // one private call site
fn strip(
    src: &[f64],
    dst: &mut [f64],
    rings: &mut [f64],
    nx: usize,
    ny: usize,
    sweeps: usize,
    (a, b): (usize, usize),
    update: &impl Fn(f64, f64, f64, f64) -> f64,
) {
    let row = |r: usize| &src[r * ny..(r + 1) * ny];
    for i in 1..nx - 1 + sweeps - 1 {
        for t in 1..=sweeps {
            // Sweep t of row r = i - (t - 1), if r is interior.
            let Some(r) = (i + 1).checked_sub(t).filter(|&r| (1..nx - 1).contains(&r)) else {
                continue;
            };
            let halo = sweeps - t;
            let (lo, hi) = (a.saturating_sub(halo).max(1), (b + halo).min(ny - 1));
            // Inputs: sweep t-1 of rows r-1, r, r+1. Boundary rows never
            // change, so they come from the source whatever the level.
            let (below_levels, this_and_above) = rings.split_at_mut((t - 1) * 3 * ny);
            let input = |q: usize| -> &[f64] {
                let whole = if t == 1 || q == 0 || q == nx - 1 {
                    row(q)
                } else {
                    let slot = (t - 2) * 3 + q % 3;
                    &below_levels[slot * ny..(slot + 1) * ny]
                };
                &whole[lo - 1..hi + 1]
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
            // jacobi_row3 writes the inner values of its window: lo..hi.
            crate::jacobi_row3(up, mid, down, &mut out[lo - 1..hi + 1], update);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use laplace_core::{Problem, Scheme, reference};

    /// Strips narrower than the halo, wider than the grid, and in between,
    /// against the Jacobi reference: the run-time strip (512 columns) is
    /// wider than every grid of the verification tests.
    #[test]
    fn strips_of_any_width_give_the_jacobi_iterates() {
        // Miri interprets every operation: one grid there.
        let grids: &[(usize, usize)] = if cfg!(miri) {
            &[(6, 11)]
        } else {
            &[(9, 23), (14, 40), (5, 3)]
        };
        for &(nx, ny) in grids {
            let p = Problem::new(nx, ny, 0.1, 0.13, 0).unwrap();
            let s = p.stencil();
            let update = |d, a, r, l| s.apply(d, a, r, l);
            for sweeps in [1, 2, 5, T] {
                let want =
                    reference::solve(Scheme::Jacobi, &Problem { iters: sweeps, ..p }).unwrap();
                for width in [1, 2, 3, 7, 64] {
                    let src = p.initial_grid().unwrap();
                    let mut dst = src.clone();
                    let mut rings = vec![f64::NAN; (T - 1) * 3 * ny];
                    pass(&src, &mut dst, &mut rings, (nx, ny), sweeps, width, &update);
                    assert_eq!(
                        dst.as_slice(),
                        want.as_slice(),
                        "{nx}x{ny}, {sweeps} sweeps, strips of {width}"
                    );
                }
            }
        }
    }
}
