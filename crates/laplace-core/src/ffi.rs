//! The C ABI of the kernel contract, as declared in `c_kernels/laplace.h`.
//!
//! C and Fortran kernels export one function each with the signature
//! [`RawKernel`]. The language crates generate their declarations with bindgen
//! from the headers and check them against this type at compile time.

use crate::{Job, KernelError};

/// `laplace_kernel_fn` from `c_kernels/laplace.h`:
/// `int f(double *u, double *scratch, size_t nx, size_t ny, double dx,
/// double dy, size_t iters, double omega, int threads)`.
pub type RawKernel = unsafe extern "C" fn(
    u: *mut f64,
    scratch: *mut f64,
    nx: libc::size_t,
    ny: libc::size_t,
    dx: f64,
    dy: f64,
    iters: libc::size_t,
    omega: f64,
    threads: libc::c_int,
) -> libc::c_int;

/// `LAPLACE_OK`: the kernel ran.
pub const OK: i32 = 0;
/// `LAPLACE_EINVAL`: the kernel rejected its arguments.
pub const EINVAL: i32 = 1;
/// `LAPLACE_ENOMEM`: the kernel could not allocate working memory.
pub const ENOMEM: i32 = 2;

/// A status code in words.
pub fn status_meaning(code: i32) -> &'static str {
    match code {
        OK => "ok",
        EINVAL => "invalid arguments",
        ENOMEM => "out of memory",
        _ => "unknown status",
    }
}

/// Calls a foreign kernel on a validated job and maps its status to a `Result`.
///
/// # Safety
/// `kernel` must honour the contract of `c_kernels/laplace.h`: given two
/// non-overlapping buffers of `nx * ny` doubles it reads and writes only those
/// elements, keeps no pointer after it returns, does not unwind, and returns.
pub unsafe fn call(kernel: RawKernel, job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let omega = p.omega();
    let threads = libc::c_int::try_from(job.threads()).unwrap_or(libc::c_int::MAX);
    let (u, scratch) = job.buffers();
    // SAFETY: `Job::new` checked that both buffers hold exactly nx * ny >= 9
    // values and, being distinct `&mut` borrows, they cannot overlap; the
    // caller promises the kernel stays inside them and does not unwind.
    let code = unsafe {
        kernel(
            u.as_mut_ptr(),
            scratch.as_mut_ptr(),
            p.nx,
            p.ny,
            p.dx,
            p.dy,
            p.iters,
            omega,
            threads,
        )
    };
    if code == OK {
        Ok(())
    } else {
        Err(KernelError::Status { code })
    }
}

/// Builds a [`crate::Kernel`] for a foreign function of the contract; used by
/// the `kernel!` macros of `laplace-c` and `laplace-fortran`:
/// `foreign_kernel!(name, Scheme, path::to::symbol, BUILD_TABLE, "dir/", "source" [, field = value]...)`,
/// where the optional fields override the defaults (`tolerance`, `cost`,
/// `parallel`). The default cost is [`crate::Cost::of_contracted`]: gcc and
/// gfortran contract multiply-adds into FMAs.
///
/// The symbol must coerce to [`RawKernel`]: a signature that differs from the
/// contract does not compile.
#[macro_export]
macro_rules! foreign_kernel {
    ($name:literal, $scheme:ident, $symbol:path, $table:path, $dir:literal, $source:literal
     $(, $field:ident = $value:expr)* $(,)?) => {{
        #[allow(unused_mut)]
        let mut kernel = $crate::Kernel {
            name: $name,
            scheme: $crate::Scheme::$scheme,
            source: concat!($dir, $source),
            build: $crate::lookup_build($table, $source),
            tolerance: $crate::Kernel::TOLERANCE,
            cost: $crate::Cost::of_contracted($crate::Scheme::$scheme),
            parallel: false,
            run: |job| {
                // SAFETY: the kernel folders hold only functions written to the
                // contract of c_kernels/laplace.h (they stay inside the two
                // nx*ny buffers, return a status and never unwind), and `job`
                // holds buffers validated against its problem.
                unsafe { $crate::ffi::call($symbol, job) }
            },
        };
        $(kernel.$field = $value;)*
        kernel
    }};
}
