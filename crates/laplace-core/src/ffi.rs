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
/// the `kernel!` macro that [`foreign_crate!`](crate::foreign_crate) defines
/// in each foreign-language crate:
/// `foreign_kernel!(name, Scheme, path::to::symbol, "symbol", BUILD_TABLE, "source" [, field = value]...)`,
/// where the optional fields override the defaults (`tolerance`,
/// `bit_exact`, `cost`, `parallel`). The default cost is [`crate::Cost::of_contracted`]: gcc,
/// g++ and gfortran contract multiply-adds into FMAs.
///
/// The symbol must coerce to [`RawKernel`]: a signature that differs from the
/// contract does not compile.
#[macro_export]
macro_rules! foreign_kernel {
    ($name:literal, $scheme:ident, $symbol:path, $entry:expr, $table:path, $source:literal
     $(, $field:ident = $value:expr)* $(,)?) => {{
        #[allow(unused_mut)]
        let mut kernel = $crate::Kernel {
            name: $name,
            scheme: $crate::Scheme::$scheme,
            source: $crate::lookup_build($table, $source).path,
            entry: $entry,
            build: $crate::lookup_build($table, $source).build,
            tolerance: $crate::Kernel::TOLERANCE,
            bit_exact: false,
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

/// The whole library of a foreign-language crate (`laplace-c`,
/// `laplace-cpp`, `laplace-fortran`), whose `build.rs` is
/// `laplace_build::build("<language>")`:
///
/// ```ignore
/// laplace_core::foreign_crate!($crate, "c", laplace_c_loop);
/// ```
///
/// It defines `ffi` (bindgen's declarations from the language's header),
/// `BUILD_INFO` (how each source was compiled), the crate's `kernel!`
/// registration macro, and tests that the header matches the contract,
/// `laplace_c_loop` standing for any kernel. `$crate`, written by the
/// calling crate, gives the inner macro its dollar sign and makes its paths
/// name the calling crate rather than this one.
#[macro_export]
macro_rules! foreign_crate {
    ($d:tt $krate:tt, $language:literal, $any_kernel:ident) => {
        pub use $crate as laplace_core;

        /// Declarations generated by bindgen from the language's header.
        #[allow(
            non_camel_case_types,
            non_upper_case_globals,
            missing_docs,
            unused_qualifications
        )]
        pub mod ffi {
            include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
        }

        include!(concat!(env!("OUT_DIR"), "/build_info.rs"));

        /// A [`laplace_core::Kernel`] for the function `$symbol` compiled
        /// from `$source` in the language's folder:
        /// `kernel!(name, Scheme, symbol, "source")`, with optional
        /// `field = value` overrides of the [`laplace_core::Kernel`] fields:
        /// `tolerance` (fast-math variants), `cost`, `parallel`.
        ///
        /// The symbol must have the contract's signature: a mismatch does not
        /// compile.
        #[macro_export]
        macro_rules! kernel {
                    ($d name:literal, $d scheme:ident, $d symbol:ident, $d source:literal
                     $d(, $d field:ident = $d value:expr)* $d(,)?) => {
                        $d $krate::laplace_core::foreign_kernel!(
                            $d name, $d scheme, $d $krate::ffi::$d symbol, stringify!($d symbol),
                            $d $krate::BUILD_INFO, $d source
                            $d(, $d field = $d value)*
                        )
                    };
                }

        #[cfg(test)]
        mod contract_tests {
            use $crate::ffi;

            #[test]
            fn status_codes_match_the_header() {
                assert_eq!($krate::ffi::LAPLACE_OK as i32, ffi::OK);
                assert_eq!($krate::ffi::LAPLACE_EINVAL as i32, ffi::EINVAL);
                assert_eq!($krate::ffi::LAPLACE_ENOMEM as i32, ffi::ENOMEM);
            }

            #[test]
            fn header_typedef_is_the_contract() {
                fn same(f: ffi::RawKernel) -> $krate::ffi::laplace_kernel_fn {
                    Some(f)
                }
                assert!(same($krate::ffi::$any_kernel).is_some());
            }

            #[test]
            fn the_language_table_names_this_crate() {
                let lang = $crate::Language::find($language).expect("in LANGUAGES");
                assert_eq!(lang.crate_name, env!("CARGO_CRATE_NAME"));
                for rec in $krate::BUILD_INFO {
                    assert_eq!(rec.path, format!("{}/{}", lang.dir, rec.source));
                }
            }

            #[test]
            fn every_source_has_a_build_record_with_flags() {
                assert!(!$krate::BUILD_INFO.is_empty());
                for rec in $krate::BUILD_INFO {
                    for flag in ["-O3", "-march="] {
                        assert!(
                            rec.build.flags.contains(flag),
                            "{}: {}",
                            rec.source,
                            rec.build.flags
                        );
                    }
                    assert!(!rec.build.compiler.is_empty());
                }
            }
        }
    };
}
