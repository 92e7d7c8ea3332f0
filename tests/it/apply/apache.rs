//! `apply` with Apache: Debian's `/etc/apache2` (copied) under a temporary
//! root, the site in sites-available/ enabled by a link, the modules it
//! needs enabled by links as a2enmod makes them, the whole configuration
//! tested by the real `apache2 -t`, and a graceful restart of an Apache
//! running in that root.

use std::path::Path;

use crate::support::apply::{
    APACHE_ENV, InRoot, apache_root, apply_command, eventually, link, listens_in,
    namespaces_or_skip, picture, put, start_in_root,
};
use crate::support::output::{code, stdout};
use crate::support::proxy::process;

const NAMES: &[&str] = &["example.com", "matrix.example.com"];
const FILE: &str = "etc/apache2/sites-available/matrix-example.com.conf";
const LINK: &str = "etc/apache2/sites-enabled/matrix-example.com.conf";

fn etc(root: &Path) -> std::path::PathBuf {
    root.join("etc")
}

fn apply(root: &Path, extra: &[&str]) -> std::process::Output {
    process::run(&mut apply_command("apache", root, extra))
}

#[test]
fn dry_run_names_the_modules_and_writes_nothing() {
    let Some((dir, _)) = apache_root(NAMES) else {
        return;
    };
    let root = dir.path();
    let before = picture(&etc(root));
    let out = apply(root, &["--dry-run"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("note: enables the modules it needs, as a2enmod does: socache_shmcb, ssl, proxy, proxy_http, headers"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "link {}/etc/apache2/mods-enabled/ssl.load -> ../mods-available/ssl.load",
            root.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("With this change, `apache2 -t` passes"),
        "{text}"
    );
    assert!(text.contains("Syntax OK"), "{text}");
    assert_eq!(picture(&etc(root)), before);
}

#[test]
fn installs_enables_and_restarts_the_apache_running_in_the_root() {
    let Some((dir, program)) = apache_root(NAMES) else {
        return;
    };
    if !namespaces_or_skip() {
        return;
    }
    let root = dir.path();
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
        "apache2 did not start in the root:\n{}\n{}",
        running.log(),
        std::fs::read_to_string(root.join("var/log/apache2/error.log")).unwrap_or_default()
    );
    assert!(
        !listens_in(pid, 443),
        "port 443 needs mod_ssl, not enabled yet"
    );

    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("apache2 -t: the whole configuration is valid."),
        "{text}"
    );
    assert!(text.contains("reloaded: "), "{text}");
    assert_eq!(
        std::fs::read_link(root.join(LINK)).unwrap(),
        Path::new("../sites-available/matrix-example.com.conf")
    );
    assert_eq!(
        std::fs::read_link(root.join("etc/apache2/mods-enabled/proxy_http.load")).unwrap(),
        Path::new("../mods-available/proxy_http.load")
    );
    assert!(
        eventually(|| listens_in(pid, 443)),
        "the graceful restart did not bring up the new sites:\n{}",
        std::fs::read_to_string(root.join("var/log/apache2/error.log")).unwrap_or_default()
    );

    let before = picture(&etc(root));
    let again = apply(root, &[]);
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
fn a_restart_that_cannot_happen_undoes_every_link_and_file() {
    let Some((dir, _)) = apache_root(NAMES) else {
        return;
    };
    let root = dir.path();
    let before = picture(&etc(root));
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(text.contains("The reload failed"), "{text}");
    assert!(text.contains("Apache is not running here"), "{text}");
    assert!(
        text.contains(&format!("removed again: {}/{FILE}", root.display())),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "removed again: {}/etc/apache2/mods-enabled/ssl.load",
            root.display()
        )),
        "{text}"
    );
    assert_eq!(picture(&etc(root)), before);
}

#[test]
fn an_existing_virtual_host_for_the_base_domain_is_a_conflict() {
    let Some((dir, _)) = apache_root(NAMES) else {
        return;
    };
    let root = dir.path();
    put(
        root,
        "/etc/apache2/sites-available/example.conf",
        "<VirtualHost *:443>\n\tServerName example.com\n\tDocumentRoot /var/www/example\n</VirtualHost>\n",
    );
    link(
        root,
        "/etc/apache2/sites-enabled/example.conf",
        "../sites-available/example.conf",
    );
    let before = picture(&etc(root));
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains(&format!(
            "example.com on port 443: the block at {}/etc/apache2/sites-enabled/example.conf (a link to ../sites-available/example.conf), lines 1-4. Add before its closing `}}` on line 4:",
            root.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("    ProxyPass        /.well-known/matrix/ http://127.0.0.1:8008/.well-known/matrix/ nocanon\n"),
        "{text}"
    );
    assert!(
        !text.contains("    ServerName example.com\n    SSLEngine"),
        "{text}"
    );
    assert_eq!(picture(&etc(root)), before);
}

#[test]
fn missing_certificates_give_the_apache_certificate_step() {
    let Some((dir, _)) = apache_root(&["example.com"]) else {
        return;
    };
    let root = dir.path();
    let before = picture(&etc(root));
    let out = apply(root, &["--dry-run"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.contains("Dry run: nothing was written."), "{text}");
    assert!(
        text.contains("  certbot certonly --apache -d matrix.example.com"),
        "{text}"
    );
    assert_eq!(picture(&etc(root)), before);
}
