//! `rust/array-threads`: Jacobi on `--threads` scoped threads that live for
//! the whole call, like an OpenMP parallel region, in safe Rust.
//!
//! `rust/array-rayon` forks and joins once per sweep; on a 100x100 grid a
//! sweep is about a microsecond and a half of work, less than the fork-join.
//! Here each thread owns a band of rows of both buffers for every sweep.
//! After a sweep it publishes its first and last new rows, all threads meet
//! at a spinning barrier, and each copies its neighbours' edge rows as the
//! halo for the next sweep. Every point is computed as in `rust/array`, so
//! the result is identical.

use std::hint::spin_loop;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use laplace_core::{Job, KernelError, Stencil};

/// Runs `iters` Jacobi sweeps on `job.threads()` threads (at most one per
/// interior row).
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (nx, ny) = (p.nx, p.ny);
    let s = p.stencil();
    let threads = job.threads().min(nx - 2);
    let (u, scratch) = job.buffers();
    scratch.copy_from_slice(u);
    let row = |r: usize| u[r * ny..(r + 1) * ny].to_vec();
    // Bands of interior rows: [bounds[k], bounds[k + 1]).
    let bounds: Vec<usize> = (0..=threads).map(|k| 1 + k * (nx - 2) / threads).collect();
    // Each band's halos for the first sweep, and the fixed boundary rows.
    let halos: Vec<(Vec<f64>, Vec<f64>)> = (0..threads)
        .map(|k| (row(bounds[k] - 1), row(bounds[k + 1])))
        .collect();
    let edges: Vec<[Mutex<Vec<f64>>; 2]> = (0..threads)
        .map(|_| [Mutex::new(vec![0.0; ny]), Mutex::new(vec![0.0; ny])])
        .collect();
    let barrier = SpinBarrier::new(threads);
    // Split both buffers into the bands (boundary rows 0 and nx-1 excluded).
    let mut u_bands = bands(&mut u[ny..(nx - 1) * ny], &bounds, ny);
    let mut s_bands = bands(&mut scratch[ny..(nx - 1) * ny], &bounds, ny);
    let ctx = Ctx {
        ny,
        iters: p.iters,
        s: &s,
        edges: &edges,
        barrier: &barrier,
    };
    std::thread::scope(|scope| {
        for (k, ((ub, sb), (top, bottom))) in u_bands
            .iter_mut()
            .zip(s_bands.iter_mut())
            .zip(halos)
            .enumerate()
        {
            let ctx = &ctx;
            scope.spawn(move || ctx.band(k, ub, sb, top, bottom));
        }
    });
    Ok(())
}

/// Splits `interior` (rows 1..nx-1) at the band bounds.
fn bands<'a>(mut interior: &'a mut [f64], bounds: &[usize], ny: usize) -> Vec<&'a mut [f64]> {
    let mut out = Vec::with_capacity(bounds.len() - 1);
    for w in bounds.windows(2) {
        let (band, rest) = interior.split_at_mut((w[1] - w[0]) * ny);
        out.push(band);
        interior = rest;
    }
    out
}

/// What every thread shares.
struct Ctx<'a> {
    ny: usize,
    iters: usize,
    s: &'a Stencil,
    /// Per band: its first and last new rows after the latest sweep.
    edges: &'a [[Mutex<Vec<f64>>; 2]],
    barrier: &'a SpinBarrier,
}

impl Ctx<'_> {
    /// All sweeps of band `k`: rows of `ub` (in `u`) and `sb` (in scratch).
    fn band(
        &self,
        k: usize,
        ub: &mut [f64],
        sb: &mut [f64],
        mut top: Vec<f64>,
        mut bottom: Vec<f64>,
    ) {
        let (ny, last) = (self.ny, self.edges.len() - 1);
        let rows = ub.len() / ny;
        for it in 0..self.iters {
            let (src, dst): (&[f64], &mut [f64]) = if it % 2 == 0 { (ub, sb) } else { (sb, ub) };
            for (q, out) in dst.chunks_exact_mut(ny).enumerate() {
                let up = if q == 0 {
                    &top[..]
                } else {
                    &src[(q - 1) * ny..q * ny]
                };
                let down = if q + 1 == rows {
                    &bottom[..]
                } else {
                    &src[(q + 1) * ny..(q + 2) * ny]
                };
                let mid = &src[q * ny..(q + 1) * ny];
                crate::jacobi_row3(up, mid, down, out, |d, a, r, l| self.s.apply(d, a, r, l));
            }
            if it + 1 == self.iters {
                break;
            }
            // Publish this band's edge rows, wait for every band, take the
            // neighbours' rows as halos, and wait again before they change.
            let (first, rest) = dst.split_at(ny);
            let last_row = &rest[rest.len().saturating_sub(ny)..];
            let last_row = if rows == 1 { first } else { last_row };
            lock(&self.edges[k][0]).copy_from_slice(first);
            lock(&self.edges[k][1]).copy_from_slice(last_row);
            self.barrier.wait();
            if k > 0 {
                top.copy_from_slice(&lock(&self.edges[k - 1][1]));
            }
            if k < last {
                bottom.copy_from_slice(&lock(&self.edges[k + 1][0]));
            }
            self.barrier.wait();
        }
        // An odd number of sweeps leaves the result in the scratch band.
        if self.iters % 2 == 1 {
            ub.copy_from_slice(sb);
        }
    }
}

/// Locks a halo slot; a poisoned slot (a panicked thread) still holds rows.
fn lock(m: &Mutex<Vec<f64>>) -> std::sync::MutexGuard<'_, Vec<f64>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A barrier that spins (a sweep is microseconds; a futex wake-up is
/// tens of them), yielding the core after a while so that an oversubscribed
/// machine still makes progress.
struct SpinBarrier {
    n: usize,
    count: AtomicUsize,
    generation: AtomicUsize,
}

impl SpinBarrier {
    fn new(n: usize) -> Self {
        SpinBarrier {
            n,
            count: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
        }
    }

    fn wait(&self) {
        let generation = self.generation.load(Ordering::Acquire);
        if self.count.fetch_add(1, Ordering::AcqRel) + 1 == self.n {
            self.count.store(0, Ordering::Relaxed);
            self.generation.fetch_add(1, Ordering::Release);
            return;
        }
        let mut spins = 0u32;
        while self.generation.load(Ordering::Acquire) == generation {
            if spins < 20_000 {
                spins += 1;
                spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }
}
