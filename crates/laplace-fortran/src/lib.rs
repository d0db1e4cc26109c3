//! The Fortran kernels of laplace-shootout.
//!
//! `build.rs` compiles every `fortran_kernels/*.f90` with gfortran through `cc` (`FC` overrides), linked with libgfortran, and generates [`ffi`]
//! with bindgen from `fortran_kernels/laplace_fortran.h`, the single source of truth for their
//! signatures. [`BUILD_INFO`] records the compiler and flags of each source.
//! Register a kernel in the workspace registry with [`kernel!`]:
//!
//! ```ignore
//! laplace_fortran::kernel!("fortran/loop", GaussSeidel, laplace_fortran_loop, "loop.f90")
//! ```

laplace_core::foreign_crate!($crate, "fortran", laplace_fortran_loop);
