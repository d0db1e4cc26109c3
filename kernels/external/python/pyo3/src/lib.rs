//! `laplace_pyo3`: the workspace's Rust kernels as a Python extension module.
//!
//! What a Python user who adopts Rust writes: the sweep loop stays in the
//! Rust crate (`crates/laplace-rust`), and Python hands it a NumPy array
//! once per run:
//!
//! ```python
//! import numpy as np, laplace_pyo3
//! u = np.zeros((100, 100)); u[0, :] = 1.0
//! laplace_pyo3.run("rust/array-simd", u, 0.1, 0.1, 8000)  # in place
//! ```
//!
//! `run` checks the array (float64, 2-D, C-contiguous, writeable) before
//! anything runs, releases the GIL for the sweeps, and turns every failure,
//! a panic included, into a Python exception.

use std::panic::{AssertUnwindSafe, catch_unwind};

use laplace_core::{Cost, InputError, Job, Kernel, KernelError, Problem};
use numpy::{PyArray2, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;

/// The kernels this module offers: serial ones, each as the shootout
/// registers it (`src/registry.rs`), so verification expects the same.
#[rustfmt::skip]
static KERNELS: &[Kernel] = &[
    laplace_rust::kernel!("rust/array", Jacobi, array, bit_exact = true),
    laplace_rust::kernel!("rust/array-simd", Jacobi, array_simd, bit_exact = true),
    laplace_rust::kernel!("rust/loop", GaussSeidel, loops, bit_exact = true),
    laplace_rust::kernel!("rust/loop-wavefront-simd", GaussSeidel, loop_wavefront_simd, bit_exact = true, cost = Cost::VectorFmaDivision),
];

/// Bytes per cache line: the scratch grid starts at `u`'s offset within one,
/// so `rust/array-simd` ping-pongs on the caller's array itself.
const LINE: usize = 64;

fn find(name: &str) -> PyResult<&'static Kernel> {
    KERNELS.iter().find(|k| k.name == name).ok_or_else(|| {
        let known: Vec<&str> = KERNELS.iter().map(|k| k.name).collect();
        PyValueError::new_err(format!(
            "unknown kernel {name:?}; this module has {}",
            known.join(", ")
        ))
    })
}

fn input_error(e: InputError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn kernel_error(e: KernelError) -> PyErr {
    match e {
        KernelError::Input(e) => input_error(e),
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

/// A zeroed scratch grid of `n` values whose first value shares `u`'s
/// offset within a cache line (allocated fallibly).
fn scratch_like(u: &[f64]) -> PyResult<(Vec<f64>, usize)> {
    let n = u.len();
    let len = n + LINE / size_of::<f64>();
    let mut v: Vec<f64> = Vec::new();
    v.try_reserve_exact(len).map_err(|_| {
        PyErr::new::<pyo3::exceptions::PyMemoryError, _>(format!(
            "cannot allocate a scratch grid of {n} values"
        ))
    })?;
    laplace_core::advise_huge_pages(&mut v);
    v.resize(len, 0.0);
    let want = (u.as_ptr() as usize) % LINE;
    let have = (v.as_ptr() as usize) % LINE;
    // Both are multiples of 8 (f64 alignment), so the shift is whole values.
    let start = ((want + LINE - have) % LINE) / size_of::<f64>();
    Ok((v, start))
}

/// Runs `sweeps` sweeps of the named kernel (see `kernels()`) in place on
/// `u`, a writeable, C-contiguous 2-D float64 array of at least 3x3 whose
/// edges are the boundary, with the GIL released. Returns the code path the
/// kernel took (`avx512`, `portable`, ...). Raises TypeError for an array of
/// the wrong type or dtype, ValueError for a bad shape, layout, spacing,
/// sweep count or kernel name, and RuntimeError if the kernel fails.
#[pyfunction]
#[pyo3(signature = (kernel, u, dx, dy, sweeps))]
fn run(
    py: Python<'_>,
    kernel: &str,
    u: &Bound<'_, PyAny>,
    dx: f64,
    dy: f64,
    sweeps: i64,
) -> PyResult<&'static str> {
    let k = find(kernel)?;
    let untyped = u.cast::<PyUntypedArray>().map_err(|_| {
        PyTypeError::new_err(format!(
            "u must be a numpy.ndarray, got {}",
            u.get_type()
                .name()
                .map_or_else(|_| "?".into(), |n| n.to_string())
        ))
    })?;
    let array = u.cast::<PyArray2<f64>>().map_err(|_| {
        let dtype = untyped
            .dtype()
            .str()
            .map_or_else(|_| "?".into(), |s| s.to_string());
        PyTypeError::new_err(format!(
            "u must be a 2-D float64 array in native byte order, got {}-D {dtype}",
            untyped.ndim()
        ))
    })?;
    if !array.is_c_contiguous() {
        return Err(PyValueError::new_err(
            "u must be C-contiguous (use numpy.ascontiguousarray)",
        ));
    }
    let sweeps = usize::try_from(sweeps)
        .map_err(|_| PyValueError::new_err(format!("sweeps must be >= 0, got {sweeps}")))?;
    let (nx, ny) = (array.shape()[0], array.shape()[1]);
    let problem = Problem::new(nx, ny, dx, dy, sweeps).map_err(input_error)?;
    // Fails unless the array is writeable and not borrowed elsewhere in Rust.
    let mut rw = array
        .try_readwrite()
        .map_err(|e| PyValueError::new_err(format!("u cannot be written in place: {e}")))?;
    let u = rw
        .as_slice_mut()
        .map_err(|e| PyValueError::new_err(format!("u is not one contiguous block: {e}")))?;
    let (mut scratch, start) = scratch_like(u)?;
    let scratch = &mut scratch[start..start + u.len()];

    let outcome = py.detach(|| {
        catch_unwind(AssertUnwindSafe(|| -> Result<&'static str, KernelError> {
            let mut job = Job::new(u, scratch, &problem, 1)?;
            (k.run)(&mut job)?;
            Ok(job.path())
        }))
    });
    match outcome {
        Ok(result) => result.map_err(kernel_error),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            Err(PyRuntimeError::new_err(format!(
                "kernel {} panicked: {what}",
                k.name
            )))
        }
    }
}

/// The kernels `run` accepts, as `(name, scheme, bit_exact)` tuples, the
/// scheme as the shootout spells it (`jacobi`, `gauss-seidel`).
#[pyfunction]
fn kernels() -> Vec<(&'static str, &'static str, bool)> {
    KERNELS
        .iter()
        .map(|k| (k.name, k.scheme.as_str(), k.bit_exact))
        .collect()
}

/// The Laplace shootout's Rust kernels, callable from Python.
#[pymodule]
fn laplace_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(kernels, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // How crates/laplace-rust was compiled: "rustc 1.95.0 (...)" and
    // "rustc -C opt-level=3 -C target-cpu=... (profile release)".
    m.add("RUSTC", laplace_rust::BUILD.compiler)?;
    m.add("RUST_FLAGS", laplace_rust::BUILD.flags)?;
    Ok(())
}
