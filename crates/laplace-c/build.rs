//! Compiles every `c_kernels/*.c` into its own static library and generates
//! the Rust declarations from `c_kernels/laplace_c.h`.

use std::path::PathBuf;

use laplace_build::{
    Language, c_compiler, compile_each, generate_bindings, kernel_sources, link_openmp_if_needed,
};
use laplace_build::{require_compiler, rerun_if_changed, write_build_table};

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../c_kernels")
        .canonicalize()
        .expect("c_kernels/ exists");
    let sources = kernel_sources(&dir, Language::C);
    rerun_if_changed(&sources);
    rerun_if_changed([
        dir.join("laplace.h"),
        dir.join("laplace_c.h"),
        dir.join("common.h"),
    ]);
    // The folder itself, so that an added kernel file triggers a rebuild.
    rerun_if_changed([&dir]);
    require_compiler(&c_compiler(), "gcc");
    let records = compile_each(Language::C, &sources, &[&dir], "");
    link_openmp_if_needed(&sources);
    generate_bindings(&dir.join("laplace_c.h"), &[&dir], "bindings.rs");
    write_build_table(&records);
}
