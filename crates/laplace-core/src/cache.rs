//! The cache sizes of this machine, read once, shared by the kernels that
//! choose their method by the problem's size, the probe and the bounds, so
//! that all three see the same numbers.

use std::sync::OnceLock;

/// Per-core L1 data and L2 sizes and the last-level cache size, in bytes,
/// with where each came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSizes {
    /// L1 data cache of one core.
    pub l1: usize,
    /// L2 of one core.
    pub l2: usize,
    /// The last-level cache (L3, or L2 where there is no L3), as the OS
    /// reports it. A virtual machine may report the host's whole L3.
    pub llc: usize,
    /// One line per level: its size and its source.
    pub source: Vec<String>,
}

/// Defaults where the OS says nothing: a common L1d, L2 and L3.
const DEFAULT: (usize, usize, usize) = (32 << 10, 1 << 20, 32 << 20);

/// This machine's cache sizes (read from sysfs once per process).
pub fn sizes() -> &'static CacheSizes {
    static SIZES: OnceLock<CacheSizes> = OnceLock::new();
    SIZES.get_or_init(|| read_sysfs("/sys/devices/system/cpu/cpu0/cache"))
}

/// Reads `dir/index*/{level,type,size,shared_cpu_list}`.
fn read_sysfs(dir: &str) -> CacheSizes {
    let mut found: [Option<(usize, String)>; 4] = Default::default();
    for index in 0..8 {
        let at = format!("{dir}/index{index}");
        let read = |f: &str| std::fs::read_to_string(format!("{at}/{f}")).ok();
        let (Some(level), Some(kind), Some(size)) = (read("level"), read("type"), read("size"))
        else {
            continue;
        };
        let (Ok(level), Some(bytes)) = (level.trim().parse::<usize>(), parse_size(size.trim()))
        else {
            continue;
        };
        if kind.trim() == "Instruction" || !(1..=3).contains(&level) {
            continue;
        }
        let shared = read("shared_cpu_list")
            .map_or_else(String::new, |s| format!(", shared by CPUs {}", s.trim()));
        found[level] = Some((bytes, format!("sysfs cpu0/cache/index{index}{shared}")));
    }
    let pick = |level: usize, default: usize| {
        found[level].clone().map_or_else(
            || (default, "default (not reported by the OS)".to_string()),
            |(b, s)| (b, s),
        )
    };
    let (l1, l1_src) = pick(1, DEFAULT.0);
    let (l2, l2_src) = pick(2, DEFAULT.1);
    let (llc, llc_src, llc_level) = match &found[3] {
        Some((b, s)) => (*b, s.clone(), "L3"),
        None if found[2].is_some() => (l2, l2_src.clone(), "L2"),
        None => (
            DEFAULT.2,
            "default (not reported by the OS)".to_string(),
            "L3",
        ),
    };
    let kib = |b: usize| b >> 10;
    CacheSizes {
        l1,
        l2,
        llc,
        source: vec![
            format!("L1d {} KiB: {l1_src}", kib(l1)),
            format!("L2 {} KiB: {l2_src}", kib(l2)),
            format!("last level ({llc_level}) {} KiB: {llc_src}", kib(llc)),
        ],
    }
}

/// `32K`, `1024K`, `32M` or a plain byte count.
fn parse_size(s: &str) -> Option<usize> {
    let (digits, shift) = match s.as_bytes().last()? {
        b'K' => (&s[..s.len() - 1], 10),
        b'M' => (&s[..s.len() - 1], 20),
        b'G' => (&s[..s.len() - 1], 30),
        _ => (s, 0),
    };
    digits.parse::<usize>().ok()?.checked_mul(1 << shift)
}

/// Whether a Jacobi problem of `cells` values per grid spills out of the
/// last-level cache: its two grids do not fit in it. Kernels built for the
/// memory-bound regime (streaming stores) use their method only then, and
/// the bounds use the same rule.
pub fn jacobi_spills(cells: usize, llc: usize) -> bool {
    cells.saturating_mul(16) > llc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("32K"), Some(32 << 10));
        assert_eq!(parse_size("491520K"), Some(480 << 20));
        assert_eq!(parse_size("32M"), Some(32 << 20));
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("x"), None);
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri's isolation forbids opening files")]
    fn missing_sysfs_gives_labelled_defaults() {
        let c = read_sysfs("/nonexistent");
        assert_eq!((c.l1, c.l2, c.llc), DEFAULT);
        assert!(
            c.source.iter().all(|s| s.contains("default")),
            "{:?}",
            c.source
        );
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri's isolation forbids opening files")]
    fn this_machine_reports_ordered_sizes() {
        let c = sizes();
        assert!(c.l1 <= c.l2 && c.l2 <= c.llc.max(c.l2), "{c:?}");
        assert_eq!(c.source.len(), 3);
    }

    #[test]
    fn spilling_is_two_grids_beyond_the_llc() {
        assert!(!jacobi_spills(100 * 100, 32 << 20));
        assert!(jacobi_spills(4000 * 4000, 32 << 20));
        assert!(!jacobi_spills(4000 * 4000, 480 << 20));
    }
}
