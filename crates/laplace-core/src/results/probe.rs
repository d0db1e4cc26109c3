//! What `shootout probe` measured: the machine limits every bound is
//! computed from, kept in a results document as `probe`.

use serde::{Deserialize, Serialize};

/// Machine limits measured by `shootout probe`, the inputs of every bound.
/// Times are seconds per instruction, bandwidths bytes per second counted as
/// STREAM does (copy: 16 bytes per element, triad: 24), caches bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// Host name of the machine probed.
    pub host: String,
    /// CPU model of the machine probed.
    pub cpu: String,
    /// When, RFC 3339 UTC.
    pub date: String,
    /// Seconds per core cycle, from a chain of dependent 64-bit integer
    /// multiplies (3 cycles each on every x86-64 core since 2008; no core
    /// folds or eliminates them, as recent Intel cores fold chains of adds
    /// with immediates).
    pub cycle_s: Option<f64>,
    /// The clock against independent estimates (`null` in probes written
    /// before the check existed).
    #[serde(default)]
    pub clock_check: Option<ClockCheck>,
    /// Latency of a dependent scalar add, multiply, FMA and divide.
    pub latency_s: OpTimes,
    /// Reciprocal throughput of independent scalar operations.
    pub scalar_throughput_s: OpTimes,
    /// Reciprocal throughput of independent vector operations of `vector_lanes` doubles.
    pub vector_throughput_s: OpTimes,
    /// Doubles per vector register used by the vector probes (8 with AVX-512, 4 with AVX).
    pub vector_lanes: usize,
    /// Reciprocal throughput of the divide at every width the CPU has (1, 2,
    /// 4 and 8 doubles): wider is not always more divides per second.
    #[serde(default)]
    pub div_by_width: Vec<WidthTime>,
    /// Time per update of each Gauss-Seidel dependency chain as the
    /// compilers emit it, with the stencil's own constants: unbroken
    /// (`row: null`, its latency), and in rows of the problem's length as a
    /// sweep runs it (added by `shootout run`).
    #[serde(default)]
    pub chains: Vec<ChainTime>,
    /// Copy bandwidth, one core, arrays far larger than the last-level cache.
    pub copy_bw_1: f64,
    /// Triad bandwidth, one core.
    pub triad_bw_1: f64,
    /// Copy bandwidth, all cores.
    pub copy_bw_all: f64,
    /// Triad bandwidth, all cores.
    pub triad_bw_all: f64,
    /// Copy bandwidth of arrays that stay in one core's L2.
    pub l2_copy_bw: f64,
    /// Copy bandwidth of arrays larger than L2 that fit in the last-level
    /// cache, one core (`null` where there is no such size).
    #[serde(default)]
    pub l3_copy_bw: Option<f64>,
    /// Per-core L1 data cache size (0: unknown).
    #[serde(default)]
    pub l1_bytes: usize,
    /// Per-core L2 size.
    pub l2_bytes: usize,
    /// Last-level cache size.
    pub llc_bytes: usize,
    /// Where each cache size came from, one line per level.
    #[serde(default)]
    pub cache_source: Vec<String>,
    /// Threads used for the all-core figures.
    pub threads: usize,
}

impl Probe {
    /// The most doubles divided per second at any width the kernels can use,
    /// and that width: `(lanes / seconds, lanes)`. Falls back to the widest
    /// vector divide for probes without `div_by_width`.
    pub fn best_divide(&self) -> Option<(f64, usize)> {
        let from_widths = self
            .div_by_width
            .iter()
            .filter(|w| w.seconds > 0.0 && w.seconds.is_finite())
            .map(|w| (w.lanes as f64 / w.seconds, w.lanes))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        from_widths.or_else(|| {
            self.vector_throughput_s
                .div
                .map(|t| (self.vector_lanes as f64 / t, self.vector_lanes))
        })
    }

    /// The measured time per update of `chain` in rows of `row` updates,
    /// else of the unbroken chain, if probed.
    pub fn chain(&self, chain: Chain, row: usize) -> Option<f64> {
        let of = |r: Option<usize>| {
            self.chains
                .iter()
                .find(|c| c.chain == chain && c.row == r)
                .map(|c| c.seconds)
        };
        of(Some(row)).or_else(|| of(None))
    }
}

/// The clock figure checked against independent estimates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockCheck {
    /// Every estimate, the one used (`imul chain`) first.
    pub estimates: Vec<ClockEstimate>,
    /// Whether every estimate is within 10% of the one used.
    pub agree: bool,
    /// What disagrees and what that means, if anything does.
    pub note: Option<String>,
}

impl ClockCheck {
    /// FMA latency in cycles on every current x86-64 core (Intel since
    /// Skylake, AMD since Zen).
    pub const FMA_LATENCY_CYCLES: f64 = 4.0;

    /// How far an estimate may stray from the clock used before the check
    /// says so.
    pub const AGREEMENT: f64 = 0.10;

    /// Source name of the estimate that counts the same core cycles another
    /// way.
    pub const FMA_SOURCE: &'static str = "FMA latency / 4 cycles";

    /// Checks the clock used (`cycle_s` seconds per cycle, measured by
    /// `source`) against `others` (source, Hz). The estimates that count
    /// core cycles must agree within [`ClockCheck::AGREEMENT`]; nominal ones
    /// (a source naming itself `nominal`: the TSC, cpufreq) are reported and
    /// a difference there is noted, but is no disagreement: a core may run
    /// above or below its nominal clock.
    pub fn of(cycle_s: f64, source: &str, others: &[(String, f64)]) -> ClockCheck {
        let used = 1.0 / cycle_s;
        let mut estimates = vec![ClockEstimate {
            source: source.to_string(),
            ghz: used / 1e9,
        }];
        let mut problems = Vec::new();
        let mut remarks = Vec::new();
        for (source, hz) in others {
            estimates.push(ClockEstimate {
                source: source.clone(),
                ghz: hz / 1e9,
            });
            let off = hz / used - 1.0;
            if off.abs() <= Self::AGREEMENT {
                continue;
            }
            let line = format!(
                "{source} gives {:.2} GHz, {:+.0}% from the {:.2} GHz used",
                hz / 1e9,
                off * 100.0,
                used / 1e9
            );
            if source.contains("nominal") {
                remarks.push(line);
            } else {
                problems.push(line);
            }
        }
        let agree = problems.is_empty();
        let mut note = problems;
        if !agree {
            note.push(
                "the clock is uncertain: every cycles-per-update figure of this run may be off by the same factor"
                    .to_string(),
            );
        }
        note.extend(remarks);
        ClockCheck {
            estimates,
            agree,
            note: (!note.is_empty()).then(|| note.join("; ")),
        }
    }
}

impl Probe {
    /// The probe's [`ClockCheck`], or, for a probe written before the check
    /// existed, the check of its clock (then taken from a chain of integer
    /// adds) against its own FMA latency.
    pub fn clock_check_or_derived(&self) -> Option<ClockCheck> {
        if self.clock_check.is_some() {
            return self.clock_check.clone();
        }
        let (cycle, fma) = (self.cycle_s?, self.latency_s.fma?);
        Some(ClockCheck::of(
            cycle,
            "add chain (the probe of this document's time)",
            &[(
                ClockCheck::FMA_SOURCE.to_string(),
                ClockCheck::FMA_LATENCY_CYCLES / fma,
            )],
        ))
    }
}

/// One estimate of the core clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockEstimate {
    /// Where it comes from (`imul chain`, `FMA latency / 4`, `TSC`, ...).
    pub source: String,
    /// Cycles per second, in GHz.
    pub ghz: f64,
}

/// Reciprocal throughput of an operation at one vector width.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WidthTime {
    /// Doubles per instruction.
    pub lanes: usize,
    /// Seconds per instruction.
    pub seconds: f64,
}

/// A Gauss-Seidel update chain: the operations between one point's new
/// value and the next point's, through `u[i,j-1]`, in the order the
/// compilers emit them for `((n + s) * dy2 + (e + w) * dx2) / d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Chain {
    /// `w` → add → multiply → add → divide: the formula as written, no
    /// contraction (rustc).
    AddMulAddDiv,
    /// `w` → add → multiply → FMA → divide: gcc and gfortran contract
    /// `(n + s) * dy2 + (...)` into an FMA whose addend is the chained value
    /// (`-ffp-contract=fast`, their default).
    AddMulFmaDiv,
    /// `w` → add → multiply → FMA → multiply: the same with `-ffast-math`,
    /// which turns the division into a multiply by `1/d`.
    AddMulFmaMul,
}

impl Chain {
    /// Every chain, in probe order.
    pub const ALL: [Chain; 3] = [
        Chain::AddMulAddDiv,
        Chain::AddMulFmaDiv,
        Chain::AddMulFmaMul,
    ];

    /// The operations in words, as the bounds name them.
    pub fn describe(self) -> &'static str {
        match self {
            Chain::AddMulAddDiv => "add+mul+add+div latency chain",
            Chain::AddMulFmaDiv => "add+mul+FMA+div latency chain",
            Chain::AddMulFmaMul => "add+mul+FMA+mul latency chain",
        }
    }
}

/// The measured time per update of one [`Chain`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChainTime {
    /// Which chain.
    pub chain: Chain,
    /// Updates per row, each row's chain starting afresh, as in a sweep;
    /// `null` for one unbroken chain (its latency).
    #[serde(default)]
    pub row: Option<usize>,
    /// Seconds per update.
    pub seconds: f64,
}

/// One time per basic FP operation; `None` where it could not be measured.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct OpTimes {
    /// `add`.
    pub add: Option<f64>,
    /// `mul`.
    pub mul: Option<f64>,
    /// Fused multiply-add.
    pub fma: Option<f64>,
    /// `div`.
    pub div: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Intel Xeon's probe of 93c25e5: an add chain read 17.8 GHz, its
    /// own FMA latency (1.19 ns) says 3.36 GHz. The derived check flags it.
    #[test]
    fn an_old_probe_gets_its_clock_checked_from_its_own_fma_latency() {
        let json = r#"{"host":"vm","cpu":"Intel(R) Xeon(R) Processor","date":"d",
            "cycle_s":5.61578046875e-11,
            "latency_s":{"add":6.4e-10,"mul":8.9e-10,"fma":1.1909761328125e-09,"div":4.16e-09},
            "scalar_throughput_s":{"add":null,"mul":null,"fma":null,"div":null},
            "vector_throughput_s":{"add":null,"mul":null,"fma":null,"div":5.07e-09},
            "vector_lanes":8,"copy_bw_1":1e10,"triad_bw_1":1e10,"copy_bw_all":1.7e10,
            "triad_bw_all":1.9e10,"l2_copy_bw":6.9e10,"l2_bytes":2097152,
            "llc_bytes":503316480,"threads":2}"#;
        let p: Probe = serde_json::from_str(json).unwrap();
        assert_eq!(p.clock_check, None);
        let check = p.clock_check_or_derived().unwrap();
        assert!(!check.agree, "{check:?}");
        assert!((check.estimates[1].ghz - 3.36).abs() < 0.01, "{check:?}");
        assert!(check.estimates[0].source.contains("add chain"));
        assert!(check.note.unwrap().contains("-81%"));
    }
}
