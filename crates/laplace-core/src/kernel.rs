use crate::{InputError, KernelError, Problem, Scheme};

/// A kernel entry point: runs `job.problem().iters` sweeps and leaves the
/// result in `job`'s `u` buffer. The scratch buffer is the kernel's to use.
pub type KernelFn = fn(&mut Job<'_>) -> Result<(), KernelError>;

/// How a kernel was compiled, recorded by its crate's build script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildInfo {
    /// Compiler and version, e.g. `gcc (Debian 12.2.0-14) 12.2.0`.
    pub compiler: &'static str,
    /// The full flags the compiler was run with.
    pub flags: &'static str,
}

/// The flags that matter for speed, without the compiler path and the flags
/// every build shares (`-ffunction-sections`, `-fPIC`, include paths, ...):
/// what tables and charts print beside a result.
pub fn short_flags(flags: &str) -> String {
    const NOISE: [&str; 6] = [
        "-ffunction-sections",
        "-fdata-sections",
        "-fPIC",
        "-m64",
        "-Wall",
        "-Wextra",
    ];
    let mut out = Vec::new();
    let mut words = flags.split_whitespace().skip(1);
    while let Some(w) = words.next() {
        if w == "-J" || w == "-I" {
            // A path follows.
            words.next();
            continue;
        }
        if w == "-C" {
            // rustc's two-word flag: keep the value.
            continue;
        }
        if w.starts_with("(profile") {
            break;
        }
        if NOISE.contains(&w) || w.starts_with("-I") || w.starts_with('/') {
            continue;
        }
        out.push(w);
    }
    out.join(" ")
}

/// `(language, form)` of a `language/form[-variant]` name: the parts before
/// and after the first `/` (the whole name and `""` if there is none).
pub fn name_parts(name: &str) -> (&str, &str) {
    name.split_once('/').unwrap_or((name, ""))
}

/// One row of a build script's record: a source file and how it was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceBuild {
    /// File name relative to its kernel folder, e.g. `loop.c`.
    pub source: &'static str,
    /// The same file relative to the workspace root, e.g. `c_kernels/loop.c`.
    pub path: &'static str,
    /// How it was built.
    pub build: BuildInfo,
}

/// Finds the build record of `source` at compile time, so that a registry
/// entry naming a source file that was not compiled does not compile.
pub const fn lookup_build(table: &'static [SourceBuild], source: &str) -> &'static SourceBuild {
    let mut k = 0;
    while k < table.len() {
        if const_str_eq(table[k].source, source) {
            return &table[k];
        }
        k += 1;
    }
    panic!("no build record for this kernel source: is the file in the kernel folder?")
}

const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut k = 0;
    while k < a.len() {
        if a[k] != b[k] {
            return false;
        }
        k += 1;
    }
    true
}

/// What bounds a kernel's speed, for the performance model of `shootout probe`
/// (the bound itself is computed from measured machine figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cost {
    /// Jacobi with the exact division: vector divide throughput in cache,
    /// memory bandwidth out of it.
    JacobiDivide,
    /// Jacobi multiplying by a reciprocal (or fast-math): FP port and
    /// load/store throughput in cache, memory bandwidth out of it.
    JacobiReciprocal,
    /// Jacobi with the exact division done by Markstein's sequence
    /// ([`crate::exact_div`]): FP port throughput in cache (five
    /// multiply-class operations and three adds per update), memory
    /// bandwidth out of it.
    JacobiFmaDivision,
    /// Jacobi with streaming (non-temporal) stores: the new grid bypasses the
    /// caches, so every sweep moves 16 bytes per update to and from memory,
    /// in cache or not.
    JacobiStream,
    /// Lexicographic Gauss-Seidel as written, no contraction (rustc): the
    /// latency of add, multiply, add and divide on the chain through
    /// `u[i,j-1]` ([`crate::results::Chain::AddMulAddDiv`]).
    ChainDivide,
    /// Lexicographic Gauss-Seidel compiled with FMA contraction (gcc and
    /// gfortran by default): add, multiply, FMA and divide on the chain
    /// ([`crate::results::Chain::AddMulFmaDiv`]).
    ChainDivideFma,
    /// Lexicographic Gauss-Seidel with fast-math: the divide becomes a
    /// multiply by the reciprocal; add, multiply, FMA and multiply on the
    /// chain ([`crate::results::Chain::AddMulFmaMul`]).
    ChainReciprocal,
    /// Gauss-Seidel on a wavefront: scalar FP throughput, one add, one
    /// multiply and two FMAs per update.
    ScalarThroughput,
    /// Gauss-Seidel on a wavefront in the post's arithmetic, dividing by
    /// Markstein's sequence ([`crate::exact_div`]): scalar FP throughput,
    /// five multiply-class operations and three adds per update.
    ScalarFmaDivision,
    /// Gauss-Seidel on a vector wavefront in the post's arithmetic, dividing
    /// by Markstein's sequence (`rust/loop-wavefront-simd`): vector FP
    /// throughput, five multiply-class operations and three adds per
    /// update; in place and in cache, as the other Gauss-Seidel costs.
    VectorFmaDivision,
    /// Red-black SOR: vector divide throughput; two passes over the grid per
    /// sweep out of cache.
    RedBlack,
    /// Red-black SOR dividing by Markstein's sequence
    /// ([`crate::exact_div`]): FP port throughput in cache (six
    /// multiply-class operations, the stencil's two, the division's three
    /// and the relaxation's one, and five adds per update); two passes over
    /// the grid per sweep out of cache.
    RedBlackFmaDivision,
}

impl Cost {
    /// The usual cost of a straightforward kernel of `scheme` written in
    /// Rust (no FMA contraction).
    pub const fn of(scheme: Scheme) -> Cost {
        match scheme {
            Scheme::Jacobi => Cost::JacobiDivide,
            Scheme::GaussSeidel => Cost::ChainDivide,
            Scheme::RedBlackSor => Cost::RedBlack,
        }
    }

    /// The usual cost of a straightforward kernel of `scheme` compiled by a
    /// compiler that contracts `a * b + c` into an FMA (gcc, gfortran, g++
    /// and clang for C-family languages at `-O3`): only the Gauss-Seidel
    /// chain differs from [`Cost::of`].
    pub const fn of_contracted(scheme: Scheme) -> Cost {
        match scheme {
            Scheme::GaussSeidel => Cost::ChainDivideFma,
            other => Cost::of(other),
        }
    }
}

/// A registered kernel: its name, scheme, build and entry point.
#[derive(Debug, Clone, Copy)]
pub struct Kernel {
    /// `language/form[-variant]`, e.g. `c/loop` or `fortran/array-fastmath`.
    pub name: &'static str,
    /// The iteration it runs.
    pub scheme: Scheme,
    /// The source file, relative to the repository root.
    pub source: &'static str,
    /// The entry point's name: the foreign symbol (`laplace_c_loop`) or the
    /// Rust module (`loops`).
    pub entry: &'static str,
    /// Compiler and flags.
    pub build: BuildInfo,
    /// Largest absolute difference from the reference that still passes.
    pub tolerance: f64,
    /// Whether the kernel computes the reference's arithmetic exactly (the
    /// post's formula, in its order, with IEEE division): then verification
    /// requires `max_abs_diff == 0`, whatever [`Kernel::tolerance`] says.
    pub bit_exact: bool,
    /// What bounds its speed.
    pub cost: Cost,
    /// Whether it uses the job's threads.
    pub parallel: bool,
    /// The entry point.
    pub run: KernelFn,
}

impl Kernel {
    /// The default verification tolerance: FMA contraction may change the last
    /// bits of an update, and differences of that size stay far below this.
    pub const TOLERANCE: f64 = 1e-12;

    /// The tolerance of `-fastmath` variants: reassociation and reciprocal
    /// division change rounding in every update, but the iteration is a
    /// contraction, so differences stay near 1e-15 on the test problems.
    pub const FASTMATH_TOLERANCE: f64 = 1e-10;

    /// The largest difference from the reference that verification
    /// accepts: 0 for a [`Kernel::bit_exact`] kernel, else its tolerance.
    pub fn verification_tolerance(&self) -> f64 {
        if self.bit_exact { 0.0 } else { self.tolerance }
    }

    /// The part of the name before `/`.
    pub fn language(&self) -> &'static str {
        name_parts(self.name).0
    }

    /// The part of the name after `/` (form and variant).
    pub fn form(&self) -> &'static str {
        name_parts(self.name).1
    }

    /// Runs the kernel on caller-provided buffers after validating them, and
    /// returns the [`Job::path`] it took.
    pub fn solve_in(
        &self,
        u: &mut [f64],
        scratch: &mut [f64],
        problem: &Problem,
        threads: usize,
    ) -> Result<&'static str, KernelError> {
        let mut job = Job::new(u, scratch, problem, threads)?;
        (self.run)(&mut job)?;
        Ok(job.path())
    }

    /// Runs the kernel on a fresh initial grid and returns the final grid.
    pub fn solve(&self, problem: &Problem, threads: usize) -> Result<Vec<f64>, KernelError> {
        let mut u = problem.initial_grid()?;
        let mut scratch = problem.scratch()?;
        self.solve_in(&mut u, &mut scratch, problem, threads)?;
        Ok(u)
    }
}

/// A validated kernel call: buffers that match a valid problem.
///
/// Every kernel receives a `Job`, so every kernel may rely on
/// `nx >= 3`, `ny >= 3`, finite positive spacings and
/// `u.len() == scratch.len() == nx * ny`.
///
/// A kernel with more than one method (a hand-vectorised path and a portable
/// one, streaming stores or cached ones) says which it took with
/// [`Job::set_path`], and takes the portable one when [`Job::portable`] says
/// so.
#[derive(Debug)]
pub struct Job<'a> {
    u: &'a mut [f64],
    scratch: &'a mut [f64],
    problem: Problem,
    threads: usize,
    portable: bool,
    path: &'static str,
}

/// The environment variable that makes every kernel with a hand-vectorised
/// path take its portable one (`SHOOTOUT_PORTABLE=1`).
pub const PORTABLE_VAR: &str = "SHOOTOUT_PORTABLE";

/// [`Job::path`] of a kernel that does not say otherwise: its source as
/// written, compiled for the target CPU (and vectorised as the compiler
/// sees fit).
pub const PORTABLE: &str = "portable";

/// [`Job::path`] of a parallel kernel that ran on one thread because the
/// problem is too small to share (the runner then adds no `threads=N`).
pub const SERIAL: &str = "serial";

/// Whether [`PORTABLE_VAR`] is set to anything but `0` or empty (read once
/// per process).
pub fn portable_forced() -> bool {
    static FORCED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FORCED.get_or_init(|| std::env::var(PORTABLE_VAR).is_ok_and(|v| !v.is_empty() && v != "0"))
}

impl<'a> Job<'a> {
    /// Checks `problem` and the buffer lengths. `threads` is clamped to at least 1.
    pub fn new(
        u: &'a mut [f64],
        scratch: &'a mut [f64],
        problem: &Problem,
        threads: usize,
    ) -> Result<Self, InputError> {
        problem.validate()?;
        let expected = problem.cells();
        for (buffer, actual) in [("u", u.len()), ("scratch", scratch.len())] {
            if actual != expected {
                return Err(InputError::BufferLength {
                    buffer,
                    nx: problem.nx,
                    ny: problem.ny,
                    expected,
                    actual,
                });
            }
        }
        Ok(Job {
            u,
            scratch,
            problem: *problem,
            threads: threads.max(1),
            portable: portable_forced(),
            path: PORTABLE,
        })
    }

    /// The same job, told to take the portable path (as under
    /// `SHOOTOUT_PORTABLE=1`) or not.
    pub fn with_portable(mut self, portable: bool) -> Self {
        self.portable = portable;
        self
    }

    /// Whether the kernel must take its portable path: hand-vectorised
    /// kernels check this before their CPU feature test.
    pub fn portable(&self) -> bool {
        self.portable
    }

    /// Which code path the kernel took ([`PORTABLE`] unless it said
    /// otherwise): `avx512`, `avx`, `streaming`, `cached`, ...
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// Records the code path taken, for [`Job::path`].
    pub fn set_path(&mut self, path: &'static str) {
        self.path = path;
    }

    /// The problem being solved.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// Threads the kernel may use (at least 1; serial kernels ignore it).
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// The grid, row-major, `nx * ny` values.
    pub fn u(&mut self) -> &mut [f64] {
        self.u
    }

    /// The grid and the scratch buffer, both `nx * ny` values.
    pub fn buffers(&mut self) -> (&mut [f64], &mut [f64]) {
        (self.u, self.scratch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop(_: &mut Job<'_>) -> Result<(), KernelError> {
        Ok(())
    }

    const K: Kernel = Kernel {
        name: "rust/array-fastmath",
        scheme: Scheme::Jacobi,
        source: "x.rs",
        entry: "x",
        build: BuildInfo {
            compiler: "",
            flags: "",
        },
        tolerance: Kernel::TOLERANCE,
        bit_exact: false,
        cost: Cost::JacobiDivide,
        parallel: false,
        run: noop,
    };

    #[test]
    fn short_flags_keeps_what_matters() {
        assert_eq!(
            short_flags(
                "/usr/bin/cc -O3 -ffunction-sections -fdata-sections -fPIC -m64 -I /x -Wall -Wextra -march=native -ffast-math"
            ),
            "-O3 -march=native -ffast-math"
        );
        assert_eq!(
            short_flags("gfortran -O3 -fPIC -march=native -J /tmp/out"),
            "-O3 -march=native"
        );
        assert_eq!(
            short_flags("rustc -C opt-level=3 -C target-cpu=native (profile release)"),
            "opt-level=3 target-cpu=native"
        );
    }

    #[test]
    fn name_parts() {
        assert_eq!(K.language(), "rust");
        assert_eq!(K.form(), "array-fastmath");
    }

    #[test]
    fn job_rejects_wrong_buffer_lengths() {
        let p = Problem::new(4, 5, 0.1, 0.1, 1).unwrap();
        let (mut u, mut s) = (vec![0.0; 20], vec![0.0; 19]);
        let err = K.solve_in(&mut u, &mut s, &p, 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the scratch buffer holds 19 values, but a 4x5 grid needs 20"
        );
        let mut u = vec![0.0; 21];
        let err = Job::new(&mut u, &mut s, &p, 1).unwrap_err();
        assert!(matches!(err, InputError::BufferLength { buffer: "u", .. }));
    }

    #[test]
    fn job_rejects_invalid_problem() {
        let p = Problem {
            nx: 2,
            ..Problem::SEED
        };
        let (mut u, mut s) = (vec![0.0; 200], vec![0.0; 200]);
        assert!(matches!(
            Job::new(&mut u, &mut s, &p, 1),
            Err(InputError::TooSmall { .. })
        ));
    }

    #[test]
    fn build_lookup() {
        const T: &[SourceBuild] = &[
            SourceBuild {
                source: "a.c",
                path: "c_kernels/a.c",
                build: BuildInfo {
                    compiler: "cc",
                    flags: "-O1",
                },
            },
            SourceBuild {
                source: "b.c",
                path: "c_kernels/b.c",
                build: BuildInfo {
                    compiler: "cc",
                    flags: "-O3",
                },
            },
        ];
        const B: &SourceBuild = lookup_build(T, "b.c");
        assert_eq!(B.build.flags, "-O3");
        assert_eq!(B.path, "c_kernels/b.c");
    }
}
