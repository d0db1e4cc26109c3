//! The one set of number formats: every figure the terminal table
//! (`shootout run`), the Markdown report and the charts print goes through
//! these functions, so a number reads the same wherever it appears.
//!
//! Missing and non-finite values print as `-`.

use laplace_core::results::{KernelResult, Probe};

use crate::style::ABOVE_BOUND;

/// From this magnitude up, figures print in exponent notation: no run
/// measures such a figure, but a hand-edited document can hold one (up to
/// 1.8e308, 309 digits in plain notation).
const HUGE: f64 = 1e15;

/// `v` with `digits` significant digits, in plain notation from 1e-4 up to
/// [`HUGE`].
pub fn sig(v: f64, digits: i32) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let mag = v.abs().log10().floor() as i32;
    if mag < -4 || v.abs() >= HUGE {
        return format!("{:.*e}", (digits - 1).max(0) as usize, v);
    }
    let decimals = (digits - 1 - mag).max(0) as usize;
    format!("{v:.decimals$}")
}

/// Seconds, four significant digits: `0.01140`, `12.35`.
pub fn fmt_secs(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| sig(v, 4))
}

/// MLUP/s: no decimals from 100 up, one from 1 up, two significant digits below.
pub fn fmt_mlups(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() && v >= HUGE => sig(v, 3),
        Some(v) if v.is_finite() && v >= 100.0 => format!("{v:.0}"),
        Some(v) if v.is_finite() && v >= 1.0 => format!("{v:.1}"),
        Some(v) => sig(v, 2),
        None => "-".into(),
    }
}

/// MLUP/s as [`fmt_mlups`], with thousands separators from 1,000 up (for
/// chart labels).
pub fn fmt_mlups_grouped(v: f64) -> String {
    if v.is_finite() && (999.5..HUGE).contains(&v) {
        thousands(v.round() as usize)
    } else {
        fmt_mlups(Some(v))
    }
}

/// A ratio without a unit: `1.00`, `0.42`, `123`, `0.0042`.
pub fn fmt_ratio(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() && v >= HUGE => sig(v, 3),
        Some(v) if v.is_finite() && v >= 100.0 => format!("{v:.0}"),
        Some(v) if v.is_finite() && v >= 0.01 => format!("{v:.2}"),
        Some(v) if v.is_finite() => sig(v, 2),
        _ => "-".into(),
    }
}

/// A relative factor, a [`fmt_ratio`] with `x`: `1.00x`, `0.42x`, `123x`.
pub fn fmt_relative(v: Option<f64>) -> String {
    match fmt_ratio(v) {
        dash if dash == "-" => dash,
        r => format!("{r}x"),
    }
}

/// A kernel's percentage of its bound, two significant digits (`97%`,
/// `5.4%`), or [`ABOVE_BOUND`] when it beat its bound by more than the
/// noise (the bound's model is wrong there, so a percentage would measure
/// the model, not the kernel).
pub fn fmt_percent_of_bound(r: &KernelResult) -> String {
    if r.bound_exceeded {
        return ABOVE_BOUND.to_string();
    }
    r.percent_of_bound
        .filter(|p| p.is_finite())
        .map_or_else(|| "-".into(), |p| format!("{}%", sig(p, 2)))
}

/// Core cycles per lattice update, three significant digits.
pub fn fmt_cycles(v: Option<f64>) -> String {
    v.filter(|c| c.is_finite())
        .map_or_else(|| "-".into(), |c| sig(c, 3))
}

/// A count of sweeps with thousands separators: `8,000`.
pub fn fmt_sweeps(v: Option<usize>) -> String {
    v.map_or_else(|| "-".into(), thousands)
}

/// `12345` as `12,345`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration with three significant digits and a unit: `1.23 s`,
/// `18.3 ms`, `152 µs`.
pub fn fmt_duration(s: f64) -> String {
    if !s.is_finite() {
        return "-".into();
    }
    let a = s.abs();
    if a >= 1.0 || a == 0.0 {
        format!("{} s", sig(s, 3))
    } else if a >= 1e-3 {
        format!("{} ms", sig(s * 1e3, 3))
    } else if a >= 1e-6 {
        format!("{} µs", sig(s * 1e6, 3))
    } else {
        format!("{} ns", sig(s * 1e9, 3))
    }
}

/// A bandwidth in bytes per second as `32.7 GB/s` (decimal units).
pub fn fmt_bandwidth(bytes_per_s: f64) -> String {
    if !(bytes_per_s.is_finite() && bytes_per_s > 0.0) {
        return "-".into();
    }
    if bytes_per_s >= 1e9 {
        format!("{} GB/s", sig(bytes_per_s / 1e9, 3))
    } else {
        format!("{} MB/s", sig(bytes_per_s / 1e6, 3))
    }
}

/// A size in bytes in binary units: `1 MiB`, `32 MiB`, `512 KiB`.
pub fn fmt_bytes(b: usize) -> String {
    const KIB: usize = 1 << 10;
    const MIB: usize = 1 << 20;
    if b >= MIB && b.is_multiple_of(MIB) {
        format!("{} MiB", b / MIB)
    } else if b >= MIB {
        format!("{} MiB", sig(b as f64 / MIB as f64, 3))
    } else if b >= KIB {
        format!("{} KiB", sig(b as f64 / KIB as f64, 3))
    } else {
        format!("{b} B")
    }
}

/// Nanoseconds with three significant digits, `-` if not measured.
pub fn fmt_ns(s: Option<f64>) -> String {
    s.filter(|s| s.is_finite())
        .map_or_else(|| "-".into(), |s| sig(s * 1e9, 3))
}

/// The clock of a probe, `3.93 GHz`.
pub fn fmt_clock(p: &Probe) -> Option<String> {
    let c = p.cycle_s.filter(|c| c.is_finite() && *c > 0.0)?;
    Some(format!("{} GHz", sig(1e-9 / c, 3)))
}

/// What a result's verification was, beside its name, where it is not the
/// default: ` (bit-exact)` for tolerance 0, ` (tolerance 1e-10)` for any
/// other than [`laplace_core::Kernel::TOLERANCE`]; empty otherwise (and for
/// a kernel that did not verify). The terminal table and the report both
/// use it.
pub fn fmt_tolerance_note(r: &KernelResult) -> String {
    if !r.verified || r.tolerance == laplace_core::Kernel::TOLERANCE {
        String::new()
    } else if r.tolerance == 0.0 {
        " (bit-exact)".into()
    } else {
        format!(" (tolerance {:.0e})", r.tolerance)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_to_significant_digits() {
        assert_eq!(sig(1.23456, 4), "1.235");
        assert_eq!(sig(0.0123456, 4), "0.01235");
        assert_eq!(sig(12345.6, 4), "12346");
        assert_eq!(sig(0.0, 4), "0");
        assert_eq!(sig(1.5e-7, 3), "1.50e-7");
        assert_eq!(fmt_secs(Some(0.0114)), "0.01140");
        assert_eq!(fmt_secs(Some(12.3456)), "12.35");
        assert_eq!(fmt_secs(None), "-");
        assert_eq!(fmt_relative(Some(1.0)), "1.00x");
        assert_eq!(fmt_relative(Some(0.4213)), "0.42x");
        assert_eq!(fmt_relative(Some(250.0)), "250x");
        assert_eq!(fmt_relative(None), "-");
        assert_eq!(fmt_relative(Some(f64::NAN)), "-");
        assert_eq!(fmt_ratio(Some(1.0234)), "1.02");
        assert_eq!(fmt_cycles(Some(1.8234)), "1.82");
        assert_eq!(fmt_cycles(Some(12.34)), "12.3");
        assert_eq!(fmt_sweeps(Some(12345)), "12,345");
        assert_eq!(fmt_sweeps(None), "-");
        assert_eq!(thousands(8000), "8,000");
        assert_eq!(fmt_mlups(Some(990.0)), "990");
        assert_eq!(fmt_mlups(Some(12.34)), "12.3");
        assert_eq!(fmt_mlups(Some(0.92)), "0.92");
        assert_eq!(thousands(123), "123");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(fmt_duration(0.0183), "18.3 ms");
        assert_eq!(fmt_duration(1.5), "1.50 s");
        assert_eq!(fmt_duration(0.000152), "152 µs");
        assert_eq!(fmt_bandwidth(32.7456e9), "32.7 GB/s");
        assert_eq!(fmt_bytes(1 << 20), "1 MiB");
        assert_eq!(fmt_bytes(512 << 10), "512 KiB");
        assert_eq!(fmt_ns(Some(9.88e-10)), "0.988");
        assert_eq!(fmt_mlups_grouped(8096.6), "8,097");
        assert_eq!(fmt_mlups_grouped(222.8), "223");
        assert_eq!(fmt_mlups_grouped(12.34), "12.3");
    }

    /// A hand-edited document can hold 1.8e308 MLUP/s: its figures print in
    /// a few characters, not 309 digits (or usize::MAX grouped).
    #[test]
    fn absurd_figures_print_short() {
        for v in [1e15, f64::MAX, -1e300] {
            for s in [
                sig(v, 3),
                fmt_mlups(Some(v)),
                fmt_mlups_grouped(v),
                fmt_ratio(Some(v)),
                fmt_relative(Some(v)),
                fmt_cycles(Some(v)),
            ] {
                assert!(s.len() <= 10, "{v}: {s}");
            }
        }
        assert_eq!(fmt_mlups(Some(f64::MAX)), "1.80e308");
        assert_eq!(fmt_mlups_grouped(f64::MAX), "1.80e308");
        assert_eq!(fmt_relative(Some(2.5e20)), "2.50e20x");
        assert_eq!(fmt_mlups_grouped(1e14), "100,000,000,000,000");
    }

    #[test]
    fn percent_of_bound_or_the_above_bound_mark() {
        let json = r#"{"kernel":"c/array","language":"c","form":"array","scheme":"jacobi",
            "flags":"cc -O3","compiler":"gcc","verified":true,"tolerance":1e-12,
            "max_abs_diff":0.0,"error":null,"best_s":1.0,"median_s":1.0,"max_s":1.0,
            "mlups":107.0,"relative":1.0,"grid_file":null,"percent_of_bound":107.0,
            "bound_mlups":100.0,"bound_exceeded":true}"#;
        let mut r: KernelResult = serde_json::from_str(json).unwrap();
        assert_eq!(fmt_percent_of_bound(&r), ABOVE_BOUND);
        r.bound_exceeded = false;
        assert_eq!(fmt_percent_of_bound(&r), "107%");
        r.percent_of_bound = Some(5.43);
        assert_eq!(fmt_percent_of_bound(&r), "5.4%");
        r.percent_of_bound = None;
        assert_eq!(fmt_percent_of_bound(&r), "-");
    }
}
