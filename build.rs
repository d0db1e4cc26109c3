//! Records the toolchain provenance that the runner and the benches print:
//! rustc version, target, target CPU, profile and optimisation level.

use std::env;

use laplace_build::{rustc_version, target_cpu};

fn main() {
    set("SHOOTOUT_RUSTC", &rustc_version());
    set("SHOOTOUT_TARGET", &env::var("TARGET").unwrap_or_default());
    set("SHOOTOUT_TARGET_CPU", &target_cpu());
    set("SHOOTOUT_PROFILE", &env::var("PROFILE").unwrap_or_default());
    set(
        "SHOOTOUT_OPT_LEVEL",
        &env::var("OPT_LEVEL").unwrap_or_default(),
    );
    println!("cargo:rerun-if-changed=build.rs");
}

fn set(key: &str, value: &str) {
    println!("cargo:rustc-env={key}={value}");
}
