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

/// Cycles of one 64-bit `imul r64, r64`: 3 on every x86-64 core since
/// Intel Core 2 and AMD K8, through Golden Cove, Zen 5 and their successors.
pub const IMUL_LATENCY_CYCLES: f64 = 3.0;

/// Seconds per cycle, from a chain of dependent 64-bit integer multiplies.
///
/// Not a chain of adds: recent Intel cores (Golden Cove and later) fold
/// dependent adds of immediates at rename and retire several per cycle, which
/// read the clock as 18 GHz on a 3.4 GHz Xeon. No core eliminates or fuses a
/// multiply.
pub fn cycle_seconds() -> Option<f64> {
    let n = black_box(500_000u64);
    let secs_per_imul = best_of(|| {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let y = black_box(0xD1B5_4A32_D192_ED03u64);
        time(n, || {
            // SAFETY: register-only arithmetic and a counted loop; no memory,
            // no stack, flags clobbered (declared by default).
            unsafe {
                asm!(
                    "2:",
                    ".rept 64",
                    "imul {x}, {y}",
                    ".endr",
                    "dec {n}",
                    "jnz 2b",
                    x = inout(reg) x,
                    y = in(reg) y,
                    n = inout(reg) n => _,
                    options(nomem, nostack),
                );
            }
            black_box(x);
        })
    });
    Some(secs_per_imul / IMUL_LATENCY_CYCLES)
}

/// Time-stamp counter ticks per second, against the OS clock over 50 ms.
/// The TSC ticks at a fixed nominal rate, not at the core's current clock.
pub fn tsc_hz() -> Option<f64> {
    if !std::is_x86_feature_detected!("sse2") {
        return None;
    }
    // SAFETY: `rdtsc` has no preconditions on x86-64.
    let read = || unsafe { std::arch::x86_64::_rdtsc() };
    let start = Instant::now();
    let t0 = read();
    while start.elapsed().as_secs_f64() < 0.05 {
        std::hint::spin_loop();
    }
    let (t1, secs) = (read(), start.elapsed().as_secs_f64());
    (t1 > t0).then(|| (t1 - t0) as f64 / secs)
}

/// The Gauss-Seidel dependency chains, each in the exact instruction order a
/// compiler emits for `((n + s) * dy2 + (e + w) * dx2) / d` (see
/// [`laplace_core::results::Chain`]), with the seed problem's constants
/// (`dx2 = dy2 = 0.01`, `d = 0.04`), so the divider sees the operands it sees
/// in the kernels. The chain converges to 1/3 and stays normal.
/// Returns seconds per update.
pub fn chain(chain: laplace_core::results::Chain) -> Option<f64> {
    use laplace_core::results::Chain;
    if !has("avx") || !has("fma") {
        return None;
    }
    let n = black_box(20_000u64);
    Some(best_of(|| {
        // SAFETY: AVX and FMA were detected above.
        unsafe {
            match chain {
                Chain::AddMulAddDiv => chain_add_mul_add_div(n),
                Chain::AddMulFmaDiv => chain_add_mul_fma_div(n),
                Chain::AddMulFmaMul => chain_add_mul_fma_mul(n),
            }
        }
    }))
}

macro_rules! chain_probe {
    ($name:ident, $last:literal, [$($insn:literal),*]) => {
        #[target_feature(enable = "avx,fma")]
        unsafe fn $name(n: u64) -> f64 {
            // e = u[i,j+1], v = u[i+1,j] + u[i-1,j], h = dx2 = dy2, d = 2(dx2+dy2)
            // (or its reciprocal for the fast-math chain).
            let (e, v, h) = (0.5f64, 0.5f64, 0.01f64);
            let t = v * h;
            let d: f64 = $last;
            let mut w = 0.25f64;
            let start = Instant::now();
            // SAFETY: register-only FP arithmetic and a counted loop.
            unsafe {
                asm!(
                    // Every operand is named, used or not: a comment uses them.
                    "/* {v} {t} {h} {e} */",
                    "2:",
                    ".rept 64",
                    $($insn,)*
                    ".endr",
                    "dec {n}",
                    "jnz 2b",
                    w = inout(xmm_reg) w,
                    e = in(xmm_reg) e,
                    v = in(xmm_reg) v,
                    h = in(xmm_reg) h,
                    t = in(xmm_reg) t,
                    d = in(xmm_reg) d,
                    n = inout(reg) n => _,
                    options(nomem, nostack),
                );
            }
            let secs = start.elapsed().as_secs_f64() / (n * BLOCK) as f64;
            black_box((w, v, t));
            secs
        }
    };
}

// rustc, no contraction: w + e, * dx2, + (n + s) * dy2, / d.
chain_probe!(
    chain_add_mul_add_div,
    0.04,
    [
        "vaddsd {w}, {w}, {e}",
        "vmulsd {w}, {w}, {h}",
        "vaddsd {w}, {w}, {t}",
        "vdivsd {w}, {w}, {d}"
    ]
);
// gcc and gfortran contract the outer add: the chained value is the addend.
chain_probe!(
    chain_add_mul_fma_div,
    0.04,
    [
        "vaddsd {w}, {w}, {e}",
        "vmulsd {w}, {w}, {h}",
        "vfmadd231sd {w}, {v}, {h}",
        "vdivsd {w}, {w}, {d}"
    ]
);
// gcc -ffast-math: the division becomes a multiply by 1/d.
chain_probe!(
    chain_add_mul_fma_mul,
    25.0,
    [
        "vaddsd {w}, {w}, {e}",
        "vmulsd {w}, {w}, {h}",
        "vfmadd231sd {w}, {v}, {h}",
        "vmulsd {w}, {w}, {d}"
    ]
);

/// Seconds per update of `chain` run as a Gauss-Seidel sweep runs it: rows
/// of `len` updates with the loads and the store of the minimal loop, each
/// row's chain starting afresh from its boundary value. Out-of-order cores
/// overlap the end of one row's chain with the start of the next, so rows of
/// a few hundred points run faster than the unbroken chain of [`chain`].
pub fn chain_rows(chain: laplace_core::results::Chain, len: usize) -> Option<f64> {
    use laplace_core::results::Chain;
    // Whole groups of four, as the unrolled loop runs them.
    let len = len - len % 4;
    if !has("avx") || !has("fma") || len == 0 {
        return None;
    }
    // Rows above, being updated and below, with their two boundary columns.
    let up = vec![0.5f64; len + 2];
    let down = vec![0.5f64; len + 2];
    let mut mid = vec![0.3f64; len + 2];
    let rows = (2_000_000 / len).max(1);
    let secs = best_of(|| {
        let start = Instant::now();
        // SAFETY: AVX and FMA were detected above; the rows hold len + 2
        // values each and the loop touches columns 0..=len+1 only.
        unsafe {
            match chain {
                Chain::AddMulAddDiv => rows_add_mul_add_div(&up, &mut mid, &down, len, rows),
                Chain::AddMulFmaDiv => rows_add_mul_fma_div(&up, &mut mid, &down, len, rows),
                Chain::AddMulFmaMul => rows_add_mul_fma_mul(&up, &mut mid, &down, len, rows),
            }
        }
        start.elapsed().as_secs_f64() / (rows * len) as f64
    });
    black_box(&mid);
    Some(secs)
}

macro_rules! rows_probe {
    ($name:ident, $last:literal, [$($insn:literal),*]) => {
        /// # Safety
        /// The CPU has AVX and FMA; `up`, `mid`, `down` hold `len + 2`
        /// values; `len` is a positive multiple of 4.
        #[target_feature(enable = "avx,fma")]
        unsafe fn $name(up: &[f64], mid: &mut [f64], down: &[f64], len: usize, rows: usize) {
            assert!(len > 0 && len % 4 == 0);
            assert!(up.len() >= len + 2 && mid.len() >= len + 2 && down.len() >= len + 2);
            let (h, d) = (0.01f64, $last);
            // SAFETY: every address is column 0..=len+1 of one of the three
            // rows (checked above); register-only otherwise. Unrolled four
            // times with one index, as the compilers emit the loop.
            unsafe {
                asm!(
                    "/* {h} {d} */",
                    "2:",
                    "xor {k}, {k}",
                    "vmovsd {w}, qword ptr [{mid}]",
                    "3:",
                    ".irp off, 0, 8, 16, 24",
                    // w + u[i, j+1]; u[i-1, j] + u[i+1, j]
                    "vaddsd {w}, {w}, qword ptr [{mid} + {k} * 8 + \\off + 16]",
                    "vmovsd {f}, qword ptr [{up} + {k} * 8 + \\off + 8]",
                    "vaddsd {f}, {f}, qword ptr [{down} + {k} * 8 + \\off + 8]",
                    $($insn,)*
                    "vmovsd qword ptr [{mid} + {k} * 8 + \\off + 8], {w}",
                    ".endr",
                    "add {k}, 4",
                    "cmp {k}, {len}",
                    "jb 3b",
                    "dec {rows}",
                    "jnz 2b",
                    mid = in(reg) mid.as_mut_ptr(),
                    up = in(reg) up.as_ptr(),
                    down = in(reg) down.as_ptr(),
                    len = in(reg) len,
                    rows = inout(reg) rows => _,
                    k = out(reg) _,
                    w = out(xmm_reg) _,
                    f = out(xmm_reg) _,
                    h = in(xmm_reg) h,
                    d = in(xmm_reg) d,
                    options(nostack),
                );
            }
        }
    };
}

rows_probe!(
    rows_add_mul_add_div,
    0.04f64,
    [
        "vmulsd {w}, {w}, {h}",
        "vmulsd {f}, {f}, {h}",
        "vaddsd {w}, {w}, {f}",
        "vdivsd {w}, {w}, {d}"
    ]
);
rows_probe!(
    rows_add_mul_fma_div,
    0.04f64,
    [
        "vmulsd {w}, {w}, {h}",
        "vfmadd231sd {w}, {f}, {h}",
        "vdivsd {w}, {w}, {d}"
    ]
);
rows_probe!(
    rows_add_mul_fma_mul,
    25.0f64,
    [
        "vmulsd {w}, {w}, {h}",
        "vfmadd231sd {w}, {f}, {h}",
        "vmulsd {w}, {w}, {d}"
    ]
);

/// Seconds per independent divide of `lanes` doubles (1, 2, 4 or 8), each
/// `0.37 / 0.04` as in the stencil (operands from outside the loop, so no
/// chain forms). `None` where the width is not available.
pub fn divide_throughput(lanes: usize) -> Option<f64> {
    let needed = if lanes == 8 { "avx512f" } else { "avx" };
    if !has(needed) || ![1, 2, 4, 8].contains(&lanes) {
        return None;
    }
    let n = black_box(20_000u64);
    Some(best_of(|| {
        // SAFETY: the instruction set of each width was detected above.
        unsafe {
            match lanes {
                1 => div_tp_sd(n),
                2 => div_tp_xmm(n),
                4 => div_tp_ymm(n),
                _ => div_tp_zmm(n),
            }
        }
    }))
}

macro_rules! div_throughput_probe {
    ($name:ident, $insn:literal, $class:ident, $feature:literal, $ty:ty, $splat:expr) => {
        #[target_feature(enable = $feature)]
        unsafe fn $name(n: u64) -> f64 {
            let (b, c): ($ty, $ty) = ($splat(0.37), $splat(0.04));
            let mut a: [$ty; 4] = [$splat(0.0); 4];
            let start = Instant::now();
            // SAFETY: register-only FP arithmetic and a counted loop.
            unsafe {
                asm!(
                    "2:",
                    ".rept 16",
                    concat!($insn, " {a0}, {b}, {c}"),
                    concat!($insn, " {a1}, {b}, {c}"),
                    concat!($insn, " {a2}, {b}, {c}"),
                    concat!($insn, " {a3}, {b}, {c}"),
                    ".endr",
                    "dec {n}",
                    "jnz 2b",
                    a0 = out($class) a[0],
                    a1 = out($class) a[1],
                    a2 = out($class) a[2],
                    a3 = out($class) a[3],
                    b = in($class) b,
                    c = in($class) c,
                    n = inout(reg) n => _,
                    options(nomem, nostack),
                );
            }
            let secs = start.elapsed().as_secs_f64() / (n * BLOCK) as f64;
            black_box(a);
            secs
        }
    };
}

use std::arch::x86_64::{__m128d, _mm_set1_pd};

div_throughput_probe!(div_tp_sd, "vdivsd", xmm_reg, "avx", f64, |x: f64| x);
div_throughput_probe!(div_tp_xmm, "vdivpd", xmm_reg, "avx", __m128d, |x| {
    _mm_set1_pd(x)
});
div_throughput_probe!(div_tp_ymm, "vdivpd", ymm_reg, "avx", __m256d, |x| {
    _mm256_set1_pd(x)
});
div_throughput_probe!(div_tp_zmm, "vdivpd", zmm_reg, "avx512f", __m512d, |x| {
    _mm512_set1_pd(x)
});

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
