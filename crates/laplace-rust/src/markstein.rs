//! Markstein's correctly rounded division by a constant
//! ([`laplace_core::exact_div`]) in vector registers: `q = s*y`, then
//! `fma(fma(-q, d, s), y, q)`, the one sequence every vector kernel with
//! the FMA division uses. Whether a numerator's range must be tested, and
//! how, stays with each kernel.
//!
//! Both are `inline(always)` and meant to be inlined into a function that
//! enables the feature they need: the intrinsics are then the caller's
//! instructions.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::{
    __m256d, __m512d, _mm256_fmadd_pd, _mm256_fnmadd_pd, _mm256_mul_pd, _mm512_fmadd_pd,
    _mm512_fnmadd_pd, _mm512_mul_pd,
};

/// `s / d` in eight lanes, given `y = RN(1/d)`.
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

/// `s / d` in four lanes, given `y = RN(1/d)`.
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
