//! Shared helpers for the local-path tests: special files, a run of the
//! program that cannot hang the test, and a listing of a folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub use crate::support::output::{stderr, stdout};
use rustix::fs::{CWD, Mode};

/// A generous bound: every case takes milliseconds. It only keeps a
/// program that blocks (on a FIFO, reading /dev/zero) from hanging the
/// test run; such a run fails the test.
const HANG: Duration = Duration::from_secs(20);

/// Runs the program with `args` (and `env` added), stdin closed; panics if
/// it is still running after [`HANG`].
pub fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_matrix-delegate"))
        .args(args)
        .env_remove("CONTINUWUITY_CONFIG")
        .env_remove("CONDUWUIT_CONFIG")
        .env_remove("CONDUIT_CONFIG")
        .env_remove("TUWUNEL_CONFIG")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run matrix-delegate");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("matrix-delegate {args:?} hung (killed after {HANG:?})");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Creates a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    rustix::fs::mkfifoat(CWD, path, Mode::from_raw_mode(0o644)).expect("mkfifo");
}

/// A sparse file of `len` bytes (costs no disk).
pub fn sparse_file(path: &Path, len: u64) {
    std::fs::File::create(path)
        .and_then(|f| f.set_len(len))
        .expect("sparse file");
}

/// Every entry under `dir` (symlinks not followed), relative, sorted, with
/// its content for regular files: a folder's state, to compare before and
/// after.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("lstat");
            let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
            let what = if meta.is_dir() {
                stack.push(path.clone());
                "dir".to_string()
            } else if meta.file_type().is_symlink() {
                format!("-> {}", std::fs::read_link(&path).expect("link").display())
            } else if meta.is_file() {
                std::fs::read_to_string(&path).unwrap_or_else(|_| "<binary>".into())
            } else {
                "special".to_string()
            };
            out.push((rel, what));
        }
    }
    out.sort();
    out
}
