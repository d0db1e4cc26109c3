//! Reading the inputs: results documents and criterion's output folder.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use laplace_core::results::{ResultsDoc, SCHEMA_VERSION};
use laplace_core::text::{MAX_FIELD, bounded_text};
use serde::Deserialize;
use serde_json::Value;

use crate::ReportError;

/// Criterion's name for the group of the shootout's benches.
pub const BENCH_GROUP: &str = "laplace";

/// Folders deeper than this below the criterion folder are not searched
/// (criterion's own layout is four deep).
const MAX_DEPTH: usize = 16;

/// One criterion measurement: a kernel on one grid size.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchPoint {
    /// The `benchmark.json` it was read from.
    pub benchmark: PathBuf,
    /// Criterion's group id (`laplace` for the shootout's benches).
    pub group: String,
    /// Criterion's function id: the kernel name, e.g. `c/loop`.
    pub function: Option<String>,
    /// Criterion's value string: the grid size, e.g. `1000x1000`.
    pub value: Option<String>,
    /// Elements per routine call (criterion's `Throughput::Elements`):
    /// interior updates per call.
    pub elements: Option<u64>,
    /// Median time per routine call, nanoseconds.
    pub median_ns: f64,
}

impl BenchPoint {
    /// Million lattice updates per second at the median time, if the bench
    /// declared its throughput in elements and took a positive time.
    pub fn mlups(&self) -> Option<f64> {
        let n = self.elements? as f64;
        let secs = self.median_ns * 1e-9;
        let m = n / secs / 1e6;
        (secs > 0.0 && m.is_finite() && m > 0.0).then_some(m)
    }

    /// Rows and columns from the value string `NxM`.
    pub fn grid(&self) -> Option<(usize, usize)> {
        parse_grid(self.value.as_deref()?)
    }
}

/// `"1000x1000"` as `(1000, 1000)`.
pub(crate) fn parse_grid(s: &str) -> Option<(usize, usize)> {
    let (a, b) = s.trim().split_once(['x', 'X', '×'])?;
    let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a > 0 && b > 0).then_some((a, b))
}

/// Reads and checks one results document written by `shootout run --json`.
///
/// The error names the file and says whether it is missing, unreadable,
/// empty, corrupt (with line and column), of another schema version, or
/// lists no kernels.
pub fn load_results(path: &Path) -> Result<ResultsDoc, ReportError> {
    const WHAT: &str = "results file";
    let text = read_text(path, WHAT)?;
    let json_error = |problem, source| ReportError::Json {
        path: path.to_path_buf(),
        what: WHAT,
        problem,
        error: source,
    };
    // Syntax first, then the version, then the shape: a document of another
    // version is reported as such, not as a confusing missing field.
    let value: Value = serde_json::from_str(&text).map_err(|e| json_error("corrupt JSON", e))?;
    let found = match value.get("schema_version") {
        None => "missing".to_string(),
        Some(v) if v.as_u64() == Some(u64::from(SCHEMA_VERSION)) => String::new(),
        Some(v) => bounded_text(&v.to_string(), 40),
    };
    if !found.is_empty() {
        return Err(ReportError::Schema {
            path: path.to_path_buf(),
            found,
            expected: SCHEMA_VERSION,
        });
    }
    let doc: ResultsDoc =
        serde_json::from_str(&text).map_err(|e| json_error("not a results document", e))?;
    // Every string the document carries (kernel names, flags, compilers,
    // paths, errors, the machine's description) reaches the terminal, the
    // SVGs and the Markdown: control characters (NUL made an invalid SVG,
    // ESC recoloured the terminal) become spaces and each is bounded. (After
    // the typed parse, whose errors name a line and column.)
    let mut value =
        serde_json::to_value(&doc).map_err(|e| json_error("not a results document", e))?;
    clean_strings(&mut value);
    let mut doc: ResultsDoc =
        serde_json::from_value(value).map_err(|e| json_error("not a results document", e))?;
    // Documents written before `bound_exceeded` existed get it by the same
    // rule the runner applies; for newer ones this changes nothing.
    for r in &mut doc.results {
        r.bound_exceeded |= r.exceeds_bound();
    }
    // Likewise the clock check, from the probe's own FMA latency.
    if let Some(p) = &mut doc.probe {
        p.clock_check = p.clock_check_or_derived();
    }
    if doc.results.is_empty() {
        return Err(ReportError::NoKernels {
            path: path.to_path_buf(),
        });
    }
    for r in &doc.results {
        if let Some(problem) = impossible_times(r) {
            return Err(ReportError::ImpossibleTimes {
                path: path.to_path_buf(),
                kernel: r.kernel.clone(),
                problem,
            });
        }
    }
    Ok(doc)
}

/// What is impossible about a result's times, if anything: a time that is
/// not finite and positive, or best > median > max out of order.
fn impossible_times(r: &laplace_core::results::KernelResult) -> Option<String> {
    let times = [
        ("best_s", r.best_s),
        ("median_s", r.median_s),
        ("max_s", r.max_s),
    ];
    for (name, t) in times {
        if let Some(t) = t
            && !(t.is_finite() && t > 0.0)
        {
            return Some(format!("{name} = {t}, not a time"));
        }
    }
    if let (Some(best), Some(median), Some(max)) = (r.best_s, r.median_s, r.max_s)
        && !(best <= median && median <= max)
    {
        return Some(format!(
            "best_s {best} <= median_s {median} <= max_s {max} does not hold"
        ));
    }
    None
}

/// Reads every measurement under criterion's output folder: each
/// `<...>/new/benchmark.json` with the `estimates.json` beside it.
///
/// Ids come from `benchmark.json` (group, function, value, throughput),
/// never from folder names. A `benchmark.json` without its `estimates.json`
/// is an error naming the missing file. Points are sorted by path.
pub fn load_criterion(dir: &Path) -> Result<Vec<BenchPoint>, ReportError> {
    const WHAT: &str = "criterion folder";
    match fs::metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ReportError::Missing {
                path: dir.to_path_buf(),
                what: WHAT,
            });
        }
        Err(source) => {
            return Err(ReportError::Read {
                path: dir.to_path_buf(),
                what: WHAT,
                error: source,
            });
        }
        Ok(m) if !m.is_dir() => {
            return Err(ReportError::NotAFolder {
                path: dir.to_path_buf(),
                what: WHAT,
            });
        }
        Ok(_) => {}
    }
    let mut found = Vec::new();
    walk(dir, 0, &mut found)?;
    found.sort();
    found.iter().map(|b| read_point(b)).collect()
}

/// Collects every `new/benchmark.json` below `dir`, not following links.
fn walk(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) -> Result<(), ReportError> {
    let read_err = |source| ReportError::Read {
        path: dir.to_path_buf(),
        what: "criterion folder",
        error: source,
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let kind = entry.file_type().map_err(read_err)?;
        entries.push((entry.path(), kind));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, kind) in entries {
        if kind.is_dir() {
            if path.file_name().is_some_and(|n| n == "new") {
                let bench = path.join("benchmark.json");
                if bench.is_file() {
                    found.push(bench);
                }
            } else if depth < MAX_DEPTH {
                walk(&path, depth + 1, found)?;
            }
        }
    }
    Ok(())
}

/// `benchmark.json`, as criterion 0.8 writes it (a `BenchmarkId`).
#[derive(Deserialize)]
struct CriterionId {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
    /// `{"Elements": n}`, `{"Bytes": n}`, ... or `null`; read loosely so that a
    /// new throughput kind does not make the whole folder unreadable.
    throughput: Option<Value>,
}

/// The part of `estimates.json` this report uses.
#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

fn read_point(bench: &Path) -> Result<BenchPoint, ReportError> {
    let estimates = bench.with_file_name("estimates.json");
    if !estimates.is_file() {
        return Err(ReportError::MissingEstimates {
            path: estimates,
            benchmark: bench.to_path_buf(),
        });
    }
    let id: CriterionId = read_json(bench, "criterion benchmark.json")?;
    let est: Estimates = read_json(&estimates, "criterion estimates.json")?;
    let elements = id.throughput.as_ref().and_then(|t| {
        t.get("Elements")
            .or_else(|| t.get("ElementsAndBytes").and_then(|e| e.get("elements")))
            .and_then(Value::as_u64)
    });
    Ok(BenchPoint {
        benchmark: bench.to_path_buf(),
        group: id.group_id,
        function: id.function_id,
        value: id.value_str,
        elements,
        median_ns: est.median.point_estimate,
    })
}

fn read_json<T: for<'de> Deserialize<'de>>(
    path: &Path,
    what: &'static str,
) -> Result<T, ReportError> {
    let text = read_text(path, what)?;
    serde_json::from_str(&text).map_err(|source| ReportError::Json {
        path: path.to_path_buf(),
        what,
        problem: if source.is_data() {
            "unexpected content"
        } else {
            "corrupt JSON"
        },
        error: source,
    })
}

/// The file as text; missing, unreadable and empty files are errors.
fn read_text(path: &Path, what: &'static str) -> Result<String, ReportError> {
    let text = fs::read_to_string(path).map_err(|source| {
        if source.kind() == io::ErrorKind::NotFound {
            ReportError::Missing {
                path: path.to_path_buf(),
                what,
            }
        } else {
            ReportError::Read {
                path: path.to_path_buf(),
                what,
                error: source,
            }
        }
    })?;
    if text.trim().is_empty() {
        return Err(ReportError::Empty {
            path: path.to_path_buf(),
            what,
        });
    }
    Ok(text)
}

/// Every string in `value`, keys included, through [`bounded_text`] with
/// [`MAX_FIELD`] characters.
fn clean_strings(value: &mut Value) {
    match value {
        Value::String(s) => {
            if s.len() > MAX_FIELD || s.chars().any(char::is_control) {
                *s = bounded_text(s, MAX_FIELD);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean_strings),
        Value::Object(map) => {
            let dirty = map
                .keys()
                .any(|k| k.len() > MAX_FIELD || k.chars().any(char::is_control));
            if dirty {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(k, v)| (bounded_text(&k, MAX_FIELD), v))
                    .collect();
            }
            map.values_mut().for_each(clean_strings);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_sizes_parse() {
        assert_eq!(parse_grid("100x100"), Some((100, 100)));
        assert_eq!(parse_grid("4000X2000"), Some((4000, 2000)));
        assert_eq!(parse_grid("0x3"), None);
        assert_eq!(parse_grid("big"), None);
    }

    #[test]
    fn mlups_needs_elements_and_a_positive_time() {
        let p = BenchPoint {
            benchmark: PathBuf::new(),
            group: BENCH_GROUP.into(),
            function: Some("c/loop".into()),
            value: Some("100x100".into()),
            elements: Some(9604),
            median_ns: 9604.0,
        };
        assert!((p.mlups().unwrap() - 1000.0).abs() < 1e-9);
        assert_eq!(
            BenchPoint {
                median_ns: 0.0,
                ..p.clone()
            }
            .mlups(),
            None
        );
        assert_eq!(
            BenchPoint {
                elements: None,
                ..p
            }
            .mlups(),
            None
        );
    }

    #[test]
    fn impossible_times_are_named() {
        let json = r#"{"kernel":"c/array","language":"c","form":"array","scheme":"jacobi",
            "flags":"cc -O3","compiler":"gcc","verified":true,"tolerance":1e-12,
            "best_s":0.5,"median_s":0.6,"max_s":0.7}"#;
        let ok: laplace_core::results::KernelResult = serde_json::from_str(json).unwrap();
        assert_eq!(impossible_times(&ok), None);
        let with = |f: fn(&mut laplace_core::results::KernelResult)| {
            let mut r = ok.clone();
            f(&mut r);
            impossible_times(&r).expect("refused")
        };
        assert!(with(|r| r.best_s = Some(0.0)).contains("best_s = 0"));
        assert!(with(|r| r.median_s = Some(-1.0)).contains("median_s = -1"));
        assert!(with(|r| r.max_s = Some(f64::INFINITY)).contains("max_s = inf"));
        assert!(with(|r| r.best_s = Some(0.9)).contains("does not hold"));
    }
}
