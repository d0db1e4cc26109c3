//! `cargo xtask new-kernel <language/form> --scheme <scheme>`: scaffolds a new
//! kernel that passes verification as generated.
//!
//! The new source is a copy of the language's seed kernel of that scheme
//! (`Language::seeds` in `laplace_core::LANGUAGES`: `c/array` for Jacobi,
//! `c/loop` for Gauss-Seidel, `c/redblack` for red-black SOR, and likewise
//! in every language) with its name and symbol replaced. The seeds are
//! kernels of the race, verified and benchmarked like any other, so the
//! scaffolder has no templates to keep current; `tests/scaffold.rs` builds
//! and verifies a scaffolded kernel of every language and scheme.
//!
//! It then adds the prototype to the language's header (foreign languages)
//! and the registration line to `src/registry.rs`, after the last line of
//! that language. Nothing else is needed: the registry is what the command
//! line, the tests, the benches and the report iterate.
//!
//! A name ending in `-fastmath` (foreign languages) scaffolds the fast-math
//! variant of an existing kernel instead: a wrapper that renames the symbol
//! and `#include`s the base source, which the build compiles with
//! `-ffast-math`, registered with the fast-math tolerance.
//!
//! Everything is checked before anything is written: a malformed name, an
//! unknown language or scheme, a kernel, symbol or file that already exists is
//! an error and leaves the tree untouched.

mod registry_text;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use laplace_core::{KernelName, Language, Scheme};

pub use registry_text::{
    Entry, REGISTRY, insert_entry, insert_prototype, mentions, one_line_style, parse_registry,
    prototype, render_entry,
};

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
            eprintln!("{}", usage());
            return Ok(());
        } else if arg.starts_with('-') {
            bail!("unknown option `{arg}`\n\n{}", usage());
        } else if name.is_some() {
            bail!("one kernel at a time (got `{arg}` too)\n\n{}", usage());
        } else {
            name = Some(arg.clone());
        }
    }
    let name = name.with_context(|| format!("which kernel?\n\n{}", usage()))?;
    let scheme = scheme.as_deref().map(parse_scheme).transpose()?;
    let plan = plan(root, &name, scheme)?;
    plan.apply(root)?;
    println!("{}", plan.summary(root));
    Ok(())
}

/// The usage text of the command.
pub fn usage() -> String {
    format!(
        "usage: cargo xtask new-kernel <language/form> --scheme <jacobi|gauss-seidel|red-black-sor>\n\
         \n  language: {}; form: lower-case letters, digits and '-'\n  \
         e.g. cargo xtask new-kernel c/blocked --scheme gauss-seidel\n  \
         <language>/<base>-fastmath (not rust) scaffolds the -ffast-math variant of <language>/<base>",
        Language::names()
    )
}

fn parse_scheme(s: &str) -> Result<Scheme> {
    Scheme::from_name(s).with_context(|| {
        format!("unknown scheme `{s}`: one of jacobi, gauss-seidel, red-black-sor")
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

/// Checks `language/form[-variant]` (the one rule, [`KernelName`]) and finds
/// the compiled language.
fn parse_name(name: &str) -> Result<(&'static Language, &str)> {
    let parsed = KernelName::parse(name)?;
    let lang = Language::find(parsed.language).with_context(|| {
        format!(
            "unknown language `{}`: one of {}; a kernel in any other language is an \
             external kernel (docs/external-kernels.md)",
            parsed.language,
            Language::names()
        )
    })?;
    Ok((lang, parsed.form))
}

/// What the scaffolder will write: new files and edited files, with their
/// full new contents.
#[derive(Debug)]
pub struct Plan {
    /// The kernel's name.
    pub name: String,
    /// Its scheme.
    pub scheme: Scheme,
    /// The kernel it was copied from, if any.
    pub seed: Option<String>,
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
    let ident = lang.entry_point(form);
    let fastmath_base = form.strip_suffix("-fastmath");
    check_form(lang, name, form, &ident, fastmath_base)?;
    let file_name = lang.file_name(form);
    let source = format!("{}/{file_name}", lang.dir);
    if root.join(&source).exists() {
        bail!("{source} already exists");
    }
    if let Some(e) = entries.iter().find(|e| e.lang == lang && e.ident == ident) {
        bail!(
            "`{ident}` is already registered in {REGISTRY}, as `{}`",
            e.name
        );
    }

    // The fast-math variant of an existing kernel, or a copy of the seed.
    let (scheme, contents, fields, seed) = if let Some(base) = fastmath_base {
        let base_name = format!("{}/{base}", lang.name);
        let base = entries
            .iter()
            .find(|e| e.name == base_name)
            .with_context(|| {
                format!("`{name}` is the fast-math variant of `{base_name}`, which is not registered: scaffold that first")
            })?;
        let base_scheme = Scheme::from_variant_name(&base.scheme)
            .with_context(|| format!("`{base_name}` has an unknown scheme `{}`", base.scheme))?;
        if let Some(s) = scheme.filter(|&s| s != base_scheme) {
            bail!("`{name}` runs the scheme of `{base_name}`, {base_scheme}, not {s}");
        }
        let base_source = base.source.as_deref().unwrap_or_default();
        let text = fastmath_wrapper(lang, name, &base.ident, &ident, base_source);
        let fields = fastmath_fields(&registry, base, base_scheme);
        (base_scheme, text, fields, None)
    } else {
        let scheme =
            scheme.context("--scheme is required: jacobi, gauss-seidel or red-black-sor")?;
        let (seed, text) = copy_seed(root, &entries, lang, scheme, name, &ident)?;
        (scheme, text, Vec::new(), Some(seed))
    };

    let mut edit = Vec::new();
    if let Some(header_path) = lang.header_path() {
        let header = read(root, &header_path)?;
        if mentions(&header, &ident) {
            bail!("{header_path} already declares `{ident}`");
        }
        let what = match fastmath_base {
            Some(base) => format!("{} compiled with -ffast-math", lang.file_name(base)),
            None => scheme.to_string(),
        };
        let block = format!(
            "/* {name}: {what} ({file_name}). */\n{}\n",
            prototype(&ident)
        );
        let new = insert_prototype(&header, &header_path, &block)?;
        edit.push((header_path, header, new));
    }
    let line = render_entry(
        one_line_style(&registry),
        lang,
        name,
        scheme.variant_name(),
        &ident,
        lang.foreign.is_some().then_some(file_name.as_str()),
        &fields,
    );
    let new_registry = insert_entry(&registry, &entries, lang, &line)?;
    edit.push((REGISTRY.to_string(), registry, new_registry));
    Ok(Plan {
        name: name.to_string(),
        scheme,
        seed,
        create: vec![(source, contents)],
        edit,
    })
}

/// The checks of a form that depend on its language.
fn check_form(
    lang: &Language,
    name: &str,
    form: &str,
    ident: &str,
    fastmath_base: Option<&str>,
) -> Result<()> {
    let rust = lang.foreign.is_none();
    if form.contains("fastmath") && (rust || fastmath_base.is_none_or(|b| b.contains("fastmath"))) {
        bail!(
            "`{name}`: \"fastmath\" is reserved for `<base>-fastmath` variants of kernels in \
             compiled foreign languages (the build adds -ffast-math to every source whose name \
             contains it)"
        )
    }
    if rust && ident.starts_with(|c: char| c.is_ascii_digit()) {
        bail!(
            "`{name}`: a Rust kernel's module is its form, `{ident}`, which must start with a letter"
        )
    }
    if rust && RUST_KEYWORDS.contains(&ident) {
        bail!(
            "`{name}`: `{ident}` is a Rust keyword and cannot name the kernel's module; \
             pick another form"
        )
    }
    if let Some(max) = lang.foreign.and_then(|f| f.max_symbol_len)
        && ident.len() > max
    {
        bail!(
            "`{name}`: the {} symbol `{ident}` is longer than {max} characters",
            lang.title
        )
    }
    Ok(())
}

/// The seed kernel of `scheme` in `lang`, copied as the kernel `name` with
/// entry point `ident`: the seed's name in its first comment becomes
/// `name (scaffolded from <seed>)`, and its symbol (foreign languages)
/// becomes `ident` wherever it stands as a whole identifier.
fn copy_seed(
    root: &Path,
    entries: &[Entry],
    lang: &Language,
    scheme: Scheme,
    name: &str,
    ident: &str,
) -> Result<(String, String)> {
    let k = Scheme::ALL.iter().position(|&s| s == scheme).unwrap();
    let seed_name = format!("{}/{}", lang.name, lang.seeds[k]);
    let seed = entries
        .iter()
        .find(|e| e.name == seed_name)
        .with_context(|| {
            format!(
                "the seed kernel of {scheme} in {}, `{seed_name}`, is not registered",
                lang.title
            )
        })?;
    let seed_file = match &seed.source {
        Some(file) => file.clone(),
        None => format!("{}.{}", seed.ident, lang.ext),
    };
    let text = read(root, &format!("{}/{seed_file}", lang.dir))?;
    let Some(at) = text.find(&seed_name) else {
        bail!(
            "{}/{seed_file} does not name itself (`{seed_name}`) in its first comment",
            lang.dir
        );
    };
    // After the name, or after the backquote that closes it.
    let mut end = at + seed_name.len();
    let quoted = text[end..].starts_with('`');
    end += usize::from(quoted);
    let mut text = format!(
        "{}{name}{} (scaffolded from {seed_name}){}",
        &text[..at],
        if quoted { "`" } else { "" },
        &text[end..]
    );
    if lang.foreign.is_some() {
        text = replace_ident(&text, &seed.ident, ident);
    }
    Ok((seed_name, text))
}

/// `text` with every whole-identifier `from` replaced by `to`.
fn replace_ident(text: &str, from: &str, to: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (k, _) in text.match_indices(from) {
        let before = text[..k].chars().next_back();
        let after = text[k + from.len()..].chars().next();
        if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
            out.push_str(&text[last..k]);
            out.push_str(to);
            last = k + from.len();
        }
    }
    out.push_str(&text[last..]);
    out
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
        let mut s = format!("scaffolded {} ({}):\n", self.name, self.scheme);
        for (rel, _) in &self.create {
            writeln!(s, "  created {}", root.join(rel).display()).unwrap();
        }
        for (rel, _, _) in &self.edit {
            writeln!(s, "  edited  {}", root.join(rel).display()).unwrap();
        }
        match &self.seed {
            Some(seed) => writeln!(
                s,
                "\nThe source is a copy of {seed}, a verified kernel: it already passes verification."
            ),
            None => writeln!(
                s,
                "\nThe source includes its base kernel: it already passes verification."
            ),
        }
        .unwrap();
        s.push_str(
            "Next: make it the kernel you meant (keep the comment at the top true), then\n  \
             cargo run --release --bin shootout -- verify --kernels =",
        );
        s.push_str(&self.name);
        s.push_str(
            "   # against the reference, above your block size\n  cargo xtask run -- --kernels =",
        );
        s.push_str(&self.name);
        s.push_str("\nSee CONTRIBUTING.md for what a reviewer checks.");
        s
    }
}

fn read(root: &Path, rel: &str) -> Result<String> {
    fs::read_to_string(root.join(rel)).with_context(|| format!("cannot read {rel}"))
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
        .replace("ChainDivideFma", "ChainReciprocal")
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
fn fastmath_wrapper(
    lang: &Language,
    name: &str,
    base_symbol: &str,
    symbol: &str,
    base: &str,
) -> String {
    let c = lang.line_comment;
    format!(
        "{c} {name}: {base}, the same source, compiled with -ffast-math (the\n\
         {c} build adds it to every kernel source whose name contains \"fastmath\").\n\
         #define {base_symbol} {symbol}\n\
         #include \"{base}\"\n"
    )
}
