//! Compiles every `c_kernels/*.c` into its own static library and generates
//! the Rust declarations from `c_kernels/laplace_c.h`: the steps and the language's
//! facts are in `laplace_build` and `laplace_core::LANGUAGES`.

fn main() {
    laplace_build::build("c");
}
