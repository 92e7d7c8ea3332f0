//! Reading what a run of the program left: its exit code and its output.

use std::process::Output;

/// The exit code (the program always exits; a signal is a failed test).
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

/// Standard output, which must be UTF-8 text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

/// Standard error, whatever it holds.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
