//! Apache httpd: Debian's layout (a file in `sites-available/` and its
//! link in `sites-enabled/`, as `a2ensite` makes it) and the modules the
//! configuration uses (`ssl`, `socache_shmcb`, `proxy`, `proxy_http`,
//! `headers`, `alias`) enabled by links in `mods-enabled/`, as `a2enmod`
//! does. A conflict is an existing `<VirtualHost>` on the same port whose
//! `ServerName` or `ServerAlias` is the same name: Apache would keep the
//! first and never reach ours.

pub mod relocate;
pub mod scan;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use super::acme_first::{self, AcmeStep, Place};
use super::certificates::certbot_step;
use super::listing::{self, Entry, Listing, pattern_covers};
use super::{Decision, FileOp, Install, Merge, file_name};
use crate::domain::Proxy;
use crate::generate::sites::Site;

pub const CONF_DIR: &str = "/etc/apache2";
pub const MAIN: &str = "/etc/apache2/apache2.conf";
pub const SITES_AVAILABLE: &str = "/etc/apache2/sites-available";
pub const SITES_ENABLED: &str = "/etc/apache2/sites-enabled";
pub const MODS_AVAILABLE: &str = "/etc/apache2/mods-available";
pub const MODS_ENABLED: &str = "/etc/apache2/mods-enabled";

#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub listing: &'a Listing,
    pub texts: &'a BTreeMap<String, String>,
    pub generated: &'a str,
    pub sites: &'a [Site],
    pub server_name: &'a str,
    /// The port-80 part on its own (`generate::acme_only`), installed first
    /// while certificates are missing ([`acme_first`]).
    pub acme: Option<&'a str>,
}

fn absolute(pattern: &str) -> String {
    listing::absolute(CONF_DIR, pattern)
}

/// Every file apache2.conf includes, main file first.
pub fn include_closure(listing: &Listing, texts: &BTreeMap<String, String>) -> Vec<String> {
    listing.include_closure(texts, MAIN, CONF_DIR, scan::includes)
}

pub fn own_file(server_name: &str) -> String {
    format!("{SITES_AVAILABLE}/{}", file_name(server_name))
}

fn lines_to_add(generated: &str, site: &str) -> Vec<String> {
    let lines: Vec<&str> = generated.lines().collect();
    let Some(v) = scan::virtual_hosts(generated)
        .into_iter()
        .find(|v| v.names.first().is_some_and(|n| n == site))
    else {
        return Vec::new();
    };
    lines
        .get(v.open_line..v.close_line.saturating_sub(1))
        .unwrap_or(&[])
        .iter()
        .filter(|l| {
            let first = l
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            !matches!(
                first.as_str(),
                "servername" | "sslengine" | "sslcertificatefile" | "sslcertificatekeyfile"
            )
        })
        .map(|l| l.to_string())
        .collect()
}

pub fn decide(inputs: &Inputs<'_>) -> Decision {
    let name = file_name(inputs.server_name);
    let l = inputs.listing;
    let file = own_file(inputs.server_name);
    let link = format!("{SITES_ENABLED}/{name}");
    let closure = include_closure(l, inputs.texts);
    let patterns: Vec<String> = closure
        .iter()
        .filter_map(|f| inputs.texts.get(f))
        .flat_map(|t| scan::includes(t))
        .map(|p| absolute(&p))
        .collect();
    if !inputs.texts.contains_key(MAIN)
        || !l.is_dir(SITES_AVAILABLE)
        || !patterns.iter().any(|p| pattern_covers(p, &link))
    {
        return Decision::UnknownLayout {
            looked_for: vec![
                format!("{MAIN}, the main configuration"),
                format!(
                    "{SITES_AVAILABLE}/ and {SITES_ENABLED}/, with `IncludeOptional sites-enabled/*.conf` in it (Debian)"
                ),
            ],
            hint: "write the site where your configuration includes it (generate --out) and \
                   test it with `apache2ctl configtest`"
                .into(),
        };
    }
    let place = Place::beside(&file, Some(&link));
    let acme_link = place.link.clone().unwrap_or_default();
    let own: [&str; 4] = [&file, &link, &place.file, &acme_link];
    let merges = conflicts(inputs, &closure, &own);
    if !merges.is_empty() {
        return Decision::Conflicts(merges);
    }
    let missing: Vec<String> = scan::certificate_files(inputs.generated)
        .into_iter()
        .filter(|f| !l.has_file(f))
        .collect();
    if !missing.is_empty() {
        let step = certbot_step(Proxy::Apache, &missing);
        let acme = match inputs.acme {
            None => AcmeStep::Nothing,
            Some(acme) => {
                let merges = port_80_conflicts(inputs, &closure, &own, acme);
                if !merges.is_empty() {
                    return Decision::Conflicts(merges);
                }
                // The port-80 part needs mod_alias (Alias, RedirectMatch):
                // enabled with it when it is not yet, as for the whole site.
                match acme_first::step(&place, acme, WHY, l, inputs.texts) {
                    AcmeStep::Install(mut install) => {
                        let (links, notes) = modules(l, acme);
                        install.ops.extend(links);
                        install.notes.extend(notes);
                        AcmeStep::Install(install)
                    }
                    other => other,
                }
            }
        };
        return Decision::CertificatesMissing {
            missing,
            step,
            acme,
        };
    }
    let retire = match inputs.acme {
        None => Vec::new(),
        Some(acme) => match acme_first::retire(&place, acme, l, inputs.texts) {
            Ok(ops) => ops,
            Err(d) => return d,
        },
    };
    let (mut ops, mut notes) = modules(l, inputs.generated);
    let link_target = format!("../sites-available/{name}");
    let link_ok = matches!(l.get(&link), Some(Entry::Symlink { target }) if *target == link_target);
    let text_ok = inputs.texts.get(&file).map(String::as_str) == Some(inputs.generated);
    if text_ok && link_ok && ops.is_empty() && retire.is_empty() {
        return Decision::UpToDate {
            file,
            why: "it already holds this configuration, enabled, with its modules".into(),
        };
    }
    if !text_ok {
        ops.insert(
            0,
            FileOp::Write {
                path: file.clone(),
                contents: inputs.generated.to_string(),
            },
        );
    }
    if !link_ok {
        ops.push(FileOp::Link {
            path: link,
            target: link_target,
        });
    }
    if !retire.is_empty() {
        notes.push(acme_first::retire_note(&place));
    }
    let mut all = retire;
    all.extend(ops);
    Decision::Install(Install {
        file,
        why: WHY.into(),
        ops: all,
        notes,
    })
}

/// The links that enable the modules `text` uses and are not enabled
/// yet, as a2enmod makes them, and the notes that name them (or a module
/// that is not installed).
fn modules(l: &Listing, text: &str) -> (Vec<FileOp>, Vec<String>) {
    let mut ops = Vec::new();
    let mut enabled = Vec::new();
    let mut notes = Vec::new();
    for module in scan::modules_needed(text) {
        let load = format!("{MODS_ENABLED}/{module}.load");
        if l.get(&load).is_some() {
            continue;
        }
        if !l.has_file(&format!("{MODS_AVAILABLE}/{module}.load")) {
            notes.push(format!(
                "the module {module} is not installed ({MODS_AVAILABLE}/{module}.load is missing)"
            ));
            continue;
        }
        for ext in ["load", "conf"] {
            if l.has_file(&format!("{MODS_AVAILABLE}/{module}.{ext}")) {
                ops.push(FileOp::Link {
                    path: format!("{MODS_ENABLED}/{module}.{ext}"),
                    target: format!("../mods-available/{module}.{ext}"),
                });
            }
        }
        enabled.push(module);
    }
    if !enabled.is_empty() {
        notes.push(format!(
            "enables the modules it needs, as a2enmod does: {}",
            enabled.join(", ")
        ));
    }
    (ops, notes)
}

const WHY: &str = "Debian layout: apache2.conf includes sites-enabled/*.conf, so the site goes to \
                   sites-available/ and is enabled by a link in sites-enabled/, as a2ensite does";

/// The existing virtual hosts that answer for a generated site on its
/// ports without routing it, outside the install's `own` files.
fn conflicts(inputs: &Inputs<'_>, closure: &[String], own: &[&str]) -> Vec<Merge> {
    let l = inputs.listing;
    let mut merges = Vec::new();
    for site in inputs.sites {
        for path in closure.iter().filter(|p| !own.contains(&p.as_str())) {
            let Some(text) = inputs.texts.get(path) else {
                continue;
            };
            for v in scan::virtual_hosts(text) {
                let ports: Vec<u16> = site
                    .ports
                    .iter()
                    .copied()
                    .filter(|p| v.serves(&site.name, *p))
                    .collect();
                let routed = site.proxy_paths.iter().all(|p| {
                    v.lines.iter().any(|line| {
                        line.to_ascii_lowercase().starts_with("proxypass ")
                            && line.split_whitespace().nth(1) == Some(p)
                    })
                });
                if ports.is_empty() || (routed && site.files.is_empty()) {
                    continue;
                }
                merges.push(Merge {
                    site: site.name.clone(),
                    ports,
                    file: path.clone(),
                    link_target: match l.get(path) {
                        Some(Entry::Symlink { target }) => Some(target.clone()),
                        _ => None,
                    },
                    open_line: v.open_line,
                    close_line: v.close_line,
                    lines: lines_to_add(inputs.generated, &site.name),
                });
            }
        }
    }
    merges
}

/// The existing port-80 virtual hosts for a generated name that do not
/// serve the ACME challenge already (an `Alias` of its path), with the
/// lines of the generated port-80 host to add to them.
fn port_80_conflicts(
    inputs: &Inputs<'_>,
    closure: &[String],
    own: &[&str],
    acme: &str,
) -> Vec<Merge> {
    let l = inputs.listing;
    let alias = format!("alias {}", crate::domain::acme::CHALLENGE_PATH);
    let mut merges = Vec::new();
    for site in inputs.sites {
        for path in closure.iter().filter(|p| !own.contains(&p.as_str())) {
            let Some(text) = inputs.texts.get(path) else {
                continue;
            };
            for v in scan::virtual_hosts(text) {
                let serves_challenge = v
                    .lines
                    .iter()
                    .any(|line| line.trim().to_ascii_lowercase().starts_with(&alias));
                if !v.serves(&site.name, 80) || serves_challenge {
                    continue;
                }
                merges.push(Merge {
                    site: site.name.clone(),
                    ports: vec![80],
                    file: path.clone(),
                    link_target: match l.get(path) {
                        Some(Entry::Symlink { target }) => Some(target.clone()),
                        _ => None,
                    },
                    open_line: v.open_line,
                    close_line: v.close_line,
                    lines: lines_to_add(acme, &site.name),
                });
            }
        }
    }
    merges
}
