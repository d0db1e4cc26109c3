//! Division by the problem's constant `d = 2(dx2 + dy2)`, correctly rounded
//! without the divider: one multiply and two FMAs.
//!
//! With `y = RN(1/d)` computed once, each quotient is
//!
//! ```text
//! q  = RN(s * y)          a multiply
//! r  = RN(s - d * q)      an FMA; exact (below)
//! q' = RN(q + r * y)      an FMA: q' = RN(s / d), the IEEE quotient
//! ```
//!
//! **Why it is exact.** Markstein's theorem (P. Markstein, "Computation of
//! elementary functions on the IBM RISC System/6000 processor", IBM J. Res.
//! Dev. 34(1), 1990; stated as the theorem on Markstein's iteration in
//! Muller et al., *Handbook of Floating-Point Arithmetic*, 2nd ed., 2018):
//! in binary floating point of precision `p`, rounding to nearest, if `y`
//! approximates `1/d` with relative error below `2^-p` and `q` is a faithful
//! rounding of `s/d` (one of the two floats around it), then
//! `r = s - d*q` is a float (the FMA computes it exactly) and
//! `RN(q + r*y) = RN(s/d)`, barring underflow and overflow. Brisebarre,
//! Muller and Raina ("Accelerating correctly rounded floating-point division
//! when the divisor is known in advance", IEEE Trans. Computers 53(8), 2004)
//! study this sequence with a precomputed reciprocal.
//!
//! `y = RN(1/d)` meets the first condition always. The second is not
//! automatic: `RN(s*y)` can be 1.5 ulp from `s/d`. It holds for every `s`
//! when `delta = d*y - 1` satisfies `|delta| <= 2^-(p+1)`:
//! with `X = s/d` in `[2^E, 2^(E+1))`, `s*y = X(1 + delta)` and
//! `|X * delta| < 2^(E+1) 2^-(p+1) = ulp(X)/2`, so `s*y` stays strictly
//! inside the interval that rounds to `RD(X)` or `RU(X)` (below `2^E` the
//! spacing halves, and `X(1 - |delta|) > 2^E - ulp(X)/4` still holds because
//! `X > 2^E`; an `X` that is a float is returned exactly). The FMA computes
//! `delta` exactly (`d*y - 1` is a multiple of `2^-2p` below `2^-p` in
//! magnitude), so the check is exact too: [`ExactDiv::new`] makes it once
//! per problem and falls back to the divider when it fails, saying so in
//! [`ExactDiv::path`]. For the seed's `d = 0.04` (as rounded),
//! `|delta| = 0.94 * 2^-54`: the fast path holds.
//!
//! Underflow and overflow are the other conditions: outside
//! `[ExactDiv::TINY, ExactDiv::HUGE]` (2^-800 to 2^800, far from the
//! subnormals and infinity, so that `q`, `r` and `r*y` are normal)
//! [`ExactDiv::div`] divides, and a divisor outside `[2^-100, 2^100]` is not
//! given the fast path. Zero, infinities and NaN are divided too.
//!
//! The same sequence and check in binary32 ([`ExactDiv32`]) are tested
//! exhaustively over every significand for 3,000 divisors: every proven
//! divisor (about 70%) gives the IEEE quotient for all of them. The
//! condition is sufficient, not necessary: none of the unproven divisors
//! failed either (in binary32, exhaustively; in binary64, on 10^5 random
//! numerators each), so the fallback to the divider is conservative, and a
//! wider proof would extend the fast path.

/// Correctly rounded division by a constant, by Markstein's sequence where
/// it is proven for the divisor, by the divider where it is not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExactDiv {
    /// The divisor.
    pub d: f64,
    /// `RN(1/d)`.
    pub y: f64,
    /// Whether the sequence is proven for `d` (else [`ExactDiv::div`] divides).
    pub fast: bool,
}

macro_rules! exact_div_impl {
    ($name:ident, $f:ty, $bits:ty, $p:expr, $range:expr) => {
        impl $name {
            /// `2^k`, exactly.
            const fn pow2(k: i32) -> $f {
                <$f>::from_bits(((<$f>::MAX_EXP - 1 + k) as $bits) << ($p - 1))
            }

            /// The bound on `|d * RN(1/d) - 1|` that proves the sequence:
            /// `2^-(p+1)`.
            pub const HALF_ULP: $f = Self::pow2(-($p + 1));

            /// Numerators are divided by the sequence only in
            /// `[2^-range, 2^range]` in magnitude, and divisors only in
            /// `[2^-range/8, 2^range/8]`: then `q`, the residual and its
            /// product with `y` are normal and finite (the theorem's
            /// conditions), with room to spare.
            pub const TINY: $f = Self::pow2(-$range);
            /// See [`Self::TINY`].
            pub const HUGE: $f = Self::pow2($range);

            /// The divisor `d`, checked once: the fast sequence is used
            /// only if `d` is positive and within range and
            /// `|d * RN(1/d) - 1| <= 2^-(p+1)` (see the module
            /// documentation).
            pub fn new(d: $f) -> Self {
                let y = 1.0 / d;
                let in_range = (Self::pow2(-$range / 8)..=Self::pow2($range / 8)).contains(&d);
                // Exact: d*y - 1 is a multiple of 2^-2p, below 2^-p.
                let fast = in_range && d.mul_add(y, -1.0).abs() <= Self::HALF_ULP;
                $name { d, y, fast }
            }

            /// `RN(s / d)`: bit for bit what `s / self.d` returns.
            #[inline(always)]
            pub fn div(&self, s: $f) -> $f {
                if self.fast && self.in_range(s) {
                    self.markstein(s)
                } else {
                    s / self.d
                }
            }

            /// Whether [`Self::markstein`] is proven for numerator `s`
            /// (given [`Self::fast`]): `TINY <= |s| <= HUGE`.
            #[inline(always)]
            pub fn in_range(&self, s: $f) -> bool {
                let a = s.abs();
                (Self::TINY..=Self::HUGE).contains(&a)
            }

            /// The sequence alone, for kernels that test the range of a
            /// whole vector at once: `q = s*y`, `r = fma(-q, d, s)`,
            /// `fma(r, y, q)`. Correctly rounded when [`Self::fast`] and
            /// [`Self::in_range`].
            #[inline(always)]
            pub fn markstein(&self, s: $f) -> $f {
                let q = s * self.y;
                let r = (-q).mul_add(self.d, s);
                r.mul_add(self.y, q)
            }

            /// How [`Self::div`] divides: `fma-division`, or `divide` where
            /// the sequence is not proven for this divisor.
            pub fn path(&self) -> &'static str {
                if self.fast { "fma-division" } else { "divide" }
            }
        }
    };
}

exact_div_impl!(ExactDiv, f64, u64, 53, 800);

impl ExactDiv {
    /// Grids whose values all lie within this magnitude keep every stencil
    /// numerator below [`ExactDiv::HUGE`] in every sweep: a Jacobi or
    /// Gauss-Seidel update is a convex combination of its neighbours, so no
    /// sweep leaves `[-GRID_BOUND, GRID_BOUND]`, and a numerator is at most
    /// `GRID_BOUND * d <= 2^700 * 2^100` (the fast path needs `d <= 2^100`).
    pub const GRID_BOUND: f64 = f64::from_bits((1023 + 700) << 52);

    /// Whether every value of `grid` is within [`ExactDiv::GRID_BOUND`]: then
    /// a kernel need only test the lower end of its numerators' range.
    pub fn bounds_every_sweep(grid: &[f64]) -> bool {
        grid.iter().all(|x| x.abs() <= Self::GRID_BOUND)
    }

    /// How many sweeps a kernel runs between two looks with
    /// [`ExactDiv::proves_range`].
    pub const RECHECK: usize = 64;

    /// Whether the next `sweeps` Jacobi or Gauss-Seidel sweeps (not SOR
    /// with `omega > 1`, which can leave the neighbours' range) of `grid`,
    /// with spacings `dx2`, `dy2`, can skip the range test of the sequence:
    /// every value (boundary included) is `+0` or within `[m,
    /// GRID_BOUND]`, with `m w^sweeps min(dx2, dy2) >= 2 TINY`, where
    /// `w = min(dx2, dy2) / (2 (dx2 + dy2))` is the least weight of a
    /// neighbour.
    ///
    /// Why: a numerator of values that are `+0` or positive is `+0` (all
    /// four `+0`: the sequence gives `+0`, as the divider does) or at least
    /// its largest neighbour times `min(dx2, dy2)`; so an update is `+0` or
    /// at least `w` times its largest neighbour, and after `k` sweeps every
    /// value is `+0` or at least `m w^k` (less three roundings per update,
    /// a relative 2^-53 each, which the factor 2 covers). Every numerator
    /// of those sweeps is then `+0` or at least `TINY`, and below `HUGE` by
    /// [`ExactDiv::GRID_BOUND`]'s argument. A negative value, `-0` (which
    /// the sequence would turn into `+0`) or NaN fails the test.
    pub fn proves_range(grid: &[f64], sweeps: usize, dx2: f64, dy2: f64) -> bool {
        let small = dx2.min(dy2);
        let sweeps = i32::try_from(sweeps).unwrap_or(i32::MAX);
        let least = 2.0 * Self::TINY / (small * (small / (2.0 * (dx2 + dy2))).powi(sweeps));
        least.is_finite()
            && grid
                .iter()
                .all(|&v| v.to_bits() == 0 || (least..=Self::GRID_BOUND).contains(&v))
    }
}

/// [`ExactDiv`] in binary32: the same check and sequence at `p = 24`, for
/// the exhaustive test of the method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExactDiv32 {
    /// The divisor.
    pub d: f32,
    /// `RN(1/d)`.
    pub y: f32,
    /// Whether the sequence is proven for `d`.
    pub fast: bool,
}

exact_div_impl!(ExactDiv32, f32, u32, 24, 80);

#[cfg(test)]
mod tests;
