//! The pure-Rust kernels of laplace-shootout, one file each in `src/kernels/`.
//!
//! Every file defines `pub fn run(job: &mut Job) -> Result<(), KernelError>`
//! and is registered in the workspace registry with [`kernel!`]:
//!
//! ```ignore
//! laplace_rust::kernel!("rust/loop", GaussSeidel, loops)
//! ```

pub use laplace_core;

/// The kernels, one module per file of `src/kernels/` (declared by build.rs).
pub mod kernels {
    include!(concat!(env!("OUT_DIR"), "/kernels.rs"));
}

include!(concat!(env!("OUT_DIR"), "/build_info.rs"));

pub mod lanes;
pub mod simd;

#[cfg(test)]
mod exact_tests;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use laplace_core::{Job, KernelError, Stencil};

/// One Jacobi sweep: reads `src`, writes the interior of `dst` (both
/// `nx * ny`, row-major, `nx, ny >= 3`).
pub type JacobiSweep = fn(src: &[f64], dst: &mut [f64], nx: usize, ny: usize, s: &Stencil);

/// Runs a Jacobi kernel given its sweep: copies `u` into the scratch buffer
/// (so both carry the boundary), ping-pongs between the two, and leaves the
/// result in `u`.
pub fn jacobi_ping_pong(job: &mut Job<'_>, sweep: JacobiSweep) -> Result<(), KernelError> {
    jacobi_ping_pong_by(job, |_, _| sweep)
}

/// [`jacobi_ping_pong`] with the sweep chosen before each sweep by
/// `choose(sweep number, source grid)`.
pub fn jacobi_ping_pong_by(
    job: &mut Job<'_>,
    mut choose: impl FnMut(usize, &[f64]) -> JacobiSweep,
) -> Result<(), KernelError> {
    let p = *job.problem();
    let s = p.stencil();
    let (u, scratch) = job.buffers();
    scratch.copy_from_slice(u);
    let (mut src, mut dst) = (&mut *u, &mut *scratch);
    for n in 0..p.iters {
        choose(n, src)(src, dst, p.nx, p.ny, &s);
        std::mem::swap(&mut src, &mut dst);
    }
    // After an odd number of sweeps the result is in the scratch buffer.
    if p.iters % 2 == 1 {
        u.copy_from_slice(scratch);
    }
    Ok(())
}

/// A [`laplace_core::Kernel`] for `src/kernels/<module>.rs`:
/// `kernel!(name, Scheme, module)`, with optional `field = value` overrides
/// of the [`laplace_core::Kernel`] fields (`tolerance`, `cost`, `parallel`).
#[macro_export]
macro_rules! kernel {
    ($name:literal, $scheme:ident, $module:ident $(, $field:ident = $value:expr)* $(,)?) => {{
        #[allow(unused_mut)]
        let mut kernel = $crate::laplace_core::Kernel {
            name: $name,
            scheme: $crate::laplace_core::Scheme::$scheme,
            source: concat!("crates/laplace-rust/src/kernels/", stringify!($module), ".rs"),
            entry: stringify!($module),
            build: $crate::BUILD,
            tolerance: $crate::laplace_core::Kernel::TOLERANCE,
            bit_exact: false,
            cost: $crate::laplace_core::Cost::of($crate::laplace_core::Scheme::$scheme),
            parallel: false,
            run: $crate::kernels::$module::run,
        };
        $(kernel.$field = $value;)*
        kernel
    }};
}

/// One Jacobi row: `out[1..ny-1]` from `rows`, the three source rows around
/// it (`3 * ny` values: above, same, below), with
/// `update(below, above, right, left)` at every interior point.
#[inline(always)]
pub fn jacobi_row(rows: &[f64], out: &mut [f64], update: impl Fn(f64, f64, f64, f64) -> f64) {
    let ny = out.len();
    let (up, rest) = rows.split_at(ny);
    let (mid, down) = rest.split_at(ny);
    jacobi_row3(up, mid, down, out, update);
}

/// One Jacobi row from three separate source rows of `out.len()` values.
/// The zipped slices carry their lengths, so the loop has no bounds checks.
#[inline(always)]
pub fn jacobi_row3(
    up: &[f64],
    mid: &[f64],
    down: &[f64],
    out: &mut [f64],
    update: impl Fn(f64, f64, f64, f64) -> f64,
) {
    let ny = out.len();
    let out = &mut out[1..ny - 1];
    let (up, down) = (&up[1..ny - 1], &down[1..ny - 1]);
    let (right, left) = (&mid[2..], &mid[..ny - 2]);
    for ((((o, &d), &a), &r), &l) in out.iter_mut().zip(down).zip(up).zip(right).zip(left) {
        *o = update(d, a, r, l);
    }
}

/// One Jacobi sweep over the interior as a single flat stream: every point
/// from `(1, 1)` to `(nx-2, ny-2)` gets `update(below, above, right, left)`,
/// then the boundary columns inside that range are restored from `src`.
#[inline(always)]
pub fn jacobi_flat(
    src: &[f64],
    dst: &mut [f64],
    nx: usize,
    ny: usize,
    update: impl Fn(f64, f64, f64, f64) -> f64,
) {
    let (lo, hi) = (ny + 1, (nx - 1) * ny - 1);
    let out = &mut dst[lo..hi];
    let (up, down) = (&src[lo - ny..hi - ny], &src[lo + ny..hi + ny]);
    let (right, left) = (&src[lo + 1..hi + 1], &src[lo - 1..hi - 1]);
    for ((((o, &d), &a), &r), &l) in out.iter_mut().zip(down).zip(up).zip(right).zip(left) {
        *o = update(d, a, r, l);
    }
    // The stream wrote over (i, ny-1) and (i+1, 0) between interior rows.
    for i in 1..nx - 2 {
        let k = (i + 1) * ny;
        dst[k - 1] = src[k - 1];
        dst[k] = src[k];
    }
}

/// Runs `f` on a rayon pool of exactly `threads` threads. Pools are built once
/// per thread count and reused, so a timed call does not pay for spawning.
pub fn with_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> Result<R, KernelError> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let pool = {
        let mut pools = POOLS
            .get_or_init(Default::default)
            .lock()
            .map_err(|_| KernelError::Failed("thread-pool cache poisoned".into()))?;
        match pools.get(&threads) {
            Some(pool) => Arc::clone(pool),
            None => {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .map_err(|e| {
                        KernelError::Failed(format!("cannot start {threads} threads: {e}"))
                    })?;
                Arc::clone(pools.entry(threads).or_insert(Arc::new(pool)))
            }
        }
    };
    Ok(pool.install(f))
}
