//! `rust/loop-slices`: Gauss-Seidel over row slices. `split_at_mut` gives the
//! row above (already updated this sweep), the row being updated and the row
//! below (still old) as separate borrows; slicing them to the same length
//! before the inner loop lets the compiler drop every bounds check. Safe Rust.

use laplace_core::{Job, KernelError};

/// Runs `iters` in-place Gauss-Seidel sweeps, `i` outer, `j` inner.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (nx, ny) = (p.nx, p.ny);
    let s = p.stencil();
    let u = job.u();
    for _ in 0..p.iters {
        for i in 1..nx - 1 {
            let (above, rest) = u.split_at_mut(i * ny);
            let (row, below) = rest.split_at_mut(ny);
            let up = &above[(i - 1) * ny..][..ny];
            let down = &below[..ny];
            // The left neighbour is the value just written: carry it in a register.
            let mut left = row[0];
            for j in 1..ny - 1 {
                let new = s.apply(down[j], up[j], row[j + 1], left);
                row[j] = new;
                left = new;
            }
        }
    }
    Ok(())
}
