//! `rust/array-ndarray`: Jacobi with `ndarray`, the closest Rust analogue of
//! NumPy slicing and Fortran array syntax: four shifted views of the old grid
//! zipped into the interior of the new one with `Zip`.

use laplace_core::{Job, KernelError, Stencil};
use ndarray::{ArrayView2, ArrayViewMut2, Zip, s};

/// Runs `iters` Jacobi sweeps, ping-ponging between `u` and the scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::jacobi_ping_pong(job, sweep)
}

fn sweep(src: &[f64], dst: &mut [f64], nx: usize, ny: usize, st: &Stencil) {
    // Job guarantees both slices hold nx * ny values, so the shapes always fit.
    let (Ok(src), Ok(mut dst)) = (
        ArrayView2::from_shape((nx, ny), src),
        ArrayViewMut2::from_shape((nx, ny), dst),
    ) else {
        unreachable!("buffers validated against the problem");
    };
    // NumPy's u[1:-1, 1:-1], u[2:, 1:-1], u[:-2, 1:-1], u[1:-1, 2:], u[1:-1, :-2].
    let (inner_i, inner_j) = (1..nx - 1, 1..ny - 1);
    Zip::from(dst.slice_mut(s![inner_i.clone(), inner_j.clone()]))
        .and(src.slice(s![2..nx, inner_j.clone()]))
        .and(src.slice(s![0..nx - 2, inner_j]))
        .and(src.slice(s![inner_i.clone(), 2..ny]))
        .and(src.slice(s![inner_i, 0..ny - 2]))
        .for_each(|o, &down, &up, &right, &left| *o = st.apply(down, up, right, left));
}
