//! Choosing kernels by name: `--kernels PATTERN`, a substring or a glob.

use laplace_core::Kernel;
use thiserror::Error;

/// A pattern that matches no registered kernel.
#[derive(Debug, Error, PartialEq)]
#[error("no kernel matches `{pattern}`{}", hint(.close))]
pub struct NoMatch {
    /// The pattern given.
    pub pattern: String,
    /// Registered names close to it.
    pub close: Vec<&'static str>,
}

fn hint(close: &[&str]) -> String {
    if close.is_empty() {
        " (see `shootout list`)".into()
    } else {
        format!("; did you mean {}?", close.join(", "))
    }
}

/// Whether `name` matches `pattern`: a glob if it has `*`, `?` or `[`,
/// otherwise a substring.
pub fn matches(pattern: &str, name: &str) -> bool {
    if pattern.contains(['*', '?', '[']) {
        glob(pattern.as_bytes(), name.as_bytes())
    } else {
        name.contains(pattern)
    }
}

/// Glob with `*` (any run), `?` (any one byte) and `[abc]` classes.
fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|k| glob(rest, &s[k..])),
        Some((b'?', rest)) => !s.is_empty() && glob(rest, &s[1..]),
        Some((b'[', rest)) => match (rest.iter().position(|&c| c == b']'), s.first()) {
            (Some(end), Some(c)) => rest[..end].contains(c) && glob(&rest[end + 1..], &s[1..]),
            _ => false,
        },
        Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
    }
}

/// The kernels matching any of `patterns` (all of them if none), in registry
/// order. A pattern that matches nothing is an error naming close names.
pub fn select<'k>(kernels: &'k [Kernel], patterns: &[String]) -> Result<Vec<&'k Kernel>, NoMatch> {
    for p in patterns {
        if !kernels.iter().any(|k| matches(p, k.name)) {
            return Err(NoMatch {
                pattern: p.clone(),
                close: close_names(kernels, p),
            });
        }
    }
    Ok(kernels
        .iter()
        .filter(|k| patterns.is_empty() || patterns.iter().any(|p| matches(p, k.name)))
        .collect())
}

/// Up to three names within a small edit distance of `pattern`.
fn close_names(kernels: &[Kernel], pattern: &str) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = kernels
        .iter()
        .map(|k| (edit_distance(pattern, k.name), k.name))
        .filter(|&(d, name)| d <= name.len().max(pattern.len()) / 2)
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrings_and_globs() {
        assert!(matches("c/", "c/loop"));
        assert!(!matches("c/", "rust/loop"));
        assert!(matches("loop", "fortran/loop"));
        assert!(matches("*/array", "rust/array"));
        assert!(!matches("*/array", "rust/array-fastmath"));
        assert!(matches("*/array*", "rust/array-fastmath"));
        assert!(matches("[cr]*/loop", "c/loop"));
        assert!(matches("?/loop", "c/loop"));
        assert!(!matches("?/loop", "rust/loop"));
    }

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("c/lop", "c/loop"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
