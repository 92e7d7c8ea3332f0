//! The validated plan: what the operator wants, and the end state it implies
//! (what each well-known file must contain, which DNS records and which
//! certificates must exist). Built by [`super::validate::plan`].

mod requirements;
#[cfg(test)]
mod tests;

use serde_json::{Value, json};

use super::deployment::{Deployment, Proxy};
use super::server_name::{Host, ServerName};
use super::srv_owner::SrvService;
use super::strategy::Strategy;

/// Support contact settings, as Continuwuity names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Support {
    pub page: Option<String>,
    pub role: Option<String>,
    pub email: Option<String>,
    pub mxid: Option<String>,
}

impl Support {
    pub fn is_empty(&self) -> bool {
        self.page.is_none() && self.role.is_none() && self.email.is_none() && self.mxid.is_none()
    }

    /// The role Continuwuity puts on the contact (its default is `m.role.admin`).
    pub fn effective_role(&self) -> &str {
        self.role.as_deref().unwrap_or("m.role.admin")
    }
}

/// A warning about the answers: allowed, but the operator should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub field: super::answers::Field,
    pub message: String,
}

/// The values of the `[global.well_known]` section, by Continuwuity's key names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WellKnownSection {
    pub client: Option<String>,
    pub server: Option<String>,
    pub support_page: Option<String>,
    pub support_role: Option<String>,
    pub support_email: Option<String>,
    pub support_mxid: Option<String>,
}

impl WellKnownSection {
    /// The keys a plan can set, in the order Continuwuity documents them.
    pub const KEYS: [&'static str; 6] = [
        "client",
        "server",
        "support_page",
        "support_role",
        "support_email",
        "support_mxid",
    ];

    /// `(key, value)` pairs in Continuwuity's documented order, set keys only.
    pub fn entries(&self) -> Vec<(&'static str, &str)> {
        [
            ("client", &self.client),
            ("server", &self.server),
            ("support_page", &self.support_page),
            ("support_role", &self.support_role),
            ("support_email", &self.support_email),
            ("support_mxid", &self.support_mxid),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }
}

/// A DNS record that must exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsRecord {
    /// A and/or AAAA for `name`, pointing at the machine that serves `role`.
    Address { name: String, role: String },
    /// `_matrix-fed._tcp.<name>` (Matrix spec, server-server API, "Resolving server names").
    Srv {
        name: String,
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
}

impl DnsRecord {
    /// One line: `A/AAAA matrix.example.com → <role>` or
    /// `SRV _matrix-fed._tcp.example.com 10 10 443 matrix.example.com.`.
    pub fn describe(&self) -> String {
        match self {
            DnsRecord::Address { name, role } => format!("A/AAAA {name} → {role}"),
            DnsRecord::Srv {
                name,
                priority,
                weight,
                port,
                target,
            } => format!(
                "SRV {} {priority} {weight} {port} {target}.",
                SrvService::Federation.owner(name)
            ),
        }
    }
}

/// A certificate that must be presented: on `serve_host:port`, covering `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertRequirement {
    pub serve_host: String,
    pub port: u16,
    pub name: String,
    pub why: String,
}

/// What the base domain's web server has to do for this strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseDomainRole {
    /// Reverse-proxy `/.well-known/matrix/*` to the homeserver.
    ProxyWellKnown,
    /// Serve the well-known JSON files itself.
    StaticFiles,
    /// Serve only the client (and support) files; federation uses SRV.
    ClientFilesOnly,
    /// The base domain is the homeserver's own host: no separate site.
    SameAsHost,
}

/// Where a remote homeserver ends up connecting when everything is right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederationEndpoint {
    /// The spec step that leads there ("3.2", "4", ...).
    pub step: &'static str,
    /// The name whose A/AAAA records give the address.
    pub connect_host: String,
    pub port: u16,
    pub host_header: String,
    /// The name the certificate must cover (and the SNI sent).
    pub cert_name: String,
}

/// A validated plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub server_name: ServerName,
    /// The delegated host: where the homeserver actually answers.
    pub host: Host,
    /// The federation port on `host`.
    pub port: u16,
    pub strategy: Strategy,
    /// The client base URL exactly as it goes into `client =`.
    pub client_url: String,
    pub support: Support,
    pub deployment: Deployment,
    pub proxy: Proxy,
    /// Where the proxy reaches the homeserver (`127.0.0.1:8008`).
    pub upstream: String,
    pub notices: Vec<Notice>,
}

impl Plan {
    /// The server name's host as text (what goes in URLs for the base domain).
    pub fn base_domain(&self) -> String {
        self.server_name.host_str()
    }

    pub fn host_str(&self) -> String {
        self.host.to_string()
    }

    /// The host of the client base URL (where clients connect).
    pub fn client_host(&self) -> String {
        url::Url::parse(&self.client_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| self.host_str())
    }

    /// `m.server` as the base domain must serve it, if this strategy serves one.
    pub fn m_server(&self) -> Option<String> {
        match self.strategy {
            Strategy::WellKnown | Strategy::Static | Strategy::WellKnownSrvFallback => {
                Some(format!("{}:{}", self.host_str(), self.port))
            }
            // The port comes from the SRV record on the host (spec step 3.3).
            Strategy::SrvWellKnown => Some(self.host_str()),
            Strategy::Srv | Strategy::None => None,
        }
    }

    /// `m.homeserver.base_url` as clients must receive it. Continuwuity serves
    /// `client` with a trailing `/`, and so do our static files.
    pub fn base_url(&self) -> String {
        if self.client_url.ends_with('/') {
            self.client_url.clone()
        } else {
            format!("{}/", self.client_url)
        }
    }

    /// The `[global.well_known]` values to write.
    pub fn well_known_section(&self) -> WellKnownSection {
        WellKnownSection {
            client: Some(self.client_url.clone()),
            server: self.m_server(),
            support_page: self.support.page.clone(),
            support_role: self.support.role.clone(),
            support_email: self.support.email.clone(),
            support_mxid: self.support.mxid.clone(),
        }
    }

    /// `/.well-known/matrix/server` body, where the strategy has one.
    pub fn server_file(&self) -> Option<Value> {
        self.m_server().map(|s| json!({ "m.server": s }))
    }

    /// `/.well-known/matrix/client` body.
    pub fn client_file(&self) -> Value {
        json!({ "m.homeserver": { "base_url": self.base_url() } })
    }

    /// `/.well-known/matrix/support` body as Continuwuity builds it from the
    /// settings: one contact from `support_mxid`/`support_email` with
    /// `support_role`, plus `support_page`. `None` when no contact is set:
    /// Continuwuity then lists the admin room's members, which we cannot know.
    pub fn support_file(&self) -> Option<Value> {
        let mut out = serde_json::Map::new();
        if self.support.mxid.is_some() || self.support.email.is_some() {
            let mut contact = serde_json::Map::new();
            if let Some(m) = &self.support.mxid {
                contact.insert("matrix_id".into(), json!(m));
            }
            if let Some(e) = &self.support.email {
                contact.insert("email_address".into(), json!(e));
            }
            contact.insert("role".into(), json!(self.support.effective_role()));
            out.insert("contacts".into(), json!([Value::Object(contact)]));
        }
        if let Some(page) = &self.support.page {
            out.insert("support_page".into(), json!(page));
        }
        (!out.is_empty()).then_some(Value::Object(out))
    }

    pub fn base_domain_role(&self) -> BaseDomainRole {
        match self.strategy {
            Strategy::WellKnown | Strategy::SrvWellKnown | Strategy::WellKnownSrvFallback => {
                BaseDomainRole::ProxyWellKnown
            }
            Strategy::Static => BaseDomainRole::StaticFiles,
            Strategy::Srv => BaseDomainRole::ClientFilesOnly,
            Strategy::None => BaseDomainRole::SameAsHost,
        }
    }

    /// With the SRV fallback, peers that cannot read the well-known file go to
    /// `<server_name>:443` (spec step 4), so the base domain must also route
    /// `/_matrix/` to the homeserver and present a certificate for the server name.
    pub fn base_domain_routes_federation(&self) -> bool {
        self.strategy == Strategy::WellKnownSrvFallback
    }

    /// The ports the delegated host's proxy must listen on, federation first.
    pub fn host_ports(&self) -> Vec<u16> {
        let mut ports = vec![self.port];
        if self.port != 443 {
            ports.push(443);
        }
        ports
    }

    /// Where a remote server connects when the deployment is right.
    pub fn federation_endpoint(&self) -> FederationEndpoint {
        let host = self.host_str();
        let name = self.base_domain();
        match self.strategy {
            Strategy::WellKnown | Strategy::Static | Strategy::WellKnownSrvFallback => {
                FederationEndpoint {
                    step: if self.host.is_ip() { "3.1" } else { "3.2" },
                    connect_host: host.clone(),
                    port: self.port,
                    host_header: format!("{host}:{}", self.port),
                    cert_name: host,
                }
            }
            Strategy::SrvWellKnown => FederationEndpoint {
                step: "3.3",
                connect_host: host.clone(),
                port: self.port,
                host_header: host.clone(),
                cert_name: host,
            },
            // Spec step 4: the certificate is for the server name, not the SRV target.
            Strategy::Srv => FederationEndpoint {
                step: "4",
                connect_host: host,
                port: self.port,
                host_header: name.clone(),
                cert_name: name,
            },
            Strategy::None => match self.server_name.port {
                Some(port) => FederationEndpoint {
                    step: if self.server_name.host.is_ip() {
                        "1"
                    } else {
                        "2"
                    },
                    connect_host: name.clone(),
                    port,
                    host_header: format!("{name}:{port}"),
                    cert_name: name,
                },
                None => FederationEndpoint {
                    step: if self.server_name.host.is_ip() {
                        "1"
                    } else {
                        "6"
                    },
                    connect_host: name.clone(),
                    port: 8448,
                    host_header: name.clone(),
                    cert_name: name,
                },
            },
        }
    }
}
