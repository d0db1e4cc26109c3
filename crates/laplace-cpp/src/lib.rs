//! The C++ kernels of laplace-shootout.
//!
//! `build.rs` compiles every `cpp_kernels/*.cpp` as C++20 with the `cc`
//! crate's C++ compiler (g++ by default, `CXX` overrides), and generates
//! [`ffi`] with bindgen from `cpp_kernels/laplace_cpp.h`, whose prototypes
//! have C linkage (`extern "C"`). [`BUILD_INFO`] records the compiler and
//! flags of each source. Register a kernel in the workspace registry with
//! [`kernel!`]:
//!
//! ```ignore
//! laplace_cpp::kernel!("cpp/loop", GaussSeidel, laplace_cpp_loop, "loop.cpp")
//! ```

laplace_core::foreign_crate!($crate, "cpp", laplace_cpp_loop);
