//! Renders the fixtures and reads the charts back as XML.

use std::fs;
use std::path::{Path, PathBuf};

use laplace_core::Scheme;
use laplace_core::results::{KernelResult, ResultsDoc};
use laplace_report::{
    BENCH_GROUP, Foreign, Input, REPORT_FILE, ReportError, load_criterion, load_results, render,
    render_with, style,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn doc(name: &str) -> ResultsDoc {
    load_results(&fixture(name)).unwrap()
}

fn input(out: &Path, results: &[&str], criterion: Option<&str>) -> Input {
    Input {
        results: results.iter().map(|r| fixture(r)).collect(),
        criterion: criterion.map(fixture),
        out: out.to_path_buf(),
    }
}

/// A parsed SVG: the text of every `<text>` element with its anchor and
/// position, every `<rect>` fill, and every `<polyline>`'s stroke, width
/// and points.
struct Svg {
    texts: Vec<(String, String, f64, f64)>,
    rect_fills: Vec<String>,
    lines: Vec<Line>,
    bytes: usize,
}

struct Line {
    stroke: String,
    width: f64,
    points: Vec<(f64, f64)>,
}

impl Svg {
    fn read(path: &Path) -> Svg {
        let src = fs::read_to_string(path).unwrap();
        let xml = roxmltree::Document::parse(&src)
            .unwrap_or_else(|e| panic!("{}: not XML: {e}", path.display()));
        assert_eq!(xml.root_element().tag_name().name(), "svg");
        let num = |n: &roxmltree::Node, a: &str| {
            n.attribute(a).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        };
        let texts = xml
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| {
                let t: String = n
                    .descendants()
                    .filter(|d| d.is_text())
                    .filter_map(|d| d.text())
                    .collect();
                (
                    t.trim().to_string(),
                    n.attribute("text-anchor").unwrap_or("").to_string(),
                    num(&n, "x"),
                    num(&n, "y"),
                )
            })
            .collect();
        let rect_fills = xml
            .descendants()
            .filter(|n| n.has_tag_name("rect"))
            .map(|n| n.attribute("fill").unwrap_or("").to_uppercase())
            .collect();
        let lines = xml
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .map(|n| Line {
                stroke: n.attribute("stroke").unwrap_or("").to_uppercase(),
                width: num(&n, "stroke-width"),
                points: n
                    .attribute("points")
                    .unwrap_or("")
                    .split_whitespace()
                    .filter_map(|p| {
                        let (x, y) = p.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect(),
            })
            .collect();
        Svg {
            texts,
            rect_fills,
            lines,
            bytes: src.len(),
        }
    }

    /// The y of the right-anchored label `s` (a bar chart's kernel label).
    fn label_y(&self, s: &str) -> Option<f64> {
        self.texts
            .iter()
            .find(|t| t.0 == s && t.1 == "end")
            .map(|t| t.3)
    }

    /// Lines of `stroke` lying wholly within the bar row centred on `y`.
    fn lines_in_row(&self, stroke: &str, y: f64) -> usize {
        let half = f64::from(style::BAR_ROW) / 2.0;
        self.lines
            .iter()
            .filter(|l| l.stroke == stroke && !l.points.is_empty())
            .filter(|l| l.points.iter().all(|p| (p.1 - y).abs() <= half))
            .count()
    }

    fn has_text(&self, s: &str) -> bool {
        self.texts.iter().any(|t| t.0 == s)
    }

    fn count_text(&self, s: &str) -> usize {
        self.texts.iter().filter(|t| t.0 == s).count()
    }

    fn has_text_containing(&self, s: &str) -> bool {
        self.texts.iter().any(|t| t.0.contains(s))
    }

    fn rects_of(&self, fill: &str) -> usize {
        self.rect_fills.iter().filter(|f| *f == fill).count()
    }
}

fn hex(language: &str) -> String {
    rgb(style::language_colour(language))
}

fn rgb(c: plotters::style::RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn fast_math(r: &KernelResult) -> bool {
    r.kernel.contains("fastmath") || r.flags.contains("-ffast-math")
}

/// Every bar of a fast-math kernel, and no other, carries the fast-math
/// hatching.
fn assert_fast_math_marked(svg: &Svg, results: &[KernelResult], chart: &str) {
    let ink = rgb(style::FAST_MATH_INK);
    let mut marked = 0;
    for r in results.iter().filter(|r| r.verified) {
        let y = svg
            .label_y(&r.kernel)
            .unwrap_or_else(|| panic!("{chart}: no label {}", r.kernel));
        let hatch = svg.lines_in_row(&ink, y);
        assert_eq!(
            hatch > 0,
            fast_math(r),
            "{chart}: {} has {hatch} fast-math lines",
            r.kernel
        );
        marked += usize::from(fast_math(r));
    }
    assert!(marked >= 3, "{chart}: only {marked} fast-math kernels");
    assert!(
        svg.has_text(style::FAST_MATH_LABEL),
        "{chart}: legend entry"
    );
}

/// A fixture as JSON, changed by `edit`, written to `dir/name`.
fn edited(
    dir: &Path,
    fixture_name: &str,
    name: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture(fixture_name)).unwrap()).unwrap();
    edit(&mut v);
    write(dir, name, &v.to_string())
}

/// One machine: every chart is drawn but the machines chart, skipped
/// saying so.
fn assert_only_machines_skipped(skipped: &[String]) {
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0]
            .starts_with("machines.svg: Not drawn: every results document is from one machine"),
        "{skipped:?}"
    );
}

#[test]
fn renders_every_chart_from_one_results_file_and_criterion() {
    let out = tempfile::tempdir().unwrap();
    let rendered = render(&input(out.path(), &["results-x86.json"], Some("criterion"))).unwrap();
    let names: Vec<String> = rendered
        .files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "speed.svg",
            "roofline.svg",
            "threads.svg",
            "ranks.svg",
            "scaling.svg",
            "time-to-solution.svg",
            "effort.svg",
            "convergence.svg",
            "solution.svg",
            REPORT_FILE
        ]
    );
    assert_only_machines_skipped(&rendered.skipped);

    let d = doc("results-x86.json");
    assert!(d.results.len() >= 20);
    let speed = Svg::read(&out.path().join("speed.svg"));
    for r in &d.results {
        assert_eq!(speed.count_text(&r.kernel), 1, "label of {}", r.kernel);
    }
    let failed: Vec<_> = d.results.iter().filter(|r| !r.verified).collect();
    assert!(!failed.is_empty());
    assert_eq!(speed.count_text("FAILED"), failed.len());
    assert!(speed.has_text("1.00x"), "the baseline's factor");
    for scheme in d.results.iter().map(|r| r.scheme) {
        assert!(speed.has_text(scheme.as_str()), "group header {scheme}");
    }
    // One bar per verified kernel in its language's colour, plus one legend swatch.
    let mut languages: Vec<&str> = d.results.iter().map(|r| r.language.as_str()).collect();
    languages.sort_unstable();
    languages.dedup();
    for lang in languages {
        let bars = d
            .results
            .iter()
            .filter(|r| r.language == lang && r.verified)
            .count();
        assert_eq!(speed.rects_of(&hex(lang)), bars + 1, "{lang} bars");
        assert!(speed.has_text(lang), "legend entry {lang}");
    }
    assert!(speed.has_text_containing("MLUP/s"));
    assert_fast_math_marked(&speed, &d.results, "speed.svg");

    let scaling = Svg::read(&out.path().join("scaling.svg"));
    let points = load_criterion(&fixture("criterion")).unwrap();
    for p in points.iter().filter(|p| p.group == BENCH_GROUP) {
        assert!(scaling.has_text(p.function.as_deref().unwrap()), "{p:?}");
        assert!(scaling.has_text(p.value.as_deref().unwrap()), "{p:?}");
    }
    assert!(!scaling.has_text("other/parse"));
    assert!(scaling.has_text_containing("grid size"));

    let convergence = Svg::read(&out.path().join("convergence.svg"));
    for s in Scheme::ALL {
        assert!(
            convergence.has_text_containing(&format!("{s}: ")),
            "legend entry of {s}"
        );
    }
    assert!(convergence.has_text("tolerance 1e-6"));
    assert!(convergence.bytes < 100_000, "{} bytes", convergence.bytes);

    let solution = Svg::read(&out.path().join("solution.svg"));
    assert!(solution.rect_fills.len() > 100);
    assert!(solution.has_text("u") && solution.has_text("column j"));
    assert!(solution.bytes < 500_000, "{} bytes", solution.bytes);

    let md = fs::read_to_string(out.path().join(REPORT_FILE)).unwrap();
    for r in &d.results {
        assert!(md.contains(&format!("`{}`", r.kernel)), "{}", r.kernel);
    }
    for chart in [
        "speed",
        "roofline",
        "threads",
        "scaling",
        "time-to-solution",
        "convergence",
        "solution",
    ] {
        assert!(md.contains(&format!("]({chart}.svg)")), "{chart} embedded");
    }
    assert!(md.contains("**FAILED**"));
    assert!(md.contains(failed[0].error.as_deref().unwrap()));
    let p = &d.provenance;
    for field in [&p.host, &p.cpu, &p.os, &p.rustc] {
        assert!(md.contains(field.as_str()), "{field}");
    }
    for lang in ["c", "fortran"] {
        let compiler = p.compiler(lang).expect("recorded");
        assert!(md.contains(compiler), "{compiler}");
    }
    assert!(md.contains(
        "| Kernel | scheme | flags | best s | median s | MLUP/s | relative | sweeps to tol | to solution s |"
    ));
    let c_loop = md.lines().find(|l| l.starts_with("| `c/loop` |")).unwrap();
    assert!(c_loop.contains("| 5,946 | 0.08923 |"), "{c_loop}");
    assert!(md.contains("convergence tolerance 1e-6"));
    // The second table: against the machine's limits.
    assert!(md.contains("## Against the machine's limits"));
    assert!(md.contains(
        "| Kernel | cost | MLUP/s | bound MLUP/s | limit | % of bound | cycles/update |"
    ));
    let c_array = md
        .lines()
        .filter(|l| l.starts_with("| `c/array` |"))
        .nth(1)
        .expect("c/array in the limits table");
    assert_eq!(
        c_array,
        "| `c/array` | jacobi-divide | 1920 | 2799 | 4-wide divide throughput | 69% | 1.82 |"
    );
    // The probe's figures, with the machine.
    for row in [
        "| clock (probe) | 3.50 GHz |",
        "| vector throughput add / mul / FMA / div, ns per op | 0.143 / 0.143 / 0.143 / 1.43 (4-wide) |",
        "| copy bandwidth, 1 core / all | 38.2 GB/s / 190 GB/s (16 threads) |",
        "| L2 per core / last-level cache | 512 KiB / 32 MiB |",
    ] {
        assert!(md.contains(row), "{row}");
    }
}

#[test]
fn time_to_solution_names_every_kernel_under_its_sweeps() {
    let out = tempfile::tempdir().unwrap();
    render(&input(out.path(), &["results-x86.json"], None)).unwrap();
    let d = doc("results-x86.json");
    let svg = Svg::read(&out.path().join("time-to-solution.svg"));
    for r in &d.results {
        assert_eq!(svg.count_text(&r.kernel), 1, "label of {}", r.kernel);
    }
    for header in [
        "jacobi — 10,562 sweeps to 1e-6",
        "gauss-seidel — 5,946 sweeps to 1e-6",
        "red-black-sor — 210 sweeps to 1e-6",
    ] {
        assert!(svg.has_text(header), "{header}");
    }
    // Group headers sit above their kernels, fastest first.
    let y = |s: &str| svg.texts.iter().find(|t| t.0 == s).unwrap().3;
    assert!(y("red-black-sor — 210 sweeps to 1e-6") < y("c/redblack-openmp"));
    assert!(y("c/redblack-openmp") < y("c/redblack"));
    assert!(
        svg.has_text("517 µs") && svg.has_text("62.1 s"),
        "durations"
    );
    assert_eq!(
        svg.count_text("FAILED"),
        d.results.iter().filter(|r| !r.verified).count()
    );
    assert!(svg.has_text_containing("log scale"));
    assert_fast_math_marked(&svg, &d.results, "time-to-solution.svg");
}

#[test]
fn roofline_names_every_kernel_against_its_bound() {
    let out = tempfile::tempdir().unwrap();
    render(&input(out.path(), &["results-x86.json"], None)).unwrap();
    let d = doc("results-x86.json");
    let svg = Svg::read(&out.path().join("roofline.svg"));
    for r in &d.results {
        assert_eq!(svg.count_text(&r.kernel), 1, "label of {}", r.kernel);
    }
    let limits: Vec<&str> = d
        .results
        .iter()
        .filter_map(|r| r.bound_limit.as_deref())
        .collect();
    for l in &limits {
        assert!(svg.has_text_containing(&format!("{l}: bound")), "group {l}");
    }
    assert!(svg.has_text("69% of 2,799"), "c/array's share of its bound");
    assert!(svg.has_text("12% of 44,787"), "rust/rayon's, parallel");
    assert!(svg.has_text("FAILED"));
    assert!(svg.has_text_containing("3.50 GHz") && svg.has_text_containing("38.2 GB/s"));
    // One bound tick per timed kernel, and the legend's.
    let ticks = svg
        .lines
        .iter()
        .filter(|l| l.stroke == rgb(style::BOUND_INK) && l.width == f64::from(style::BOUND_TICK))
        .count();
    let timed = d.results.iter().filter(|r| r.verified).count();
    assert_eq!(ticks, timed + 1);
    assert_fast_math_marked(&svg, &d.results, "roofline.svg");

    let md = fs::read_to_string(out.path().join(REPORT_FILE)).unwrap();
    let caption = md
        .lines()
        .find(|l| l.starts_with("Achieved MLUP/s"))
        .expect("roofline caption");
    for figure in [
        "3.50 GHz clock",
        "4-wide divide every 1.43 ns",
        "38.2 GB/s on 1 core",
        "190 GB/s on 16 threads",
    ] {
        assert!(caption.contains(figure), "{figure}: {caption}");
    }
}

#[test]
fn threads_draws_every_swept_kernel_and_no_other() {
    let out = tempfile::tempdir().unwrap();
    render(&input(
        out.path(),
        &["results-x86.json", "results-arm.json"],
        None,
    ))
    .unwrap();
    let svg = Svg::read(&out.path().join("threads.svg"));
    let mut swept = 0;
    for d in [doc("results-x86.json"), doc("results-arm.json")] {
        for r in &d.results {
            let name = format!("{} ({})", r.kernel, d.provenance.host);
            let named = svg.texts.iter().any(|t| t.0.starts_with(&name));
            assert_eq!(named, !r.thread_scaling.is_empty(), "{name}");
            swept += usize::from(named);
        }
    }
    assert_eq!(swept, 4);
    assert!(svg.has_text("ideal linear scaling"));
    assert!(svg.has_text("threads") && svg.has_text("16"));
    assert!(svg.has_text("c/openmp (bench-arm): 2.6x at 8"));
}

#[test]
fn new_charts_are_skipped_with_a_reason_without_their_data() {
    let dir = tempfile::tempdir().unwrap();
    let bare = edited(dir.path(), "results-x86.json", "bare.json", |v| {
        v["probe"] = serde_json::Value::Null;
        for r in v["results"].as_array_mut().unwrap() {
            let r = r.as_object_mut().unwrap();
            for f in [
                "time_to_solution_s",
                "sweeps_to_tolerance",
                "thread_scaling",
                "bound_mlups",
                "bound_limit",
                "percent_of_bound",
                "cycles_per_update",
                "path",
                "rank_scaling",
            ] {
                r.remove(f);
            }
        }
    });
    let out = dir.path().join("out");
    // An older report's charts do not survive.
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join(REPORT_FILE), "# Laplace shootout report\n").unwrap();
    fs::write(out.join("roofline.svg"), "<svg/>").unwrap();
    let rendered = render(&Input {
        results: vec![bare],
        criterion: None,
        out: out.clone(),
    })
    .unwrap();
    let reasons: Vec<&String> = rendered.skipped.iter().collect();
    for (chart, words) in [
        ("roofline.svg", "no results document has a machine probe"),
        ("threads.svg", "no kernel has a thread sweep"),
        ("ranks.svg", "no MPI kernel has a rank sweep"),
        ("time-to-solution.svg", "no result has a time to solution"),
    ] {
        let line = reasons
            .iter()
            .find(|s| s.starts_with(chart))
            .unwrap_or_else(|| panic!("{chart} not skipped: {reasons:?}"));
        assert!(line.contains(words), "{line}");
        assert!(!out.join(chart).exists(), "{chart}");
    }
    let md = fs::read_to_string(out.join(REPORT_FILE)).unwrap();
    assert!(md.contains("no results document has a machine probe"));
    assert!(!md.contains("](roofline.svg)") && !md.contains("](threads.svg)"));
    // No empty columns or tables for data the document lacks.
    assert!(md.contains("| Kernel | scheme | flags | best s | median s | MLUP/s | relative |\n"));
    assert!(!md.contains("Against the machine's limits") && !md.contains("clock (probe)"));
    assert!(!md.contains("convergence tolerance"));

    // A probe, but no kernel with a bound.
    let unbound = edited(dir.path(), "results-x86.json", "unbound.json", |v| {
        for r in v["results"].as_array_mut().unwrap() {
            r["bound_mlups"] = serde_json::Value::Null;
        }
    });
    let rendered = render(&Input {
        results: vec![unbound],
        criterion: None,
        out: dir.path().join("out2"),
    })
    .unwrap();
    assert!(
        rendered
            .skipped
            .iter()
            .any(|s| s.starts_with("roofline.svg") && s.contains("no kernel has a bound")),
        "{:?}",
        rendered.skipped
    );
}

#[test]
fn an_older_document_beside_a_newer_one_is_left_out_of_the_new_charts() {
    let out = tempfile::tempdir().unwrap();
    // results-x86-1000.json predates probes, sweeps and thread sweeps.
    let rendered = render(&input(
        out.path(),
        &["results-x86.json", "results-x86-1000.json"],
        None,
    ))
    .unwrap();
    assert_only_machines_skipped(&rendered.skipped);
    let roofline = Svg::read(&out.path().join("roofline.svg"));
    assert!(roofline.has_text_containing("8000 sweeps"));
    assert!(!roofline.has_text_containing("1000x1000"));
    let md = fs::read_to_string(out.path().join(REPORT_FILE)).unwrap();
    assert!(md.contains("has no probe or bounds and is left out"));
    assert!(md.contains("has no time-to-solution figures and is left out"));
    let clock = md
        .lines()
        .find(|l| l.starts_with("| clock (probe) |"))
        .unwrap();
    assert!(clock.contains("not probed"), "{clock}");
}

#[test]
fn kernel_labels_never_overlap() {
    let out = tempfile::tempdir().unwrap();
    render(&input(
        out.path(),
        &["results-x86.json", "results-arm.json"],
        None,
    ))
    .unwrap();
    let speed = Svg::read(&out.path().join("speed.svg"));
    // Kernel labels are the right-anchored texts; in one column their
    // baselines must be at least a text height apart.
    let mut ys: Vec<f64> = speed
        .texts
        .iter()
        .filter(|t| t.1 == "end")
        .map(|t| t.3)
        .collect();
    ys.sort_by(f64::total_cmp);
    assert!(ys.len() >= 30);
    for w in ys.windows(2) {
        assert!(
            w[1] - w[0] >= style::LABEL_SIZE,
            "labels at y {} and {}",
            w[0],
            w[1]
        );
    }
}

#[test]
fn two_machines_render_side_by_side() {
    let out = tempfile::tempdir().unwrap();
    // A chart left from an older report must not survive this one.
    fs::write(out.path().join(REPORT_FILE), "# Laplace shootout report\n").unwrap();
    fs::write(out.path().join("scaling.svg"), "<svg/>").unwrap();
    // A file the report did not write: refused, unless forced, then kept.
    fs::write(out.path().join("notes.txt"), "mine").unwrap();
    let input = input(out.path(), &["results-x86.json", "results-arm.json"], None);
    let err = render(&input).unwrap_err();
    assert!(
        matches!(err, ReportError::Foreign { ref file, .. } if file == "notes.txt"),
        "{err}"
    );
    let rendered = render_with(&input, Foreign::Overwrite, None).unwrap();
    assert_eq!(rendered.skipped.len(), 1, "{:?}", rendered.skipped);
    assert!(rendered.skipped[0].starts_with("scaling.svg"));
    assert!(!out.path().join("scaling.svg").exists());
    assert_eq!(
        fs::read_to_string(out.path().join("notes.txt")).unwrap(),
        "mine"
    );

    let (x86, arm) = (doc("results-x86.json"), doc("results-arm.json"));
    let speed = Svg::read(&out.path().join("speed.svg"));
    for d in [&x86, &arm] {
        let header = format!("{}: {}", d.provenance.host, d.provenance.cpu);
        assert!(speed.has_text_containing(&header), "panel of {header}");
    }
    for r in x86.results.iter().chain(&arm.results) {
        let both = [&x86, &arm]
            .iter()
            .filter(|d| d.results.iter().any(|q| q.kernel == r.kernel))
            .count();
        assert_eq!(speed.count_text(&r.kernel), both, "{}", r.kernel);
    }
    assert_eq!(
        speed.count_text("FAILED"),
        x86.results
            .iter()
            .chain(&arm.results)
            .filter(|r| !r.verified)
            .count()
    );

    let md = fs::read_to_string(out.path().join(REPORT_FILE)).unwrap();
    let header = md
        .lines()
        .find(|l| l.starts_with("| Kernel |"))
        .expect("results table");
    assert!(header.contains("best s (bench-x86)") && header.contains("best s (bench-arm)"));
    let machines = md
        .lines()
        .find(|l| l.starts_with("| CPU |"))
        .expect("machines table");
    assert!(machines.contains(&x86.provenance.cpu) && machines.contains(&arm.provenance.cpu));
    // A kernel only one machine ran is n/a on the other.
    let neon = md
        .lines()
        .find(|l| l.starts_with("| `rust/array-neon`"))
        .unwrap();
    assert!(neon.contains("n/a"), "{neon}");
    assert!(
        md.contains("Not drawn"),
        "the skipped scaling chart is explained"
    );
    assert!(!md.contains("](scaling.svg)"));

    // Two machines: the machines chart and section, relative to c/array.
    let machines = Svg::read(&out.path().join("machines.svg"));
    for d in [&x86, &arm] {
        let label = format!("{}, {}", d.provenance.cpu, &d.provenance.date[..10]);
        assert!(machines.has_text(&label), "legend entry {label}");
    }
    for r in x86.results.iter().chain(&arm.results) {
        assert_eq!(
            machines.count_text(&r.kernel),
            1,
            "one row for {}",
            r.kernel
        );
    }
    // rust/array: 1850 / 1920 on x86, 1420 / 1515 on Arm.
    assert!(machines.has_text("0.96x") && machines.has_text("0.94x"));
    assert!(machines.has_text("1 = c/array"));
    assert!(md.contains("](machines.svg)"));
    assert!(md.contains("## Machines compared"));
    let head = md
        .lines()
        .find(|l| l.starts_with("| Kernel | scheme | AMD EPYC"))
        .expect("machines compared table");
    assert!(
        head.contains("Neoverse-V1 (AWS Graviton3), 2025-03-02"),
        "{head}"
    );
    let row = md
        .lines()
        .find(|l| l.starts_with("| `rust/array` | jacobi | 0.96x"))
        .expect("rust/array across machines");
    assert!(row.ends_with("| 0.96x | 0.94x |"), "{row}");
    assert!(md.contains(
        "- **Neoverse-V1 (AWS Graviton3), 2025-03-02**: Neoverse-V1 (AWS Graviton3), signature \
         not recorded, ISA not recorded, host `bench-arm`"
    ));
    assert!(md.contains("from `results-arm.json`"));
}

#[test]
fn new_fields_show_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let newer = edited(dir.path(), "results-x86.json", "newer.json", |v| {
        v["provenance"]["cpu_signature"] = serde_json::json!(
            {"vendor": "AuthenticAMD", "family": 25, "model": 1, "stepping": 1}
        );
        v["provenance"]["isa"] = serde_json::json!(["avx2", "fma"]);
        let probe = &mut v["probe"];
        probe["clock_check"] = serde_json::json!({
            "estimates": [
                {"source": "imul chain", "ghz": 3.41},
                {"source": "FMA latency / 4", "ghz": 3.38},
                {"source": "TSC", "ghz": 2.45}
            ],
            "agree": false,
            "note": "the TSC ticks at the base clock"
        });
        probe["cache_source"] = serde_json::json!(["L2: sysfs index2", "LLC: cpuid leaf 4"]);
        for r in v["results"].as_array_mut().unwrap() {
            if r["kernel"] == "c/array" {
                r["bound_exceeded"] = serde_json::json!(true);
                r["path"] = serde_json::json!("avx2");
            }
        }
    });
    let out = dir.path().join("out");
    render(&Input {
        results: vec![newer],
        criterion: None,
        out: out.clone(),
    })
    .unwrap();
    let md = fs::read_to_string(out.join(REPORT_FILE)).unwrap();
    assert!(
        md.contains("| Kernel | path | scheme | flags | best s |"),
        "path column"
    );
    assert!(md.contains("| `c/array` | avx2 | jacobi |"));
    assert!(md.contains("| `c/loop` | - | gauss-seidel |"));
    let c_array = md
        .lines()
        .filter(|l| l.starts_with("| `c/array` |"))
        .nth(1)
        .expect("c/array in the limits table");
    assert!(
        c_array.contains("| ⚠ above bound |") && !c_array.contains("69%"),
        "{c_array}"
    );
    assert!(md.contains("*⚠ above bound*: the kernel ran faster than its bound"));
    assert!(md.contains(
        "| clock check | clock 3.41 GHz (imul chain); FMA latency / 4: 3.38 GHz; TSC: 2.45 GHz: \
         **disagree** (see below) |"
    ));
    assert!(md.contains("> ⚠ **The clock estimates disagree**:"));
    assert!(md.contains("the TSC ticks at the base clock"));
    assert!(md.contains("- L2: sysfs index2\n- LLC: cpuid leaf 4\n"));
    assert!(
        md.contains("| CPU signature | AuthenticAMD family 25 model 1 stepping 1 (AMD 25/1/1) |")
    );
    assert!(md.contains("| ISA | avx2 fma |"));
    assert!(md.contains(
        "Measured on **AMD EPYC 7763 64-Core Processor** (AuthenticAMD family 25 model 1 \
         stepping 1), 2025-03-01"
    ));
    let roofline = Svg::read(&out.join("roofline.svg"));
    assert!(roofline.has_text("⚠ above bound"));
    assert!(!roofline.has_text_containing("69% of"));
}

#[test]
fn scaling_falls_back_to_results_of_several_sizes() {
    let out = tempfile::tempdir().unwrap();
    let rendered = render(&input(
        out.path(),
        &["results-x86.json", "results-x86-1000.json"],
        Some("no-such-criterion-folder"),
    ))
    .unwrap();
    assert_only_machines_skipped(&rendered.skipped);
    let scaling = Svg::read(&out.path().join("scaling.svg"));
    assert!(scaling.has_text("100x100") && scaling.has_text("1000x1000"));
    assert!(scaling.has_text("c/loop"));
    let md = fs::read_to_string(out.path().join(REPORT_FILE)).unwrap();
    assert!(md.contains("from the best times of the results documents"));
    // One host twice: runs are told apart by their problem.
    assert!(
        md.contains("best s (bench-x86 (100x100, 8000 sweeps))"),
        "{md}"
    );
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, content).unwrap();
    p
}

/// The error's text names `path` and contains every one of `words`.
fn assert_names(err: &ReportError, path: &Path, words: &[&str]) {
    let msg = err.to_string();
    assert!(
        msg.contains(&*path.to_string_lossy()),
        "{msg:?} does not name {}",
        path.display()
    );
    for w in words {
        assert!(msg.contains(w), "{msg:?} lacks {w:?}");
    }
}

#[test]
fn bad_results_files_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = fs::read_to_string(fixture("results-x86.json")).unwrap();

    let missing = dir.path().join("missing.json");
    assert_names(
        &load_results(&missing).unwrap_err(),
        &missing,
        &["not found"],
    );

    let empty = write(dir.path(), "empty.json", " \n");
    assert_names(&load_results(&empty).unwrap_err(), &empty, &["empty"]);

    let corrupt = write(dir.path(), "corrupt.json", &good[..good.len() / 2]);
    assert_names(
        &load_results(&corrupt).unwrap_err(),
        &corrupt,
        &["corrupt JSON", "line", "column"],
    );

    let v2 = write(
        dir.path(),
        "v2.json",
        &good.replacen("\"schema_version\": 1", "\"schema_version\": 2", 1),
    );
    assert_names(
        &load_results(&v2).unwrap_err(),
        &v2,
        &["schema_version is 2", "version 1"],
    );

    let unversioned = write(dir.path(), "unversioned.json", "{\"results\": []}");
    assert_names(
        &load_results(&unversioned).unwrap_err(),
        &unversioned,
        &["schema_version is missing"],
    );

    let shape = write(
        dir.path(),
        "shape.json",
        &good.replacen("\"nx\": 100", "\"nx\": \"a hundred\"", 1),
    );
    assert_names(
        &load_results(&shape).unwrap_err(),
        &shape,
        &["not a results document", "line"],
    );

    let mut none: serde_json::Value = serde_json::from_str(&good).unwrap();
    none["results"] = serde_json::json!([]);
    let none = write(dir.path(), "none.json", &none.to_string());
    assert_names(&load_results(&none).unwrap_err(), &none, &["no kernels"]);

    let binary = dir.path().join("binary.json");
    fs::write(&binary, [0xff, 0xfe, 0x00, 0x7b]).unwrap();
    assert_names(
        &load_results(&binary).unwrap_err(),
        &binary,
        &["cannot read"],
    );
}

#[test]
fn a_bad_input_leaves_the_existing_report_untouched() {
    let out = tempfile::tempdir().unwrap();
    fs::write(out.path().join(REPORT_FILE), "old report").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let corrupt = write(dir.path(), "corrupt.json", "{");
    let err = render(&Input {
        results: vec![fixture("results-x86.json"), corrupt.clone()],
        criterion: None,
        out: out.path().to_path_buf(),
    })
    .unwrap_err();
    assert_names(&err, &corrupt, &["corrupt JSON"]);
    assert_eq!(
        fs::read_to_string(out.path().join(REPORT_FILE)).unwrap(),
        "old report"
    );
    assert_eq!(fs::read_dir(out.path()).unwrap().count(), 1);

    let err = render(&Input {
        results: vec![],
        criterion: None,
        out: out.path().to_path_buf(),
    })
    .unwrap_err();
    assert!(matches!(err, ReportError::NoResults), "{err}");
}

#[test]
fn criterion_without_estimates_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("laplace/c_loop/100x100/new");
    fs::create_dir_all(&new).unwrap();
    fs::copy(
        fixture("criterion/laplace/c_loop/100x100/new/benchmark.json"),
        new.join("benchmark.json"),
    )
    .unwrap();
    let err = load_criterion(dir.path()).unwrap_err();
    assert_names(&err, &new.join("estimates.json"), &["missing"]);
    // render reports it too, and writes nothing.
    let out = dir.path().join("out");
    let err = render(&Input {
        results: vec![fixture("results-x86.json")],
        criterion: Some(dir.path().to_path_buf()),
        out: out.clone(),
    })
    .unwrap_err();
    assert_names(&err, &new.join("estimates.json"), &[]);
    assert!(!out.exists());

    fs::write(new.join("estimates.json"), "{\"mean\": {}").unwrap();
    let err = load_criterion(dir.path()).unwrap_err();
    assert_names(&err, &new.join("estimates.json"), &["corrupt JSON"]);

    let file = write(dir.path(), "file", "x");
    assert_names(
        &load_criterion(&file).unwrap_err(),
        &file,
        &["not a folder"],
    );
    let none = dir.path().join("none");
    assert_names(&load_criterion(&none).unwrap_err(), &none, &["not found"]);
}

#[test]
fn criterion_ids_come_from_benchmark_json_and_only_new_counts() {
    let points = load_criterion(&fixture("criterion")).unwrap();
    let c_loop: Vec<_> = points
        .iter()
        .filter(|p| p.function.as_deref() == Some("c/loop"))
        .collect();
    // new/ only: base/ holds the same ids three times slower.
    assert_eq!(c_loop.len(), 3);
    for p in &c_loop {
        assert!(p.benchmark.ends_with("new/benchmark.json"));
        let m = p.mlups().unwrap();
        assert!((500.0..700.0).contains(&m), "{m}");
    }
    let small = c_loop
        .iter()
        .find(|p| p.value.as_deref() == Some("100x100"))
        .unwrap();
    assert_eq!(small.grid(), Some((100, 100)));
    assert_eq!(small.elements, Some(98 * 98 * 10));
    let other = points.iter().find(|p| p.group == "other").unwrap();
    assert_eq!((other.elements, other.mlups()), (None, None));

    // Folder names do not matter.
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("renamed/whatever/new");
    fs::create_dir_all(&new).unwrap();
    let src = fixture("criterion/laplace/c_loop/100x100/new");
    for f in ["benchmark.json", "estimates.json"] {
        fs::copy(src.join(f), new.join(f)).unwrap();
    }
    let moved = load_criterion(dir.path()).unwrap();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].function.as_deref(), Some("c/loop"));
    assert_eq!(moved[0].value.as_deref(), Some("100x100"));
}

#[test]
fn rendering_twice_replaces_the_report_and_leaves_no_temporaries() {
    let out = tempfile::tempdir().unwrap();
    let inp = input(out.path(), &["results-x86.json"], Some("criterion"));
    let first = render(&inp).unwrap();
    let second = render(&inp).unwrap();
    assert_eq!(first, second);
    for f in &second.files {
        assert!(f.is_file());
    }
    let leftovers: Vec<_> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn odd_values_render_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture("results-arm.json")).unwrap()).unwrap();
    let long = format!("rust/{}", "very-long-variant-name-".repeat(6));
    {
        let results = v["results"].as_array_mut().unwrap();
        results[0]["kernel"] = serde_json::json!(long);
        results[1]["mlups"] = serde_json::json!(-5.0);
        results[2]["mlups"] = serde_json::json!(1e300);
        results[2]["relative"] = serde_json::json!(1e12);
        results[3]["kernel"] = results[4]["kernel"].clone();
        results[5]["language"] = serde_json::json!("zig");
        results[6]["kernel"] = serde_json::json!("c/<&\"escape\">");
    }
    v["problem"]["nx"] = serde_json::json!(1);
    let odd = write(dir.path(), "odd.json", &v.to_string());
    let out = dir.path().join("out");
    let rendered = render(&Input {
        results: vec![odd],
        criterion: None,
        out: out.clone(),
    })
    .unwrap();
    assert!(
        rendered
            .skipped
            .iter()
            .any(|s| s.starts_with("solution.svg")),
        "{:?}",
        rendered.skipped
    );
    let speed = Svg::read(&out.join("speed.svg"));
    assert!(speed.has_text("c/<&\"escape\">"));
    assert!(
        speed
            .texts
            .iter()
            .any(|t| t.0.starts_with("rust/very-long") && t.0.ends_with('…'))
    );
}

/// Issue 15, item 1: strings a results file carries (flags, path, compiler,
/// the machine's description) with NUL, ESC, a bell and 500 characters made
/// invalid SVGs and put raw escape sequences in the Markdown. The loader
/// turns control characters into spaces and bounds each string, so every
/// chart parses and the README holds no control character but line breaks.
#[test]
fn control_characters_in_a_results_file_reach_no_output() {
    let out = tempfile::tempdir().unwrap();
    let hostile = edited(out.path(), "results-x86.json", "hostile.json", |v| {
        let r = &mut v["results"][0];
        r["flags"] = format!(
            "-O3 \u{0}\u{1b}[31mRED\u{1b}[0m | <tag> & {}",
            "x".repeat(500)
        )
        .into();
        r["path"] = "p\u{0}\u{1b}|<".into();
        r["compiler"] = "gcc\u{1b}]0;title\u{7} <b>".into();
        v["provenance"]["cpu"] = "CPU \u{0}\u{1b}[1m <&>".into();
    });
    let doc = load_results(&hostile).unwrap();
    let r = &doc.results[0];
    for s in [&r.flags, &doc.provenance.cpu] {
        assert!(!s.chars().any(char::is_control), "{s:?}");
    }
    assert!(r.flags.chars().count() <= laplace_core::text::MAX_FIELD);
    let dir = out.path().join("report");
    render(&Input {
        results: vec![hostile],
        criterion: None,
        out: dir.clone(),
    })
    .unwrap();
    for e in fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{}",
            path.display()
        );
        if path.extension().is_some_and(|x| x == "svg") {
            Svg::read(&path);
        }
    }
}

#[test]
fn effort_chart_labels_every_kernel_once_and_no_label_overlaps() {
    let dir = tempfile::tempdir().unwrap();
    let sized = edited(dir.path(), "results-x86.json", "sized.json", |v| {
        v["baseline"] = "c/loop".into();
        for (k, r) in v["results"].as_array_mut().unwrap().iter_mut().enumerate() {
            // Few distinct sizes, so that points crowd.
            r["source_bytes_gz"] = (200 + 40 * (k % 5)).into();
            r["source_lines"] = (10 + k).into();
        }
    });
    let out = dir.path().join("report");
    render(&Input {
        results: vec![sized.clone()],
        criterion: None,
        out: out.clone(),
    })
    .unwrap();
    let doc = load_results(&sized).unwrap();
    let svg = Svg::read(&out.join("effort.svg"));
    assert!(svg.has_text("speed relative to c/loop (x, log)"));
    let timed: Vec<&KernelResult> = doc
        .results
        .iter()
        .filter(|r| r.verified && r.best_s.is_some() && r.relative.is_some())
        .collect();
    assert!(timed.len() >= 20);
    let h = style::ANNOTATION_SIZE / 1.24;
    let mut boxes = Vec::new();
    for r in &timed {
        assert_eq!(svg.count_text(&r.kernel), 1, "{}", r.kernel);
        let t = svg.texts.iter().find(|t| t.0 == r.kernel).unwrap();
        let w = f64::from(style::text_width(&r.kernel, style::ANNOTATION_SIZE));
        let left = if t.1 == "end" { t.2 - w } else { t.2 };
        boxes.push((
            r.kernel.as_str(),
            left,
            t.3 - h / 2.0,
            left + w,
            t.3 + h / 2.0,
        ));
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart = a.3 <= b.1 || b.3 <= a.1 || a.4 <= b.2 || b.4 <= a.2;
            assert!(apart, "labels {} and {} overlap", a.0, b.0);
        }
    }
    let md = fs::read_to_string(out.join(REPORT_FILE)).unwrap();
    assert!(md.contains("effort.svg"), "the report shows the chart");

    // Without code sizes (a document written before they were recorded)
    // the chart is skipped, saying why.
    let unsized_doc = edited(dir.path(), "results-x86.json", "unsized.json", |v| {
        for r in v["results"].as_array_mut().unwrap() {
            let r = r.as_object_mut().unwrap();
            r.remove("source_bytes_gz");
            r.remove("source_lines");
        }
    });
    let rendered = render(&Input {
        results: vec![unsized_doc],
        criterion: None,
        out: dir.path().join("bare"),
    })
    .unwrap();
    assert!(
        rendered
            .skipped
            .iter()
            .any(|s| s.starts_with("effort.svg: Not drawn: no timed kernel has a code size")),
        "{:?}",
        rendered.skipped
    );
}
