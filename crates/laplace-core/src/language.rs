//! Every compiled language of the race, in one table, and the one parser of
//! kernel names.
//!
//! [`LANGUAGES`] states each language's facts once: its folder, source
//! extension, header, symbol prefix, compiler and the packages that provide
//! it. The build scripts (`laplace-build`), the scaffolder (`cargo xtask
//! new-kernel`), the setup (`cargo xtask setup`), the completeness test and
//! the results document's `compilers` all read it. Adding a compiled
//! language is one entry here, one small crate (`build.rs` calling
//! `laplace_build::build("<name>")`, `lib.rs` calling
//! [`foreign_crate!`](crate::foreign_crate)), a kernel folder, and registry
//! lines.
//!
//! Kernels in languages that Cargo does not build (Python, JavaScript, ...)
//! are external kernels (`kernels/external/`); they are not in this table.

use std::fmt;

/// A language whose kernels are compiled into the `shootout` binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    /// The name's prefix, e.g. `cpp` in `cpp/loop`.
    pub name: &'static str,
    /// How people write it, e.g. `C++`.
    pub title: &'static str,
    /// The folder of its kernel sources, relative to the workspace root.
    pub dir: &'static str,
    /// Its source files' extension, without the dot.
    pub ext: &'static str,
    /// The crate whose `kernel!` macro registers its kernels, e.g. `laplace_c`.
    pub crate_name: &'static str,
    /// How to comment out a line in its sources (for generated files).
    pub line_comment: &'static str,
    /// The seed kernel's form of each scheme (Jacobi, Gauss-Seidel,
    /// red-black SOR): `cargo xtask new-kernel` copies it.
    pub seeds: [&'static str; 3],
    /// How it is compiled and bound, for languages other than Rust.
    pub foreign: Option<Foreign>,
}

/// How a foreign language's kernels are compiled and bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Foreign {
    /// The header bindgen reads, in [`Language::dir`]: one prototype per kernel.
    pub header: &'static str,
    /// Every kernel symbol starts with this, e.g. `laplace_c_`.
    pub symbol_prefix: &'static str,
    /// Its compiler.
    pub compiler: Compiler,
    /// Flags every source of the language gets, after the shared ones.
    pub flags: &'static [&'static str],
    /// The flag that sends compiled module files to a folder (gfortran's
    /// `-J`), so that they go to Cargo's `OUT_DIR` and not into the sources.
    pub module_dir_flag: Option<&'static str>,
    /// Extra flags of the sanitizer build, after ASan + UBSan.
    pub sanitize_flags: &'static [&'static str],
    /// Run-time libraries to link, e.g. `gfortran`.
    pub runtime_libs: &'static [&'static str],
    /// The longest symbol the compiler accepts, if shorter than any name.
    pub max_symbol_len: Option<usize>,
}

/// A compiler, how to choose another, and where to get it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compiler {
    /// The variable that names another compiler (`CC`, `CXX`, `FC`).
    pub env: &'static str,
    /// The default program, or `None` to let the `cc` crate choose (it
    /// reads [`Compiler::env`] itself).
    pub program: Option<&'static str>,
    /// Whether `cc` drives it as a C++ compiler (and links the C++ runtime).
    pub cxx: bool,
    /// The program to look for before building, e.g. `g++`.
    pub probe: &'static str,
    /// The Debian/Ubuntu package that provides it.
    pub debian: &'static str,
    /// The Fedora package that provides it.
    pub fedora: &'static str,
}

/// The folder holding `laplace.h`, the contract every foreign kernel's
/// header includes.
pub const CONTRACT_DIR: &str = "c_kernels";

/// Every compiled language, in registry order.
pub const LANGUAGES: &[Language] = &[RUST, C, CPP, FORTRAN];

/// Rust: `crates/laplace-rust/src/kernels/<module>.rs`, registered by module.
pub const RUST: Language = Language {
    name: "rust",
    title: "Rust",
    dir: "crates/laplace-rust/src/kernels",
    ext: "rs",
    crate_name: "laplace_rust",
    line_comment: "//",
    seeds: ["array", "loop", "redblack"],
    foreign: None,
};

/// C, compiled by the `cc` crate's C compiler (gcc by default; `CC` overrides).
pub const C: Language = Language {
    name: "c",
    title: "C",
    dir: "c_kernels",
    ext: "c",
    crate_name: "laplace_c",
    line_comment: "//",
    seeds: ["array", "loop", "redblack"],
    foreign: Some(Foreign {
        header: "laplace_c.h",
        symbol_prefix: "laplace_c_",
        compiler: Compiler {
            env: "CC",
            program: None,
            cxx: false,
            probe: "cc",
            debian: "gcc",
            fedora: "gcc",
        },
        flags: &[],
        module_dir_flag: None,
        sanitize_flags: &[],
        runtime_libs: &[],
        max_symbol_len: None,
    }),
};

/// C++, compiled by the `cc` crate's C++ compiler (g++ by default; `CXX`
/// overrides), bound through an `extern "C"` header.
pub const CPP: Language = Language {
    name: "cpp",
    title: "C++",
    dir: "cpp_kernels",
    ext: "cpp",
    crate_name: "laplace_cpp",
    line_comment: "//",
    seeds: ["array", "loop", "redblack"],
    foreign: Some(Foreign {
        header: "laplace_cpp.h",
        symbol_prefix: "laplace_cpp_",
        compiler: Compiler {
            env: "CXX",
            program: None,
            cxx: true,
            probe: "c++",
            debian: "g++",
            fedora: "gcc-c++",
        },
        flags: &["-std=c++20", "-fno-exceptions"],
        module_dir_flag: None,
        sanitize_flags: &[],
        runtime_libs: &[],
        max_symbol_len: None,
    }),
};

/// Fortran, compiled by gfortran through the `cc` crate (`FC` overrides).
pub const FORTRAN: Language = Language {
    name: "fortran",
    title: "Fortran",
    dir: "fortran_kernels",
    ext: "f90",
    crate_name: "laplace_fortran",
    line_comment: "!",
    seeds: ["array", "loop", "redblack"],
    foreign: Some(Foreign {
        header: "laplace_fortran.h",
        symbol_prefix: "laplace_fortran_",
        compiler: Compiler {
            env: "FC",
            program: Some("gfortran"),
            cxx: false,
            probe: "gfortran",
            debian: "gfortran",
            fedora: "gcc-gfortran",
        },
        // -cpp lets a variant file rename and #include its base source.
        flags: &["-cpp"],
        module_dir_flag: Some("-J"),
        // Not the recursion check: it keeps one static flag per procedure,
        // so two test threads in one kernel at once read as recursion (they
        // share no data: the locals are on the stack). Not the
        // array-temporary warnings either: they are not errors.
        sanitize_flags: &["-fcheck=all,no-array-temps,no-recursion"],
        runtime_libs: &["gfortran"],
        // Fortran 2003 and later.
        max_symbol_len: Some(63),
    }),
};

impl Language {
    /// The compiled language called `name`.
    pub fn find(name: &str) -> Option<&'static Language> {
        LANGUAGES.iter().find(|l| l.name == name)
    }

    /// The names of every compiled language, e.g. `rust, c, cpp, fortran`.
    pub fn names() -> String {
        LANGUAGES
            .iter()
            .map(|l| l.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The registration macro, e.g. `laplace_c::kernel!`.
    pub fn macro_path(&self) -> String {
        format!("{}::kernel!", self.crate_name)
    }

    /// The header's path relative to the workspace root, for foreign languages.
    pub fn header_path(&self) -> Option<String> {
        self.foreign.map(|f| format!("{}/{}", self.dir, f.header))
    }

    /// The entry point of a kernel of this language with form `form`: the
    /// Rust module (`loop-tiled` → `loop_tiled`) or the foreign symbol
    /// (`laplace_c_loop_tiled`).
    pub fn entry_point(&self, form: &str) -> String {
        let stem = form.replace('-', "_");
        match self.foreign {
            Some(f) => format!("{}{stem}", f.symbol_prefix),
            None => stem,
        }
    }

    /// The source file name of a kernel with form `form`: `loop-tiled.c`,
    /// or for Rust the module's file, `loop_tiled.rs`.
    pub fn file_name(&self, form: &str) -> String {
        match self.foreign {
            Some(_) => format!("{form}.{}", self.ext),
            None => format!("{}.{}", form.replace('-', "_"), self.ext),
        }
    }
}

/// Why a name is not `language/form[-variant]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// No `/`.
    #[error("`{0}` is not `language/form[-variant]` (e.g. c/blocked): there is no `/`")]
    NoSlash(String),
    /// Longer than [`KernelName::MAX_LEN`] (the name's start is kept).
    #[error("`{0}...` is not `language/form[-variant]`: longer than 64 characters")]
    TooLong(String),
    /// The language part is not a lower-case word.
    #[error(
        "`{name}` is not `language/form[-variant]`: the language `{language}` must be \
         lower-case letters and digits, starting with a letter"
    )]
    Language {
        /// The whole name.
        name: String,
        /// Its language part.
        language: String,
    },
    /// The form is not lower-case words joined by single `-`.
    #[error(
        "`{name}` is not `language/form[-variant]`: the form `{form}` must be lower-case \
         letters, digits and single '-' between words (e.g. c/blocked, rust/loop-tiled)"
    )]
    Form {
        /// The whole name.
        name: String,
        /// Its form part.
        form: String,
    },
}

/// A well-formed kernel name, `language/form[-variant]`: the language a
/// lower-case word (`[a-z][a-z0-9]*`), the form lower-case words of
/// `[a-z0-9]` joined by single `-`. The one rule for every kernel name,
/// compiled or external.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KernelName<'a> {
    /// The part before `/`, e.g. `fortran`.
    pub language: &'a str,
    /// The part after `/`, e.g. `array-fastmath`.
    pub form: &'a str,
}

impl<'a> KernelName<'a> {
    /// The longest name accepted, in bytes (names are ASCII).
    pub const MAX_LEN: usize = 64;

    /// Checks `name` and splits it.
    pub fn parse(name: &'a str) -> Result<Self, NameError> {
        if name.len() > Self::MAX_LEN {
            return Err(NameError::TooLong(
                name.chars().take(Self::MAX_LEN).collect(),
            ));
        }
        let Some((language, form)) = name.split_once('/') else {
            return Err(NameError::NoSlash(name.to_string()));
        };
        let language_ok = language.starts_with(|c: char| c.is_ascii_lowercase())
            && language
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !language_ok {
            return Err(NameError::Language {
                name: name.to_string(),
                language: language.to_string(),
            });
        }
        let form_ok = form.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !form_ok {
            return Err(NameError::Form {
                name: name.to_string(),
                form: form.to_string(),
            });
        }
        Ok(KernelName { language, form })
    }

    /// The form without a `-fastmath` suffix, if it has one.
    pub fn fastmath_base(&self) -> Option<&'a str> {
        self.form.strip_suffix("-fastmath")
    }
}

impl fmt::Display for KernelName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.language, self.form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_one_rule() {
        for good in [
            "c/loop",
            "fortran/array-fastmath",
            "cpp/array-span",
            "js/array",
            "c/2d",
        ] {
            let n = KernelName::parse(good).unwrap();
            assert_eq!(n.to_string(), good);
        }
        for bad in [
            "c", "c/", "/loop", "C/loop", "c/Loop", "c/a--b", "c/-a", "c/a-", "c-x/loop",
            "1c/loop", "c/a b", "c/a/b", "c/a_b",
        ] {
            assert!(KernelName::parse(bad).is_err(), "{bad} was accepted");
        }
        let long = format!("c/{}", "a".repeat(65_540));
        assert!(matches!(
            KernelName::parse(&long),
            Err(NameError::TooLong(_))
        ));
        assert!(KernelName::parse(&format!("c/{}", "a".repeat(62))).is_ok());
        assert!(matches!(
            KernelName::parse("c/a--b"),
            Err(NameError::Form { .. })
        ));
    }

    #[test]
    fn the_table_is_consistent() {
        let mut names = std::collections::HashSet::new();
        for l in LANGUAGES {
            assert!(names.insert(l.name), "{} twice", l.name);
            assert!(KernelName::parse(&format!("{}/x", l.name)).is_ok());
            assert_eq!(l.crate_name, format!("laplace_{}", l.name));
            if let Some(f) = l.foreign {
                assert_eq!(f.symbol_prefix, format!("laplace_{}_", l.name));
                assert!(f.header.ends_with(".h"));
            }
        }
        assert_eq!(Language::find("cpp").unwrap().title, "C++");
        assert_eq!(C.entry_point("loop-tiled"), "laplace_c_loop_tiled");
        assert_eq!(RUST.entry_point("loop-tiled"), "loop_tiled");
        assert_eq!(RUST.file_name("loop-tiled"), "loop_tiled.rs");
        assert_eq!(FORTRAN.file_name("loop-tiled"), "loop-tiled.f90");
        assert_eq!(CPP.header_path().unwrap(), "cpp_kernels/laplace_cpp.h");
    }
}
