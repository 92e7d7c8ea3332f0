//! Answers → Plan: every field validated with a reason in plain words, and
//! contradictions between answers rejected or warned about.

mod urls;

use std::fmt;

use self::urls::{client_url, upstream};
use super::answers::{Answers, Field};
use super::deployment::Proxy;
use super::plan::{Notice, Plan, Support};
use super::server_name::{Host, ServerName, dns_name_warnings};
use super::strategy::Strategy;
use super::support::{validate_email, validate_role, validate_user_id};

/// A refused answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.label(), self.message)
    }
}

#[derive(Default)]
pub(super) struct Collector {
    errors: Vec<FieldError>,
    notices: Vec<Notice>,
}

impl Collector {
    pub(super) fn error(&mut self, field: Field, message: impl Into<String>) {
        self.errors.push(FieldError {
            field,
            message: message.into(),
        });
    }
    pub(super) fn warn(&mut self, field: Field, message: impl Into<String>) {
        self.notices.push(Notice {
            field,
            message: message.into(),
        });
    }
}

pub(super) fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Validates one field alone (for as-you-type feedback in the wizard).
pub fn check_server_name(text: &str) -> Result<ServerName, String> {
    ServerName::parse(text.trim()).map_err(|e| e.to_string())
}

/// Validates the delegated host alone.
pub fn check_host(text: &str) -> Result<Host, String> {
    Host::parse(text.trim()).map_err(|e| e.to_string())
}

/// Builds the plan, or says every answer that is wrong.
pub fn plan(a: &Answers) -> Result<Plan, Vec<FieldError>> {
    let mut c = Collector::default();
    let server_name = match ServerName::parse(a.server_name.trim()) {
        Ok(n) => {
            for w in n.warnings() {
                c.warn(Field::ServerName, format!("`{n}` {w}"));
            }
            Some(n)
        }
        Err(e) => {
            c.error(Field::ServerName, e.to_string());
            None
        }
    };
    let host = delegated_host(a, server_name.as_ref(), &mut c);
    let port = federation_port(a, server_name.as_ref(), &mut c);
    if let (Some(n), Some(h), Some(port)) = (&server_name, &host, port) {
        check_combination(a.strategy, n, h, port, a.proxy, &mut c);
    }
    let client_url = host
        .as_ref()
        .and_then(|h| client_url(a, h, server_name.as_ref(), &mut c));
    let support = support(a, server_name.as_ref(), &mut c);
    let upstream = upstream(a, &mut c);
    match (server_name, host, port, client_url, upstream) {
        (Some(server_name), Some(host), Some(port), Some(client_url), Some(upstream))
            if c.errors.is_empty() =>
        {
            Ok(Plan {
                server_name,
                host,
                port,
                strategy: a.strategy,
                client_url,
                support,
                deployment: a.deployment,
                proxy: a.proxy,
                upstream,
                notices: c.notices,
            })
        }
        _ => Err(c.errors),
    }
}

fn delegated_host(a: &Answers, name: Option<&ServerName>, c: &mut Collector) -> Option<Host> {
    let text = a.host.trim();
    if text.is_empty() {
        return match (a.strategy, name) {
            (Strategy::None, Some(n)) => Some(n.host.clone()),
            (Strategy::None, None) => None,
            _ => {
                c.error(
                    Field::Host,
                    "required: the name where the homeserver really answers, e.g. `matrix.example.com`",
                );
                None
            }
        };
    }
    match Host::parse(text) {
        Ok(h) => {
            if let Host::Dns(d) = &h {
                for w in dns_name_warnings(d) {
                    c.warn(Field::Host, format!("`{d}` {w}"));
                }
            }
            Some(h)
        }
        Err(e) => {
            c.error(Field::Host, e.to_string());
            None
        }
    }
}

fn federation_port(a: &Answers, name: Option<&ServerName>, c: &mut Collector) -> Option<u16> {
    let text = a.port.trim();
    // Without delegation peers use the port in the server name, else 8448 (spec steps 2 and 6).
    let implied = (a.strategy == Strategy::None).then(|| name.and_then(|n| n.port).unwrap_or(8448));
    if text.is_empty() {
        return Some(implied.unwrap_or(443));
    }
    let port = match text.parse::<u32>() {
        Ok(p @ 1..=65535) => p as u16,
        _ => {
            c.error(
                Field::Port,
                format!("`{text}` is not a port; ports go from 1 to 65535"),
            );
            return None;
        }
    };
    if let Some(implied) = implied.filter(|i| *i != port) {
        c.error(
            Field::Port,
            format!(
                "without delegation other servers always connect to port {implied}; to use port \
                 {port}, choose a delegation strategy (well-known announces the port)"
            ),
        );
        return None;
    }
    Some(port)
}

fn check_combination(
    strategy: Strategy,
    name: &ServerName,
    host: &Host,
    port: u16,
    proxy: Proxy,
    c: &mut Collector,
) {
    if name.port.is_some() && strategy != Strategy::None {
        c.error(
            Field::Strategy,
            format!(
                "`{name}` has an explicit port, so other servers connect straight to it (spec \
                 step 2) and never look at delegation; drop the port or choose `none`"
            ),
        );
    }
    let same_host = *host == name.host;
    match strategy {
        Strategy::None if !same_host => c.error(
            Field::Host,
            format!(
                "with no delegation the homeserver must run at `{}` itself; choose a delegation \
                 strategy to run it at `{host}`",
                name.host
            ),
        ),
        Strategy::WellKnown | Strategy::Static if same_host && port == 8448 => c.error(
            Field::Host,
            "the delegated host is the server name and the port is 8448: that is exactly what \
             other servers do without delegation; choose `none`, or delegate to another host",
        ),
        Strategy::WellKnown | Strategy::Static | Strategy::WellKnownSrvFallback if same_host => {
            // `matrix.example.com` as both: the machine's name went into the
            // server name too; suggesting `matrix.matrix.example.com` would
            // be absurd.
            let machine = name.to_string();
            let suggestion = match machine.split_once('.') {
                Some((first, rest))
                    if rest.contains('.')
                        && [
                            "matrix",
                            "synapse",
                            "conduit",
                            "conduwuit",
                            "continuwuity",
                            "hs",
                        ]
                        .contains(&first.to_ascii_lowercase().as_str()) =>
                {
                    format!(
                        "did you mean the server name `{rest}` (users @alice:{rest}) delegated \
                         to `{machine}`?"
                    )
                }
                _ => format!("did you mean a host like `matrix.{name}`?"),
            };
            c.warn(
                Field::Host,
                format!(
                    "the delegated host is the server name itself, so `m.server` only announces \
                     port {port}; {suggestion}"
                ),
            )
        }
        _ => {}
    }
    if host.is_ip() {
        match strategy {
            Strategy::SrvWellKnown => c.error(
                Field::Host,
                "an IP address in `m.server` skips the SRV lookup (spec step 3.1), so the SRV \
                 record could never announce the port; use a host name",
            ),
            Strategy::Srv => c.error(
                Field::Host,
                "an SRV record's target must be a host name, not an IP address",
            ),
            Strategy::None => {}
            _ => c.warn(
                Field::Host,
                "delegating to an IP address needs a certificate issued for that IP (spec step \
                 3.1), which few CAs issue; a host name is easier",
            ),
        }
    }
    let proxies_well_known = matches!(
        strategy,
        Strategy::WellKnown | Strategy::SrvWellKnown | Strategy::WellKnownSrvFallback
    );
    if proxies_well_known && proxy == Proxy::Static {
        c.error(
            Field::Proxy,
            format!(
                "`static files only` cannot forward /.well-known/matrix/* to the homeserver, which \
                 strategy `{strategy}` needs; choose `--strategy static` or name your proxy"
            ),
        );
    }
}

fn support(a: &Answers, name: Option<&ServerName>, c: &mut Collector) -> Support {
    let s = Support {
        page: opt(&a.support_page),
        role: opt(&a.support_role),
        email: opt(&a.support_email),
        mxid: opt(&a.support_mxid),
    };
    if let Some(page) = &s.page {
        match url::Url::parse(page) {
            Ok(u) if u.scheme() == "https" || u.scheme() == "http" => {}
            _ => c.error(
                Field::SupportPage,
                format!("`{page}` is not a web address; write it like `https://example.com/help`"),
            ),
        }
    }
    if let Some(role) = &s.role
        && let Err(e) = validate_role(role)
    {
        c.error(Field::SupportRole, e);
    }
    if let Some(email) = &s.email
        && let Err(e) = validate_email(email)
    {
        c.error(Field::SupportEmail, e);
    }
    if let Some(mxid) = &s.mxid {
        match validate_user_id(mxid) {
            Err(e) => c.error(Field::SupportMxid, e),
            Ok(server) if name.is_some_and(|n| *n != server) => c.warn(
                Field::SupportMxid,
                format!(
                    "`{mxid}` lives on another server (`{server}`); fine if that is intended, \
                     but if that server is down nobody can reach your admin"
                ),
            ),
            Ok(_) => {}
        }
    }
    if s.role.is_some() && s.mxid.is_none() && s.email.is_none() {
        c.warn(
            Field::SupportRole,
            "a role applies to the contact given by the Matrix ID or e-mail; with neither, \
             Continuwuity lists the admin room's members and ignores the role",
        );
    }
    if a.strategy == Strategy::Srv && !s.is_empty() {
        c.warn(
            Field::SupportMxid,
            "with SRV only, the base domain proxies nothing to the homeserver: the support file \
             must be served there as a static file (it is generated for you)",
        );
    }
    s
}
