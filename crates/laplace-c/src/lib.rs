//! The C kernels of laplace-shootout.
//!
//! `build.rs` compiles every `c_kernels/*.c` with the `cc` crate's C compiler (gcc by default, `CC` overrides), and generates [`ffi`]
//! with bindgen from `c_kernels/laplace_c.h`, the single source of truth for their
//! signatures. [`BUILD_INFO`] records the compiler and flags of each source.
//! Register a kernel in the workspace registry with [`kernel!`]:
//!
//! ```ignore
//! laplace_c::kernel!("c/loop", GaussSeidel, laplace_c_loop, "loop.c")
//! ```

laplace_core::foreign_crate!($crate, "c", laplace_c_loop);
