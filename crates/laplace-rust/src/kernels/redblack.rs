//! `rust/redblack`: red-black SOR. Each half-sweep updates every other point
//! of a row (stride 2), reading only points of the other colour, so the
//! points of one half-sweep are independent and the inner loop has no
//! loop-carried dependency.

use laplace_core::{Job, KernelError};

/// Runs `iters` red-black SOR sweeps with the job's relaxation factor.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (nx, ny) = (p.nx, p.ny);
    let (s, omega) = (p.stencil(), p.omega());
    let u = job.u();
    for _ in 0..p.iters {
        for colour in [0, 1] {
            for i in 1..nx - 1 {
                // Row i between its neighbours, as separate borrows.
                let (above, rest) = u.split_at_mut(i * ny);
                let (row, below) = rest.split_at_mut(ny);
                let (up, down) = (&above[(i - 1) * ny..], &below[..ny]);
                // First interior j with (i + j) % 2 == colour.
                let first = if (i + 1) % 2 == colour { 1 } else { 2 };
                for j in (first..ny - 1).step_by(2) {
                    let old = row[j];
                    let gs = s.apply(down[j], up[j], row[j + 1], row[j - 1]);
                    row[j] = old + omega * (gs - old);
                }
            }
        }
    }
    Ok(())
}
