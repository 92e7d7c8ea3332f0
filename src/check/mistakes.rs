//! The classic delegation mistakes, recognised from observations and named,
//! each with an explanation and a remedy for the operator's setup.

use super::expect::Expectations;
use super::remedy;
use crate::domain::ServerName;
use crate::matrix::client_discovery::ClientWellKnown;
use crate::matrix::well_known_server::{ServerWellKnown, WellKnownInvalid};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mistake {
    /// The delegated host was checked instead of the server name (the
    /// homeserver calls itself `server_name`).
    DelegatedHostChecked {
        checked: String,
        server_name: String,
    },
    /// The checked name delegates to another host, and the homeserver
    /// there calls itself by another name than the one checked: it was
    /// installed with another `server_name` (often the delegated host's
    /// own name).
    ServerNameInstalledWrong {
        checked: String,
        /// What the homeserver's key response says.
        installed: String,
        /// The host the checked name delegates to.
        delegated_to: String,
    },
    /// `m.server` points at the name checked itself: fine for a homeserver
    /// that really is this name, a sign of checking the wrong name otherwise.
    SelfDelegation {
        checked: String,
    },
    SchemeInMServer {
        value: String,
    },
    /// `m.server` without port while the intent is `host:port`.
    PortMissing {
        value: String,
        expected: String,
    },
    /// The client file carries `m.server` (it belongs in the server file).
    ClientFileCarriesMServer,
    /// The homeserver's own `404 M_NOT_FOUND`: `[global.well_known] <key>` unset.
    WellKnownUnset {
        file: &'static str,
    },
    /// `403 M_FORBIDDEN`: federation is disabled on the homeserver.
    FederationDisabled,
    RedirectOnServerFile {
        hops: usize,
        final_url: String,
    },
    ContentTypeNotJson {
        file: &'static str,
        got: Option<String>,
    },
    /// Continuwuity always sends `Access-Control-Allow-Origin: *`; when it
    /// is missing on a file it served, a proxy in front removed it.
    CorsStripped {
        url: String,
    },
}

impl Mistake {
    /// A short name of the mistake.
    pub fn title(&self) -> &'static str {
        match self {
            Mistake::DelegatedHostChecked { .. } => {
                "the delegated host was checked instead of the server name"
            }
            Mistake::ServerNameInstalledWrong { .. } => {
                "the homeserver was installed with another server_name"
            }
            Mistake::SelfDelegation { .. } => "m.server points at the name itself",
            Mistake::SchemeInMServer { .. } => "`https://` in m.server",
            Mistake::PortMissing { .. } => "port missing in m.server",
            Mistake::ClientFileCarriesMServer => "the client file carries m.server",
            Mistake::WellKnownUnset { .. } => "well_known not set in the homeserver config",
            Mistake::FederationDisabled => "federation is disabled",
            Mistake::RedirectOnServerFile { .. } => "a redirect on the server file",
            Mistake::ContentTypeNotJson { .. } => "Content-Type is not JSON",
            Mistake::CorsStripped { .. } => "a proxy strips the CORS header",
        }
    }

    /// What it means, in a sentence or two.
    pub fn explain(&self) -> String {
        match self {
            Mistake::DelegatedHostChecked {
                checked,
                server_name,
            } => format!(
                "The homeserver calls itself `{server_name}`, but `{checked}` was checked. Users \
                 are @name:{server_name}, and other servers look up `{server_name}`: check that \
                 name (`matrix-delegate check {server_name}`)."
            ),
            Mistake::ServerNameInstalledWrong {
                checked,
                installed,
                delegated_to,
            } => {
                let which = if installed.eq_ignore_ascii_case(delegated_to) {
                    " (the delegated host's own name)".to_string()
                } else {
                    String::new()
                };
                format!(
                    "`{checked}` delegates to `{delegated_to}`, so `{checked}` is the server \
                     name peers ask for, but the homeserver there calls itself \
                     `{installed}`{which}: it was installed with `server_name = \
                     \"{installed}\"`. Peers reject keys for another name. The server name \
                     is part of every user ID, room and event, so it is fixed when the database \
                     is created."
                )
            }
            Mistake::SelfDelegation { checked } => format!(
                "`{checked}` delegates to itself. That is right only when users really are \
                 @name:{checked}; if they are @name:<base domain>, you are checking the delegated \
                 host: check the base domain instead."
            ),
            Mistake::SchemeInMServer { value } => format!(
                "m.server is `{value}`: it takes a server name (`host:port`), never a URL. \
                 Servers reject it and fall back to step 4 (SRV, then port 8448)."
            ),
            Mistake::PortMissing { value, expected } => format!(
                "m.server is `{value}` without a port, so servers look for an SRV record and then \
                 use port 8448, not `{expected}`. The port in `server` is mandatory for this setup."
            ),
            Mistake::ClientFileCarriesMServer => "The client file carries `m.server`; it belongs \
                in /.well-known/matrix/server (Continuwuity serves each key in its own file). \
                Clients ignore it and servers never read the client file."
                .into(),
            Mistake::WellKnownUnset { file } => format!(
                "The request reached the homeserver, which answered its own `404 M_NOT_FOUND`: \
                 `{key}` is not set in `[global.well_known]` (or the homeserver was not restarted \
                 after setting it).",
                key = if *file == "server" {
                    "server"
                } else {
                    "client"
                }
            ),
            Mistake::FederationDisabled => "The homeserver answered `403 M_FORBIDDEN`: federation \
                is disabled in its config (`allow_federation = false`), so no other server can \
                talk to it."
                .into(),
            Mistake::RedirectOnServerFile { hops, final_url } => format!(
                "The server file is reached through {hops} redirect(s), ending at {final_url}. \
                 The spec says to follow them, but every hop must work for every server, and \
                 some implementations are stricter."
            ),
            Mistake::ContentTypeNotJson { file, got } => format!(
                "/.well-known/matrix/{file} is served as `{}`; the spec asks for \
                 `application/json`. Servers parse it anyway, some clients and tools do not.",
                got.as_deref().unwrap_or("no Content-Type")
            ),
            Mistake::CorsStripped { url } => format!(
                "{url} has no `Access-Control-Allow-Origin`, although Continuwuity sends \
                 `Access-Control-Allow-Origin: *` on every response: something in front of it \
                 removes the header. Web clients (Element Web) cannot read the answer."
            ),
        }
    }

    /// What to change, for this operator's proxy and deployment.
    pub fn remedy(&self, ex: &Expectations, site: &str) -> String {
        let upstream = ex.upstream();
        match self {
            Mistake::DelegatedHostChecked { server_name, .. } => {
                format!("Run the check for `{server_name}`.")
            }
            Mistake::ServerNameInstalledWrong {
                checked, installed, ..
            } => format!(
                "If users are to be @name:{checked}: set `server_name = \"{checked}\"` in the \
                 homeserver config and start it with a fresh database (the old one belongs to \
                 `{installed}` and cannot be renamed). If users are @name:{installed}: check \
                 `{installed}` instead, and remove the delegation from {checked} (its \
                 /.well-known/matrix/server or SRV record) unless {checked} runs a homeserver of \
                 its own."
            ),
            Mistake::SelfDelegation { .. } => {
                "If users are @name:<base domain>, check the base domain instead.".into()
            }
            Mistake::SchemeInMServer { value } | Mistake::PortMissing { value, .. } => {
                let fixed = match self {
                    Mistake::PortMissing { expected, .. } => expected.clone(),
                    _ => fixed_m_server(value),
                };
                remedy::well_known_key(ex.deployment, "server", &fixed)
            }
            Mistake::ClientFileCarriesMServer => format!(
                "Remove `m.server` from the client file and serve it in /.well-known/matrix/server \
                 on {site} instead (with Continuwuity: set `server` in [global.well_known] and \
                 proxy /.well-known/matrix/ to it)."
            ),
            Mistake::WellKnownUnset { file } => {
                let (key, value) = if *file == "server" {
                    (
                        "server",
                        ex.m_server
                            .clone()
                            .unwrap_or_else(|| "matrix.example.com:443".into()),
                    )
                } else {
                    (
                        "client",
                        ex.base_url
                            .clone()
                            .unwrap_or_else(|| "https://matrix.example.com".into()),
                    )
                };
                remedy::well_known_key(ex.deployment, key, &value)
            }
            Mistake::FederationDisabled => "Set `allow_federation = true` under `[global]` in the \
                homeserver config and restart it (or remove the setting: federation is on by \
                default)."
                .into(),
            Mistake::RedirectOnServerFile { .. } => remedy::no_redirect(ex.proxy, site, upstream),
            Mistake::ContentTypeNotJson { .. } => remedy::content_type_json(ex.proxy, site),
            Mistake::CorsStripped { .. } => remedy::cors_well_known(ex.proxy, site),
        }
    }
}

/// `https://matrix.example.com/` → `matrix.example.com:443`.
fn fixed_m_server(value: &str) -> String {
    let rest = value
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let host = rest.split('/').next().unwrap_or(rest);
    if host.contains(':') && !host.ends_with(']') {
        host.to_string()
    } else {
        format!("{host}:443")
    }
}

/// Mistakes visible in the server file.
pub fn in_server_file(
    wk: &ServerWellKnown,
    checked: &ServerName,
    ex: &Expectations,
) -> Vec<Mistake> {
    let mut out = Vec::new();
    let obs = &wk.observation;
    match wk.invalid() {
        Some(WellKnownInvalid::MServerInvalid { value, .. })
            if value.to_ascii_lowercase().starts_with("http://")
                || value.to_ascii_lowercase().starts_with("https://") =>
        {
            out.push(Mistake::SchemeInMServer {
                value: value.clone(),
            });
        }
        Some(WellKnownInvalid::Status {
            status: 404,
            matrix: Some(m),
            ..
        }) if m.errcode == "M_NOT_FOUND" => out.push(Mistake::WellKnownUnset { file: "server" }),
        Some(WellKnownInvalid::Status {
            status: 403,
            matrix: Some(m),
            ..
        }) if m.errcode == "M_FORBIDDEN" => out.push(Mistake::FederationDisabled),
        _ => {}
    }
    if let Some(m) = wk.m_server() {
        if let Some(expected) = ex.m_server.as_deref() {
            let expected_port = ServerName::parse(expected).ok().and_then(|e| e.port);
            if m.port.is_none() && expected_port.is_some() && expected.starts_with(m.as_str()) {
                out.push(Mistake::PortMissing {
                    value: m.as_str().to_string(),
                    expected: expected.to_string(),
                });
            }
        }
        if m.host == checked.host {
            out.push(Mistake::SelfDelegation {
                checked: checked.as_str().to_string(),
            });
        }
    }
    if !obs.hops.is_empty() && obs.error.is_none() {
        out.push(Mistake::RedirectOnServerFile {
            hops: obs.hops.len(),
            final_url: obs.final_url.clone(),
        });
    }
    if wk.content_type_not_json {
        out.push(Mistake::ContentTypeNotJson {
            file: "server",
            got: obs.header("content-type").map(str::to_string),
        });
    }
    out
}

/// Mistakes visible in the client file.
pub fn in_client_file(wk: &ClientWellKnown) -> Vec<Mistake> {
    let mut out = Vec::new();
    let obs = &wk.observation;
    if obs.status == Some(404)
        && obs
            .matrix_error()
            .is_some_and(|m| m.errcode == "M_NOT_FOUND")
    {
        out.push(Mistake::WellKnownUnset { file: "client" });
    }
    if wk.carries_m_server() {
        out.push(Mistake::ClientFileCarriesMServer);
    }
    if obs.status == Some(200) && wk.json.is_some() && !obs.is_json_content_type() {
        out.push(Mistake::ContentTypeNotJson {
            file: "client",
            got: obs.header("content-type").map(str::to_string),
        });
    }
    out
}

/// The homeserver's key response names `keys_server_name`, not the name
/// checked: who is to blame depends on the path. When the checked name
/// delegates (`delegated_to`: the host peers connect to is another name),
/// the checked name is the one peers ask for and the homeserver was
/// installed with the wrong `server_name`; when it does not, the name
/// checked is most likely the delegated host itself. An intended
/// `server_name` (from the config or plan) that differs from the name
/// checked always means the wrong name was checked.
pub fn key_name_mismatch(
    checked: &ServerName,
    ex: &Expectations,
    keys_server_name: Option<&str>,
    delegated_to: Option<&str>,
) -> Option<Mistake> {
    if ex.server_name.is_some() {
        return checked_name(checked, ex, None);
    }
    let installed = keys_server_name.filter(|s| *s != checked.as_str())?;
    match delegated_to {
        Some(host) => Some(Mistake::ServerNameInstalledWrong {
            checked: checked.as_str().to_string(),
            installed: installed.to_string(),
            delegated_to: host.to_string(),
        }),
        None => checked_name(checked, ex, keys_server_name),
    }
}

/// The name checked is not the homeserver's `server_name` (from the config,
/// or from what the homeserver says in its key response).
pub fn checked_name(
    checked: &ServerName,
    ex: &Expectations,
    keys_server_name: Option<&str>,
) -> Option<Mistake> {
    let server_name = ex
        .server_name
        .as_deref()
        .or(keys_server_name)
        .filter(|s| *s != checked.as_str())?;
    Some(Mistake::DelegatedHostChecked {
        checked: checked.as_str().to_string(),
        server_name: server_name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_urls_into_server_names() {
        assert_eq!(
            fixed_m_server("https://matrix.example.com"),
            "matrix.example.com:443"
        );
        assert_eq!(
            fixed_m_server("https://matrix.example.com/"),
            "matrix.example.com:443"
        );
        assert_eq!(
            fixed_m_server("https://m.example.com:8448"),
            "m.example.com:8448"
        );
    }

    #[test]
    fn every_mistake_explains_and_remedies() {
        let ex = Expectations::none();
        let all = [
            Mistake::DelegatedHostChecked {
                checked: "m.e.com".into(),
                server_name: "e.com".into(),
            },
            Mistake::ServerNameInstalledWrong {
                checked: "e.com".into(),
                installed: "m.e.com".into(),
                delegated_to: "m.e.com".into(),
            },
            Mistake::SelfDelegation {
                checked: "e.com".into(),
            },
            Mistake::SchemeInMServer {
                value: "https://m.e.com".into(),
            },
            Mistake::PortMissing {
                value: "m.e.com".into(),
                expected: "m.e.com:443".into(),
            },
            Mistake::ClientFileCarriesMServer,
            Mistake::WellKnownUnset { file: "server" },
            Mistake::FederationDisabled,
            Mistake::RedirectOnServerFile {
                hops: 1,
                final_url: "https://www.e.com/x".into(),
            },
            Mistake::ContentTypeNotJson {
                file: "server",
                got: Some("text/plain".into()),
            },
            Mistake::CorsStripped {
                url: "https://e.com/.well-known/matrix/client".into(),
            },
        ];
        for m in all {
            assert!(!m.title().is_empty());
            assert!(m.explain().len() > 20, "{m:?}");
            assert!(!m.remedy(&ex, "e.com").is_empty(), "{m:?}");
        }
    }
}
