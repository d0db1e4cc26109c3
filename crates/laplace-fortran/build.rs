//! Compiles every `fortran_kernels/*.f90` with gfortran into its own static
//! library, links libgfortran, and generates the Rust declarations from
//! `fortran_kernels/laplace_fortran.h`.

use std::path::PathBuf;

use laplace_build::{
    Language, compile_each, fortran_compiler, generate_bindings, link_openmp_if_needed,
};
use laplace_build::{kernel_sources, require_compiler, rerun_if_changed, write_build_table};

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root exists");
    let dir = root.join("fortran_kernels");
    let contract = root.join("c_kernels");
    let sources = kernel_sources(&dir, Language::Fortran);
    rerun_if_changed(&sources);
    rerun_if_changed([dir.join("laplace_fortran.h"), contract.join("laplace.h")]);
    rerun_if_changed([&dir]);
    let fc = fortran_compiler();
    require_compiler(&fc, "gfortran");
    let records = compile_each(Language::Fortran, &sources, &[&dir], &fc);
    println!("cargo:rustc-link-lib=dylib=gfortran");
    link_openmp_if_needed(&sources);
    generate_bindings(
        &dir.join("laplace_fortran.h"),
        &[&dir, &contract],
        "bindings.rs",
    );
    write_build_table(&records);
}
