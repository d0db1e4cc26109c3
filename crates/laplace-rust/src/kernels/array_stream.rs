//! `rust/array-stream`: `rust/array` with non-temporal (streaming) stores
//! and software prefetch, for grids larger than the last-level cache.
//!
//! An ordinary store first reads the cache line it writes (write-allocate),
//! so a Jacobi sweep out of cache moves 24 bytes per update: 8 read from the
//! old grid, 8 read and 8 written back for the new one. `_mm256_stream_pd`
//! writes whole lines without reading them, leaving 16 bytes per update: the
//! bandwidth bound rises by half. The price is that the new grid is not in
//! cache afterwards, so in cache (the seed's 100x100) every sweep goes to
//! memory. So the kernel streams only when its two grids do not fit in the
//! last-level cache ([`laplace_core::cache::jacobi_spills`], path
//! `streaming`); a grid that fits runs `rust/array-flat`'s sweep (path
//! `cached`), which keeps it there.
//!
//! Streaming stores alone did not help (4000x4000 on a Zen 5 core: 1780
//! MLUP/s, like ordinary stores): the one source row that comes from memory
//! (`below`; the other two were read for the previous rows and are in L2)
//! then arrives too late. Prefetching it `avx::PREFETCH` doubles ahead, once per
//! vector, gave 3150-3180 MLUP/s (a 1.75x gain; 2200-2600 with 512-bit
//! stores, 2100-2200 with ordinary stores and the same prefetch).
//!
//! The arithmetic is `rust/array`'s, operation for operation (no FMA), so
//! the iterates equal the reference's. Each output row is stored with
//! scalar stores up to the first 32-byte boundary, then four values per
//! streaming store, then the scalar remainder. Without AVX, or when the job
//! asks for the portable path, the kernel runs `rust/array-flat` (path
//! `portable`).

use laplace_core::{Job, KernelError};

/// Runs `iters` Jacobi sweeps, ping-ponging between `u` and the scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    // Miri cannot run the fence (`sfence`), so it checks the portable path.
    #[cfg(target_arch = "x86_64")]
    if !cfg!(miri) && !job.portable() && std::arch::is_x86_feature_detected!("avx") {
        let cells = job.problem().cells();
        if laplace_core::cache::jacobi_spills(cells, laplace_core::cache::sizes().llc) {
            job.set_path("streaming");
            return crate::jacobi_ping_pong(job, avx::sweep);
        }
        job.set_path("cached");
        return crate::kernels::array_flat::run(job);
    }
    crate::kernels::array_flat::run(job)
}

/// The streaming sweep on any grid, whatever its size: for tests, which
/// must check it on grids that fit in cache.
#[cfg(all(test, target_arch = "x86_64"))]
fn run_streaming(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::jacobi_ping_pong(job, avx::sweep)
}

#[cfg(target_arch = "x86_64")]
mod avx {
    use std::arch::x86_64::{
        __m256d, _MM_HINT_T0, _mm_prefetch, _mm_sfence, _mm256_add_pd, _mm256_div_pd,
        _mm256_loadu_pd, _mm256_mul_pd, _mm256_set1_pd, _mm256_stream_pd,
    };

    use laplace_core::Stencil;

    /// Doubles per streaming store.
    const LANES: usize = 4;

    /// How far ahead, in doubles, the row below is prefetched (8 KiB).
    pub const PREFETCH: usize = 1024;

    /// A [`crate::JacobiSweep`]; only passed to the ping-pong driver after
    /// `is_x86_feature_detected!("avx")`.
    pub fn sweep(src: &[f64], dst: &mut [f64], _nx: usize, ny: usize, s: &Stencil) {
        let rows = src.windows(3 * ny).step_by(ny);
        for (rows, out) in rows.zip(dst.chunks_exact_mut(ny).skip(1)) {
            let (up, rest) = rows.split_at(ny);
            let (mid, down) = rest.split_at(ny);
            // SAFETY: `run` selects this sweep only when the CPU has AVX.
            unsafe { row(up, mid, down, &mut out[1..ny - 1], s) };
        }
        // SAFETY: SSE is part of x86_64. The fence orders this sweep's
        // streaming stores before the next sweep reads them as its source.
        unsafe { _mm_sfence() };
    }

    /// One row: `out[k]` (interior column `k + 1`) from the three source rows.
    #[target_feature(enable = "avx")]
    fn row(up: &[f64], mid: &[f64], down: &[f64], out: &mut [f64], s: &Stencil) {
        let n = out.len();
        let (up, down) = (&up[1..=n], &down[1..=n]);
        let (right, left) = (&mid[2..n + 2], &mid[..n]);
        // Scalar stores up to the first 32-byte boundary of `out`.
        let head = out.as_ptr().align_offset(32).min(n);
        let (out_head, out_body) = out.split_at_mut(head);
        for (k, o) in out_head.iter_mut().enumerate() {
            *o = s.apply(down[k], up[k], right[k], left[k]);
        }
        let (dy2, dx2, denom) = (
            _mm256_set1_pd(s.dy2),
            _mm256_set1_pd(s.dx2),
            _mm256_set1_pd(s.denom),
        );
        let load = |x: &[f64]| -> __m256d {
            debug_assert_eq!(x.len(), LANES);
            // SAFETY: `x` holds LANES doubles (a `chunks_exact(LANES)` item);
            // the load is unaligned.
            unsafe { _mm256_loadu_pd(x.as_ptr()) }
        };
        let mut chunks = out_body.chunks_exact_mut(LANES);
        let inputs = down[head..]
            .chunks_exact(LANES)
            .zip(up[head..].chunks_exact(LANES))
            .zip(right[head..].chunks_exact(LANES))
            .zip(left[head..].chunks_exact(LANES));
        for (o, (((d, a), r), l)) in (&mut chunks).zip(inputs) {
            // The address may lie past the row, even past the grid: prefetch
            // never faults, and `wrapping_add` makes no in-bounds claim.
            let ahead = d.as_ptr().wrapping_add(PREFETCH);
            _mm_prefetch::<_MM_HINT_T0>(ahead.cast());
            // ((d + a) * dy2 + (r + l) * dx2) / denom, as Stencil::apply.
            let v = _mm256_div_pd(
                _mm256_add_pd(
                    _mm256_mul_pd(_mm256_add_pd(load(d), load(a)), dy2),
                    _mm256_mul_pd(_mm256_add_pd(load(r), load(l)), dx2),
                ),
                denom,
            );
            // SAFETY: `o` holds LANES doubles and starts on a 32-byte
            // boundary: `out_body` does, and every chunk is 32 bytes long.
            unsafe { _mm256_stream_pd(o.as_mut_ptr(), v) };
        }
        let tail_start = head + (n - head) / LANES * LANES;
        for (k, o) in chunks.into_remainder().iter_mut().enumerate() {
            let k = tail_start + k;
            *o = s.apply(down[k], up[k], right[k], left[k]);
        }
    }
}

#[cfg(all(test, target_arch = "x86_64", not(miri)))]
mod tests {
    use super::*;
    use laplace_core::{Problem, Scheme, reference};

    /// The streaming sweep itself, which `run` takes only for grids beyond
    /// the last-level cache, on grids small enough to test: bit for bit the
    /// reference's iterates (the arithmetic is `rust/array`'s), including
    /// rows longer than the prefetch distance.
    #[test]
    fn streaming_sweep_matches_the_reference() {
        if !std::arch::is_x86_feature_detected!("avx") {
            eprintln!("skipped: no AVX on this CPU");
            return;
        }
        for (nx, ny) in [(3, 3), (7, 4), (37, 91), (5, avx::PREFETCH + 13)] {
            let p = Problem::new(nx, ny, 0.1, 0.07, 5).unwrap();
            let want = reference::solve(Scheme::Jacobi, &p).unwrap();
            let mut u = p.initial_grid().unwrap();
            let mut scratch = p.scratch().unwrap();
            let mut job = Job::new(&mut u, &mut scratch, &p, 1).unwrap();
            run_streaming(&mut job).unwrap();
            assert!(u == want.as_slice(), "streaming sweep differs on {p}");
        }
    }

    /// The method follows the grid: cached for the seed's grid, streaming
    /// when two grids exceed the last-level cache, portable when asked.
    #[test]
    fn path_follows_the_grid_and_the_job() {
        let p = Problem::new(100, 100, 0.1, 0.1, 1).unwrap();
        let (mut u, mut s) = (p.initial_grid().unwrap(), p.scratch().unwrap());
        let mut job = Job::new(&mut u, &mut s, &p, 1)
            .unwrap()
            .with_portable(false);
        run(&mut job).unwrap();
        let avx = std::arch::is_x86_feature_detected!("avx");
        assert_eq!(job.path(), if avx { "cached" } else { "portable" });
        let mut job = Job::new(&mut u, &mut s, &p, 1).unwrap().with_portable(true);
        run(&mut job).unwrap();
        assert_eq!(job.path(), "portable");
    }
}
