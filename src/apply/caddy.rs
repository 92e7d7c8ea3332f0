//! Running Caddy: `caddy validate` of the whole Caddyfile and the reload.
//! The Caddyfile imports the new file by a relative path, which Caddy
//! resolves next to the Caddyfile, so under any root the root's own
//! Caddyfile is validated where it stands; a dry run validates a private
//! copy of `/etc/caddy` with the change made. Caddy keeps its state under
//! `$XDG_DATA_HOME`; the validation gets a private one, so it leaves
//! nothing behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::program::{Copy, Ran, find, run, write};
use super::{ApplyError, Backend, Request, inside, tree};
use crate::install::caddy::{CONF_DIR, MAIN, decide, import_closure, own_file};
use crate::install::listing::{Entry, Listing};
use crate::install::{Decision, FileOp};

/// Caddy as an install backend.
pub struct Caddy;

fn read(root: &Path, path: &str) -> Option<String> {
    crate::local_file::read_to_string_capped(&tree::resolve(root, path), 4 << 20).ok()
}

fn list(root: &Path, dir: &str, listing: &mut Listing) {
    let Ok(entries) = std::fs::read_dir(inside(root, dir)) else {
        return;
    };
    for entry in entries.flatten() {
        let path = format!("{dir}/{}", entry.file_name().to_string_lossy());
        let kind = entry.file_type().ok();
        let e = if kind.is_some_and(|k| k.is_dir()) {
            Entry::Dir
        } else {
            Entry::File
        };
        let is_dir = e == Entry::Dir;
        listing.entries.insert(path.clone(), e);
        if is_dir && dir == CONF_DIR {
            list(root, &path, listing);
        }
    }
}

fn validate(
    program: &Path,
    config: &Path,
    copy: Option<&Copy>,
    root: &Path,
) -> Result<Ran, ApplyError> {
    let state = Copy::new("caddy-state")?;
    let mut cmd = Command::new(program);
    cmd.args(["validate", "--adapter", "caddyfile", "--config"])
        .arg(config)
        .env("XDG_DATA_HOME", state.dir.join("data"))
        .env("XDG_CONFIG_HOME", state.dir.join("config"))
        .env("HOME", &state.dir);
    let mut ran = run(cmd, copy, root)?;
    // Caddy logs every provisioning step as JSON; its verdict is the rest.
    ran.output = ran
        .output
        .lines()
        .filter(|l| !l.starts_with("{\"level\":\"info\""))
        .collect::<Vec<_>>()
        .join("\n");
    Ok(ran)
}

impl Backend for Caddy {
    fn name(&self) -> &'static str {
        "Caddy"
    }

    fn test_name(&self) -> &'static str {
        "caddy validate"
    }

    fn decide(
        &self,
        req: &Request<'_>,
        generated: &str,
    ) -> Result<(Decision, BTreeMap<String, String>), ApplyError> {
        let root = req.root;
        let server_name = req.plan.server_name.to_string();
        let mut listing = Listing::default();
        list(root, CONF_DIR, &mut listing);
        if let Some(dir) = req
            .proxy_config
            .and_then(|p| p.rsplit_once('/'))
            .map(|(d, _)| d)
        {
            list(root, dir, &mut listing);
        }
        let mut texts = BTreeMap::new();
        let own = own_file(&server_name, req.proxy_config);
        for path in [MAIN.to_string(), own] {
            if let Some(text) = read(root, &path) {
                listing.entries.insert(path.clone(), Entry::File);
                texts.insert(path, text);
            }
        }
        loop {
            let wanted: Vec<String> = import_closure(&listing, &texts)
                .into_iter()
                .filter(|p| !texts.contains_key(p))
                .collect();
            let mut new = 0;
            for path in wanted {
                if let Some(text) = read(root, &path) {
                    texts.insert(path, text);
                    new += 1;
                }
            }
            if new == 0 || texts.len() > 2_000 {
                break;
            }
        }
        let sites = crate::generate::sites::sites(req.plan);
        let decision = decide(&crate::install::caddy::Inputs {
            listing: &listing,
            texts: &texts,
            generated,
            sites: &sites,
            server_name: &server_name,
            proxy_config: req.proxy_config,
        });
        Ok((decision, texts))
    }

    fn program(&self) -> Option<PathBuf> {
        find("caddy")
    }

    fn test(
        &self,
        program: &Path,
        root: &Path,
        overlay: Option<&[FileOp]>,
    ) -> Result<Ran, ApplyError> {
        let Some(ops) = overlay else {
            return validate(program, &inside(root, MAIN), None, root);
        };
        let copy = Copy::new("caddy-test")?;
        copy_dir(root, CONF_DIR, &copy.dir)?;
        for op in ops {
            if let FileOp::Write { path, contents } = op {
                write(
                    &copy.dir.join(path.trim_start_matches('/')),
                    contents.as_bytes(),
                )?;
            }
        }
        let config = copy.dir.join(MAIN.trim_start_matches('/'));
        validate(program, &config, Some(&copy), root)
    }

    fn reload(&self, program: &Path, root: &Path) -> Result<Ran, ApplyError> {
        if root == Path::new("/")
            && Path::new("/run/systemd/system").is_dir()
            && let Some(systemctl) = find("systemctl")
        {
            let mut active = Command::new(&systemctl);
            active.args(["is-active", "--quiet", "caddy"]);
            if run(active, None, root)?.success {
                let mut cmd = Command::new(&systemctl);
                cmd.args(["reload", "caddy"]);
                return run(cmd, None, root);
            }
        }
        // Caddy's own reload posts the configuration to the admin endpoint
        // the Caddyfile names (localhost:2019 unless it says otherwise).
        let mut cmd = Command::new(program);
        cmd.args(["reload", "--adapter", "caddyfile", "--config"])
            .arg(inside(root, MAIN));
        run(cmd, None, root)
    }
}

/// Copies the files of `dir` (inside the root) and its folders.
fn copy_dir(root: &Path, dir: &str, copy: &Path) -> Result<(), ApplyError> {
    let Ok(entries) = std::fs::read_dir(inside(root, dir)) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = format!("{dir}/{}", entry.file_name().to_string_lossy());
        let resolved = tree::resolve(root, &path);
        let Ok(meta) = std::fs::metadata(&resolved) else {
            continue;
        };
        if meta.is_dir() {
            if entry.file_type().is_ok_and(|t| !t.is_symlink()) {
                copy_dir(root, &path, copy)?;
            }
        } else if meta.is_file() {
            let bytes = std::fs::read(&resolved).map_err(|source| ApplyError::Io {
                path: resolved.clone(),
                doing: "reading for Caddy's test",
                source,
            })?;
            write(&copy.join(path.trim_start_matches('/')), &bytes)?;
        }
    }
    Ok(())
}
