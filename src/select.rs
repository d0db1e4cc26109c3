//! Choosing kernels by name: `--kernels PATTERN`, a substring, a glob, or an
//! exact name after `=`.

use thiserror::Error;

/// A pattern that matches no registered kernel.
#[derive(Debug, Error, PartialEq)]
#[error("no kernel matches `{pattern}`{}", hint(.close))]
pub struct NoMatch {
    /// The pattern given.
    pub pattern: String,
    /// Registered names close to it.
    pub close: Vec<String>,
}

fn hint(close: &[String]) -> String {
    if close.is_empty() {
        " (see `shootout list`)".into()
    } else {
        format!("; did you mean {}?", close.join(", "))
    }
}

/// Whether `name` matches `pattern`: exactly the name after a leading `=`
/// (`=c/array`, not `c/array-flat`), a glob if it has `*`, `?` or `[`,
/// otherwise a substring.
pub fn matches(pattern: &str, name: &str) -> bool {
    if let Some(exact) = pattern.strip_prefix('=') {
        name == exact
    } else if pattern.contains(['*', '?', '[']) {
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

/// The items whose names match any of `patterns` (all of them if none), in
/// their order. A pattern that matches nothing is an error naming close names.
pub fn select<T>(
    items: &[T],
    name: impl Fn(&T) -> &str,
    patterns: &[String],
) -> Result<Vec<usize>, NoMatch> {
    for p in patterns {
        if !items.iter().any(|k| matches(p, name(k))) {
            return Err(NoMatch {
                pattern: p.clone(),
                close: close_names(items.iter().map(&name), p),
            });
        }
    }
    Ok(items
        .iter()
        .enumerate()
        .filter(|(_, k)| patterns.is_empty() || patterns.iter().any(|p| matches(p, name(k))))
        .map(|(i, _)| i)
        .collect())
}

/// Up to three names within a small edit distance of `pattern`.
fn close_names<'n>(names: impl Iterator<Item = &'n str>, pattern: &str) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = names
        .map(|n| (edit_distance(pattern, n), n))
        .filter(|&(d, name)| d <= name.len().max(pattern.len()) / 2)
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_string())
        .collect()
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
        // `=` for one exact name.
        assert!(matches("=c/array", "c/array"));
        assert!(!matches("=c/array", "c/array-flat"));
        assert!(!matches("=c/arr", "c/array"));
        assert!(!matches("?/loop", "rust/loop"));
    }

    #[test]
    fn select_keeps_order_and_suggests() {
        let names = ["c/loop", "rust/loop", "rust/array"];
        let pick = |p: &[&str]| {
            let p: Vec<String> = p.iter().map(|s| s.to_string()).collect();
            select(&names, |n| n, &p)
        };
        assert_eq!(pick(&[]), Ok(vec![0, 1, 2]));
        assert_eq!(pick(&["rust/", "c/"]), Ok(vec![0, 1, 2]));
        assert_eq!(pick(&["array"]), Ok(vec![2]));
        let err = pick(&["rust/lop"]).unwrap_err();
        assert_eq!(err.close[0], "rust/loop");
    }

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("c/lop", "c/loop"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
