//! `rust/redblack`: red-black SOR. Each half-sweep updates every other point
//! of a row (stride 2), reading only points of the other colour, so the
//! points of one half-sweep are independent and the inner loop has no
//! loop-carried dependency.

use laplace_core::{Job, KernelError, Stencil};

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
                // Columns j with (i + j) % 2 == colour.
                stride2_row(up, row, down, (i + colour) % 2, 1, &s, omega);
            }
        }
    }
    Ok(())
}

/// Relaxes the interior points of `row` whose column has parity `parity`,
/// from column `from` on, one every two columns. `up` and `down` are the
/// rows around it (at least as long).
pub(crate) fn stride2_row(
    up: &[f64],
    row: &mut [f64],
    down: &[f64],
    parity: usize,
    from: usize,
    s: &Stencil,
    omega: f64,
) {
    let ny = row.len();
    let first = if from % 2 == parity { from } else { from + 1 };
    for j in (first..ny - 1).step_by(2) {
        let old = row[j];
        let gs = s.apply(down[j], up[j], row[j + 1], row[j - 1]);
        row[j] = old + omega * (gs - old);
    }
}
