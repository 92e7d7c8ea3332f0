//! Finding the proxy programs, and the skip-or-fail rule: outside CI a
//! missing program skips the test (saying so); with `CI=true` it fails.

use std::path::{Path, PathBuf};

/// The program's path, searching `PATH` and the sbin directories where
/// Debian installs nginx, apache2 and haproxy.
pub fn find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/local/sbin", "/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The program, or `None` after printing `SKIPPED: ...` (outside CI only).
pub fn require(name: &str) -> Option<PathBuf> {
    match find(name) {
        Some(p) => Some(p),
        None if in_ci() => panic!("{name} is not installed, and CI=true requires every proxy"),
        None => {
            println!("SKIPPED: {name} not installed");
            None
        }
    }
}

/// Whether this machine can bind the IPv6 loopback address.
pub fn has_ipv6_loopback() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

/// Whether the tests run as root (Apache then needs an unprivileged `User`).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}
