//! How much of the machine other processes used while the probe ran.
//!
//! A probe measured while something else runs (a build, another benchmark)
//! reads bandwidths and throughputs several times too low, and every bound
//! derived from it is wrong until the cache is replaced: seen on a 2-core VM,
//! where a probe taken during two compilations cached 1.4 GB/s for an L2
//! that copies at 66 GB/s. Linux's `/proc/stat` counts the busy time of
//! every CPU (steal time included: on a VM, the host taking the core is
//! contention too) and `/proc/self/stat` this process's own, so their
//! difference over the probe is what others used.

/// Above this share of the machine's CPU time used by other processes, a
/// probe is not trusted enough to be cached.
pub const MAX_OTHERS: f64 = 0.10;

/// Busy and total clock ticks of all CPUs since boot (`/proc/stat`).
fn machine_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let v: Vec<u64> = line
        .split_whitespace()
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal [guest guest_nice, in user]
    let get = |k: usize| v.get(k).copied().unwrap_or(0);
    let busy = get(0) + get(1) + get(2) + get(5) + get(6) + get(7);
    Some((busy, busy + get(3) + get(4)))
}

/// This process's user + system clock ticks, with those of its children
/// that it has waited for (external kernels): `/proc/self/stat` fields 14
/// to 17, counted after the parenthesised command name.
fn own_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state), so field n is f[n - 3].
    (11..=14).map(|k| f.get(k)?.parse::<u64>().ok()).sum()
}

/// A reading of the machine's and this process's CPU time.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    machine: Option<(u64, u64)>,
    own: Option<u64>,
}

impl Snapshot {
    /// Now.
    pub fn take() -> Self {
        Snapshot {
            machine: machine_ticks(),
            own: own_ticks(),
        }
    }

    /// The share of the machine's CPU time (0 to 1) that other processes
    /// used since `self`, or `None` where `/proc` cannot tell (or too little
    /// time passed to tell).
    pub fn others_since(&self) -> Option<f64> {
        let now = Snapshot::take();
        let ((busy0, total0), (busy1, total1)) = (self.machine?, now.machine?);
        let own = now.own?.checked_sub(self.own?)?;
        let total = total1.checked_sub(total0)?;
        if total < 50 {
            return None;
        }
        let others = busy1.saturating_sub(busy0).saturating_sub(own);
        Some(others as f64 / total as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_proc_on_linux() {
        if cfg!(target_os = "linux") {
            let (busy, total) = machine_ticks().expect("/proc/stat");
            assert!(busy <= total);
            own_ticks().expect("/proc/self/stat");
        }
    }

    #[test]
    fn others_share_is_a_fraction() {
        let before = Snapshot::take();
        // Spin long enough for the kernel's tick counters to move.
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while start.elapsed().as_millis() < 300 {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        if let Some(share) = before.others_since() {
            assert!((0.0..=1.0).contains(&share), "{share}");
        }
    }
}
