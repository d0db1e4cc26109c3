//! The one registry: every kernel in the race, one line each.
//!
//! Tests, the command line, the benches and the reports iterate over
//! [`KERNELS`], so a kernel added here is verified, timed and plotted with no
//! other change. Names read `language/form[-variant]`.
//!
//! Kernels that Cargo does not build (Python, ...) register with a manifest
//! in `kernels/external/` instead of a line here; [`Registry`] lists both.

use std::path::Path;

use laplace_core::{Cost, Kernel, Scheme};

use crate::external::{self, ExternalError, ExternalKernel, project_root};

/// Every registered kernel, one line each (kept on one line by `rustfmt::skip`).
#[rustfmt::skip]
pub static KERNELS: &[Kernel] = &[
    // Rust: laplace_rust::kernel!(name, Scheme, module in crates/laplace-rust/src/kernels/).
    // bit_exact = true: the reference's arithmetic exactly (rustc does not
    // contract a * b + c), verified bit for bit.
    laplace_rust::kernel!("rust/loop", GaussSeidel, loops, bit_exact = true),
    laplace_rust::kernel!("rust/loop-slices", GaussSeidel, loop_slices, bit_exact = true),
    laplace_rust::kernel!("rust/loop-unchecked", GaussSeidel, loop_unchecked, bit_exact = true),
    laplace_rust::kernel!("rust/loop-wavefront", GaussSeidel, loop_wavefront, cost = Cost::ScalarThroughput),
    laplace_rust::kernel!("rust/loop-wavefront-exact", GaussSeidel, loop_wavefront_exact, bit_exact = true, cost = Cost::ScalarFmaDivision),
    laplace_rust::kernel!("rust/loop-wavefront-simd", GaussSeidel, loop_wavefront_simd, bit_exact = true, cost = Cost::VectorFmaDivision),
    laplace_rust::kernel!("rust/array", Jacobi, array, bit_exact = true),
    laplace_rust::kernel!("rust/array-indexed", Jacobi, array_indexed, bit_exact = true),
    laplace_rust::kernel!("rust/array-unchecked", Jacobi, array_unchecked, bit_exact = true),
    laplace_rust::kernel!("rust/array-ndarray", Jacobi, array_ndarray, bit_exact = true),
    laplace_rust::kernel!("rust/array-recip", Jacobi, array_recip, cost = Cost::JacobiReciprocal),
    laplace_rust::kernel!("rust/array-flat", Jacobi, array_flat, bit_exact = true),
    laplace_rust::kernel!("rust/array-exact", Jacobi, array_exact, bit_exact = true, cost = Cost::JacobiFmaDivision),
    laplace_rust::kernel!("rust/array-flat-recip", Jacobi, array_flat_recip, cost = Cost::JacobiReciprocal),
    laplace_rust::kernel!("rust/array-simd", Jacobi, array_simd, bit_exact = true),
    laplace_rust::kernel!("rust/array-simd-exact", Jacobi, array_simd_exact, bit_exact = true, cost = Cost::JacobiFmaDivision),
    laplace_rust::kernel!("rust/array-simd-recip", Jacobi, array_simd_recip, cost = Cost::JacobiReciprocal),
    laplace_rust::kernel!("rust/array-stream", Jacobi, array_stream, bit_exact = true, cost = Cost::JacobiStream),
    laplace_rust::kernel!("rust/array-tblock", Jacobi, array_tblock, bit_exact = true),
    laplace_rust::kernel!("rust/array-rayon", Jacobi, array_rayon, bit_exact = true, parallel = true),
    laplace_rust::kernel!("rust/array-threads", Jacobi, array_threads, bit_exact = true, parallel = true),
    laplace_rust::kernel!("rust/redblack", RedBlackSor, redblack, bit_exact = true),
    laplace_rust::kernel!("rust/redblack-simd", RedBlackSor, redblack_simd, bit_exact = true),
    laplace_rust::kernel!("rust/redblack-simd-exact", RedBlackSor, redblack_simd_exact, bit_exact = true, cost = Cost::RedBlackFmaDivision),
    // C: laplace_c::kernel!(name, Scheme, symbol in c_kernels/laplace_c.h, source in c_kernels/)
    laplace_c::kernel!("c/loop", GaussSeidel, laplace_c_loop, "loop.c"),
    laplace_c::kernel!("c/loop-wavefront", GaussSeidel, laplace_c_loop_wavefront, "loop-wavefront.c", cost = Cost::ScalarThroughput),
    laplace_c::kernel!("c/array", Jacobi, laplace_c_array, "array.c"),
    laplace_c::kernel!("c/loop-fastmath", GaussSeidel, laplace_c_loop_fastmath, "loop-fastmath.c", tolerance = Kernel::FASTMATH_TOLERANCE, cost = Cost::ChainReciprocal),
    laplace_c::kernel!("c/array-fastmath", Jacobi, laplace_c_array_fastmath, "array-fastmath.c", tolerance = Kernel::FASTMATH_TOLERANCE, cost = Cost::JacobiReciprocal),
    laplace_c::kernel!("c/array-flat", Jacobi, laplace_c_array_flat, "array-flat.c"),
    laplace_c::kernel!("c/array-exact", Jacobi, laplace_c_array_exact, "array-exact.c", bit_exact = true, cost = Cost::JacobiFmaDivision),
    laplace_c::kernel!("c/array-recip", Jacobi, laplace_c_array_recip, "array-recip.c", cost = Cost::JacobiReciprocal),
    laplace_c::kernel!("c/array-openmp", Jacobi, laplace_c_array_openmp, "array-openmp.c", parallel = true),
    laplace_c::kernel!("c/redblack", RedBlackSor, laplace_c_redblack, "redblack.c"),
    laplace_c::kernel!("c/redblack-openmp", RedBlackSor, laplace_c_redblack_openmp, "redblack-openmp.c", parallel = true),
    // C++: laplace_cpp::kernel!(name, Scheme, symbol in cpp_kernels/laplace_cpp.h, source in cpp_kernels/)
    laplace_cpp::kernel!("cpp/loop", GaussSeidel, laplace_cpp_loop, "loop.cpp"),
    laplace_cpp::kernel!("cpp/array", Jacobi, laplace_cpp_array, "array.cpp"),
    laplace_cpp::kernel!("cpp/array-span", Jacobi, laplace_cpp_array_span, "array-span.cpp"),
    laplace_cpp::kernel!("cpp/redblack", RedBlackSor, laplace_cpp_redblack, "redblack.cpp"),
    // Fortran: laplace_fortran::kernel!(name, Scheme, symbol in fortran_kernels/laplace_fortran.h, source)
    laplace_fortran::kernel!("fortran/loop", GaussSeidel, laplace_fortran_loop, "loop.f90"),
    laplace_fortran::kernel!("fortran/array", Jacobi, laplace_fortran_array, "array.f90"),
    laplace_fortran::kernel!("fortran/loop-fastmath", GaussSeidel, laplace_fortran_loop_fastmath, "loop-fastmath.f90", tolerance = Kernel::FASTMATH_TOLERANCE, cost = Cost::ChainReciprocal),
    laplace_fortran::kernel!("fortran/array-fastmath", Jacobi, laplace_fortran_array_fastmath, "array-fastmath.f90", tolerance = Kernel::FASTMATH_TOLERANCE, cost = Cost::JacobiReciprocal),
    laplace_fortran::kernel!("fortran/array-openmp", Jacobi, laplace_fortran_array_openmp, "array-openmp.f90", parallel = true),
    laplace_fortran::kernel!("fortran/redblack", RedBlackSor, laplace_fortran_redblack, "redblack.f90"),
];

/// The kernel called `name`, if registered.
pub fn find(name: &str) -> Option<&'static Kernel> {
    KERNELS.iter().find(|k| k.name == name)
}

/// One kernel of the race: compiled into this binary, or external.
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    /// A line of [`KERNELS`].
    Compiled(&'static Kernel),
    /// A manifest of `kernels/external/`.
    External(&'a ExternalKernel),
}

impl Entry<'_> {
    /// `language/form[-variant]`.
    pub fn name(&self) -> &'static str {
        match self {
            Entry::Compiled(k) => k.name,
            Entry::External(k) => k.name,
        }
    }

    /// The iteration it runs.
    pub fn scheme(&self) -> Scheme {
        match self {
            Entry::Compiled(k) => k.scheme,
            Entry::External(k) => k.scheme,
        }
    }

    /// Its verification tolerance (0 for a bit-exact kernel).
    pub fn tolerance(&self) -> f64 {
        match self {
            Entry::Compiled(k) => k.verification_tolerance(),
            Entry::External(k) => k.tolerance,
        }
    }

    /// What bounds its speed.
    pub fn cost(&self) -> Cost {
        match self {
            Entry::Compiled(k) => k.cost,
            Entry::External(k) => k.cost,
        }
    }

    /// Its source files: a compiled kernel's one file under the project
    /// root, an external kernel's as its manifest names them (perhaps none).
    pub fn sources(&self) -> Vec<std::path::PathBuf> {
        match self {
            Entry::Compiled(k) => vec![project_root().join(k.source)],
            Entry::External(k) => k.sources(),
        }
    }

    /// Whether it uses the threads it is offered.
    pub fn parallel(&self) -> bool {
        match self {
            Entry::Compiled(k) => k.parallel,
            Entry::External(k) => k.parallel,
        }
    }
}

/// Every kernel of the race: [`KERNELS`], then the external kernels.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// The external kernels, in manifest file-name order.
    pub external: Vec<ExternalKernel>,
}

impl Registry {
    /// The compiled kernels plus the manifests of `dir`.
    pub fn load(dir: &Path) -> Result<Registry, ExternalError> {
        let taken: Vec<&str> = KERNELS.iter().map(|k| k.name).collect();
        Ok(Registry {
            external: external::load_dir(dir, &taken)?,
        })
    }

    /// The compiled kernels only.
    pub fn compiled() -> Registry {
        Registry::default()
    }

    /// Every entry, compiled first.
    pub fn entries(&self) -> Vec<Entry<'_>> {
        KERNELS
            .iter()
            .map(Entry::Compiled)
            .chain(self.external.iter().map(Entry::External))
            .collect()
    }

    /// The entry called `name`.
    pub fn find(&self, name: &str) -> Option<Entry<'_>> {
        self.entries().into_iter().find(|e| e.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for k in KERNELS {
            assert!(seen.insert(k.name), "{} is registered twice", k.name);
            if let Err(e) = laplace_core::KernelName::parse(k.name) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn every_source_file_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for k in KERNELS {
            assert!(
                root.join(k.source).is_file(),
                "{}: {} missing",
                k.name,
                k.source
            );
        }
    }
}
