//! `rust/loop`: Gauss-Seidel with two nested indexed loops, the post's loop
//! written in plain safe Rust (every access bounds-checked).

use laplace_core::{Job, KernelError};

/// Runs `iters` in-place Gauss-Seidel sweeps, `i` outer, `j` inner.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (nx, ny) = (p.nx, p.ny);
    let s = p.stencil();
    let u = job.u();
    for _ in 0..p.iters {
        for i in 1..nx - 1 {
            for j in 1..ny - 1 {
                u[i * ny + j] = s.apply(
                    u[(i + 1) * ny + j],
                    u[(i - 1) * ny + j],
                    u[i * ny + j + 1],
                    u[i * ny + j - 1],
                );
            }
        }
    }
    Ok(())
}
