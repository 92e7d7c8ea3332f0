//! `generate --out DIR`: a symlink (dangling or live), a FIFO or a folder
//! named like an artifact is refused, with `--force` too, and nothing is
//! written anywhere; `--force` replaces regular files by renaming a new
//! file over them, so nothing is ever written through a link.

use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;

use crate::support::local_paths::{mkfifo, run, snapshot, stderr, stdout};

const SEED: [&str; 5] = [
    "generate",
    "--server-name",
    "example.com",
    "--host",
    "matrix.example.com",
];

/// `generate --out DIR` (static strategy: it writes `well-known/matrix/*`
/// too), with `--force` when asked.
fn generate_into(dir: &Path, force: bool) -> std::process::Output {
    let d = dir.to_str().expect("utf-8 path");
    let mut args = [&SEED[..], &["--strategy", "static", "--out", d]].concat();
    if force {
        args.push("--force");
    }
    run(&args, &[])
}

/// Runs with and without `--force` and checks the refusal: exit code 1,
/// each message part on stderr, nothing on stdout, the output folder and
/// `elsewhere` exactly as before.
fn assert_refused_both_ways(out: &Path, elsewhere: &Path, expected: &[&str]) {
    for force in [false, true] {
        let before = (snapshot(out), snapshot(elsewhere));
        let o = generate_into(out, force);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "force {force}: {err}");
        for part in expected.iter().chain(&["Nothing was written"]) {
            assert!(err.contains(part), "force {force}: `{part}` missing: {err}");
        }
        assert!(stdout(&o).is_empty(), "force {force}: {}", stdout(&o));
        assert_eq!(
            (snapshot(out), snapshot(elsewhere)),
            before,
            "force {force}: something was written"
        );
    }
}

#[test]
fn a_dangling_symlink_named_like_an_artifact_is_refused() {
    let out = tempfile::tempdir().expect("out");
    let elsewhere = tempfile::tempdir().expect("elsewhere");
    symlink(
        elsewhere.path().join("created-through-the-link"),
        out.path().join("dns-records.txt"),
    )
    .expect("symlink");
    assert_refused_both_ways(
        out.path(),
        elsewhere.path(),
        &[
            "dns-records.txt is a symbolic link",
            "not even with --force",
        ],
    );
    assert!(!elsewhere.path().join("created-through-the-link").exists());
}

#[test]
fn a_live_symlink_named_like_an_artifact_is_refused() {
    let out = tempfile::tempdir().expect("out");
    let elsewhere = tempfile::tempdir().expect("elsewhere");
    let victim = elsewhere.path().join("victim.conf");
    std::fs::write(&victim, "precious\n").expect("victim");
    symlink(&victim, out.path().join("Caddyfile")).expect("symlink");
    assert_refused_both_ways(
        out.path(),
        elsewhere.path(),
        &["Caddyfile is a symbolic link"],
    );
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious\n"
    );
}

#[test]
fn a_symlink_in_place_of_an_artifact_folder_is_refused() {
    let out = tempfile::tempdir().expect("out");
    let elsewhere = tempfile::tempdir().expect("elsewhere");
    symlink(elsewhere.path(), out.path().join("well-known")).expect("symlink");
    assert_refused_both_ways(
        out.path(),
        elsewhere.path(),
        &["well-known is a symbolic link"],
    );
    assert!(snapshot(elsewhere.path()).is_empty());

    // One level down as well.
    let out = tempfile::tempdir().expect("out");
    std::fs::create_dir(out.path().join("well-known")).expect("mkdir");
    symlink(elsewhere.path(), out.path().join("well-known/matrix")).expect("symlink");
    assert_refused_both_ways(
        out.path(),
        elsewhere.path(),
        &["well-known/matrix is a symbolic link"],
    );
    assert!(snapshot(elsewhere.path()).is_empty());
}

#[test]
fn a_fifo_or_a_folder_named_like_an_artifact_is_refused() {
    let out = tempfile::tempdir().expect("out");
    let elsewhere = tempfile::tempdir().expect("elsewhere");
    mkfifo(&out.path().join("Caddyfile"));
    std::fs::create_dir(out.path().join("NEXT-STEPS.txt")).expect("mkdir");
    std::fs::write(out.path().join("dns-records.txt"), "mine").expect("write");
    // Every problem in one message: the special files always, the regular
    // file only without --force (checked below).
    assert_refused_both_ways(
        out.path(),
        elsewhere.path(),
        &[
            "Caddyfile is a FIFO (named pipe)",
            "NEXT-STEPS.txt is a directory",
        ],
    );
    let o = generate_into(out.path(), false);
    assert!(
        stderr(&o).contains("refusing to overwrite existing files (add --force to overwrite)")
            && stderr(&o).contains("dns-records.txt"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(out.path().join("dns-records.txt")).expect("read"),
        "mine"
    );
}

#[test]
fn force_renames_new_files_over_regular_ones_keeping_their_permissions() {
    let out = tempfile::tempdir().expect("out");
    let elsewhere = tempfile::tempdir().expect("elsewhere");
    let dns = out.path().join("dns-records.txt");
    std::fs::write(&dns, "old\n").expect("write");
    std::fs::set_permissions(&dns, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    // A hard link elsewhere shares the old file: a write in place would
    // change it, a rename over the name does not.
    let shared = elsewhere.path().join("shared");
    std::fs::hard_link(&dns, &shared).expect("hard link");

    let o = generate_into(out.path(), false);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = generate_into(out.path(), true);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let new = std::fs::read_to_string(&dns).expect("read");
    assert!(new.starts_with("; DNS records"), "{new}");
    assert_eq!(std::fs::read_to_string(&shared).expect("shared"), "old\n");
    let meta = std::fs::metadata(&dns).expect("stat");
    assert_eq!(meta.mode() & 0o777, 0o640);
    assert_eq!(meta.nlink(), 1, "a new file, not the old one written over");
    let names: Vec<String> = snapshot(out.path())
        .into_iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "Caddyfile",
            "NEXT-STEPS.txt",
            "continuwuity-well-known.toml",
            "dns-records.txt",
            "well-known",
            "well-known/matrix",
            "well-known/matrix/client",
            "well-known/matrix/server",
        ],
        "exactly the artifacts, no temporary file left"
    );
}
