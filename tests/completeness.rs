//! Registry completeness: a kernel that exists anywhere is registered, and a
//! registered kernel exists where its entry says.
//!
//! - every function declared in `c_kernels/laplace_c.h` or
//!   `fortran_kernels/laplace_fortran.h`, every kernel function defined in a
//!   C or Fortran source (fast-math wrappers define theirs by `#define` and
//!   `#include`), and every file of `crates/laplace-rust/src/kernels/` is
//!   used by an entry of `src/registry.rs`;
//! - every registered C or Fortran symbol is declared in its header and
//!   defined in the source file its entry names.
//!
//! A failure names each culprit. The registry's entries are read twice: as
//! text (the macro invocations, for the symbols) and at run time
//! ([`KERNELS`], for the names and source paths); the two must agree.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use laplace_shootout::registry::KERNELS;

const REGISTRY: &str = "src/registry.rs";
const RUST_DIR: &str = "crates/laplace-rust/src/kernels";

/// A foreign-kernel language: its folder, header, extension and symbol prefix.
struct Foreign {
    lang: &'static str,
    dir: &'static str,
    header: &'static str,
    ext: &'static str,
    prefix: &'static str,
}

const FOREIGN: [Foreign; 2] = [
    Foreign {
        lang: "c",
        dir: "c_kernels",
        header: "c_kernels/laplace_c.h",
        ext: "c",
        prefix: "laplace_c_",
    },
    Foreign {
        lang: "fortran",
        dir: "fortran_kernels",
        header: "fortran_kernels/laplace_fortran.h",
        ext: "f90",
        prefix: "laplace_fortran_",
    },
];

/// One `laplace_<lang>::kernel!(...)` of the registry text.
#[derive(Debug)]
struct Entry {
    lang: String,
    name: String,
    /// The Rust module, or the C/Fortran symbol.
    ident: String,
    /// C/Fortran: the source file name.
    source: Option<String>,
}

/// The macro invocations of the registry text, skipping `//` comments.
fn registry_entries(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    for lang in ["rust", "c", "fortran"] {
        let needle = format!("laplace_{lang}::kernel!(");
        for (pos, _) in text.match_indices(&needle) {
            let line_start = text[..pos].rfind('\n').map_or(0, |n| n + 1);
            if text[line_start..pos].contains("//") {
                continue;
            }
            let body = &text[pos + needle.len()..];
            let close = matching_paren(body).expect("balanced registry entry");
            let args: Vec<&str> = body[..close].split(',').map(str::trim).collect();
            let unquote = |s: &str| s.trim_matches('"').to_string();
            entries.push(Entry {
                lang: lang.to_string(),
                name: unquote(args[0]),
                ident: args[2].to_string(),
                source: (lang != "rust").then(|| unquote(args[3])),
            });
        }
    }
    entries
}

/// Offset of the `)` that closes a parenthesis opened just before `s`.
fn matching_paren(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (k, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(k),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// C text without `/* */` and `//` comments (newlines kept).
fn strip_c_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("/*") {
            let end = r.find("*/").map_or(r.len(), |e| e + 2);
            out.extend(r[..end].chars().filter(|&c| c == '\n'));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix("//") {
            rest = &r[r.find('\n').unwrap_or(r.len())..];
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Identifiers starting with `prefix` that are followed by `(`: the functions
/// a header declares.
fn declared(header: &str, prefix: &str) -> BTreeSet<String> {
    let text = strip_c_comments(header);
    let mut out = BTreeSet::new();
    for (pos, _) in text.match_indices(prefix) {
        if text[..pos].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let ident: String = text[pos..].chars().take_while(|&c| is_ident(c)).collect();
        if text[pos + ident.len()..].trim_start().starts_with('(') {
            out.insert(ident);
        }
    }
    out
}

/// `#define A B` renames and `#include "file"` names of a source.
fn preprocessor(text: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let mut renames = BTreeMap::new();
    let mut includes = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#define") {
            let mut words = rest.split_whitespace();
            if let (Some(a), Some(b)) = (words.next(), words.next()) {
                renames.insert(a.to_string(), b.to_string());
            }
        } else if let Some(rest) = line.strip_prefix("#include") {
            let rest = rest.trim();
            if let Some(file) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) {
                includes.push(file.to_string());
            }
        }
    }
    (renames, includes)
}

/// Exported C kernel functions defined in `text`: `int laplace_c_X(...) {`,
/// not `static`.
fn c_definitions(text: &str, prefix: &str) -> BTreeSet<String> {
    let text = strip_c_comments(text);
    let mut out = BTreeSet::new();
    for (pos, _) in text.match_indices(prefix) {
        let line_start = text[..pos].rfind('\n').map_or(0, |n| n + 1);
        let before = text[line_start..pos].trim();
        if before != "int" {
            continue;
        }
        let ident: String = text[pos..].chars().take_while(|&c| is_ident(c)).collect();
        let after = text[pos + ident.len()..].trim_start();
        if let Some(args) = after.strip_prefix('(')
            && let Some(close) = matching_paren(args)
            && args[close + 1..].trim_start().starts_with('{')
        {
            out.insert(ident);
        }
    }
    out
}

/// Fortran functions defined in `text` whose C name starts with `prefix`:
/// `[prefix...] function NAME(...) ... bind(c [, name="..."])`.
fn fortran_definitions(text: &str, prefix: &str) -> BTreeSet<String> {
    // Statements: comments dropped, `&` continuations joined, lower case.
    let mut statements = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let code = line.split('!').next().unwrap_or("").trim();
        if code.starts_with('#') {
            continue;
        }
        if let Some(part) = code.strip_suffix('&') {
            current.push_str(part);
            current.push(' ');
        } else {
            current.push_str(code);
            statements.push(std::mem::take(&mut current).to_lowercase());
        }
    }
    let mut out = BTreeSet::new();
    for s in statements {
        let Some(at) = s.find("function ") else {
            continue;
        };
        if s.starts_with("end") || s[..at].contains('=') {
            continue;
        }
        let name: String = s[at + "function ".len()..]
            .trim_start()
            .chars()
            .take_while(|&c| is_ident(c))
            .collect();
        let bind_name = s.find("bind(c").and_then(|b| {
            let inner = &s[b..s[b..].find(')').map_or(s.len(), |e| b + e)];
            inner.split_once("name").map(|(_, n)| {
                n.trim_start_matches([' ', '='])
                    .trim_matches(['"', '\'', ' '])
                    .to_string()
            })
        });
        let symbol = bind_name.unwrap_or(name);
        if symbol.starts_with(prefix) {
            out.insert(symbol);
        }
    }
    out
}

/// The kernel symbols a source file defines, following `#define` renames and
/// `#include`s of other sources in the same folder.
fn defined_in(dir: &Path, file: &str, lang: &Foreign, depth: usize) -> BTreeSet<String> {
    let Ok(text) = fs::read_to_string(dir.join(file)) else {
        return BTreeSet::new();
    };
    let mut symbols = if lang.ext == "c" {
        c_definitions(&text, lang.prefix)
    } else {
        fortran_definitions(&text, lang.prefix)
    };
    let (renames, includes) = preprocessor(&text);
    if depth < 4 {
        for inc in includes.iter().filter(|i| i.ends_with(lang.ext)) {
            symbols.extend(defined_in(dir, inc, lang, depth + 1));
        }
    }
    symbols
        .into_iter()
        .map(|s| renames.get(&s).cloned().unwrap_or(s))
        .collect()
}

/// Files of `dir` with extension `ext`, sorted.
fn files(dir: &Path, ext: &str) -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == ext))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// Every way the tree at `root` and the registry disagree, one line each.
/// `registered` is the run-time registry: (name, source path).
fn problems(root: &Path, registered: &[(&str, &str)]) -> Vec<String> {
    let mut out = Vec::new();
    let text = fs::read_to_string(root.join(REGISTRY)).unwrap();
    let entries = registry_entries(&text);

    // The text and the run-time registry agree, so the checks below see
    // every entry.
    let in_text: BTreeSet<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    let at_run_time: BTreeSet<&str> = registered.iter().map(|r| r.0).collect();
    for name in at_run_time.difference(&in_text) {
        out.push(format!(
            "`{name}` is in KERNELS, but this test cannot read its entry in {REGISTRY} \
             (write it as laplace_<language>::kernel!(\"{name}\", ...))"
        ));
    }

    // Rust: one registered module per kernel file.
    let modules: BTreeSet<&str> = entries
        .iter()
        .filter(|e| e.lang == "rust")
        .map(|e| e.ident.as_str())
        .collect();
    for file in files(&root.join(RUST_DIR), "rs") {
        let stem = file.trim_end_matches(".rs");
        if !modules.contains(stem) {
            out.push(format!(
                "{RUST_DIR}/{file} is a Rust kernel, but no entry of {REGISTRY} registers it: \
                 add laplace_rust::kernel!(\"rust/<form>\", <Scheme>, {stem}),"
            ));
        }
    }

    for lang in &FOREIGN {
        let dir = root.join(lang.dir);
        let header = fs::read_to_string(root.join(lang.header)).unwrap();
        let declared = declared(&header, lang.prefix);
        let ours: Vec<&Entry> = entries.iter().filter(|e| e.lang == lang.lang).collect();
        let symbols: BTreeSet<&str> = ours.iter().map(|e| e.ident.as_str()).collect();
        let macro_ = format!("laplace_{}::kernel!", lang.lang);

        for sym in declared.iter().filter(|s| !symbols.contains(s.as_str())) {
            out.push(format!(
                "{} declares `{sym}`, but no entry of {REGISTRY} registers it: \
                 add {macro_}(\"{}/<form>\", <Scheme>, {sym}, \"<file>.{}\"),",
                lang.header, lang.lang, lang.ext
            ));
        }
        let mut defined_by: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for file in files(&dir, lang.ext) {
            for sym in defined_in(&dir, &file, lang, 0) {
                defined_by.entry(sym).or_default().push(file.clone());
            }
        }
        for (sym, in_files) in &defined_by {
            if !symbols.contains(sym.as_str()) {
                for file in in_files {
                    out.push(format!(
                        "{}/{file} defines `{sym}`, but no entry of {REGISTRY} registers it",
                        lang.dir
                    ));
                }
            }
        }
        for e in &ours {
            if !declared.contains(&e.ident) {
                out.push(format!(
                    "`{}` is registered with `{}`, but {} does not declare it",
                    e.name, e.ident, lang.header
                ));
            }
            let source = e.source.as_deref().unwrap_or_default();
            if !defined_in(&dir, source, lang, 0).contains(&e.ident) {
                let elsewhere = defined_by
                    .get(&e.ident)
                    .map_or("nowhere".to_string(), |f| f.join(", "));
                out.push(format!(
                    "`{}` is registered with `{}` from {}/{source}, which does not define it \
                     (defined in: {elsewhere})",
                    e.name, e.ident, lang.dir
                ));
            }
            // The run-time entry names the same file.
            let path = format!("{}/{source}", lang.dir);
            if let Some((_, src)) = registered.iter().find(|r| r.0 == e.name)
                && *src != path
            {
                out.push(format!("`{}`: KERNELS says {src}, the text {path}", e.name));
            }
        }
    }
    out
}

fn registered() -> Vec<(&'static str, &'static str)> {
    KERNELS.iter().map(|k| (k.name, k.source)).collect()
}

#[test]
fn every_kernel_in_the_tree_is_registered_and_every_registered_one_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = problems(root, &registered());
    assert!(
        found.is_empty(),
        "the registry and the kernel folders disagree:\n  - {}\n\
         Every kernel is one source file plus one line in {REGISTRY}; see CONTRIBUTING.md, \
         or scaffold one with `cargo xtask new-kernel`.",
        found.join("\n  - ")
    );
}

#[test]
fn the_registry_text_and_kernels_agree() {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(REGISTRY)).unwrap();
    let entries = registry_entries(&text);
    let mut names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    let mut want: Vec<&str> = KERNELS.iter().map(|k| k.name).collect();
    names.sort_unstable();
    want.sort_unstable();
    assert_eq!(names, want);
}

/// A scratch copy of the registry, headers and kernel folders.
fn copy_tree(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("completeness-{name}"));
    let _ = fs::remove_dir_all(&tmp);
    for dir in ["src", RUST_DIR, "c_kernels", "fortran_kernels"] {
        fs::create_dir_all(tmp.join(dir)).unwrap();
    }
    fs::copy(root.join(REGISTRY), tmp.join(REGISTRY)).unwrap();
    for dir in [RUST_DIR, "c_kernels", "fortran_kernels"] {
        for file in fs::read_dir(root.join(dir)).unwrap() {
            let p = file.unwrap().path();
            if p.is_file() {
                fs::copy(&p, tmp.join(dir).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    tmp
}

fn append(path: &Path, text: &str) {
    let mut s = fs::read_to_string(path).unwrap_or_default();
    s.push_str(text);
    fs::write(path, s).unwrap();
}

#[test]
fn names_each_unregistered_kernel() {
    let tmp = copy_tree("unregistered");
    let before = problems(&tmp, &registered());
    let header = tmp.join("c_kernels/laplace_c.h");
    let text = fs::read_to_string(&header).unwrap().replace(
        "#endif /* LAPLACE_C_H */",
        "int laplace_c_forgotten(double *u, double *scratch, size_t nx, size_t ny, double dx,\n\
         \x20                       double dy, size_t iters, double omega, int threads);\n\n\
         #endif /* LAPLACE_C_H */",
    );
    fs::write(&header, text).unwrap();
    fs::write(
        tmp.join("c_kernels/orphan.c"),
        "/* int laplace_c_commented(void) { } */\n\
         static int laplace_c_helper(int x) { return x; }\n\
         int laplace_c_orphan(double *u, double *scratch, size_t nx, size_t ny, double dx,\n\
         \x20                    double dy, size_t iters, double omega, int threads) {\n\
         \x20   return 0;\n}\n",
    )
    .unwrap();
    fs::write(
        tmp.join("c_kernels/orphan-fastmath.c"),
        "#define laplace_c_orphan laplace_c_orphan_fastmath\n#include \"orphan.c\"\n",
    )
    .unwrap();
    fs::write(
        tmp.join("fortran_kernels/stray.f90"),
        "integer(c_int) function Laplace_Fortran_Stray(u) &\n    result(status) bind(c)\n\
         end function laplace_fortran_stray\n\
         function other(u) bind(c, name = \"laplace_fortran_renamed\")\nend function other\n",
    )
    .unwrap();
    fs::write(tmp.join(RUST_DIR).join("loop_tiled.rs"), "//! stray\n").unwrap();

    let found: Vec<String> = problems(&tmp, &registered())
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect();
    let culprits = [
        "c_kernels/laplace_c.h declares `laplace_c_forgotten`",
        "c_kernels/orphan.c defines `laplace_c_orphan`",
        "c_kernels/orphan-fastmath.c defines `laplace_c_orphan_fastmath`",
        "fortran_kernels/stray.f90 defines `laplace_fortran_stray`",
        "fortran_kernels/stray.f90 defines `laplace_fortran_renamed`",
        "crates/laplace-rust/src/kernels/loop_tiled.rs is a Rust kernel",
    ];
    for c in culprits {
        assert!(found.iter().any(|f| f.contains(c)), "{c} not in {found:#?}");
    }
    assert_eq!(found.len(), culprits.len(), "{found:#?}");
    let _ = fs::remove_dir_all(tmp);
}

#[test]
fn names_each_registered_kernel_that_is_not_declared_or_defined() {
    let tmp = copy_tree("missing");
    // c/loop's prototype removed; fortran/loop's source renamed away.
    let header = tmp.join("c_kernels/laplace_c.h");
    let text = fs::read_to_string(&header)
        .unwrap()
        .replace("int laplace_c_loop(", "int laplace_c_gone(");
    fs::write(&header, text).unwrap();
    let f = tmp.join("fortran_kernels/loop.f90");
    let text = fs::read_to_string(&f)
        .unwrap()
        .replace("laplace_fortran_loop", "laplace_fortran_moved");
    fs::write(&f, text).unwrap();
    append(
        &tmp.join(REGISTRY),
        "\n// laplace_c::kernel!(\"c/old\", Jacobi, x, \"x.c\"),\n",
    );

    let found = problems(&tmp, &registered());
    for c in [
        "`c/loop` is registered with `laplace_c_loop`, but c_kernels/laplace_c.h does not declare it",
        "c_kernels/laplace_c.h declares `laplace_c_gone`",
        "`fortran/loop` is registered with `laplace_fortran_loop` from fortran_kernels/loop.f90, which does not define it",
        "fortran_kernels/loop.f90 defines `laplace_fortran_moved`",
    ] {
        assert!(found.iter().any(|f| f.contains(c)), "{c} not in {found:#?}");
    }
    // loop-fastmath.f90 includes loop.f90 and renames a symbol it no longer defines.
    assert!(
        found
            .iter()
            .any(|f| f.contains("`fortran/loop-fastmath` is registered")),
        "{found:#?}"
    );
    let _ = fs::remove_dir_all(tmp);
}

#[test]
fn every_kernel_the_2011_table_names_is_registered() {
    let registry = laplace_shootout::registry::Registry::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/kernels/external"
    )))
    .expect("shipped manifests load");
    for name in laplace_report::post2011::kernels() {
        assert!(
            registry.find(name).is_some(),
            "the 2011 table maps a row to `{name}`, which is neither in src/registry.rs \
             nor a manifest of kernels/external/"
        );
    }
}

#[test]
fn every_external_python_script_has_a_manifest() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifests: String = files(&root.join("kernels/external"), "toml")
        .iter()
        .map(|f| fs::read_to_string(root.join("kernels/external").join(f)).unwrap())
        .collect();
    for script in files(&root.join("kernels/external/python"), "py") {
        if script == "protocol.py" {
            continue;
        }
        assert!(
            manifests.contains(&format!("/python/{script}\"")),
            "kernels/external/python/{script} is run by no manifest of kernels/external/"
        );
    }
}
