//! `rust/loop-wavefront-simd`: lexicographic Gauss-Seidel in `rust/loop`'s
//! arithmetic, bit for bit, eight rows per AVX-512 vector.
//!
//! `rust/loop-wavefront-exact` overlaps the chains of a band of rows, each
//! row one column behind the row above; here the band is one vector, lane
//! `r` holding row `r` of the band. To make the points of one step
//! contiguous, the whole grid is kept (for the whole call) in a skewed copy:
//! bands of eight rows, each stored diagonal by diagonal, lane `r` of
//! diagonal `t` being the point `(r, t - r)` of the band. Step `t` of a band
//! updates diagonal `t`, and every neighbour is a register or one vector:
//! - `left`, `(r, c-1)`: diagonal `t-1`, just computed;
//! - `up`, `(r-1, c)`: diagonal `t-1` moved up one lane (`valignq`), lane 0
//!   taking the last row of the band above (its diagonal `t+7`, lane 7);
//! - `right`, `(r, c+1)`: diagonal `t+1`, not yet updated;
//! - `down`, `(r+1, c)`: diagonal `t+1` moved down one lane, lane 7 taking
//!   the first row of the band below (its diagonal `t-7`, lane 0).
//!
//! Each point reads the new values above and to its left and the old ones
//! below and to its right, as the row-by-row loop does, and computes the
//! post's formula in its order with the division done by Markstein's
//! sequence ([`laplace_core::exact_div`]), so the iterates are `rust/loop`'s.
//!
//! One band's steps form a chain (about 20 cycles per step), so the bands
//! run as a pipeline: band `b` takes step `g - 8b` in global step `g`. A
//! band needs the band above eight steps ahead (its row's new values up to
//! column `c`) and the band below eight steps behind (its old values), so
//! all the bands of a global step are independent, and a 100-row grid keeps
//! up to 13 chains in flight. Lanes outside the grid's interior (boundary
//! rows and columns, the ends of each diagonal) are not stored (a masked
//! store).
//!
//! A vector holding a numerator the sequence is not proven for (below
//! 2^-800, zeros and negatives included, or, for a grid not within 2^700,
//! above 2^800) is divided by the divider: one predictable branch per
//! vector. Path `avx512-fma-division` (`avx512-divide` for a divisor the
//! per-problem check does not prove); without AVX-512, or on rows too short
//! for the pipeline, it runs `rust/loop-wavefront-exact` (its path).

use laplace_core::{Job, KernelError};

/// Runs `iters` in-place Gauss-Seidel sweeps, eight rows per vector where
/// the CPU has AVX-512.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    #[cfg(target_arch = "x86_64")]
    if !job.portable() && std::arch::is_x86_feature_detected!("avx512f") {
        return avx512::run(job);
    }
    super::loop_wavefront_exact::run(job)
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::{
        __m512d, __mmask8, _CMP_GT_OQ, _CMP_LT_OQ, _mm512_add_pd, _mm512_alignr_epi64,
        _mm512_castpd_si512, _mm512_castsi512_pd, _mm512_cmp_pd_mask, _mm512_div_pd,
        _mm512_fmadd_pd, _mm512_fnmadd_pd, _mm512_load_pd, _mm512_mask_store_pd, _mm512_mul_pd,
        _mm512_set1_pd,
    };

    use laplace_core::exact_div::ExactDiv;
    use laplace_core::{Job, KernelError, Stencil};

    /// Rows per band: doubles per vector.
    pub const LANES: usize = 8;

    /// Diagonals stored before the first and after the last of each band,
    /// so that the reads of the bands above (`t + 7`) and below (`t - 7`)
    /// stay inside the band's storage.
    const PAD: usize = LANES;

    /// The grid in bands of [`LANES`] rows, diagonal by diagonal, with one
    /// empty band above and one below.
    struct Skewed {
        /// `bands * width` vectors; starts at `offset` in `mem`, on a
        /// 64-byte line.
        mem: Vec<f64>,
        offset: usize,
        /// Bands of grid rows (the last padded with rows outside the grid).
        bands: usize,
        /// Vectors per band: `ny + LANES - 1` diagonals plus the padding.
        width: usize,
        nx: usize,
        ny: usize,
    }

    impl Skewed {
        /// The skewed copy of the `nx x ny` grid `u`.
        fn new(u: &[f64], nx: usize, ny: usize) -> Result<Skewed, KernelError> {
            let bands = nx.div_ceil(LANES);
            let width = ny + LANES - 1 + 2 * PAD;
            let len = (bands + 2) * width * LANES + LANES;
            let mut mem = Vec::new();
            mem.try_reserve_exact(len)
                .map_err(|_| KernelError::Failed(format!("cannot allocate {len} values")))?;
            mem.resize(len, 0.0);
            let offset = mem.as_ptr().align_offset(LANES * 8);
            let mut s = Skewed {
                mem,
                offset,
                bands,
                width,
                nx,
                ny,
            };
            for (i, row) in u.chunks_exact(ny).enumerate() {
                for (j, &v) in row.iter().enumerate() {
                    let k = s.at(i, j);
                    s.mem[k] = v;
                }
            }
            Ok(s)
        }

        /// The index in `mem` of lane `r` of diagonal `t` (from `-PAD`) of
        /// band `b` (from -1, the empty band above).
        fn index(&self, b: usize, t: usize, r: usize) -> usize {
            self.offset + ((b * self.width + t) * LANES) + r
        }

        /// The index in `mem` of grid point `(i, j)`.
        fn at(&self, i: usize, j: usize) -> usize {
            let (b, r) = (i / LANES + 1, i % LANES);
            self.index(b, j + r + PAD, r)
        }

        /// Copies the grid back into `u`.
        fn unpack(&self, u: &mut [f64]) {
            for (i, row) in u.chunks_exact_mut(self.ny).enumerate() {
                for (j, v) in row.iter_mut().enumerate() {
                    *v = self.mem[self.at(i, j)];
                }
            }
        }
    }

    /// Runs the sweeps on the skewed copy and copies the result back.
    pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
        let p = *job.problem();
        let st = p.stencil();
        let exact = ExactDiv::new(st.denom);
        job.set_path(if exact.fast {
            "avx512-fma-division"
        } else {
            "avx512-divide"
        });
        let bounded = ExactDiv::bounds_every_sweep(job.u());
        let u = job.u();
        let mut s = Skewed::new(u, p.nx, p.ny)?;
        let masks = masks(p.nx, p.ny, s.bands, s.width);
        let iters = p.iters;
        let sweeps = match (exact.fast, bounded) {
            (true, true) => sweeps::<true, true>,
            (true, false) => sweeps::<true, false>,
            (false, _) => sweeps::<false, true>,
        };
        // SAFETY: `run` is only called after
        // `is_x86_feature_detected!("avx512f")`.
        unsafe { sweeps(&mut s, &masks, &st, &exact, iters) };
        s.unpack(u);
        Ok(())
    }

    /// Which lanes of each vector a step writes, in the storage's order
    /// (vector `b * width + t`): lane `r` when point `(8(b-1) + r, t - PAD -
    /// r)` is in the grid's interior.
    fn masks(nx: usize, ny: usize, bands: usize, width: usize) -> Vec<__mmask8> {
        let interior = |k: usize, n: usize| (1..n - 1).contains(&k);
        let lanes = |b: usize, t: usize| -> __mmask8 {
            (0..LANES)
                .filter(|&r| b >= 1 && interior((b - 1) * LANES + r, nx))
                .filter(|&r| t >= PAD + r && interior(t - PAD - r, ny))
                .map(|r| 1 << r)
                .sum()
        };
        (0..bands + 2)
            .flat_map(|b| (0..width).map(move |t| (b, t)))
            .map(|(b, t)| lanes(b, t))
            .collect()
    }

    /// `iters` Gauss-Seidel sweeps of the skewed grid, as one pipeline of
    /// `iters * bands` virtual bands: virtual band `v` (from 1) is band
    /// `1 + (v-1) % bands` of sweep `(v-1) / bands`, and takes step
    /// `g - 8(v-1)` in global step `g`. A band of the next sweep is then
    /// `8 * bands` steps behind the same band of this sweep, while it needs
    /// only 2: its right neighbour updated by this sweep, and its own
    /// diagonal read by the band below before it is overwritten. So the
    /// ramp-up is paid once per call, not once per sweep, and a grid of
    /// `ny` columns keeps about `ny / 8` bands in flight.
    ///
    /// `FMA`: divide by Markstein's sequence (else by the divider);
    /// `BOUNDED`: the grid is within [`ExactDiv::GRID_BOUND`], so only
    /// numerators below `TINY` go to the divider.
    #[target_feature(enable = "avx512f")]
    fn sweeps<const FMA: bool, const BOUNDED: bool>(
        s: &mut Skewed,
        masks: &[__mmask8],
        st: &Stencil,
        exact: &ExactDiv,
        iters: usize,
    ) {
        // Steps of one band: diagonals 1 ..= ny + 5 hold interior points.
        let steps = s.ny + LANES - 3;
        let (bands, width) = (s.bands, s.width);
        let vectors = (bands + 2) * width;
        let virtual_bands = bands * iters;
        // Every unchecked access below relies on these, checked once.
        assert!(s.nx >= 3 && s.ny >= 3, "grid too small");
        assert!(
            s.offset + vectors * LANES <= s.mem.len() && masks.len() == vectors,
            "skewed storage"
        );
        if virtual_bands == 0 {
            return;
        }
        let v = |x: f64| _mm512_set1_pd(x);
        let c = Consts {
            dy2: v(st.dy2),
            dx2: v(st.dx2),
            y: v(exact.y),
            d: v(exact.d),
            tiny: v(ExactDiv::TINY),
            huge: v(ExactDiv::HUGE),
        };
        let base = s.mem[s.offset..].as_mut_ptr();
        let masks = masks.as_ptr();
        // Virtual band v+1 is one band down and 8 steps back: vector k
        // moves by width - 8, and by bands * width less when it wraps from
        // the last band to the first. The bands above and below are
        // width - 7 vectors away.
        let (next, wrap, edge) = (width - LANES, bands * width, (width - LANES + 1) * LANES);
        // The first virtual band active in global step g, its band and its
        // vector k = b * width + t (t counted from -PAD).
        let (mut first, mut b_first, mut k_first) = (1, 1, width + 1 + PAD);
        for g in 1..=steps + LANES * (virtual_bands - 1) {
            if g > 1 {
                k_first += 1;
                let now = 1 + g.saturating_sub(steps).div_ceil(LANES);
                if now != first {
                    // The first band took its last step in g - 1.
                    first = now;
                    k_first += next;
                    if b_first == bands {
                        (b_first, k_first) = (1, k_first - wrap);
                    } else {
                        b_first += 1;
                    }
                }
            }
            let last = virtual_bands.min(1 + (g - 1) / LANES);
            let (mut count, mut b, mut k) = (last + 1 - first, b_first, k_first);
            while count > 0 {
                // Down to the last band, then on from the first.
                let run = count.min(bands + 1 - b);
                for i in 0..run {
                    let k = k + i * next;
                    // SAFETY: k = b * width + t with 1 <= b <= bands and
                    // PAD + 1 <= t <= PAD + steps (t = g - 8(v-1) + PAD for
                    // the active virtual bands v), so the vectors read, k - 1,
                    // k + 1 and k -/+ (width - 7), are in bands 0 ..= bands +
                    // 1 and diagonals 1 ..= steps + PAD + 7 < width: inside
                    // the storage and the mask table checked above, each on
                    // a 64-byte line (the storage starts on one, a vector is
                    // one line).
                    unsafe {
                        step::<FMA, BOUNDED>(base.add(k * LANES), *masks.add(k), edge, &c);
                    }
                }
                count -= run;
                if count > 0 {
                    (b, k) = (1, k + run * next - wrap);
                }
            }
        }
    }

    /// The vectors of the problem's constants.
    struct Consts {
        dy2: __m512d,
        dx2: __m512d,
        y: __m512d,
        d: __m512d,
        tiny: __m512d,
        huge: __m512d,
    }

    /// One step of one band: the vector at `at` (its lanes in `mask`) from
    /// its neighbours, the band above and below `edge` values away.
    ///
    /// # Safety
    /// `at - edge ..= at + edge + 8` and `at -/+ 8` are in the storage and on
    /// 64-byte lines; AVX-512F is available.
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn step<const FMA: bool, const BOUNDED: bool>(
        at: *mut f64,
        mask: __mmask8,
        edge: usize,
        c: &Consts,
    ) {
        // SAFETY: the caller's.
        let (left, right, above, below) = unsafe {
            (
                _mm512_load_pd(at.sub(LANES)),
                _mm512_load_pd(at.add(LANES)),
                _mm512_load_pd(at.sub(edge)),
                _mm512_load_pd(at.add(edge)),
            )
        };
        let up = shift(left, above, true);
        let down = shift(right, below, false);
        let num = _mm512_add_pd(
            _mm512_mul_pd(_mm512_add_pd(down, up), c.dy2),
            _mm512_mul_pd(_mm512_add_pd(right, left), c.dx2),
        );
        let value = if FMA {
            let q = _mm512_mul_pd(num, c.y);
            let r = _mm512_fnmadd_pd(q, c.d, num);
            let q = _mm512_fmadd_pd(r, c.y, q);
            let mut outside = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(num, c.tiny);
            if !BOUNDED {
                outside |= _mm512_cmp_pd_mask::<_CMP_GT_OQ>(num, c.huge);
            }
            if outside & mask != 0 {
                _mm512_div_pd(num, c.d)
            } else {
                q
            }
        } else {
            _mm512_div_pd(num, c.d)
        };
        // SAFETY: the caller's.
        unsafe { _mm512_mask_store_pd(at, mask, value) };
    }

    /// `up` (`upward`): `[edge[7], v[0..7]]`, `v` moved up one lane with the
    /// last lane of the band above; else `down`: `[v[1..8], edge[0]]`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn shift(v: __m512d, edge: __m512d, upward: bool) -> __m512d {
        let (v, edge) = (_mm512_castpd_si512(v), _mm512_castpd_si512(edge));
        _mm512_castsi512_pd(if upward {
            _mm512_alignr_epi64::<7>(v, edge)
        } else {
            _mm512_alignr_epi64::<1>(edge, v)
        })
    }
}
