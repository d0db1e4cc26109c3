//! How much code a kernel takes, as the Computer Language Benchmarks Game
//! measures it: "We start with the source-code markup you can see, remove
//! comments, remove duplicate whitespace characters, and then apply minimum
//! GZip compression."
//!
//! Here: every line loses what follows its language's line comment (`//`,
//! `!`, `#`), C-family sources also lose `/* ... */`; every run of
//! whitespace (line breaks included) becomes one space; the result is
//! gzipped at level 1 (`gzip -1`), header included. `source_lines` counts
//! the lines left holding code.
//!
//! A kernel is its source file plus the project files it takes its code
//! from ([`used_files`]): a C, C++ or Fortran source's local `#include` of
//! another source (`c/array-fastmath` is `array.c` again), and a Rust
//! kernel's `super::module` or `crate::module` (`rust/array-simd` runs
//! `simd.rs`), followed transitively. Headers, the kernel contract and
//! libraries (`laplace_core`, NumPy) are not counted. Comment markers inside string literals are
//! taken for comments too: kernels do not print, so the measure is not
//! worth a lexer per language.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use laplace_core::language::LANGUAGES;

/// The code size of one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceSize {
    /// Gzipped bytes of the source without comments and repeated whitespace.
    pub bytes_gz: u64,
    /// Lines holding code (not blank, not only a comment).
    pub lines: u64,
}

/// The line comment of a source file with extension `ext`: the compiled
/// languages' from [`LANGUAGES`], and those of the external kernels'
/// languages (Python and Cython `#`, JavaScript `//`).
pub fn line_comment(ext: &str) -> Option<&'static str> {
    let compiled = LANGUAGES
        .iter()
        .find(|l| l.ext == ext || (ext == "h" && l.ext == "c") || (ext == "hpp" && l.ext == "cpp"))
        .map(|l| l.line_comment);
    compiled.or(match ext {
        "py" | "pyx" => Some("#"),
        "js" | "mjs" => Some("//"),
        _ => None,
    })
}

/// Measures `text`, whose line comments start with `comment` (`//` also
/// strips `/* ... */`).
pub fn measure(text: &str, comment: &str) -> SourceSize {
    let (code, lines) = code_of(text, comment);
    SourceSize {
        bytes_gz: gzip_len(&code),
        lines,
    }
}

/// `text` without comments, every run of whitespace one space, and the
/// number of lines that held code.
fn code_of(text: &str, comment: &str) -> (String, u64) {
    let text = if comment == "//" {
        strip_block_comments(text)
    } else {
        text.to_string()
    };
    let mut code = String::with_capacity(text.len());
    let mut lines = 0;
    for line in text.lines() {
        let line = line.find(comment).map_or(line, |at| &line[..at]);
        if line.trim().is_empty() {
            continue;
        }
        lines += 1;
        for word in line.split_whitespace() {
            if !code.is_empty() {
                code.push(' ');
            }
            code.push_str(word);
        }
    }
    (code, lines)
}

/// Length of `code` gzipped at level 1, header included.
fn gzip_len(code: &str) -> u64 {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    // Writing to a Vec cannot fail.
    gz.write_all(code.as_bytes())
        .and_then(|()| gz.finish())
        .map_or(0, |v| v.len() as u64)
}

/// `text` without `/* ... */` comments (the line breaks inside them kept).
fn strip_block_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => {
                let inside = &rest[start..start + 2 + end + 2];
                out.extend(inside.chars().filter(|&c| c == '\n'));
                rest = &rest[start + 2 + end + 2..];
            }
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The code size of the kernel whose source is `path`: that file and
/// every file of [`used_files`], measured as one text. `None` if it cannot
/// be read or its extension names no known language.
pub fn of_file(path: &Path) -> Option<SourceSize> {
    of_files(std::slice::from_ref(&path.to_path_buf()))
}

/// The code size of a kernel written in several files, perhaps in several
/// languages (a Python script and the C it loads through ctypes): each file
/// and its [`used_files`], once each, stripped by its own language's
/// comments, then gzipped as one text. `None` if `paths` is empty, or a
/// file cannot be read or has no known language.
pub fn of_files(paths: &[PathBuf]) -> Option<SourceSize> {
    let mut files: Vec<PathBuf> = Vec::new();
    for path in paths {
        for f in used_files(path) {
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    if files.is_empty() {
        return None;
    }
    let mut all = String::new();
    let mut lines = 0;
    for file in &files {
        let comment = line_comment(file.extension()?.to_str()?)?;
        let (code, n) = code_of(&std::fs::read_to_string(file).ok()?, comment);
        if !all.is_empty() && !code.is_empty() {
            all.push(' ');
        }
        all.push_str(&code);
        lines += n;
    }
    Some(SourceSize {
        bytes_gz: gzip_len(&all),
        lines,
    })
}

/// `path` and the project files its code comes from, each once: local
/// `#include "x.c"` (`.c`, `.cpp`, `.f90`: not headers) beside it, and for
/// Rust `super::name` (a sibling `name.rs`) and `crate::name` or
/// `crate::kernels::name` (a module file of the crate), transitively.
pub fn used_files(path: &Path) -> Vec<PathBuf> {
    let mut files = vec![path.to_path_buf()];
    let mut i = 0;
    while i < files.len() {
        let file = files[i].clone();
        i += 1;
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let dir = file.parent().unwrap_or(Path::new("."));
        let mut found = Vec::new();
        if file.extension().is_some_and(|e| e == "rs") {
            // src/ of the crate: the folder above `kernels/`, or this one.
            let src = if dir.ends_with("kernels") {
                dir.parent().unwrap_or(dir)
            } else {
                dir
            };
            for (prefix, base) in [
                ("super::", dir),
                ("crate::kernels::", &src.join("kernels")),
                ("crate::", src),
            ] {
                for (at, _) in text.match_indices(prefix) {
                    let name: String = text[at + prefix.len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        found.push(base.join(format!("{name}.rs")));
                    }
                }
            }
        } else {
            for line in text.lines() {
                let rest = line.trim_start().strip_prefix("#include \"");
                if let Some(name) = rest.and_then(|r| r.split('"').next())
                    && [".c", ".cpp", ".f90"].iter().any(|x| name.ends_with(x))
                {
                    found.push(dir.join(name));
                }
            }
        }
        for f in found {
            if f.is_file() && !files.contains(&f) {
                files.push(f);
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_repeated_whitespace_do_not_count() {
        let plain = measure("int f(int x) {\n    return x + 1;\n}\n", "//");
        let commented = measure(
            "/* a block\n   comment */\n// a line\nint f(int x)   {   // why\n\n\treturn x + 1;\n}\n",
            "//",
        );
        assert_eq!(plain, commented);
        assert_eq!(plain.lines, 3);
        // gzip's header and trailer are 18 bytes; the rest is the code.
        assert!(plain.bytes_gz > 18 && plain.bytes_gz < 60, "{plain:?}");
        let fortran = measure("! comment\nx = 1 ! trailing\n", "!");
        assert_eq!(fortran.lines, 1);
        assert_eq!(fortran, measure("x = 1\n", "!"));
    }

    #[test]
    fn more_code_is_bigger() {
        let small = measure("a = b + c\n", "#");
        let big = measure(
            &"a = b + c * d - e / f\n".repeat(3).replace("a =", "q ="),
            "#",
        );
        assert!(big.bytes_gz > small.bytes_gz);
        assert_eq!(big.lines, 3);
    }

    #[test]
    fn every_language_has_a_comment() {
        for ext in ["rs", "c", "h", "cpp", "hpp", "f90", "py", "pyx", "js"] {
            assert!(line_comment(ext).is_some(), "{ext}");
        }
        assert_eq!(line_comment("toml"), None);
    }

    #[test]
    fn a_kernel_counts_the_files_it_takes_its_code_from() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let names = |p: &str| -> Vec<String> {
            used_files(&root.join(p))
                .iter()
                .map(|f| f.strip_prefix(root).unwrap().display().to_string())
                .collect()
        };
        assert_eq!(
            names("c_kernels/array-fastmath.c"),
            ["c_kernels/array-fastmath.c", "c_kernels/array.c"]
        );
        // The kernel's file first, then what it uses: simd.rs, and what
        // simd.rs uses in turn (its portable fallbacks).
        let simd = names("crates/laplace-rust/src/kernels/array_simd.rs");
        assert_eq!(simd[0], "crates/laplace-rust/src/kernels/array_simd.rs");
        for used in ["src/simd.rs", "src/kernels/array_flat.rs"] {
            assert!(
                simd.contains(&format!("crates/laplace-rust/{used}")),
                "{simd:?}"
            );
        }
        assert!(!simd.iter().any(|f| f.ends_with("lib.rs")), "{simd:?}");
        assert_eq!(names("c_kernels/loop.c"), ["c_kernels/loop.c"]);
        let alone = of_file(&root.join("c_kernels/array.c")).unwrap();
        // Two languages, each stripped of its own comments, counted once.
        let py = root.join("kernels/external/python/loop.py");
        let c = root.join("c_kernels/loop.c");
        let both = of_files(&[py.clone(), c.clone(), py.clone()]).unwrap();
        let (py, c) = (of_file(&py).unwrap(), of_file(&c).unwrap());
        assert_eq!(both.lines, py.lines + c.lines);
        assert!(both.bytes_gz > py.bytes_gz.max(c.bytes_gz));
        assert!(both.bytes_gz < py.bytes_gz + c.bytes_gz);
        assert_eq!(of_files(&[]), None);
        let with = of_file(&root.join("c_kernels/array-fastmath.c")).unwrap();
        assert!(with.lines > alone.lines && with.bytes_gz > alone.bytes_gz);
    }
}
