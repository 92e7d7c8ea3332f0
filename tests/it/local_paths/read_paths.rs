//! Every file option that is read refuses a FIFO (which would block a
//! plain open or read forever), `/dev/zero` (endless), a directory and a
//! file over its size limit, before reading, with a message naming the
//! option or the file, and changes nothing.

use std::path::Path;

use crate::support::local_paths::{mkfifo, run, snapshot, sparse_file, stderr, stdout};

/// The four unusable things, made in `dir`, with what the message says.
fn unusable(dir: &Path, oversized_len: u64) -> Vec<(String, &'static str)> {
    let fifo = dir.join("pipe.toml");
    mkfifo(&fifo);
    let folder = dir.join("folder.toml");
    std::fs::create_dir(&folder).expect("mkdir");
    let big = dir.join("big.toml");
    sparse_file(&big, oversized_len);
    let text = |p: &Path| p.to_str().expect("utf-8 path").to_string();
    vec![
        (text(&fifo), "is a FIFO (named pipe)"),
        ("/dev/zero".to_string(), "is a character device"),
        (text(&folder), "is a directory"),
        (text(&big), "is too large"),
    ]
}

/// A config over the 4 MiB limit.
const BIG_CONFIG: u64 = 5 << 20;

const PLAN: [&str; 5] = [
    "generate",
    "--server-name",
    "example.com",
    "--host",
    "matrix.example.com",
];

#[test]
fn write_config_refuses_special_files_and_oversized_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, says) in unusable(dir.path(), BIG_CONFIG) {
        let before = snapshot(dir.path());
        let args = [&PLAN[..], &["--write-config", &path, "--yes"]].concat();
        let o = run(&args, &[]);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(1), "{path}: {out}");
        assert!(
            out.contains(&format!("error: {path}: {says}")),
            "{path}: {out}"
        );
        assert!(!out.contains("Written"), "{path}: {out}");
        assert_eq!(snapshot(dir.path()), before, "{path}: no backup, no temp");
    }
}

#[test]
fn config_show_refuses_special_files_and_oversized_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, says) in unusable(dir.path(), BIG_CONFIG) {
        for (args, env) in [
            (vec!["config", "show", "--config", &path], vec![]),
            // Named by the environment instead of the flag.
            (
                vec!["config", "show"],
                vec![("CONTINUWUITY_CONFIG", path.as_str())],
            ),
        ] {
            let o = run(&args, &env);
            let out = stdout(&o);
            assert_eq!(o.status.code(), Some(1), "{args:?} {env:?}: {out}");
            assert!(
                out.contains(&format!("error: {path}: {says}")),
                "{args:?} {env:?}: {out}"
            );
        }
    }
}

#[test]
fn check_config_refuses_special_files_and_oversized_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, says) in unusable(dir.path(), BIG_CONFIG) {
        // Refused before any lookup: the usage error comes first.
        let o = run(&["check", "example.com", "--config", &path], &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{path}: {err}");
        assert!(
            err.contains(&format!("error: --config {path}: {path}: {says}")),
            "{path}: {err}"
        );
        assert!(o.stdout.is_empty(), "{path}");
    }
}

#[test]
fn check_ca_file_refuses_special_files_and_oversized_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Over the 16 MiB limit for a PEM bundle.
    for (path, says) in unusable(dir.path(), 17 << 20) {
        for extra in [&[][..], &["--tui"][..]] {
            let args = [&["check", "example.com", "--ca-file", &path][..], extra].concat();
            let o = run(&args, &[]);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.contains(&format!("error: --ca-file {path}: {says}")),
                "{args:?}: {err}"
            );
            assert!(o.stdout.is_empty(), "{args:?}");
        }
    }
}

#[test]
fn config_limits_are_stated_in_the_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.toml");
    sparse_file(&big, BIG_CONFIG);
    let path = big.to_str().expect("utf-8");
    let o = run(&["config", "show", "--config", path], &[]);
    assert!(
        stdout(&o).contains("is too large for a homeserver config (5 MiB; the limit is 4 MiB)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_ca_file_that_is_not_pem_names_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let der = dir.path().join("ca.der");
    std::fs::write(&der, [0x30, 0x82, 0x01, 0xff, 0x80]).expect("write");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "no certificate here\n").expect("write");
    for (path, says) in [
        (der, "not a PEM certificate file (binary content"),
        (text, "no `BEGIN CERTIFICATE` block found"),
    ] {
        let p = path.to_str().expect("utf-8");
        let o = run(&["check", "example.com", "--ca-file", p], &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("--ca-file {p}: {says}")), "{err}");
    }
}
