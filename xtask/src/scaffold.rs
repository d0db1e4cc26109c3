//! `cargo xtask new-kernel <language/form> --scheme <scheme>`: scaffolds a new
//! kernel that passes verification as generated.
//!
//! It writes the source file from a template that is a plain, correct
//! implementation of the scheme, adds the prototype to the language's header
//! (C and Fortran) and adds the registration line to `src/registry.rs`, after
//! the last line of that language. Nothing else is needed: the registry is
//! what the command line, the tests, the benches and the report iterate.
//!
//! A name ending in `-fastmath` (C and Fortran) scaffolds the fast-math
//! variant of an existing kernel instead: a wrapper that renames the symbol
//! and `#include`s the base source, which the build compiles with
//! `-ffast-math`, registered with the fast-math tolerance.
//!
//! Everything is checked before anything is written: a malformed name, an
//! unknown language or scheme, a kernel, symbol or file that already exists is
//! an error and leaves the tree untouched.
//!
//! This module reads the registry and headers as text on purpose: xtask must
//! build before gfortran and libclang are installed, so it cannot link the
//! kernel crates.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The registry, relative to the workspace root.
const REGISTRY: &str = "src/registry.rs";

/// Longest Fortran name gfortran accepts (Fortran 2003 and later).
const FORTRAN_MAX_NAME: usize = 63;

/// rustfmt's default `fn_call_width`: a macro call whose arguments, on one
/// line, are longer than this is written one argument per line.
const FN_CALL_WIDTH: usize = 60;

/// `cargo xtask new-kernel ARGS`: parses the arguments, scaffolds, reports.
pub fn command(root: &Path, args: &[String]) -> Result<()> {
    let mut name = None;
    let mut scheme = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if let Some(value) = arg.strip_prefix("--scheme=") {
            scheme = Some(value.to_string());
        } else if arg == "--scheme" {
            let value = it.next().context("--scheme needs a value")?;
            scheme = Some(value.clone());
        } else if arg == "-h" || arg == "--help" {
            eprintln!("{USAGE}");
            return Ok(());
        } else if arg.starts_with('-') {
            bail!("unknown option `{arg}`\n\n{USAGE}");
        } else if name.is_some() {
            bail!("one kernel at a time (got `{arg}` too)\n\n{USAGE}");
        } else {
            name = Some(arg.clone());
        }
    }
    let name = name.with_context(|| format!("which kernel?\n\n{USAGE}"))?;
    let scheme = scheme.as_deref().map(Scheme::parse).transpose()?;
    let plan = plan(root, &name, scheme)?;
    plan.apply(root)?;
    println!("{}", plan.summary(root));
    Ok(())
}

/// The usage line of the command.
pub const USAGE: &str = "usage: cargo xtask new-kernel <language/form> --scheme <jacobi|gauss-seidel|red-black-sor>\n\
     \n  language: rust, c or fortran; form: lower-case letters, digits and '-'\n  \
     e.g. cargo xtask new-kernel c/blocked --scheme gauss-seidel\n  \
     <language>/<base>-fastmath (c, fortran) scaffolds the -ffast-math variant of <language>/<base>";

/// A kernel language and where its files live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// `crates/laplace-rust/src/kernels/<module>.rs`.
    Rust,
    /// `c_kernels/<form>.c`.
    C,
    /// `fortran_kernels/<form>.f90`.
    Fortran,
}

impl Lang {
    const ALL: [Lang; 3] = [Lang::Rust, Lang::C, Lang::Fortran];

    fn parse(s: &str) -> Result<Self> {
        Lang::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .with_context(|| {
                format!(
                    "unknown language `{s}`: one of rust, c, fortran; a kernel in any other \
                     language is an external kernel (docs/external-kernels.md)"
                )
            })
    }

    /// The name's prefix, e.g. `c`.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::C => "c",
            Lang::Fortran => "fortran",
        }
    }

    /// The folder of its sources, relative to the workspace root.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Rust => "crates/laplace-rust/src/kernels",
            Lang::C => "c_kernels",
            Lang::Fortran => "fortran_kernels",
        }
    }

    fn ext(self) -> &'static str {
        match self {
            Lang::Rust => "rs",
            Lang::C => "c",
            Lang::Fortran => "f90",
        }
    }

    /// The header bindgen reads, relative to the workspace root.
    fn header(self) -> Option<&'static str> {
        match self {
            Lang::Rust => None,
            Lang::C => Some("c_kernels/laplace_c.h"),
            Lang::Fortran => Some("fortran_kernels/laplace_fortran.h"),
        }
    }

    /// The registration macro, e.g. `laplace_c::kernel!`.
    fn macro_path(self) -> &'static str {
        match self {
            Lang::Rust => "laplace_rust::kernel!",
            Lang::C => "laplace_c::kernel!",
            Lang::Fortran => "laplace_fortran::kernel!",
        }
    }
}

/// The iteration a kernel runs (mirrors `laplace_core::Scheme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Every point reads the previous sweep only.
    Jacobi,
    /// In place, `i` ascending outside, `j` ascending inside.
    GaussSeidel,
    /// Red points, then black, each over-relaxed with `omega`.
    RedBlackSor,
}

impl Scheme {
    const ALL: [Scheme; 3] = [Scheme::Jacobi, Scheme::GaussSeidel, Scheme::RedBlackSor];

    /// From its kebab-case name.
    pub fn parse(s: &str) -> Result<Self> {
        Scheme::ALL
            .into_iter()
            .find(|x| x.kebab() == s)
            .with_context(|| {
                format!("unknown scheme `{s}`: one of jacobi, gauss-seidel, red-black-sor")
            })
    }

    fn kebab(self) -> &'static str {
        match self {
            Scheme::Jacobi => "jacobi",
            Scheme::GaussSeidel => "gauss-seidel",
            Scheme::RedBlackSor => "red-black-sor",
        }
    }

    /// The variant name the registry macros take.
    fn ident(self) -> &'static str {
        match self {
            Scheme::Jacobi => "Jacobi",
            Scheme::GaussSeidel => "GaussSeidel",
            Scheme::RedBlackSor => "RedBlackSor",
        }
    }

    fn from_ident(s: &str) -> Option<Self> {
        Scheme::ALL.into_iter().find(|x| x.ident() == s)
    }
}

/// One `laplace_<lang>::kernel!(...)` invocation of the registry, as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its language.
    pub lang: Lang,
    /// The kernel name, e.g. `c/loop`.
    pub name: String,
    /// The scheme identifier, e.g. `GaussSeidel`.
    pub scheme: String,
    /// The Rust module (Rust) or the symbol (C, Fortran).
    pub ident: String,
    /// The source file name (C, Fortran).
    pub source: Option<String>,
    /// The named fields after the positional arguments, in order, e.g.
    /// `("tolerance", "Kernel::FASTMATH_TOLERANCE")`, `("parallel", "true")`.
    pub fields: Vec<(String, String)>,
    /// Byte offset of the first line of the invocation.
    pub start: usize,
    /// Byte offset just past the line that closes it.
    pub end: usize,
}

/// Every registration in the registry text, in order. Invocations in `//`
/// comments are skipped.
pub fn parse_registry(text: &str) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for lang in Lang::ALL {
        let needle = format!("{}(", lang.macro_path());
        let mut from = 0;
        while let Some(pos) = text[from..].find(&needle).map(|p| p + from) {
            from = pos + needle.len();
            let start = text[..pos].rfind('\n').map_or(0, |n| n + 1);
            if text[start..pos].contains("//") {
                continue;
            }
            let (args, close) = split_args(text, from)
                .with_context(|| format!("unbalanced {needle} at byte {pos} of {REGISTRY}"))?;
            let end = text[close..]
                .find('\n')
                .map_or(text.len(), |n| close + n + 1);
            entries.push(entry(lang, &args, start, end).with_context(|| {
                format!("cannot read `{needle}{}` in {REGISTRY}", args.join(", "))
            })?);
        }
    }
    entries.sort_by_key(|e| e.start);
    Ok(entries)
}

/// The top-level, comma-separated arguments of a call whose `(` ends just
/// before `from`, and the offset of its closing `)`.
fn split_args(text: &str, from: usize) -> Option<(Vec<String>, usize)> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    for (k, c) in text[from..].char_indices() {
        if in_str {
            current.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                current.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                current.push(c);
            }
            ')' | ']' | '}' if depth > 0 => {
                depth -= 1;
                current.push(c);
            }
            ')' => {
                if !current.trim().is_empty() {
                    args.push(current.trim().to_string());
                }
                return Some((args, from + k));
            }
            ',' if depth == 0 => args.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(c),
        }
    }
    None
}

fn entry(lang: Lang, args: &[String], start: usize, end: usize) -> Result<Entry> {
    let unquote = |s: &str| {
        s.strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .map(str::to_string)
    };
    // `field = value`: an identifier, then a single `=`.
    let named = |a: &str| {
        a.split_once('=').and_then(|(field, value)| {
            let field = field.trim();
            let is_field = !field.is_empty()
                && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !value.starts_with('=');
            is_field.then(|| (field.to_string(), value.trim().to_string()))
        })
    };
    let positional: Vec<&String> = args.iter().take_while(|a| named(a).is_none()).collect();
    let fields: Vec<(String, String)> = args[positional.len()..]
        .iter()
        .map(|a| named(a).with_context(|| format!("`{a}` after a named field")))
        .collect::<Result<_>>()?;
    let wanted = if lang == Lang::Rust { 3 } else { 4 };
    if positional.len() != wanted {
        bail!("expected {wanted} arguments before the named fields");
    }
    Ok(Entry {
        lang,
        name: unquote(positional[0]).context("the name is not a string literal")?,
        scheme: positional[1].clone(),
        ident: positional[2].clone(),
        source: match lang {
            Lang::Rust => None,
            _ => Some(unquote(positional[3]).context("the source is not a string literal")?),
        },
        fields,
        start,
        end,
    })
}

impl Entry {
    /// The value of a named field, e.g. `tolerance`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Whether the registry writes one line per kernel: `KERNELS` is
/// `#[rustfmt::skip]`. Otherwise rustfmt lays it out.
pub fn one_line_style(text: &str) -> bool {
    let Some(k) = text.find("pub static KERNELS") else {
        return false;
    };
    text[..k]
        .trim_end()
        .lines()
        .rev()
        .map(str::trim)
        .take_while(|l| l.starts_with("#[") || l.starts_with("///"))
        .any(|l| l == "#[rustfmt::skip]")
}

/// The registration of a kernel, indented for the `KERNELS` array and ending
/// in `,\n`: on one line if `one_line`, else as rustfmt writes it.
pub fn render_entry(
    one_line_style: bool,
    lang: Lang,
    name: &str,
    scheme: &str,
    ident: &str,
    source: Option<&str>,
    fields: &[(String, String)],
) -> String {
    let mut args = vec![format!("{name:?}"), scheme.to_string(), ident.to_string()];
    args.extend(source.map(|s| format!("{s:?}")));
    args.extend(fields.iter().map(|(f, v)| format!("{f} = {v}")));
    let one_line = args.join(", ");
    if one_line_style || one_line.len() <= FN_CALL_WIDTH {
        format!("    {}({one_line}),\n", lang.macro_path())
    } else {
        let mut s = format!("    {}(\n", lang.macro_path());
        for (k, a) in args.iter().enumerate() {
            let comma = if k + 1 < args.len() { "," } else { "" };
            writeln!(s, "        {a}{comma}").unwrap();
        }
        s.push_str("    ),\n");
        s
    }
}

/// `text` with `line` inserted after the last registration of `lang`, or, if
/// there is none, before the line that closes `KERNELS`.
fn insert_entry(text: &str, entries: &[Entry], lang: Lang, line: &str) -> Result<String> {
    let at = match entries
        .iter()
        .filter(|e| e.lang == lang)
        .map(|e| e.end)
        .max()
    {
        Some(end) => end,
        None => {
            let kernels = text
                .find("pub static KERNELS")
                .with_context(|| format!("{REGISTRY} has no `pub static KERNELS`"))?;
            let close = text[kernels..]
                .find("\n];")
                .with_context(|| format!("cannot find the end of KERNELS in {REGISTRY}"))?;
            kernels + close + 1
        }
    };
    Ok(format!("{}{line}{}", &text[..at], &text[at..]))
}

/// The contract's C prototype for `symbol`, wrapped at 100 columns with
/// continuation lines aligned after the parenthesis, as in the headers.
pub fn prototype(symbol: &str) -> String {
    const PARAMS: [&str; 9] = [
        "double *u",
        "double *scratch",
        "size_t nx",
        "size_t ny",
        "double dx",
        "double dy",
        "size_t iters",
        "double omega",
        "int threads",
    ];
    let head = format!("int {symbol}(");
    let indent = " ".repeat(head.len());
    let mut lines = Vec::new();
    let mut line = head.clone();
    for (k, p) in PARAMS.iter().enumerate() {
        let piece = format!("{p}{}", if k + 1 < PARAMS.len() { "," } else { ");" });
        let fresh = line == head || line == indent;
        if !fresh && line.len() + 1 + piece.len() > 100 {
            lines.push(std::mem::replace(&mut line, indent.clone()));
        }
        if !(line == head || line == indent) {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    lines.push(line);
    lines.join("\n")
}

/// `header` with `block` inserted before its last `#endif`.
fn insert_prototype(header: &str, header_path: &str, block: &str) -> Result<String> {
    let at = header
        .match_indices("#endif")
        .map(|(k, _)| k)
        .filter(|&k| k == 0 || header.as_bytes()[k - 1] == b'\n')
        .last()
        .with_context(|| format!("{header_path} has no closing #endif"))?;
    Ok(format!("{}{block}{}", &header[..at], &header[at..]))
}

/// Whether `ident` appears in `text` as a whole identifier.
fn mentions(text: &str, ident: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(ident).any(|(k, _)| {
        let before = text[..k].chars().next_back();
        let after = text[k + ident.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// Words rustc reserves: a module cannot be called any of them.
const RUST_KEYWORDS: [&str; 52] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
    "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Checks `language/form[-variant]` and splits it.
fn parse_name(name: &str) -> Result<(Lang, &str)> {
    let Some((lang, form)) = name.split_once('/') else {
        bail!("`{name}` is not `language/form[-variant]` (e.g. c/blocked): there is no `/`");
    };
    let lang = Lang::parse(lang)?;
    let form_ok = !form.is_empty()
        && form
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !form.starts_with('-')
        && !form.ends_with('-')
        && !form.contains("--");
    if !form_ok {
        bail!(
            "`{name}` is not `language/form[-variant]`: the form `{form}` must be lower-case \
             letters, digits and single '-' between words (e.g. c/blocked, rust/loop-tiled)"
        );
    }
    Ok((lang, form))
}

/// What the scaffolder will write: new files and edited files, with their
/// full new contents.
#[derive(Debug)]
pub struct Plan {
    /// The kernel's name.
    pub name: String,
    /// Its scheme.
    pub scheme: Scheme,
    /// Files to create (relative path, contents).
    pub create: Vec<(String, String)>,
    /// Files to replace (relative path, old contents, new contents).
    pub edit: Vec<(String, String, String)>,
}

/// Everything `new-kernel` would do, checked; writes nothing.
pub fn plan(root: &Path, name: &str, scheme: Option<Scheme>) -> Result<Plan> {
    let (lang, form) = parse_name(name)?;
    let registry = read(root, REGISTRY)?;
    let entries = parse_registry(&registry)?;
    if entries.iter().any(|e| e.name == name) {
        bail!("`{name}` is already registered in {REGISTRY}");
    }
    let stem = match lang {
        Lang::Rust => form.replace('-', "_"),
        _ => form.to_string(),
    };
    let ident = match lang {
        Lang::Rust => stem.clone(),
        _ => format!("laplace_{}_{}", lang.name(), form.replace('-', "_")),
    };
    let fastmath_base = form.strip_suffix("-fastmath");
    match lang {
        _ if form.contains("fastmath")
            && (lang == Lang::Rust || fastmath_base.is_none_or(|b| b.contains("fastmath"))) =>
        {
            bail!(
                "`{name}`: \"fastmath\" is reserved for `<base>-fastmath` variants of C and \
                 Fortran kernels (the build adds -ffast-math to every source whose name \
                 contains it)"
            )
        }
        Lang::Rust if stem.starts_with(|c: char| c.is_ascii_digit()) => bail!(
            "`{name}`: a Rust kernel's module is its form, `{stem}`, which must start with a letter"
        ),
        Lang::Rust if RUST_KEYWORDS.contains(&stem.as_str()) => bail!(
            "`{name}`: `{stem}` is a Rust keyword and cannot name the kernel's module; \
             pick another form"
        ),
        Lang::Fortran if ident.len() > FORTRAN_MAX_NAME => bail!(
            "`{name}`: the Fortran symbol `{ident}` is longer than {FORTRAN_MAX_NAME} characters"
        ),
        _ => {}
    }
    let file_name = format!("{stem}.{}", lang.ext());
    let source = format!("{}/{file_name}", lang.dir());
    if root.join(&source).exists() {
        bail!("{source} already exists");
    }
    if let Some(e) = entries.iter().find(|e| e.lang == lang && e.ident == ident) {
        bail!(
            "`{ident}` is already registered in {REGISTRY}, as `{}`",
            e.name
        );
    }

    // The fast-math variant of an existing kernel, or a kernel of its own.
    let (scheme, contents, fields) = if let Some(base) = fastmath_base {
        let base_name = format!("{}/{base}", lang.name());
        let base = entries
            .iter()
            .find(|e| e.name == base_name)
            .with_context(|| {
                format!("`{name}` is the fast-math variant of `{base_name}`, which is not registered: scaffold that first")
            })?;
        let base_scheme = Scheme::from_ident(&base.scheme)
            .with_context(|| format!("`{base_name}` has an unknown scheme `{}`", base.scheme))?;
        if let Some(s) = scheme.filter(|&s| s != base_scheme) {
            bail!(
                "`{name}` runs the scheme of `{base_name}`, {}, not {}",
                base_scheme.kebab(),
                s.kebab()
            );
        }
        let base_source = base.source.as_deref().unwrap_or_default();
        let text = fastmath_wrapper(lang, name, &base.ident, &ident, base_source);
        (
            base_scheme,
            text,
            fastmath_fields(&registry, base, base_scheme),
        )
    } else {
        let scheme =
            scheme.context("--scheme is required: jacobi, gauss-seidel or red-black-sor")?;
        let text = match lang {
            Lang::Rust => rust_template(name, scheme),
            Lang::C => c_template(name, &ident, scheme),
            Lang::Fortran => fortran_template(name, &ident, scheme),
        };
        (scheme, text, Vec::new())
    };

    let mut edit = Vec::new();
    if let Some(header_path) = lang.header() {
        let header = read(root, header_path)?;
        if mentions(&header, &ident) {
            bail!("{header_path} already declares `{ident}`");
        }
        let what = match fastmath_base {
            Some(base) => format!("{base}.{} compiled with -ffast-math", lang.ext()),
            None => scheme.kebab().to_string(),
        };
        let block = format!(
            "/* {name}: {what} ({file_name}). */\n{}\n\n",
            prototype(&ident)
        );
        let new = insert_prototype(&header, header_path, &block)?;
        edit.push((header_path.to_string(), header, new));
    }
    let line = render_entry(
        one_line_style(&registry),
        lang,
        name,
        scheme.ident(),
        &ident,
        (lang != Lang::Rust).then_some(file_name.as_str()),
        &fields,
    );
    let new_registry = insert_entry(&registry, &entries, lang, &line)?;
    edit.push((REGISTRY.to_string(), registry, new_registry));
    Ok(Plan {
        name: name.to_string(),
        scheme,
        create: vec![(source, contents)],
        edit,
    })
}

impl Plan {
    /// Writes the plan; if any write fails, restores what was written.
    pub fn apply(&self, root: &Path) -> Result<()> {
        let mut done: Vec<(PathBuf, Option<&str>)> = Vec::new();
        let result = (|| -> Result<()> {
            for (rel, text) in &self.create {
                let path = root.join(rel);
                fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
                    .with_context(|| format!("cannot create {}", path.display()))?;
                done.push((path, None));
            }
            for (rel, old, new) in &self.edit {
                let path = root.join(rel);
                // Someone may have edited the file since it was read.
                if fs::read_to_string(&path).ok().as_deref() != Some(old.as_str()) {
                    bail!("{rel} changed while scaffolding; nothing was kept, try again");
                }
                fs::write(&path, new)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                done.push((path, Some(old)));
            }
            Ok(())
        })();
        if result.is_err() {
            for (path, old) in done.iter().rev() {
                let _ = match old {
                    None => fs::remove_file(path),
                    Some(old) => fs::write(path, old),
                };
            }
        }
        result
    }

    /// What was written and what to do next.
    pub fn summary(&self, root: &Path) -> String {
        let mut s = format!("scaffolded {} ({}):\n", self.name, self.scheme.kebab());
        for (rel, _) in &self.create {
            writeln!(s, "  created {}", root.join(rel).display()).unwrap();
        }
        for (rel, _, _) in &self.edit {
            writeln!(s, "  edited  {}", root.join(rel).display()).unwrap();
        }
        s.push_str(
            "\nThe template is a correct, plain implementation: it already passes verification.\n\
             Next: make it the kernel you meant (keep the comment at the top true), then\n  \
             cargo test --test verify        # against the reference, at 1e-12\n  \
             cargo run --bin shootout -- list\n  \
             cargo xtask run -- --kernels =",
        );
        s.push_str(&self.name);
        s.push_str("\nSee CONTRIBUTING.md for what a reviewer checks.");
        s
    }
}

fn read(root: &Path, rel: &str) -> Result<String> {
    fs::read_to_string(root.join(rel)).with_context(|| format!("cannot read {rel}"))
}

/// Fills `{NAME}`, `{SIGNATURE}`, `{SYMBOL}` and `{SCHEME}` in a template.
fn fill(template: &str, name: &str, symbol: &str, scheme: Scheme) -> String {
    let signature = prototype(symbol);
    let signature = signature.strip_suffix(';').unwrap_or(&signature);
    template
        .replace("{NAME}", name)
        .replace("{SIGNATURE}", signature)
        .replace("{SYMBOL}", symbol)
        .replace("{SCHEME}", scheme.kebab())
}

/// The named fields of the `-fastmath` variant of `base`: the fast-math
/// tolerance; the cost model of `base` with the division turned into a
/// multiplication (what -ffast-math does to it); `base`'s other fields.
fn fastmath_fields(registry: &str, base: &Entry, scheme: Scheme) -> Vec<(String, String)> {
    let mut fields = vec![(
        "tolerance".to_string(),
        "Kernel::FASTMATH_TOLERANCE".to_string(),
    )];
    // Only registries that know cost models get one.
    let has_cost = registry
        .lines()
        .any(|l| l.trim_start().starts_with("use ") && mentions(l, "Cost"));
    let default_cost = match scheme {
        Scheme::Jacobi => "Cost::JacobiDivide",
        Scheme::GaussSeidel => "Cost::ChainDivide",
        Scheme::RedBlackSor => "Cost::RedBlack",
    };
    let cost = base
        .field("cost")
        .unwrap_or(default_cost)
        .replace("JacobiDivide", "JacobiReciprocal")
        .replace("ChainDivide", "ChainReciprocal");
    if has_cost && cost != "Cost::RedBlack" {
        fields.push(("cost".to_string(), cost));
    }
    for (f, v) in &base.fields {
        if f != "tolerance" && f != "cost" {
            fields.push((f.clone(), v.clone()));
        }
    }
    fields
}

/// A `-fastmath` variant: renames the base symbol and includes the base source.
fn fastmath_wrapper(lang: Lang, name: &str, base_symbol: &str, symbol: &str, base: &str) -> String {
    let (first, rest, end) = match lang {
        Lang::Fortran => ("!", "!", ""),
        _ => ("/*", " *", " */"),
    };
    format!(
        "{first} {name}: {base}, the same source, compiled with -ffast-math (the\n\
         {rest} build adds it to every kernel source whose name contains \"fastmath\").{end}\n\
         #define {base_symbol} {symbol}\n\
         #include \"{base}\"\n"
    )
}

fn rust_template(name: &str, scheme: Scheme) -> String {
    let t = match scheme {
        Scheme::Jacobi => RUST_JACOBI,
        Scheme::GaussSeidel => RUST_GAUSS_SEIDEL,
        Scheme::RedBlackSor => RUST_RED_BLACK_SOR,
    };
    fill(t, name, "", scheme)
}

fn c_template(name: &str, symbol: &str, scheme: Scheme) -> String {
    let t = match scheme {
        Scheme::Jacobi => C_JACOBI,
        Scheme::GaussSeidel => C_GAUSS_SEIDEL,
        Scheme::RedBlackSor => C_RED_BLACK_SOR,
    };
    fill(t, name, symbol, scheme)
}

fn fortran_template(name: &str, symbol: &str, scheme: Scheme) -> String {
    let t = match scheme {
        Scheme::Jacobi => FORTRAN_JACOBI,
        Scheme::GaussSeidel => FORTRAN_GAUSS_SEIDEL,
        Scheme::RedBlackSor => FORTRAN_RED_BLACK_SOR,
    };
    fill(t, name, symbol, scheme)
}

// The templates: the plainest correct kernel of each scheme, in the operation
// order of the reference (`laplace_core::reference`), so they match it to the
// last bit or, with FMA contraction, within 1e-12.

const RUST_JACOBI: &str = r#"//! `{NAME}`: {SCHEME}, scaffolded by `cargo xtask new-kernel`: two plain
//! indexed loops over two buffers that swap roles after each sweep.
//! TODO: say what this kernel does differently and why it is in the race.

use laplace_core::{Job, KernelError, Stencil};

/// Runs `iters` Jacobi sweeps, ping-ponging between `u` and the scratch buffer.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    crate::jacobi_ping_pong(job, sweep)
}

/// One sweep: every interior point of `dst` from its neighbours in `src`.
fn sweep(src: &[f64], dst: &mut [f64], nx: usize, ny: usize, s: &Stencil) {
    for i in 1..nx - 1 {
        for j in 1..ny - 1 {
            dst[i * ny + j] = s.apply(
                src[(i + 1) * ny + j],
                src[(i - 1) * ny + j],
                src[i * ny + j + 1],
                src[i * ny + j - 1],
            );
        }
    }
}
"#;

const RUST_GAUSS_SEIDEL: &str = r#"//! `{NAME}`: {SCHEME}, scaffolded by `cargo xtask new-kernel`: in place,
//! two plain indexed loops, `i` outer, `j` inner.
//! TODO: say what this kernel does differently and why it is in the race.

use laplace_core::{Job, KernelError};

/// Runs `iters` in-place Gauss-Seidel sweeps, `i` outer, `j` inner.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (nx, ny) = (p.nx, p.ny);
    let s = p.stencil();
    let u = job.u();
    for _ in 0..p.iters {
        for i in 1..nx - 1 {
            for j in 1..ny - 1 {
                u[i * ny + j] = s.apply(
                    u[(i + 1) * ny + j],
                    u[(i - 1) * ny + j],
                    u[i * ny + j + 1],
                    u[i * ny + j - 1],
                );
            }
        }
    }
    Ok(())
}
"#;

const RUST_RED_BLACK_SOR: &str = r#"//! `{NAME}`: {SCHEME}, scaffolded by `cargo xtask new-kernel`: red points
//! (`i + j` even), then black, each moved to `u + omega * (gs - u)`, by
//! stride-2 half-sweeps over each row.
//! TODO: say what this kernel does differently and why it is in the race.

use laplace_core::{Job, KernelError};

/// Runs `iters` red-black SOR sweeps with the job's relaxation factor.
pub fn run(job: &mut Job<'_>) -> Result<(), KernelError> {
    let p = *job.problem();
    let (nx, ny) = (p.nx, p.ny);
    let (s, omega) = (p.stencil(), p.omega());
    let u = job.u();
    for _ in 0..p.iters {
        for colour in [0, 1] {
            for i in 1..nx - 1 {
                // First interior j with (i + j) % 2 == colour.
                let first = if (i + 1) % 2 == colour { 1 } else { 2 };
                for j in (first..ny - 1).step_by(2) {
                    let k = i * ny + j;
                    let old = u[k];
                    let gs = s.apply(u[k + ny], u[k - ny], u[k + 1], u[k - 1]);
                    u[k] = old + omega * (gs - old);
                }
            }
        }
    }
    Ok(())
}
"#;

const C_JACOBI: &str = r#"/* {NAME}: {SCHEME}, scaffolded by `cargo xtask new-kernel`: two buffers
 * that swap roles after each sweep.
 * TODO: say what this kernel does differently and why it is in the race. */
#include <string.h>

#include "common.h"
#include "laplace_c.h"

static void sweep(const double *restrict src, double *restrict dst, size_t nx, size_t ny,
                  double dx2, double dy2) {
    for (size_t i = 1; i < nx - 1; i++) {
        const double *up = src + (i - 1) * ny, *mid = src + i * ny, *down = src + (i + 1) * ny;
        double *out = dst + i * ny;
        for (size_t j = 1; j < ny - 1; j++) {
            out[j] = ((down[j] + up[j]) * dy2 + (mid[j + 1] + mid[j - 1]) * dx2) /
                     (2 * (dx2 + dy2));
        }
    }
}

{SIGNATURE} {
    (void)omega;
    (void)threads;
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    const double dx2 = dx * dx, dy2 = dy * dy;
    /* Both buffers carry the same boundary, so either can be the target. */
    memcpy(scratch, u, nx * ny * sizeof(double));
    double *src = u, *dst = scratch;
    for (size_t it = 0; it < iters; it++) {
        sweep(src, dst, nx, ny, dx2, dy2);
        double *t = src;
        src = dst;
        dst = t;
    }
    if (src != u) memcpy(u, src, nx * ny * sizeof(double));
    return LAPLACE_OK;
}
"#;

const C_GAUSS_SEIDEL: &str = r#"/* {NAME}: {SCHEME}, scaffolded by `cargo xtask new-kernel`: in place, two
 * nested loops, i outer, j inner.
 * TODO: say what this kernel does differently and why it is in the race. */
#include "common.h"
#include "laplace_c.h"

{SIGNATURE} {
    (void)omega;
    (void)threads;
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    const double dx2 = dx * dx, dy2 = dy * dy;
    for (size_t it = 0; it < iters; it++) {
        for (size_t i = 1; i < nx - 1; i++) {
            for (size_t j = 1; j < ny - 1; j++) {
                u[i * ny + j] = ((u[(i + 1) * ny + j] + u[(i - 1) * ny + j]) * dy2 +
                                 (u[i * ny + j + 1] + u[i * ny + j - 1]) * dx2) /
                                (2 * (dx2 + dy2));
            }
        }
    }
    return LAPLACE_OK;
}
"#;

const C_RED_BLACK_SOR: &str = r#"/* {NAME}: {SCHEME}, scaffolded by `cargo xtask new-kernel`: red points
 * (i + j even), then black, each moved to u + omega * (gs - u), by stride-2
 * half-sweeps over each row.
 * TODO: say what this kernel does differently and why it is in the race. */
#include "common.h"
#include "laplace_c.h"

{SIGNATURE} {
    (void)threads;
    int rc = laplace_check_args(u, scratch, nx, ny, dx, dy);
    if (rc != LAPLACE_OK) return rc;
    if (!(omega > 0.0 && omega < 2.0)) return LAPLACE_EINVAL;
    const double dx2 = dx * dx, dy2 = dy * dy;
    for (size_t it = 0; it < iters; it++) {
        for (size_t colour = 0; colour < 2; colour++) {
            for (size_t i = 1; i < nx - 1; i++) {
                double *row = u + i * ny;
                const double *up = row - ny, *down = row + ny;
                /* First interior j with (i + j) % 2 == colour. */
                size_t first = (i + 1) % 2 == colour ? 1 : 2;
                for (size_t j = first; j < ny - 1; j += 2) {
                    double old = row[j];
                    double gs = ((down[j] + up[j]) * dy2 + (row[j + 1] + row[j - 1]) * dx2) /
                                (2 * (dx2 + dy2));
                    row[j] = old + omega * (gs - old);
                }
            }
        }
    }
    return LAPLACE_OK;
}
"#;

const FORTRAN_JACOBI: &str = r#"! {NAME}: {SCHEME}, scaffolded by `cargo xtask new-kernel`: do loops over
! two buffers, u and scratch, that swap roles after each sweep.
! TODO: say what this kernel does differently and why it is in the race.
!
! The row-major grid u[i*ny + j] is declared u(0:ny-1, 0:nx-1), so u(j, i) is
! C's u[i][j] (see laplace_fortran.h); loops run i outer, j inner.
function {SYMBOL}(u, scratch, nx, ny, dx, dy, iters, omega, threads) &
        result(status) bind(c)
    use, intrinsic :: iso_c_binding, only: c_double, c_int, c_size_t
    implicit none
    integer(c_size_t), value, intent(in) :: nx, ny, iters
    real(c_double), value, intent(in) :: dx, dy, omega
    integer(c_int), value, intent(in) :: threads
    real(c_double), intent(inout) :: u(0:ny-1, 0:nx-1)
    real(c_double), intent(inout) :: scratch(0:ny-1, 0:nx-1)
    integer(c_int) :: status
    real(c_double) :: dx2, dy2
    integer(c_size_t) :: it

    ! Second line of defence; the Rust caller has checked all of this.
    if (nx < 3 .or. ny < 3 .or. .not. (dx > 0 .and. dy > 0)) then
        status = 1_c_int   ! LAPLACE_EINVAL
        return
    end if
    dx2 = dx * dx
    dy2 = dy * dy
    ! Both buffers carry the same boundary, so either can be the target.
    scratch = u
    do it = 1, iters
        if (mod(it, 2_c_size_t) == 1) then
            call sweep(u, scratch)
        else
            call sweep(scratch, u)
        end if
    end do
    ! After an odd number of sweeps the result is in scratch.
    if (mod(iters, 2_c_size_t) == 1) u = scratch
    status = 0_c_int   ! LAPLACE_OK
    ! Contract arguments this kernel does not need.
    if (.false.) status = int(omega, c_int) + threads

contains

    ! One sweep: every interior point of dst from its neighbours in src.
    subroutine sweep(src, dst)
        real(c_double), intent(in) :: src(0:ny-1, 0:nx-1)
        real(c_double), intent(inout) :: dst(0:ny-1, 0:nx-1)
        integer(c_size_t) :: i, j

        do i = 1, nx - 2
            do j = 1, ny - 2
                dst(j, i) = ((src(j, i + 1) + src(j, i - 1)) * dy2 &
                           + (src(j + 1, i) + src(j - 1, i)) * dx2) / (2.0_c_double * (dx2 + dy2))
            end do
        end do
    end subroutine sweep
end function {SYMBOL}
"#;

const FORTRAN_GAUSS_SEIDEL: &str = r#"! {NAME}: {SCHEME}, scaffolded by `cargo xtask new-kernel`: in place, do
! loops, i outer, j inner.
! TODO: say what this kernel does differently and why it is in the race.
!
! The row-major grid u[i*ny + j] is declared u(0:ny-1, 0:nx-1), so u(j, i) is
! C's u[i][j] (see laplace_fortran.h). The loops run i outer, j inner: the
! lexicographic Gauss-Seidel order of the reference, stride 1 inside.
function {SYMBOL}(u, scratch, nx, ny, dx, dy, iters, omega, threads) &
        result(status) bind(c)
    use, intrinsic :: iso_c_binding, only: c_double, c_int, c_size_t
    implicit none
    integer(c_size_t), value, intent(in) :: nx, ny, iters
    real(c_double), value, intent(in) :: dx, dy, omega
    integer(c_int), value, intent(in) :: threads
    real(c_double), intent(inout) :: u(0:ny-1, 0:nx-1)
    real(c_double), intent(inout) :: scratch(0:ny-1, 0:nx-1)
    integer(c_int) :: status
    real(c_double) :: dx2, dy2
    integer(c_size_t) :: it, i, j

    ! Second line of defence; the Rust caller has checked all of this.
    if (nx < 3 .or. ny < 3 .or. .not. (dx > 0 .and. dy > 0)) then
        status = 1_c_int   ! LAPLACE_EINVAL
        return
    end if
    dx2 = dx * dx
    dy2 = dy * dy
    do it = 1, iters
        do i = 1, nx - 2
            do j = 1, ny - 2
                u(j, i) = ((u(j, i + 1) + u(j, i - 1)) * dy2 &
                         + (u(j + 1, i) + u(j - 1, i)) * dx2) / (2.0_c_double * (dx2 + dy2))
            end do
        end do
    end do
    status = 0_c_int   ! LAPLACE_OK
    ! Contract arguments this kernel does not need.
    if (.false.) scratch(0, 0) = omega + threads
end function {SYMBOL}
"#;

const FORTRAN_RED_BLACK_SOR: &str = r#"! {NAME}: {SCHEME}, scaffolded by `cargo xtask new-kernel`: red points
! (i + j even), then black, each moved to u + omega * (gs - u), by stride-2
! half-sweeps over each row.
! TODO: say what this kernel does differently and why it is in the race.
!
! Storage as in laplace_fortran.h: u(j, i) is C's u[i][j].
function {SYMBOL}(u, scratch, nx, ny, dx, dy, iters, omega, threads) &
        result(status) bind(c)
    use, intrinsic :: iso_c_binding, only: c_double, c_int, c_size_t
    implicit none
    integer(c_size_t), value, intent(in) :: nx, ny, iters
    real(c_double), value, intent(in) :: dx, dy, omega
    integer(c_int), value, intent(in) :: threads
    real(c_double), intent(inout) :: u(0:ny-1, 0:nx-1)
    real(c_double), intent(inout) :: scratch(0:ny-1, 0:nx-1)
    integer(c_int) :: status
    real(c_double) :: dx2, dy2, old, gs
    integer(c_size_t) :: it, colour, i, j, first

    ! Second line of defence; the Rust caller has checked all of this.
    if (nx < 3 .or. ny < 3 .or. .not. (dx > 0 .and. dy > 0) &
            .or. .not. (omega > 0 .and. omega < 2)) then
        status = 1_c_int   ! LAPLACE_EINVAL
        return
    end if
    dx2 = dx * dx
    dy2 = dy * dy
    do it = 1, iters
        do colour = 0, 1
            do i = 1, nx - 2
                ! First interior j with mod(i + j, 2) == colour.
                first = 2 - merge(1_c_size_t, 0_c_size_t, mod(i + 1, 2_c_size_t) == colour)
                do j = first, ny - 2, 2
                    old = u(j, i)
                    gs = ((u(j, i + 1) + u(j, i - 1)) * dy2 &
                        + (u(j + 1, i) + u(j - 1, i)) * dx2) / (2.0_c_double * (dx2 + dy2))
                    u(j, i) = old + omega * (gs - old)
                end do
            end do
        end do
    end do
    status = 0_c_int   ! LAPLACE_OK
    ! Contract arguments this kernel does not need.
    if (.false.) scratch(0, 0) = threads
end function {SYMBOL}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

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
            for lang in Lang::ALL {
                fs::create_dir_all(dir.join(lang.dir())).unwrap();
                for e in fs::read_dir(ws.join(lang.dir())).unwrap() {
                    let p = e.unwrap().path();
                    if p.is_file() {
                        fs::copy(&p, dir.join(lang.dir()).join(p.file_name().unwrap())).unwrap();
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
        for lang in Lang::ALL {
            assert!(entries.iter().any(|e| e.lang == lang), "no {lang:?} entry");
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
            if let Some(header) = e.lang.header() {
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
        let one = render_entry(true, Lang::C, long.0, long.1, long.2, Some("x.c"), &[]);
        assert_eq!(one.lines().count(), 1, "{one}");
        let fmt = render_entry(false, Lang::C, long.0, long.1, long.2, Some("x.c"), &[]);
        assert_eq!(fmt.lines().count(), 6, "{fmt}");
        let short = render_entry(false, Lang::Rust, "rust/a", "Jacobi", "a", None, &[]);
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
            let scheme = Scheme::from_ident(&base.scheme).unwrap();
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
        ] {
            fx.run(&[name, "--scheme", scheme]).unwrap();
        }
        let registry = fx.read(REGISTRY);
        let entries = parse_registry(&registry).unwrap();
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        // Each new line closes its language's block.
        for (new, lang) in [
            ("rust/tiled", Lang::Rust),
            ("c/blocked", Lang::C),
            ("fortran/loop-2", Lang::Fortran),
        ] {
            let last = entries.iter().rfind(|e| e.lang == lang).unwrap();
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

        let rust = fx.read("crates/laplace-rust/src/kernels/tiled.rs");
        assert!(
            rust.starts_with("//! `rust/tiled`: red-black-sor"),
            "{rust}"
        );
        assert!(rust.contains("omega * (gs - old)"));
        let c = fx.read("c_kernels/blocked.c");
        assert!(c.contains("int laplace_c_blocked(double *u,"), "{c}");
        assert!(c.contains("memcpy(scratch, u,"), "{c}");
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
}
