//! What machine and toolchains produced a result.

use std::collections::BTreeMap;
use std::process::Command;

use laplace_core::results::{CpuSignature, Provenance};

use crate::provenance as build;

/// Everything the results document records about this machine and build.
pub fn provenance(threads: usize) -> Provenance {
    Provenance {
        date: utc_now(),
        git_commit: git_commit(),
        host: host(),
        cpu: cpu_model(),
        cpu_signature: cpu_signature(),
        isa: isa(),
        logical_cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        os: os_name(),
        rustc: build::RUSTC.to_string(),
        target_cpu: build::TARGET_CPU.to_string(),
        profile: build::PROFILE.to_string(),
        compilers: compilers(),
        c_compiler: None,
        fortran_compiler: None,
        threads,
    }
}

/// The host name.
pub fn host() -> String {
    read_trimmed("/proc/sys/kernel/hostname")
        .or_else(|| command_line("hostname", &[]))
        .unwrap_or_else(|| "unknown".into())
}

/// The compiler of each foreign language, from the build record of its
/// first registered kernel.
fn compilers() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for k in crate::registry::KERNELS {
        let lang = k.language();
        if laplace_core::Language::find(lang).is_some_and(|l| l.foreign.is_some()) {
            out.entry(lang.to_string())
                .or_insert_with(|| k.build.compiler.to_string());
        }
    }
    out
}

fn read_trimmed(path: &str) -> Option<String> {
    let s = std::fs::read_to_string(path).ok()?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn command_line(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    let s = String::from_utf8(out.stdout).ok()?;
    let s = s.trim();
    (out.status.success() && !s.is_empty()).then(|| s.to_string())
}

/// The commit of the checkout the binary was built from, with `-dirty` if
/// tracked files differ from it.
fn git_commit() -> Option<String> {
    let dir = env!("CARGO_MANIFEST_DIR");
    let head = command_line("git", &["-C", dir, "rev-parse", "HEAD"])?;
    let dirty = Command::new("git")
        .args(["-C", dir, "diff", "--quiet", "HEAD", "--"])
        .status()
        .is_ok_and(|s| s.code() == Some(1));
    Some(if dirty { format!("{head}-dirty") } else { head })
}

/// The CPU model from `/proc/cpuinfo`.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// Vendor, family, model and stepping from `/proc/cpuinfo` (x86 only).
pub fn cpu_signature() -> Option<CpuSignature> {
    CpuSignature::from_cpuinfo(&std::fs::read_to_string("/proc/cpuinfo").ok()?)
}

/// The SIMD extensions the kernels (and the compilers at `-march=native`)
/// care about, as detected on this CPU, in a fixed order.
pub fn isa() -> Vec<String> {
    #[cfg(target_arch = "x86_64")]
    {
        macro_rules! detect {
            ($($f:tt),*) => {
                [$((stringify!($f), std::arch::is_x86_feature_detected!($f))),*]
            };
        }
        let found = detect!(
            "sse2",
            "sse4.2",
            "avx",
            "avx2",
            "fma",
            "avx512f",
            "avx512dq",
            "avx512bw",
            "avx512vl",
            "avx512ifma",
            "avx512vbmi",
            "avx512fp16"
        );
        found
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(name, _)| name.trim_matches('"').to_string())
            .collect()
    }
    #[cfg(not(target_arch = "x86_64"))]
    Vec::new()
}

fn os_name() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        });
    let kernel = read_trimmed("/proc/sys/kernel/osrelease");
    match (pretty, kernel) {
        (Some(p), Some(k)) => format!("{p}, Linux {k}"),
        (Some(p), None) => p,
        (None, Some(k)) => format!("Linux {k}"),
        (None, None) => std::env::consts::OS.to_string(),
    }
}

/// Now, as RFC 3339 UTC (`2026-11-25T17:04:33Z`).
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_utc(secs)
}

/// Seconds since the Unix epoch as RFC 3339 UTC.
pub fn format_utc(secs: u64) -> String {
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (H. Hinnant), valid for every date after 1970.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isa_is_in_fixed_order_and_never_empty_on_x86_64() {
        let isa = isa();
        if cfg!(target_arch = "x86_64") {
            assert_eq!(isa.first().map(String::as_str), Some("sse2"));
        }
    }

    #[test]
    fn formats_dates() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(1_795_964_673), "2026-11-29T15:04:33Z");
    }
}
