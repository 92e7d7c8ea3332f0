//! nginx: Debian's layout (a file in `sites-available/` and its link in
//! `sites-enabled/`), or a `conf.d/*.conf` include, or the file the
//! operator names. A conflict is an existing http `server` block, in any
//! file nginx.conf includes, whose `server_name` has the same name and
//! which listens on the same port as a generated block; nginx would keep
//! the first and ignore ours.

pub mod lexer;
pub mod merge;
pub mod relocate;
pub mod scan;

use std::collections::{BTreeMap, BTreeSet};

use super::acme_first::{self, AcmeStep, Place};
use super::certificates::certbot_step;
use super::listing::{self, Entry, Listing, pattern_covers};
use super::{Decision, FileOp, Install, Merge, file_name};
use crate::domain::{Proxy, acme};
use crate::generate::sites::Site;

/// Debian's configuration folder and main file.
pub const CONF_DIR: &str = "/etc/nginx";
pub const MAIN: &str = "/etc/nginx/nginx.conf";
pub const SITES_AVAILABLE: &str = "/etc/nginx/sites-available";
pub const SITES_ENABLED: &str = "/etc/nginx/sites-enabled";
pub const CONF_D: &str = "/etc/nginx/conf.d";

/// What the decision reads: the tree, the texts of the files read so far
/// (the main file, what it includes, the install's own files), and the
/// generated configuration with the sites it holds.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub listing: &'a Listing,
    pub texts: &'a BTreeMap<String, String>,
    pub generated: &'a str,
    pub sites: &'a [Site],
    pub server_name: &'a str,
    /// `--proxy-config PATH`: write there, whatever the layout.
    pub proxy_config: Option<&'a str>,
    /// The port-80 part on its own (`generate::acme_only`), installed first
    /// while certificates are missing ([`acme_first`]).
    pub acme: Option<&'a str>,
}

/// An include pattern made absolute (relative ones are relative to the
/// configuration folder).
pub fn absolute(pattern: &str) -> String {
    listing::absolute(CONF_DIR, pattern)
}

/// Every configuration file nginx reads, main file first, as far as the
/// texts read so far tell (a file not read yet is listed, its own
/// includes not).
pub fn include_closure(listing: &Listing, texts: &BTreeMap<String, String>) -> Vec<String> {
    listing.include_closure(texts, MAIN, CONF_DIR, scan::includes)
}

/// The files an install may own for this server name (read them too, so
/// a second run sees its own file).
pub fn own_files(server_name: &str, proxy_config: Option<&str>) -> Vec<String> {
    let name = file_name(server_name);
    let mut files = vec![
        format!("{SITES_AVAILABLE}/{name}"),
        format!("{CONF_D}/{name}"),
    ];
    files.extend(proxy_config.map(str::to_string));
    let acme: Vec<String> = files.iter().map(|f| acme_first::beside(f)).collect();
    files.extend(acme);
    files
}

/// Where the file goes, and the ops that put it there.
struct Target {
    file: String,
    link: Option<String>,
    why: String,
}

fn target(inputs: &Inputs<'_>, patterns: &[String]) -> Result<Target, Decision> {
    let name = file_name(inputs.server_name);
    let l = inputs.listing;
    if let Some(path) = inputs.proxy_config {
        let covered = patterns.iter().any(|p| pattern_covers(p, path));
        let why = if covered {
            format!("--proxy-config {path}, which nginx.conf includes")
        } else {
            format!(
                "--proxy-config {path}; nginx.conf does not include it, so nginx will not read \
                 it until `include {path};` stands inside http {{ }}"
            )
        };
        return Ok(Target {
            file: path.to_string(),
            link: None,
            why,
        });
    }
    let enabled = format!("{SITES_ENABLED}/{name}");
    if l.is_dir(SITES_AVAILABLE)
        && l.is_dir(SITES_ENABLED)
        && patterns.iter().any(|p| pattern_covers(p, &enabled))
    {
        return Ok(Target {
            file: format!("{SITES_AVAILABLE}/{name}"),
            link: Some(enabled),
            why: "Debian layout: nginx.conf includes sites-enabled/*, so the site goes to \
                  sites-available/ and is enabled by a link in sites-enabled/"
                .into(),
        });
    }
    let conf_d = format!("{CONF_D}/{name}");
    if l.is_dir(CONF_D) && patterns.iter().any(|p| pattern_covers(p, &conf_d)) {
        return Ok(Target {
            file: conf_d,
            link: None,
            why: "nginx.conf includes conf.d/*.conf, so the site goes there".into(),
        });
    }
    Err(unknown_layout(inputs))
}

fn unknown_layout(inputs: &Inputs<'_>) -> Decision {
    let name = file_name(inputs.server_name);
    Decision::UnknownLayout {
        looked_for: vec![
            format!("{MAIN}, the main configuration"),
            format!(
                "{SITES_AVAILABLE}/ and {SITES_ENABLED}/, with `include {SITES_ENABLED}/*;` in it (Debian)"
            ),
            format!("{CONF_D}/, with `include {CONF_D}/*.conf;` in it"),
        ],
        hint: format!(
            "name the file with --proxy-config PATH (a file that nginx.conf includes inside \
             http {{ }}, e.g. {CONF_D}/{name} once `include {CONF_D}/*.conf;` is there)"
        ),
    }
}

/// The paths a site's locations in an existing block must cover for the
/// block to do what the generated one does.
fn covers(block: &scan::ServerBlock, site: &Site) -> bool {
    let has = |wanted: &[String]| wanted.iter().any(|w| block.locations.contains(w));
    site.proxy_paths
        .iter()
        .all(|p| has(&[p.to_string(), format!("^~ {p}")]))
        && site
            .files
            .iter()
            .all(|f| has(&[format!("= {}", f.path), f.path.clone()]))
}

/// The decision for nginx.
pub fn decide(inputs: &Inputs<'_>) -> Decision {
    if !inputs.texts.contains_key(MAIN) {
        return unknown_layout(inputs);
    }
    let closure = include_closure(inputs.listing, inputs.texts);
    let patterns: Vec<String> = closure
        .iter()
        .filter_map(|f| inputs.texts.get(f))
        .flat_map(|t| scan::includes(t))
        .map(|p| absolute(&p))
        .collect();
    let target = match target(inputs, &patterns) {
        Ok(t) => t,
        Err(d) => return d,
    };
    let place = Place::beside(&target.file, target.link.as_deref());
    let own: BTreeSet<&str> = [Some(target.file.as_str()), target.link.as_deref()]
        .into_iter()
        .chain([Some(place.file.as_str()), place.link.as_deref()])
        .flatten()
        .collect();
    let (merges, merged_sites) = conflicts(inputs, &closure, &own, inputs.sites, inputs.generated);
    if !merges.is_empty() {
        return Decision::Conflicts(merges);
    }
    let text = merge::without_sites(inputs.generated, &merged_sites);
    let mut notes: Vec<String> = merged_sites
        .iter()
        .map(|s| {
            format!("{s}: an existing server block already has every location it needs; left to it")
        })
        .collect();
    if merged_sites.len() == inputs.sites.len() {
        return Decision::UpToDate {
            file: target.file,
            why: "every site is served by an existing server block with the locations it needs"
                .into(),
        };
    }

    let missing: Vec<String> = scan::certificate_files(&text)
        .into_iter()
        .filter(|f| !inputs.listing.has_file(f))
        .collect();
    if !missing.is_empty() {
        let step = certbot_step(Proxy::Nginx, &missing);
        let acme = match inputs.acme {
            None => AcmeStep::Nothing,
            Some(acme) => match acme_step(
                inputs,
                &closure,
                &own,
                &place,
                &acme_why(inputs, &patterns, &place, &target.why),
                acme,
            ) {
                Ok(a) => a,
                Err(d) => return d,
            },
        };
        return Decision::CertificatesMissing {
            missing,
            step,
            acme,
        };
    }
    let retire = match inputs.acme {
        None => Vec::new(),
        Some(acme) => match acme_first::retire(
            &place,
            &acme_text(inputs, &closure, &own, acme).0,
            inputs.listing,
            inputs.texts,
        ) {
            Ok(ops) => ops,
            Err(d) => return d,
        },
    };

    let link_ok = target.link.as_ref().is_none_or(|link| {
        matches!(inputs.listing.get(link), Some(Entry::Symlink { target: t }) if *t == link_target(&target.file))
    });
    if inputs.texts.get(&target.file) == Some(&text) && link_ok && retire.is_empty() {
        return Decision::UpToDate {
            file: target.file,
            why: "it already holds this configuration".into(),
        };
    }
    if !retire.is_empty() {
        notes.push(acme_first::retire_note(&place));
    }
    let mut ops = retire;
    if inputs.texts.get(&target.file) != Some(&text) {
        ops.push(FileOp::Write {
            path: target.file.clone(),
            contents: text,
        });
    }
    if let Some(link) = &target.link
        && !link_ok
    {
        ops.push(FileOp::Link {
            path: link.clone(),
            target: link_target(&target.file),
        });
    }
    Decision::Install(Install {
        file: target.file,
        why: target.why,
        ops,
        notes,
    })
}

/// The existing blocks that answer for `sites` on their ports, outside
/// the install's `own` files: the merges for those that lack locations of
/// the generated block, and the sites an existing block already covers.
fn conflicts(
    inputs: &Inputs<'_>,
    closure: &[String],
    own: &BTreeSet<&str>,
    sites: &[Site],
    generated: &str,
) -> (Vec<Merge>, Vec<String>) {
    let mut merges: Vec<Merge> = Vec::new();
    let mut merged_sites: Vec<String> = Vec::new();
    for site in sites {
        let mut found: Vec<(&String, scan::ServerBlock, Vec<u16>)> = Vec::new();
        for file in closure.iter().filter(|f| !own.contains(f.as_str())) {
            let Some(text) = inputs.texts.get(file) else {
                continue;
            };
            for block in scan::server_blocks(text) {
                let ports: Vec<u16> = site
                    .ports
                    .iter()
                    .copied()
                    .filter(|p| block.serves(&site.name, *p))
                    .collect();
                if !ports.is_empty() {
                    found.push((file, block, ports));
                }
            }
        }
        if found.is_empty() {
            continue;
        }
        let all_ports_served = site
            .ports
            .iter()
            .all(|p| found.iter().any(|(_, _, ports)| ports.contains(p)));
        if all_ports_served && found.iter().all(|(_, b, _)| covers(b, site)) {
            merged_sites.push(site.name.clone());
            continue;
        }
        for (file, block, ports) in found.into_iter().filter(|(_, b, _)| !covers(b, site)) {
            let link_target = match inputs.listing.get(file) {
                Some(Entry::Symlink { target }) => Some(target.clone()),
                _ => None,
            };
            merges.push(Merge {
                site: site.name.clone(),
                ports,
                file: file.clone(),
                link_target,
                open_line: block.open_line,
                close_line: block.close_line,
                lines: merge::lines_to_add(generated, &site.name, &block),
            });
        }
    }
    (merges, merged_sites)
}

/// Why the port-80 part goes to `place`: as for the whole install, and
/// for `--proxy-config` whether nginx.conf includes the file beside it
/// (an `include` of that one name does not).
fn acme_why(inputs: &Inputs<'_>, patterns: &[String], place: &Place, why: &str) -> String {
    match inputs.proxy_config {
        None => why.to_string(),
        Some(path) if patterns.iter().any(|p| pattern_covers(p, &place.file)) => {
            format!("beside --proxy-config {path}; nginx.conf includes it")
        }
        Some(path) => format!(
            "beside --proxy-config {path}; nginx.conf does not include it, so nginx will not \
             read it until `include {};` stands inside http {{ }}",
            place.file
        ),
    }
}

/// The port-80 sites: each generated site on port 80 with the ACME
/// challenge as the one location an existing block must have.
fn port_80_sites(sites: &[Site]) -> Vec<Site> {
    sites
        .iter()
        .map(|s| Site {
            ports: vec![80],
            proxy_paths: vec![acme::CHALLENGE_PATH],
            files: Vec::new(),
            ..s.clone()
        })
        .collect()
}

/// The port-80 part to install: without the names whose existing port-80
/// block already serves the challenge; the merges for those whose block
/// does not.
fn acme_text(
    inputs: &Inputs<'_>,
    closure: &[String],
    own: &BTreeSet<&str>,
    acme: &str,
) -> (String, Vec<Merge>, usize) {
    let sites = port_80_sites(inputs.sites);
    let (merges, served) = conflicts(inputs, closure, own, &sites, acme);
    (merge::without_sites(acme, &served), merges, served.len())
}

/// The certificate step: the port-80 part alone at `place`, unless an
/// existing port-80 block for one of the names lacks the challenge (a
/// conflict: the lines to merge) or every name has one that serves it.
fn acme_step(
    inputs: &Inputs<'_>,
    closure: &[String],
    own: &BTreeSet<&str>,
    place: &Place,
    why: &str,
    acme: &str,
) -> Result<AcmeStep, Decision> {
    let (text, merges, served) = acme_text(inputs, closure, own, acme);
    if !merges.is_empty() {
        return Err(Decision::Conflicts(merges));
    }
    if served == inputs.sites.len() {
        return Ok(AcmeStep::Nothing);
    }
    Ok(acme_first::step(
        place,
        &text,
        why,
        inputs.listing,
        inputs.texts,
    ))
}

/// The link's target: relative, so it points at the same file under any
/// root.
fn link_target(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    format!("../sites-available/{name}")
}

#[cfg(test)]
mod tests;
