//! Timing one kernel: both grids in one allocation at fixed placements, a
//! warm-up, then the timed runs; and the same at 1, 2, ... threads.

use std::hint::black_box;
use std::time::Instant;

use laplace_core::results::ThreadPoint;
use laplace_core::{InputError, Kernel, KernelError, Problem};

/// Where the timed runs put the two grids, in bytes: the offset of `u` in
/// its 4 KiB page and the distance from `u` to `scratch` modulo 4 KiB, one
/// placement per run in turn.
///
/// Where the grids land changes a kernel's speed by up to a third on the
/// CPUs measured (4K aliasing between loads of one grid and stores to the
/// other, or within one grid for the wavefront kernels), and each kernel has
/// its own good and bad places. With the allocator's placement, which
/// differs from process to process, two runs of one binary differed by 25%
/// (`c/array`, AMD EPYC family 25: 2064 and 2589 MLUP/s). Fixed placements
/// make a run repeatable; several make the best time the kernel's own, not
/// the luck of one address, and the spread shows how much placement costs.
pub const PLACEMENTS: [(usize, usize); 5] = [
    (0, 2816),
    (1024, 256),
    (2048, 1536),
    (3136, 3584),
    (576, 704),
];

/// One allocation holding both grids at any of [`PLACEMENTS`].
struct Arena {
    mem: Vec<f64>,
    cells: usize,
}

impl Arena {
    /// Doubles per 4 KiB page.
    const PAGE: usize = 4096 / size_of::<f64>();

    fn new(p: &Problem) -> Result<Arena, InputError> {
        let cells = p.cells();
        let oom = || InputError::OutOfMemory {
            nx: p.nx,
            ny: p.ny,
            bytes: cells.saturating_mul(2 * size_of::<f64>()),
        };
        // Two grids, each rounded up to whole pages, and up to a page of
        // alignment and a page of offset for each.
        let len = cells
            .checked_add(Self::PAGE)
            .and_then(|c| c.checked_mul(2))
            .and_then(|c| c.checked_add(2 * Self::PAGE))
            .ok_or_else(oom)?;
        let mut mem = Vec::new();
        mem.try_reserve_exact(len).map_err(|_| oom())?;
        laplace_core::advise_huge_pages(&mut mem);
        mem.resize(len, 0.0);
        Ok(Arena { mem, cells })
    }

    /// `u` and `scratch` at placement `(offset, distance)`.
    fn grids(&mut self, (offset, distance): (usize, usize)) -> (&mut [f64], &mut [f64]) {
        let n = self.cells;
        let base = self.mem.as_ptr().align_offset(4096);
        let u = base + offset / size_of::<f64>();
        let scratch = u + n.div_ceil(Self::PAGE) * Self::PAGE + distance / size_of::<f64>();
        let (head, tail) = self.mem.split_at_mut(scratch);
        (&mut head[u..u + n], &mut tail[..n])
    }
}

/// A warm-up, then `repeat` timed runs from fresh initial grids, each at the
/// next of [`PLACEMENTS`]; seconds each, and the code path the kernel took
/// (the same every run: it depends on the problem, the CPU and
/// `SHOOTOUT_PORTABLE` only).
pub fn time(
    k: &Kernel,
    p: &Problem,
    threads: usize,
    repeat: usize,
) -> Result<(Vec<f64>, &'static str), KernelError> {
    p.validate()?;
    let mut arena = Arena::new(p)?;
    let mut times = Vec::with_capacity(repeat);
    let mut path = laplace_core::PORTABLE;
    for run in 0..=repeat {
        let (u, scratch) = arena.grids(PLACEMENTS[run % PLACEMENTS.len()]);
        p.fill_initial(u);
        let start = Instant::now();
        path = k.solve_in(u, scratch, p, threads)?;
        let elapsed = start.elapsed().as_secs_f64();
        black_box(u);
        if run > 0 {
            times.push(elapsed);
        }
    }
    Ok((times, path))
}

/// `(best, median, max)` of a non-empty list of times.
pub(super) fn summary(times: &[f64]) -> Option<(f64, f64, f64)> {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = match n {
        0 => return None,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    Some((sorted[0], median, sorted[n - 1]))
}

/// The kernel timed at 1, 2, ... `max_threads` threads.
pub(super) fn thread_sweep(
    k: &Kernel,
    p: &Problem,
    max_threads: usize,
    repeat: usize,
) -> Result<Vec<ThreadPoint>, KernelError> {
    let mut points = Vec::with_capacity(max_threads);
    for threads in 1..=max_threads {
        let Some((best_s, median_s, _)) = summary(&time(k, p, threads, repeat)?.0) else {
            continue;
        };
        points.push(ThreadPoint {
            threads,
            best_s,
            median_s,
            mlups: p.updates() / best_s / 1e6,
        });
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every placement puts `u` at its offset in a page and `scratch` at its
    /// distance from `u`, both whole and apart, for odd grid sizes too.
    #[test]
    fn placements_are_where_they_say() {
        for (nx, ny) in [(3, 3), (100, 100), (37, 91)] {
            let p = Problem::new(nx, ny, 0.1, 0.1, 1).unwrap();
            let mut arena = Arena::new(&p).unwrap();
            for placement in PLACEMENTS {
                let (u, s) = arena.grids(placement);
                assert_eq!((u.len(), s.len()), (p.cells(), p.cells()));
                let (ua, sa) = (u.as_ptr() as usize, s.as_ptr() as usize);
                assert_eq!(ua % 4096, placement.0);
                assert_eq!((sa - ua) % 4096, placement.1);
                assert!(sa >= ua + 8 * p.cells());
            }
        }
    }
}
