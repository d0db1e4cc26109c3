//! Build-script steps shared by the foreign-kernel crates (`laplace-c`,
//! `laplace-cpp`, `laplace-fortran`). Each crate's `build.rs` is one call,
//! [`build`], driven by the language's entry in
//! [`laplace_core::LANGUAGES`]; it runs one small function per step:
//!
//! 1. [`require_compiler`]: the compiler exists, or the build stops and names
//!    the package to install;
//! 2. [`kernel_sources`] + [`rerun_if_changed`]: every kernel source and header;
//! 3. [`compile_each`]: each source into its own static library at the shared
//!    optimisation level and the same target CPU as Rust, recording the exact
//!    command line;
//! 4. [`link_runtimes`]: the language's run-time libraries, and OpenMP's;
//! 5. [`generate_bindings`]: Rust declarations from the header with bindgen;
//! 6. [`write_build_table`]: the records as a Rust table, readable at run time.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub use laplace_core::language::{self, Compiler, Foreign, Language};

/// The optimisation level of every foreign kernel (Rust's release profile uses 3 too).
pub const OPT_LEVEL: u32 = 3;

/// Builds the kernels of the compiled language called `name` (an entry of
/// [`laplace_core::LANGUAGES`]): the whole `build.rs` of its crate.
pub fn build(name: &str) {
    let lang = Language::find(name)
        .unwrap_or_else(|| panic!("`{name}` is not in laplace_core::LANGUAGES"));
    let foreign = lang
        .foreign
        .unwrap_or_else(|| panic!("`{name}` is not compiled by a build script"));
    let root = workspace_root();
    let dir = root.join(lang.dir);
    let contract = root.join(language::CONTRACT_DIR);
    let sources = kernel_sources(&dir, lang);
    rerun_if_changed(&sources);
    rerun_if_changed(headers(&dir));
    rerun_if_changed(headers(&contract));
    // The folder itself, so that an added kernel file triggers a rebuild.
    rerun_if_changed([&dir]);
    let compiler = compiler(&foreign.compiler);
    require_compiler(&compiler.path().display().to_string(), &foreign.compiler);
    let includes: Vec<&Path> = if dir == contract {
        vec![&dir]
    } else {
        vec![&dir, &contract]
    };
    let records = compile_each(lang, &sources, &includes);
    link_runtimes(&foreign, &sources);
    generate_bindings(&dir.join(foreign.header), &includes, "bindings.rs");
    write_build_table(lang, &records);
}

/// The workspace root: two folders above the building crate
/// (`crates/<name>`).
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by Cargo"));
    manifest
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// The `.h` files of `dir`, sorted.
fn headers(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "h"))
        .collect();
    files.sort();
    files
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

/// A `cc` build set up for `compiler`: its program from [`Compiler::env`],
/// else [`Compiler::program`], else the `cc` crate's own choice.
fn cc_build(compiler: &Compiler) -> cc::Build {
    println!("cargo:rerun-if-env-changed={}", compiler.env);
    let mut build = cc::Build::new();
    build.cpp(compiler.cxx);
    if let Some(program) = compiler.program {
        build.compiler(env::var(compiler.env).unwrap_or_else(|_| program.to_string()));
    }
    build
}

/// The compiler `cc` will run for `compiler`.
fn compiler(compiler: &Compiler) -> cc::Tool {
    cc_build(compiler).get_compiler()
}

/// Stops the build with install instructions if `tool` cannot be run.
pub fn require_compiler(tool: &str, compiler: &Compiler) {
    if Command::new(tool).arg("--version").output().is_err() {
        panic!(
            "\n\n`{tool}` was not found, and laplace-shootout needs it to build its kernels.\n\
             Install it, or let `cargo xtask test` / `cargo xtask run` install it for you:\n\
             \n  Debian/Ubuntu:  sudo apt-get install {}\n\
             \x20 Fedora:         sudo dnf install {}\n\
             \x20 macOS:          brew install gcc\n\
             \nor point the {} variable at another compiler.\n\n",
            compiler.debian, compiler.fedora, compiler.env
        );
    }
}

/// The kernel sources of `lang` in `dir`, sorted by name.
pub fn kernel_sources(dir: &Path, lang: &Language) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read kernel folder {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == lang.ext))
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

/// Whether a source is an exact variant: its file stem says so. Such
/// sources get `-ffp-contract=off`, so that `a * b + c` is rounded twice, as
/// the reference rounds it (explicit `fma()` calls stay fused).
pub fn is_exact(source: &Path) -> bool {
    source
        .file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.contains("exact"))
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

/// Links the language's run-time libraries, and libgomp when any of
/// `sources` is an OpenMP variant. (`cc` links the C++ runtime itself.)
pub fn link_runtimes(foreign: &Foreign, sources: &[PathBuf]) {
    for lib in foreign.runtime_libs {
        println!("cargo:rustc-link-lib=dylib={lib}");
    }
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

/// The flags of a sanitizer build shared by every language: ASan + UBSan,
/// every finding fatal, frame pointers for the stack traces (each language
/// adds its own, [`Foreign::sanitize_flags`]).
pub const SANITIZE_FLAGS: [&str; 3] = [
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
    "-fno-omit-frame-pointer",
];

/// Compiles each source into its own static library
/// (`laplace_<lang>_<stem>`) and returns how each was compiled.
///
/// Every source gets `-O3`, `-march=<target_cpu>` and the language's
/// [`Foreign::flags`]; sources whose name contains `fastmath` also get
/// `-ffast-math`, those whose name contains `openmp` get `-fopenmp`, and
/// those whose name contains `exact` get `-ffp-contract=off`.
/// With [`SANITIZE_ENV`] set, every source also gets `-g`,
/// [`SANITIZE_FLAGS`] and the language's own, and the crate links libasan and
/// libubsan (before any other shared library, as ASan requires).
pub fn compile_each(lang: &Language, sources: &[PathBuf], includes: &[&Path]) -> Vec<Record> {
    let foreign = lang.foreign.expect("a foreign language");
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR is set by Cargo"));
    let march = format!("-march={}", target_cpu());
    let sanitize = sanitize_enabled();
    let records = sources
        .iter()
        .map(|src| {
            let mut build = cc_build(&foreign.compiler);
            build
                .file(src)
                .opt_level(OPT_LEVEL)
                .debug(sanitize)
                .warnings(true)
                .flag(&march);
            for dir in includes {
                build.include(dir);
            }
            for flag in foreign.flags {
                build.flag(flag);
            }
            if let Some(flag) = foreign.module_dir_flag {
                build.flag(flag).flag(out_dir.display().to_string());
            }
            if is_fastmath(src) {
                build.flag("-ffast-math");
            }
            if is_openmp(src) {
                build.flag("-fopenmp");
            }
            if is_exact(src) {
                build.flag("-ffp-contract=off");
            }
            if sanitize {
                for flag in SANITIZE_FLAGS.iter().chain(foreign.sanitize_flags) {
                    build.flag(flag);
                }
            }
            let tool = build.get_compiler();
            let stem = src
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("UTF-8 file name");
            let lib = format!("laplace_{}_{}", lang.name, stem.replace('-', "_"));
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
pub fn write_build_table(lang: &Language, records: &[Record]) {
    let mut code = String::from(
        "/// How each kernel source was compiled (generated by build.rs).\n\
         pub const BUILD_INFO: &[laplace_core::SourceBuild] = &[\n",
    );
    for r in records {
        writeln!(
            code,
            "    laplace_core::SourceBuild {{ source: {:?}, path: {:?}, build: laplace_core::BuildInfo {{ compiler: {:?}, flags: {:?} }} }},",
            r.source,
            format!("{}/{}", lang.dir, r.source),
            r.compiler,
            r.flags
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR is set by Cargo")).join("build_info.rs");
    fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
