//! Traefik: the routers in a file of their own in the file provider's
//! directory, checked against the rest of that directory and the static
//! configuration, since Traefik has no command that validates a
//! configuration. Nothing else is changed and nothing is reloaded: the
//! file provider loads the new file itself when it watches the directory.
//!
//! Where Traefik's configuration is: the static configuration is the first
//! of `/etc/traefik/traefik.{toml,yaml,yml}`, then `$XDG_CONFIG_HOME/traefik`,
//! `$HOME/.config/traefik` and `./traefik` (`loadConfigFiles` in traefik's
//! `pkg/cli/loader_file.go`); only the `/etc` ones belong to a system
//! service, the others depend on the user and working directory Traefik
//! runs with, so they are named in the message, not searched.
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

use std::collections::BTreeMap;

use serde_json::Value;

use self::document::{Format, get, get_bool, get_list, get_str, keys, parse};
use self::dynamic::Certificates;
use super::{FileOp, Install};
use crate::generate::sites::Site;

/// The static configuration files Traefik tries, in its order.
pub const STATIC_CONFIGS: [&str; 3] = [
    "/etc/traefik/traefik.toml",
    "/etc/traefik/traefik.yaml",
    "/etc/traefik/traefik.yml",
];

/// `matrix-example.com.yml`.
pub fn file_name(server_name: &str) -> String {
    let conf = super::file_name(server_name);
    format!("{}.yml", conf.trim_end_matches(".conf"))
}

/// What `--proxy-config PATH` named, as found under the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// A folder: the file provider's directory.
    Dir(String),
    /// The file to write (its folder is the directory).
    File(String),
}

/// The static configuration, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct StaticConfig {
    pub path: String,
    pub value: Value,
}

/// How the file reaches Traefik.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// A file of our own in the provider's directory.
    Directory,
    /// The provider reads one file (`providers.file.filename`), the
    /// operator's: it is not edited, the lines to add are printed.
    FilenameOnly,
}

/// Where the routers go and what is known about how Traefik reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub mode: Mode,
    /// The directory whose files Traefik merges (`FilenameOnly`: the
    /// folder of the one file).
    pub dir: String,
    /// The file written (`FilenameOnly`: the operator's file).
    pub file: String,
    pub why: String,
    pub static_config: Option<StaticConfig>,
    /// `providers.file.watch` (true when not set, Traefik's default in
    /// `SetDefaults`); `None` without a static configuration.
    pub watch: Option<bool>,
}

/// Why nothing can be decided: nothing is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// A file Traefik reads does not parse; `error` quotes the parser.
    Unparseable { file: String, error: String },
    /// No static configuration, or one without a file provider.
    NoLayout {
        looked_for: Vec<String>,
        found: Option<String>,
    },
    /// `--proxy-config` names a file Traefik would not read as YAML.
    BadName { path: String },
}

fn parent(path: &str) -> String {
    match path.rsplit_once('/') {
        Some(("", _)) | None => "/".into(),
        Some((dir, _)) => dir.to_string(),
    }
}

/// Finds the layout from the static configurations that exist (path and
/// text, in [`STATIC_CONFIGS`] order) and `--proxy-config`.
pub fn layout(
    statics: &[(String, String)],
    named: Option<&Named>,
    server_name: &str,
) -> Result<Layout, Stop> {
    // Traefik loads the first one it finds and ignores the others.
    let static_config = match statics.first() {
        Some((path, text)) => {
            let format = Format::of(path).unwrap_or(Format::Yaml);
            let value = parse(text, format).map_err(|e| Stop::Unparseable {
                file: path.clone(),
                error: e.message,
            })?;
            Some(StaticConfig {
                path: path.clone(),
                value,
            })
        }
        None => None,
    };
    let file_provider = static_config
        .as_ref()
        .and_then(|s| get(&s.value, &["providers", "file"]).map(|f| (s, f)));
    let watch = file_provider.map(|(_, f)| get_bool(f, &["watch"]).unwrap_or(true));
    let own = file_name(server_name);
    if let Some(named) = named {
        let (dir, file) = match named {
            Named::Dir(d) => (d.trim_end_matches('/').to_string(), {
                format!("{}/{own}", d.trim_end_matches('/'))
            }),
            Named::File(f) => {
                if Format::of(f) != Some(Format::Yaml) {
                    return Err(Stop::BadName { path: f.clone() });
                }
                (parent(f), f.clone())
            }
        };
        let dir = if dir.is_empty() { "/".into() } else { dir };
        return Ok(Layout {
            mode: Mode::Directory,
            why: format!("named with --proxy-config; Traefik's file provider must read {dir}"),
            dir,
            file,
            static_config,
            watch,
        });
    }
    let looked_for = || {
        let mut l: Vec<String> = STATIC_CONFIGS
            .iter()
            .map(|p| format!("{p} (Traefik's static configuration)"))
            .collect();
        l.push(
            "providers.file.directory in it (the file provider's directory of dynamic \
             configuration)"
                .into(),
        );
        l
    };
    let Some((s, provider)) = file_provider else {
        return Err(Stop::NoLayout {
            looked_for: looked_for(),
            found: static_config.map(|s| {
                format!(
                    "{} has no file provider (providers.file): its routers come from other \
                     providers (Docker labels?), which apply cannot write",
                    s.path
                )
            }),
        });
    };
    if let Some(dir) = get_str(provider, &["directory"]).filter(|d| !d.is_empty()) {
        if !dir.starts_with('/') {
            return Err(Stop::NoLayout {
                looked_for: looked_for(),
                found: Some(format!(
                    "{}: providers.file.directory `{dir}` is relative to the folder Traefik is \
                     started in, which is not known here",
                    s.path
                )),
            });
        }
        let dir = dir.trim_end_matches('/').to_string();
        return Ok(Layout {
            mode: Mode::Directory,
            file: format!("{dir}/{own}"),
            why: format!(
                "a file of its own in {dir}, the file provider's directory ({})",
                s.path
            ),
            dir,
            static_config: static_config.clone(),
            watch,
        });
    }
    match get_str(provider, &["filename"]).filter(|f| f.starts_with('/')) {
        Some(filename) => Ok(Layout {
            mode: Mode::FilenameOnly,
            dir: parent(&filename),
            why: format!(
                "the file provider reads one file, {filename} ({}), which is yours",
                s.path
            ),
            file: filename,
            static_config: static_config.clone(),
            watch,
        }),
        None => Err(Stop::NoLayout {
            looked_for: looked_for(),
            found: Some(format!(
                "{}: providers.file has no absolute directory or filename",
                s.path
            )),
        }),
    }
}

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

/// Why the install would not work as written: nothing is written, and each
/// says what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Another file of the directory defines a name of ours.
    NameTaken {
        kind: &'static str,
        name: String,
        file: String,
    },
    /// Another router answers for one of our hosts on one of our entry
    /// points and would win over ours (or tie).
    HostTaken {
        router: String,
        file: String,
        host: String,
        entry_point: String,
        rule: String,
        theirs: i64,
        ours: i64,
        /// Our paths, as a rule (`PathPrefix(...) || ...`).
        paths: String,
    },
    /// A TCP router takes the connections for one of our hosts on one of
    /// our entry points: Traefik applies TCP routers before HTTP routers
    /// there, so our HTTP routers never see them.
    SniTaken {
        router: String,
        file: String,
        host: String,
        entry_point: String,
        rule: String,
    },
    /// No entry point of the static configuration listens on this port.
    EntryPointMissing {
        port: u16,
        name: String,
        static_file: String,
    },
    /// No certificate resolver and no listed certificates.
    NoCertificates { static_file: String },
    /// The default TLS options require client certificates, which Matrix
    /// servers and clients do not present.
    ClientCertificatesRequired { file: String, kind: String },
}

impl Problem {
    /// What is wrong, then exactly what to change.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Problem::NameTaken { kind, name, file } => vec![
                format!(
                    "{file} already defines the {kind} `{name}`, a name the install uses. \
                     Traefik merges the files of the directory into one set of names and \
                     skips the second definition (\"{kind} already configured, skipping\"), \
                     so one of the two would not be used."
                ),
                format!(
                    "Rename it there (and what refers to it), or remove it if it is an older \
                     hand-made copy of these routers; then run apply again."
                ),
            ],
            Problem::HostTaken {
                router,
                file,
                host,
                entry_point,
                rule,
                theirs,
                ours,
                paths,
            } => vec![
                format!(
                    "{file}: router `{router}` answers for {host} on entry point {entry_point} \
                     with priority {theirs}, and ours would have {ours} (the length of its \
                     rule): Traefik would send the Matrix paths to `{router}`."
                ),
                format!("Leave the Matrix paths to the install: change its rule to"),
                format!("    rule: \"({rule}) && !({paths})\""),
                format!(
                    "or give it a priority below {ours} (`priority: {}`); then run apply again.",
                    ours - 1
                ),
            ],
            Problem::SniTaken {
                router,
                file,
                host,
                entry_point,
                rule,
            } => vec![
                format!(
                    "{file}: TCP router `{router}` (rule {rule}) takes the connections for \
                     {host} on entry point {entry_point}. Traefik applies TCP routers before \
                     HTTP routers on an entry point, so the Matrix routers would never see \
                     a request."
                ),
                format!(
                    "Take {host} out of its HostSNI rule (a HostSNI(`*`) router catches every \
                     name: narrow it to the names it is for), or move it to another entry \
                     point; then run apply again."
                ),
            ],
            Problem::EntryPointMissing {
                port,
                name,
                static_file,
            } => vec![
                format!(
                    "{static_file} has no entry point on port {port}; the routers need one. Add \
                     it to the static configuration and restart Traefik (entry points are read \
                     only at start), then run apply again:"
                ),
                format!("    entryPoints:\n      {name}:\n        address: \":{port}\""),
                format!("  (TOML: [entryPoints.{name}] address = \":{port}\")"),
            ],
            Problem::NoCertificates { static_file } => vec![
                format!(
                    "{static_file} has no certificate resolver (certificatesResolvers) and no \
                     file of the directory lists certificates (tls.certificates): Traefik would \
                     answer with its self-signed default certificate, which Matrix servers \
                     and clients refuse. Add a resolver to the static configuration and \
                     restart Traefik, then run apply again:"
                ),
                "    certificatesResolvers:\n      letsencrypt:\n        acme:\n          \
                 email: you@example.com\n          storage: /etc/traefik/acme.json\n          \
                 tlsChallenge: {}"
                    .into(),
            ],
            Problem::ClientCertificatesRequired { file, kind } => vec![
                format!(
                    "{file}: the default TLS options require client certificates \
                     (clientAuthType: {kind}). Matrix servers (federation, on the federation \
                     port too) and clients connect without one, so every connection would \
                     fail."
                ),
                "Set `clientAuthType: NoClientCert` (or VerifyClientCertIfGiven) in \
                 tls.options.default, or move the requirement to a named TLS option for \
                 the routers that need it; then run apply again."
                    .into(),
            ],
        }
    }
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

/// The hosts a rule names in `Host(...)` (v2 allows several per call).
pub fn rule_hosts(rule: &str) -> Vec<String> {
    call_arguments(rule, "Host(")
}

/// The server names a TCP router's rule names in `HostSNI(...)` (`*`
/// matches every connection).
pub fn rule_sni_hosts(rule: &str) -> Vec<String> {
    call_arguments(rule, "HostSNI(")
}

/// The arguments of every `call` (`Host(`, `HostSNI(`) in a rule, quotes
/// taken off and lowercased.
fn call_arguments(rule: &str, call: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = rule;
    while let Some(i) = rest.find(call) {
        let before = rest[..i].chars().next_back();
        let after = &rest[i + call.len()..];
        let end = after.find(')').unwrap_or(after.len());
        if !before.is_some_and(|c| c.is_ascii_alphanumeric()) {
            for arg in after[..end].split(',') {
                let host = arg
                    .trim()
                    .trim_matches(['`', '"', '\''])
                    .to_ascii_lowercase();
                if !host.is_empty() {
                    out.push(host);
                }
            }
        }
        rest = &after[end..];
    }
    out
}

/// The default name of the entry point for `port`, as `generate` names it.
pub fn default_entry_point(port: u16) -> String {
    if port == 443 {
        "websecure".into()
    } else {
        format!("matrix-federation-{port}")
    }
}

/// Decides the install from the layout and the directory's files.
pub fn decide(inputs: &Inputs<'_>) -> Verdict {
    let layout = inputs.layout;
    let mut others: Vec<(&String, Value)> = Vec::new();
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
                return Verdict::Unparseable {
                    file: path.clone(),
                    error: e.message,
                };
            }
        }
    }
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    let statics = layout.static_config.as_ref();

    // Entry points by port, from the static configuration.
    let ports: Vec<u16> = {
        let mut p: Vec<u16> = inputs.sites.iter().flat_map(|s| s.ports.clone()).collect();
        p.sort_unstable();
        p.dedup();
        p
    };
    let mut chosen: BTreeMap<u16, String> = BTreeMap::new();
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
            None => problems.push(Problem::EntryPointMissing {
                port,
                name: default,
                static_file: s.path.clone(),
            }),
        }
    }
    let entry_point = |port: u16| {
        chosen
            .get(&port)
            .cloned()
            .unwrap_or_else(|| default_entry_point(port))
    };
    let routers = dynamic::routers(inputs.sites, &entry_point);

    // Certificates.
    let certificates = match statics {
        None => {
            notes.push(
                "No static configuration was found, so the entry points (websecure, \
                 matrix-federation-<port>) and the certificate resolver `letsencrypt` are \
                 `generate`'s names and could not be checked: they must exist in Traefik's \
                 static configuration."
                    .to_string(),
            );
            Some(Certificates::Resolver("letsencrypt".into()))
        }
        Some(s) => {
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
                        notes.push(format!(
                            "{} has certificate resolvers {}: the routers use `{r}`.",
                            s.path,
                            resolvers.join(", ")
                        ));
                    }
                    Some(Certificates::Resolver(r.clone()))
                }
                None if listed => {
                    notes.push(
                        "No certificate resolver: the routers use the certificates listed in \
                         tls.certificates of the directory, which must cover every name."
                            .into(),
                    );
                    Some(Certificates::Listed)
                }
                None => {
                    problems.push(Problem::NoCertificates {
                        static_file: s.path.clone(),
                    });
                    None
                }
            }
        }
    };

    // Names: routers, services and middlewares share one namespace per
    // kind across the directory.
    for (path, v) in &others {
        for (kind, key, ours) in [
            (
                "HTTP router",
                "routers",
                routers.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
            ),
            ("HTTP service", "services", vec![dynamic::SERVICE.into()]),
            ("HTTP middleware", "middlewares", Vec::new()),
        ] {
            for name in keys(v, &["http", key]) {
                if ours.contains(&name) {
                    problems.push(Problem::NameTaken {
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
            problems.push(Problem::ClientCertificatesRequired {
                file: (*path).clone(),
                kind,
            });
        }
    }

    // Host rules on a shared entry point that would win over ours.
    for (path, v) in &others {
        for name in keys(v, &["http", "routers"]) {
            let Some(router) = get(v, &["http", "routers", &name]) else {
                continue;
            };
            let Some(rule) = get_str(router, &["rule"]) else {
                continue;
            };
            let hosts = rule_hosts(&rule);
            // No entryPoints: the router listens on every default entry point.
            let theirs_eps = get_list(router, &["entryPoints"]);
            let theirs = get_str(router, &["priority"])
                .and_then(|p| p.parse::<i64>().ok())
                .filter(|p| *p != 0)
                .unwrap_or(rule.len() as i64);
            for ours in &routers {
                if !hosts.contains(&ours.host.to_ascii_lowercase()) {
                    continue;
                }
                let shared = ours.entry_points.iter().find(|ep| {
                    theirs_eps
                        .as_ref()
                        .is_none_or(|l| l.iter().any(|t| t == *ep))
                });
                let Some(ep) = shared else { continue };
                let our_priority = ours.rule.len() as i64;
                if theirs >= our_priority {
                    problems.push(Problem::HostTaken {
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
                    notes.push(format!(
                        "{path}: router `{name}` also answers for {} on {ep}; ours has the \
                         longer rule (priority {our_priority} > {theirs}), so Traefik gives it \
                         the Matrix paths and leaves the rest to `{name}`.",
                        ours.host
                    ));
                }
            }
        }
    }
    // TCP routers on a shared entry point take a host's connections before
    // any HTTP router sees them (Traefik's routing: TCP routers first, HTTP
    // routers when no TCP router matches the SNI).
    for (path, v) in &others {
        for name in keys(v, &["tcp", "routers"]) {
            let Some(router) = get(v, &["tcp", "routers", &name]) else {
                continue;
            };
            let Some(rule) = get_str(router, &["rule"]) else {
                continue;
            };
            let hosts = rule_sni_hosts(&rule);
            let theirs_eps = get_list(router, &["entryPoints"]);
            for ours in &routers {
                let host = ours.host.to_ascii_lowercase();
                if !hosts.iter().any(|h| *h == host || h == "*") {
                    continue;
                }
                let shared = ours.entry_points.iter().find(|ep| {
                    theirs_eps
                        .as_ref()
                        .is_none_or(|l| l.iter().any(|t| t == *ep))
                });
                if let Some(ep) = shared {
                    problems.push(Problem::SniTaken {
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
    let Some(certificates) = certificates.filter(|_| problems.is_empty()) else {
        return Verdict::Refused(problems);
    };

    if let Some(s) = statics {
        for ep in chosen.values() {
            if get_bool(
                &s.value,
                &[
                    "entryPoints",
                    ep,
                    "http",
                    "encodedCharacters",
                    "allowEncodedSlash",
                ],
            ) != Some(true)
            {
                notes.push(format!(
                    "Traefik v3.6.4 to v3.6.6 answer 400 to paths with %2F, %23 and the like \
                     unless the entry point allows them (CVE-2025-66490); Matrix event IDs \
                     and room aliases carry them. On those versions add to {}: \
                     entryPoints.{ep}.http.encodedCharacters.allowEncodedSlash (and \
                     allowEncodedBackSlash, allowEncodedSemicolon, allowEncodedPercent, \
                     allowEncodedQuestionMark, allowEncodedHash): true.",
                    s.path
                ));
            }
        }
    }
    for site in inputs.sites.iter().filter(|s| !s.files.is_empty()) {
        let paths: Vec<&str> = site.files.iter().map(|f| f.path.as_str()).collect();
        notes.push(format!(
            "Traefik cannot answer a fixed body: {} must serve {} from a web server of its \
             own (`generate --proxy traefik --out DIR` shows one).",
            site.name,
            paths.join(", ")
        ));
    }

    let tree = dynamic::tree(&routers, &certificates, inputs.upstream);
    match layout.mode {
        Mode::FilenameOnly => {
            let (text, comment) = match Format::of(&layout.file) {
                Some(Format::Toml) => (dynamic::toml(&tree), "#"),
                _ => (dynamic::yaml(&tree), "#"),
            };
            Verdict::AddByHand {
                file: layout.file.clone(),
                text: format!("{}{text}", dynamic::header(inputs.server_name, comment)),
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
