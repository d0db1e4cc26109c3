//! The registry (`src/registry.rs`) read and edited as text.
//!
//! xtask reads the registry as text on purpose: it must build before
//! gfortran and libclang are installed, so it cannot link the kernel crates.
//! This is the only reader of the registry's text; the completeness test
//! reads the compiled registry instead.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use laplace_core::{LANGUAGES, Language};

/// The registry, relative to the workspace root.
pub const REGISTRY: &str = "src/registry.rs";

/// rustfmt's default `fn_call_width`: a macro call whose arguments, on one
/// line, are longer than this is written one argument per line.
const FN_CALL_WIDTH: usize = 60;

/// One `laplace_<lang>::kernel!(...)` invocation of the registry, as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its language.
    pub lang: &'static Language,
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
    for lang in LANGUAGES {
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

fn entry(lang: &'static Language, args: &[String], start: usize, end: usize) -> Result<Entry> {
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
    let wanted = if lang.foreign.is_none() { 3 } else { 4 };
    if positional.len() != wanted {
        bail!("expected {wanted} arguments before the named fields");
    }
    Ok(Entry {
        lang,
        name: unquote(positional[0]).context("the name is not a string literal")?,
        scheme: positional[1].clone(),
        ident: positional[2].clone(),
        source: match lang.foreign {
            None => None,
            Some(_) => Some(unquote(positional[3]).context("the source is not a string literal")?),
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
    lang: &Language,
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
pub fn insert_entry(text: &str, entries: &[Entry], lang: &Language, line: &str) -> Result<String> {
    let at = match entries
        .iter()
        .filter(|e| e.lang.name == lang.name)
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

/// `header` with `block` inserted after its last prototype (the last line
/// ending in `);`), so that it stays inside any `extern "C" { ... }`; in a
/// header with none, before its last `#endif`.
pub fn insert_prototype(header: &str, header_path: &str, block: &str) -> Result<String> {
    if let Some(k) = header.rfind(");\n") {
        let at = k + ");\n".len();
        return Ok(format!("{}\n{block}{}", &header[..at], &header[at..]));
    }
    let at = header
        .match_indices("#endif")
        .map(|(k, _)| k)
        .filter(|&k| k == 0 || header.as_bytes()[k - 1] == b'\n')
        .last()
        .with_context(|| format!("{header_path} has no closing #endif"))?;
    Ok(format!("{}{block}\n{}", &header[..at], &header[at..]))
}

/// Whether `ident` appears in `text` as a whole identifier.
pub fn mentions(text: &str, ident: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(ident).any(|(k, _)| {
        let before = text[..k].chars().next_back();
        let after = text[k + ident.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}
