//! Build-script steps shared by the foreign-kernel crates (`laplace-c`,
//! `laplace-fortran`), one small function per step:
//!
//! 1. [`require_compiler`]: the compiler exists, or the build stops and names
//!    the package to install;
//! 2. [`kernel_sources`] + [`rerun_if_changed`]: every kernel source and header;
//! 3. [`compile_each`]: each source into its own static library at the shared
//!    optimisation level and the same target CPU as Rust, recording the exact
//!    command line;
//! 4. [`generate_bindings`]: Rust declarations from the header with bindgen;
//! 5. [`write_build_table`]: the records as a Rust table, readable at run time.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The optimisation level of every foreign kernel (Rust's release profile uses 3 too).
pub const OPT_LEVEL: u32 = 3;

/// A language whose kernels are compiled by a build script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// C, compiled with the `cc` crate's C compiler (gcc by default; `CC` overrides).
    C,
    /// Fortran, compiled with gfortran through the `cc` crate (`FC` overrides).
    Fortran,
}

impl Language {
    /// Source file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Language::C => "c",
            Language::Fortran => "f90",
        }
    }

    /// Lower-case name, used in library names.
    pub fn name(self) -> &'static str {
        match self {
            Language::C => "c",
            Language::Fortran => "fortran",
        }
    }
}

/// How one source file was compiled.
#[derive(Debug, Clone)]
pub struct Record {
    /// File name, e.g. `loop.c`.
    pub source: String,
    /// First line of `compiler --version`.
    pub compiler: String,
    /// Compiler path and every argument, as run.
    pub flags: String,
}

/// The Fortran compiler to use: `FC`, or `gfortran`.
pub fn fortran_compiler() -> String {
    println!("cargo:rerun-if-env-changed=FC");
    env::var("FC").unwrap_or_else(|_| "gfortran".to_string())
}

/// The C compiler `cc` will use (`CC`, or the platform default).
pub fn c_compiler() -> String {
    cc::Build::new().get_compiler().path().display().to_string()
}

/// Stops the build with install instructions if `tool` cannot be run.
pub fn require_compiler(tool: &str, debian_package: &str) {
    if Command::new(tool).arg("--version").output().is_err() {
        panic!(
            "\n\n`{tool}` was not found, and laplace-shootout needs it to build its kernels.\n\
             Install it, or let `cargo xtask test` / `cargo xtask run` install it for you:\n\
             \n  Debian/Ubuntu:  sudo apt-get install {debian_package}\n\
             \x20 Fedora:         sudo dnf install gcc-gfortran\n\
             \x20 macOS:          brew install gcc\n\
             \nor point the FC (Fortran) / CC (C) variable at another compiler.\n\n"
        );
    }
}

/// The kernel sources of `lang` in `dir`, sorted by name.
pub fn kernel_sources(dir: &Path, lang: Language) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read kernel folder {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == lang.extension()))
        .collect();
    files.sort();
    files
}

/// Tells Cargo to rebuild when any of `paths` changes. `cc` prints its own
/// `rerun-if-env-changed` lines, which switch off Cargo's default rescan of
/// the package, so every kernel source and header must be listed here.
pub fn rerun_if_changed<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) {
    for p in paths {
        println!("cargo:rerun-if-changed={}", p.as_ref().display());
    }
}

/// The `-march` value matching Rust's `-C target-cpu` (from
/// `CARGO_ENCODED_RUSTFLAGS`), so that every language targets the same CPU.
/// Without a target-cpu, rustc targets the baseline `x86-64`.
pub fn target_cpu() -> String {
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let args: Vec<&str> = flags.split('\x1f').collect();
    let mut cpu = None;
    for (k, a) in args.iter().enumerate() {
        if let Some(v) = a.strip_prefix("-Ctarget-cpu=") {
            cpu = Some(v);
        } else if let Some(v) = a.strip_prefix("target-cpu=")
            && k > 0
            && args[k - 1] == "-C"
        {
            cpu = Some(v);
        }
    }
    cpu.unwrap_or("x86-64").to_string()
}

/// `rustc -V` of the compiler Cargo builds with.
pub fn rustc_version() -> String {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "rustc (version unknown)".into())
}

/// The first line of `tool --version`.
pub fn compiler_version(tool: &Path) -> String {
    Command::new(tool)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| format!("{} (version unknown)", tool.display()))
}

/// Whether a source's flags class is fast-math: its file stem says so.
pub fn is_fastmath(source: &Path) -> bool {
    source
        .file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.contains("fastmath"))
}

/// Whether a source is an OpenMP variant: its file stem says so. Such
/// sources get `-fopenmp`, and the crate links the OpenMP runtime (see
/// [`link_openmp_if_needed`]).
pub fn is_openmp(source: &Path) -> bool {
    source
        .file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.contains("openmp"))
}

/// Links libgomp when any of `sources` is an OpenMP variant.
pub fn link_openmp_if_needed(sources: &[PathBuf]) {
    if sources.iter().any(|s| is_openmp(s)) {
        println!("cargo:rustc-link-lib=dylib=gomp");
    }
}

/// The variable that turns on the sanitizer build (`cargo xtask sanitize`):
/// any value but empty or `0`.
pub const SANITIZE_ENV: &str = "LAPLACE_SANITIZE";

/// Whether [`SANITIZE_ENV`] asks for AddressSanitizer + UndefinedBehaviorSanitizer.
pub fn sanitize_enabled() -> bool {
    println!("cargo:rerun-if-env-changed={SANITIZE_ENV}");
    env::var(SANITIZE_ENV).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The extra flags of a sanitizer build: ASan + UBSan, every finding fatal,
/// frame pointers for the stack traces; Fortran also checks array bounds and
/// the rest of gfortran's run-time checks (except the array-temporary
/// warnings, which are not errors).
pub fn sanitize_flags(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::C => &[
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer",
        ],
        Language::Fortran => &[
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer",
            // Not the recursion check: it keeps one static flag per
            // procedure, so two test threads in one kernel at once read as
            // recursion (they share no data: the locals are on the stack).
            "-fcheck=all,no-array-temps,no-recursion",
        ],
    }
}

/// Compiles each source into its own static library
/// (`laplace_<lang>_<stem>`) and returns how each was compiled.
///
/// Every source gets `-O3` and `-march=<target_cpu>` (Fortran also `-cpp`);
/// sources whose name contains `fastmath` also get `-ffast-math`, and those
/// whose name contains `openmp` get `-fopenmp`. `fortran` is the Fortran
/// compiler; it is ignored for C. With [`SANITIZE_ENV`] set, every source also
/// gets `-g` and [`sanitize_flags`], and the crate links libasan and libubsan
/// (before any other shared library, as ASan requires).
pub fn compile_each(
    lang: Language,
    sources: &[PathBuf],
    includes: &[&Path],
    fortran: &str,
) -> Vec<Record> {
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR is set by Cargo"));
    let march = format!("-march={}", target_cpu());
    let sanitize = sanitize_enabled();
    let records = sources
        .iter()
        .map(|src| {
            let mut build = cc::Build::new();
            build
                .file(src)
                .opt_level(OPT_LEVEL)
                .debug(sanitize)
                .warnings(true)
                .flag(&march);
            for dir in includes {
                build.include(dir);
            }
            if lang == Language::Fortran {
                // Module files go to OUT_DIR, not into the source tree; -cpp
                // lets a variant file rename and #include its base source.
                build
                    .compiler(fortran)
                    .flag("-cpp")
                    .flag("-J")
                    .flag(out_dir.display().to_string());
            }
            if is_fastmath(src) {
                build.flag("-ffast-math");
            }
            if is_openmp(src) {
                build.flag("-fopenmp");
            }
            if sanitize {
                for flag in sanitize_flags(lang) {
                    build.flag(flag);
                }
            }
            let tool = build.get_compiler();
            let stem = src
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("UTF-8 file name");
            let lib = format!("laplace_{}_{}", lang.name(), stem.replace('-', "_"));
            build.compile(&lib);
            let mut flags = tool.path().display().to_string();
            for arg in tool.args() {
                flags.push(' ');
                flags.push_str(&arg.to_string_lossy());
            }
            Record {
                source: src.file_name().unwrap().to_string_lossy().into_owned(),
                compiler: compiler_version(tool.path()),
                flags,
            }
        })
        .collect();
    if sanitize {
        // Rust links with `-nodefaultlibs`, so `-fsanitize` at link time would
        // not pull the runtimes in: name them here, before libgomp/libgfortran.
        println!("cargo:rustc-link-lib=dylib=asan");
        println!("cargo:rustc-link-lib=dylib=ubsan");
    }
    records
}

/// Generates Rust declarations for every `laplace_*` function, type and
/// constant in `header` into `OUT_DIR/<out_name>`. Stops the build with
/// install instructions if libclang is missing.
pub fn generate_bindings(header: &Path, includes: &[&Path], out_name: &str) {
    if let Err(e) = clang_sys::load() {
        panic!(
            "\n\nbindgen needs libclang to read {}, and it was not found ({e}).\n\
             Install it, or let `cargo xtask test` / `cargo xtask run` install it for you:\n\
             \n  Debian/Ubuntu:  sudo apt-get install libclang-dev\n\
             \x20 Fedora:         sudo dnf install clang-devel\n\
             \x20 macOS:          xcode-select --install\n\
             \nor set LIBCLANG_PATH to the folder that holds libclang.so.\n\n",
            header.display()
        );
    }
    let mut builder = bindgen::Builder::default()
        .header(header.display().to_string())
        .allowlist_function("laplace_.*")
        .allowlist_type("laplace_.*")
        .allowlist_var("LAPLACE_.*")
        .parse_callbacks(Box::new(bindgen::CargoCallbacks::new()));
    for dir in includes {
        builder = builder.clang_arg(format!("-I{}", dir.display()));
    }
    let bindings = builder
        .generate()
        .unwrap_or_else(|e| panic!("bindgen failed on {}: {e}", header.display()));
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR is set by Cargo")).join(out_name);
    bindings
        .write_to_file(&out)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

/// Writes `records` to `OUT_DIR/build_info.rs` as
/// `pub const BUILD_INFO: &[laplace_core::SourceBuild]`.
pub fn write_build_table(records: &[Record]) {
    let mut code = String::from(
        "/// How each kernel source was compiled (generated by build.rs).\n\
         pub const BUILD_INFO: &[laplace_core::SourceBuild] = &[\n",
    );
    for r in records {
        writeln!(
            code,
            "    laplace_core::SourceBuild {{ source: {:?}, build: laplace_core::BuildInfo {{ compiler: {:?}, flags: {:?} }} }},",
            r.source, r.compiler, r.flags
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR is set by Cargo")).join("build_info.rs");
    fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
