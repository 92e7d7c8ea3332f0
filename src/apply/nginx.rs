//! Running nginx: its own test of the whole configuration and its reload.
//!
//! Under the real root the installed files are tested as they are
//! (`nginx -t`). Under another root, and for a dry run, nginx tests a copy
//! of `/etc/nginx` in a private temporary folder in which the paths that
//! name files are moved under the root (`install::nginx::relocate`), since
//! Debian's nginx.conf names its includes, logs and certificates by
//! absolute paths; nginx's messages then name the files under the root.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::program::{Copy, Ran, copy_tree, find, root_prefix, run, write};
use super::{ApplyError, tree};
use crate::install::FileOp;
use crate::install::nginx::{CONF_DIR, MAIN, relocate};

/// The nginx program.
pub fn program() -> Option<PathBuf> {
    find("nginx")
}

/// Debian's compiled-in prefix (`nginx -V`: `--prefix=/usr/share/nginx`):
/// where relative `pid`, log and module paths point.
const PREFIX: &str = "/usr/share/nginx";

/// Copies `<root>/etc/nginx` with its paths relocated, then lays `overlay`
/// (the planned operations, for a dry run) over the copy.
pub fn copy(root: &Path, overlay: &[FileOp]) -> Result<Copy, ApplyError> {
    let copy = Copy::new("nginx-test")?;
    let root_text = root_prefix(root);
    let copy_text = copy.dir.display().to_string();
    let to = relocate::Relocation {
        conf_dir: CONF_DIR,
        copy: &copy_text,
        root: &root_text,
    };
    copy_tree(
        root,
        CONF_DIR,
        &copy.dir,
        &|text: &str| relocate::relocate(text, to),
        0,
    )?;
    for op in overlay {
        let Some(rest) = op.path().strip_prefix(CONF_DIR) else {
            continue;
        };
        let dest = copy
            .dir
            .join(CONF_DIR.trim_start_matches('/'))
            .join(rest.trim_start_matches('/'));
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
                let target_path = if target.starts_with('/') {
                    target.clone()
                } else {
                    format!("{parent}/{target}")
                };
                match overlay.iter().find(|o| {
                    matches!(o, FileOp::Write { path, .. } if tree_normal(path) == tree_normal(&target_path))
                }) {
                    Some(FileOp::Write { contents, .. }) => contents.clone(),
                    _ => std::fs::read_to_string(tree::resolve(root, &target_path)).unwrap_or_default(),
                }
            }
        };
        write(&dest, relocate::relocate(&text, to).as_bytes())?;
    }
    Ok(copy)
}

fn tree_normal(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The nginx command line for the copy (or the real configuration).
fn nginx(program: &Path, root: &Path, copy: Option<&Copy>, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    if let Some(copy) = copy {
        let prefix = format!("{}{PREFIX}/", root_prefix(root));
        cmd.args(["-e", "stderr", "-p", &prefix, "-c"])
            .arg(copy.dir.join(MAIN.trim_start_matches('/')));
    }
    cmd.args(args);
    cmd
}

/// `nginx -t` of the whole configuration: of `copy` when given, else of
/// the real one.
pub fn test(program: &Path, root: &Path, copy: Option<&Copy>) -> Result<Ran, ApplyError> {
    run(nginx(program, root, copy, &["-t"]), copy, root)
}

/// Reloads the running nginx: through systemd when it manages nginx
/// (real root only), else `nginx -s reload`, which signals the master
/// process named by the configuration's pid file.
pub fn reload(program: &Path, root: &Path, copy: Option<&Copy>) -> Result<Ran, ApplyError> {
    if copy.is_none()
        && Path::new("/run/systemd/system").is_dir()
        && let Some(systemctl) = find("systemctl")
    {
        let mut active = Command::new(&systemctl);
        active.args(["is-active", "--quiet", "nginx"]);
        if run(active, None, root)?.success {
            let mut cmd = Command::new(&systemctl);
            cmd.args(["reload", "nginx"]);
            return run(cmd, None, root);
        }
    }
    // `-s reload` reports a missing or stale pid file through the error
    // log; a second one on stderr lets the report quote it.
    run(
        nginx(
            program,
            root,
            copy,
            &["-g", "error_log stderr;", "-s", "reload"],
        ),
        copy,
        root,
    )
}

/// nginx as an install backend.
pub struct Nginx;

impl super::Backend for Nginx {
    fn name(&self) -> &'static str {
        "nginx"
    }

    fn test_name(&self) -> &'static str {
        "nginx -t"
    }

    fn decide(
        &self,
        req: &super::Request<'_>,
        generated: &str,
    ) -> Result<
        (
            crate::install::Decision,
            std::collections::BTreeMap<String, String>,
        ),
        ApplyError,
    > {
        let server_name = req.plan.server_name.to_string();
        let read = tree::read_nginx(req.root, &server_name, req.proxy_config, generated)?;
        let sites = crate::generate::sites::sites(req.plan);
        let decision = crate::install::nginx::decide(&crate::install::nginx::Inputs {
            listing: &read.listing,
            texts: &read.texts,
            generated,
            sites: &sites,
            server_name: &server_name,
            proxy_config: req.proxy_config,
            acme: crate::generate::acme_only(req.plan).as_deref(),
        });
        Ok((decision, read.texts))
    }

    fn program(&self) -> Option<PathBuf> {
        program()
    }

    fn test(
        &self,
        program: &Path,
        root: &Path,
        overlay: Option<&[FileOp]>,
    ) -> Result<Ran, ApplyError> {
        match overlay {
            Some(ops) => test(program, root, Some(&copy(root, ops)?)),
            None if root == Path::new("/") => test(program, root, None),
            None => test(program, root, Some(&copy(root, &[])?)),
        }
    }

    fn reload(&self, program: &Path, root: &Path) -> Result<Ran, ApplyError> {
        if root == Path::new("/") {
            reload(program, root, None)
        } else {
            reload(program, root, Some(&copy(root, &[])?))
        }
    }
}
