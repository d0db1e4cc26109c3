//! `rust/loop-wavefront`: lexicographic Gauss-Seidel, the same iterates as
//! `rust/loop`, run several rows at once.
//!
//! Plain Gauss-Seidel is bound by the latency of the chain through the left
//! neighbour `u[i,j-1]`: every update waits for the previous one. But row `i`
//! only needs row `i-1` to be one column ahead: point `(i, c)` reads the new
//! `(i-1, c)` and `(i, c-1)` and the old `(i+1, c)` and `(i, c+1)`. So a band
//! of `R` rows can advance together, skewed by one column per row (row
//! `i+k` at column `s+1-k` in step `s`), and the `R` chains overlap.
//!
//! Two more things shorten the chain and the memory traffic:
//! - the update is folded to `b*left + (a*(up+down) + b*right)` with
//!   `a = dy2/(2(dx2+dy2))`, `b = dx2/(2(dx2+dy2))`, two fused multiply-adds,
//!   so the loop-carried chain is one FMA (it rounds differently from the
//!   post's formula by a few ulps per update, far inside the 1e-12 tolerance);
//! - `left` and `up` (the new values of this row's and the row above's last
//!   update) stay in registers, and the old value a row loads as `right` is
//!   the one the row above needs as `down` in the same step, so each update
//!   costs one load and one store.

use laplace_core::{Job, KernelError};

/// Rows advanced together.
const R: usize = 8;

/// Runs `iters` in-place Gauss-Seidel sweeps in bands of `R` rows.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let st = p.stencil();
    let (a, b) = (st.dy2 / st.denom, st.dx2 / st.denom);
    sweeps::<R>(job.u(), p.nx, p.ny, p.iters, |up, down, right, left| {
        b.mul_add(left, a.mul_add(up + down, b * right))
    });
    Ok(())
}

/// `iters` in-place sweeps of the `nx x ny` grid `u` in bands of `N` rows
/// (and single rows for the remainder), each point getting
/// `update(up, down, right, left)`: the new values above and to the left,
/// the old ones below and to the right. Shared with
/// `rust/loop-wavefront-exact`, which passes the post's formula.
#[inline(always)]
pub(crate) fn sweeps<const N: usize>(
    u: &mut [f64],
    nx: usize,
    ny: usize,
    iters: usize,
    update: impl Fn(f64, f64, f64, f64) -> f64,
) {
    for _ in 0..iters {
        let mut i = 1;
        while i + N < nx {
            band::<N>(u, i, ny, &update);
            i += N;
        }
        while i < nx - 1 {
            band::<1>(u, i, ny, &update);
            i += 1;
        }
    }
}

/// Updates rows `i..i+N` (all interior) in one skewed pass.
#[inline(always)]
fn band<const N: usize>(
    u: &mut [f64],
    i: usize,
    ny: usize,
    update: &impl Fn(f64, f64, f64, f64) -> f64,
) {
    let (head, tail) = u.split_at_mut(i * ny);
    let above = &head[(i - 1) * ny..][..ny];
    let (band, rest) = tail.split_at_mut(N * ny);
    let below = &rest[..ny];
    let mut rows = band.chunks_exact_mut(ny);
    let rows: [&mut [f64]; N] = std::array::from_fn(|_| rows.next().expect("N rows"));
    // prev[k]: the newest value of row i+k (its left neighbour for the next
    // column), starting with the boundary value in column 0. Indexed only by
    // constants after unrolling, so it lives in registers.
    let mut prev: [f64; N] = std::array::from_fn(|k| rows[k][0]);
    let last = ny - 2;
    // Row i+k handles column s+1-k in step s, so in step s the rows with
    // s+1-last <= k <= s are active: all N in the middle of the pass.
    for s in 0..last + N - 1 {
        let (lo, hi) = ((s + 1).saturating_sub(last), (s + 1).min(N));
        let all = lo == 0 && hi == N;
        // From the bottom row up, so prev[k-1] still holds the previous step.
        for k in (0..N).rev() {
            if !(all || (lo..hi).contains(&k)) {
                continue;
            }
            let c = s + 1 - k;
            let up = if k == 0 { above[c] } else { prev[k - 1] };
            let down = if k + 1 == N { below[c] } else { rows[k + 1][c] };
            let new = update(up, down, rows[k][c + 1], prev[k]);
            rows[k][c] = new;
            prev[k] = new;
        }
    }
}
