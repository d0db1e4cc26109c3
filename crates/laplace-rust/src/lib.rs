//! The pure-Rust kernels of laplace-shootout, one file each in `src/kernels/`.
//!
//! Every file defines `pub fn run(job: &mut Job) -> Result<(), KernelError>`
//! and is registered in the workspace registry with [`kernel!`]:
//!
//! ```ignore
//! laplace_rust::kernel!("rust/loop", GaussSeidel, loops)
//! ```

pub use laplace_core;

/// The kernels, one module per file of `src/kernels/` (declared by build.rs).
pub mod kernels {
    include!(concat!(env!("OUT_DIR"), "/kernels.rs"));
}

include!(concat!(env!("OUT_DIR"), "/build_info.rs"));

/// A [`laplace_core::Kernel`] for `src/kernels/<module>.rs`:
/// `kernel!(name, Scheme, module)`, with an optional `tolerance = X`.
#[macro_export]
macro_rules! kernel {
    ($name:literal, $scheme:ident, $module:ident) => {
        $crate::kernel!(
            $name,
            $scheme,
            $module,
            tolerance = $crate::laplace_core::Kernel::TOLERANCE
        )
    };
    ($name:literal, $scheme:ident, $module:ident, tolerance = $tol:expr) => {
        $crate::laplace_core::Kernel {
            name: $name,
            scheme: $crate::laplace_core::Scheme::$scheme,
            source: concat!(
                "crates/laplace-rust/src/kernels/",
                stringify!($module),
                ".rs"
            ),
            build: $crate::BUILD,
            tolerance: $tol,
            run: $crate::kernels::$module::run,
        }
    };
}
