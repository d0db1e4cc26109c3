//! The scaffolder's unit tests: parsing and rendering the registry, and
//! every refusal, without building anything (`tests/scaffold.rs` builds).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use laplace_core::language::{C, RUST};
use laplace_core::{LANGUAGES, Scheme};

use super::*;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A scratch copy of the files the scaffolder reads and writes: the
/// registry, both headers and the three kernel folders.
struct Fixture(PathBuf);

impl Fixture {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xtask-scaffold-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        let ws = workspace();
        fs::create_dir_all(dir.join("src")).unwrap();
        fs::copy(ws.join(REGISTRY), dir.join(REGISTRY)).unwrap();
        for lang in LANGUAGES {
            fs::create_dir_all(dir.join(lang.dir)).unwrap();
            for e in fs::read_dir(ws.join(lang.dir)).unwrap() {
                let p = e.unwrap().path();
                if p.is_file() {
                    fs::copy(&p, dir.join(lang.dir).join(p.file_name().unwrap())).unwrap();
                }
            }
        }
        Fixture(dir)
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.0.join(rel)).unwrap()
    }

    /// Every file under the fixture with its contents.
    fn snapshot(&self) -> Vec<(PathBuf, String)> {
        let mut out = Vec::new();
        let mut stack = vec![self.0.clone()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push((p.clone(), fs::read_to_string(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    fn run(&self, args: &[&str]) -> Result<()> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        command(&self.0, &args)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn renders_every_registry_entry_as_it_is_written() {
    let text = fs::read_to_string(workspace().join(REGISTRY)).unwrap();
    let entries = parse_registry(&text).unwrap();
    assert!(entries.iter().any(|e| e.name == "c/loop"));
    for lang in LANGUAGES {
        assert!(
            entries.iter().any(|e| e.lang == lang),
            "no {} entry",
            lang.name
        );
    }
    for e in &entries {
        let rendered = render_entry(
            one_line_style(&text),
            e.lang,
            &e.name,
            &e.scheme,
            &e.ident,
            e.source.as_deref(),
            &e.fields,
        );
        assert_eq!(rendered, &text[e.start..e.end], "{}", e.name);
    }
}

#[test]
fn renders_prototypes_as_the_headers_declare_them() {
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = fs::read_to_string(workspace().join(REGISTRY)).unwrap();
    for e in parse_registry(&text).unwrap() {
        if let Some(header) = e.lang.header_path() {
            let header = fs::read_to_string(workspace().join(header)).unwrap();
            assert!(
                words(&header).contains(&words(&prototype(&e.ident))),
                "{}",
                e.ident
            );
        }
    }
    assert!(prototype("laplace_c_loop").lines().all(|l| l.len() <= 100));
}

#[test]
fn follows_the_registry_layout() {
    let skip = "#[rustfmt::skip]\npub static KERNELS: &[Kernel] = &[\n];\n";
    assert!(one_line_style(skip));
    assert!(!one_line_style("pub static KERNELS: &[Kernel] = &[\n];\n"));
    let long = (
        "c/a-rather-long-name",
        "GaussSeidel",
        "laplace_c_a_rather_long_name",
    );
    let one = render_entry(true, &C, long.0, long.1, long.2, Some("x.c"), &[]);
    assert_eq!(one.lines().count(), 1, "{one}");
    let fmt = render_entry(false, &C, long.0, long.1, long.2, Some("x.c"), &[]);
    assert_eq!(fmt.lines().count(), 6, "{fmt}");
    let short = render_entry(false, &RUST, "rust/a", "Jacobi", "a", None, &[]);
    assert_eq!(short, "    laplace_rust::kernel!(\"rust/a\", Jacobi, a),\n");
}

#[test]
fn fastmath_fields_match_the_registered_fastmath_variants() {
    let text = fs::read_to_string(workspace().join(REGISTRY)).unwrap();
    let entries = parse_registry(&text).unwrap();
    let mut checked = 0;
    for e in entries.iter().filter(|e| e.name.ends_with("-fastmath")) {
        let base_name = e.name.trim_end_matches("-fastmath");
        let Some(base) = entries.iter().find(|b| b.name == base_name) else {
            continue;
        };
        let scheme = Scheme::from_variant_name(&base.scheme).unwrap();
        assert_eq!(fastmath_fields(&text, base, scheme), e.fields, "{}", e.name);
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn skips_commented_out_registrations() {
    let text = "pub static KERNELS: &[Kernel] = &[\n    \
                // laplace_c::kernel!(\"c/old\", Jacobi, laplace_c_old, \"old.c\"),\n    \
                laplace_c::kernel!(\"c/new\", Jacobi, laplace_c_new, \"new.c\"),\n];\n";
    let entries = parse_registry(text).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].name, "c/new");
    assert_eq!(entries[0].source.as_deref(), Some("new.c"));
}

#[test]
fn refuses_bad_requests_and_writes_nothing() {
    let fx = Fixture::new();
    // Files that exist without a registration.
    fs::write(fx.0.join("c_kernels/orphan.c"), "/* not registered */\n").unwrap();
    let header = fx.read("c_kernels/laplace_c.h").replace(
        "#endif /* LAPLACE_C_H */",
        "int laplace_c_ghost(double *u);\n\n#endif /* LAPLACE_C_H */",
    );
    fs::write(fx.0.join("c_kernels/laplace_c.h"), header).unwrap();
    let before = fx.snapshot();
    let long = format!("fortran/{}", "a".repeat(48));
    let cases: &[(&[&str], &str)] = &[
        (&["blocked", "--scheme", "jacobi"], "there is no `/`"),
        (
            &["go/blocked", "--scheme", "jacobi"],
            "unknown language `go`",
        ),
        (&["c/Blocked", "--scheme", "jacobi"], "lower-case"),
        (&["c/", "--scheme", "jacobi"], "lower-case"),
        (&["c/-x", "--scheme", "jacobi"], "lower-case"),
        (&["c/x-", "--scheme", "jacobi"], "lower-case"),
        (&["c/a--b", "--scheme", "jacobi"], "lower-case"),
        (&["c/a_b", "--scheme", "jacobi"], "lower-case"),
        (&["c/a/b", "--scheme", "jacobi"], "lower-case"),
        (&["c/blocked", "--scheme", "sor"], "unknown scheme `sor`"),
        (&["c/blocked"], "--scheme is required"),
        (&["c/blocked", "--scheme"], "--scheme needs a value"),
        (&["c/blocked", "--fast"], "unknown option `--fast`"),
        (&["c/a", "c/b", "--scheme=jacobi"], "one kernel at a time"),
        (&["--scheme=jacobi"], "which kernel?"),
        (
            &["c/loop", "--scheme", "gauss-seidel"],
            "`c/loop` is already registered",
        ),
        (
            &["rust/loop", "--scheme", "gauss-seidel"],
            "already registered",
        ),
        (
            &["fortran/array", "--scheme", "jacobi"],
            "already registered",
        ),
        (
            &["rust/array-indexed", "--scheme", "jacobi"],
            "already registered",
        ),
        (
            &["c/orphan", "--scheme", "jacobi"],
            "c_kernels/orphan.c already exists",
        ),
        (
            &["rust/loops", "--scheme", "jacobi"],
            "kernels/loops.rs already exists",
        ),
        (
            &["c/ghost", "--scheme", "jacobi"],
            "already declares `laplace_c_ghost`",
        ),
        (&["rust/fn", "--scheme", "jacobi"], "Rust keyword"),
        (
            &["rust/2d", "--scheme", "jacobi"],
            "must start with a letter",
        ),
        (&[&long, "--scheme", "jacobi"], "longer than 63"),
        (&["rust/loop-fastmath"], "reserved for `<base>-fastmath`"),
        (&["c/fastmath-x", "--scheme", "jacobi"], "reserved"),
        (&["c/nope-fastmath"], "`c/nope`, which is not registered"),
        (&["c/loop-fastmath"], "already registered"),
        (&["c/loop-fastmath-fastmath"], "reserved"),
        (
            &["c/redblack-fastmath", "--scheme", "jacobi"],
            "red-black-sor, not jacobi",
        ),
    ];
    for (args, expected) in cases {
        let err = fx.run(args).expect_err(&format!("{args:?} was accepted"));
        let msg = format!("{err:#}");
        assert!(msg.contains(expected), "{args:?}: {msg}");
        assert!(fx.snapshot() == before, "{args:?} wrote something");
    }
}

#[test]
fn scaffolds_one_kernel_per_language_in_place() {
    let fx = Fixture::new();
    for (name, scheme) in [
        ("rust/tiled", "red-black-sor"),
        ("c/blocked", "jacobi"),
        ("fortran/loop-2", "gauss-seidel"),
        ("cpp/blocked", "red-black-sor"),
    ] {
        fx.run(&[name, "--scheme", scheme]).unwrap();
    }
    let registry = fx.read(REGISTRY);
    let entries = parse_registry(&registry).unwrap();
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    // Each new line closes its language's block.
    for new in ["rust/tiled", "c/blocked", "fortran/loop-2", "cpp/blocked"] {
        let lang = laplace_core::name_parts(new).0;
        let last = entries.iter().rfind(|e| e.lang.name == lang).unwrap();
        assert_eq!(last.name, new, "{names:?}");
    }
    let find = |n: &str| entries.iter().find(|e| e.name == n).unwrap();
    assert_eq!(find("rust/tiled").scheme, "RedBlackSor");
    assert_eq!(find("rust/tiled").ident, "tiled");
    assert_eq!(find("c/blocked").ident, "laplace_c_blocked");
    assert_eq!(find("c/blocked").source.as_deref(), Some("blocked.c"));
    assert_eq!(find("fortran/loop-2").ident, "laplace_fortran_loop_2");
    assert_eq!(find("fortran/loop-2").source.as_deref(), Some("loop-2.f90"));
    assert!(
        entries
            .iter()
            .all(|e| e.field("tolerance").is_none() || e.name.contains("fastmath"))
    );

    // Copies of the seeds, renamed.
    let rust = fx.read("crates/laplace-rust/src/kernels/tiled.rs");
    assert!(
        rust.starts_with("//! `rust/tiled` (scaffolded from rust/redblack): red-black SOR"),
        "{rust}"
    );
    assert!(rust.contains("omega"));
    let c = fx.read("c_kernels/blocked.c");
    assert!(
        c.starts_with("/* c/blocked (scaffolded from c/array): Jacobi"),
        "{c}"
    );
    assert!(c.contains("int laplace_c_blocked(double *u,"), "{c}");
    assert!(!c.contains("laplace_c_array"), "{c}");
    let cpp = fx.read("cpp_kernels/blocked.cpp");
    assert!(cpp.contains("int laplace_cpp_blocked(double *u,"), "{cpp}");
    assert_eq!(find("cpp/blocked").source.as_deref(), Some("blocked.cpp"));
    // Inside the header's extern "C" block.
    let header = fx.read("cpp_kernels/laplace_cpp.h");
    let proto = header.find(&prototype("laplace_cpp_blocked")).unwrap();
    assert!(
        proto < header.rfind("#ifdef __cplusplus").unwrap(),
        "{header}"
    );
    let f = fx.read("fortran_kernels/loop-2.f90");
    assert!(
        f.contains("function laplace_fortran_loop_2(u, scratch,"),
        "{f}"
    );
    assert!(f.contains("end function laplace_fortran_loop_2\n"), "{f}");

    let header = fx.read("c_kernels/laplace_c.h");
    let proto = header.find(&prototype("laplace_c_blocked")).unwrap();
    assert!(proto > header.find("laplace_c_redblack").unwrap());
    assert!(header.ends_with(&format!(
        "{}\n\n#endif /* LAPLACE_C_H */\n",
        prototype("laplace_c_blocked")
    )));
    let header = fx.read("fortran_kernels/laplace_fortran.h");
    assert!(header.contains(&prototype("laplace_fortran_loop_2")));

    // The same kernel twice is refused.
    let err = fx.run(&["c/blocked", "--scheme", "jacobi"]).unwrap_err();
    assert!(format!("{err:#}").contains("already registered"), "{err:#}");
}

#[test]
fn scaffolds_a_fastmath_variant_as_a_wrapper() {
    let fx = Fixture::new();
    fx.run(&["c/redblack-fastmath"]).unwrap();
    fx.run(&["fortran/redblack-fastmath", "--scheme", "red-black-sor"])
        .unwrap();
    fx.run(&["cpp/array-fastmath"]).unwrap();
    let cpp = fx.read("cpp_kernels/array-fastmath.cpp");
    assert!(
        cpp.ends_with(
            "#define laplace_cpp_array laplace_cpp_array_fastmath\n#include \"array.cpp\"\n"
        ),
        "{cpp}"
    );
    let c = fx.read("c_kernels/redblack-fastmath.c");
    assert!(
        c.ends_with(
            "#define laplace_c_redblack laplace_c_redblack_fastmath\n\
             #include \"redblack.c\"\n"
        ),
        "{c}"
    );
    let f = fx.read("fortran_kernels/redblack-fastmath.f90");
    assert!(f.starts_with("! fortran/redblack-fastmath: redblack.f90, the same source"));
    assert!(f.contains("#include \"redblack.f90\"\n"), "{f}");
    let registry = fx.read(REGISTRY);
    let entries = parse_registry(&registry).unwrap();
    for name in ["c/redblack-fastmath", "fortran/redblack-fastmath"] {
        let e = entries.iter().find(|e| e.name == name).unwrap();
        assert_eq!(e.scheme, "RedBlackSor");
        assert_eq!(e.field("tolerance"), Some("Kernel::FASTMATH_TOLERANCE"));
    }
}

#[test]
fn a_concurrent_edit_undoes_everything() {
    let fx = Fixture::new();
    let plan = plan(&fx.0, "c/blocked", Some(Scheme::Jacobi)).unwrap();
    let before = fx.snapshot();
    let registry = fx.read(REGISTRY) + "// edited meanwhile\n";
    fs::write(fx.0.join(REGISTRY), &registry).unwrap();
    let err = plan.apply(&fx.0).unwrap_err();
    assert!(format!("{err:#}").contains("changed while scaffolding"));
    assert!(!fx.0.join("c_kernels/blocked.c").exists());
    let after = fx.snapshot();
    let changed: Vec<_> = after
        .iter()
        .zip(&before)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0.clone())
        .collect();
    assert_eq!(changed, [fx.0.join(REGISTRY)]);
}
