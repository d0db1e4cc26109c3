//! Compiles every `fortran_kernels/*.f90` into its own static library and generates
//! the Rust declarations from `fortran_kernels/laplace_fortran.h`: the steps and the language's
//! facts are in `laplace_build` and `laplace_core::LANGUAGES`.

fn main() {
    laplace_build::build("fortran");
}
