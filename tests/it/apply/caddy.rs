//! `apply` with Caddy: Debian's `/etc/caddy` (copied) under a temporary
//! root, the generated sites in a file of their own with one `import`
//! line in the Caddyfile, validated by the real `caddy validate` and
//! reloaded into a real Caddy running in that root. Every run that may
//! reload goes inside a network namespace, so `caddy reload` can only
//! reach the Caddy of the test.

use std::path::Path;

use crate::support::apply::{
    InRoot, apply_command, apply_in_netns, caddy_root, eventually, listens_in, namespaces_or_skip,
    picture, put, start_in_root,
};
use crate::support::output::{code, stdout};
use crate::support::proxy::process;

const FILE: &str = "etc/caddy/matrix-example.com.caddy";
const IMPORT: &str =
    "\n# The Matrix sites, written by matrix-delegate apply.\nimport matrix-example.com.caddy\n";

fn etc(root: &Path) -> std::path::PathBuf {
    root.join("etc")
}

#[test]
fn dry_run_validates_a_copy_and_writes_nothing() {
    let Some((dir, _)) = caddy_root() else { return };
    let root = dir.path();
    let before = picture(&etc(root));
    let out = process::run(&mut apply_command("caddy", root, &["--dry-run"]));
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("which loads it with `import matrix-example.com.caddy`"),
        "{text}"
    );
    assert!(text.contains("+import matrix-example.com.caddy"), "{text}");
    assert!(text.contains("+matrix.example.com:443 {"), "{text}");
    assert!(
        text.contains("With this change, `caddy validate` passes"),
        "{text}"
    );
    assert_eq!(picture(&etc(root)), before);
}

#[test]
fn installs_validates_and_reloads_the_caddy_running_in_the_root() {
    let Some((dir, program)) = caddy_root() else {
        return;
    };
    if !namespaces_or_skip() {
        return;
    }
    let root = dir.path();
    let original = std::fs::read_to_string(root.join("etc/caddy/Caddyfile")).unwrap();
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
        eventually(|| listens_in(pid, 80) && listens_in(pid, 2019)),
        "caddy did not start in the root:\n{}",
        running.log()
    );
    assert!(!listens_in(pid, 443));

    let out = apply_in_netns("caddy", Some(pid), root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("caddy validate: the whole configuration is valid."),
        "{text}"
    );
    assert!(text.contains("reloaded: "), "{text}");
    assert_eq!(
        std::fs::read_to_string(root.join("etc/caddy/Caddyfile")).unwrap(),
        format!("{original}{IMPORT}")
    );
    assert!(
        std::fs::read_to_string(root.join(FILE))
            .unwrap()
            .contains("matrix.example.com:443 {")
    );
    assert!(
        eventually(|| listens_in(pid, 443)),
        "the reload did not bring up the new sites:\n{}",
        running.log()
    );

    let before = picture(&etc(root));
    let again = apply_in_netns("caddy", Some(pid), root, &[]);
    assert_eq!(code(&again), 0, "{}", stdout(&again));
    assert!(
        stdout(&again).contains("nothing to change"),
        "{}",
        stdout(&again)
    );
    assert_eq!(picture(&etc(root)), before);
    drop(running);
}

#[test]
fn a_reload_that_fails_restores_the_caddyfile_byte_for_byte() {
    let Some((dir, _)) = caddy_root() else { return };
    if !namespaces_or_skip() {
        return;
    }
    let root = dir.path();
    // No trailing newline and CRLF: restored as it was, not as rewritten.
    put(
        root,
        "/etc/caddy/Caddyfile",
        ":80 {\r\n\trespond \"hi\"\r\n}",
    );
    let before = picture(&etc(root));
    // A fresh network namespace: nothing answers on localhost:2019.
    let out = apply_in_netns("caddy", None, root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("caddy validate: the whole configuration is valid."),
        "{text}"
    );
    assert!(text.contains("The reload failed"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("  | ") && l.contains("localhost:2019")),
        "Caddy quoted: {text}"
    );
    assert!(
        text.contains(&format!(
            "restored byte for byte: {}/etc/caddy/Caddyfile",
            root.display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("removed again: {}/{FILE}", root.display())),
        "{text}"
    );
    assert_eq!(picture(&etc(root)), before);
}

#[test]
fn an_existing_site_block_for_the_base_domain_is_a_conflict() {
    let Some((dir, _)) = caddy_root() else { return };
    let root = dir.path();
    put(
        root,
        "/etc/caddy/Caddyfile",
        ":80 {\n\tfile_server\n}\n\nexample.com {\n\troot * /srv/www\n\tfile_server\n}\n",
    );
    let before = picture(&etc(root));
    let out = process::run(&mut apply_command("caddy", root, &[]));
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains(&format!(
            "example.com on port 443: the block at {}/etc/caddy/Caddyfile, lines 5-8. Add before its closing `}}` on line 8:",
            root.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("\t@continuwuity path /.well-known/matrix/*\n"),
        "{text}"
    );
    assert!(
        text.contains("\t\treverse_proxy 127.0.0.1:8008\n"),
        "{text}"
    );
    assert_eq!(picture(&etc(root)), before);
}

#[test]
fn without_a_caddyfile_nothing_is_written() {
    let Some((dir, _)) = caddy_root() else { return };
    let root = dir.path();
    std::fs::remove_file(root.join("etc/caddy/Caddyfile")).unwrap();
    let before = picture(&etc(root));
    let out = process::run(&mut apply_command("caddy", root, &[]));
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("/etc/caddy/Caddyfile, the Caddyfile the caddy service loads"),
        "{text}"
    );
    assert!(text.contains("--proxy-config PATH"), "{text}");
    assert_eq!(picture(&etc(root)), before);
}
