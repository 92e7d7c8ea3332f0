//! End to end with a real homeserver, per proxy: `apply` installs the
//! generated configuration into a copy of Debian's tree under a temporary
//! root (test-CA certificates where it names them), the real proxy running
//! in that root reloads it (HAProxy, which `apply` never reloads, is
//! started with the new file as the operator would), Synapse from PyPI
//! answers behind it on the root's loopback, and `matrix-delegate check
//! example.com` through the simulated DNS and the test CA finds every
//! check passing. The stand-in tests beside this one prove each step
//! alone; this proves the whole path with real software.
//!
//! The plan is strategy `static`: the proxy answers the well-known files
//! itself (as the generated configuration says), because Synapse's own
//! `/.well-known/matrix/server` names `example.com:443`, its server name,
//! never the delegated host.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::apply::{
    APACHE_ENV, InRoot, apache_root, apply_command, apply_in_netns, caddy_root, copy_tree,
    eventually, haproxy_root, listens_in, namespaces_or_skip, nginx_root, put, start_in_root,
};
use crate::support::homeserver::{
    Synapse, check_in, dns_in, dns_only_scenario, start_synapse_in, synapse_python,
};
use crate::support::output::{code, stdout};
use crate::support::proxy::certs::{TestCa, write_all};
use crate::support::proxy::process;

const NAMES: &[&str] = &["example.com", "matrix.example.com"];

/// The answers beyond `apply_command`'s server name, host and proxy: the
/// proxy serves the well-known files, with a support contact so that all
/// three exist.
const PLAN: &[&str] = &[
    "--strategy",
    "static",
    "--support-email",
    "admin@example.com",
];

/// What every test here needs besides its proxy: namespaces and Synapse.
fn requirements() -> Option<PathBuf> {
    if !namespaces_or_skip() {
        return None;
    }
    synapse_python()
}

/// The test CA's certificate as a file for `check --ca-file`.
fn ca_file(ca: &TestCa, dir: &Path) -> PathBuf {
    let path = dir.join("test-ca.pem");
    std::fs::write(&path, &ca.cert_pem).unwrap();
    path
}

/// Synapse and the DNS in the proxy's namespace, then `check` there:
/// every check passes but `cache.well-known`, which warns because the
/// generated configuration sends no `Cache-Control` (by design: the
/// operator chooses a lifetime), and the checks with nothing to do here.
fn serve_and_check(python: &Path, pid: u32, ca: &TestCa, proxy: &str) -> Synapse {
    let synapse = start_synapse_in(python, pid);
    let _dns = dns_in(pid, dns_only_scenario(NAMES));
    let dir = process::temp_dir();
    let ca_path = ca_file(ca, dir.path());
    let out = check_in(pid, &ca_path, &["--json", "--proxy", proxy]);
    let text = stdout(&out);
    let report: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("check --json printed no JSON ({e}):\n{text}"));
    let checks = report["checks"].as_array().expect("checks");
    let mut summary = String::new();
    for c in checks {
        summary.push_str(&format!("{} {} {}\n", c["id"], c["status"], c["summary"]));
    }
    let status = |id: &str| {
        checks
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap_or("").to_string())
            .unwrap_or_else(|| panic!("no check {id}:\n{summary}"))
    };
    assert_eq!(
        code(&out),
        0,
        "{summary}\nSynapse:\n{}",
        synapse.running.log()
    );
    assert_eq!(report["ok"], true, "{summary}");
    for c in checks {
        let id = c["id"].as_str().unwrap_or("");
        let st = c["status"].as_str().unwrap_or("");
        match id {
            "cache.well-known" => assert_eq!(st, "warn", "{summary}"),
            // SRV is not consulted when m.server names a port; one address
            // leaves nothing to compare.
            "dns.srv" | "server.consistency" => assert_eq!(st, "skipped", "{summary}"),
            _ => assert_eq!(st, "pass", "{id}:\n{summary}"),
        }
    }
    for id in [
        "server.well-known",
        "server.tls",
        "server.version",
        "server.keys",
        "server.routing",
        "server.peers",
        "client.well-known",
        "client.cors",
        "client.versions",
        "support.well-known",
    ] {
        assert_eq!(status(id), "pass", "{id}:\n{summary}");
    }
    // The homeserver that answered is Synapse, not a stand-in.
    let version = checks
        .iter()
        .find(|c| c["id"] == "server.version")
        .map(|c| c["summary"].to_string())
        .unwrap_or_default();
    assert!(version.contains("Synapse"), "{version}");
    synapse
}

#[test]
fn nginx_generate_apply_reload_check_with_synapse() {
    let Some(python) = requirements() else { return };
    let Some((dir, program)) = nginx_root(&[]) else {
        return;
    };
    let root = dir.path();
    let ca = TestCa::new();
    write_all(&ca, &root.join("etc/letsencrypt"), &names());
    let logs = process::temp_dir();
    let InRoot { running, pid } = start_in_root(
        "nginx",
        &program,
        &["-g", "daemon off;"],
        &[],
        root,
        logs.path(),
    );
    assert!(
        eventually(|| listens_in(pid, 80)),
        "nginx did not start in the root:\n{}",
        running.log()
    );
    let out = apply_in_netns("nginx", Some(pid), root, PLAN);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).contains("reloaded"), "{}", stdout(&out));
    assert!(
        eventually(|| listens_in(pid, 443)),
        "nginx did not load the new sites:\n{}",
        running.log()
    );
    let synapse = serve_and_check(&python, pid, &ca, "nginx");
    drop(synapse);
    drop(running);
}

#[test]
fn caddy_generate_apply_reload_check_with_synapse() {
    let Some(python) = requirements() else { return };
    let Some((dir, program)) = caddy_root() else {
        return;
    };
    let root = dir.path();
    let ca = TestCa::new();
    // The operator's Caddyfile: certificates from the test CA, loaded by a
    // site of its own (Caddy then uses them for every name they cover), no
    // certificate management and an ACME directory that answers nothing.
    // The certificates stay in a folder of this machine's /tmp, which the
    // root's namespace shares: `caddy validate` under --root reads the
    // Caddyfile's absolute paths on this machine.
    let certs = process::temp_dir();
    write_all(&ca, certs.path(), &names());
    put(
        root,
        "/etc/caddy/Caddyfile",
        &format!(
            "{{\n\tauto_https disable_certs\n\tskip_install_trust\n\
             \tacme_ca https://127.0.0.1:9/directory\n}}\n\n\
             https://certificate-loader.invalid {{\n\ttls {{\n\t\tload {}\n\t}}\n\
             \trespond 404\n}}\n",
            certs.path().join("caddy-certs").display()
        ),
    );
    let logs = process::temp_dir();
    let InRoot { running, pid } = start_in_root(
        "caddy",
        &program,
        &[
            "run",
            "--adapter",
            "caddyfile",
            "--config",
            "/etc/caddy/Caddyfile",
        ],
        &[],
        root,
        logs.path(),
    );
    assert!(
        eventually(|| listens_in(pid, 443) && listens_in(pid, 2019)),
        "caddy did not start in the root:\n{}",
        running.log()
    );
    let out = apply_in_netns("caddy", Some(pid), root, PLAN);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).contains("reloaded"), "{}", stdout(&out));
    let synapse = serve_and_check(&python, pid, &ca, "caddy");
    drop(synapse);
    drop(running);
}

#[test]
fn apache_generate_apply_reload_check_with_synapse() {
    let Some(python) = requirements() else { return };
    let Some((dir, program)) = apache_root(&[]) else {
        return;
    };
    let root = dir.path();
    let ca = TestCa::new();
    write_all(&ca, &root.join("etc/letsencrypt"), &names());
    // The well-known files the generated virtual host serves from its
    // Alias folder, as `generate --out` writes them.
    well_known_files(root, "/var/www/matrix-well-known");
    let logs = process::temp_dir();
    let InRoot { running, pid } = start_in_root(
        "apache2",
        &program,
        &["-d", "/etc/apache2", "-f", "apache2.conf", "-DFOREGROUND"],
        APACHE_ENV,
        root,
        logs.path(),
    );
    assert!(
        eventually(|| listens_in(pid, 80)),
        "apache2 did not start in the root:\n{}",
        running.log()
    );
    let out = process::run(&mut apply_command("apache", root, PLAN));
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).contains("reloaded"), "{}", stdout(&out));
    assert!(
        eventually(|| listens_in(pid, 443)),
        "Apache did not load the new sites:\n{}\n{}",
        running.log(),
        std::fs::read_to_string(root.join("var/log/apache2/error.log")).unwrap_or_default()
    );
    let synapse = serve_and_check(&python, pid, &ca, "apache");
    drop(synapse);
    drop(running);
}

#[test]
fn haproxy_generate_apply_start_check_with_synapse() {
    let Some(python) = requirements() else { return };
    let Some((dir, program)) = haproxy_root(&[]) else {
        return;
    };
    let root = dir.path();
    let ca = TestCa::new();
    for name in NAMES {
        let leaf = ca.leaf(name);
        put(
            root,
            &format!("/etc/haproxy/certs/{name}.pem"),
            &format!("{}{}", leaf.cert_pem, leaf.key_pem),
        );
    }
    let out = process::run(&mut apply_command("haproxy", root, PLAN));
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    // HAProxy reads only the files it is started with: started as `apply`
    // says, with the new file after haproxy.cfg.
    for d in ["var/lib/haproxy", "run/haproxy"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    let logs = process::temp_dir();
    let InRoot { running, pid } = start_in_root(
        "haproxy",
        &program,
        &[
            "-db",
            "-f",
            "/etc/haproxy/haproxy.cfg",
            "-f",
            "/etc/haproxy/matrix-example.com.cfg",
        ],
        &[],
        root,
        logs.path(),
    );
    assert!(
        eventually(|| listens_in(pid, 443)),
        "haproxy did not start in the root:\n{}",
        running.log()
    );
    let synapse = serve_and_check(&python, pid, &ca, "haproxy");
    drop(synapse);
    drop(running);
}

fn names() -> Vec<String> {
    NAMES.iter().map(|n| n.to_string()).collect()
}

/// The well-known files of the plan under `dir` in the root, from
/// `generate --out`.
fn well_known_files(root: &Path, dir: &str) {
    let out_dir = process::temp_dir();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_matrix-delegate"));
    cmd.args([
        "generate",
        "--server-name",
        "example.com",
        "--host",
        "matrix.example.com",
        "--proxy",
        "apache",
        "--out",
    ])
    .arg(out_dir.path())
    .args(PLAN);
    let out = process::run(&mut cmd);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    copy_tree(
        &out_dir.path().join("well-known/matrix"),
        &root.join(dir.trim_start_matches('/')),
    );
}
