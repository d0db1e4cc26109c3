//! Comparing a kernel's grid with the reference of its scheme.

// A failed verification carries the whole story (problem, worst cell); it is
// built once per failure, far from any hot path, so its size does not matter.
#![allow(clippy::result_large_err)]

use std::cmp::Ordering;

use thiserror::Error;

use crate::{Grid, InputError, Kernel, KernelError, Problem, reference};

/// The largest pointwise difference between two grids, and where it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Diff {
    /// Largest `|got - expected|`; infinite if any value is NaN.
    pub max_abs: f64,
    /// Row and column of the worst cell.
    pub worst: (usize, usize),
    /// The kernel's value there.
    pub got: f64,
    /// The reference value there.
    pub expected: f64,
}

/// Compares row-major `got` with `expected`.
///
/// # Panics
/// If the lengths differ (kernels cannot change a buffer's length).
pub fn compare(got: &[f64], expected: &Grid) -> Diff {
    let want = expected.as_slice();
    assert_eq!(got.len(), want.len(), "grids of different sizes");
    let ny = expected.ny();
    let mut diff = Diff {
        max_abs: 0.0,
        worst: (0, 0),
        got: got.first().copied().unwrap_or(0.0),
        expected: want.first().copied().unwrap_or(0.0),
    };
    for (k, (&g, &e)) in got.iter().zip(want).enumerate() {
        let d = (g - e).abs();
        // NaN compares false with everything: count it as the worst possible.
        let d = if d.is_nan() { f64::INFINITY } else { d };
        if d > diff.max_abs {
            diff = Diff {
                max_abs: d,
                worst: (k / ny, k % ny),
                got: g,
                expected: e,
            };
        }
    }
    diff
}

/// A kernel that ran and matched its reference.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The kernel's final grid.
    pub grid: Vec<f64>,
    /// How far it is from the reference.
    pub diff: Diff,
}

/// Why a kernel failed verification.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum VerifyError {
    /// The kernel returned an error.
    #[error("{kernel} failed on {problem}: {source}")]
    Kernel {
        /// Kernel name.
        kernel: &'static str,
        /// The problem it ran.
        problem: Problem,
        /// What went wrong.
        source: KernelError,
    },
    /// The reference solver could not run the problem.
    #[error("no reference for {problem}: {source}")]
    Reference {
        /// The problem.
        problem: Problem,
        /// What went wrong.
        source: InputError,
    },
    /// The kernel's grid differs from the reference by more than its tolerance.
    #[error(
        "{kernel} does not match the {scheme} reference on {problem}: \
         max |diff| = {:.3e} at cell (i={}, j={}): kernel {:e}, reference {:e} (tolerance {tolerance:e})",
        diff.max_abs, diff.worst.0, diff.worst.1, diff.got, diff.expected
    )]
    Mismatch {
        /// Kernel name.
        kernel: &'static str,
        /// Its scheme.
        scheme: crate::Scheme,
        /// The problem it ran.
        problem: Problem,
        /// The worst difference.
        diff: Diff,
        /// The kernel's tolerance.
        tolerance: f64,
    },
}

/// Compares `grid`, the output of `kernel` on `problem`, with `reference`,
/// the reference solution of the kernel's scheme for the same problem.
pub fn check(
    kernel: &Kernel,
    problem: &Problem,
    grid: &[f64],
    reference: &Grid,
) -> Result<Diff, VerifyError> {
    check_within(
        kernel.name,
        kernel.scheme,
        kernel.verification_tolerance(),
        problem,
        grid,
        reference,
    )
}

/// [`check`] for a kernel described by name, scheme and tolerance (external
/// kernels, which have no [`Kernel`] entry point).
pub fn check_within(
    name: &'static str,
    scheme: crate::Scheme,
    tolerance: f64,
    problem: &Problem,
    grid: &[f64],
    reference: &Grid,
) -> Result<Diff, VerifyError> {
    let diff = compare(grid, reference);
    // Anything but "less or equal" fails, NaN included.
    let within = matches!(
        diff.max_abs.partial_cmp(&tolerance),
        Some(Ordering::Less | Ordering::Equal)
    );
    if !within {
        return Err(VerifyError::Mismatch {
            kernel: name,
            scheme,
            problem: *problem,
            diff,
            tolerance,
        });
    }
    Ok(diff)
}

/// Runs `kernel` on `problem` and [`check`]s it against `reference`.
pub fn verify_against(
    kernel: &Kernel,
    problem: &Problem,
    threads: usize,
    reference: &Grid,
) -> Result<Verified, VerifyError> {
    let grid = kernel
        .solve(problem, threads)
        .map_err(|source| VerifyError::Kernel {
            kernel: kernel.name,
            problem: *problem,
            source,
        })?;
    let diff = check(kernel, problem, &grid, reference)?;
    Ok(Verified { grid, diff })
}

/// Runs `kernel` on `problem` and compares it with its scheme's reference.
pub fn verify(kernel: &Kernel, problem: &Problem, threads: usize) -> Result<Verified, VerifyError> {
    let reference =
        reference::solve(kernel.scheme, problem).map_err(|source| VerifyError::Reference {
            problem: *problem,
            source,
        })?;
    verify_against(kernel, problem, threads, &reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_finds_worst_cell_and_nan() {
        let g = Grid::from_vec(2, 3, vec![0.0; 6]).unwrap();
        let d = compare(&[0.0, 0.0, 0.0, 0.0, 0.5, 0.1], &g);
        assert_eq!((d.max_abs, d.worst, d.got), (0.5, (1, 1), 0.5));
        let d = compare(&[0.0, f64::NAN, 0.0, 0.0, 0.5, 0.1], &g);
        assert_eq!((d.max_abs, d.worst), (f64::INFINITY, (0, 1)));
    }
}
