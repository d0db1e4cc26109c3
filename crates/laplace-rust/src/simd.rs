//! The explicit AVX-512 Jacobi sweep of `rust/array-simd` and
//! `rust/array-simd-recip`: the interior as one flat stream (as
//! `rust/array-flat`), with every load of the middle row and every store
//! aligned to a 64-byte line.
//!
//! Why: at 100x100 the compiler's loops load `u[k-1]`, `u[k+1]`, `u[k-ny]`
//! and `u[k+ny]` with unaligned 64-byte loads, each of which touches two
//! cache lines. On a Zen 5 core that costs as many load-port cycles as the
//! divide itself (measured: four misaligned zmm loads take 4 cycles, four
//! aligned ones 2; a divide issues every 3.9). Here the middle row is loaded
//! once per vector, aligned, and its left and right neighbours are built with
//! `valignq` from the previous and next vectors; only the rows above and
//! below stay unaligned. The arithmetic is `Stencil::apply`'s, operation for
//! operation, so the exact variant's iterates equal the reference's.
//!
//! The source and destination must share their alignment modulo 64 bytes,
//! so that one index is aligned in both: grids of huge pages do; otherwise
//! the kernel works on two aligned copies (allocated once per call).

use laplace_core::exact_div::ExactDiv;
use laplace_core::{Job, KernelError};

/// How the stencil's sum is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// Divide by `2 (dx2 + dy2)`, exactly as the reference.
    Divide,
    /// Multiply by the precomputed reciprocal (about one ulp per update).
    Reciprocal,
    /// Divide by Markstein's sequence ([`laplace_core::exact_div`]): the
    /// divider's quotient bit for bit; a vector with a numerator outside
    /// the sequence's proven range goes to the divider. `bounded`: the grid
    /// is within [`ExactDiv::GRID_BOUND`], so only the lower end is tested.
    FmaDivision {
        /// Whether only the lower end of the range is tested.
        bounded: bool,
    },
}

/// Runs the kernel: AVX-512 (path `avx512`, or `avx512-fma-division`)
/// where the CPU has it, rows hold at least eight values and the job does
/// not ask for the portable path; otherwise `rust/array-flat`,
/// `rust/array-flat-recip` or `rust/array-exact` (their paths).
///
/// `FmaDivision`'s `bounded` is decided here from the job's grid; for a
/// divisor the sequence is not proven for, it divides (path
/// `avx512-divide`).
pub fn run(job: &mut Job<'_>, finish: Finish) -> Result<(), KernelError> {
    #[cfg(target_arch = "x86_64")]
    if !job.portable()
        && job.problem().ny >= avx512::LANES
        && std::arch::is_x86_feature_detected!("avx512f")
    {
        let (finish, path) = match finish {
            Finish::FmaDivision { .. } if !ExactDiv::new(job.problem().stencil().denom).fast => {
                (Finish::Divide, "avx512-divide")
            }
            Finish::FmaDivision { .. } => (
                Finish::FmaDivision {
                    bounded: ExactDiv::bounds_every_sweep(job.u()),
                },
                "avx512-fma-division",
            ),
            other => (other, "avx512"),
        };
        job.set_path(path);
        return avx512::run(job, finish);
    }
    match finish {
        Finish::Divide => {
            job.set_path(laplace_core::PORTABLE);
            crate::kernels::array_flat::run(job)
        }
        Finish::Reciprocal => {
            job.set_path(laplace_core::PORTABLE);
            crate::kernels::array_flat_recip::run(job)
        }
        Finish::FmaDivision { .. } => crate::kernels::array_exact::run(job),
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::{
        __m512d, __mmask8, _CMP_GT_OQ, _CMP_LT_OQ, _mm512_add_pd, _mm512_cmp_pd_mask,
        _mm512_div_pd, _mm512_load_pd, _mm512_loadu_pd, _mm512_mul_pd, _mm512_set1_pd,
        _mm512_store_pd,
    };

    use laplace_core::exact_div::ExactDiv;
    use laplace_core::{Job, KernelError, Stencil};

    use super::Finish;

    /// Doubles per vector.
    pub const LANES: usize = 8;

    /// Bytes per cache line and per vector.
    const LINE: usize = 64;

    /// Ping-pongs between two buffers of the same alignment: the job's own
    /// if they have it, else two aligned copies.
    pub fn run(job: &mut Job<'_>, finish: Finish) -> Result<(), KernelError> {
        let p = *job.problem();
        let s = p.stencil();
        let (u, scratch) = job.buffers();
        if same_alignment(u, scratch) {
            return ping_pong(u, scratch, p.nx, p.ny, p.iters, &s, finish);
        }
        let n = u.len();
        let mut a = aligned(n)?;
        let mut b = aligned(n)?;
        let (a_off, b_off) = (a.as_ptr().align_offset(LINE), b.as_ptr().align_offset(LINE));
        let (x, y) = (&mut a[a_off..a_off + n], &mut b[b_off..b_off + n]);
        x.copy_from_slice(u);
        ping_pong(x, y, p.nx, p.ny, p.iters, &s, finish)?;
        u.copy_from_slice(x);
        Ok(())
    }

    /// Whether `a` and `b` start at the same offset within a cache line.
    fn same_alignment(a: &[f64], b: &[f64]) -> bool {
        (a.as_ptr() as usize)
            .abs_diff(b.as_ptr() as usize)
            .is_multiple_of(LINE)
    }

    /// A buffer with room for `n` values from a 64-byte boundary.
    fn aligned(n: usize) -> Result<Vec<f64>, KernelError> {
        let len = n + LINE / 8;
        let mut v = Vec::new();
        v.try_reserve_exact(len)
            .map_err(|_| KernelError::Failed(format!("cannot allocate {len} values")))?;
        v.resize(len, 0.0);
        Ok(v)
    }

    /// `iters` sweeps from `x` (which ends holding the result) via `y`.
    fn ping_pong(
        x: &mut [f64],
        y: &mut [f64],
        nx: usize,
        ny: usize,
        iters: usize,
        s: &Stencil,
        finish: Finish,
    ) -> Result<(), KernelError> {
        y.copy_from_slice(x);
        // One monomorphised sweep per finish, so that the choice is made
        // here and not in the loop.
        let chosen = match finish {
            Finish::Divide => sweep::<DIVIDE>,
            Finish::Reciprocal => sweep::<RECIPROCAL>,
            Finish::FmaDivision { bounded: true } => sweep::<FMA_BOUNDED>,
            Finish::FmaDivision { bounded: false } => sweep::<FMA>,
        };
        let (mut src, mut dst) = (&mut *x, &mut *y);
        let mut this = chosen;
        for n in 0..iters {
            if finish == (Finish::FmaDivision { bounded: true }) && n % ExactDiv::RECHECK == 0 {
                this = if ExactDiv::proves_range(src, ExactDiv::RECHECK, s.dx2, s.dy2) {
                    sweep::<FMA_UNCHECKED>
                } else {
                    chosen
                };
            }
            // SAFETY: `run` is only called after `is_x86_feature_detected!("avx512f")`.
            unsafe { this(src, dst, nx, ny, s) };
            std::mem::swap(&mut src, &mut dst);
        }
        if iters % 2 == 1 {
            x.copy_from_slice(y);
        }
        Ok(())
    }

    /// [`Finish`] as a constant, one per sweep: `sweep::<F>`.
    const DIVIDE: u8 = 0;
    /// See [`DIVIDE`].
    const RECIPROCAL: u8 = 1;
    /// See [`DIVIDE`].
    const FMA_BOUNDED: u8 = 2;
    /// See [`DIVIDE`].
    const FMA: u8 = 3;
    /// The FMA division with no range test: see [`ExactDiv::proves_range`].
    const FMA_UNCHECKED: u8 = 4;

    /// One flat sweep from `src` into `dst`, finished as `F` says.
    #[target_feature(enable = "avx512f")]
    fn sweep<const F: u8>(src: &[f64], dst: &mut [f64], nx: usize, ny: usize, s: &Stencil) {
        let finish = match F {
            DIVIDE => Finish::Divide,
            RECIPROCAL => Finish::Reciprocal,
            _ => Finish::FmaDivision { bounded: F != FMA },
        };
        // Every unchecked access below relies on these, checked once per sweep.
        assert!(
            nx >= 3 && ny >= LANES,
            "grid too small for the vector sweep"
        );
        assert!(
            src.len() == nx * ny && dst.len() == nx * ny,
            "buffer lengths"
        );
        let scale = match finish {
            Finish::Divide | Finish::FmaDivision { .. } => s.denom,
            Finish::Reciprocal => 1.0 / s.denom,
        };
        let exact = ExactDiv::new(s.denom);
        let scalar = |src: &[f64], k: usize| {
            let sum = (src[k + ny] + src[k - ny]) * s.dy2 + (src[k + 1] + src[k - 1]) * s.dx2;
            match finish {
                Finish::Divide => sum / scale,
                Finish::Reciprocal => sum * scale,
                Finish::FmaDivision { .. } => exact.div(sum),
            }
        };
        let (lo, hi) = (ny + 1, (nx - 1) * ny - 1);
        // The first index from which `dst` (and `src`, which shares its
        // alignment) is on a line boundary.
        let first = (lo + dst[lo..].as_ptr().align_offset(LINE)).min(hi);
        let vectors = if same_alignment(src, dst) {
            (hi - first) / LANES
        } else {
            0
        };
        let tail = first + vectors * LANES;
        for (k, d) in dst.iter_mut().enumerate().take(first).skip(lo) {
            *d = scalar(src, k);
        }
        let (dy2, dx2, sc) = (
            _mm512_set1_pd(s.dy2),
            _mm512_set1_pd(s.dx2),
            _mm512_set1_pd(scale),
        );
        let (y, tiny, huge) = (
            _mm512_set1_pd(exact.y),
            _mm512_set1_pd(ExactDiv::TINY),
            _mm512_set1_pd(ExactDiv::HUGE),
        );
        let (sp, dp) = (src.as_ptr(), dst.as_mut_ptr());
        let c = Consts {
            dy2,
            dx2,
            scale: sc,
            y,
            tiny,
            huge,
        };
        if vectors > 0 {
            // SAFETY: for every k = first + LANES * v, v < vectors: k >= lo =
            // ny + 1 >= LANES + 1, so k - LANES >= 1; k + LANES <= hi, so
            // k + 2 * LANES <= hi + LANES <= nx * ny - ny - 1 + LANES < nx * ny
            // (ny >= LANES); rows above and below span k - ny .. k + ny + LANES
            // <= hi + ny < nx * ny. Aligned loads and stores are at k - LANES,
            // k and k + LANES, on line boundaries since `first` is and the
            // buffers share their alignment.
            unsafe {
                // The FMA division notes whether any numerator was outside
                // its range; then the whole stream is divided again (only
                // in the first sweeps, while some of the grid is still 0).
                if stream::<F>(sp, dp, first, vectors, ny, &c) != 0 {
                    stream::<DIVIDE>(sp, dp, first, vectors, ny, &c);
                }
            }
        }
        for (k, d) in dst.iter_mut().enumerate().take(hi).skip(tail) {
            *d = scalar(src, k);
        }
        // The stream wrote over (i, ny-1) and (i+1, 0) between interior rows.
        for i in 1..nx - 2 {
            let k = (i + 1) * ny;
            dst[k - 1] = src[k - 1];
            dst[k] = src[k];
        }
    }

    /// The vectors of a sweep's constants.
    struct Consts {
        dy2: __m512d,
        dx2: __m512d,
        /// The divisor, or the reciprocal for `RECIPROCAL`.
        scale: __m512d,
        y: __m512d,
        tiny: __m512d,
        huge: __m512d,
    }

    /// The vector part of a sweep: `vectors` aligned vectors of `dst` from
    /// index `first`, finished as `F` says. Returns, for the FMA division,
    /// the lanes whose numerator was outside the sequence's range in any
    /// vector (those vectors are wrong and the stream must be divided
    /// again); 0 otherwise.
    ///
    /// # Safety
    /// AVX-512F is available; `sp[first - LANES .. first + (vectors + 1) *
    /// LANES]`, the same span `ny` before and after, and `dp[first .. first
    /// + vectors * LANES]` are in their buffers, with `sp + first` and
    /// `dp + first` on 64-byte lines.
    #[target_feature(enable = "avx512f")]
    unsafe fn stream<const F: u8>(
        sp: *const f64,
        dp: *mut f64,
        first: usize,
        vectors: usize,
        ny: usize,
        c: &Consts,
    ) -> __mmask8 {
        let mut outside: __mmask8 = 0;
        // SAFETY: the caller's.
        unsafe {
            let load = |k: usize| -> __m512d { _mm512_load_pd(sp.add(k)) };
            let mut prev = load(first - LANES);
            let mut cur = load(first);
            for v in 0..vectors {
                let k = first + v * LANES;
                let next = load(k + LANES);
                // left = [prev[7], cur[0..7]], right = [cur[1..8], next[0]].
                let (left, right) = (
                    crate::lanes::after512(prev, cur),
                    crate::lanes::before512(cur, next),
                );
                let up = _mm512_loadu_pd(sp.add(k - ny));
                let down = _mm512_loadu_pd(sp.add(k + ny));
                let sum = _mm512_add_pd(
                    _mm512_mul_pd(_mm512_add_pd(down, up), c.dy2),
                    _mm512_mul_pd(_mm512_add_pd(right, left), c.dx2),
                );
                let value = match F {
                    DIVIDE => _mm512_div_pd(sum, c.scale),
                    RECIPROCAL => _mm512_mul_pd(sum, c.scale),
                    _ => {
                        if F != FMA_UNCHECKED {
                            outside |= _mm512_cmp_pd_mask::<_CMP_LT_OQ>(sum, c.tiny);
                        }
                        if F == FMA {
                            outside |= _mm512_cmp_pd_mask::<_CMP_GT_OQ>(sum, c.huge);
                        }
                        crate::lanes::div512(sum, c.y, c.scale)
                    }
                };
                _mm512_store_pd(dp.add(k), value);
                prev = cur;
                cur = next;
            }
        }
        outside
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;
    use laplace_core::{Problem, Scheme, reference};

    /// Both paths of the vector sweep (buffers of the same alignment, and of
    /// different alignment, which runs it on aligned copies), at every offset
    /// of the first interior point within a line, against the reference.
    #[test]
    fn vector_sweep_matches_the_reference_at_every_alignment() {
        if !std::arch::is_x86_feature_detected!("avx512f") {
            eprintln!(
                "skipped: no AVX-512 on this CPU (the portable sweep is tested by tests/verify.rs)"
            );
            return;
        }
        for (nx, ny) in [(3, 8), (11, 9), (20, 37), (17, 64)] {
            let p = Problem::new(nx, ny, 0.1, 0.07, 7).unwrap();
            let want = reference::solve(Scheme::Jacobi, &p).unwrap();
            let n = p.cells();
            for (finish, tolerance) in [
                (Finish::Divide, 0.0),
                (Finish::Reciprocal, 1e-12),
                (Finish::FmaDivision { bounded: true }, 0.0),
            ] {
                for (u_off, s_off) in [(0, 0), (3, 3), (5, 5), (0, 1), (2, 7)] {
                    let mut u_mem = vec![0.0; n + 16];
                    let mut s_mem = vec![0.0; n + 16];
                    let ua = u_mem.as_ptr().align_offset(64) + u_off;
                    let sa = s_mem.as_ptr().align_offset(64) + s_off;
                    let u = &mut u_mem[ua..ua + n];
                    p.fill_initial(u);
                    let scratch = &mut s_mem[sa..sa + n];
                    let mut job = Job::new(u, scratch, &p, 1).unwrap();
                    run(&mut job, finish).unwrap();
                    let got = &u_mem[ua..ua + n];
                    let worst = got
                        .iter()
                        .zip(want.as_slice())
                        .map(|(g, w)| (g - w).abs())
                        .fold(0.0, f64::max);
                    assert!(
                        worst <= tolerance,
                        "{nx}x{ny} {finish:?}, offsets {u_off}/{s_off}: max diff {worst:e}"
                    );
                }
            }
        }
    }
}
