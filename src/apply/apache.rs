//! Running Apache httpd: `apache2 -t` of the whole configuration and the
//! graceful restart. The environment Debian's `apache2ctl` takes from
//! `/etc/apache2/envvars` (user, pid file, run, lock and log folders) is
//! set here, under the root. Under another root, and for a dry run,
//! Apache tests a private copy of `/etc/apache2` whose includes,
//! certificates and logs point under the root (`-d <copy>/etc/apache2
//! -f apache2.conf`). A graceful restart of an Apache that is not running
//! would start one, so the pid file is looked at first.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::program::{Copy, Ran, copy_tree, find, root_prefix, run, write};
use super::{ApplyError, Backend, Request, inside, tree};
use crate::install::apache::{CONF_DIR, decide, include_closure, own_file, relocate, scan};
use crate::install::listing::{Entry, Listing};
use crate::install::{Decision, FileOp};

/// Apache as an install backend.
pub struct Apache;

/// The pid file inside the root (Debian's envvars).
const PID_FILE: &str = "/var/run/apache2/apache2.pid";

fn env(cmd: &mut Command, root: &Path) {
    let r = root_prefix(root);
    cmd.env("APACHE_RUN_USER", "www-data")
        .env("APACHE_RUN_GROUP", "www-data")
        .env("APACHE_PID_FILE", format!("{r}{PID_FILE}"))
        .env("APACHE_RUN_DIR", format!("{r}/var/run/apache2"))
        .env("APACHE_LOCK_DIR", format!("{r}/var/lock/apache2"))
        .env("APACHE_LOG_DIR", format!("{r}/var/log/apache2"))
        .env("LANG", "C");
}

fn copy(root: &Path, overlay: &[FileOp]) -> Result<Copy, ApplyError> {
    let copy = Copy::new("apache-test")?;
    let r = root_prefix(root);
    let c = copy.dir.display().to_string();
    let relocate = |text: &str| relocate::relocate(text, CONF_DIR, &c, &r);
    copy_tree(root, CONF_DIR, &copy.dir, &relocate, 0)?;
    for op in overlay {
        let dest = copy.dir.join(op.path().trim_start_matches('/'));
        let text = match op {
            FileOp::Write { contents, .. } => contents.clone(),
            FileOp::Remove { .. } => {
                // The copy without it (a link removed itself; absent in
                // the copy already when it was absent in the tree).
                let _ = std::fs::remove_file(&dest);
                continue;
            }
            FileOp::Link { path, target } => {
                let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
                let target_path = format!("{parent}/{target}");
                match overlay.iter().find_map(|o| match o {
                    FileOp::Write { path, contents }
                        if target_path.ends_with(path.rsplit('/').next().unwrap_or(path)) =>
                    {
                        Some(contents.clone())
                    }
                    _ => None,
                }) {
                    Some(c) => c,
                    None => std::fs::read_to_string(tree::resolve(root, &target_path))
                        .unwrap_or_default(),
                }
            }
        };
        write(&dest, relocate(&text).as_bytes())?;
    }
    Ok(copy)
}

fn apache2(program: &Path, root: &Path, copy: &Copy, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.arg("-d")
        .arg(copy.dir.join(CONF_DIR.trim_start_matches('/')))
        .args(["-f", "apache2.conf"])
        .args(args);
    env(&mut cmd, root);
    cmd
}

impl Backend for Apache {
    fn name(&self) -> &'static str {
        "Apache"
    }

    fn test_name(&self) -> &'static str {
        "apache2 -t"
    }

    fn decide(
        &self,
        req: &Request<'_>,
        generated: &str,
    ) -> Result<(Decision, BTreeMap<String, String>), ApplyError> {
        let root = req.root;
        let server_name = req.plan.server_name.to_string();
        let mut listing = Listing::default();
        if std::fs::metadata(inside(root, CONF_DIR)).is_ok_and(|m| m.is_dir()) {
            listing.entries.insert(CONF_DIR.into(), Entry::Dir);
        }
        tree::list(root, CONF_DIR, 2, &mut listing)?;
        let mut texts = BTreeMap::new();
        let own = own_file(&server_name);
        for path in [crate::install::acme_first::beside(&own), own] {
            if let Some(text) = tree::read(root, &path)? {
                texts.insert(path, text);
            }
        }
        loop {
            let wanted: Vec<String> = include_closure(&listing, &texts)
                .into_iter()
                .filter(|p| !texts.contains_key(p))
                .collect();
            let mut new = 0;
            for path in wanted {
                if let Some(text) = tree::read(root, &path)? {
                    texts.insert(path, text);
                    new += 1;
                }
            }
            if new == 0 || texts.len() > 2_000 {
                break;
            }
        }
        for file in scan::certificate_files(generated) {
            if std::fs::metadata(tree::resolve(root, &file)).is_ok_and(|m| m.is_file()) {
                listing.entries.insert(file, Entry::File);
            }
        }
        let sites = crate::generate::sites::sites(req.plan);
        let decision = decide(&crate::install::apache::Inputs {
            listing: &listing,
            texts: &texts,
            generated,
            sites: &sites,
            server_name: &server_name,
            acme: crate::generate::acme_only(req.plan).as_deref(),
        });
        Ok((decision, texts))
    }

    fn program(&self) -> Option<PathBuf> {
        find("apache2")
    }

    fn test(
        &self,
        program: &Path,
        root: &Path,
        overlay: Option<&[FileOp]>,
    ) -> Result<Ran, ApplyError> {
        if overlay.is_none()
            && root == Path::new("/")
            && let Some(ctl) = find("apache2ctl")
        {
            let mut cmd = Command::new(ctl);
            cmd.arg("configtest");
            return run(cmd, None, root);
        }
        let copy = copy(root, overlay.unwrap_or(&[]))?;
        run(apache2(program, root, &copy, &["-t"]), Some(&copy), root)
    }

    fn reload(&self, program: &Path, root: &Path) -> Result<Ran, ApplyError> {
        if root == Path::new("/")
            && Path::new("/run/systemd/system").is_dir()
            && let Some(systemctl) = find("systemctl")
        {
            let mut active = Command::new(&systemctl);
            active.args(["is-active", "--quiet", "apache2"]);
            if run(active, None, root)?.success {
                let mut cmd = Command::new(&systemctl);
                cmd.args(["reload", "apache2"]);
                return run(cmd, None, root);
            }
        }
        let pid_file = inside(root, PID_FILE);
        let alive = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok())
            .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            return Ok(Ran {
                command: format!("apache2 -k graceful (pid file {})", pid_file.display()),
                success: false,
                output: format!(
                    "Apache is not running here: {} names no running process",
                    pid_file.display()
                ),
            });
        }
        let copy = copy(root, &[])?;
        run(
            apache2(program, root, &copy, &["-k", "graceful"]),
            Some(&copy),
            root,
        )
    }
}
