use thiserror::Error;

/// Input that no kernel may be called with; found before any kernel runs.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum InputError {
    /// Fewer than three rows or columns: there is no interior point.
    #[error("the grid must be at least 3x3, got {nx}x{ny}")]
    TooSmall {
        /// Rows asked for.
        nx: usize,
        /// Columns asked for.
        ny: usize,
    },
    /// `nx * ny` cells do not fit in this platform's address space.
    #[error("a {nx}x{ny} grid has more cells than this machine can address")]
    TooLarge {
        /// Rows asked for.
        nx: usize,
        /// Columns asked for.
        ny: usize,
    },
    /// A buffer whose length is not `nx * ny`.
    #[error("the {buffer} buffer holds {actual} values, but a {nx}x{ny} grid needs {expected}")]
    BufferLength {
        /// Which buffer (`u` or `scratch`).
        buffer: &'static str,
        /// Rows of the problem.
        nx: usize,
        /// Columns of the problem.
        ny: usize,
        /// `nx * ny`.
        expected: usize,
        /// The length passed.
        actual: usize,
    },
    /// A grid spacing that is zero, negative, infinite or NaN.
    #[error("{axis} must be a finite positive number, got {value}")]
    Spacing {
        /// `dx` or `dy`.
        axis: &'static str,
        /// The value passed.
        value: f64,
    },
    /// `(nx-2)(ny-2) * iters` lattice updates do not fit in 64 bits.
    #[error("{iters} sweeps of a {nx}x{ny} grid is more than 2^64 lattice updates")]
    TooManyUpdates {
        /// Rows.
        nx: usize,
        /// Columns.
        ny: usize,
        /// Sweeps asked for.
        iters: usize,
    },
    /// A relaxation factor outside the open interval (0, 2), where SOR diverges.
    #[error("omega must lie strictly between 0 and 2, got {value}")]
    Omega {
        /// The value passed.
        value: f64,
    },
    /// The grid could not be allocated.
    #[error("cannot allocate a {nx}x{ny} grid ({bytes} bytes): out of memory")]
    OutOfMemory {
        /// Rows asked for.
        nx: usize,
        /// Columns asked for.
        ny: usize,
        /// Bytes asked for.
        bytes: usize,
    },
}

/// Why a kernel call did not produce a grid.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum KernelError {
    /// The input was rejected before the kernel ran.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A foreign kernel returned a non-zero status (see `c_kernels/laplace.h`).
    #[error("the kernel returned status {code} ({})", crate::ffi::status_meaning(*code))]
    Status {
        /// The status code.
        code: i32,
    },
    /// A kernel-specific failure, described in words.
    #[error("{0}")]
    Failed(String),
}
