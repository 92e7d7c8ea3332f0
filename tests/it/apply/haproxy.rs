//! `apply` with HAProxy: Debian's `/etc/haproxy` (copied) under a
//! temporary root; the generated sections in a file of their own, tested
//! by the real `haproxy -c` together with haproxy.cfg, nothing else
//! changed and no reload (the operator adds the file to HAProxy's command
//! line).

use std::path::Path;

use crate::support::apply::{apply_command, haproxy_root, picture, put};
use crate::support::output::{code, stdout};
use crate::support::proxy::process;

const NAMES: &[&str] = &["example.com", "matrix.example.com"];
const FILE: &str = "etc/haproxy/matrix-example.com.cfg";

fn etc(root: &Path) -> std::path::PathBuf {
    root.join("etc")
}

fn apply(root: &Path, extra: &[&str]) -> std::process::Output {
    process::run(&mut apply_command("haproxy", root, extra))
}

#[test]
fn writes_its_own_file_tested_with_haproxy_cfg_and_changes_nothing_else() {
    let Some((dir, _)) = haproxy_root(NAMES) else {
        return;
    };
    let root = dir.path();
    let main = std::fs::read(root.join("etc/haproxy/haproxy.cfg")).unwrap();
    let dry = apply(root, &["--dry-run"]);
    assert_eq!(code(&dry), 0, "{}", stdout(&dry));
    assert!(
        stdout(&dry).contains("With this change, `haproxy -c` passes"),
        "{}",
        stdout(&dry)
    );
    assert!(!root.join(FILE).exists(), "a dry run wrote the file");

    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("haproxy -c: the whole configuration is valid."),
        "{text}"
    );
    assert!(
        text.contains(
            "add `-f /etc/haproxy/matrix-example.com.cfg` after `-f /etc/haproxy/haproxy.cfg`"
        ),
        "{text}"
    );
    assert!(!text.contains("reloaded"), "{text}");
    assert!(
        std::fs::read_to_string(root.join(FILE))
            .unwrap()
            .contains("frontend matrix_443")
    );
    assert_eq!(
        std::fs::read(root.join("etc/haproxy/haproxy.cfg")).unwrap(),
        main
    );

    let again = apply(root, &[]);
    assert_eq!(code(&again), 0);
    assert!(
        stdout(&again).contains("nothing to change"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_change_haproxy_rejects_together_is_refused_before_writing() {
    let Some((dir, _)) = haproxy_root(NAMES) else {
        return;
    };
    let root = dir.path();
    // Valid alone; the generated file declares a backend of the same name.
    let main = std::fs::read_to_string(root.join("etc/haproxy/haproxy.cfg")).unwrap();
    put(
        root,
        "/etc/haproxy/haproxy.cfg",
        &format!("{main}\nbackend continuwuity\n\tserver old 127.0.0.1:9\n"),
    );
    let before = picture(&etc(root));
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("HAProxy rejects the configuration with this change"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("  | ")
            && l.contains("continuwuity")
            && l.contains(&format!("{}/{FILE}", root.display()))),
        "HAProxy quoted, naming the root's file: {text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("written: ")), "{text}");
    assert_eq!(picture(&etc(root)), before);
}

#[test]
fn a_frontend_on_the_same_port_is_a_conflict() {
    let Some((dir, _)) = haproxy_root(NAMES) else {
        return;
    };
    let root = dir.path();
    let main = std::fs::read_to_string(root.join("etc/haproxy/haproxy.cfg")).unwrap();
    put(
        root,
        "/etc/haproxy/haproxy.cfg",
        &format!(
            "{main}\nfrontend web\n\tbind :443 ssl crt /etc/haproxy/certs/example.com.pem\n\tdefault_backend site\n\nbackend site\n\tserver s 127.0.0.1:9\n"
        ),
    );
    let lines = main.lines().count();
    let before = picture(&etc(root));
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains(&format!(
            "frontend web on port 443: the block at {}/etc/haproxy/haproxy.cfg, lines {}-{}.",
            root.display(),
            lines + 2,
            lines + 4
        )),
        "{text}"
    );
    assert!(
        text.contains("    acl name_example-com req.hdr(host),host_only -i example.com\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "crt /etc/haproxy/certs/matrix.example.com.pem crt /etc/haproxy/certs/example.com.pem"
        ),
        "{text}"
    );
    assert_eq!(picture(&etc(root)), before);
}

#[test]
fn missing_combined_certificates_give_the_certificate_step() {
    let Some((dir, _)) = haproxy_root(&["example.com"]) else {
        return;
    };
    let root = dir.path();
    let before = picture(&etc(root));
    let out = apply(root, &["--dry-run"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.contains("Dry run: nothing was written."), "{text}");
    assert!(
        text.contains("/etc/haproxy/certs/matrix.example.com.pem"),
        "{text}"
    );
    assert!(
        text.contains("  sh -c 'umask 077; cat /etc/letsencrypt/live/matrix.example.com/fullchain.pem /etc/letsencrypt/live/matrix.example.com/privkey.pem > /etc/haproxy/certs/matrix.example.com.pem'"),
        "{text}"
    );
    assert!(
        text.contains("  certbot certonly --standalone --http-01-port 8402 -d matrix.example.com --deploy-hook "),
        "{text}"
    );
    assert_eq!(picture(&etc(root)), before);
}
