//! `rust/array-exact`: `rust/array-flat` with the division by
//! `2(dx2 + dy2)` done by Markstein's FMA sequence
//! ([`laplace_core::exact_div`]): one multiply and two FMAs per point
//! instead of the divider, and the IEEE quotient bit for bit, so the kernel
//! is bit-exact against the reference (registered `bit_exact`).
//!
//! The numerators are formed as the reference forms them (Rust does not
//! contract `a * b + c`). Each block of 512 points is one branch-free,
//! vectorised pass that also notes whether a numerator fell outside the
//! sequence's proven range [2^-800, 2^800] (a zero, or the far edge of a
//! tall grid's first sweeps); such a block is computed again with the
//! divider. A NaN numerator gives NaN either way. Every
//! [`ExactDiv::RECHECK`] sweeps one look at the grid can prove the range
//! for the next ones ([`ExactDiv::proves_range`]: no negative values, every
//! positive one large enough), and then no numerator is tested. Path
//! `fma-division`, or `divide` (the whole kernel divides) for a divisor
//! the per-problem check does not prove.

use laplace_core::exact_div::ExactDiv;
use laplace_core::{Job, KernelError, Stencil};

/// Points per block: a block's numerators are checked as it is computed,
/// and a block with one out of range is computed again by the divider.
const BLOCK: usize = 512;

/// Runs `iters` Jacobi sweeps, ping-ponging between `u` and the scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let exact = ExactDiv::new(job.problem().stencil().denom);
    job.set_path(exact.path());
    if !exact.fast {
        return crate::jacobi_ping_pong(job, |src, dst, nx, ny, s| {
            crate::jacobi_flat(src, dst, nx, ny, |d, a, r, l| s.apply(d, a, r, l));
        });
    }
    // One look at the grid saves the upper range test in every sweep, and
    // one every RECHECK sweeps can save the lower one too.
    if !ExactDiv::bounds_every_sweep(job.u()) {
        return crate::jacobi_ping_pong(job, sweep::<false, false>);
    }
    let s = job.problem().stencil();
    let mut chosen: crate::JacobiSweep = sweep::<true, false>;
    crate::jacobi_ping_pong_by(job, |n, src| {
        if n % ExactDiv::RECHECK == 0 {
            chosen = if ExactDiv::proves_range(src, ExactDiv::RECHECK, s.dx2, s.dy2) {
                sweep::<true, true>
            } else {
                sweep::<true, false>
            };
        }
        chosen
    })
}

/// One sweep; `BOUNDED`: the grid is within [`ExactDiv::GRID_BOUND`], so
/// only the lower end of the numerators' range is tested; `PROVEN`:
/// [`ExactDiv::proves_range`] holds, so neither is.
fn sweep<const BOUNDED: bool, const PROVEN: bool>(
    src: &[f64],
    dst: &mut [f64],
    nx: usize,
    ny: usize,
    s: &Stencil,
) {
    let exact = ExactDiv::new(s.denom);
    let (dx2, dy2) = (s.dx2, s.dy2);
    let (lo, hi) = (ny + 1, (nx - 1) * ny - 1);
    let out = &mut dst[lo..hi];
    let (up, down) = (&src[lo - ny..hi - ny], &src[lo + ny..hi + ny]);
    let (right, left) = (&src[lo + 1..hi + 1], &src[lo - 1..hi - 1]);
    let ins = down
        .chunks(BLOCK)
        .zip(up.chunks(BLOCK))
        .zip(right.chunks(BLOCK))
        .zip(left.chunks(BLOCK));
    for (o, (((d, a), r), l)) in out.chunks_mut(BLOCK).zip(ins) {
        // One fused, branch-free pass: the sequence for every point, and
        // whether any numerator was outside [TINY, HUGE] (a zero too: exact
        // either way, but one compare fewer; they are rare after the first
        // sweeps). A NaN fails no test and gives NaN either way.
        let mut outside = false;
        for ((((o, &d), &a), &r), &l) in o.iter_mut().zip(d).zip(a).zip(r).zip(l) {
            let num = (d + a) * dy2 + (r + l) * dx2;
            outside |= !PROVEN & ((num < ExactDiv::TINY) | (!BOUNDED & (num > ExactDiv::HUGE)));
            *o = exact.markstein(num);
        }
        if outside {
            for ((((o, &d), &a), &r), &l) in o.iter_mut().zip(d).zip(a).zip(r).zip(l) {
                *o = ((d + a) * dy2 + (r + l) * dx2) / exact.d;
            }
        }
    }
    // The stream wrote over (i, ny-1) and (i+1, 0) between interior rows.
    for i in 1..nx - 2 {
        let k = (i + 1) * ny;
        dst[k - 1] = src[k - 1];
        dst[k] = src[k];
    }
}
