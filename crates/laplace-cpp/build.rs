//! Compiles every `cpp_kernels/*.cpp` into its own static library and
//! generates the Rust declarations from `cpp_kernels/laplace_cpp.h`: the
//! steps and the language's facts are in `laplace_build` and
//! `laplace_core::LANGUAGES`.

fn main() {
    laplace_build::build("cpp");
}
