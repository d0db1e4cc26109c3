//! `rust/redblack-simd`: red-black SOR with explicit AVX-512 (`std::arch`).
//!
//! LLVM does not vectorise `rust/redblack`'s stride-2 loop (gcc does, with
//! permutes). Here each half-sweep runs over a row in full 8-wide vectors:
//! the relaxed value is computed at all eight points and written only at the
//! points of the colour being updated, with a masked store. That divides for
//! both colours, twice the arithmetic of the stride-2 loop, but every
//! operation is a full vector. It changes nothing else: a point of one
//! colour reads only points of the other colour, which the half-sweep does
//! not write, so each updated value equals the stride-2 loop's. Without
//! AVX-512 it does the same in 4-wide AVX2 vectors, keeping the colour by a
//! blend before a full store (path `avx2`); on rows too short for one
//! vector, or when the job asks for the portable path, it runs the plain
//! stride-2 loop (path `portable`).
//!
//! `rust/redblack-simd-exact` runs this kernel with the division done by
//! Markstein's sequence ([`laplace_core::exact_div`]) in the vectors (paths
//! `avx512-fma-division`, `avx2-fma-division`): the same quotients without
//! the divider, whose throughput bounds this kernel where the divider is
//! slow. SOR with `omega > 1` can grow a grid, so both ends of the
//! sequence's range are tested in every vector; a vector with a numerator
//! outside it is divided.

use laplace_core::exact_div::ExactDiv;
use laplace_core::{Job, KernelError, Stencil};

use super::redblack::stride2_row;

/// The vector width a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Width {
    /// No vectors: the stride-2 loop alone.
    Portable,
    /// 4 doubles, blended stores (AVX2).
    Avx2,
    /// 8 doubles, masked stores (AVX-512F).
    Avx512,
}

impl Width {
    /// The widest the CPU has, for rows of `ny` points, unless the job asks
    /// for the portable path: a row needs at least one whole vector of
    /// interior points. `fma`: the vectors need FMA too (AVX-512F has it).
    fn choose(job: &Job<'_>, ny: usize, fma: bool) -> Width {
        #[cfg(target_arch = "x86_64")]
        if !job.portable() {
            if ny >= 2 + avx512::LANES && std::arch::is_x86_feature_detected!("avx512f") {
                return Width::Avx512;
            }
            if ny >= 2 + avx2::LANES
                && std::arch::is_x86_feature_detected!("avx2")
                && (!fma || std::arch::is_x86_feature_detected!("fma"))
            {
                return Width::Avx2;
            }
        }
        let _ = (job, ny, fma);
        Width::Portable
    }

    /// The path's name; `fma`: the vectors divide by Markstein's sequence.
    fn path(self, fma: bool) -> &'static str {
        match (self, fma) {
            (Width::Portable, _) => laplace_core::PORTABLE,
            (Width::Avx2, false) => "avx2",
            (Width::Avx2, true) => "avx2-fma-division",
            (Width::Avx512, false) => "avx512",
            (Width::Avx512, true) => "avx512-fma-division",
        }
    }
}

/// Runs `iters` red-black SOR sweeps with the job's relaxation factor,
/// dividing by the divider.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    run_with(job, false)
}

/// [`run`], with the vectors dividing by Markstein's sequence when
/// `exact_division` and the sequence is proven for this problem's divisor
/// (else by the divider, path `...-divide`).
pub(crate) fn run_with(job: &mut Job<'_>, exact_division: bool) -> Result<(), KernelError> {
    let p = *job.problem();
    let (nx, ny) = (p.nx, p.ny);
    let (s, omega) = (p.stencil(), p.omega());
    let exact = ExactDiv::new(s.denom);
    let fma = exact_division && exact.fast;
    let width = Width::choose(job, ny, fma);
    job.set_path(match (exact_division, fma, width) {
        (true, false, Width::Avx512) => "avx512-divide",
        (true, false, Width::Avx2) => "avx2-divide",
        _ => width.path(fma),
    });
    // The sequence's reciprocal, or none: the vectors divide.
    let y = fma.then_some(exact.y);
    let u = job.u();
    for _ in 0..p.iters {
        for colour in [0, 1] {
            for i in 1..nx - 1 {
                let (above, rest) = u.split_at_mut(i * ny);
                let (row, below) = rest.split_at_mut(ny);
                let (up, down) = (&above[(i - 1) * ny..], &below[..ny]);
                // Columns j with (i + j) % 2 == colour.
                let parity = (i + colour) % 2;
                let from = vector_row(width, up, row, down, parity, &s, omega, y);
                stride2_row(up, row, down, parity, from, &s, omega);
            }
        }
    }
    Ok(())
}

/// The vector part of a row at `width`; returns the first column left to
/// the stride-2 loop. `y`: divide by Markstein's sequence with this
/// reciprocal of `s.denom` (else by the divider).
#[allow(clippy::too_many_arguments)]
fn vector_row(
    width: Width,
    up: &[f64],
    row: &mut [f64],
    down: &[f64],
    parity: usize,
    s: &Stencil,
    omega: f64,
    y: Option<f64>,
) -> usize {
    match (width, y) {
        (Width::Portable, _) => 1,
        // SAFETY: `Width::choose` picks AVX-512 only when the CPU has AVX-512F.
        #[cfg(target_arch = "x86_64")]
        (Width::Avx512, None) => unsafe {
            avx512::row::<false>(up, row, down, parity, s, omega, 0.0)
        },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        (Width::Avx512, Some(y)) => unsafe {
            avx512::row::<true>(up, row, down, parity, s, omega, y)
        },
        // SAFETY: `Width::choose` picks AVX2 only when the CPU has AVX2, and
        // FMA too when `y` is given.
        #[cfg(target_arch = "x86_64")]
        (Width::Avx2, None) => unsafe { avx2::row::<false>(up, row, down, parity, s, omega, 0.0) },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        (Width::Avx2, Some(y)) => unsafe { avx2::row::<true>(up, row, down, parity, s, omega, y) },
        #[cfg(not(target_arch = "x86_64"))]
        _ => {
            let _ = (up, row, down, parity, s, omega, y);
            1
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256d, _CMP_GT_OQ, _CMP_LT_OQ, _mm256_add_pd, _mm256_blend_pd, _mm256_cmp_pd,
        _mm256_div_pd, _mm256_loadu_pd, _mm256_movemask_pd, _mm256_mul_pd, _mm256_or_pd,
        _mm256_set1_pd, _mm256_storeu_pd, _mm256_sub_pd,
    };

    use laplace_core::Stencil;
    use laplace_core::exact_div::ExactDiv;

    /// Doubles per vector.
    pub const LANES: usize = 4;

    /// Updates the points of column parity `parity` in whole 4-wide vectors
    /// from column 1 on; returns the first column left for the scalar loop.
    /// As the AVX-512 row, with the colour kept by blending the new values
    /// into the loaded ones (the other colour's points are stored back
    /// unchanged: no point of this half-sweep reads a point it writes).
    /// `FMA`: divide by Markstein's sequence with `y = RN(1 / s.denom)`.
    #[target_feature(enable = "avx2,fma")]
    #[allow(clippy::too_many_arguments)]
    pub fn row<const FMA: bool>(
        up: &[f64],
        row: &mut [f64],
        down: &[f64],
        parity: usize,
        s: &Stencil,
        omega: f64,
        y: f64,
    ) -> usize {
        // Lane l holds column j + l with j odd: lanes 0 and 2 are odd columns.
        if parity == 1 {
            row_of::<0b0101, FMA>(up, row, down, s, omega, y)
        } else {
            row_of::<0b1010, FMA>(up, row, down, s, omega, y)
        }
    }

    /// [`row`] for the lanes `MASK` selects.
    #[target_feature(enable = "avx2,fma")]
    fn row_of<const MASK: i32, const FMA: bool>(
        up: &[f64],
        row: &mut [f64],
        down: &[f64],
        s: &Stencil,
        omega: f64,
        y: f64,
    ) -> usize {
        let ny = row.len();
        assert!(up.len() >= ny && down.len() >= ny && ny >= 3, "row lengths");
        let vectors = (ny - 2) / LANES;
        let (dy2, dx2, den, w) = (
            _mm256_set1_pd(s.dy2),
            _mm256_set1_pd(s.dx2),
            _mm256_set1_pd(s.denom),
            _mm256_set1_pd(omega),
        );
        let (y, tiny, huge) = (
            _mm256_set1_pd(y),
            _mm256_set1_pd(ExactDiv::TINY),
            _mm256_set1_pd(ExactDiv::HUGE),
        );
        let (column_0, after_last) = (row[0], row[1 + vectors * LANES]);
        let (up, down, mid) = (up.as_ptr(), down.as_ptr(), row.as_mut_ptr());
        let mut prev: __m256d = _mm256_set1_pd(column_0);
        let mut cur = if vectors > 0 {
            // SAFETY: columns 1 .. 1 + LANES <= ny - 1 of the row.
            unsafe { _mm256_loadu_pd(mid.add(1)) }
        } else {
            prev
        };
        for v in 0..vectors {
            let j = 1 + v * LANES;
            let next = if j + 2 * LANES <= ny {
                // SAFETY: columns j + LANES .. j + 2 LANES <= ny of the row.
                unsafe { _mm256_loadu_pd(mid.add(j + LANES)) }
            } else {
                _mm256_set1_pd(after_last)
            };
            // left = [prev[3], cur[0..3]], right = [cur[1..4], next[0]].
            // SAFETY: this function enables AVX2.
            let (left, right) = unsafe {
                (
                    crate::lanes::after256(prev, cur),
                    crate::lanes::before256(cur, next),
                )
            };
            // SAFETY: columns j .. j + LANES <= ny - 1 of the rows above and
            // below, which are at least `ny` long (asserted).
            let (a, d) = unsafe { (_mm256_loadu_pd(up.add(j)), _mm256_loadu_pd(down.add(j))) };
            // Stencil::apply(d, a, right, left), then old + omega (gs - old).
            let num = _mm256_add_pd(
                _mm256_mul_pd(_mm256_add_pd(d, a), dy2),
                _mm256_mul_pd(_mm256_add_pd(right, left), dx2),
            );
            let gs = if FMA {
                // SAFETY: this function enables AVX2 and FMA.
                let q = unsafe { crate::lanes::div256(num, y, den) };
                let outside = _mm256_or_pd(
                    _mm256_cmp_pd::<_CMP_LT_OQ>(num, tiny),
                    _mm256_cmp_pd::<_CMP_GT_OQ>(num, huge),
                );
                if _mm256_movemask_pd(outside) != 0 {
                    _mm256_div_pd(num, den)
                } else {
                    q
                }
            } else {
                _mm256_div_pd(num, den)
            };
            let new = _mm256_add_pd(cur, _mm256_mul_pd(w, _mm256_sub_pd(gs, cur)));
            // SAFETY: columns j .. j + LANES <= ny - 1 of the row.
            unsafe { _mm256_storeu_pd(mid.add(j), _mm256_blend_pd::<MASK>(cur, new)) };
            prev = cur;
            cur = next;
        }
        1 + vectors * LANES
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::{
        _CMP_GT_OQ, _CMP_LT_OQ, _mm512_add_pd, _mm512_cmp_pd_mask, _mm512_div_pd, _mm512_loadu_pd,
        _mm512_mask_storeu_pd, _mm512_mul_pd, _mm512_set1_pd, _mm512_sub_pd,
    };

    use laplace_core::Stencil;
    use laplace_core::exact_div::ExactDiv;

    /// Doubles per vector.
    pub const LANES: usize = 8;

    /// Updates the points of column parity `parity` in whole vectors from
    /// column 1 on; returns the first column left for the scalar loop.
    /// `FMA`: divide by Markstein's sequence with `y = RN(1 / s.denom)`.
    #[target_feature(enable = "avx512f")]
    #[allow(clippy::too_many_arguments)]
    pub fn row<const FMA: bool>(
        up: &[f64],
        row: &mut [f64],
        down: &[f64],
        parity: usize,
        s: &Stencil,
        omega: f64,
        y: f64,
    ) -> usize {
        let ny = row.len();
        assert!(up.len() >= ny && down.len() >= ny && ny >= 3, "row lengths");
        let vectors = (ny - 2) / LANES;
        // Lane l holds column j + l with j odd: lanes of even index are odd
        // columns. 0b0101_0101 selects them.
        let mask: u8 = if parity == 1 {
            0b0101_0101
        } else {
            0b1010_1010
        };
        let (dy2, dx2, den, w) = (
            _mm512_set1_pd(s.dy2),
            _mm512_set1_pd(s.dx2),
            _mm512_set1_pd(s.denom),
            _mm512_set1_pd(omega),
        );
        let (y, tiny, huge) = (
            _mm512_set1_pd(y),
            _mm512_set1_pd(ExactDiv::TINY),
            _mm512_set1_pd(ExactDiv::HUGE),
        );
        // Scalars the vectors need at the ends of the row: column 0, left of
        // the first vector, and the column right of the last vector, which
        // no vector store writes.
        let (column_0, after_last) = (row[0], row[1 + vectors * LANES]);
        let (up, down, mid) = (up.as_ptr(), down.as_ptr(), row.as_mut_ptr());
        // Left and right neighbours come from the row's vectors as loaded,
        // before this half-sweep's store: a load that overlapped the masked
        // store just issued could not be forwarded from it and would stall.
        // Only neighbours of updated points matter, and those are of the
        // other colour, which no store here changes.
        let mut prev = _mm512_set1_pd(column_0);
        let mut cur = if vectors > 0 {
            // SAFETY: columns 1 .. 1 + LANES <= ny - 1 of the row.
            unsafe { _mm512_loadu_pd(mid.add(1)) }
        } else {
            prev
        };
        for v in 0..vectors {
            let j = 1 + v * LANES;
            let next = if j + 2 * LANES <= ny {
                // SAFETY: columns j + LANES .. j + 2 LANES <= ny of the row.
                unsafe { _mm512_loadu_pd(mid.add(j + LANES)) }
            } else {
                _mm512_set1_pd(after_last)
            };
            // left = [prev[7], cur[0..7]], right = [cur[1..8], next[0]].
            // SAFETY: this function enables AVX-512F.
            let (left, right) = unsafe {
                (
                    crate::lanes::after512(prev, cur),
                    crate::lanes::before512(cur, next),
                )
            };
            // SAFETY: columns j .. j + LANES <= ny - 1 of the rows above and
            // below, which are at least `ny` long (asserted).
            let (a, d) = unsafe { (_mm512_loadu_pd(up.add(j)), _mm512_loadu_pd(down.add(j))) };
            // Stencil::apply(d, a, right, left), then old + omega (gs - old).
            let num = _mm512_add_pd(
                _mm512_mul_pd(_mm512_add_pd(d, a), dy2),
                _mm512_mul_pd(_mm512_add_pd(right, left), dx2),
            );
            let gs = if FMA {
                // SAFETY: this function enables AVX-512F.
                let q = unsafe { crate::lanes::div512(num, y, den) };
                let outside = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(num, tiny)
                    | _mm512_cmp_pd_mask::<_CMP_GT_OQ>(num, huge);
                if outside != 0 {
                    _mm512_div_pd(num, den)
                } else {
                    q
                }
            } else {
                _mm512_div_pd(num, den)
            };
            let new = _mm512_add_pd(cur, _mm512_mul_pd(w, _mm512_sub_pd(gs, cur)));
            // SAFETY: columns j .. j + LANES <= ny - 1 of the row, masked to
            // the colour being updated.
            unsafe { _mm512_mask_storeu_pd(mid.add(j), mask, new) };
            prev = cur;
            cur = next;
        }
        1 + vectors * LANES
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use laplace_core::{Problem, Scheme, reference};

    /// Every width the CPU has, bit for bit against the reference, on rows
    /// of every length modulo both vector widths, and the portable path
    /// when asked for.
    #[test]
    fn every_width_matches_the_reference_bit_for_bit() {
        for ny in [3, 5, 6, 7, 9, 10, 11, 13, 18, 37, 100] {
            let p = Problem::new(7, ny, 0.1, 0.37, 5).unwrap();
            let want = reference::solve(Scheme::RedBlackSor, &p).unwrap();
            for (portable, exact_division) in [(false, false), (false, true), (true, false)] {
                let (mut u, mut s) = (p.initial_grid().unwrap(), p.scratch().unwrap());
                let mut job = Job::new(&mut u, &mut s, &p, 1)
                    .unwrap()
                    .with_portable(portable);
                run_with(&mut job, exact_division).unwrap();
                let path = job.path();
                if cfg!(miri) {
                    // Miri gives `sin` (in the default omega) a random error
                    // on every call: the kernel's and the reference's omega
                    // differ in the last bits there.
                    let worst = laplace_core::verify::compare(&u, &want).max_abs;
                    assert!(worst <= 1e-12, "{path} differs on {p} by {worst}");
                } else {
                    assert!(u == want.as_slice(), "{path} differs on {p}");
                }
                if portable {
                    assert_eq!(path, laplace_core::PORTABLE);
                }
            }
        }
    }
}
