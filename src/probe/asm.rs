//! Instruction-level probes in inline assembly, so that the compiler can
//! neither vectorise, reorder nor fold what is measured. x86-64 only; every
//! function returns `None` where the instructions are unavailable.
//!
//! Each probe runs `n` iterations of an unrolled block: one dependent chain
//! (latency) or eight independent chains (throughput), and returns seconds
//! per instruction.

use std::arch::asm;
use std::hint::black_box;
use std::time::Instant;

/// An FP operation the probes measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `vaddsd` / `vaddpd`.
    Add,
    /// `vmulsd` / `vmulpd`.
    Mul,
    /// `vfmadd231sd` / `vfmadd231pd`.
    Fma,
    /// `vdivsd` / `vdivpd`.
    Div,
}

/// Instructions per unrolled block.
const BLOCK: u64 = 64;

fn best_of<F: FnMut() -> f64>(mut f: F) -> f64 {
    (0..5).map(|_| f()).fold(f64::INFINITY, f64::min)
}

fn time(n: u64, f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64() / (n * BLOCK) as f64
}

/// Seconds per cycle, from a chain of dependent integer adds (one cycle each
/// on every x86-64 core of the last twenty years).
pub fn cycle_seconds() -> Option<f64> {
    let n = black_box(2_000_000u64);
    Some(best_of(|| {
        let mut x = 0u64;
        time(n, || {
            // SAFETY: register-only arithmetic and a counted loop; no memory,
            // no stack, flags clobbered (declared by default).
            unsafe {
                asm!(
                    "2:",
                    ".rept 64",
                    "add {x}, 1",
                    ".endr",
                    "dec {n}",
                    "jnz 2b",
                    x = inout(reg) x,
                    n = inout(reg) n => _,
                    options(nomem, nostack),
                );
            }
            black_box(x);
        })
    }))
}

macro_rules! scalar_probe {
    ($name:ident, $insn:literal, $feature:literal) => {
        #[target_feature(enable = $feature)]
        unsafe fn $name(latency: bool, n: u64) -> f64 {
            // Values that stay normal for any n: x*1, x/1.0000001, x+1e-300.
            let c: f64 = if $insn.contains("div") { 1.000_000_1 } else if $insn.contains("add") { 1e-300 } else { 1.0 };
            let mut a = [1.25f64; 8];
            let start = Instant::now();
            if latency {
                {
                    // SAFETY: register-only FP arithmetic and a counted loop.
                    unsafe {
                        asm!(
                            "2:",
                            ".rept 64",
                            concat!($insn, " {a0}, {a0}, {c}"),
                            ".endr",
                            "dec {n}",
                            "jnz 2b",
                            a0 = inout(xmm_reg) a[0],
                            c = in(xmm_reg) c,
                            n = inout(reg) n => _,
                            options(nomem, nostack),
                        );
                    }
                }
            } else {
                {
                    // SAFETY: register-only FP arithmetic and a counted loop.
                    unsafe {
                        asm!(
                            "2:",
                            ".rept 8",
                            concat!($insn, " {a0}, {a0}, {c}"),
                            concat!($insn, " {a1}, {a1}, {c}"),
                            concat!($insn, " {a2}, {a2}, {c}"),
                            concat!($insn, " {a3}, {a3}, {c}"),
                            concat!($insn, " {a4}, {a4}, {c}"),
                            concat!($insn, " {a5}, {a5}, {c}"),
                            concat!($insn, " {a6}, {a6}, {c}"),
                            concat!($insn, " {a7}, {a7}, {c}"),
                            ".endr",
                            "dec {n}",
                            "jnz 2b",
                            a0 = inout(xmm_reg) a[0],
                            a1 = inout(xmm_reg) a[1],
                            a2 = inout(xmm_reg) a[2],
                            a3 = inout(xmm_reg) a[3],
                            a4 = inout(xmm_reg) a[4],
                            a5 = inout(xmm_reg) a[5],
                            a6 = inout(xmm_reg) a[6],
                            a7 = inout(xmm_reg) a[7],
                            c = in(xmm_reg) c,
                            n = inout(reg) n => _,
                            options(nomem, nostack),
                        );
                    }
                }
            }
            let secs = start.elapsed().as_secs_f64() / (n * BLOCK) as f64;
            black_box(a);
            secs
        }
    };
}

scalar_probe!(add_sd, "vaddsd", "avx");
scalar_probe!(mul_sd, "vmulsd", "avx");
scalar_probe!(fma_sd, "vfmadd231sd", "fma");
scalar_probe!(div_sd, "vdivsd", "avx");

macro_rules! vector_probe {
    ($name:ident, $insn:literal, $class:ident, $feature:literal, $ty:ty, $splat:expr) => {
        #[target_feature(enable = $feature)]
        unsafe fn $name(n: u64) -> f64 {
            let c: $ty = $splat(if $insn.contains("div") { 1.000_000_1 } else if $insn.contains("add") { 1e-300 } else { 1.0 });
            let mut a: [$ty; 8] = [$splat(1.25); 8];
            let start = Instant::now();
            {
                // SAFETY: register-only FP arithmetic and a counted loop.
                unsafe {
                    asm!(
                        "2:",
                        ".rept 8",
                        concat!($insn, " {a0}, {a0}, {c}"),
                        concat!($insn, " {a1}, {a1}, {c}"),
                        concat!($insn, " {a2}, {a2}, {c}"),
                        concat!($insn, " {a3}, {a3}, {c}"),
                        concat!($insn, " {a4}, {a4}, {c}"),
                        concat!($insn, " {a5}, {a5}, {c}"),
                        concat!($insn, " {a6}, {a6}, {c}"),
                        concat!($insn, " {a7}, {a7}, {c}"),
                        ".endr",
                        "dec {n}",
                        "jnz 2b",
                        a0 = inout($class) a[0],
                        a1 = inout($class) a[1],
                        a2 = inout($class) a[2],
                        a3 = inout($class) a[3],
                        a4 = inout($class) a[4],
                        a5 = inout($class) a[5],
                        a6 = inout($class) a[6],
                        a7 = inout($class) a[7],
                        c = in($class) c,
                        n = inout(reg) n => _,
                        options(nomem, nostack),
                    );
                }
            }
            let secs = start.elapsed().as_secs_f64() / (n * BLOCK) as f64;
            black_box(a);
            secs
        }
    };
}

use std::arch::x86_64::{__m256d, __m512d, _mm256_set1_pd, _mm512_set1_pd};

vector_probe!(add_ymm, "vaddpd", ymm_reg, "avx", __m256d, |x| {
    _mm256_set1_pd(x)
});
vector_probe!(mul_ymm, "vmulpd", ymm_reg, "avx", __m256d, |x| {
    _mm256_set1_pd(x)
});
vector_probe!(fma_ymm, "vfmadd231pd", ymm_reg, "avx,fma", __m256d, |x| {
    _mm256_set1_pd(x)
});
vector_probe!(div_ymm, "vdivpd", ymm_reg, "avx", __m256d, |x| {
    _mm256_set1_pd(x)
});
vector_probe!(add_zmm, "vaddpd", zmm_reg, "avx512f", __m512d, |x| {
    _mm512_set1_pd(x)
});
vector_probe!(mul_zmm, "vmulpd", zmm_reg, "avx512f", __m512d, |x| {
    _mm512_set1_pd(x)
});
vector_probe!(fma_zmm, "vfmadd231pd", zmm_reg, "avx512f", __m512d, |x| {
    _mm512_set1_pd(x)
});
vector_probe!(div_zmm, "vdivpd", zmm_reg, "avx512f", __m512d, |x| {
    _mm512_set1_pd(x)
});

fn has(feature: &str) -> bool {
    match feature {
        "avx" => std::is_x86_feature_detected!("avx"),
        "fma" => std::is_x86_feature_detected!("fma"),
        "avx512f" => std::is_x86_feature_detected!("avx512f"),
        _ => false,
    }
}

/// Seconds per dependent scalar `op` (latency) or per independent one
/// (reciprocal throughput).
pub fn scalar(op: Op, latency: bool) -> Option<f64> {
    let n = black_box(if op == Op::Div { 100_000 } else { 400_000 });
    let needed = if op == Op::Fma { "fma" } else { "avx" };
    if !has(needed) {
        return None;
    }
    Some(best_of(|| {
        // SAFETY: the instruction set each probe needs was detected above.
        unsafe {
            match op {
                Op::Add => add_sd(latency, n),
                Op::Mul => mul_sd(latency, n),
                Op::Fma => fma_sd(latency, n),
                Op::Div => div_sd(latency, n),
            }
        }
    }))
}

/// Seconds per independent vector `op` at the widest width the CPU has, and
/// that width in doubles (8 with AVX-512, 4 with AVX).
pub fn vector(op: Op) -> Option<(f64, usize)> {
    let n = black_box(if op == Op::Div { 50_000 } else { 200_000 });
    if has("avx512f") {
        let secs = best_of(|| {
            // SAFETY: AVX-512F was detected above.
            unsafe {
                match op {
                    Op::Add => add_zmm(n),
                    Op::Mul => mul_zmm(n),
                    Op::Fma => fma_zmm(n),
                    Op::Div => div_zmm(n),
                }
            }
        });
        return Some((secs, 8));
    }
    if !has("avx") || (op == Op::Fma && !has("fma")) {
        return None;
    }
    let secs = best_of(|| {
        // SAFETY: AVX (and FMA for the FMA probe) was detected above.
        unsafe {
            match op {
                Op::Add => add_ymm(n),
                Op::Mul => mul_ymm(n),
                Op::Fma => fma_ymm(n),
                Op::Div => div_ymm(n),
            }
        }
    });
    Some((secs, 4))
}
