//! `rust/array-exact`: `rust/array-flat` with the division by
//! `2(dx2 + dy2)` done by Markstein's FMA sequence
//! ([`laplace_core::exact_div`]): one multiply and two FMAs per point
//! instead of the divider, and the IEEE quotient bit for bit, so the kernel
//! is bit-exact against the reference (registered `bit_exact`).
//!
//! The numerators are formed as the reference forms them (Rust does not
//! contract `a * b + c`). Each block of 512 points is one branch-free,
//! vectorised pass that also notes whether any numerator fell outside the
//! sequence's proven range (below 2^-800: the far edge of a tall grid's
//! first few hundred sweeps); such a block is computed again with the
//! divider. Path `fma-division`, or `divide` (the whole kernel divides) for
//! a divisor the per-problem check does not prove.

use laplace_core::exact_div::ExactDiv;
use laplace_core::{Job, KernelError, Stencil};

/// Points per block: a block's numerators are checked as it is computed,
/// and a block with one out of range is computed again by the divider.
const BLOCK: usize = 512;

/// Runs `iters` Jacobi sweeps, ping-ponging between `u` and the scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let exact = ExactDiv::new(job.problem().stencil().denom);
    job.set_path(exact.path());
    if exact.fast {
        crate::jacobi_ping_pong(job, sweep)
    } else {
        crate::jacobi_ping_pong(job, |src, dst, nx, ny, s| {
            crate::jacobi_flat(src, dst, nx, ny, |d, a, r, l| s.apply(d, a, r, l));
        })
    }
}

fn sweep(src: &[f64], dst: &mut [f64], nx: usize, ny: usize, s: &Stencil) {
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
        // whether any numerator was outside its proven range.
        let mut outside = false;
        for ((((o, &d), &a), &r), &l) in o.iter_mut().zip(d).zip(a).zip(r).zip(l) {
            let num = (d + a) * dy2 + (r + l) * dx2;
            outside |= !(exact.in_range(num) | (num == 0.0));
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
