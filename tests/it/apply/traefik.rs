//! `apply` with Traefik: a static configuration and the file provider's
//! directory under a temporary root. Traefik has no Debian package and no
//! command that validates a configuration, so these run the real `apply`
//! binary against the tree and assert what it writes, refuses and says.

use std::path::Path;

use crate::support::apply::{apply_command, picture, put};
use crate::support::output::{code, stdout};
use crate::support::proxy::process;

const STATIC: &str = "etc/traefik/traefik.yml";
const FILE: &str = "etc/traefik/dynamic/matrix-example.com.yml";
const STATIC_YAML: &str = "entryPoints:\n  web:\n    address: \":80\"\n  websecure:\n    address: \":443\"\ncertificatesResolvers:\n  letsencrypt:\n    acme:\n      storage: /etc/traefik/acme.json\n      tlsChallenge: {}\nproviders:\n  file:\n    directory: /etc/traefik/dynamic\n    watch: true\n";
const SITE: &str = "http:\n  routers:\n    www:\n      rule: Host(`example.com`)\n      entryPoints: [websecure]\n      service: web\n      tls:\n        certResolver: letsencrypt\n  services:\n    web:\n      loadBalancer:\n        servers:\n          - url: http://127.0.0.1:8080\n";

fn apply(root: &Path, extra: &[&str]) -> std::process::Output {
    process::run(&mut apply_command("traefik", root, extra))
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), STATIC, STATIC_YAML);
    put(dir.path(), "etc/traefik/dynamic/site.yml", SITE);
    dir
}

#[test]
fn writes_its_own_file_in_the_directory_and_changes_nothing_else() {
    let dir = tree();
    let root = dir.path();
    let before = picture(root);
    let dry = apply(root, &["--dry-run"]);
    let text = stdout(&dry);
    assert_eq!(code(&dry), 0, "{text}");
    assert!(text.contains("+    matrix-example-com:"), "{text}");
    assert!(text.contains("Dry run: nothing was written."), "{text}");
    assert_eq!(picture(root), before, "a dry run changed the tree");

    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("a file of its own in /etc/traefik/dynamic, the file provider's directory"),
        "{text}"
    );
    assert!(text.contains("no reload or restart is needed"), "{text}");
    assert!(
        text.contains("Traefik could not validate this file"),
        "{text}"
    );
    assert!(text.contains("journalctl -u traefik -f"), "{text}");
    // The base domain's website has the shorter rule: noted, not a conflict.
    assert!(text.contains("ours has the longer rule"), "{text}");
    let written = std::fs::read_to_string(root.join(FILE)).unwrap();
    assert!(
        written.contains(
            "rule: \"Host(`matrix.example.com`) && (PathPrefix(`/_matrix/`) || \
             PathPrefix(`/_continuwuity/`) || PathPrefix(`/.well-known/matrix/`))\""
        ),
        "{written}"
    );
    let mut after = picture(root);
    after.retain(|p, _| !p.ends_with("matrix-example.com.yml"));
    assert_eq!(after, before, "apply changed another file");

    let again = apply(root, &[]);
    assert_eq!(code(&again), 0);
    assert!(
        stdout(&again).contains("nothing to change"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_changed_file_of_ours_is_replaced_with_a_backup() {
    let dir = tree();
    let root = dir.path();
    put(root, FILE, "# an older version\nhttp: {}\n");
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.contains("-# an older version"), "{text}");
    assert!(text.contains("(backup: "), "{text}");
    let backups = root.join("var/backups/matrix-delegate");
    let backup = picture(&backups)
        .into_iter()
        .find(|(p, _)| p.ends_with("matrix-example.com.yml"))
        .expect("a backup");
    assert_eq!(backup.1.1, b"# an older version\nhttp: {}\n");
}

#[test]
fn conflicts_write_nothing_and_say_what_to_change() {
    let dir = tree();
    let root = dir.path();
    // A hand-made router of the same name, and a website router that wins.
    put(
        root,
        "etc/traefik/dynamic/hand.yml",
        "http:\n  routers:\n    matrix-example-com:\n      rule: Host(`matrix.example.com`)\n      priority: 5000\n      service: web\n",
    );
    let before = picture(root);
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(text.contains("Nothing was written."), "{text}");
    assert!(
        text.contains(
            "/etc/traefik/dynamic/hand.yml already defines the HTTP router `matrix-example-com`"
        ),
        "{text}"
    );
    assert!(text.contains("with priority 5000"), "{text}");
    assert!(
        text.contains("rule: \"(Host(`matrix.example.com`)) && !(PathPrefix(`/_matrix/`)"),
        "{text}"
    );
    assert_eq!(picture(root), before);
}

#[test]
fn an_unparseable_file_is_quoted_with_its_line_and_nothing_is_written() {
    let dir = tree();
    let root = dir.path();
    put(
        root,
        "etc/traefik/dynamic/broken.toml",
        "[http.routers.a]\nrule = \n",
    );
    let before = picture(root);
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(text.contains("broken.toml does not parse"), "{text}");
    assert!(text.contains("line 2"), "{text}");
    assert_eq!(picture(root), before);

    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "etc/traefik/traefik.toml", "[providers.file\n");
    let out = apply(dir.path(), &[]);
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("traefik.toml does not parse"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn no_file_provider_or_no_static_configuration_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("/etc/traefik/traefik.toml (Traefik's static configuration)"),
        "{text}"
    );
    assert!(text.contains("--proxy-config PATH"), "{text}");
    assert_eq!(picture(root).len(), 0);

    put(root, STATIC, "providers:\n  docker: {}\n");
    let out = apply(root, &[]);
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("has no file provider"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_single_file_provider_gets_the_lines_to_add() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    put(
        root,
        STATIC,
        &STATIC_YAML.replace(
            "directory: /etc/traefik/dynamic",
            "filename: /etc/traefik/dynamic.yml",
        ),
    );
    put(root, "etc/traefik/dynamic.yml", SITE);
    let before = picture(root);
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("It is not edited and nothing was written"),
        "{text}"
    );
    assert!(text.contains("    matrix-example-com:"), "{text}");
    assert!(text.contains("`directory: /etc/traefik`"), "{text}");
    assert_eq!(picture(root), before);
}

#[test]
fn proxy_config_names_the_directory_without_a_static_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("srv/traefik")).unwrap();
    let out = apply(root, &["--proxy-config", "/srv/traefik"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.contains("could not be checked"), "{text}");
    assert!(root.join("srv/traefik/matrix-example.com.yml").is_file());
}
