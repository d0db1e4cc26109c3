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

/// Glob with `*` (any run), `?` (any one byte) and `[abc]` classes, in
/// time linear in the pattern times the name (a set of reachable positions
/// per pattern element; no backtracking, so `******z` is as quick as `*z`).
/// A `[` without its `]` matches nothing.
fn glob(p: &[u8], s: &[u8]) -> bool {
    // reach[k]: the pattern read so far can match s[..k].
    let mut reach = vec![false; s.len() + 1];
    reach[0] = true;
    let mut rest = p;
    while let Some((&c, tail)) = rest.split_first() {
        let one: Box<dyn Fn(u8) -> bool> = match c {
            b'*' => {
                // Every position at or after the first reachable one.
                if let Some(first) = reach.iter().position(|&r| r) {
                    reach[first..].fill(true);
                }
                rest = tail;
                continue;
            }
            b'?' => Box::new(|_| true),
            b'[' => match tail.iter().position(|&x| x == b']') {
                Some(end) => {
                    let class = &tail[..end];
                    rest = &tail[end + 1..];
                    Box::new(move |x| class.contains(&x))
                }
                None => return false,
            },
            lit => Box::new(move |x| x == lit),
        };
        if c != b'[' {
            rest = tail;
        }
        // One byte: position k+1 is reachable if k was and s[k] fits.
        for k in (0..s.len()).rev() {
            reach[k + 1] = reach[k] && one(s[k]);
        }
        reach[0] = false;
        if !reach.contains(&true) {
            return false;
        }
    }
    reach[s.len()]
}

/// The items whose names match any of `patterns` (all of them if none), in
/// their order. A pattern that matches nothing is an error naming close names;
/// so is an empty one (a substring of every name, it would select the whole
/// race: what `--kernels "$UNSET"` gives).
pub fn select<T>(
    items: &[T],
    name: impl Fn(&T) -> &str,
    patterns: &[String],
) -> Result<Vec<usize>, NoMatch> {
    for p in patterns {
        if p.trim().is_empty() || !items.iter().any(|k| matches(p, name(k))) {
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
        assert!(matches("*", ""));
        assert!(!matches("?", ""));
        assert!(!matches("[ab", "a"), "an unclosed class matches nothing");
        assert!(matches("c/*-*", "c/array-flat"));
        assert!(!matches("c/*-*", "c/array"));
        assert!(matches("*a*a*a*", "banana-a"));
    }

    /// Issue 15: `******************z` took over 30 s with backtracking.
    /// Timing belongs in benchmarks, so this counts work instead: the
    /// matcher's cost is one pass per pattern byte, which the answer for a
    /// long pattern against a long name shows by returning at all (a
    /// backtracking matcher would need about C(60, 30) steps here).
    #[test]
    fn many_stars_do_not_backtrack() {
        let name = "a".repeat(60);
        let pattern = format!("{}b", "*a".repeat(30));
        assert!(!matches(&pattern, &name));
        assert!(matches(&format!("{}a", "*".repeat(40)), &name));
        assert!(!matches(
            &format!("{}z", "*".repeat(18)),
            "rust/array-flat-recip"
        ));
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
        assert!(pick(&[""]).is_err());
        assert!(pick(&["c/loop", " "]).is_err());
    }

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("c/lop", "c/loop"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
