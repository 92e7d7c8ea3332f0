//! Traefik: the routers in a file of their own in the file provider's
//! directory, checked against the rest of that directory and the static
//! configuration, since Traefik has no command that validates a
//! configuration. Nothing else is changed and nothing is reloaded: the
//! file provider loads the new file itself when it watches the directory.
//!
//! How the directory is read (traefik's `pkg/provider/file/file.go`,
//! `collectFileConfigs`): every `.yml`, `.yaml` and `.toml` file, in
//! subfolders too; one file that does not parse fails the whole directory.
//! The files are merged with `ResourceStrategySkipDuplicates`
//! (`pkg/provider/merge.go`): a router, service or middleware name that a
//! file read earlier (name order) already defines is skipped with the
//! warning "... already configured, skipping", so a name that is also ours
//! would leave one of the two definitions unused. Routers are tried by
//! priority, by default the length of the rule (`GetRulePriority` in
//! `pkg/muxer/http/mux.go`).

pub mod document;
pub mod dynamic;
mod layout;
mod problem;
mod rules;

use std::collections::BTreeMap;

use serde_json::Value;

use self::document::{Format, get, get_bool, get_list, get_str, keys, parse};
use self::dynamic::Certificates;
use super::{FileOp, Install};
use crate::generate::sites::Site;

pub use self::layout::{
    Layout, Mode, Named, STATIC_CONFIGS, StaticConfig, Stop, file_name, layout,
};
pub use self::problem::Problem;
pub use self::rules::{
    pattern_matches, rule_host_patterns, rule_hosts, rule_sni_hosts, rule_sni_patterns,
};

/// What the decision reads besides the layout.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub layout: &'a Layout,
    /// Every file Traefik reads in the directory (by path, with its text),
    /// the install's own file included when it exists.
    pub files: &'a BTreeMap<String, String>,
    pub sites: &'a [Site],
    /// The homeserver's `host:port`.
    pub upstream: &'a str,
    pub server_name: &'a str,
}

/// The verdict, before anything is touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Install(Install),
    UpToDate {
        file: String,
        notes: Vec<String>,
    },
    /// `FilenameOnly`: the operator adds `text` to their file.
    AddByHand {
        file: String,
        text: String,
        notes: Vec<String>,
    },
    /// Nothing written: what to change first.
    Refused(Vec<Problem>),
    /// A file of the directory does not parse: Traefik already drops the
    /// whole directory, and the check cannot see what it defines.
    Unparseable {
        file: String,
        error: String,
    },
}

/// The port of an entry point's address (`:443`, `0.0.0.0:443/tcp`);
/// `None` for UDP.
fn address_port(address: &str) -> Option<u16> {
    let (addr, proto) = match address.rsplit_once('/') {
        Some((a, p)) => (a, p),
        None => (address, "tcp"),
    };
    if !proto.eq_ignore_ascii_case("tcp") {
        return None;
    }
    addr.rsplit_once(':')?.1.parse().ok()
}

/// The default name of the entry point for `port`, as `generate` names it.
pub fn default_entry_point(port: u16) -> String {
    if port == 443 {
        "websecure".into()
    } else {
        format!("matrix-federation-{port}")
    }
}

/// What the scans of the directory found: what refuses the install, and
/// what the operator should know.
#[derive(Default)]
struct Findings {
    notes: Vec<String>,
    problems: Vec<Problem>,
}

/// Decides the install from the layout and the directory's files.
pub fn decide(inputs: &Inputs<'_>) -> Verdict {
    let layout = inputs.layout;
    let others = match parse_others(inputs) {
        Ok(others) => others,
        Err(verdict) => return verdict,
    };
    let mut found = Findings::default();
    let statics = layout.static_config.as_ref();
    let chosen = entry_points(inputs.sites, statics, &mut found);
    let entry_point = |port: u16| {
        chosen
            .get(&port)
            .cloned()
            .unwrap_or_else(|| default_entry_point(port))
    };
    let routers = dynamic::routers(inputs.sites, &entry_point);
    let certificates = certificates(statics, &others, &mut found);
    taken_names(&others, &routers, &mut found);
    host_rules_that_win(&others, &routers, &mut found);
    sni_rules_that_win(&others, &routers, &mut found);
    let Findings {
        mut notes,
        problems,
    } = found;
    let Some(certificates) = certificates.filter(|_| problems.is_empty()) else {
        return Verdict::Refused(problems);
    };
    notes.extend(encoded_character_notes(statics, &chosen));
    notes.extend(fixed_body_notes(inputs.sites));
    verdict(inputs, &routers, &certificates, notes)
}

/// Every other file of the directory, parsed; one that does not parse is
/// the verdict (Traefik drops the whole directory then).
fn parse_others<'i>(inputs: &Inputs<'i>) -> Result<Vec<(&'i String, Value)>, Verdict> {
    let layout = inputs.layout;
    let mut others = Vec::new();
    for (path, text) in inputs.files {
        if *path == layout.file && layout.mode == Mode::Directory {
            continue;
        }
        let Some(format) = Format::of(path) else {
            continue;
        };
        match parse(text, format) {
            Ok(v) => others.push((path, v)),
            Err(e) => {
                return Err(Verdict::Unparseable {
                    file: path.clone(),
                    error: e.message,
                });
            }
        }
    }
    Ok(others)
}

/// The entry point for each port the sites listen on: from the static
/// configuration (`generate`'s name first, else the first on that port),
/// or `generate`'s names when there is none.
fn entry_points(
    sites: &[Site],
    statics: Option<&StaticConfig>,
    found: &mut Findings,
) -> BTreeMap<u16, String> {
    let mut ports: Vec<u16> = sites.iter().flat_map(|s| s.ports.clone()).collect();
    ports.sort_unstable();
    ports.dedup();
    let mut chosen = BTreeMap::new();
    for port in ports {
        let default = default_entry_point(port);
        let Some(s) = statics else {
            chosen.insert(port, default);
            continue;
        };
        let on_port: Vec<String> = keys(&s.value, &["entryPoints"])
            .into_iter()
            .filter(|name| {
                get_str(&s.value, &["entryPoints", name, "address"]).and_then(|a| address_port(&a))
                    == Some(port)
            })
            .collect();
        match on_port.iter().find(|n| **n == default).or(on_port.first()) {
            Some(name) => {
                chosen.insert(port, name.clone());
            }
            None => found.problems.push(Problem::EntryPointMissing {
                port,
                name: default,
                static_file: s.path.clone(),
            }),
        }
    }
    chosen
}

/// Where the routers' certificates come from: a certificate resolver of
/// the static configuration (`letsencrypt` first), else the certificates
/// the directory lists; `None` (with the problem) when there is neither.
fn certificates(
    statics: Option<&StaticConfig>,
    others: &[(&String, Value)],
    found: &mut Findings,
) -> Option<Certificates> {
    let Some(s) = statics else {
        found.notes.push(
            "No static configuration was found, so the entry points (websecure, \
             matrix-federation-<port>) and the certificate resolver `letsencrypt` are \
             `generate`'s names and could not be checked: they must exist in Traefik's \
             static configuration."
                .to_string(),
        );
        return Some(Certificates::Resolver("letsencrypt".into()));
    };
    let resolvers = keys(&s.value, &["certificatesResolvers"]);
    let listed = others.iter().any(|(_, v)| {
        get(v, &["tls", "certificates"])
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    });
    match resolvers
        .iter()
        .find(|r| r.as_str() == "letsencrypt")
        .or(resolvers.first())
    {
        Some(r) => {
            if resolvers.len() > 1 {
                found.notes.push(format!(
                    "{} has certificate resolvers {}: the routers use `{r}`.",
                    s.path,
                    resolvers.join(", ")
                ));
            }
            Some(Certificates::Resolver(r.clone()))
        }
        None if listed => {
            found.notes.push(
                "No certificate resolver: the routers use the certificates listed in \
                 tls.certificates of the directory, which must cover every name."
                    .into(),
            );
            Some(Certificates::Listed)
        }
        None => {
            found.problems.push(Problem::NoCertificates {
                static_file: s.path.clone(),
            });
            None
        }
    }
}

/// Names ours would share: routers, services and middlewares share one
/// namespace per kind across the directory. Also default TLS options that
/// demand client certificates (no Matrix peer sends one).
fn taken_names(others: &[(&String, Value)], routers: &[dynamic::Router], found: &mut Findings) {
    let ours_routers: Vec<String> = routers.iter().map(|r| r.name.clone()).collect();
    for (path, v) in others {
        for (kind, key, ours) in [
            ("HTTP router", "routers", ours_routers.clone()),
            ("HTTP service", "services", vec![dynamic::SERVICE.into()]),
            ("HTTP middleware", "middlewares", Vec::new()),
        ] {
            for name in keys(v, &["http", key]) {
                if ours.contains(&name) {
                    found.problems.push(Problem::NameTaken {
                        kind,
                        name,
                        file: (*path).clone(),
                    });
                }
            }
        }
        if let Some(kind) = get_str(
            v,
            &["tls", "options", "default", "clientAuth", "clientAuthType"],
        ) && matches!(
            kind.as_str(),
            "RequireAnyClientCert" | "RequireAndVerifyClientCert"
        ) {
            found.problems.push(Problem::ClientCertificatesRequired {
                file: (*path).clone(),
                kind,
            });
        }
    }
}

/// The entry point of ours that a router listening on `theirs` (`None`:
/// every default entry point) shares with it.
fn shared_entry_point<'r>(
    ours: &'r dynamic::Router,
    theirs: Option<&Vec<String>>,
) -> Option<&'r String> {
    ours.entry_points
        .iter()
        .find(|ep| theirs.is_none_or(|l| l.iter().any(|t| t == *ep)))
}

/// `Host` and `HostRegexp` rules on a shared entry point that would win
/// over ours: routers are tried by priority, by default the length of the
/// rule.
fn host_rules_that_win(
    others: &[(&String, Value)],
    routers: &[dynamic::Router],
    found: &mut Findings,
) {
    for (path, v) in others {
        for name in keys(v, &["http", "routers"]) {
            let Some(router) = get(v, &["http", "routers", &name]) else {
                continue;
            };
            let Some(rule) = get_str(router, &["rule"]) else {
                continue;
            };
            let hosts = rule_hosts(&rule);
            let patterns = rule_host_patterns(&rule);
            let theirs_eps = get_list(router, &["entryPoints"]);
            let theirs = get_str(router, &["priority"])
                .and_then(|p| p.parse::<i64>().ok())
                .filter(|p| *p != 0)
                .unwrap_or(rule.len() as i64);
            for ours in routers {
                let host = ours.host.to_ascii_lowercase();
                if !hosts.contains(&host) && !patterns.iter().any(|p| pattern_matches(p, &host)) {
                    continue;
                }
                let Some(ep) = shared_entry_point(ours, theirs_eps.as_ref()) else {
                    continue;
                };
                let our_priority = ours.rule.len() as i64;
                if theirs >= our_priority {
                    found.problems.push(Problem::HostTaken {
                        router: name.clone(),
                        file: (*path).clone(),
                        host: ours.host.clone(),
                        entry_point: ep.clone(),
                        rule: rule.clone(),
                        theirs,
                        ours: our_priority,
                        paths: dynamic::paths_rule(&ours.paths),
                    });
                } else {
                    found.notes.push(format!(
                        "{path}: router `{name}` also answers for {} on {ep}; ours has the \
                         longer rule (priority {our_priority} > {theirs}), so Traefik gives it \
                         the Matrix paths and leaves the rest to `{name}`.",
                        ours.host
                    ));
                }
            }
        }
    }
}

/// TCP routers (`HostSNI`, `HostSNIRegexp`) on a shared entry point take a
/// host's connections before any HTTP router sees them (Traefik's routing:
/// TCP routers first, HTTP routers when no TCP router matches the SNI).
fn sni_rules_that_win(
    others: &[(&String, Value)],
    routers: &[dynamic::Router],
    found: &mut Findings,
) {
    for (path, v) in others {
        for name in keys(v, &["tcp", "routers"]) {
            let Some(router) = get(v, &["tcp", "routers", &name]) else {
                continue;
            };
            let Some(rule) = get_str(router, &["rule"]) else {
                continue;
            };
            let hosts = rule_sni_hosts(&rule);
            let patterns = rule_sni_patterns(&rule);
            let theirs_eps = get_list(router, &["entryPoints"]);
            for ours in routers {
                let host = ours.host.to_ascii_lowercase();
                if !hosts.iter().any(|h| *h == host || h == "*")
                    && !patterns.iter().any(|p| pattern_matches(p, &host))
                {
                    continue;
                }
                if let Some(ep) = shared_entry_point(ours, theirs_eps.as_ref()) {
                    found.problems.push(Problem::SniTaken {
                        router: name.clone(),
                        file: (*path).clone(),
                        host: ours.host.clone(),
                        entry_point: ep.clone(),
                        rule: rule.clone(),
                    });
                }
            }
        }
    }
}

/// Traefik v3.6.4 to v3.6.6 refuse encoded characters in paths unless the
/// entry point allows them; one note per chosen entry point that does not.
fn encoded_character_notes(
    statics: Option<&StaticConfig>,
    chosen: &BTreeMap<u16, String>,
) -> Vec<String> {
    let Some(s) = statics else {
        return Vec::new();
    };
    chosen
        .values()
        .filter(|ep| {
            get_bool(
                &s.value,
                &[
                    "entryPoints",
                    ep,
                    "http",
                    "encodedCharacters",
                    "allowEncodedSlash",
                ],
            ) != Some(true)
        })
        .map(|ep| {
            format!(
                "Traefik v3.6.4 to v3.6.6 answer 400 to paths with %2F, %23 and the like \
                 unless the entry point allows them (CVE-2025-66490); Matrix event IDs \
                 and room aliases carry them. On those versions add to {}: \
                 entryPoints.{ep}.http.encodedCharacters.allowEncodedSlash (and \
                 allowEncodedBackSlash, allowEncodedSemicolon, allowEncodedPercent, \
                 allowEncodedQuestionMark, allowEncodedHash): true.",
                s.path
            )
        })
        .collect()
}

/// Sites that serve a fixed body (the well-known files) need a web server
/// of their own: Traefik only routes.
fn fixed_body_notes(sites: &[Site]) -> Vec<String> {
    sites
        .iter()
        .filter(|s| !s.files.is_empty())
        .map(|site| {
            let paths: Vec<&str> = site.files.iter().map(|f| f.path.as_str()).collect();
            format!(
                "Traefik cannot answer a fixed body: {} must serve {} from a web server of its \
                 own (`generate --proxy traefik --out DIR` shows one).",
                site.name,
                paths.join(", ")
            )
        })
        .collect()
}

/// The verdict once nothing refuses the install: the file to write (or
/// already written), or the text to add by hand.
fn verdict(
    inputs: &Inputs<'_>,
    routers: &[dynamic::Router],
    certificates: &Certificates,
    notes: Vec<String>,
) -> Verdict {
    let layout = inputs.layout;
    let tree = dynamic::tree(routers, certificates, inputs.upstream);
    match layout.mode {
        Mode::FilenameOnly => {
            let text = match Format::of(&layout.file) {
                Some(Format::Toml) => dynamic::toml(&tree),
                _ => dynamic::yaml(&tree),
            };
            Verdict::AddByHand {
                file: layout.file.clone(),
                text: format!("{}{text}", dynamic::header(inputs.server_name, "#")),
                notes,
            }
        }
        Mode::Directory => {
            let contents = format!(
                "{}{}",
                dynamic::header(inputs.server_name, "#"),
                dynamic::yaml(&tree)
            );
            if inputs.files.get(&layout.file) == Some(&contents) {
                return Verdict::UpToDate {
                    file: layout.file.clone(),
                    notes,
                };
            }
            Verdict::Install(Install {
                file: layout.file.clone(),
                why: layout.why.clone(),
                ops: vec![FileOp::Write {
                    path: layout.file.clone(),
                    contents,
                }],
                notes,
            })
        }
    }
}

/// What the operator should know once the file is written: whether
/// Traefik picks it up by itself, that Traefik did not check it, and how
/// to watch its log.
pub fn after_install(layout: &Layout, routers: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    out.push(match (&layout.static_config, layout.watch) {
        (Some(s), Some(true)) => format!(
            "Traefik watches {} (providers.file.watch is true or unset, its default, in {}): it \
             loads the file by itself within seconds; no reload or restart is needed.",
            layout.dir, s.path
        ),
        (Some(s), Some(false)) => format!(
            "providers.file.watch is false in {}: Traefik reads {} only when it starts. \
             Restart it: `systemctl restart traefik` (systemd) or `docker restart traefik` \
             (Docker; your container's name).",
            s.path, layout.dir
        ),
        _ => format!(
            "Without Traefik's static configuration here it is not known whether Traefik reads \
             {} or watches it: its file provider needs `directory: {}` (and `watch: true`, the \
             default), else restart Traefik after adding it.",
            layout.dir, layout.dir
        ),
    });
    out.push(
        "Traefik could not validate this file: it has no command that tests a configuration. \
         apply checked the directory itself (every file parses; no router, service or \
         middleware name and no Host rule collides; the entry points and the certificate \
         resolver exist); everything else Traefik reports in its log when it loads the file."
            .into(),
    );
    let router = routers.first().map_or("<router>", String::as_str);
    out.push(format!(
        "Watch it: `journalctl -u traefik -f` (systemd) or `docker logs -f traefik` (Docker). \
         Errors are lines with `ERR` (Traefik v3) or `level=error` (v2) naming the router, e.g. \
         `ERR ... error=\"...\" routerName={router}@file`; none within a minute of loading \
         means Traefik took it."
    ));
    out
}

#[cfg(test)]
mod tests;
