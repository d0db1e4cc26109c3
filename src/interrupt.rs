//! Cleaning up on SIGINT, SIGTERM and SIGHUP: the running external kernel's
//! process group is killed and the runner's `shootout-external-*` temporary
//! folders are removed before `shootout` exits with 128 + the signal's
//! number (130 for Ctrl-C, 143 for `kill`).
//!
//! [`install`] blocks the three signals in the calling thread (every thread
//! started later inherits the mask; a child process does not: the standard
//! library clears the mask before `exec`) and waits for them with
//! `sigwait(2)` on a thread of its own, so the cleanup runs as ordinary
//! code, not in a signal handler. What is live is registered here:
//! [`spawn`] starts a child in a process group of its own while holding the
//! registry's lock, so a signal cannot fall between the start and the
//! registration, and [`TempDir`] is a temporary folder removed on drop or
//! on a signal. Nothing is started or made after the cleanup began: it
//! holds the lock until the process exits.

use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// What a signal must clean up.
#[derive(Debug, Default)]
struct Live {
    /// Process groups of running children.
    groups: Vec<libc::pid_t>,
    /// Temporary folders that exist.
    dirs: Vec<PathBuf>,
}

static LIVE: Mutex<Live> = Mutex::new(Live {
    groups: Vec::new(),
    dirs: Vec::new(),
});

fn live() -> MutexGuard<'static, Live> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The signals that clean up and exit.
const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// Kills every process of group `pgid` (a no-op once it is empty).
pub fn kill_group(pgid: libc::pid_t) {
    if pgid <= 0 {
        return;
    }
    // SAFETY: kill(2) with a negative pid signals the process group; it
    // touches no memory of ours. The group is a child's own (spawned with
    // process_group(0)), so nothing else is signalled.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

/// Starts `command` in a process group of its own (its pid is the group's
/// id) and registers the group, so that a signal kills it. Call
/// [`forget_group`] once the group has been killed.
pub fn spawn(command: &mut Command) -> io::Result<Child> {
    let mut live = live();
    let child = command.process_group(0).spawn()?;
    if let Ok(pgid) = libc::pid_t::try_from(child.id()) {
        live.groups.push(pgid);
    }
    Ok(child)
}

/// Kills group `pgid` and stops tracking it.
pub fn end_group(pgid: libc::pid_t) {
    let mut live = live();
    kill_group(pgid);
    live.groups.retain(|&g| g != pgid);
}

/// A temporary folder, removed when dropped or when a signal ends the run.
#[derive(Debug)]
pub struct TempDir {
    dir: Option<tempfile::TempDir>,
}

impl TempDir {
    /// A new folder `<temp>/<prefix>XXXXXX`, registered for removal on a signal.
    pub fn new(prefix: &str) -> io::Result<TempDir> {
        let mut live = live();
        let dir = tempfile::Builder::new().prefix(prefix).tempdir()?;
        live.dirs.push(dir.path().to_path_buf());
        Ok(TempDir { dir: Some(dir) })
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.as_ref().map_or(Path::new(""), |d| d.path())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let mut live = live();
        if let Some(dir) = self.dir.take() {
            live.dirs.retain(|d| d != dir.path());
            // Removed under the lock: a signal sees it registered or gone.
            let _ = dir.close();
        }
    }
}

/// Kills every registered group and removes every registered folder;
/// returns the lock, still held, so that nothing new starts.
fn clean_up() -> MutexGuard<'static, Live> {
    let live = live();
    for &g in &live.groups {
        kill_group(g);
    }
    for d in &live.dirs {
        let _ = std::fs::remove_dir_all(d);
    }
    live
}

/// Blocks SIGINT, SIGTERM and SIGHUP in this thread and every thread it
/// starts later, and starts a thread that waits for them: on one, it kills
/// the running kernels' process groups, removes the temporary folders,
/// says so on stderr and exits with 128 + the signal. Call it first in
/// `main`, before any other thread exists. On failure the signals keep
/// their default action (the process dies without cleaning up).
pub fn install() {
    // SAFETY: sigset_t is plain data that sigemptyset initialises; the
    // calls only read and write `set`, which lives across them.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in SIGNALS {
            libc::sigaddset(&mut set, s);
        }
        set
    };
    // SAFETY: `set` is an initialised signal set; the old mask is not asked for.
    if unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) } != 0 {
        return;
    }
    let started = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            loop {
                let mut signal: libc::c_int = 0;
                // SAFETY: `set` is an initialised signal set, blocked in
                // every thread; sigwait writes the signal taken to `signal`.
                if unsafe { libc::sigwait(&set, &mut signal) } != 0 {
                    continue;
                }
                let _live = clean_up();
                let name = match signal {
                    libc::SIGINT => "SIGINT",
                    libc::SIGTERM => "SIGTERM",
                    _ => "SIGHUP",
                };
                let message = format!(
                    "\nshootout: {name}: stopped; the running kernel's processes were killed and \
                     its temporary files removed\n"
                );
                // SAFETY: write(2) on stderr from a buffer that outlives the
                // call (stderr's lock may be held by a thread that will never
                // run again, so it is not taken); _exit(2) ends the process
                // at once, without running other threads' exit handlers
                // while they are inside a kernel.
                unsafe {
                    libc::write(2, message.as_ptr().cast(), message.len());
                    libc::_exit(128 + signal);
                }
            }
        });
    if started.is_err() {
        // SAFETY: as above; the signals get their default action back.
        unsafe {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_dirs_are_tracked_until_dropped() {
        let dir = TempDir::new("shootout-interrupt-test-").unwrap();
        let path = dir.path().to_path_buf();
        assert!(path.is_dir());
        assert!(live().dirs.contains(&path));
        drop(dir);
        assert!(!path.exists());
        assert!(!live().dirs.contains(&path));
    }

    #[test]
    fn spawned_groups_are_tracked_until_ended() {
        let mut child = spawn(Command::new("sleep").arg("30")).unwrap();
        let pgid = libc::pid_t::try_from(child.id()).unwrap();
        assert!(live().groups.contains(&pgid));
        end_group(pgid);
        assert!(!live().groups.contains(&pgid));
        // Killed, not left to sleep.
        let status = child.wait().unwrap();
        assert!(!status.success());
    }
}
