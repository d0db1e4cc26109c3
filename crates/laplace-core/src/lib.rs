//! The Laplace problem of the 2011 shootout, the kernel contract shared by every
//! language, the reference solvers and verification.
//!
//! A grid `u` of `nx` rows by `ny` columns of `f64`, stored row-major
//! (`u[i * ny + j]`), starts at zero except for the first row, which is held at
//! one; all four edges are fixed. One sweep updates every interior point with
//!
//! ```text
//! u[i,j] = ((u[i+1,j] + u[i-1,j]) * dy2 + (u[i,j+1] + u[i,j-1]) * dx2) / (2*(dx2+dy2))
//! ```
//!
//! under one of the [`Scheme`]s. Kernels are described by [`Kernel`] and run
//! through a validated [`Job`], so no kernel, Rust or foreign, ever sees a
//! buffer that does not match its problem.

pub mod cache;
mod error;
pub mod exact_div;
pub mod ffi;
mod grid;
mod kernel;
pub mod language;
pub mod npy;
mod problem;
pub mod reference;
pub mod results;
mod scheme;
pub mod text;
pub mod verify;

pub use error::{InputError, KernelError};
pub use grid::Grid;
pub use kernel::{
    BuildInfo, Cost, Job, Kernel, KernelFn, PORTABLE, PORTABLE_VAR, SERIAL, SourceBuild,
    lookup_build, name_parts, portable_forced, short_flags,
};
pub use language::{KernelName, LANGUAGES, Language, NameError};
pub use problem::{Problem, Stencil, advise_huge_pages};
pub use scheme::Scheme;
