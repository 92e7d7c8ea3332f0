//! Certificates first, with the real proxies running in a temporary root:
//! while the certificate files the configuration names are missing,
//! `apply` installs only the port-80 part (the ACME http-01 challenge,
//! RFC 8555 §8.3) as a file of its own, the proxy serves a challenge token
//! for every name over plain HTTP, and no https site is enabled; once the
//! certificates exist, the next `apply` installs the whole configuration
//! and removes that file in the same transaction, and a failure in that
//! transaction puts every file back byte for byte, the removed one too.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use matrix_delegate::apply::apache::Apache;
use matrix_delegate::apply::haproxy::Haproxy;
use matrix_delegate::apply::nginx::Nginx;
use matrix_delegate::apply::program::Ran;
use matrix_delegate::apply::{ApplyError, Backend, Outcome, Request, apply_with, files};
use matrix_delegate::domain::{Proxy, Strategy, acme};
use matrix_delegate::install::acme_first::AcmeStep;
use matrix_delegate::install::{Decision, FileOp};

use crate::support::apply::{
    APACHE_ENV, InRoot, apache_root, apply_command, certificates, eventually, haproxy_root,
    listens_in, namespaces_or_skip, nginx_root, picture, put, start_in_root,
};
use crate::support::output::{code, stdout};
use crate::support::proxy::certs::TestCa;
use crate::support::proxy::{answers, plan_of, process};

const NAMES: &[&str] = &["example.com", "matrix.example.com"];
/// A token certbot would write; the port-80 part must hand it out as is.
const TOKEN: &str = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";

/// Runs `what` on a thread inside the network namespace of process `pid`
/// (`setns` changes only the calling thread).
fn in_netns<T: Send + 'static>(pid: u32, what: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(move || {
        let ns = std::fs::File::open(format!("/proc/{pid}/ns/net")).expect("netns");
        nix::sched::setns(ns, nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
        what()
    })
    .join()
    .expect("netns thread")
}

/// A plain HTTP/1.0 GET of `path` for `host` on port 80 of the loopback
/// inside `pid`'s network namespace: the status and the whole response.
fn get_80(pid: u32, host: &str, path: &str) -> (u16, String) {
    let request = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n");
    in_netns(pid, move || {
        let Ok(mut conn) = TcpStream::connect("127.0.0.1:80") else {
            return (0, String::new());
        };
        let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(10)));
        let _ = conn.write_all(request.as_bytes());
        let mut text = String::new();
        let _ = conn.read_to_string(&mut text);
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, text)
    })
}

/// Every name's challenge token is served over plain HTTP on port 80 and
/// any other path moves to https. A reload replaces the proxy's workers
/// gracefully, so the old ones may still answer for a moment: the answers
/// must come out right three rounds in a row.
fn serves_the_challenge(pid: u32, stage: &str, expected_body: &dyn Fn(&str) -> String) {
    let path = format!("{}{TOKEN}", acme::CHALLENGE_PATH);
    let round = || -> Result<(), String> {
        for name in NAMES {
            let (status, text) = get_80(pid, name, &path);
            if status != 200 || !text.ends_with(&expected_body(&path)) {
                return Err(format!("{name}: the token is not served: {text}"));
            }
            let (status, text) = get_80(pid, name, "/somewhere?x=1");
            let location = format!("location: https://{name}/somewhere?x=1");
            if status != 301 || !text.lines().any(|l| l.eq_ignore_ascii_case(&location)) {
                return Err(format!("{name}: not moved to https: {text}"));
            }
        }
        Ok(())
    };
    let settled = eventually(|| (0..3).all(|_| round().is_ok()));
    assert!(settled, "{stage}: {}", round().err().unwrap_or_default());
}

/// The token where certbot's `--webroot` writes it, under the root.
fn put_token(root: &Path) {
    put(
        root,
        &format!("{}{}{TOKEN}", acme::WEBROOT, acme::CHALLENGE_PATH),
        &format!("{TOKEN}.thumbprint"),
    );
}

fn entry_exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// The real backend, whose test after writing fails: `plant` breaks the
/// configuration just then (a broken include, as a change made by someone
/// else in between would), the real program's test fails, `unplant`
/// takes the break away again. Everything else is the real install.
struct BrokenAfterWriting<'a> {
    real: &'a dyn Backend,
    plant: fn(&Path),
    unplant: fn(&Path),
    tests_of_the_tree: Cell<u32>,
}

impl Backend for BrokenAfterWriting<'_> {
    fn name(&self) -> &'static str {
        self.real.name()
    }
    fn test_name(&self) -> &'static str {
        self.real.test_name()
    }
    fn decide(
        &self,
        req: &Request<'_>,
        generated: &str,
    ) -> Result<(Decision, BTreeMap<String, String>), ApplyError> {
        self.real.decide(req, generated)
    }
    fn program(&self) -> Option<PathBuf> {
        self.real.program()
    }
    fn test(
        &self,
        program: &Path,
        root: &Path,
        overlay: Option<&[FileOp]>,
    ) -> Result<Ran, ApplyError> {
        if overlay.is_some() {
            return self.real.test(program, root, overlay);
        }
        let n = self.tests_of_the_tree.get() + 1;
        self.tests_of_the_tree.set(n);
        if n == 1 {
            return self.real.test(program, root, None);
        }
        (self.plant)(root);
        let ran = self.real.test(program, root, None);
        (self.unplant)(root);
        ran
    }
    fn reload(&self, program: &Path, root: &Path) -> Result<Ran, ApplyError> {
        self.real.reload(program, root)
    }
    fn reloads(&self) -> bool {
        self.real.reloads()
    }
    fn after_install_of(&self, file: &str) -> Vec<String> {
        self.real.after_install_of(file)
    }
}

/// The second step with a failure injected after writing: every file is
/// back byte for byte, the removed port-80 file and its link included.
fn a_failed_second_step_restores_everything(
    proxy: Proxy,
    real: &dyn Backend,
    root: &Path,
    plant: fn(&Path),
    unplant: fn(&Path),
    acme_file: &str,
) {
    let before = picture(&root.join("etc"));
    let plan = plan_of(&answers(Strategy::WellKnown, proxy));
    let req = Request {
        root,
        plan: &plan,
        proxy_config: None,
        dry_run: false,
    };
    let backend = BrokenAfterWriting {
        real,
        plant,
        unplant,
        tests_of_the_tree: Cell::new(0),
    };
    let mut out = Vec::new();
    let outcome = apply_with(&req, &backend, &mut out);
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(
        outcome,
        Outcome::ValidationFailed { restored: true },
        "{text}"
    );
    assert!(
        text.contains(&format!("removed: {}{acme_file} (backup: ", root.display())),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "restored byte for byte: {}{acme_file}",
            root.display()
        )),
        "{text}"
    );
    assert_eq!(
        picture(&root.join("etc")),
        before,
        "the tree is not as it was"
    );
}

const NGINX_ACME: &str = "/etc/nginx/sites-available/acme-matrix-example.com.conf";
const NGINX_ACME_LINK: &str = "etc/nginx/sites-enabled/acme-matrix-example.com.conf";
const NGINX_FILE: &str = "etc/nginx/sites-available/matrix-example.com.conf";
const NGINX_LINK: &str = "etc/nginx/sites-enabled/matrix-example.com.conf";

#[test]
fn nginx_port_80_first_then_the_whole_configuration() {
    let Some((dir, program)) = nginx_root(&[]) else {
        return;
    };
    if !namespaces_or_skip() {
        return;
    }
    let root = dir.path();
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
    assert!(!root.join("var/www/letsencrypt").exists());
    // Negative control: Debian's default site does not serve the token.
    put_token(root);
    let path = format!("{}{TOKEN}", acme::CHALLENGE_PATH);
    assert_eq!(get_80(pid, "example.com", &path).0, 404);
    std::fs::remove_dir_all(root.join("var/www/letsencrypt")).expect("token away");

    // A dry run shows the step and writes nothing.
    let before = picture(&root.join("etc"));
    let dry = process::run(&mut apply_command("nginx", root, &["--dry-run"]));
    assert_eq!(code(&dry), 0, "{}", stdout(&dry));
    assert!(
        stdout(&dry).contains(&format!("+++ {}{NGINX_ACME} (after)", root.display())),
        "{}",
        stdout(&dry)
    );
    assert_eq!(picture(&root.join("etc")), before);
    assert!(!root.join("var/www/letsencrypt").exists());

    let out = process::run(&mut apply_command("nginx", root, &[]));
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "not finished yet: {text}");
    assert!(
        text.contains("First only the port-80 part goes live"),
        "{text}"
    );
    assert!(text.contains("reloaded: "), "{text}");
    for name in NAMES {
        assert!(
            text.contains(&format!(
                "  certbot certonly --webroot -w /var/www/letsencrypt -d {name}"
            )),
            "{text}"
        );
    }
    assert!(
        text.contains("Then run the same `matrix-delegate apply` again"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_link(root.join(NGINX_ACME_LINK)).expect("enabled"),
        Path::new("../sites-available/acme-matrix-example.com.conf")
    );
    assert!(root.join("var/www/letsencrypt").is_dir(), "the webroot");
    assert!(!entry_exists(&root.join(NGINX_FILE)), "{text}");
    assert!(!entry_exists(&root.join(NGINX_LINK)), "{text}");
    put_token(root);
    serves_the_challenge(pid, "the port-80 part alone", &|_| {
        format!("{TOKEN}.thumbprint")
    });
    assert!(!listens_in(pid, 443), "an https site was enabled");

    // Run again before certbot: the part is in place, nothing changes.
    let before = picture(&root.join("etc"));
    let again = process::run(&mut apply_command("nginx", root, &[]));
    assert_eq!(code(&again), 1, "{}", stdout(&again));
    assert!(stdout(&again).contains("is in place"), "{}", stdout(&again));
    assert_eq!(picture(&root.join("etc")), before);

    // certbot got the certificates.
    certificates(root, NAMES);
    a_failed_second_step_restores_everything(
        Proxy::Nginx,
        &Nginx,
        root,
        |root| {
            put(
                root,
                "/etc/nginx/conf.d/broken.conf",
                "include /etc/nginx/snippets/missing.conf;\n",
            )
        },
        |root| std::fs::remove_file(root.join("etc/nginx/conf.d/broken.conf")).expect("unplant"),
        NGINX_ACME,
    );

    let out = process::run(&mut apply_command("nginx", root, &[]));
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains(&format!(
            "removed: {}{NGINX_ACME} (backup: ",
            root.display()
        )),
        "{text}"
    );
    assert!(text.contains("reloaded: "), "{text}");
    assert!(!entry_exists(&root.join(NGINX_ACME_LINK)), "{text}");
    assert!(!entry_exists(&root.join(&NGINX_ACME[1..])), "{text}");
    assert!(root.join(NGINX_LINK).exists(), "{text}");
    assert!(
        eventually(|| listens_in(pid, 443)),
        "the whole configuration is not live"
    );
    // The whole configuration's own port-80 part serves the challenge.
    serves_the_challenge(pid, "the whole configuration", &|_| {
        format!("{TOKEN}.thumbprint")
    });
    drop(running);
}

const APACHE_ACME: &str = "/etc/apache2/sites-available/acme-matrix-example.com.conf";
const APACHE_ACME_LINK: &str = "etc/apache2/sites-enabled/acme-matrix-example.com.conf";
const APACHE_LINK: &str = "etc/apache2/sites-enabled/matrix-example.com.conf";

#[test]
fn apache_port_80_first_then_the_whole_configuration() {
    let Some((dir, program)) = apache_root(&[]) else {
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
        "apache2 did not start in the root:\n{}",
        running.log()
    );
    // Negative control: Debian's default site does not serve the token.
    put_token(root);
    let path = format!("{}{TOKEN}", acme::CHALLENGE_PATH);
    assert_eq!(get_80(pid, "example.com", &path).0, 404);
    std::fs::remove_dir_all(root.join("var/www/letsencrypt")).expect("token away");

    let out = process::run(&mut apply_command("apache", root, &[]));
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "not finished yet: {text}");
    assert!(text.contains("reloaded: "), "{text}");
    for name in NAMES {
        assert!(
            text.contains(&format!("  certbot certonly --apache -d {name}")),
            "{text}"
        );
    }
    assert_eq!(
        std::fs::read_link(root.join(APACHE_ACME_LINK)).expect("enabled"),
        Path::new("../sites-available/acme-matrix-example.com.conf")
    );
    assert!(root.join("var/www/letsencrypt").is_dir(), "the webroot");
    assert!(!entry_exists(&root.join(APACHE_LINK)), "{text}");
    assert!(
        !root.join("etc/apache2/mods-enabled/ssl.load").exists(),
        "{text}"
    );
    put_token(root);
    serves_the_challenge(pid, "the port-80 part alone", &|_| {
        format!("{TOKEN}.thumbprint")
    });
    assert!(!listens_in(pid, 443), "an https site was enabled");

    certificates(root, NAMES);
    a_failed_second_step_restores_everything(
        Proxy::Apache,
        &Apache,
        root,
        |root| {
            put(
                root,
                "/etc/apache2/conf-enabled/broken.conf",
                "Include /etc/apache2/missing.conf\n",
            )
        },
        |root| {
            std::fs::remove_file(root.join("etc/apache2/conf-enabled/broken.conf"))
                .expect("unplant")
        },
        APACHE_ACME,
    );

    let out = process::run(&mut apply_command("apache", root, &[]));
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(text.contains("reloaded: "), "{text}");
    assert!(!entry_exists(&root.join(APACHE_ACME_LINK)), "{text}");
    assert!(!entry_exists(&root.join(&APACHE_ACME[1..])), "{text}");
    assert!(root.join(APACHE_LINK).exists(), "{text}");
    assert!(
        eventually(|| listens_in(pid, 443)),
        "the whole configuration is not live:\n{}",
        std::fs::read_to_string(root.join("var/log/apache2/error.log")).unwrap_or_default()
    );
    serves_the_challenge(pid, "the whole configuration", &|_| {
        format!("{TOKEN}.thumbprint")
    });
    drop(running);
}

const HAPROXY_ACME: &str = "/etc/haproxy/acme-matrix-example.com.cfg";
const HAPROXY_FILE: &str = "/etc/haproxy/matrix-example.com.cfg";

/// certbot's standalone server, as a stand-in on 127.0.0.1:8402 inside
/// `pid`'s network namespace: it answers every request with the path it
/// got. Stops when dropped.
struct Standalone {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Standalone {
    fn start(pid: u32) -> Standalone {
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let ns = std::fs::File::open(format!("/proc/{pid}/ns/net")).expect("netns");
            nix::sched::setns(ns, nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
            let listener =
                TcpListener::bind(("127.0.0.1", acme::STANDALONE_PORT)).expect("standalone port");
            listener.set_nonblocking(true).expect("nonblocking");
            let _ = ready_tx.send(());
            while !stopped.load(Ordering::Relaxed) {
                let Ok((mut conn, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    continue;
                };
                let _ = conn.set_nonblocking(false);
                let mut buf = [0u8; 4096];
                let n = conn.read(&mut buf).unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let body = format!("standalone {}", head.split(' ').nth(1).unwrap_or(""));
                let _ = conn.write_all(
                    format!(
                        "HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            }
        });
        ready_rx.recv().expect("the standalone stand-in started");
        Standalone {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Standalone {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// HAProxy started in the root with haproxy.cfg and `file`, as `apply`
/// tells the operator to.
fn haproxy_with(program: &Path, root: &Path, file: &str, logs: &Path) -> InRoot {
    for d in ["var/lib/haproxy", "run/haproxy"] {
        std::fs::create_dir_all(root.join(d)).expect("folder");
    }
    let started = start_in_root(
        "haproxy",
        program,
        &["-db", "-f", "/etc/haproxy/haproxy.cfg", "-f", file],
        &[],
        root,
        logs,
    );
    assert!(
        eventually(|| listens_in(started.pid, 80)),
        "haproxy did not start in the root:\n{}",
        started.running.log()
    );
    started
}

#[test]
fn haproxy_port_80_first_then_the_whole_configuration() {
    let Some((dir, program)) = haproxy_root(&[]) else {
        return;
    };
    if !namespaces_or_skip() {
        return;
    }
    let root = dir.path();
    let out = process::run(&mut apply_command("haproxy", root, &[]));
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "not finished yet: {text}");
    assert!(
        text.contains("haproxy -c: the whole configuration is valid."),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "add `-f {HAPROXY_ACME}` after `-f /etc/haproxy/haproxy.cfg`"
        )),
        "{text}"
    );
    for name in NAMES {
        assert!(
            text.contains(&format!(
                "  certbot certonly --standalone --http-01-port 8402 -d {name} --deploy-hook "
            )),
            "{text}"
        );
    }
    assert!(!root.join(&HAPROXY_FILE[1..]).exists(), "{text}");
    let acme_text = std::fs::read_to_string(root.join(&HAPROXY_ACME[1..])).expect("written");
    assert!(
        !acme_text.contains(" crt "),
        "no certificate named: {acme_text}"
    );

    let logs = process::temp_dir();
    let first = haproxy_with(&program, root, HAPROXY_ACME, logs.path());
    let standalone = Standalone::start(first.pid);
    serves_the_challenge(first.pid, "the port-80 part alone", &|path| {
        format!("standalone {path}")
    });
    assert!(!listens_in(first.pid, 443), "an https frontend was started");
    drop(standalone);
    drop(first.running);

    // certbot's deploy hook wrote the combined files.
    let ca = TestCa::new();
    for name in NAMES {
        let leaf = ca.leaf(name);
        put(
            root,
            &format!("/etc/haproxy/certs/{name}.pem"),
            &format!("{}{}", leaf.cert_pem, leaf.key_pem),
        );
    }
    a_failed_second_step_restores_everything(
        Proxy::Haproxy,
        &Haproxy {
            file: HAPROXY_FILE.into(),
        },
        root,
        |root| {
            let main = root.join("etc/haproxy/haproxy.cfg");
            let text = std::fs::read_to_string(&main).expect("haproxy.cfg");
            std::fs::write(&main, format!("{text}\nbackend continuwuity\n")).expect("plant");
        },
        |root| {
            let main = root.join("etc/haproxy/haproxy.cfg");
            let text = std::fs::read_to_string(&main).expect("haproxy.cfg");
            let original = text
                .strip_suffix("\nbackend continuwuity\n")
                .expect("planted");
            std::fs::write(&main, original).expect("unplant");
        },
        HAPROXY_ACME,
    );

    let out = process::run(&mut apply_command("haproxy", root, &[]));
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert!(
        text.contains(&format!("start it with `-f {HAPROXY_FILE}` instead")),
        "{text}"
    );
    assert!(!root.join(&HAPROXY_ACME[1..]).exists(), "{text}");
    let second = haproxy_with(&program, root, HAPROXY_FILE, logs.path());
    let standalone = Standalone::start(second.pid);
    serves_the_challenge(second.pid, "the whole configuration", &|path| {
        format!("standalone {path}")
    });
    assert!(eventually(|| listens_in(second.pid, 443)));
    drop(standalone);
    drop(second.running);
}

/// The port-80 file an earlier step installed, edited by the operator
/// since: the next `apply` does not remove it (the edits would be lost)
/// nor install beside it (two port-80 blocks per name); it stops, names
/// both paths and writes nothing.
#[test]
fn an_edited_port_80_file_stops_the_whole_install() {
    let Some((dir, _)) = nginx_root(&[]) else {
        return;
    };
    let root = dir.path();
    let plan = plan_of(&answers(Strategy::WellKnown, Proxy::Nginx));
    let req = Request {
        root,
        plan: &plan,
        proxy_config: None,
        dry_run: false,
    };
    let generated = matrix_delegate::generate::artifacts(&plan)
        .into_iter()
        .find(|a| a.id == matrix_delegate::generate::ids::PROXY)
        .expect("proxy")
        .text;
    let (decision, _) = Nginx.decide(&req, &generated).expect("decide");
    let Decision::CertificatesMissing {
        acme: AcmeStep::Install(first),
        ..
    } = decision
    else {
        panic!("{decision:?}")
    };
    files::execute(root, &first.ops, &root.join("var/backups/t")).expect("the first step");
    let acme_path = root.join(&NGINX_ACME[1..]);
    let text = std::fs::read_to_string(&acme_path).expect("written");
    std::fs::write(&acme_path, format!("{text}# mine\n")).expect("edit");
    certificates(root, NAMES);
    let before = picture(&root.join("etc"));
    let out = process::run(&mut apply_command("nginx", root, &[]));
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains(&format!(
            "remove {}{NGINX_ACME} and the link {}/{NGINX_ACME_LINK}, then run apply again",
            root.display(),
            root.display()
        )),
        "{text}"
    );
    assert!(text.contains("Nothing was written."), "{text}");
    assert_eq!(picture(&root.join("etc")), before);
}

/// The port-80 part alone has the same safety as a whole install: here
/// no nginx runs in the root, so the reload fails, and the file, its link
/// and the webroot made for it are gone again.
#[test]
fn a_first_step_whose_reload_fails_leaves_the_tree_as_it_was() {
    let Some((dir, _)) = nginx_root(&[]) else {
        return;
    };
    let root = dir.path();
    let before = picture(&root.join("etc"));
    let out = process::run(&mut apply_command("nginx", root, &[]));
    let text = stdout(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(text.contains("The reload failed"), "{text}");
    assert!(
        text.contains(&format!("removed again: {}{NGINX_ACME}", root.display())),
        "{text}"
    );
    assert!(
        text.contains(&format!("removed again: {}/var/www", root.display())),
        "{text}"
    );
    assert!(!text.contains("Then run the same"), "no next step: {text}");
    assert_eq!(picture(&root.join("etc")), before);
    assert!(!root.join("var/www").exists());
}
