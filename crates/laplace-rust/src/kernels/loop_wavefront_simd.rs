//! `rust/loop-wavefront-simd`: lexicographic Gauss-Seidel in `rust/loop`'s
//! arithmetic, bit for bit, eight rows per vector (AVX-512, or eight-lane
//! arrays of plain Rust that the compiler vectorises).
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
//! vector.
//!
//! The pipeline is written once, over [`Lanes`]: eight lanes in one
//! AVX-512 register (path `avx512-fma-division`) or in two AVX2 registers
//! (path `avx2-fma-division`, the lane moves crossing the halves by
//! `vperm2f128` and `vshufpd`), the widest the CPU has. For a divisor the
//! per-problem check does not prove, they divide (`avx512-divide`,
//! `avx2-divide`). Without AVX2 and FMA, or when the job asks for the
//! portable path, it runs `rust/loop-wavefront-exact` (its path). Eight-lane
//! arrays of plain Rust were tried as the portable path: the compiler split
//! them into uneven vectors and they ran slower (about 720 MLUP/s on Zen 5)
//! than the scalar band of `rust/loop-wavefront-exact` (about 780).

use laplace_core::exact_div::ExactDiv;
use laplace_core::{Job, KernelError, Stencil};

/// Runs `iters` in-place Gauss-Seidel sweeps, eight rows per vector.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    #[cfg(target_arch = "x86_64")]
    if !job.portable() {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return run_in(job, Width::Avx512);
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return run_in(job, Width::Avx2);
        }
    }
    super::loop_wavefront_exact::run(job)
}

/// [`run`] in AVX2 registers even where the CPU has AVX-512 (where it has
/// AVX2 and FMA; else [`run`]), so that the tests check that path too.
#[cfg(test)]
pub(crate) fn run_avx2(job: &mut Job<'_>) -> Result<(), KernelError> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        return run_in(job, Width::Avx2);
    }
    run(job)
}

/// The registers the eight lanes live in.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Width {
    /// One zmm register.
    Avx512,
    /// Two ymm registers.
    Avx2,
}

/// [`run`] on the skewed copy, in `width`'s registers (which the CPU has).
#[cfg(target_arch = "x86_64")]
fn run_in(job: &mut Job<'_>, width: Width) -> Result<(), KernelError> {
    let p = *job.problem();
    let st = p.stencil();
    let exact = ExactDiv::new(st.denom);
    let bounded = ExactDiv::bounds_every_sweep(job.u());
    job.set_path(match (width, exact.fast) {
        (Width::Avx512, true) => "avx512-fma-division",
        (Width::Avx512, false) => "avx512-divide",
        (Width::Avx2, true) => "avx2-fma-division",
        (Width::Avx2, false) => "avx2-divide",
    });
    let u = job.u();
    let mut s = Skewed::new(u, p.nx, p.ny)?;
    let masks = masks(p.nx, p.ny, s.bands, s.width);
    let mode = (exact.fast, bounded);
    match width {
        // SAFETY: `run` detected AVX-512F.
        Width::Avx512 => unsafe { x86::sweeps_avx512(&mut s, &masks, &st, &exact, p.iters, mode) },
        // SAFETY: `run` detected AVX2 and FMA.
        Width::Avx2 => unsafe { x86::sweeps_avx2(&mut s, &masks, &st, &exact, p.iters, mode) },
    }
    s.unpack(u);
    Ok(())
}

/// Rows per band: doubles per vector.
const LANES: usize = 8;

/// Diagonals stored before the first and after the last of each band, so
/// that the reads of the bands above (`t + 7`) and below (`t - 7`) stay
/// inside the band's storage.
const PAD: usize = LANES;

/// The grid in bands of [`LANES`] rows, diagonal by diagonal, with one
/// empty band above and one below.
struct Skewed {
    /// `(bands + 2) * width` vectors; starts at `offset` in `mem`, on a
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

    /// The index in `mem` of grid point `(i, j)`: lane `i % 8` of diagonal
    /// `j + i % 8` of band `i / 8 + 1` (band 0 is the empty one above).
    fn at(&self, i: usize, j: usize) -> usize {
        let (b, r) = (i / LANES + 1, i % LANES);
        self.offset + (b * self.width + j + r + PAD) * LANES + r
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

/// Which lanes of each vector a step writes, in the storage's order (vector
/// `b * width + t`): lane `r` when point `(8(b-1) + r, t - PAD - r)` is in
/// the grid's interior.
fn masks(nx: usize, ny: usize, bands: usize, width: usize) -> Vec<u8> {
    let interior = |k: usize, n: usize| (1..n - 1).contains(&k);
    let lanes = |b: usize, t: usize| -> u8 {
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

/// Eight `f64` lanes: what a step needs of a vector type.
///
/// # Safety
/// `load` and `store` read and write `LANES` values at a 64-byte-aligned
/// pointer; an implementation may need a CPU feature, which its caller
/// checks.
trait Lanes: Copy {
    /// The problem's constant in every lane.
    fn splat(x: f64) -> Self;
    /// The eight values at `p` (64-byte aligned).
    ///
    /// # Safety
    /// `p .. p + 8` is readable and aligned.
    unsafe fn load(p: *const f64) -> Self;
    /// Writes the lanes set in `mask` to `p` (64-byte aligned).
    ///
    /// # Safety
    /// `p .. p + 8` is writable and aligned.
    unsafe fn store(self, p: *mut f64, mask: u8);
    /// `[edge[7], self[0..7]]`: one lane up, the band above's last row in
    /// lane 0.
    fn up(self, edge: Self) -> Self;
    /// `[self[1..8], edge[0]]`: one lane down, the band below's first row in
    /// lane 7.
    fn down(self, edge: Self) -> Self;
    fn add(self, b: Self) -> Self;
    fn mul(self, b: Self) -> Self;
    fn div(self, b: Self) -> Self;
    /// Markstein's sequence: `q = self*y`, `fma(fma(-q, d, self), y, q)`.
    fn markstein(self, y: Self, d: Self) -> Self;
    /// The lanes where `self < b` (false for NaN).
    fn lt(self, b: Self) -> u8;
    /// The lanes where `self > b` (false for NaN).
    fn gt(self, b: Self) -> u8;
}

/// `iters` Gauss-Seidel sweeps of the skewed grid, as one pipeline of
/// `iters * bands` virtual bands: virtual band `v` (from 1) is band
/// `1 + (v-1) % bands` of sweep `(v-1) / bands`, and takes step
/// `g - 8(v-1)` in global step `g`. A band of the next sweep is then
/// `8 * bands` steps behind the same band of this sweep, while it needs
/// only 2: its right neighbour updated by this sweep, and its own diagonal
/// read by the band below before it is overwritten. So the ramp-up is paid
/// once per call, not once per sweep, and a grid of `ny` columns keeps
/// about `ny / 8` bands in flight.
///
/// `FMA`: divide by Markstein's sequence (else by the divider); `BOUNDED`:
/// the grid is within [`ExactDiv::GRID_BOUND`], so only numerators below
/// `TINY` go to the divider. Inlined into each caller, so that the AVX-512
/// caller's target feature reaches every operation.
#[inline(always)]
fn sweeps<L: Lanes, const FMA: bool, const BOUNDED: bool>(
    s: &mut Skewed,
    masks: &[u8],
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
        s.offset + vectors * LANES <= s.mem.len()
            && masks.len() == vectors
            && s.mem[s.offset..].as_ptr().align_offset(LANES * 8) == 0,
        "skewed storage"
    );
    if virtual_bands == 0 {
        return;
    }
    let c = Consts {
        dy2: L::splat(st.dy2),
        dx2: L::splat(st.dx2),
        y: L::splat(exact.y),
        d: L::splat(exact.d),
        tiny: L::splat(ExactDiv::TINY),
        huge: L::splat(ExactDiv::HUGE),
    };
    let base = s.mem[s.offset..].as_mut_ptr();
    // Virtual band v+1 is one band down and 8 steps back: vector k moves by
    // width - 8, and by bands * width less when it wraps from the last band
    // to the first. The bands above and below are width - 7 vectors away.
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
                // PAD + 1 <= t <= PAD + steps (t = g - 8(v-1) + PAD for the
                // active virtual bands v), so the vectors read, k - 1, k + 1
                // and k -/+ (width - 7), are in bands 0 ..= bands + 1 and
                // diagonals 1 ..= steps + PAD + 7 < width: inside the
                // storage and the mask table checked above, each on a
                // 64-byte line (the storage starts on one, a vector is one
                // line).
                unsafe { step::<L, FMA, BOUNDED>(base.add(k * LANES), masks[k], edge, &c) };
            }
            count -= run;
            if count > 0 {
                (b, k) = (1, k + run * next - wrap);
            }
        }
    }
}

/// The problem's constants, in every lane.
struct Consts<L> {
    dy2: L,
    dx2: L,
    y: L,
    d: L,
    tiny: L,
    huge: L,
}

/// One step of one band: the vector at `at` (its lanes in `mask`) from its
/// neighbours, the bands above and below `edge` values away.
///
/// # Safety
/// `at - edge ..= at + edge + 8` and `at -/+ 8` are in the storage and on
/// 64-byte lines; the CPU has what `L` needs.
#[inline(always)]
unsafe fn step<L: Lanes, const FMA: bool, const BOUNDED: bool>(
    at: *mut f64,
    mask: u8,
    edge: usize,
    c: &Consts<L>,
) {
    // SAFETY: the caller's.
    let (left, right, above, below) = unsafe {
        (
            L::load(at.sub(LANES)),
            L::load(at.add(LANES)),
            L::load(at.sub(edge)),
            L::load(at.add(edge)),
        )
    };
    let (up, down) = (left.up(above), right.down(below));
    let num = down.add(up).mul(c.dy2).add(right.add(left).mul(c.dx2));
    let value = if FMA {
        let q = num.markstein(c.y, c.d);
        let mut outside = num.lt(c.tiny);
        if !BOUNDED {
            outside |= num.gt(c.huge);
        }
        if outside & mask != 0 { num.div(c.d) } else { q }
    } else {
        num.div(c.d)
    };
    // SAFETY: the caller's.
    unsafe { value.store(at, mask) };
}

/// [`Lanes`] in AVX-512 and in AVX2 registers, and the sweeps in each.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m256d, __m512d, _CMP_GT_OQ, _CMP_LT_OQ, _mm256_add_pd, _mm256_cmp_pd, _mm256_div_pd,
        _mm256_load_pd, _mm256_maskstore_pd, _mm256_movemask_pd, _mm256_mul_pd, _mm256_set_epi64x,
        _mm256_set1_pd, _mm256_store_pd, _mm512_add_pd, _mm512_cmp_pd_mask, _mm512_div_pd,
        _mm512_load_pd, _mm512_mask_store_pd, _mm512_mul_pd, _mm512_set1_pd,
    };

    use laplace_core::Stencil;
    use laplace_core::exact_div::ExactDiv;

    use super::{Lanes, Skewed};

    /// Eight doubles in a zmm register.
    #[derive(Clone, Copy)]
    pub struct Avx512(__m512d);

    // Every method is `inline(always)` and only ever inlined into
    // `sweeps_avx512`, which enables AVX-512F: the intrinsics' feature is
    // then the caller's.
    //
    // SAFETY (of each `unsafe` block in this impl): the intrinsics need
    // AVX-512F, which `sweeps_avx512`'s caller checked; loads and stores are
    // at the caller's aligned pointers.
    impl Lanes for Avx512 {
        #[inline(always)]
        fn splat(x: f64) -> Self {
            // SAFETY: see the impl.
            Avx512(unsafe { _mm512_set1_pd(x) })
        }
        #[inline(always)]
        unsafe fn load(p: *const f64) -> Self {
            // SAFETY: see the impl.
            Avx512(unsafe { _mm512_load_pd(p) })
        }
        #[inline(always)]
        unsafe fn store(self, p: *mut f64, mask: u8) {
            // SAFETY: see the impl.
            unsafe { _mm512_mask_store_pd(p, mask, self.0) }
        }
        #[inline(always)]
        fn up(self, edge: Self) -> Self {
            // SAFETY: see the impl.
            Avx512(unsafe { crate::lanes::after512(edge.0, self.0) })
        }
        #[inline(always)]
        fn down(self, edge: Self) -> Self {
            // SAFETY: see the impl.
            Avx512(unsafe { crate::lanes::before512(self.0, edge.0) })
        }
        #[inline(always)]
        fn add(self, b: Self) -> Self {
            // SAFETY: see the impl.
            Avx512(unsafe { _mm512_add_pd(self.0, b.0) })
        }
        #[inline(always)]
        fn mul(self, b: Self) -> Self {
            // SAFETY: see the impl.
            Avx512(unsafe { _mm512_mul_pd(self.0, b.0) })
        }
        #[inline(always)]
        fn div(self, b: Self) -> Self {
            // SAFETY: see the impl.
            Avx512(unsafe { _mm512_div_pd(self.0, b.0) })
        }
        #[inline(always)]
        fn markstein(self, y: Self, d: Self) -> Self {
            // SAFETY: see the impl.
            Avx512(unsafe { crate::lanes::div512(self.0, y.0, d.0) })
        }
        #[inline(always)]
        fn lt(self, b: Self) -> u8 {
            // SAFETY: see the impl.
            unsafe { _mm512_cmp_pd_mask::<_CMP_LT_OQ>(self.0, b.0) }
        }
        #[inline(always)]
        fn gt(self, b: Self) -> u8 {
            // SAFETY: see the impl.
            unsafe { _mm512_cmp_pd_mask::<_CMP_GT_OQ>(self.0, b.0) }
        }
    }

    /// Eight doubles in two ymm registers: lanes 0-3 and 4-7.
    #[derive(Clone, Copy)]
    pub struct Avx2(__m256d, __m256d);

    impl Avx2 {
        /// Both halves through `f`.
        #[inline(always)]
        fn each(self, b: Self, f: impl Fn(__m256d, __m256d) -> __m256d) -> Self {
            Avx2(f(self.0, b.0), f(self.1, b.1))
        }

        /// The 8-bit lane mask of two 4-lane comparisons.
        ///
        /// # Safety
        /// The CPU has AVX.
        #[inline(always)]
        unsafe fn bits(lo: __m256d, hi: __m256d) -> u8 {
            // SAFETY: the caller's.
            let (lo, hi) = unsafe { (_mm256_movemask_pd(lo), _mm256_movemask_pd(hi)) };
            (lo | hi << 4) as u8
        }
    }

    // As for `Avx512`: inlined into `sweeps_avx2`, which enables AVX2 and
    // FMA.
    //
    // SAFETY (of each `unsafe` block in this impl): the intrinsics need AVX,
    // AVX2 or FMA, which `sweeps_avx2`'s caller checked; loads and stores
    // are at the caller's 64-byte-aligned pointers (each half 32-byte
    // aligned).
    impl Lanes for Avx2 {
        #[inline(always)]
        fn splat(x: f64) -> Self {
            // SAFETY: see the impl.
            let v = unsafe { _mm256_set1_pd(x) };
            Avx2(v, v)
        }
        #[inline(always)]
        unsafe fn load(p: *const f64) -> Self {
            // SAFETY: see the impl.
            unsafe { Avx2(_mm256_load_pd(p), _mm256_load_pd(p.add(4))) }
        }
        #[inline(always)]
        unsafe fn store(self, p: *mut f64, mask: u8) {
            // SAFETY: see the impl.
            unsafe {
                if mask == u8::MAX {
                    _mm256_store_pd(p, self.0);
                    _mm256_store_pd(p.add(4), self.1);
                } else {
                    // The lane's sign bit selects it.
                    let lanes = |m: u8| {
                        let bit = |r: u8| -i64::from(m >> r & 1);
                        _mm256_set_epi64x(bit(3), bit(2), bit(1), bit(0))
                    };
                    _mm256_maskstore_pd(p, lanes(mask), self.0);
                    _mm256_maskstore_pd(p.add(4), lanes(mask >> 4), self.1);
                }
            }
        }
        #[inline(always)]
        fn up(self, edge: Self) -> Self {
            // SAFETY: see the impl.
            unsafe {
                Avx2(
                    crate::lanes::after256(edge.1, self.0),
                    crate::lanes::after256(self.0, self.1),
                )
            }
        }
        #[inline(always)]
        fn down(self, edge: Self) -> Self {
            // SAFETY: see the impl.
            unsafe {
                Avx2(
                    crate::lanes::before256(self.0, self.1),
                    crate::lanes::before256(self.1, edge.0),
                )
            }
        }
        #[inline(always)]
        fn add(self, b: Self) -> Self {
            // SAFETY: see the impl.
            self.each(b, |x, y| unsafe { _mm256_add_pd(x, y) })
        }
        #[inline(always)]
        fn mul(self, b: Self) -> Self {
            // SAFETY: see the impl.
            self.each(b, |x, y| unsafe { _mm256_mul_pd(x, y) })
        }
        #[inline(always)]
        fn div(self, b: Self) -> Self {
            // SAFETY: see the impl.
            self.each(b, |x, y| unsafe { _mm256_div_pd(x, y) })
        }
        #[inline(always)]
        fn markstein(self, y: Self, d: Self) -> Self {
            // SAFETY: see the impl.
            self.each(y, |s, y| unsafe { crate::lanes::div256(s, y, d.0) })
        }
        #[inline(always)]
        fn lt(self, b: Self) -> u8 {
            // SAFETY: see the impl.
            unsafe {
                Self::bits(
                    _mm256_cmp_pd::<_CMP_LT_OQ>(self.0, b.0),
                    _mm256_cmp_pd::<_CMP_LT_OQ>(self.1, b.1),
                )
            }
        }
        #[inline(always)]
        fn gt(self, b: Self) -> u8 {
            // SAFETY: see the impl.
            unsafe {
                Self::bits(
                    _mm256_cmp_pd::<_CMP_GT_OQ>(self.0, b.0),
                    _mm256_cmp_pd::<_CMP_GT_OQ>(self.1, b.1),
                )
            }
        }
    }

    /// [`super::sweeps`] in `L`'s registers, for `mode = (the sequence is
    /// proven, the grid is bounded)`.
    #[inline(always)]
    fn sweeps<L: Lanes>(
        s: &mut Skewed,
        masks: &[u8],
        st: &Stencil,
        exact: &ExactDiv,
        iters: usize,
        mode: (bool, bool),
    ) {
        match mode {
            (true, true) => super::sweeps::<L, true, true>(s, masks, st, exact, iters),
            (true, false) => super::sweeps::<L, true, false>(s, masks, st, exact, iters),
            (false, _) => super::sweeps::<L, false, true>(s, masks, st, exact, iters),
        }
    }

    /// The sweeps in AVX-512 registers.
    ///
    /// # Safety
    /// The CPU has AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn sweeps_avx512(
        s: &mut Skewed,
        masks: &[u8],
        st: &Stencil,
        exact: &ExactDiv,
        iters: usize,
        mode: (bool, bool),
    ) {
        sweeps::<Avx512>(s, masks, st, exact, iters, mode);
    }

    /// The sweeps in AVX2 registers.
    ///
    /// # Safety
    /// The CPU has AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn sweeps_avx2(
        s: &mut Skewed,
        masks: &[u8],
        st: &Stencil,
        exact: &ExactDiv,
        iters: usize,
        mode: (bool, bool),
    ) {
        sweeps::<Avx2>(s, masks, st, exact, iters, mode);
    }
}
