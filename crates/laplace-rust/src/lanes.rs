//! What the hand-vectorised kernels do the same way, written once:
//! Markstein's correctly rounded division by a constant
//! ([`laplace_core::exact_div`]) in vector registers, and the one-lane
//! moves that build a row's left and right neighbours (or a band's upper
//! and lower ones) from whole vectors.
//!
//! Every function is `inline(always)` and meant to be inlined into a
//! function that enables the feature it needs: the intrinsics are then the
//! caller's instructions.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::{
    __m256d, __m512d, _mm256_fmadd_pd, _mm256_fnmadd_pd, _mm256_mul_pd, _mm256_permute2f128_pd,
    _mm256_shuffle_pd, _mm512_alignr_epi64, _mm512_castpd_si512, _mm512_castsi512_pd,
    _mm512_fmadd_pd, _mm512_fnmadd_pd, _mm512_mul_pd,
};

/// `s / d` in eight lanes, given `y = RN(1/d)`: `q = s*y`, then
/// `fma(fma(-q, d, s), y, q)`.
///
/// # Safety
/// The CPU has AVX-512F.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub unsafe fn div512(s: __m512d, y: __m512d, d: __m512d) -> __m512d {
    // SAFETY: the caller's.
    unsafe {
        let q = _mm512_mul_pd(s, y);
        _mm512_fmadd_pd(_mm512_fnmadd_pd(q, d, s), y, q)
    }
}

/// `s / d` in four lanes, given `y = RN(1/d)`, as [`div512`].
///
/// # Safety
/// The CPU has AVX and FMA.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub unsafe fn div256(s: __m256d, y: __m256d, d: __m256d) -> __m256d {
    // SAFETY: the caller's.
    unsafe {
        let q = _mm256_mul_pd(s, y);
        _mm256_fmadd_pd(_mm256_fnmadd_pd(q, d, s), y, q)
    }
}

/// `[prev[7], cur[0..7]]`: `cur` moved up one lane, the last of `prev` in
/// front (a row's left neighbours; `valignq`).
///
/// # Safety
/// The CPU has AVX-512F.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub unsafe fn after512(prev: __m512d, cur: __m512d) -> __m512d {
    // SAFETY: the caller's.
    unsafe {
        _mm512_castsi512_pd(_mm512_alignr_epi64::<7>(
            _mm512_castpd_si512(cur),
            _mm512_castpd_si512(prev),
        ))
    }
}

/// `[cur[1..8], next[0]]`: `cur` moved down one lane, the first of `next`
/// behind (a row's right neighbours).
///
/// # Safety
/// The CPU has AVX-512F.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub unsafe fn before512(cur: __m512d, next: __m512d) -> __m512d {
    // SAFETY: the caller's.
    unsafe {
        _mm512_castsi512_pd(_mm512_alignr_epi64::<1>(
            _mm512_castpd_si512(next),
            _mm512_castpd_si512(cur),
        ))
    }
}

/// `[prev[3], cur[0], cur[1], cur[2]]`, as [`after512`] in four lanes.
///
/// # Safety
/// The CPU has AVX.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub unsafe fn after256(prev: __m256d, cur: __m256d) -> __m256d {
    // SAFETY: the caller's.
    unsafe { _mm256_shuffle_pd::<0b0101>(_mm256_permute2f128_pd::<0x21>(prev, cur), cur) }
}

/// `[cur[1], cur[2], cur[3], next[0]]`, as [`before512`] in four lanes.
///
/// # Safety
/// The CPU has AVX.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub unsafe fn before256(cur: __m256d, next: __m256d) -> __m256d {
    // SAFETY: the caller's.
    unsafe { _mm256_shuffle_pd::<0b0101>(cur, _mm256_permute2f128_pd::<0x21>(cur, next)) }
}
