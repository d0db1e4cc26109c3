use std::time::Instant;

use super::*;

const NEW: &[(&str, &[u8])] = &[("speed.svg", b"<svg new"), ("README.md", b"# new")];

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn write(out: &Path, inputs: &[PathBuf], foreign: Foreign) -> Result<Vec<PathBuf>, ReportError> {
    write_report(out, NEW, inputs, foreign, None)
}

/// A folder holding an older report: its marker, and a chart the new one
/// does not draw.
fn old_report(out: &Path) {
    fs::create_dir_all(out).unwrap();
    fs::write(out.join("README.md"), "# old").unwrap();
    fs::write(out.join("threads.svg"), "<svg old").unwrap();
    fs::write(out.join("speed.svg"), "<svg old").unwrap();
    fs::write(
        out.join(MARKER_FILE),
        marker(&["threads.svg", "speed.svg", "README.md"]),
    )
    .unwrap();
}

#[test]
fn a_new_folder_gets_the_files_and_the_marker_and_nothing_is_left_beside_it() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("a/b/report");
    let written = write(&out, &[], Foreign::Refuse).unwrap();
    assert_eq!(written, vec![out.join("speed.svg"), out.join("README.md")]);
    assert_eq!(names(&out), [MARKER_FILE, "README.md", "speed.svg"]);
    assert_eq!(
        names(&root.path().join("a/b")),
        ["report"],
        "no lock or temporary"
    );
    let listed = read_marker(&out.join(MARKER_FILE)).unwrap();
    assert_eq!(listed, ["README.md", "speed.svg"].map(String::from).into());
}

#[test]
fn an_old_report_is_replaced_as_a_whole() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("report");
    old_report(&out);
    write(&out, &[], Foreign::Refuse).unwrap();
    assert_eq!(names(&out), [MARKER_FILE, "README.md", "speed.svg"]);
    assert_eq!(fs::read(out.join("speed.svg")).unwrap(), b"<svg new");
    assert_eq!(names(root.path()), ["report"]);
}

#[test]
fn a_folder_with_a_foreign_file_is_refused_and_left_as_it_was() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("project");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("README.md"), "# My project").unwrap();
    fs::write(out.join("main.c"), "int main;").unwrap();
    for err in [
        write(&out, &[], Foreign::Refuse).unwrap_err(),
        check_out(&out, &[], Foreign::Refuse).unwrap_err(),
    ] {
        let msg = err.to_string();
        assert!(
            matches!(err, ReportError::Foreign { ref file, others: 1, .. } if file == "README.md"),
            "{msg}"
        );
        assert!(
            msg.contains("--force") && msg.contains("and 1 more"),
            "{msg}"
        );
    }
    assert_eq!(names(&out), ["README.md", "main.c"]);
    assert_eq!(fs::read(out.join("README.md")).unwrap(), b"# My project");
    assert_eq!(names(root.path()), ["project"]);
}

#[test]
fn overwrite_writes_in_place_and_keeps_every_foreign_file() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("project");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("README.md"), "# My project").unwrap();
    fs::write(out.join("threads.svg"), "<svg mine").unwrap();
    fs::create_dir(out.join("src")).unwrap();
    check_out(&out, &[], Foreign::Overwrite).unwrap();
    write(&out, &[], Foreign::Overwrite).unwrap();
    assert_eq!(fs::read(out.join("README.md")).unwrap(), b"# new");
    assert_eq!(
        names(&out),
        [MARKER_FILE, "README.md", "speed.svg", "src", "threads.svg"]
    );
    // threads.svg is not the report's (the marker does not list it), so a
    // report that does not draw it leaves it.
    assert_eq!(fs::read(out.join("threads.svg")).unwrap(), b"<svg mine");
    // A chart the report wrote and no longer draws is removed; nothing else.
    write_report(
        &out,
        &[("README.md", b"# newer")],
        &[],
        Foreign::Overwrite,
        None,
    )
    .unwrap();
    assert_eq!(
        names(&out),
        [MARKER_FILE, "README.md", "src", "threads.svg"]
    );
    assert_eq!(names(root.path()), ["project"]);
}

#[test]
fn inputs_inside_the_folder_are_kept_and_refused_nowhere() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("reports");
    old_report(&out);
    fs::create_dir(out.join("machines")).unwrap();
    fs::write(out.join("machines/a.json"), "{}").unwrap();
    fs::write(out.join("machines/README.md"), "the machines").unwrap();
    fs::write(out.join("results.json"), "{}").unwrap();
    let inputs = [out.join("machines/a.json"), out.join("results.json")];
    check_out(&out, &inputs, Foreign::Refuse).unwrap();
    // Before a run its results.json does not exist yet: still its own.
    fs::remove_file(out.join("results.json")).unwrap();
    check_out(&out, &inputs, Foreign::Refuse).unwrap();
    fs::write(out.join("results.json"), "{}").unwrap();
    #[cfg(unix)]
    let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&fs::metadata(p).unwrap());
    #[cfg(unix)]
    let before = inode(&out.join("machines/a.json"));
    write(&out, &inputs, Foreign::Refuse).unwrap();
    assert_eq!(
        names(&out),
        [
            MARKER_FILE,
            "README.md",
            "machines",
            "results.json",
            "speed.svg"
        ]
    );
    assert_eq!(names(&out.join("machines")), ["README.md", "a.json"]);
    #[cfg(unix)]
    assert_eq!(inode(&out.join("machines/a.json")), before, "hard-linked");
    // Without them as inputs, they are the user's: refused.
    let err = write(&out, &[], Foreign::Refuse).unwrap_err();
    assert!(
        matches!(err, ReportError::Foreign { ref file, .. } if file == "machines"),
        "{err}"
    );
}

#[test]
fn a_report_from_before_the_marker_is_recognised_by_its_names_and_title() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("report");
    fs::create_dir(&out).unwrap();
    fs::write(
        out.join("README.md"),
        "# Laplace shootout report\n\nRendered",
    )
    .unwrap();
    fs::write(out.join("threads.svg"), "<svg width=").unwrap();
    write(&out, &[], Foreign::Refuse).unwrap();
    assert_eq!(names(&out), [MARKER_FILE, "README.md", "speed.svg"]);
    // A README.md with another title is not, nor is a chart without the
    // report's README beside it.
    for (name, content) in [("README.md", "# Other"), ("roofline.svg", "<svg width=")] {
        let out = root.path().join(format!("other-{name}"));
        fs::create_dir(&out).unwrap();
        fs::write(out.join(name), content).unwrap();
        let err = write(&out, &[], Foreign::Refuse).unwrap_err();
        assert!(
            matches!(err, ReportError::Foreign { ref file, .. } if file == name),
            "{err}"
        );
    }
}

#[test]
fn a_marker_cannot_claim_folders_or_paths_outside() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("report");
    fs::create_dir_all(out.join("src")).unwrap();
    fs::write(root.path().join("outside"), "x").unwrap();
    fs::write(out.join(MARKER_FILE), "src\n../outside\n/etc/passwd\n").unwrap();
    let err = write(&out, &[], Foreign::Refuse).unwrap_err();
    assert!(
        matches!(err, ReportError::Foreign { ref file, .. } if file == "src"),
        "{err}"
    );
    write(&out, &[], Foreign::Overwrite).unwrap();
    assert!(out.join("src").is_dir() && root.path().join("outside").is_file());
}

#[test]
fn what_a_killed_run_left_is_cleaned_up_by_the_next() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("report");
    old_report(&out);
    // A temporary folder and an old one from killed swaps, a lock file
    // (nobody holds it), and the temporaries of an older, in-place writer.
    for leftover in [".report.tmp-999999-0", ".report.old-999999-3"] {
        fs::create_dir(root.path().join(leftover)).unwrap();
        fs::write(root.path().join(leftover).join("speed.svg"), "x").unwrap();
    }
    fs::write(root.path().join(".report.lock"), "999999\n").unwrap();
    fs::write(out.join(".speed.svg.999999.0.tmp"), "half").unwrap();
    // Names that only look alike are not ours.
    fs::create_dir(root.path().join(".report.tmp-x-0")).unwrap();
    fs::create_dir(root.path().join(".reports.tmp-1-0")).unwrap();
    write(&out, &[], Foreign::Refuse).unwrap();
    assert_eq!(names(&out), [MARKER_FILE, "README.md", "speed.svg"]);
    assert_eq!(
        names(root.path()),
        [".report.tmp-x-0", ".reports.tmp-1-0", "report"]
    );
}

#[test]
fn a_folder_a_killed_swap_left_renamed_is_restored_first() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("report");
    let old = root.path().join(".report.old-999999-0");
    old_report(&old);
    fs::write(old.join("results.json"), "{}").unwrap();
    write(&out, &[out.join("results.json")], Foreign::Refuse).unwrap();
    assert_eq!(
        names(&out),
        [MARKER_FILE, "README.md", "results.json", "speed.svg"]
    );
    assert_eq!(names(root.path()), ["report"]);
}

#[test]
fn a_second_writer_waits_for_the_lock() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("report");
    let lock = OutputLock::acquire(&out).unwrap();
    assert_eq!(
        lock.dir(),
        fs::canonicalize(root.path()).unwrap().join("report")
    );
    let start = Instant::now();
    let waiter = {
        let out = out.clone();
        std::thread::spawn(move || {
            write(&out, &[], Foreign::Refuse).unwrap();
            start.elapsed()
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    assert!(!out.exists(), "nothing written while the lock is held");
    // The holder may write under its own lock meanwhile.
    write_report(&out, NEW, &[], Foreign::Refuse, Some(&lock)).unwrap();
    drop(lock);
    assert!(waiter.join().unwrap() >= Duration::from_millis(300));
    assert_eq!(names(root.path()), ["report"]);
    // A lock for another folder is refused.
    let other = OutputLock::acquire(&root.path().join("other")).unwrap();
    let err = write_report(&out, NEW, &[], Foreign::Refuse, Some(&other)).unwrap_err();
    assert!(err.to_string().contains("another folder"), "{err}");
}

#[test]
fn dot_and_links_name_the_real_folder() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("report");
    fs::create_dir(&out).unwrap();
    write(&out.join("."), &[], Foreign::Refuse).unwrap();
    assert_eq!(names(&out), [MARKER_FILE, "README.md", "speed.svg"]);
    #[cfg(unix)]
    {
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&out, &link).unwrap();
        write(&link, &[], Foreign::Refuse).unwrap();
        assert!(
            fs::symlink_metadata(&link).unwrap().is_symlink(),
            "the link stays"
        );
        assert_eq!(names(root.path()), ["link", "report"]);
    }
}

#[test]
fn an_output_path_that_is_a_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reports");
    fs::write(&file, "x").unwrap();
    let err = write(&file, &[], Foreign::Overwrite).unwrap_err();
    assert!(err.to_string().contains(&*file.to_string_lossy()), "{err}");
    let err = check_out(&file, &[], Foreign::Overwrite).unwrap_err();
    assert!(err.to_string().contains("not a folder"), "{err}");
}

#[test]
fn the_rendered_readme_is_recognised_as_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results-x86.json");
    let input = crate::Input {
        results: vec![fixture],
        criterion: None,
        out: out.clone(),
    };
    crate::render(&input).unwrap();
    assert!(
        fs::read(out.join(REPORT_FILE))
            .unwrap()
            .starts_with(REPORT_TITLE)
    );
    // Without its marker (as written before there was one), still ours.
    fs::remove_file(out.join(MARKER_FILE)).unwrap();
    let scan = Scan::of(&out, &[]).unwrap();
    assert!(scan.names(Kind::Foreign).next().is_none(), "{scan:?}");
    crate::render(&input).unwrap();
}

#[test]
fn stray_temporaries_are_known_by_their_pattern() {
    let known = known_names();
    assert!(is_stray(".README.md.12.0.tmp", &known));
    assert!(is_stray(".time-to-solution.svg.1.22.tmp", &known));
    assert!(!is_stray(".notes.md.12.0.tmp", &known));
    assert!(!is_stray(".README.md.x.0.tmp", &known));
    assert!(!is_stray("README.md.1.0.tmp", &known));
}
