//! Running HAProxy's test: `haproxy -c -f haproxy.cfg -f <the new file>`,
//! the main file and the new one together. Under another root, and for a
//! dry run, the two files are tested as private copies whose certificate
//! and error-file paths point under the root. HAProxy is not reloaded: it
//! reads the new file only once the operator adds it to its command line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::program::{Copy, Ran, find, root_prefix, run, write};
use super::{ApplyError, Backend, Request, tree};
use crate::install::haproxy::{MAIN, certificate_files, decide, own_file, relocate::relocate};
use crate::install::listing::{Entry, Listing};
use crate::install::{Decision, FileOp, acme_first};

/// HAProxy as an install backend, for the file it writes.
pub struct Haproxy {
    pub file: String,
}

fn read(root: &Path, path: &str) -> Option<String> {
    crate::local_file::read_to_string_capped(&tree::resolve(root, path), 4 << 20).ok()
}

impl Backend for Haproxy {
    fn name(&self) -> &'static str {
        "HAProxy"
    }

    fn test_name(&self) -> &'static str {
        "haproxy -c"
    }

    fn decide(
        &self,
        req: &Request<'_>,
        generated: &str,
    ) -> Result<(Decision, BTreeMap<String, String>), ApplyError> {
        let server_name = req.plan.server_name.to_string();
        let mut listing = Listing::default();
        let mut texts = BTreeMap::new();
        let own = own_file(&server_name, req.proxy_config);
        for path in [MAIN.to_string(), acme_first::beside(&own), own] {
            if let Some(text) = read(req.root, &path) {
                listing.entries.insert(path.clone(), Entry::File);
                texts.insert(path, text);
            }
        }
        for file in certificate_files(generated) {
            if std::fs::metadata(tree::resolve(req.root, &file)).is_ok_and(|m| m.is_file()) {
                listing.entries.insert(file, Entry::File);
            }
        }
        let decision = decide(&crate::install::haproxy::Inputs {
            listing: &listing,
            texts: &texts,
            generated,
            server_name: &server_name,
            proxy_config: req.proxy_config,
            acme: crate::generate::acme_only(req.plan).as_deref(),
        });
        Ok((decision, texts))
    }

    fn program(&self) -> Option<PathBuf> {
        find("haproxy")
    }

    fn test(
        &self,
        program: &Path,
        root: &Path,
        overlay: Option<&[FileOp]>,
    ) -> Result<Ran, ApplyError> {
        // The main file, then the certificate step's port-80 file and the
        // install's own, each as the overlay leaves it (written, removed or
        // as it is), as HAProxy would be started with them.
        let after = |path: &str| -> Option<String> {
            let op = overlay.and_then(|ops| ops.iter().rev().find(|op| op.path() == path));
            match op {
                Some(FileOp::Write { contents, .. }) => Some(contents.clone()),
                Some(FileOp::Remove { .. }) => None,
                _ => read(root, path),
            }
        };
        let copy = Copy::new("haproxy-test")?;
        let prefix = root_prefix(root);
        let mut cmd = Command::new(program);
        cmd.arg("-c");
        for path in [
            MAIN.to_string(),
            acme_first::beside(&self.file),
            self.file.clone(),
        ] {
            let Some(text) = after(&path) else { continue };
            let dest = copy.dir.join(path.trim_start_matches('/'));
            write(&dest, relocate(&text, &prefix).as_bytes())?;
            cmd.arg("-f").arg(dest);
        }
        run(cmd, Some(&copy), root)
    }

    fn reloads(&self) -> bool {
        false
    }

    fn after_install(&self) -> Vec<String> {
        self.after_install_of(&self.file)
    }

    fn after_install_of(&self, file: &str) -> Vec<String> {
        vec![format!(
            "HAProxy reads {} only once it is started with it: add `-f {}` after `-f {MAIN}` \
                 where haproxy is started (CONFIG in the haproxy service's environment file; \
                 CONFIG=/etc/haproxy/ loads every .cfg file there, in name order), then \
                 `systemctl reload haproxy`. Nothing else was changed.",
            file, file
        )]
    }

    fn reload(&self, _program: &Path, _root: &Path) -> Result<Ran, ApplyError> {
        Ok(Ran {
            command: String::new(),
            success: true,
            output: String::new(),
        })
    }
}
