//! Fuzzing the results-document loader (`load_results`, what `shootout
//! report` reads a results file with) and the report drawn from what it
//! accepts: arbitrary bytes; real documents (the fixtures and
//! `reports/machines/`) damaged byte by byte (flipped, inserted, deleted,
//! cut off, spans repeated); and real documents with values replaced by
//! hostile ones (zero, negative, subnormal, huge, out of range, NaN and
//! Infinity literals; empty, 70 KB, NUL/ESC/newline/`|` strings; `null`,
//! wrong types, deep nesting, big arrays; thread sweeps, external runs and
//! CPU signatures holding such numbers), fields removed, added and
//! repeated, entries duplicated.
//!
//! The properties: the loader returns `Ok` or an error, never panics, never
//! allocates more than a small multiple of the file's size, and what it
//! accepts lists a kernel and has no impossible time; `render` of an
//! accepted document returns `Ok` or an error, never panics.
//!
//! A plain `cargo test` runs a modest number of cases (`PROPTEST_CASES`
//! sets how many); `cargo xtask fuzz [--seconds N]` runs batches until
//! `SHOOTOUT_FUZZ_SECONDS` have passed.

#[path = "../../laplace-core/tests/fuzzing/mod.rs"]
mod fuzzing;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use fuzzing::{fuzz, peak_during};
use laplace_core::results::ResultsDoc;
use laplace_report::{Input, load_results, render};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::Value;

/// The seeds, as text: this crate's fixtures, and the committed report's
/// documents in `reports/machines/` (newer fields: external kernels,
/// unavailable ones, CPU signatures, clock checks).
fn fixtures() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths: Vec<PathBuf> = [
            "results-arm.json",
            "results-x86-1000.json",
            "results-x86.json",
        ]
        .iter()
        .map(|name| here.join("tests/fixtures").join(name))
        .collect();
        let mut machines: Vec<PathBuf> = fs::read_dir(here.join("../../reports/machines"))
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default();
        machines.sort();
        paths.extend(machines);
        paths
            .iter()
            .map(|path| {
                fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            })
            .collect()
    })
}

/// A seed, by index (modulo their count).
fn fixture(k: usize) -> String {
    let all = fixtures();
    all[k % all.len()].clone()
}

/// The most the loader may allocate for a file of `len` bytes: the text,
/// its `serde_json::Value` (up to 32 bytes a node, twice over while a `Vec`
/// grows: `[0,0,...]` is a node every 2 bytes) and the typed document.
fn allowance(len: usize) -> usize {
    48 * len + (4 << 20)
}

/// A scratch folder for one property's files.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// Writes `bytes` to `path`, loads it, and checks what the loader promises.
fn check_load(path: &Path, bytes: &[u8]) -> Result<Option<ResultsDoc>, TestCaseError> {
    fs::write(path, bytes).expect("writing the scratch file");
    let (out, peak) = peak_during(|| load_results(path));
    prop_assert!(
        peak <= allowance(bytes.len()),
        "loading {} bytes allocated {peak} bytes at once",
        bytes.len()
    );
    let doc = match out {
        Err(e) => {
            // The error is displayable, and names the file.
            let message = e.to_string();
            prop_assert!(message.contains(&path.display().to_string()), "{message}");
            return Ok(None);
        }
        Ok(doc) => doc,
    };
    prop_assert!(
        !doc.results.is_empty(),
        "accepted a document with no kernels"
    );
    for r in &doc.results {
        let times = [r.best_s, r.median_s, r.max_s];
        for t in times.into_iter().flatten() {
            prop_assert!(t.is_finite() && t > 0.0, "{}: accepted time {t}", r.kernel);
        }
        if let [Some(best), Some(median), Some(max)] = times {
            prop_assert!(
                best <= median && median <= max,
                "{}: accepted {best} {median} {max}",
                r.kernel
            );
        }
    }
    Ok(Some(doc))
}

/// Renders the report of `docs` (already written) into a fresh folder
/// under `dir`; an error is fine, a panic is not (proptest reports it).
fn check_render(dir: &Path, docs: Vec<PathBuf>) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let out = dir.join(format!("report-{}", NEXT.fetch_add(1, Ordering::Relaxed)));
    let _ = render(&Input {
        results: docs,
        criterion: None,
        out: out.clone(),
    });
    let _ = fs::remove_dir_all(&out);
}

/// One way to damage the bytes of a document.
#[derive(Debug, Clone)]
enum Damage {
    Flip { at: usize, bits: u8 },
    Set { at: usize, byte: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
    Repeat { at: usize, len: usize },
    Truncate { at: usize },
}

/// ASCII, mostly bytes that mean something in JSON (`any::<u8>()` and
/// [`Damage::Flip`] make what is not UTF-8).
fn json_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        1 => any::<u8>().prop_map(|b| b & 0x7f),
        6 => prop::sample::select(b"{}[]\":,0123456789.eE+-ntfu\\ \n\x00\x1b".to_vec()),
    ]
}

fn damage() -> impl Strategy<Value = Damage> {
    let at = any::<usize>();
    prop_oneof![
        1 => (at, 1u8..=255).prop_map(|(at, bits)| Damage::Flip { at, bits }),
        3 => (at, json_byte()).prop_map(|(at, byte)| Damage::Set { at, byte }),
        3 => (at, prop::collection::vec(json_byte(), 1..12))
            .prop_map(|(at, bytes)| Damage::Insert { at, bytes }),
        2 => (at, 1usize..200).prop_map(|(at, len)| Damage::Delete { at, len }),
        1 => (at, 1usize..400).prop_map(|(at, len)| Damage::Repeat { at, len }),
        1 => at.prop_map(|at| Damage::Truncate { at }),
    ]
}

fn apply(bytes: &mut Vec<u8>, damage: &Damage) {
    let n = bytes.len();
    if n == 0 {
        return;
    }
    match damage {
        Damage::Flip { at, bits } => bytes[at % n] ^= bits,
        Damage::Set { at, byte } => bytes[at % n] = *byte,
        Damage::Insert { at, bytes: new } => {
            let at = at % (n + 1);
            bytes.splice(at..at, new.iter().copied());
        }
        Damage::Delete { at, len } => {
            let at = at % n;
            bytes.drain(at..(at + len).min(n));
        }
        Damage::Repeat { at, len } => {
            let at = at % n;
            let span = bytes[at..(at + len).min(n)].to_vec();
            bytes.splice(at..at, span);
        }
        Damage::Truncate { at } => bytes.truncate(at % (n + 1)),
    }
}

/// Numbers as JSON text, including what JSON or the fields' types cannot
/// hold.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-0.0",
    "1",
    "-1",
    "2",
    "3",
    "0.5",
    "-0.5",
    "5e-324",
    "1e-300",
    "1e300",
    "1e308",
    "1.7976931348623157e308",
    "1e309",
    "-1e309",
    "1e999999999",
    "4294967296",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "123456789012345678901234567890",
    "NaN",
    "Infinity",
    "-Infinity",
];

/// Strings a kernel or a hand-edited file could hold.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            " ",
            "\0",
            "\u{1b}[2J\u{1b}[31m",
            "a|b|c",
            "line\nbreak\r\n",
            "<svg onload=alert(1)>&amp;</svg>",
            "**bold** [link](javascript:x) `code`",
            "\u{202e}rtl\u{200b}",
            "../../etc/passwd",
            "NaN",
            "c/array",
            "rust/loop",
            "gauss-seidel",
            "jacobi",
            "red-black-sor",
        ])
        .prop_map(str::to_string),
        (1usize..70_000).prop_map(|n| "x".repeat(n)),
        (1usize..2_000).prop_map(|n| "💥|\n".repeat(n)),
        any::<String>(),
    ]
}

/// A replacement for one value, as JSON text.
fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(NUMBERS).prop_map(str::to_string),
        2 => any::<f64>().prop_filter("JSON number", |x| x.is_finite()).prop_map(|x| format!("{x:e}")),
        2 => any::<i64>().prop_map(|x| x.to_string()),
        4 => hostile_string().prop_map(|s| Value::String(s).to_string()),
        1 => prop::sample::select(vec!["null", "true", "false", "[]", "{}", "[null]", "{\"\":0}"])
            .prop_map(str::to_string),
        1 => (1usize..300).prop_map(|d| format!("{}0{}", "[".repeat(d), "]".repeat(d))),
        1 => (1usize..20_000).prop_map(|n| format!("[{}0]", "0,".repeat(n))),
        2 => structured(),
    ]
}

/// Objects of the document's own shapes with hostile numbers in them: a
/// thread sweep, an external run, a CPU signature.
fn structured() -> impl Strategy<Value = String> {
    let n = || prop::sample::select(NUMBERS);
    prop_oneof![
        prop::collection::vec((n(), n(), n(), n()), 0..4).prop_map(|points| {
            let points: Vec<String> = points
                .iter()
                .map(|(t, b, m, u)| {
                    format!(r#"{{"threads": {t}, "best_s": {b}, "median_s": {m}, "mlups": {u}}}"#)
                })
                .collect();
            format!("[{}]", points.join(", "))
        }),
        (n(), any::<bool>(), n(), n()).prop_map(|(sweeps, extrapolated, inv, process)| {
            format!(
                r#"{{"manifest": "m.toml", "command": "python3 {{grid}}", "sweeps_run": {sweeps},
                "extrapolated": {extrapolated}, "invocations": {inv}, "process_median_s": {process}}}"#
            )
        }),
        (n(), n(), n()).prop_map(|(family, model, stepping)| {
            format!(
                r#"{{"vendor": "GenuineIntel", "family": {family}, "model": {model},
                "stepping": {stepping}}}"#
            )
        }),
    ]
}

/// One change to a document's values.
#[derive(Debug, Clone)]
enum Edit {
    /// The `at`-th node (depth first, modulo their count) becomes `text`.
    Replace { at: usize, text: String },
    /// The `at`-th node is removed from its object or array.
    Remove { at: usize },
    /// The `at`-th node, if in an array, appears twice.
    Duplicate { at: usize },
    /// The `at`-th node, if an object, gains `key` (perhaps one it has).
    AddKey {
        at: usize,
        key: String,
        text: String,
    },
}

/// Keys a document has, and some it has not.
fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "best_s",
        "median_s",
        "max_s",
        "mlups",
        "kernel",
        "scheme",
        "verified",
        "unavailable",
        "external",
        "thread_scaling",
        "cost",
        "percent_of_bound",
        "baseline",
        "probe",
        "schema_version",
        "clock_check",
        "cpu_signature",
        "unknown_field",
        "",
    ])
    .prop_map(str::to_string)
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<usize>();
    prop_oneof![
        8 => (at, hostile_value()).prop_map(|(at, text)| Edit::Replace { at, text }),
        2 => at.prop_map(|at| Edit::Remove { at }),
        1 => at.prop_map(|at| Edit::Duplicate { at }),
        2 => (at, key(), hostile_value()).prop_map(|(at, key, text)| Edit::AddKey { at, key, text }),
    ]
}

/// Edits that keep a document's shape: leaves only, a number for a number
/// (any number), a string for a string, `null` for anything. Most such
/// documents still load, so these reach the report.
fn leaf_edit() -> impl Strategy<Value = Edit> {
    (
        any::<usize>(),
        prop::sample::select(NUMBERS),
        hostile_string(),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(at, number, string, null)| Edit::Replace {
            at,
            // Resolved against the node's kind in `edit_document`.
            text: if null {
                "null".to_string()
            } else {
                format!("{number}\u{0}{}", Value::String(string))
            },
        })
}

/// The JSON pointer of every node of `v`, depth first.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let k = k.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// `text` and its hostile JSON texts (`placeholders`), substituted after
/// serialising: JSON values cannot hold NaN or out-of-range numbers.
fn placeholder(text: &str, placeholders: &mut Vec<String>) -> Value {
    placeholders.push(text.to_string());
    Value::String(format!("@@fuzz-{}@@", placeholders.len() - 1))
}

/// `doc` (JSON text) with `edits` applied, as JSON text.
fn edit_document(doc: &str, edits: &[Edit]) -> String {
    let mut v: Value = serde_json::from_str(doc).expect("fixtures are JSON");
    let mut texts = Vec::new();
    for e in edits {
        let mut all = Vec::new();
        pointers(&v, String::new(), &mut all);
        let at = match e {
            Edit::Replace { at, .. }
            | Edit::Remove { at }
            | Edit::Duplicate { at }
            | Edit::AddKey { at, .. } => all[at % all.len()].clone(),
        };
        let (parent, last) = at.rsplit_once('/').unwrap_or(("", ""));
        match e {
            Edit::Replace { text, .. } => {
                let node = v.pointer_mut(&at).expect("a pointer from the walk");
                let text = match text.split_once('\u{0}') {
                    // A leaf edit: a number for a number, a string for a string.
                    Some((number, string)) => match node {
                        Value::Number(_) => number.to_string(),
                        Value::String(_) => string.to_string(),
                        _ => continue,
                    },
                    None => text.clone(),
                };
                *node = placeholder(&text, &mut texts);
            }
            Edit::Remove { .. } | Edit::Duplicate { .. } => {
                let dup = matches!(e, Edit::Duplicate { .. });
                match v.pointer_mut(parent) {
                    Some(Value::Object(m)) if !dup => {
                        let key = last.replace("~1", "/").replace("~0", "~");
                        m.remove(&key);
                    }
                    Some(Value::Array(a)) => {
                        let i: usize = last.parse().expect("an index");
                        if dup {
                            let copy = a[i].clone();
                            a.insert(i, copy);
                        } else {
                            a.remove(i);
                        }
                    }
                    _ => {}
                }
            }
            Edit::AddKey { key, text, .. } => {
                if let Some(Value::Object(_)) = v.pointer(&at) {
                    let value = placeholder(text, &mut texts);
                    if let Some(Value::Object(m)) = v.pointer_mut(&at) {
                        m.insert(key.clone(), value);
                    }
                }
            }
        }
    }
    let mut out = serde_json::to_string_pretty(&v).expect("serialising");
    for (k, text) in texts.iter().enumerate() {
        out = out.replace(&format!("\"@@fuzz-{k}@@\""), text);
    }
    out
}

#[test]
fn results_loader_survives_arbitrary_bytes() {
    let dir = scratch();
    let path = dir.path().join("results.json");
    let bytes = prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..512),
        3 => prop::collection::vec(json_byte(), 0..512),
        // Past the first checks: an object of the right version.
        3 => prop::collection::vec(json_byte(), 0..512).prop_map(|rest| {
            let mut b = br#"{"schema_version": 1, "results": ["#.to_vec();
            b.extend(rest);
            b
        }),
    ];
    fuzz("results arbitrary bytes", 256, bytes, |b| {
        check_load(&path, &b).map(drop)
    });
}

#[test]
fn results_loader_survives_damaged_documents() {
    let dir = scratch();
    let path = dir.path().join("results.json");
    let damaged = (any::<usize>(), prop::collection::vec(damage(), 1..5)).prop_map(|(k, ds)| {
        let mut b = fixture(k).into_bytes();
        for d in &ds {
            apply(&mut b, d);
        }
        b
    });
    fuzz("results damaged documents", 96, damaged, |b| {
        check_load(&path, &b).map(drop)
    });
}

#[test]
fn results_loader_survives_hostile_values() {
    let dir = scratch();
    let path = dir.path().join("results.json");
    let edited = (any::<usize>(), prop::collection::vec(edit(), 1..5))
        .prop_map(|(k, edits)| edit_document(&fixture(k), &edits));
    fuzz("results hostile values", 96, edited, |text| {
        check_load(&path, text.as_bytes()).map(drop)
    });
}

#[test]
fn report_survives_what_the_loader_accepts() {
    let dir = scratch();
    let (path, other) = (
        dir.path().join("results.json"),
        dir.path().join("other.json"),
    );
    fs::write(&other, fixture(0)).expect("writing the scratch file");
    let edited = (
        any::<usize>(),
        prop::collection::vec(prop_oneof![3 => leaf_edit(), 1 => edit()], 1..4),
        any::<bool>(),
    )
        .prop_map(|(k, edits, two)| (edit_document(&fixture(k), &edits), two));
    fuzz("report of hostile values", 8, edited, |(text, two)| {
        if check_load(&path, text.as_bytes())?.is_some() {
            let mut docs = vec![path.clone()];
            if two {
                docs.push(other.clone());
            }
            check_render(dir.path(), docs);
        }
        Ok(())
    });
}

#[test]
fn the_fixtures_load_and_edits_apply() {
    let dir = scratch();
    let path = dir.path().join("results.json");
    for text in fixtures() {
        assert!(check_load(&path, text.as_bytes()).unwrap().is_some());
    }
    // A leaf edit to a time: NaN is not JSON, 0 is not a time.
    let text = fixture(0);
    let all = {
        let mut all = Vec::new();
        pointers(
            &serde_json::from_str(&text).unwrap(),
            String::new(),
            &mut all,
        );
        all
    };
    let best = all.iter().position(|p| p == "/results/0/best_s").unwrap();
    let at = |text: &str| Edit::Replace {
        at: best,
        text: text.into(),
    };
    let nan = edit_document(&text, &[at("NaN")]);
    assert!(nan.contains("\"best_s\": NaN"), "{nan}");
    assert!(check_load(&path, nan.as_bytes()).unwrap().is_none());
    let zero = edit_document(&text, &[at("0\u{0}\"s\"")]);
    assert!(zero.contains("\"best_s\": 0,"), "{zero}");
    assert!(check_load(&path, zero.as_bytes()).unwrap().is_none());
}

/// Found by `report_survives_what_the_loader_accepts`: one kernel at
/// 1.8e308 MLUP/s, beside a second machine, made the machines chart's
/// figure column (309 digits) wider than the chart, and the width
/// subtraction overflowed.
#[test]
fn a_figure_of_1e308_does_not_break_the_machines_chart() {
    let dir = scratch();
    let (path, other) = (
        dir.path().join("results.json"),
        dir.path().join("other.json"),
    );
    let mut doc: Value = serde_json::from_str(&fixture(1)).unwrap();
    assert!(doc["problem"]["nx"] == 1000, "the 1000x1000 fixture");
    doc["results"][6]["mlups"] = Value::from(f64::MAX);
    fs::write(&path, doc.to_string()).unwrap();
    fs::write(&other, fixture(0)).unwrap();
    let out = dir.path().join("report");
    let rendered = render(&Input {
        results: vec![path, other],
        criterion: None,
        out: out.clone(),
    })
    .unwrap();
    assert!(
        rendered.files.iter().any(|f| f.ends_with("machines.svg")),
        "{rendered:?}"
    );
}
