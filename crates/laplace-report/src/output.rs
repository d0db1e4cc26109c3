//! Writing the report as a whole. Every file is rendered into a fresh
//! folder beside the output folder, `.<name>.tmp-<pid>-<n>`, which is then
//! swapped in: the old folder is renamed to `.<name>.old-<pid>-<n>`, the
//! new one to the output folder's name, and the old one removed. A reader
//! sees the old report or the new one, never a mix (at most, for the
//! instant between the two renames, no folder).
//!
//! - **One writer at a time.** The swap runs under an exclusive lock on
//!   `.<name>.lock` beside the folder (an advisory `flock`, released by the
//!   kernel when its process dies, so a killed run never leaves a lock that
//!   holds; the file is removed when the lock is let go). A second writer
//!   waits for the first, up to [`LOCK_WAIT`].
//! - **Leftovers are repaired.** Under the lock, any `.<name>.tmp-*` or
//!   `.<name>.old-*` folder is from a run that was killed: a missing output
//!   folder is restored from its `.old-*`, then they are removed, as are
//!   `.<file>.<pid>.<n>.tmp` files an interrupted earlier writer left in it.
//! - **Only the report's folder is replaced.** The report lists what it
//!   wrote in [`MARKER_FILE`]; a folder holding anything else (an unrelated
//!   `README.md`, a source tree, `--out .`) is refused, naming the file,
//!   unless [`Foreign::Overwrite`]. The one exception is what the report
//!   reads: an input inside the folder (`run --report`'s `results.json`, the
//!   committed report's `machines/`) is carried into the new folder by hard
//!   links and kept. A folder written before the marker existed is
//!   recognised by its README's title, and its charts by their names.
//! - **With [`Foreign::Overwrite`]** the report's files are written over
//!   in place, each atomically, and files the report did not write are
//!   kept (one with a report file's name, such as `README.md`, is
//!   replaced): no file of the user's is ever deleted, at the price of the
//!   report not being swapped in as a whole. So is a folder that holds the
//!   current directory, which a swap would move out from under the shell.

use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::atomic::{WriteError, write_atomic, write_temp};
use crate::{REPORT_FILE, ReportError, charts};

/// The file, in the output folder, that lists the files the report wrote
/// there, one a line; what it does not list is not the report's.
pub const MARKER_FILE: &str = ".shootout-report";

/// How long a second writer waits for the first to let go of the lock.
pub const LOCK_WAIT: Duration = Duration::from_secs(60);

/// What to do with an output folder that holds files the report did not
/// write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Foreign {
    /// Refuse, naming one ([`ReportError::Foreign`]), and write nothing.
    #[default]
    Refuse,
    /// Write the report's files over in place, each atomically, keeping
    /// every other file: a file with a report file's name (`README.md`,
    /// `speed.svg`, ...) is replaced, no other file is touched, and a chart
    /// not drawn this time is removed only if the marker says the report
    /// wrote it. The report is then not swapped in as a whole.
    Overwrite,
}

/// The output folder's lock, held by this process until dropped: nobody
/// else writes the report in that folder meanwhile. [`crate::render_with`]
/// takes it itself; a caller that writes its own files into the folder
/// before the report (`shootout run --report` and its `results.json`)
/// takes it first and passes it on, so that the two are one update.
#[derive(Debug)]
pub struct OutputLock {
    target: Target,
    path: PathBuf,
    // Closed (and so unlocked) after `drop` has removed the file.
    _file: File,
}

impl OutputLock {
    /// Takes the lock of output folder `out`, creating the folders above it
    /// if needed, waiting up to [`LOCK_WAIT`] for another writer.
    pub fn acquire(out: &Path) -> Result<OutputLock, ReportError> {
        let target = Target::locate(out, true)?;
        let path = target.sibling("lock");
        let start = Instant::now();
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(write_err(&path))?;
            match file.try_lock() {
                // Another writer may have removed the file between our open
                // and our lock: the lock must be on the file the path names.
                Ok(()) if same_file(&file, &path) => {
                    let _ = file.set_len(0);
                    let _ = (&file).write_all(format!("{}\n", std::process::id()).as_bytes());
                    return Ok(OutputLock {
                        target,
                        path,
                        _file: file,
                    });
                }
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = (&file).take(32).read_to_string(&mut holder);
                    holder.retain(|c| c.is_ascii_digit());
                    return Err(ReportError::Locked {
                        dir: target.dir(),
                        lock: path,
                        holder: if holder.is_empty() {
                            "another process".into()
                        } else {
                            format!("process {holder}")
                        },
                        waited_s: LOCK_WAIT.as_secs(),
                    });
                }
                Err(fs::TryLockError::Error(source)) => {
                    return Err(ReportError::Write {
                        path,
                        error: source,
                    });
                }
            }
        }
    }

    /// The folder this lock is for, as its real path.
    pub fn dir(&self) -> PathBuf {
        self.target.dir()
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked; whoever opened it meanwhile finds, once
        // it holds the lock, that the path no longer names its file.
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.is_file()
}

/// The output folder as its real parent folder and its name: `.`, `..` and
/// links resolved, so the siblings are made beside the real folder.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    parent: PathBuf,
    name: OsString,
}

impl Target {
    fn locate(out: &Path, create_parent: bool) -> Result<Target, ReportError> {
        let real = match fs::metadata(out) {
            Ok(m) if !m.is_dir() => {
                return Err(ReportError::NotAFolder {
                    path: out.to_path_buf(),
                    what: "output folder",
                });
            }
            Ok(_) => fs::canonicalize(out).map_err(write_err(out))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let parent = match out.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                if create_parent {
                    fs::create_dir_all(parent).map_err(write_err(parent))?;
                }
                let name = out.file_name().ok_or_else(|| ReportError::Write {
                    path: out.to_path_buf(),
                    error: io::Error::other("not a folder name"),
                })?;
                fs::canonicalize(parent)
                    .map_err(write_err(parent))?
                    .join(name)
            }
            Err(source) => {
                return Err(ReportError::Write {
                    path: out.to_path_buf(),
                    error: source,
                });
            }
        };
        match (real.parent(), real.file_name()) {
            (Some(parent), Some(name)) => Ok(Target {
                parent: parent.to_path_buf(),
                name: name.to_os_string(),
            }),
            _ => Err(ReportError::Write {
                path: out.to_path_buf(),
                error: io::Error::other("the root folder cannot hold a report"),
            }),
        }
    }

    fn dir(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// `.<name>.<tag>` beside the folder.
    fn sibling(&self, tag: &str) -> PathBuf {
        let mut s = OsString::from(".");
        s.push(&self.name);
        s.push(".");
        s.push(tag);
        self.parent.join(s)
    }

    /// Whether `entry` (a name in the parent folder) is a temporary or old
    /// folder of this target's: `.<name>.tmp-<digits>-<digits>` or `.old-`.
    fn is_leftover(&self, entry: &OsStr) -> Option<Leftover> {
        let name = self.name.to_str()?;
        let rest = entry.to_str()?.strip_prefix('.')?.strip_prefix(name)?;
        let (kind, rest) = if let Some(r) = rest.strip_prefix(".tmp-") {
            (Leftover::Tmp, r)
        } else {
            (Leftover::Old, rest.strip_prefix(".old-")?)
        };
        let (pid, n) = rest.split_once('-')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (digits(pid) && digits(n)).then_some(kind)
    }

    /// A name `.<name>.<tag>-<pid>-<n>` that does not exist yet.
    fn fresh(&self, tag: &str) -> PathBuf {
        let pid = std::process::id();
        (0u32..)
            .map(|n| self.sibling(&format!("{tag}-{pid}-{n}")))
            .find(|p| fs::symlink_metadata(p).is_err())
            .expect("a free name")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leftover {
    Tmp,
    Old,
}

/// What an entry of an existing output folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A file the report wrote (listed in the marker, or from before the
    /// marker and recognised), or the marker itself.
    Report,
    /// A temporary an interrupted writer left behind.
    Stray,
    /// Holds an input of this report: carried into the new folder.
    Input,
    /// Anything else.
    Foreign,
}

/// An existing output folder's entries, sorted by name.
#[derive(Debug)]
struct Scan {
    entries: Vec<(OsString, Kind)>,
}

impl Scan {
    fn of(dir: &Path, inputs: &[PathBuf]) -> Result<Scan, ReportError> {
        let listed = read_marker(&dir.join(MARKER_FILE));
        let legacy = listed.is_none() && is_legacy_readme(&dir.join(REPORT_FILE));
        let known = known_names();
        let mut entries = Vec::new();
        for entry in fs::read_dir(dir).map_err(write_err(dir))? {
            let entry = entry.map_err(write_err(dir))?;
            let name = entry.file_name();
            let path = dir.join(&name);
            let is_file = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            let text = name.to_str().unwrap_or("");
            let ours = match &listed {
                Some(listed) => listed.contains(text),
                None => legacy && (text == REPORT_FILE || is_legacy_chart(text, &path)),
            };
            let kind = if inputs.iter().any(|i| i.starts_with(&path)) {
                Kind::Input
            } else if !is_file {
                Kind::Foreign
            } else if ours || text == MARKER_FILE {
                Kind::Report
            } else if is_stray(text, &known) {
                Kind::Stray
            } else {
                Kind::Foreign
            };
            entries.push((name, kind));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Scan { entries })
    }

    fn names(&self, kind: Kind) -> impl Iterator<Item = &OsStr> {
        self.entries
            .iter()
            .filter(move |(_, k)| *k == kind)
            .map(|(n, _)| n.as_os_str())
    }

    /// The error for a folder with foreign files, if it has any.
    fn refusal(&self, dir: &Path) -> Option<ReportError> {
        let mut foreign = self.names(Kind::Foreign);
        let first = foreign.next()?;
        Some(ReportError::Foreign {
            dir: dir.to_path_buf(),
            file: first.to_string_lossy().into_owned(),
            others: foreign.count(),
        })
    }
}

/// Every name written in a report folder: the charts, the README, the
/// marker, and `shootout run --report`'s results document.
fn known_names() -> BTreeSet<&'static str> {
    charts::ALL
        .iter()
        .map(|c| c.file_name())
        .chain([REPORT_FILE, MARKER_FILE, "results.json"])
        .collect()
}

/// The names a marker file lists, if there is one: plain file names only
/// (a line naming another folder, `..` or a path is ignored).
fn read_marker(path: &Path) -> Option<BTreeSet<String>> {
    if !fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut text = String::new();
    File::open(path)
        .and_then(|f| f.take(1 << 20).read_to_string(&mut text))
        .ok()?;
    Some(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter(|l| is_plain_name(l))
            .map(String::from)
            .collect(),
    )
}

fn is_plain_name(name: &str) -> bool {
    !name.contains(['/', '\\', '\0']) && name != "." && name != ".."
}

/// How the report's README begins (`markdown::render`).
const REPORT_TITLE: &[u8] = b"# Laplace shootout report\n";

/// A report's README from before the marker existed: a `README.md` with
/// the report's title. Only beside one are charts recognised by name.
fn is_legacy_readme(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) && starts_with(path, REPORT_TITLE)
}

/// A chart from before the marker existed: a chart's name, holding an SVG.
fn is_legacy_chart(name: &str, path: &Path) -> bool {
    charts::ALL.iter().any(|c| c.file_name() == name) && starts_with(path, b"<svg")
}

fn starts_with(path: &Path, prefix: &[u8]) -> bool {
    let mut head = vec![0; prefix.len()];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head == prefix)
}

/// `.<known name>.<pid>.<n>.tmp`, as [`write_temp`] names its files.
fn is_stray(name: &str, known: &BTreeSet<&str>) -> bool {
    let Some(rest) = name.strip_prefix('.').and_then(|r| r.strip_suffix(".tmp")) else {
        return false;
    };
    let mut parts = rest.rsplitn(3, '.');
    let (Some(n), Some(pid), Some(file)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(n) && digits(pid) && known.contains(file)
}

/// Where each input may lie: its real path and its folder's real path with
/// its own name (which differ for a link), so an input inside the output
/// folder is recognised however it was named.
fn locate_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in inputs {
        if let Ok(real) = fs::canonicalize(p) {
            out.push(real);
        }
        if let Some(name) = p.file_name() {
            let parent = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            if let Ok(real) = fs::canonicalize(parent) {
                out.push(real.join(name));
            }
        }
    }
    out
}

/// Checks, before any work, that the report may be written into `out`: a
/// folder (or a place for one) that holds nothing the report did not write
/// except `inputs` it will read (unless [`Foreign::Overwrite`]). Writes
/// nothing; [`crate::render_with`] checks again under the lock.
pub fn check_out(out: &Path, inputs: &[PathBuf], foreign: Foreign) -> Result<(), ReportError> {
    match fs::metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        _ => {}
    }
    let target = Target::locate(out, false)?;
    let scan = Scan::of(&target.dir(), &locate_inputs(inputs))?;
    match (foreign, scan.refusal(&target.dir())) {
        (Foreign::Refuse, Some(err)) => Err(err),
        _ => Ok(()),
    }
}

/// Writes `files` (name, content; the README last) as the whole report in
/// `out`, under `lock` (taken here if `None`); `inputs` are the files the
/// report was rendered from, kept if they lie inside `out`. Returns the
/// written paths, in order, under `out` as given.
pub(crate) fn write_report(
    out: &Path,
    files: &[(&str, &[u8])],
    inputs: &[PathBuf],
    foreign: Foreign,
    lock: Option<&OutputLock>,
) -> Result<Vec<PathBuf>, ReportError> {
    let taken;
    let lock = match lock {
        Some(lock) => {
            if Target::locate(out, false)? != lock.target {
                return Err(ReportError::Write {
                    path: out.to_path_buf(),
                    error: io::Error::other(format!(
                        "the lock held is for another folder, {}",
                        lock.dir().display()
                    )),
                });
            }
            lock
        }
        None => {
            // Refused before the lock is even taken (its folder may be one
            // where nothing can be written); checked again under it.
            check_out(out, inputs, foreign)?;
            taken = OutputLock::acquire(out)?;
            &taken
        }
    };
    let target = &lock.target;
    let dir = target.dir();
    repair(target)?;

    let scan = match fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => Some(Scan::of(&dir, &locate_inputs(inputs))?),
        Ok(_) => {
            return Err(ReportError::NotAFolder {
                path: out.to_path_buf(),
                what: "output folder",
            });
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(ReportError::Write {
                path: dir,
                error: source,
            });
        }
    };
    let refusal = scan.as_ref().and_then(|s| s.refusal(&dir));
    let has_foreign = refusal.is_some();
    if let (Some(err), Foreign::Refuse) = (refusal, foreign) {
        return Err(err);
    }
    let holds_cwd = std::env::current_dir()
        .ok()
        .and_then(|d| fs::canonicalize(d).ok())
        .is_some_and(|cwd| cwd.starts_with(&dir));
    match &scan {
        Some(scan) if has_foreign || holds_cwd => write_in_place(&dir, files, scan)?,
        _ => swap_in(target, files, scan.as_ref())?,
    }
    Ok(files.iter().map(|(name, _)| out.join(name)).collect())
}

/// Under the lock: restores an output folder that a killed swap left
/// renamed, and removes the temporary and old folders killed runs left.
fn repair(target: &Target) -> Result<(), ReportError> {
    let parent = &target.parent;
    let mut tmps = Vec::new();
    let mut olds = Vec::new();
    for entry in fs::read_dir(parent).map_err(write_err(parent))? {
        let Ok(entry) = entry else { continue };
        match target.is_leftover(&entry.file_name()) {
            Some(Leftover::Tmp) => tmps.push(entry.path()),
            Some(Leftover::Old) => olds.push(entry.path()),
            None => {}
        }
    }
    let dir = target.dir();
    if fs::symlink_metadata(&dir).is_err()
        && let Some(old) = olds.pop()
    {
        fs::rename(&old, &dir).map_err(write_err(&dir))?;
    }
    for leftover in tmps.iter().chain(&olds) {
        let _ = fs::remove_dir_all(leftover);
    }
    Ok(())
}

/// Renders into a fresh sibling folder and swaps it in.
fn swap_in(
    target: &Target,
    files: &[(&str, &[u8])],
    scan: Option<&Scan>,
) -> Result<(), ReportError> {
    let dir = target.dir();
    let tmp = target.fresh("tmp");
    fs::create_dir(&tmp).map_err(write_err(&tmp))?;
    let fail = |err: ReportError| {
        let _ = fs::remove_dir_all(&tmp);
        Err(err)
    };
    if let Err(err) = fill(&tmp, &dir, files, scan) {
        return fail(err);
    }
    if scan.is_none() {
        return match fs::rename(&tmp, &dir) {
            Ok(()) => Ok(()),
            Err(source) => fail(ReportError::Write {
                path: dir,
                error: source,
            }),
        };
    }
    let old = target.fresh("old");
    if let Err(source) = fs::rename(&dir, &old) {
        return fail(ReportError::Write {
            path: dir,
            error: source,
        });
    }
    if let Err(source) = fs::rename(&tmp, &dir) {
        let _ = fs::rename(&old, &dir);
        return fail(ReportError::Write {
            path: dir,
            error: source,
        });
    }
    // The report is in place; an old folder that cannot be removed now is
    // removed by the next run.
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// The new folder's content: every file, the marker, and the inputs that
/// lay in the old folder, hard-linked (copied where links cannot be made).
fn fill(
    tmp: &Path,
    dir: &Path,
    files: &[(&str, &[u8])],
    scan: Option<&Scan>,
) -> Result<(), ReportError> {
    for (name, content) in files {
        write_new(&tmp.join(name), content)?;
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    write_new(&tmp.join(MARKER_FILE), marker(&names).as_bytes())?;
    if let Some(scan) = scan {
        for name in scan.names(Kind::Input) {
            carry(&dir.join(name), &tmp.join(name))?;
        }
        if let Ok(m) = fs::metadata(dir) {
            let _ = fs::set_permissions(tmp, m.permissions());
        }
    }
    if let Ok(f) = File::open(tmp) {
        let _ = f.sync_all();
    }
    Ok(())
}

fn marker(names: &[&str]) -> String {
    let mut text = String::from(
        "# Written by `shootout report`: the files of the report in this folder, one a line.\n\
         # The report replaces them as a whole; a folder holding other files is refused\n\
         # unless --force.\n",
    );
    for name in names {
        text.push_str(name);
        text.push('\n');
    }
    text
}

/// A new file holding `content`, synced.
fn write_new(path: &Path, content: &[u8]) -> Result<(), ReportError> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| {
            f.write_all(content)?;
            f.sync_all()
        })
        .map_err(write_err(path))
}

/// Recreates `src` at `dst`: folders made, files hard-linked (or copied),
/// links recreated. The original stays until the old folder is removed,
/// so a run killed part-way loses nothing.
fn carry(src: &Path, dst: &Path) -> Result<(), ReportError> {
    let meta = fs::symlink_metadata(src).map_err(write_err(src))?;
    let kind = meta.file_type();
    if kind.is_dir() {
        fs::create_dir(dst).map_err(write_err(dst))?;
        for entry in fs::read_dir(src).map_err(write_err(src))? {
            let entry = entry.map_err(write_err(src))?;
            carry(&entry.path(), &dst.join(entry.file_name()))?;
        }
        fs::set_permissions(dst, meta.permissions()).map_err(write_err(dst))
    } else if kind.is_file() {
        fs::hard_link(src, dst)
            .or_else(|_| fs::copy(src, dst).map(drop))
            .map_err(write_err(src))
    } else if kind.is_symlink() {
        let link = fs::read_link(src).map_err(write_err(src))?;
        #[cfg(unix)]
        let made = std::os::unix::fs::symlink(link, dst);
        #[cfg(not(unix))]
        let made = {
            let _ = link;
            fs::copy(src, dst).map(drop)
        };
        made.map_err(write_err(src))
    } else {
        Err(ReportError::Write {
            path: src.to_path_buf(),
            error: io::Error::other("not a file, folder or link: cannot be kept in the report"),
        })
    }
}

/// Writes over in place (a folder with foreign files, under
/// [`Foreign::Overwrite`], or one that holds the current directory): every
/// file to a temporary beside it, then each renamed over its target. The
/// marker first lists the old files and the new, so a kill part-way leaves
/// no file of the report's unlisted, and at the end the new ones only.
/// Charts not drawn this time are removed only if the report wrote them
/// (listed in the marker, or recognised in a report from before it);
/// temporaries of interrupted writers are removed.
fn write_in_place(dir: &Path, files: &[(&str, &[u8])], scan: &Scan) -> Result<(), ReportError> {
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    let stale: Vec<&str> = scan
        .names(Kind::Report)
        .filter_map(OsStr::to_str)
        .filter(|n| *n != MARKER_FILE && !names.contains(n))
        .collect();
    let both: Vec<&str> = names.iter().copied().chain(stale.iter().copied()).collect();
    let marker_path = dir.join(MARKER_FILE);
    let write_marker = |names: &[&str]| {
        write_atomic(&marker_path, marker(names).as_bytes()).map_err(
            |WriteError {
                 path,
                 error: source,
             }| ReportError::Write {
                path,
                error: source,
            },
        )
    };
    write_marker(&both)?;

    // Every temporary, synced; any failure removes them all.
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (name, content) in files {
        match write_temp(dir, name, content) {
            Ok(temp) => temps.push((temp, dir.join(name))),
            Err(WriteError {
                path,
                error: source,
            }) => {
                remove_temps(&temps);
                return Err(ReportError::Write {
                    path,
                    error: source,
                });
            }
        }
    }
    // Then each renamed into place; a rename within one folder is atomic.
    for (k, (temp, target)) in temps.iter().enumerate() {
        if let Err(source) = fs::rename(temp, target) {
            remove_temps(&temps[k..]);
            return Err(ReportError::Write {
                path: target.clone(),
                error: source,
            });
        }
    }
    write_marker(&names)?;
    for name in stale.iter().map(OsStr::new).chain(scan.names(Kind::Stray)) {
        let path = dir.join(name);
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(ReportError::Write { path, error: e });
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn remove_temps(temps: &[(PathBuf, PathBuf)]) {
    for (temp, _) in temps {
        let _ = fs::remove_file(temp);
    }
}

fn write_err(path: &Path) -> impl FnOnce(io::Error) -> ReportError + '_ {
    move |source| ReportError::Write {
        path: path.to_path_buf(),
        error: source,
    }
}

#[cfg(test)]
mod tests;
