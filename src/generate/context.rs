//! Plan → the data the templates see. Only data here: every sentence the
//! operator reads lives in the templates under `assets/templates/`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::domain::{DnsRecord, Plan, SrvService, acme};

use super::sites::{self, Site, StaticFile};

/// Continuwuity's default `max_request_size` (20 MiB): proxies must accept
/// at least this much.
pub const MAX_REQUEST_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Debug, Serialize)]
pub(super) struct Context {
    pub version: &'static str,
    pub server_name: String,
    pub base_domain: String,
    pub host: String,
    pub port: u16,
    pub strategy: Named,
    pub proxy: Named,
    pub deployment: Named,
    pub upstream: String,
    pub upstream_port: String,
    /// The homeserver's unix socket (`unix_socket_path`), when the proxy
    /// reaches it there instead of over TCP (`upstream` is then
    /// `unix:<path>`).
    pub upstream_socket: Option<String>,
    pub client_url: String,
    pub base_url: String,
    pub m_server: Option<String>,
    /// All six `[global.well_known]` keys in Continuwuity's order, set or not.
    pub well_known: Vec<WellKnownKey>,
    pub sites: Vec<Site>,
    /// Every port any site listens on, in first-seen order.
    pub ports: Vec<u16>,
    /// The well-known files the base domain serves itself.
    pub files: Vec<StaticFile>,
    pub dns: Vec<DnsEntry>,
    pub certificates: Vec<Certificate>,
    /// How the certificates are obtained: the port-80 block's challenge
    /// directory or port and the certbot commands per name.
    pub acme: Acme,
    pub federation: Federation,
    pub notices: Vec<Notice>,
    pub max_request_bytes: u64,
    pub max_request_mib: u64,
    /// Artifact id → file name, for templates that point at other artifacts.
    pub artifact_files: BTreeMap<&'static str, String>,
}

#[derive(Debug, Serialize)]
pub(super) struct Named {
    pub id: &'static str,
    pub title: &'static str,
}

#[derive(Debug, Serialize)]
pub(super) struct WellKnownKey {
    pub key: &'static str,
    pub value: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct DnsEntry {
    /// `address` or `srv`.
    pub kind: &'static str,
    pub name: String,
    pub role: Option<String>,
    pub owner: Option<String>,
    pub priority: Option<u16>,
    pub weight: Option<u16>,
    pub port: Option<u16>,
    pub target: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct Certificate {
    pub name: String,
    pub serve_host: String,
    pub port: u16,
    pub why: String,
}

/// The ACME side of the plan (RFC 8555 §8.3, http-01): what the port-80
/// blocks serve and the commands NEXT-STEPS prints, from `domain::acme`.
#[derive(Debug, Serialize)]
pub(super) struct Acme {
    pub webroot: &'static str,
    pub challenge_path: &'static str,
    pub standalone_port: u16,
    pub caddy_storage: &'static str,
    /// What to run once before the commands of any name.
    pub prepare: Option<String>,
    /// One entry per site name, in the order of the sites.
    pub names: Vec<AcmeName>,
}

#[derive(Debug, Serialize)]
pub(super) struct AcmeName {
    pub name: String,
    /// The certbot commands with the proxy's plugin or standalone server.
    pub commands: Vec<String>,
    /// The webroot way (nginx, Apache), served by the port-80 block.
    pub webroot_command: String,
    /// HAProxy's combined PEM built by hand.
    pub combine: String,
}

#[derive(Debug, Serialize)]
pub(super) struct Federation {
    pub step: &'static str,
    pub connect_host: String,
    pub port: u16,
    pub host_header: String,
    pub cert_name: String,
}

#[derive(Debug, Serialize)]
pub(super) struct Notice {
    pub flag: &'static str,
    pub message: String,
}

/// The key names under `[global.well_known]`, in Continuwuity's order.
pub(super) const WELL_KNOWN_KEYS: [&str; 6] = crate::domain::plan::WellKnownSection::KEYS;

pub(super) fn context(plan: &Plan, artifact_files: BTreeMap<&'static str, String>) -> Context {
    let section = plan.well_known_section();
    let entries = section.entries();
    let well_known = WELL_KNOWN_KEYS
        .iter()
        .map(|key| WellKnownKey {
            key,
            value: entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.to_string()),
        })
        .collect();
    let sites = sites::sites(plan);
    let mut ports: Vec<u16> = Vec::new();
    for port in sites.iter().flat_map(|s| s.ports.iter()) {
        if !ports.contains(port) {
            ports.push(*port);
        }
    }
    let ep = plan.federation_endpoint();
    Context {
        version: env!("CARGO_PKG_VERSION"),
        server_name: plan.server_name.to_string(),
        base_domain: plan.base_domain(),
        host: plan.host_str(),
        port: plan.port,
        strategy: Named {
            id: plan.strategy.id(),
            title: plan.strategy.title(),
        },
        proxy: Named {
            id: plan.proxy.id(),
            title: plan.proxy.title(),
        },
        deployment: Named {
            id: plan.deployment.id(),
            title: plan.deployment.title(),
        },
        upstream: plan.upstream.clone(),
        upstream_port: upstream_port(&plan.upstream),
        upstream_socket: plan.upstream.strip_prefix("unix:").map(str::to_string),
        client_url: plan.client_url.clone(),
        base_url: plan.base_url(),
        m_server: plan.m_server(),
        well_known,
        sites,
        ports,
        files: sites::static_files(plan),
        dns: plan.dns_records().into_iter().map(dns_entry).collect(),
        certificates: plan
            .certificates()
            .into_iter()
            .map(|c| Certificate {
                name: c.name,
                serve_host: c.serve_host,
                port: c.port,
                why: c.why,
            })
            .collect(),
        acme: Acme {
            webroot: acme::WEBROOT,
            challenge_path: acme::CHALLENGE_PATH,
            standalone_port: acme::STANDALONE_PORT,
            caddy_storage: acme::CADDY_STORAGE,
            prepare: acme::prepare(plan.proxy),
            names: sites::sites(plan)
                .into_iter()
                .map(|s| AcmeName {
                    commands: acme::certbot(plan.proxy, &s.name),
                    webroot_command: acme::certbot_webroot(&s.name),
                    combine: acme::haproxy_combine(&s.name),
                    name: s.name,
                })
                .collect(),
        },
        federation: Federation {
            step: ep.step,
            connect_host: ep.connect_host,
            port: ep.port,
            host_header: ep.host_header,
            cert_name: ep.cert_name,
        },
        notices: plan
            .notices
            .iter()
            .map(|n| Notice {
                flag: n.field.flag(),
                message: n.message.clone(),
            })
            .collect(),
        max_request_bytes: MAX_REQUEST_BYTES,
        max_request_mib: MAX_REQUEST_BYTES / (1024 * 1024),
        artifact_files,
    }
}

/// The port of `host:port` (the upstream is validated to carry one; a unix
/// socket has none).
fn upstream_port(upstream: &str) -> String {
    if upstream.starts_with("unix:") {
        return String::new();
    }
    upstream
        .rsplit_once(':')
        .map(|(_, p)| p.to_string())
        .unwrap_or_default()
}

fn dns_entry(record: DnsRecord) -> DnsEntry {
    match record {
        DnsRecord::Address { name, role } => DnsEntry {
            kind: "address",
            name,
            role: Some(role),
            owner: None,
            priority: None,
            weight: None,
            port: None,
            target: None,
        },
        DnsRecord::Srv {
            name,
            priority,
            weight,
            port,
            target,
        } => DnsEntry {
            kind: "srv",
            owner: Some(SrvService::Federation.owner(&name)),
            name,
            role: None,
            priority: Some(priority),
            weight: Some(weight),
            port: Some(port),
            target: Some(target),
        },
    }
}

/// The pretty-printed JSON of a static file, as written to disk.
pub(super) fn pretty_json(value: &Value) -> String {
    let mut text = super::quote::json_escaping(value, "", true);
    text.push('\n');
    text
}
