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
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::interrupt;

/// Bytes kept of each of a child's stdout and stderr (the rest is read and
/// dropped, so the child never blocks on a full pipe).
pub const MAX_OUTPUT: usize = 16 << 20;

/// How long the runner waits for a child's pipes to close after the child
/// has exited and its group has been killed.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// Why a process gave no [`Output`].
#[derive(Debug, Clone, PartialEq)]
pub enum RunError {
    /// It ran past its limit and was killed with its process group.
    TimedOut {
        /// The limit, in seconds.
        seconds: f64,
        /// The program.
        program: String,
    },
    /// It could not be started or waited for.
    Other(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::TimedOut { seconds, program } => write!(
                f,
                "{} {seconds} s (`{program}` was killed with its process group)",
                super::TIMED_OUT
            ),
            RunError::Other(message) => f.write_str(message),
        }
    }
}

impl From<RunError> for String {
    fn from(e: RunError) -> String {
        e.to_string()
    }
}

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

/// Runs `argv` with `env` added to this process's environment, in a
/// process group of its own (registered with [`interrupt`], so that a
/// signal to the runner kills it too); kills the group after `limit`.
/// Errors are in words, ready for a report.
pub fn run(
    argv: &[String],
    env: &BTreeMap<String, String>,
    limit: Duration,
) -> Result<Output, RunError> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| RunError::Other("empty command".into()))?;
    let start = Instant::now();
    let mut child = interrupt::spawn(
        Command::new(program)
            .args(args)
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
    .map_err(|e| RunError::Other(format!("cannot start `{program}`: {e}")))?;
    let pgid = libc::pid_t::try_from(child.id()).unwrap_or(0);
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
                interrupt::end_group(pgid);
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::TimedOut {
                    seconds: limit.as_secs_f64(),
                    program: program.clone(),
                });
            }
            Err(e) => {
                interrupt::end_group(pgid);
                return Err(RunError::Other(format!("waiting for `{program}`: {e}")));
            }
        }
    };
    let wall_s = start.elapsed().as_secs_f64();
    // Whatever it left running in its group goes too, so that no
    // grandchild holds the pipes open.
    interrupt::end_group(pgid);
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

    fn sh(script: &str, limit: Duration) -> Result<Output, RunError> {
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
        let err = sh("sleep 5", Duration::from_secs(1)).unwrap_err();
        assert_eq!(
            err,
            RunError::TimedOut {
                seconds: 1.0,
                program: "sh".into()
            }
        );
        // Issue 15: a timeout is said to be one, not a failed verification.
        assert!(err.to_string().starts_with("timed out after 1 s"), "{err}");
    }

    #[test]
    fn missing_program_is_an_error() {
        let err = run(
            &["/no/such/program".into()],
            &BTreeMap::new(),
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(err.to_string().contains("cannot start"), "{err}");
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
        assert!(err.to_string().contains("killed"), "{err}");
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
