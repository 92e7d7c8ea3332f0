//! Caddy: the generated sites in a file of their own next to
//! `/etc/caddy/Caddyfile` (`matrix-<server name>.caddy`) and one `import`
//! line appended to the Caddyfile (relative, so it resolves next to the
//! Caddyfile under any root). A conflict is an existing site block whose
//! addresses name the same host on the same port: Caddy refuses two site
//! blocks for one address. Caddy obtains its certificates itself, so there
//! are no certificate files to look for.

pub mod scan;

use std::collections::{BTreeMap, BTreeSet};

use super::listing::{Listing, pattern_covers};
use super::{Decision, FileOp, Install, Merge};
use crate::generate::sites::Site;

pub const CONF_DIR: &str = "/etc/caddy";
pub const MAIN: &str = "/etc/caddy/Caddyfile";

/// What the decision reads (as for nginx).
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub listing: &'a Listing,
    pub texts: &'a BTreeMap<String, String>,
    pub generated: &'a str,
    pub sites: &'a [Site],
    pub server_name: &'a str,
    pub proxy_config: Option<&'a str>,
}

/// `matrix-example.com.caddy`.
pub fn file_name(server_name: &str) -> String {
    let conf = super::file_name(server_name);
    format!("{}.caddy", conf.trim_end_matches(".conf"))
}

/// The files the Caddyfile imports, Caddyfile first (imports resolved
/// next to the importing file; wildcards against the listing).
pub fn import_closure(listing: &Listing, texts: &BTreeMap<String, String>) -> Vec<String> {
    let mut order = vec![MAIN.to_string()];
    let mut seen: BTreeSet<String> = order.iter().cloned().collect();
    let mut i = 0;
    while i < order.len() {
        let dir = order[i].rsplit_once('/').map_or("", |(d, _)| d).to_string();
        if let Some(text) = texts.get(&order[i]) {
            for pattern in scan::imports(text) {
                let absolute = if pattern.starts_with('/') {
                    pattern
                } else {
                    format!("{dir}/{pattern}")
                };
                for path in listing.glob(&absolute) {
                    // A snippet name imports no file: only what exists.
                    if listing.has_file(&path) && seen.insert(path.clone()) {
                        order.push(path);
                    }
                }
            }
        }
        i += 1;
    }
    order
}

/// The install's own file for this server name.
pub fn own_file(server_name: &str, proxy_config: Option<&str>) -> String {
    proxy_config.map_or_else(
        || format!("{CONF_DIR}/{}", file_name(server_name)),
        str::to_string,
    )
}

fn covers(block: &scan::SiteBlock, site: &Site) -> bool {
    site.proxy_paths
        .iter()
        .all(|p| block.body.iter().any(|t| *t == format!("{p}*")))
        && site.files.iter().all(|f| block.body.contains(&f.path))
}

/// The body of the generated block for `site`, to paste into an existing one.
fn lines_to_add(generated: &str, site: &str) -> Vec<String> {
    let lines: Vec<&str> = generated.lines().collect();
    let Some(block) = scan::site_blocks(generated).into_iter().find(|b| {
        b.addresses
            .iter()
            .any(|a| scan::address(a).is_some_and(|(h, _)| h == site))
    }) else {
        return Vec::new();
    };
    lines
        .get(block.open_line..block.close_line.saturating_sub(1))
        .unwrap_or(&[])
        .iter()
        .map(|l| l.to_string())
        .collect()
}

pub fn decide(inputs: &Inputs<'_>) -> Decision {
    let file = own_file(inputs.server_name, inputs.proxy_config);
    let Some(main_text) = inputs.texts.get(MAIN) else {
        return Decision::UnknownLayout {
            looked_for: vec![format!("{MAIN}, the Caddyfile the caddy service loads")],
            hint: "name the file with --proxy-config PATH and import it from your Caddyfile".into(),
        };
    };
    let closure = import_closure(inputs.listing, inputs.texts);
    let mut merges = Vec::new();
    for site in inputs.sites {
        for path in closure.iter().filter(|p| **p != file) {
            let Some(text) = inputs.texts.get(path) else {
                continue;
            };
            for block in scan::site_blocks(text) {
                let ports: Vec<u16> = site
                    .ports
                    .iter()
                    .copied()
                    .filter(|p| block.serves(&site.name, *p))
                    .collect();
                if ports.is_empty() || covers(&block, site) {
                    continue;
                }
                merges.push(Merge {
                    site: site.name.clone(),
                    ports,
                    file: path.clone(),
                    link_target: None,
                    open_line: block.open_line,
                    close_line: block.close_line,
                    lines: lines_to_add(inputs.generated, &site.name),
                });
            }
        }
    }
    if !merges.is_empty() {
        return Decision::Conflicts(merges);
    }
    let import = format!("import {}", file_name(inputs.server_name));
    // An import whose pattern names the file already (`import *.caddy`)
    // loads it once it exists: a second import would load it twice.
    let covered = closure.iter().any(|importer| {
        let dir = importer.rsplit_once('/').map_or("", |(d, _)| d);
        inputs.texts.get(importer).is_some_and(|text| {
            scan::imports(text).iter().any(|pattern| {
                let absolute = if pattern.starts_with('/') {
                    pattern.clone()
                } else {
                    format!("{dir}/{pattern}")
                };
                pattern_covers(&absolute, &file)
            })
        })
    });
    let needs_import = inputs.proxy_config.is_none() && !covered;
    let up_to_date = inputs.texts.get(&file).map(String::as_str) == Some(inputs.generated);
    if up_to_date && !needs_import {
        return Decision::UpToDate {
            file,
            why: "it already holds this configuration and the Caddyfile imports it".into(),
        };
    }
    let mut ops = Vec::new();
    if !up_to_date {
        ops.push(FileOp::Write {
            path: file.clone(),
            contents: inputs.generated.to_string(),
        });
    }
    let mut notes = Vec::new();
    let why = if let Some(path) = inputs.proxy_config {
        if !closure.iter().any(|p| p == path) {
            notes.push(format!(
                "the Caddyfile does not import {path}; Caddy reads it once `import {path}` stands in {MAIN}"
            ));
        }
        format!("--proxy-config {path}")
    } else {
        if needs_import {
            let mut text = main_text.clone();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!(
                "\n# The Matrix sites, written by matrix-delegate apply.\n{import}\n"
            ));
            ops.push(FileOp::Write {
                path: MAIN.to_string(),
                contents: text,
            });
        }
        format!("a file of its own next to {MAIN}, which loads it with `{import}`")
    };
    Decision::Install(Install {
        file,
        why,
        ops,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Answers, Proxy, plan};
    use crate::generate::{artifacts, ids, sites::sites};
    use crate::install::listing::Entry;

    fn inputs_for(caddyfile: &str) -> (Listing, BTreeMap<String, String>, String, Vec<Site>) {
        let p = plan(&Answers {
            proxy: Proxy::Caddy,
            ..Answers::example()
        })
        .expect("valid");
        let generated = artifacts(&p)
            .into_iter()
            .find(|a| a.id == ids::PROXY)
            .expect("proxy")
            .text;
        let mut listing = Listing::default();
        listing.entries.insert(CONF_DIR.into(), Entry::Dir);
        listing.entries.insert(MAIN.into(), Entry::File);
        let texts = BTreeMap::from([(MAIN.to_string(), caddyfile.to_string())]);
        (listing, texts, generated, sites(&p))
    }

    fn run(caddyfile: &str) -> Decision {
        let (listing, texts, generated, sites) = inputs_for(caddyfile);
        decide(&Inputs {
            listing: &listing,
            texts: &texts,
            generated: &generated,
            sites: &sites,
            server_name: "example.com",
            proxy_config: None,
        })
    }

    #[test]
    fn a_file_of_its_own_and_one_import_line() {
        let Decision::Install(i) = run(":80 {\n\tfile_server\n}") else {
            panic!()
        };
        assert_eq!(i.file, "/etc/caddy/matrix-example.com.caddy");
        let FileOp::Write { path, contents } = &i.ops[1] else {
            panic!()
        };
        assert_eq!(path, MAIN);
        assert_eq!(
            contents,
            ":80 {\n\tfile_server\n}\n\n# The Matrix sites, written by matrix-delegate apply.\nimport matrix-example.com.caddy\n"
        );
    }

    #[test]
    fn a_site_block_for_the_base_domain_conflicts() {
        let Decision::Conflicts(m) = run("example.com {\n\troot * /srv\n\tfile_server\n}\n") else {
            panic!()
        };
        assert_eq!(
            (m[0].site.as_str(), m[0].ports.clone()),
            ("example.com", vec![443])
        );
        assert_eq!((m[0].open_line, m[0].close_line), (1, 4));
        assert!(
            m[0].lines
                .iter()
                .any(|l| l.contains("reverse_proxy 127.0.0.1:8008")),
            "{:?}",
            m[0].lines
        );
        assert!(
            !m[0].lines.iter().any(|l| l.contains("example.com:443")),
            "{:?}",
            m[0].lines
        );
    }

    #[test]
    fn an_import_that_already_names_the_file_gets_no_second_one() {
        let Decision::Install(i) = run(":80 {\n}\nimport *.caddy\n") else {
            panic!()
        };
        assert_eq!(i.ops.len(), 1, "{:?}", i.ops);
        assert_eq!(i.ops[0].path(), "/etc/caddy/matrix-example.com.caddy");
    }

    #[test]
    fn no_caddyfile_is_an_unknown_layout() {
        let (listing, _, generated, sites) = inputs_for("");
        let d = decide(&Inputs {
            listing: &listing,
            texts: &BTreeMap::new(),
            generated: &generated,
            sites: &sites,
            server_name: "example.com",
            proxy_config: None,
        });
        assert!(matches!(d, Decision::UnknownLayout { .. }), "{d:?}");
    }
}
