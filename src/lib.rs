//! laplace-shootout: the registry of every kernel, and the command line's
//! building blocks.

pub mod bounds;
pub mod effort;
pub mod external;
pub mod fsutil;
pub mod interrupt;
pub mod list;
pub mod machine;
pub mod probe;
pub mod progress;
pub mod registry;
pub mod runner;
pub mod select;
pub mod table;

/// How this binary was built, recorded by `build.rs`.
pub mod provenance {
    /// `rustc -V` of the compiler that built this binary.
    pub const RUSTC: &str = env!("SHOOTOUT_RUSTC");
    /// Target triple.
    pub const TARGET: &str = env!("SHOOTOUT_TARGET");
    /// `-C target-cpu` (also the `-march` of the C and Fortran kernels).
    pub const TARGET_CPU: &str = env!("SHOOTOUT_TARGET_CPU");
    /// Cargo profile (`release`, `debug`).
    pub const PROFILE: &str = env!("SHOOTOUT_PROFILE");
    /// Optimisation level of this build.
    pub const OPT_LEVEL: &str = env!("SHOOTOUT_OPT_LEVEL");
}
