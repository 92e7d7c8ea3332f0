//! What the wizard says under each field as the operator types: the reason a
//! value is refused, the warnings the seed guide insists on, and the typical
//! slips (the delegated host typed as the server name, `https://` in a host
//! field, a server name other than the config's).

use crate::domain::server_name::dns_name_warnings;
use crate::domain::validate::{check_host, check_server_name};
use crate::domain::{Deployment, Field, FieldError, Host, Proxy, Strategy};

use super::{State, Step};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Hint,
    Info,
    Ok,
    Warn,
    Error,
}

/// One line of feedback. `text` may echo typed or file text: the view shows
/// it through `safe_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub level: Level,
    pub text: String,
}

impl Note {
    fn new(level: Level, text: impl Into<String>) -> Note {
        Note {
            level,
            text: text.into(),
        }
    }
}

/// First labels that name a machine rather than a domain users belong to.
const SERVICE_LABELS: [&str; 10] = [
    "matrix",
    "synapse",
    "conduit",
    "conduwuit",
    "continuwuity",
    "tuwunel",
    "dendrite",
    "homeserver",
    "hs",
    "chat",
];

/// The errors that stop the operator from moving past `step`: every refused
/// answer given on this step or an earlier one.
pub fn blocking_errors(state: &State, step: Step) -> Vec<FieldError> {
    match crate::domain::plan(&state.answers()) {
        Ok(_) => Vec::new(),
        Err(mut errors) => {
            errors.retain(|e| Step::of_field(e.field) <= step);
            errors
        }
    }
}

/// The notes under `field`, most important first.
pub fn field_notes(state: &State, field: Field) -> Vec<Note> {
    let answers = state.answers();
    let submitted = match Step::of_field(field) {
        Step::Names => state.names.submitted,
        Step::Deployment => state.deploy.submitted,
        _ => true,
    };
    let text = match field {
        Field::ServerName | Field::Host | Field::Port | Field::ClientUrl => {
            state.names.value(field)
        }
        _ => state.deploy.value(field),
    }
    .trim();
    let mut notes = Vec::new();
    match field {
        Field::ServerName => server_name_notes(state, text, &mut notes),
        Field::Host => host_notes(state, text, &mut notes),
        Field::Port if text.is_empty() => notes.push(Note::new(
            Level::Hint,
            match state.strategy() {
                Strategy::None => "empty: 8448, where peers look without delegation",
                _ => "empty: 443, the usual HTTPS port (8448 is the no-delegation default)",
            },
        )),
        Field::ClientUrl if text.is_empty() => {
            let host = check_host(state.names.value(Field::Host))
                .map(|h| h.to_string())
                .unwrap_or_else(|_| "<host>".into());
            notes.push(Note::new(
                Level::Hint,
                format!("empty: https://{host}/ (where Element and other clients connect)"),
            ));
        }
        Field::Upstream => upstream_notes(state, text, &mut notes),
        Field::SupportPage | Field::SupportRole | Field::SupportEmail | Field::SupportMxid
            if text.is_empty() =>
        {
            notes.push(Note::new(Level::Hint, support_hint(field)));
        }
        Field::Deployment => {
            notes.push(Note::new(Level::Hint, deployment_hint(answers.deployment)))
        }
        Field::Proxy => notes.push(Note::new(Level::Hint, proxy_hint(answers.proxy))),
        _ => {}
    }
    let refused = notes.iter().any(|n| n.level == Level::Error);
    match crate::domain::plan(&answers) {
        Err(errors) if !refused && (submitted || !text.is_empty() || is_choice(field)) => {
            for e in errors.into_iter().filter(|e| e.field == field) {
                notes.push(Note::new(Level::Error, e.message));
            }
        }
        Ok(plan) if !refused => {
            for n in plan.notices.into_iter().filter(|n| n.field == field) {
                if !notes.iter().any(|x| x.text == n.message) {
                    notes.push(Note::new(Level::Warn, n.message));
                }
            }
        }
        _ => {}
    }
    notes.sort_by_key(|n| std::cmp::Reverse(n.level));
    notes
}

fn is_choice(field: Field) -> bool {
    matches!(field, Field::Deployment | Field::Proxy)
}

fn server_name_notes(state: &State, text: &str, notes: &mut Vec<Note>) {
    if text.is_empty() {
        let text = if state.names.submitted {
            Note::new(
                Level::Error,
                "required: the part after the colon in user IDs",
            )
        } else {
            Note::new(
                Level::Hint,
                "the part after the colon in user IDs, e.g. example.com",
            )
        };
        notes.push(text);
        return;
    }
    let name = match check_server_name(text) {
        Ok(name) => name,
        Err(e) => return notes.push(Note::new(Level::Error, e)),
    };
    if let Some(port) = name.port {
        // Spec "Resolving server names", step 2: an explicit port is used
        // as is, and is part of every user ID for good.
        notes.push(Note::new(
            Level::Warn,
            format!(
                "users will be @alice:{name}: the port is part of every user ID for good, and \
                 peers connect to port {port} of {} without delegation. For @alice:{}, type \
                 `{}` here and the port under Federation port",
                name.host, name.host, name.host
            ),
        ));
    } else {
        notes.push(Note::new(Level::Ok, format!("users will be @alice:{name}")));
    }
    for w in name.warnings() {
        notes.push(Note::new(Level::Warn, format!("`{name}` {w}")));
    }
    let config = state.config.found();
    let config_name = config.and_then(|c| c.server_name.as_deref());
    if let Some(existing) = config_name.filter(|c| *c != name.as_str()) {
        let path = config
            .map(|c| c.path.display().to_string())
            .unwrap_or_default();
        notes.push(Note::new(
            Level::Warn,
            format!(
                "your config ({path}) has server_name = \"{existing}\": server_name can never \
                 change without wiping the database (users, rooms and keys belong to it)"
            ),
        ));
    }
    if let Host::Dns(dns) = &name.host
        && config_name != Some(name.as_str())
        && let Some((first, rest)) = dns.split_once('.')
        && rest.contains('.')
        && SERVICE_LABELS.contains(&first.to_ascii_lowercase().as_str())
    {
        notes.push(Note::new(
            Level::Warn,
            format!(
                "`{dns}` looks like the machine's name: users would be @alice:{dns}. For \
                 @alice:{rest}, type `{rest}` here and `{dns}` as the delegated host"
            ),
        ));
    }
}

fn host_notes(state: &State, text: &str, notes: &mut Vec<Note>) {
    if text.is_empty() {
        let note = match state.strategy() {
            Strategy::None => Note::new(Level::Hint, "not needed without delegation"),
            _ if state.names.submitted => Note::new(
                Level::Error,
                "required: the name where the homeserver really answers, e.g. matrix.example.com",
            ),
            _ => Note::new(
                Level::Hint,
                "where the homeserver really answers, e.g. matrix.example.com",
            ),
        };
        return notes.push(note);
    }
    let lower = text.to_ascii_lowercase();
    if let Some(scheme) = ["https://", "http://"]
        .into_iter()
        .find(|s| lower.starts_with(s))
    {
        let bare = text[scheme.len()..].split('/').next().unwrap_or_default();
        return notes.push(Note::new(
            Level::Error,
            format!("no `{scheme}` here: type only the host name, `{bare}`"),
        ));
    }
    match check_host(text) {
        Err(e) => notes.push(Note::new(Level::Error, e)),
        Ok(host) => {
            notes.push(Note::new(
                Level::Ok,
                format!("the homeserver answers at {host}"),
            ));
            if let Host::Dns(d) = &host {
                for w in dns_name_warnings(d) {
                    notes.push(Note::new(Level::Warn, format!("`{d}` {w}")));
                }
            }
        }
    }
}

/// Where the homeserver address came from, and what Docker changes.
fn upstream_notes(state: &State, text: &str, notes: &mut Vec<Note>) {
    let listener = state.config.found().and_then(|c| c.listener.as_ref());
    if text.is_empty() {
        let default = listener.map_or_else(
            || "empty: 127.0.0.1:8008, Continuwuity's default listener".to_string(),
            |l| format!("empty: 127.0.0.1:8008; your config says {}", l.upstream),
        );
        notes.push(Note::new(Level::Hint, default));
    } else if let Some(l) = listener.filter(|l| l.upstream == text) {
        notes.push(Note::new(Level::Info, l.origin.clone()));
    }
    let loopback = text.is_empty()
        || ["127.", "[::1]", "localhost:", "unix:"]
            .iter()
            .any(|p| text.starts_with(p));
    if state.deploy.deployment == Deployment::Docker && loopback {
        let port = text
            .rsplit_once(':')
            .map(|(_, p)| p)
            .filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            .unwrap_or("8008");
        notes.push(Note::new(
            Level::Warn,
            format!(
                "with Docker, a proxy in another container reaches the homeserver by its \
                 Compose service name, e.g. `continuwuity:{port}`, not {}",
                if text.is_empty() { "127.0.0.1" } else { text }
            ),
        ));
    }
}

fn support_hint(field: Field) -> &'static str {
    match field {
        Field::SupportPage => "optional: a web page about your server, https://...",
        Field::SupportRole => {
            "← → choose: m.role.admin (who runs the server) or m.role.security (where to report \
             security problems); not set, readers take it for admin"
        }
        Field::SupportEmail => "optional: where people reach the admins",
        _ => "optional: an admin's Matrix ID, @admin:example.com",
    }
}

fn deployment_hint(d: Deployment) -> &'static str {
    match d {
        Deployment::ConfigFile => "the [global.well_known] section of the TOML config file",
        Deployment::Docker => "CONTINUWUITY_WELL_KNOWN... variables in the container's environment",
    }
}

fn proxy_hint(p: Proxy) -> &'static str {
    match p {
        Proxy::Caddy => "a Caddyfile for both sites; Caddy gets the certificates itself",
        Proxy::Nginx => "server blocks for both names (no path on proxy_pass)",
        Proxy::Apache => "virtual hosts with nocanon and AllowEncodedSlashes NoDecode",
        Proxy::Haproxy => "frontend rules routing both names to the homeserver",
        Proxy::Traefik => "Docker labels on the homeserver's container",
        Proxy::Static => "only the JSON files, served by whatever hosts the base domain",
    }
}
