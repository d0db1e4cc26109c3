//! `rust/loop-unchecked`: Gauss-Seidel with raw indexing and no bounds checks
//! (`get_unchecked`), to measure what the checks of `rust/loop` cost.

use laplace_core::{Job, KernelError};

/// Runs `iters` in-place Gauss-Seidel sweeps, `i` outer, `j` inner.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (nx, ny) = (p.nx, p.ny);
    let s = p.stencil();
    let u = job.u();
    // The one check that makes every index below valid, hoisted out of the loops.
    assert!(nx >= 3 && ny >= 3 && u.len() == nx * ny);
    for _ in 0..p.iters {
        for i in 1..nx - 1 {
            for j in 1..ny - 1 {
                let k = i * ny + j;
                // SAFETY: 1 <= i <= nx-2 and 1 <= j <= ny-2, so k - ny, k - 1,
                // k + 1 and k + ny all lie in [0, nx*ny) = [0, u.len()).
                unsafe {
                    *u.get_unchecked_mut(k) = s.apply(
                        *u.get_unchecked(k + ny),
                        *u.get_unchecked(k - ny),
                        *u.get_unchecked(k + 1),
                        *u.get_unchecked(k - 1),
                    );
                }
            }
        }
    }
    Ok(())
}
