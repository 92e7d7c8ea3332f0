//! Helpers for the `apply` tests: a configuration tree under a temporary
//! root, started from the files the Debian package installs (the real
//! `/etc/nginx` of this machine, copied), test certificates where the
//! generated configuration names them, a picture of the tree to compare
//! before and after, and running `matrix-delegate apply`.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::proxy::certs::{TestCa, write_all};
use super::proxy::{process, programs};

/// A temporary root with a copy of this machine's `/etc/nginx`, the
/// folders nginx writes to, and test certificates for `names` in
/// certbot's layout. `None` (after `SKIPPED: ...`) without nginx outside CI.
pub fn nginx_root(names: &[&str]) -> Option<(tempfile::TempDir, PathBuf)> {
    let program = programs::require("nginx")?;
    let root = process::temp_dir();
    let etc = Path::new("/etc/nginx");
    assert!(
        etc.join("nginx.conf").is_file(),
        "nginx is installed ({}) but /etc/nginx/nginx.conf is missing",
        program.display()
    );
    copy_tree(etc, &root.path().join("etc/nginx"));
    for dir in ["var/log/nginx", "run", "usr/share/nginx", "var/lib/nginx"] {
        std::fs::create_dir_all(root.path().join(dir)).expect("folder");
    }
    certificates(root.path(), names);
    Some((root, program))
}

/// Test certificates for `names` under `<root>/etc/letsencrypt/live/`.
pub fn certificates(root: &Path, names: &[&str]) {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    write_all(&TestCa::new(), &root.join("etc/letsencrypt"), &names);
}

/// Copies a folder: files with their bytes and mode, links as links.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let (src, dest) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().expect("type");
        if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src).expect("link"), &dest)
                .expect("copy link");
        } else if kind.is_dir() {
            copy_tree(&src, &dest);
        } else {
            std::fs::copy(&src, &dest).expect("copy file");
        }
    }
}

/// Every file, link and folder under `dir`: bytes (or link target) and mode.
pub fn picture(dir: &Path) -> BTreeMap<PathBuf, (String, Vec<u8>, u32)> {
    let mut out = BTreeMap::new();
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, (String, Vec<u8>, u32)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("lstat");
            let mode = meta.permissions().mode();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).expect("link");
                let target = target.to_string_lossy().into_owned().into_bytes();
                out.insert(path, ("link".into(), target, mode));
            } else if meta.is_dir() {
                out.insert(path.clone(), ("dir".into(), Vec::new(), mode));
                walk(&path, out);
            } else {
                out.insert(
                    path.clone(),
                    ("file".into(), std::fs::read(&path).expect("read"), mode),
                );
            }
        }
    }
    walk(dir, &mut out);
    out
}

/// `matrix-delegate apply` for the seed's names with nginx under `root`,
/// plus `extra` arguments.
pub fn apply(root: &Path, extra: &[&str]) -> Output {
    process::run(&mut apply_command("nginx", root, extra))
}

/// The `apply` command line for `proxy`.
pub fn apply_command(proxy: &str, root: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_matrix-delegate"));
    cmd.args([
        "apply",
        "--server-name",
        "example.com",
        "--host",
        "matrix.example.com",
        "--proxy",
        proxy,
        "--root",
    ])
    .arg(root)
    .args(extra);
    cmd
}

/// `apply` for `proxy` run inside the network namespace of process `pid`
/// (where the proxy in the root listens, its admin endpoint included), or
/// with `pid` `None` in a new, empty one: a reload then reaches nothing on
/// this machine's own loopback.
pub fn apply_in_netns(proxy: &str, pid: Option<u32>, root: &Path, extra: &[&str]) -> Output {
    let inner = apply_command(proxy, root, extra);
    let mut cmd = match pid {
        Some(pid) => {
            let mut c = Command::new("nsenter");
            c.args(["-t", &pid.to_string(), "-n", "--"]);
            c
        }
        None => {
            let mut c = Command::new("unshare");
            c.args(["-n", "--"]);
            c
        }
    };
    cmd.arg(inner.get_program()).args(inner.get_args());
    process::run(&mut cmd)
}

/// A temporary root with a copy of this machine's `/etc/caddy` and the
/// folder Caddy keeps its state in. `None` (after `SKIPPED: ...`) without
/// caddy outside CI.
pub fn caddy_root() -> Option<(tempfile::TempDir, PathBuf)> {
    let program = programs::require("caddy")?;
    let root = process::temp_dir();
    let etc = Path::new("/etc/caddy");
    assert!(
        etc.join("Caddyfile").is_file(),
        "caddy is installed ({}) but /etc/caddy/Caddyfile is missing",
        program.display()
    );
    copy_tree(etc, &root.path().join("etc/caddy"));
    for dir in ["run", "var/lib/caddy"] {
        std::fs::create_dir_all(root.path().join(dir)).expect("folder");
    }
    Some((root, program))
}

/// Writes `text` at `path` inside the root (folders created).
pub fn put(root: &Path, path: &str, text: &str) {
    let full = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(full.parent().expect("parent")).expect("folder");
    std::fs::write(&full, text).expect("write");
}

/// A link at `path` inside the root pointing to `target` (as written).
pub fn link(root: &Path, path: &str, target: &str) {
    std::os::unix::fs::symlink(target, root.join(path.trim_start_matches('/'))).expect("link");
}

/// A proxy running inside the root: in its own mount namespace, where
/// the root's `/etc`, `/run` and `/var` stand in for the machine's, and
/// its own network namespace (only its own loopback), so it reads the
/// root's configuration by the same absolute paths as a real install and
/// binds ports 80, 443 and 8448 without touching the machine's network.
pub struct InRoot {
    pub running: process::Running,
    pub pid: u32,
}

/// Whether this machine lets the tests make mount and network namespaces
/// (`unshare -mn`, as root).
pub fn namespaces_work() -> bool {
    Command::new("unshare")
        .args(["-mn", "--propagation", "private", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether a test that runs a proxy inside a root can go on: namespaces
/// work here, or (outside CI only) the test says it is skipped. Under
/// `CI=true` missing namespaces fail the test.
pub fn namespaces_or_skip() -> bool {
    if namespaces_work() {
        return true;
    }
    assert!(
        !crate::support::proxy::programs::in_ci(),
        "CI=true needs mount and network namespaces (unshare -mn as root)"
    );
    println!("SKIPPED: no mount and network namespaces here (unshare -mn as root)");
    false
}

/// Starts `program` (in the foreground, with `envs` added to its
/// environment) inside `root` as
/// [`InRoot`] describes. The root needs the machine's user database and
/// loader cache in its `/etc` (copied here).
pub fn start_in_root(
    name: &str,
    program: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
    root: &Path,
    logs: &Path,
) -> InRoot {
    for file in ["passwd", "group", "nsswitch.conf", "ld.so.cache", "hosts"] {
        let src = Path::new("/etc").join(file);
        if src.exists() {
            std::fs::copy(&src, root.join("etc").join(file)).expect("copy system file");
        }
    }
    let mut cmd = Command::new("unshare");
    // Caddy keeps its state under XDG_DATA_HOME: the root's /var/lib/caddy.
    cmd.env("XDG_DATA_HOME", "/var/lib/caddy/.local/share")
        .env("XDG_CONFIG_HOME", "/var/lib/caddy/.config");
    cmd.envs(envs.iter().copied());
    cmd.args(["-mn", "--propagation", "private", "sh", "-c"])
        .arg(
            "ip link set lo up && for d in etc run var; do mount --bind \"$1/$d\" \"/$d\" || exit 1; done && shift && exec \"$@\"",
        )
        .arg("sh")
        .arg(root)
        .arg(program)
        .args(args);
    let running = process::Running::spawn(name, cmd, logs);
    let pid = running.pid();
    InRoot { running, pid }
}

/// Whether something listens on `port` of the loopback inside the
/// network namespace of process `pid`.
pub fn listens_in(pid: u32, port: u16) -> bool {
    Command::new("nsenter")
        .args(["-t", &pid.to_string(), "-n", "bash", "-c"])
        .arg(format!("exec 3<>/dev/tcp/127.0.0.1/{port}"))
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Polls `what` every 50 ms for up to 20 s.
pub fn eventually(what: impl Fn() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        if what() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    false
}

/// A temporary root with a copy of this machine's `/etc/haproxy` and, for
/// `names`, HAProxy's combined certificate files in `/etc/haproxy/certs/`.
/// `None` (after `SKIPPED: ...`) without haproxy outside CI.
pub fn haproxy_root(names: &[&str]) -> Option<(tempfile::TempDir, PathBuf)> {
    let program = programs::require("haproxy")?;
    let root = process::temp_dir();
    let etc = Path::new("/etc/haproxy");
    assert!(
        etc.join("haproxy.cfg").is_file(),
        "haproxy is installed ({}) but /etc/haproxy/haproxy.cfg is missing",
        program.display()
    );
    copy_tree(etc, &root.path().join("etc/haproxy"));
    let ca = TestCa::new();
    let certs = root.path().join("etc/haproxy/certs");
    std::fs::create_dir_all(&certs).expect("certs folder");
    for name in names {
        let leaf = ca.leaf(name);
        std::fs::write(
            certs.join(format!("{name}.pem")),
            format!("{}{}", leaf.cert_pem, leaf.key_pem),
        )
        .expect("combined PEM");
    }
    Some((root, program))
}

/// A temporary root with a copy of this machine's `/etc/apache2` (and
/// `/etc/mime.types`, which mod_mime reads), the folders Debian's envvars
/// name, and test certificates for `names`. `None` (after `SKIPPED: ...`)
/// without apache2 outside CI.
pub fn apache_root(names: &[&str]) -> Option<(tempfile::TempDir, PathBuf)> {
    let program = programs::require("apache2")?;
    let root = process::temp_dir();
    let etc = Path::new("/etc/apache2");
    assert!(
        etc.join("apache2.conf").is_file(),
        "apache2 is installed ({}) but /etc/apache2/apache2.conf is missing",
        program.display()
    );
    copy_tree(etc, &root.path().join("etc/apache2"));
    if Path::new("/etc/mime.types").is_file() {
        std::fs::copy("/etc/mime.types", root.path().join("etc/mime.types")).expect("mime.types");
    }
    for dir in [
        "run",
        "var/log/apache2",
        "var/run/apache2",
        "var/lock/apache2",
        "var/www/html",
    ] {
        std::fs::create_dir_all(root.path().join(dir)).expect("folder");
    }
    certificates(root.path(), names);
    Some((root, program))
}

/// The environment Debian's envvars gives Apache (paths as seen inside
/// the root's namespaces).
pub const APACHE_ENV: &[(&str, &str)] = &[
    ("APACHE_RUN_USER", "www-data"),
    ("APACHE_RUN_GROUP", "www-data"),
    ("APACHE_PID_FILE", "/var/run/apache2/apache2.pid"),
    ("APACHE_RUN_DIR", "/var/run/apache2"),
    ("APACHE_LOCK_DIR", "/var/lock/apache2"),
    ("APACHE_LOG_DIR", "/var/log/apache2"),
    ("LANG", "C"),
];
