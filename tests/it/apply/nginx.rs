//! `apply` with nginx: Debian's own configuration tree (this machine's
//! `/etc/nginx`, copied) under a temporary root, the generated
//! configuration installed, tested by the real `nginx -t` and reloaded
//! into a real nginx running in that root; and each way it must refuse or
//! undo: a conflicting server block, a configuration nginx rejects, a
//! reload that fails, an unknown layout, missing certificates, a dry run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use matrix_delegate::apply::nginx::Nginx;
use matrix_delegate::apply::program::Ran;
use matrix_delegate::apply::{ApplyError, Backend, Outcome, Request, apply_with};
use matrix_delegate::domain::{Proxy, Strategy};
use matrix_delegate::install::{Decision, FileOp};

use crate::support::apply::{
    InRoot, apply, eventually, link, listens_in, namespaces_or_skip, nginx_root, picture, put,
    start_in_root,
};
use crate::support::output::{code, stdout};
use crate::support::proxy::{answers, plan_of};

const NAMES: &[&str] = &["example.com", "matrix.example.com"];
const FILE: &str = "etc/nginx/sites-available/matrix-example.com.conf";
const LINK: &str = "etc/nginx/sites-enabled/matrix-example.com.conf";

fn etc(root: &Path) -> std::path::PathBuf {
    root.join("etc")
}

#[test]
fn dry_run_shows_the_diff_and_nginx_verdict_and_writes_nothing() {
    let Some((dir, _)) = nginx_root(NAMES) else {
        return;
    };
    let root = dir.path();
    let before = picture(&etc(root));
    let out = apply(root, &["--dry-run"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.contains("Debian layout"), "{text}");
    assert!(
        text.contains(&format!("+++ {}/{FILE} (after)", root.display())),
        "{text}"
    );
    assert!(
        text.contains("+    server_name matrix.example.com;"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "link {}/{LINK} -> ../sites-available/matrix-example.com.conf",
            root.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("With this change, `nginx -t` passes"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{}/etc/nginx/nginx.conf test is successful",
            root.display()
        )),
        "nginx's words name the root's files, not the private copy: {text}"
    );
    assert!(text.contains("Dry run: nothing was written."), "{text}");
    assert_eq!(picture(&etc(root)), before, "a dry run changed the tree");
}

#[test]
fn installs_tests_and_reloads_the_nginx_running_in_the_root() {
    let Some((dir, program)) = nginx_root(NAMES) else {
        return;
    };
    let root = dir.path();
    if !namespaces_or_skip() {
        return;
    }
    let logs = crate::support::proxy::process::temp_dir();
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
        "nginx did not start in the root:\n{}\n{}",
        running.log(),
        std::fs::read_to_string(root.join("var/log/nginx/error.log")).unwrap_or_default()
    );
    assert!(
        !listens_in(pid, 443),
        "nothing listens on 443 before the install"
    );

    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("nginx -t: the whole configuration is valid."),
        "{text}"
    );
    assert!(text.contains("reloaded: "), "{text}");

    let link_target = std::fs::read_link(root.join(LINK)).expect("the site is enabled");
    assert_eq!(
        link_target,
        Path::new("../sites-available/matrix-example.com.conf")
    );
    let written = std::fs::read_to_string(root.join(FILE)).expect("written");
    assert!(
        written.contains("server_name matrix.example.com;"),
        "{written}"
    );
    // The running nginx re-read its configuration: port 443 of the new
    // sites now listens (Debian's default site only has port 80).
    assert!(
        eventually(|| listens_in(pid, 443)),
        "the reload did not bring up the new site:\n{}",
        std::fs::read_to_string(root.join("var/log/nginx/error.log")).unwrap_or_default()
    );

    // A second run finds its own file and changes nothing.
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
fn an_existing_server_block_for_the_base_domain_is_a_conflict_with_the_lines_to_merge() {
    let Some((dir, _)) = nginx_root(NAMES) else {
        return;
    };
    let root = dir.path();
    put(
        root,
        "/etc/nginx/sites-available/example",
        "server {\n    listen 443 ssl;\n    server_name example.com www.example.com;\n    ssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem;\n    ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;\n    root /var/www/example;\n}\n",
    );
    link(
        root,
        "/etc/nginx/sites-enabled/example",
        "/etc/nginx/sites-available/example",
    );
    let before = picture(&etc(root));
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(text.contains("Nothing was written."), "{text}");
    assert!(
        text.contains(&format!(
            "example.com on port 443: the block at {}/etc/nginx/sites-enabled/example (a link to /etc/nginx/sites-available/example), lines 1-7. Add before its closing `}}` on line 7:",
            root.display()
        )),
        "{text}"
    );
    let expected = "\n    client_max_body_size 20M;\n    proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n    proxy_set_header X-Forwarded-Proto $scheme;\n";
    assert!(text.contains(expected), "{text}");
    assert!(
        text.contains("    location /.well-known/matrix/ {\n        proxy_pass http://127.0.0.1:8008;\n    }\n"),
        "{text}"
    );
    assert_eq!(picture(&etc(root)), before, "a conflict wrote something");

    // The lines merged as printed: the next run installs the rest (the
    // delegated host's site) and nginx accepts the whole.
    let lines: String = text
        .split("on line 7:\n")
        .nth(1)
        .expect("the lines")
        .to_string();
    let merged = std::fs::read_to_string(root.join("etc/nginx/sites-available/example"))
        .unwrap()
        .replace(
            "    root /var/www/example;\n}",
            &format!("    root /var/www/example;\n{lines}}}"),
        );
    put(root, "/etc/nginx/sites-available/example", &merged);
    let out = apply(root, &["--dry-run"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains("example.com: an existing server block already has every location it needs"),
        "{text}"
    );
    assert!(text.contains("`nginx -t` passes"), "{text}");
    assert!(!text.contains("+    server_name example.com;"), "{text}");
}

#[test]
fn a_change_nginx_rejects_is_refused_before_anything_is_written() {
    let Some((dir, _)) = nginx_root(NAMES) else {
        return;
    };
    let root = dir.path();
    plant_upstream(root);
    let before = picture(&etc(root));
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("nginx rejects the configuration with this change"),
        "{text}"
    );
    let quoted = format!(
        "upstream \"127.0.0.1\" may not have port 8008 in {}/{LINK}:",
        root.display()
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("  | ") && l.contains("[emerg]") && l.contains(&quoted)),
        "nginx quoted, naming the file as it would stand under the root: {text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("written: ")), "{text}");
    assert_eq!(picture(&etc(root)), before, "the tree is not as it was");
    assert!(!root.join("var/backups").exists());
}

/// Valid alone, rejected together with the generated site: an upstream
/// group named like the address the generated proxy_pass names with a port.
fn plant_upstream(root: &Path) {
    put(
        root,
        "/etc/nginx/conf.d/upstreams.conf",
        "upstream 127.0.0.1 {\n    server 127.0.0.1:9;\n}\n",
    );
}

/// nginx's test of the copy passes, its test of the written tree fails:
/// what a change made by someone else in between would cause. The test of
/// the copy is skipped here to reach that path; everything else is the
/// real install with the real nginx.
struct CopyTestPasses;

impl Backend for CopyTestPasses {
    fn name(&self) -> &'static str {
        Nginx.name()
    }
    fn test_name(&self) -> &'static str {
        Nginx.test_name()
    }
    fn decide(
        &self,
        req: &Request<'_>,
        generated: &str,
    ) -> Result<(Decision, BTreeMap<String, String>), ApplyError> {
        Nginx.decide(req, generated)
    }
    fn program(&self) -> Option<PathBuf> {
        Nginx.program()
    }
    fn test(
        &self,
        program: &Path,
        root: &Path,
        overlay: Option<&[FileOp]>,
    ) -> Result<Ran, ApplyError> {
        match overlay {
            Some(_) => Ok(Ran {
                command: "skipped".into(),
                success: true,
                output: String::new(),
            }),
            None => Nginx.test(program, root, None),
        }
    }
    fn reload(&self, program: &Path, root: &Path) -> Result<Ran, ApplyError> {
        Nginx.reload(program, root)
    }
}

#[test]
fn a_rejection_after_writing_restores_every_byte() {
    let Some((dir, _)) = nginx_root(NAMES) else {
        return;
    };
    let root = dir.path();
    plant_upstream(root);
    // An older file of ours, not enabled: replaced, then put back.
    put(root, &format!("/{FILE}"), "# an older version\r\n\u{feff}");
    std::fs::set_permissions(
        root.join(FILE),
        std::os::unix::fs::PermissionsExt::from_mode(0o640),
    )
    .unwrap();
    let before = picture(&etc(root));
    let plan = plan_of(&answers(Strategy::WellKnown, Proxy::Nginx));
    let req = Request {
        root,
        plan: &plan,
        proxy_config: None,
        dry_run: false,
    };
    let mut out = Vec::new();
    let outcome = apply_with(&req, &CopyTestPasses, &mut out);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        outcome,
        Outcome::ValidationFailed { restored: true },
        "{text}"
    );
    assert!(text.contains("nginx rejects the configuration"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("  | ")
            && l.contains("[emerg]")
            && l.contains("may not have port 8008")),
        "nginx quoted: {text}"
    );
    assert!(text.contains("nginx was not reloaded"), "{text}");
    assert!(
        text.contains(&format!(
            "restored byte for byte: {}/{FILE}",
            root.display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("removed again: {}/{LINK}", root.display())),
        "{text}"
    );
    assert_eq!(picture(&etc(root)), before, "the tree is not as it was");
    let kept: Vec<_> = std::fs::read_dir(root.join("var/backups/matrix-delegate"))
        .expect("a backup folder")
        .collect();
    assert_eq!(kept.len(), 1);
}

#[test]
fn a_reload_that_fails_is_undone_with_nginx_own_words() {
    let Some((dir, _)) = nginx_root(NAMES) else {
        return;
    };
    let root = dir.path();
    let before = picture(&etc(root));
    // No nginx runs in this root: no pid file to signal.
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("nginx -t: the whole configuration is valid."),
        "{text}"
    );
    assert!(text.contains("The reload failed"), "{text}");
    // `nginx -t` leaves an empty pid file, as it does on any system.
    let pid_file = format!("\"{}/run/nginx.pid\"", root.display());
    assert!(
        text.lines()
            .any(|l| l.starts_with("  | ") && l.contains("[error]") && l.contains(&pid_file)),
        "nginx quoted: {text}"
    );
    assert!(text.contains("removed again"), "{text}");
    assert_eq!(picture(&etc(root)), before);
}

#[test]
fn an_unknown_layout_writes_nothing_and_names_the_option() {
    let Some((dir, _)) = nginx_root(NAMES) else {
        return;
    };
    let root = dir.path();
    // A main file that includes neither sites-enabled/ nor conf.d/.
    put(
        root,
        "/etc/nginx/nginx.conf",
        "events {}\nhttp {\n    include /opt/web/*.conf;\n}\n",
    );
    let before = picture(&etc(root));
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("No nginx configuration layout found"),
        "{text}"
    );
    assert!(
        text.contains("/etc/nginx/sites-enabled/*;` in it (Debian)"),
        "{text}"
    );
    assert!(text.contains("--proxy-config PATH"), "{text}");
    assert_eq!(picture(&etc(root)), before);

    // Named with --proxy-config, the file goes there and is tested.
    std::fs::create_dir_all(root.join("opt/web")).unwrap();
    let out = apply(
        root,
        &["--proxy-config", "/opt/web/matrix.conf", "--dry-run"],
    );
    let text = stdout(&out);
    assert!(
        text.contains("--proxy-config /opt/web/matrix.conf, which nginx.conf includes"),
        "{text}"
    );

    // No nginx.conf at all.
    std::fs::remove_dir_all(root.join("etc/nginx")).unwrap();
    let out = apply(root, &[]);
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("/etc/nginx/nginx.conf, the main configuration"),
        "{}",
        stdout(&out)
    );
    assert!(!root.join("etc/nginx").exists());
}

#[test]
fn missing_certificates_enable_nothing_and_give_the_certificate_step() {
    let Some((dir, _)) = nginx_root(&["example.com"]) else {
        return;
    };
    let root = dir.path();
    let before = picture(&etc(root));
    let out = apply(root, &["--dry-run"]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.contains("Dry run: nothing was written."), "{text}");
    assert!(
        text.contains(&format!(
            "  {}/etc/letsencrypt/live/matrix.example.com/fullchain.pem",
            root.display()
        )),
        "{text}"
    );
    assert!(!text.contains("live/example.com/fullchain.pem"), "{text}");
    assert!(
        text.contains("  certbot certonly --nginx -d matrix.example.com"),
        "{text}"
    );
    assert!(
        text.contains("  certbot certonly --webroot -w /var/www/letsencrypt -d matrix.example.com"),
        "{text}"
    );
    assert_eq!(picture(&etc(root)), before);
}

#[test]
fn a_configuration_that_fails_already_is_left_alone() {
    let Some((dir, _)) = nginx_root(NAMES) else {
        return;
    };
    let root = dir.path();
    // A planted broken include: nginx -t fails before the install.
    put(
        root,
        "/etc/nginx/conf.d/broken.conf",
        "include /etc/nginx/snippets/missing.conf;\n",
    );
    let before = picture(&etc(root));
    let out = apply(root, &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("already fails `nginx -t` before any change"),
        "{text}"
    );
    let quoted = format!(
        "open() \"{r}/etc/nginx/snippets/missing.conf\" failed (2: No such file or directory) in {r}/etc/nginx/conf.d/broken.conf:1",
        r = root.display()
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("  | ") && l.contains("[emerg]") && l.contains(&quoted)),
        "nginx quoted, naming the root's files: {text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("written: ")), "{text}");
    assert_eq!(picture(&etc(root)), before);
}
