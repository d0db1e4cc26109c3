//! Tests that would catch a wrong rounding: 10^8 random numerators in
//! binary64 (random exponents, binade edges, stencil values) for the seed's
//! divisor and random ones, and every significand in binary32 for 3,000
//! divisors.

use super::*;
use crate::Problem;

/// SplitMix64: a small, fixed-seed generator (no dependency).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A significand in [1, 2): uniform, or within 64 ulps of either end.
    fn significand(&mut self) -> u64 {
        let m = self.next() & ((1 << 52) - 1);
        match self.next() % 4 {
            0 => m & 63,
            1 => ((1 << 52) - 1) - (m & 63),
            _ => m,
        }
    }
}

/// `s` for `d` with the exponent of `e`.
fn with_exponent(significand: u64, e: i32) -> f64 {
    f64::from_bits((((1023 + e) as u64) << 52) | significand)
}

#[test]
fn constants_are_the_powers_of_two_they_claim() {
    assert_eq!(ExactDiv::HALF_ULP, 2f64.powi(-54));
    assert_eq!(ExactDiv::TINY, 2f64.powi(-800));
    assert_eq!(ExactDiv::HUGE, 2f64.powi(800));
    assert_eq!(ExactDiv32::HALF_ULP, 2f32.powi(-25));
    assert_eq!(ExactDiv32::TINY, 2f32.powi(-80));
}

#[test]
fn the_seed_divisor_is_proven_and_others_may_not_be() {
    let seed = ExactDiv::new(Problem::SEED.stencil().denom);
    assert!(seed.fast, "{seed:?}");
    assert_eq!(seed.path(), "fma-division");
    // dx = 0.1, dy = 0.13: |d*RN(1/d) - 1| = 1.13 * 2^-54, not proven.
    let p = Problem {
        dy: 0.13,
        ..Problem::SEED
    };
    let other = ExactDiv::new(p.stencil().denom);
    assert!(!other.fast);
    assert_eq!(other.path(), "divide");
    for bad in [0.0, -1.0, f64::INFINITY, f64::NAN, 1e-200, 1e200] {
        assert!(!ExactDiv::new(bad).fast, "{bad}");
    }
}

#[test]
fn div_is_the_ieee_quotient_outside_the_proven_range_too() {
    let e = ExactDiv::new(Problem::SEED.stencil().denom);
    for s in [
        0.0,
        -0.0,
        1e-300,
        -1e-310,
        f64::MIN_POSITIVE,
        1e300,
        f64::MAX,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        assert_eq!(e.div(s).to_bits(), (s / e.d).to_bits(), "{s:e}");
    }
    assert!(e.div(f64::NAN).is_nan());
}

/// Checks `n` numerators for `e`, drawn by `draw`; returns how many the
/// sequence got wrong (it must be none when `e.fast`).
fn wrong(e: &ExactDiv, n: usize, rng: &mut Rng, draw: fn(&mut Rng) -> f64) -> usize {
    (0..n)
        .filter(|_| {
            let s = draw(rng);
            e.in_range(s) && e.markstein(s).to_bits() != (s / e.d).to_bits()
        })
        .count()
}

/// A numerator from anywhere in the proven range, binade edges favoured.
fn any_numerator(rng: &mut Rng) -> f64 {
    let e = (rng.next() % 1600) as i32 - 800;
    let s = with_exponent(rng.significand(), e);
    if rng.next() & 1 == 0 { s } else { -s }
}

/// A numerator as the stencil forms it: `(a + b) * dy2 + (c + e) * dx2`
/// with grid values in [0, 1] (the seed's spacings; scaled by a power of
/// two, which the sequence commutes with).
fn stencil_numerator(rng: &mut Rng) -> f64 {
    let (dx2, dy2) = (0.1f64 * 0.1, 0.1f64 * 0.1);
    let u = |rng: &mut Rng| rng.unit() * rng.unit().powi((rng.next() % 8) as i32);
    (u(rng) + u(rng)) * dy2 + (u(rng) + u(rng)) * dx2
}

#[test]
fn ten_to_the_eight_random_numerators_are_divided_exactly() {
    let mut rng = Rng(0x5eed);
    let seed = ExactDiv::new(Problem::SEED.stencil().denom);
    // 5 * 10^7 for the seed's divisor, half anywhere, half stencil values.
    assert_eq!(wrong(&seed, 25_000_000, &mut rng, any_numerator), 0);
    assert_eq!(wrong(&seed, 25_000_000, &mut rng, stencil_numerator), 0);
    // 5 * 10^7 over 500 random divisors: every proven one exact. (The
    // unproven ones are counted, not asserted: the condition is sufficient,
    // not necessary, and none has been seen to fail.)
    let (mut proven, mut unproven_wrong) = (0, 0);
    for _ in 0..500 {
        let d = with_exponent(rng.significand(), (rng.next() % 40) as i32 - 20);
        let e = ExactDiv::new(d);
        let bad = wrong(&e, 100_000, &mut rng, any_numerator);
        if e.fast {
            proven += 1;
            assert_eq!(bad, 0, "d = {d:e} is proven, yet {bad} quotients differ");
        } else if bad > 0 {
            unproven_wrong += 1;
        }
    }
    assert!(proven > 250, "{proven} of 500 divisors proven");
    eprintln!("binary64: {proven} of 500 divisors proven; {unproven_wrong} unproven ones failed");
}

/// Every significand of `[1, 2)` in binary32 for `d`: how many the sequence
/// gets wrong.
fn wrong32(e: &ExactDiv32) -> usize {
    (0..1u32 << 23)
        .filter(|m| {
            let s = f32::from_bits((127 << 23) | m);
            e.markstein(s).to_bits() != (s / e.d).to_bits()
        })
        .count()
}

#[test]
fn every_binary32_significand_for_3000_divisors() {
    let mut rng = Rng(0xf32);
    let divisors: Vec<f32> = (0..3000)
        .map(|_| f32::from_bits((127 << 23) | (rng.next() as u32 & ((1 << 23) - 1))))
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let results: Vec<(bool, usize)> = std::thread::scope(|scope| {
        let chunks: Vec<_> = divisors
            .chunks(divisors.len().div_ceil(threads))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|&d| {
                            let e = ExactDiv32::new(d);
                            (e.fast, wrong32(&e))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        chunks.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    for (&d, &(fast, bad)) in divisors.iter().zip(&results) {
        assert!(
            !fast || bad == 0,
            "d = {d:e} is proven, yet {bad} quotients differ"
        );
    }
    let proven = results.iter().filter(|r| r.0).count();
    let unproven_wrong = results.iter().filter(|r| !r.0 && r.1 > 0).count();
    assert!(proven > 1500, "{proven} of 3000 proven");
    // Not asserted (see above): seen 0 of about 1,000.
    eprintln!("binary32: {proven} of 3000 divisors proven; {unproven_wrong} unproven ones failed");
}

#[test]
fn the_range_is_proven_only_for_grids_of_plus_zeros_and_large_enough_values() {
    let (dx2, dy2) = (0.01, 0.01);
    let proves = |grid: &[f64], sweeps| ExactDiv::proves_range(grid, sweeps, dx2, dy2);
    // The seed's initial grid: +0 and 1.
    assert!(proves(&[0.0, 1.0, 0.0, 0.5], ExactDiv::RECHECK));
    // -0, negatives, NaN and values beyond the grid bound are not.
    for bad in [-0.0, -1.0, f64::NAN, f64::INFINITY, 2f64.powi(701)] {
        assert!(!proves(&[1.0, bad], 1), "{bad}");
    }
    // m w^k min(dx2, dy2) >= 2 TINY with w = 1/4: 2^-600 holds for 64
    // sweeps (2^-600 * 2^-128 * 0.01 > 2^-799), 2^-700 does not.
    assert!(proves(&[2f64.powi(-600)], 64));
    assert!(!proves(&[2f64.powi(-700)], 64));
    assert!(proves(&[2f64.powi(-700)], 8));
    // A weight so small that the bound is not finite proves nothing.
    assert!(!ExactDiv::proves_range(&[1.0], 64, 1e-300, 1.0));
}
