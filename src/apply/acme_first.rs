//! Certificates first, on the machine: while the certificate files the
//! configuration names are missing, the port-80 part the install decided
//! on (`install::acme_first`) goes live on its own, through the same flow
//! as a whole install (diff, test on a copy, backup, atomic write, the
//! proxy's test, reload, restore), into the webroot certbot's `--webroot`
//! writes the ACME http-01 tokens to (RFC 8555 §8.3); then the certbot
//! commands and the second `apply`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ApplyError, Backend, Outcome, Request, carry_out, inside, shown};
use crate::domain::{Proxy, acme};
use crate::install::Install;
use crate::safe_text::printable;

/// The missing certificate files, and that no https site goes live.
pub fn missing_certificates(root: &Path, name: &str, missing: &[String], out: &mut dyn Write) {
    let _ = writeln!(
        out,
        "The configuration names certificate files that do not exist yet, and {name} would \
         refuse to load it: no site on the https ports is enabled. Missing:"
    );
    for m in missing {
        let _ = writeln!(out, "  {}", shown(root, m));
    }
}

/// The certificate step: `install` (the port-80 part alone) with the same
/// safety as a whole install, then the certbot commands (`step`) and the
/// second `apply`. [`Outcome::CertificatesPending`] when it went live:
/// the install is not finished yet.
pub fn certificates_first(
    req: &Request<'_>,
    backend: &dyn Backend,
    missing: &[String],
    step: &[String],
    install: &Install,
    texts: &BTreeMap<String, String>,
    out: &mut dyn Write,
) -> Outcome {
    let root = req.root;
    missing_certificates(root, backend.name(), missing, out);
    let _ = writeln!(
        out,
        "First only the port-80 part goes live, so that certbot can answer the ACME challenge:"
    );
    // nginx and Apache serve the tokens from the webroot; HAProxy passes
    // them to certbot's standalone server and needs none.
    let made = match req.plan.proxy {
        Proxy::Nginx | Proxy::Apache if !req.dry_run => match make_webroot(root) {
            Ok(made) => made,
            Err(e) => {
                let _ = writeln!(
                    out,
                    "error: {}; nothing was written",
                    printable(&e.to_string())
                );
                return Outcome::FileSystem { restored: true };
            }
        },
        _ => Vec::new(),
    };
    if let Some(webroot) = made.last() {
        let _ = writeln!(
            out,
            "created: {}",
            printable(&webroot.display().to_string())
        );
    }
    let outcome = carry_out(req, backend, install, texts, out);
    match outcome {
        Outcome::Installed => {}
        Outcome::DryRun { .. } => {
            print_next(root, step, install, out);
            return outcome;
        }
        other => {
            // The folders go with the files: the tree is as it was.
            for dir in made.iter().rev() {
                if std::fs::remove_dir(dir).is_ok() {
                    let _ = writeln!(
                        out,
                        "removed again: {}",
                        printable(&dir.display().to_string())
                    );
                }
            }
            return other;
        }
    }
    print_next(root, step, install, out);
    Outcome::CertificatesPending
}

fn print_next(root: &Path, step: &[String], install: &Install, out: &mut dyn Write) {
    let _ = writeln!(out);
    for line in step {
        let _ = writeln!(out, "{}", printable(line));
    }
    let _ = writeln!(
        out,
        "Then run the same `matrix-delegate apply` again: it installs the whole configuration \
         and removes {} in the same step.",
        shown(root, &install.file)
    );
}

/// Makes the webroot under the root when it is missing; returns the
/// folders made, outermost first (to remove again if the install fails).
fn make_webroot(root: &Path) -> Result<Vec<PathBuf>, ApplyError> {
    let webroot = inside(root, acme::WEBROOT);
    let mut missing = Vec::new();
    let mut dir = webroot.as_path();
    while std::fs::symlink_metadata(dir).is_err() {
        missing.push(dir.to_path_buf());
        match dir.parent() {
            Some(parent) if parent.starts_with(root) && parent != root => dir = parent,
            _ => break,
        }
    }
    missing.reverse();
    std::fs::create_dir_all(&webroot).map_err(|source| ApplyError::Io {
        path: webroot.clone(),
        doing: "creating the ACME webroot",
        source,
    })?;
    Ok(missing)
}

/// Missing certificates when the port-80 part is not installed now: an
/// earlier `apply` put it in place (`in_place`: its file), or existing
/// port-80 blocks already answer the challenge for every name (`None`).
pub fn not_installed(
    root: &Path,
    name: &str,
    missing: &[String],
    step: &[String],
    in_place: Option<&str>,
    out: &mut dyn Write,
) -> Outcome {
    missing_certificates(root, name, missing, out);
    match in_place {
        Some(file) => {
            let _ = writeln!(
                out,
                "The port-80 part that answers the ACME challenge is in place ({}), from an \
                 earlier apply. Nothing was written.",
                shown(root, file)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "Existing port-80 blocks answer the ACME challenge for every name. Nothing was \
                 written."
            );
        }
    }
    let _ = writeln!(out);
    for line in step {
        let _ = writeln!(out, "{}", printable(line));
    }
    let _ = writeln!(
        out,
        "Then run the same `matrix-delegate apply` again: it installs the whole configuration."
    );
    Outcome::CertificatesMissing
}

/// The port-80 file of an earlier certificate step no longer holds what
/// `apply` wrote: it is not removed (see `install::acme_first::retire`).
pub fn edited(root: &Path, file: &str, link: Option<&str>, out: &mut dyn Write) -> Outcome {
    let _ = writeln!(
        out,
        "{} holds the port-80 part an earlier apply wrote while the certificates were \
         missing, but no longer as apply wrote it (edited, or written for other names). The \
         whole configuration has its own port-80 part, so that file must go, and apply does \
         not delete changes it did not make. Nothing was written. Move what you added \
         elsewhere, remove {}{}, then run apply again.",
        shown(root, file),
        shown(root, file),
        link.map(|l| format!(" and the link {}", shown(root, l)))
            .unwrap_or_default()
    );
    Outcome::Conflicts
}
