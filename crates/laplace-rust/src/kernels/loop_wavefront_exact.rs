//! `rust/loop-wavefront-exact`: lexicographic Gauss-Seidel in `rust/loop`'s
//! arithmetic, bit for bit, run several rows at once as in
//! `rust/loop-wavefront`.
//!
//! Each update is the post's formula in its order,
//! `((down + up) * dy2 + (right + left) * dx2) / (2(dx2 + dy2))`, with the
//! division done by Markstein's FMA sequence ([`laplace_core::exact_div`]):
//! the same quotient as the divider, without its latency on the chain
//! through `left`. A band of `R` rows advances skewed by one column per row
//! (row `i+k` at column `s+1-k` in step `s`), so `R` chains overlap; every
//! point still reads the new values above and to its left and the old ones
//! below and to its right, exactly as the row-by-row loop does, so the
//! iterates are `rust/loop`'s.
//!
//! A numerator the sequence is not proven for (below 2^-800, or, for a grid
//! not within 2^700, above 2^800) is divided by the divider: one predictable
//! branch per point. Path `fma-division`, or `divide` for a divisor the
//! per-problem check does not prove (then every point is divided).

use laplace_core::exact_div::ExactDiv;
use laplace_core::{Job, KernelError};

/// Rows advanced together. The chain through `left` is an add, a multiply,
/// an add, a multiply and two FMAs (about 20 cycles), so eight chains do not
/// cover it; sixteen ran slower (the band's state no longer fits in
/// registers). `rust/loop-wavefront-simd` vectorises across the band.
const R: usize = 8;

/// Runs `iters` in-place Gauss-Seidel sweeps in bands of `R` rows.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (nx, ny) = (p.nx, p.ny);
    let st = p.stencil();
    let exact = ExactDiv::new(st.denom);
    job.set_path(exact.path());
    let bounded = ExactDiv::bounds_every_sweep(job.u());
    let div = Div {
        exact,
        // The sequence for every numerator in range (not zeros: it turns
        // -0 into +0); the upper end is only tested for a grid that is not
        // bounded.
        huge: if bounded {
            f64::INFINITY
        } else {
            ExactDiv::HUGE
        },
    };
    let (dx2, dy2) = (st.dx2, st.dy2);
    super::loop_wavefront::sweeps::<R>(job.u(), nx, ny, p.iters, |up, down, right, left| {
        div.apply((down + up) * dy2 + (right + left) * dx2)
    });
    Ok(())
}

/// The division of this problem.
struct Div {
    exact: ExactDiv,
    huge: f64,
}

impl Div {
    /// `num / d`, bit for bit.
    #[inline(always)]
    fn apply(&self, num: f64) -> f64 {
        let (e, a) = (&self.exact, num.abs());
        if e.fast && a >= ExactDiv::TINY && a <= self.huge {
            e.markstein(num)
        } else {
            num / e.d
        }
    }
}
