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
//! AVX-512, on rows too short for one vector, or when the job asks for the
//! portable path, the kernel runs the plain stride-2 loop (path `portable`).

use laplace_core::{Job, KernelError, Stencil};

use super::redblack::stride2_row;

/// Runs `iters` red-black SOR sweeps with the job's relaxation factor.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (nx, ny) = (p.nx, p.ny);
    let (s, omega) = (p.stencil(), p.omega());
    // Rows of fewer than one vector of interior points leave nothing to it.
    let vector = !job.portable() && ny >= 2 + 8 && has_avx512();
    job.set_path(if vector { "avx512" } else { laplace_core::PORTABLE });
    let u = job.u();
    for _ in 0..p.iters {
        for colour in [0, 1] {
            for i in 1..nx - 1 {
                let (above, rest) = u.split_at_mut(i * ny);
                let (row, below) = rest.split_at_mut(ny);
                let (up, down) = (&above[(i - 1) * ny..], &below[..ny]);
                // Columns j with (i + j) % 2 == colour.
                let parity = (i + colour) % 2;
                let from = if vector {
                    vector_row(up, row, down, parity, &s, omega)
                } else {
                    1
                };
                stride2_row(up, row, down, parity, from, &s, omega);
            }
        }
    }
    Ok(())
}

fn has_avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::arch::is_x86_feature_detected!("avx512f");
    #[cfg(not(target_arch = "x86_64"))]
    return false;
}

/// The vector part of a row; returns the first column left to the stride-2
/// loop. Only called when [`has_avx512`].
fn vector_row(
    up: &[f64],
    row: &mut [f64],
    down: &[f64],
    parity: usize,
    s: &Stencil,
    omega: f64,
) -> usize {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `run` calls this only when the CPU has AVX-512F.
    return unsafe { avx512::row(up, row, down, parity, s, omega) };
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (up, row, down, parity, s, omega);
        1
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::{
        _mm512_add_pd, _mm512_alignr_epi64, _mm512_castpd_si512, _mm512_castsi512_pd,
        _mm512_div_pd, _mm512_loadu_pd, _mm512_mask_storeu_pd, _mm512_mul_pd, _mm512_set1_pd,
        _mm512_sub_pd,
    };

    use laplace_core::Stencil;

    /// Doubles per vector.
    const LANES: usize = 8;

    /// Updates the points of column parity `parity` in whole vectors from
    /// column 1 on; returns the first column left for the scalar loop.
    #[target_feature(enable = "avx512f")]
    pub fn row(
        up: &[f64],
        row: &mut [f64],
        down: &[f64],
        parity: usize,
        s: &Stencil,
        omega: f64,
    ) -> usize {
        let ny = row.len();
        assert!(up.len() >= ny && down.len() >= ny && ny >= 3, "row lengths");
        let vectors = (ny - 2) / LANES;
        // Lane l holds column j + l with j odd: lanes of even index are odd
        // columns. 0b0101_0101 selects them.
        let mask: u8 = if parity == 1 { 0b0101_0101 } else { 0b1010_1010 };
        let (dy2, dx2, den, w) = (
            _mm512_set1_pd(s.dy2),
            _mm512_set1_pd(s.dx2),
            _mm512_set1_pd(s.denom),
            _mm512_set1_pd(omega),
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
            let left = _mm512_castsi512_pd(_mm512_alignr_epi64::<7>(
                _mm512_castpd_si512(cur),
                _mm512_castpd_si512(prev),
            ));
            let right = _mm512_castsi512_pd(_mm512_alignr_epi64::<1>(
                _mm512_castpd_si512(next),
                _mm512_castpd_si512(cur),
            ));
            // SAFETY: columns j .. j + LANES <= ny - 1 of the rows above and
            // below, which are at least `ny` long (asserted).
            let (a, d) = unsafe { (_mm512_loadu_pd(up.add(j)), _mm512_loadu_pd(down.add(j))) };
            // Stencil::apply(d, a, right, left), then old + omega (gs - old).
            let gs = _mm512_div_pd(
                _mm512_add_pd(
                    _mm512_mul_pd(_mm512_add_pd(d, a), dy2),
                    _mm512_mul_pd(_mm512_add_pd(right, left), dx2),
                ),
                den,
            );
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
