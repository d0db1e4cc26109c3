//! Running a child process with a time limit, collecting its output.
//!
//! The child runs in a process group of its own. At the deadline the whole
//! group is killed, and after the child exits so is anything it left
//! behind in the group (a shell wrapper's children, a background process
//! holding its stdout open), so a kernel never outlives its time or keeps
//! the runner waiting. Output beyond [`MAX_OUTPUT`] bytes per stream is read
//! and dropped, not kept.

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Bytes kept of each of a child's stdout and stderr (the rest is read and
/// dropped, so the child never blocks on a full pipe).
pub const MAX_OUTPUT: usize = 16 << 20;

/// How long the runner waits for a child's pipes to close after the child
/// has exited and its group has been killed.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// What a finished process left.
#[derive(Debug, Clone)]
pub struct Output {
    /// Whether it exited with status 0.
    pub success: bool,
    /// Its exit status, in words.
    pub status: String,
    /// Standard output, lossily decoded (at most [`MAX_OUTPUT`] bytes).
    pub stdout: String,
    /// Standard error, lossily decoded (at most [`MAX_OUTPUT`] bytes).
    pub stderr: String,
    /// Seconds from spawn to exit.
    pub wall_s: f64,
}

/// Kills every process of group `pgid` (a no-op once it is empty).
fn kill_group(pgid: u32) {
    let Ok(pgid) = libc::pid_t::try_from(pgid) else {
        return;
    };
    // SAFETY: kill(2) with a negative pid signals the process group; it
    // touches no memory of ours. The group is the child's own (process_group
    // (0) below), so nothing else is signalled.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

/// Reads `pipe` to its end on a thread of its own, keeping the first
/// [`MAX_OUTPUT`] bytes; the text arrives on the returned channel.
fn drain(pipe: Option<Box<dyn Read + Send>>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut kept = Vec::new();
        if let Some(mut p) = pipe {
            let mut buf = [0u8; 64 << 10];
            while let Ok(n) = p.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let room = MAX_OUTPUT.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
        let _ = tx.send(String::from_utf8_lossy(&kept).into_owned());
    });
    rx
}

/// Runs `argv` with `env` added to this process's environment; kills its
/// process group after `limit`. Errors are in words, ready for a report.
pub fn run(
    argv: &[String],
    env: &BTreeMap<String, String>,
    limit: Duration,
) -> Result<Output, String> {
    let (program, args) = argv.split_first().ok_or("empty command")?;
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start `{program}`: {e}"))?;
    let pgid = child.id();
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() < limit => thread::sleep(Duration::from_millis(2)),
            Ok(None) => {
                kill_group(pgid);
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{program}` did not finish within {} s and was killed",
                    limit.as_secs()
                ));
            }
            Err(e) => {
                kill_group(pgid);
                return Err(format!("waiting for `{program}`: {e}"));
            }
        }
    };
    let wall_s = start.elapsed().as_secs_f64();
    // Whatever it left running in its group goes too, so that no
    // grandchild holds the pipes open.
    kill_group(pgid);
    let text = |rx: mpsc::Receiver<String>, which: &str| {
        rx.recv_timeout(DRAIN_GRACE).unwrap_or_else(|_| {
            format!("(`{program}`'s {which} was still held open by a process outside its group)")
        })
    };
    Ok(Output {
        success: status.success(),
        status: status.to_string(),
        stdout: text(stdout, "stdout"),
        stderr: text(stderr, "stderr"),
        wall_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, limit: Duration) -> Result<Output, String> {
        run(
            &["sh".into(), "-c".into(), script.into()],
            &BTreeMap::from([("GREETING".into(), "hello".into())]),
            limit,
        )
    }

    #[test]
    fn collects_output_and_environment() {
        let out = sh(
            "echo $GREETING; echo oops >&2; exit 3",
            Duration::from_secs(10),
        )
        .unwrap();
        assert!(!out.success);
        assert_eq!(out.stdout, "hello\n");
        assert_eq!(out.stderr, "oops\n");
        assert!(out.status.contains('3'), "{}", out.status);
    }

    #[test]
    fn kills_at_the_limit() {
        let err = sh("sleep 5", Duration::from_millis(100)).unwrap_err();
        assert!(err.contains("killed"), "{err}");
    }

    #[test]
    fn missing_program_is_an_error() {
        let err = run(
            &["/no/such/program".into()],
            &BTreeMap::new(),
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(err.contains("cannot start"), "{err}");
    }

    /// Issue 15: a grandchild that keeps stdout open made the runner wait
    /// for it; a kernel started through a shell wrapper outlived the run.
    #[test]
    fn a_background_grandchild_is_killed_with_the_group() {
        let start = Instant::now();
        let out = sh("sleep 30 & echo started", Duration::from_secs(10)).unwrap();
        assert!(out.success);
        assert_eq!(out.stdout, "started\n");
        // Not 30 s: the group was killed when the shell exited.
        assert!(start.elapsed() < Duration::from_secs(10));
        let err = sh("sh -c 'sleep 30'; true", Duration::from_millis(200)).unwrap_err();
        assert!(err.contains("killed"), "{err}");
    }

    #[test]
    fn output_beyond_the_cap_is_dropped() {
        let out = sh(
            "head -c 20000000 /dev/zero | tr '\\0' x",
            Duration::from_secs(20),
        )
        .unwrap();
        assert_eq!(out.stdout.len(), MAX_OUTPUT);
    }
}
