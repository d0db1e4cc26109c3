//! Registry completeness: a kernel that exists anywhere is registered, and a
//! registered kernel exists where its entry says.
//!
//! For every language of `laplace_core::LANGUAGES`:
//! - every function its header declares, every kernel function a source of
//!   its folder defines (fast-math wrappers define theirs by `#define` and
//!   `#include`), and every Rust kernel file is the entry point of a
//!   registered kernel;
//! - every registered foreign symbol is declared in its header and defined
//!   in the source file its entry names.
//!
//! A failure names each culprit. The registered kernels come from
//! [`KERNELS`] itself (name, entry point, source path): the registry is not
//! read as text.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use laplace_core::{LANGUAGES, Language};
use laplace_shootout::registry::KERNELS;

const REGISTRY: &str = "src/registry.rs";

/// A registered kernel, as the checks see it.
#[derive(Debug, Clone)]
struct Registered {
    name: &'static str,
    /// The Rust module or the foreign symbol.
    entry: &'static str,
    /// Relative to the workspace root.
    source: &'static str,
}

impl Registered {
    fn language(&self) -> &'static str {
        laplace_core::name_parts(self.name).0
    }
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
fn defined_in(dir: &Path, file: &str, lang: &Language, depth: usize) -> BTreeSet<String> {
    let Ok(text) = fs::read_to_string(dir.join(file)) else {
        return BTreeSet::new();
    };
    let prefix = lang.foreign.expect("a foreign language").symbol_prefix;
    // Fortran, or a language of the C family (C, C++).
    let mut symbols = if lang.ext == "f90" {
        fortran_definitions(&text, prefix)
    } else {
        c_definitions(&text, prefix)
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
fn problems(root: &Path, registered: &[Registered]) -> Vec<String> {
    let mut out = Vec::new();
    for r in registered {
        if Language::find(r.language()).is_none() {
            out.push(format!(
                "`{}` is in KERNELS, but `{}` is not in laplace_core::LANGUAGES",
                r.name,
                r.language()
            ));
        }
    }
    for lang in LANGUAGES {
        let ours: Vec<&Registered> = registered
            .iter()
            .filter(|r| r.language() == lang.name)
            .collect();
        match lang.foreign {
            None => rust_problems(root, lang, &ours, &mut out),
            Some(_) => foreign_problems(root, lang, &ours, &mut out),
        }
    }
    out
}

/// Rust: one registered module per kernel file.
fn rust_problems(root: &Path, lang: &Language, ours: &[&Registered], out: &mut Vec<String>) {
    let modules: BTreeSet<&str> = ours.iter().map(|r| r.entry).collect();
    for file in files(&root.join(lang.dir), lang.ext) {
        let stem = file.trim_end_matches(".rs");
        if !modules.contains(stem) {
            out.push(format!(
                "{}/{file} is a Rust kernel, but no entry of {REGISTRY} registers it: \
                 add {}(\"rust/<form>\", <Scheme>, {stem}),",
                lang.dir,
                lang.macro_path()
            ));
        }
    }
    for r in ours {
        let want = format!("{}/{}.rs", lang.dir, r.entry);
        if r.source != want || !root.join(&want).is_file() {
            out.push(format!("`{}`: module file {want} is missing", r.name));
        }
    }
}

/// C, C++, Fortran: header, definitions and registry agree.
fn foreign_problems(root: &Path, lang: &Language, ours: &[&Registered], out: &mut Vec<String>) {
    let header_path = lang.header_path().expect("a foreign language");
    let prefix = lang.foreign.expect("a foreign language").symbol_prefix;
    let dir = root.join(lang.dir);
    let header = fs::read_to_string(root.join(&header_path)).unwrap();
    let declared = declared(&header, prefix);
    let symbols: BTreeSet<&str> = ours.iter().map(|r| r.entry).collect();
    let macro_ = lang.macro_path();

    for sym in declared.iter().filter(|s| !symbols.contains(s.as_str())) {
        out.push(format!(
            "{header_path} declares `{sym}`, but no entry of {REGISTRY} registers it: \
             add {macro_}(\"{}/<form>\", <Scheme>, {sym}, \"<file>.{}\"),",
            lang.name, lang.ext
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
    for r in ours {
        if !declared.contains(r.entry) {
            out.push(format!(
                "`{}` is registered with `{}`, but {header_path} does not declare it",
                r.name, r.entry
            ));
        }
        let source = r.source.strip_prefix(&format!("{}/", lang.dir));
        let Some(source) = source else {
            out.push(format!(
                "`{}`: {} is not in {}/",
                r.name, r.source, lang.dir
            ));
            continue;
        };
        if !defined_in(&dir, source, lang, 0).contains(r.entry) {
            let elsewhere = defined_by
                .get(r.entry)
                .map_or("nowhere".to_string(), |f| f.join(", "));
            out.push(format!(
                "`{}` is registered with `{}` from {}, which does not define it \
                 (defined in: {elsewhere})",
                r.name, r.entry, r.source
            ));
        }
    }
}

fn registered() -> Vec<Registered> {
    KERNELS
        .iter()
        .map(|k| Registered {
            name: k.name,
            entry: k.entry,
            source: k.source,
        })
        .collect()
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

/// A scratch copy of the registry, headers and kernel folders.
fn copy_tree(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("completeness-{name}"));
    let _ = fs::remove_dir_all(&tmp);
    for dir in LANGUAGES.iter().map(|l| l.dir) {
        fs::create_dir_all(tmp.join(dir)).unwrap();
        for file in fs::read_dir(root.join(dir)).unwrap() {
            let p = file.unwrap().path();
            if p.is_file() {
                fs::copy(&p, tmp.join(dir).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    tmp
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
    fs::write(
        tmp.join(laplace_core::language::RUST.dir)
            .join("loop_tiled.rs"),
        "//! stray\n",
    )
    .unwrap();

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
    let mut registered = registered();
    // A registered entry that is not in the language table.
    registered.push(Registered {
        name: "cobol/loop",
        entry: "laplace_cobol_loop",
        source: "cobol_kernels/loop.cob",
    });
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

    let found = problems(&tmp, &registered);
    for c in [
        "`cobol/loop` is in KERNELS, but `cobol` is not in laplace_core::LANGUAGES",
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
        // Run by a manifest's command, or the kernel source a manifest names
        // (the module a script compiles, such as Pythran's).
        assert!(
            manifests.contains(&format!("/python/{script}\""))
                || manifests.contains(&format!("\"python/{script}\"")),
            "kernels/external/python/{script} is run or named by no manifest of kernels/external/"
        );
    }
}
