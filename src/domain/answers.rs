//! The operator's raw answers (from CLI flags or the wizard), before validation.

use super::deployment::{Deployment, Proxy};
use super::strategy::Strategy;

/// Where Continuwuity listens by default (its `address` and `port` settings):
/// where a proxy on the same machine reaches it unless told otherwise.
pub const DEFAULT_UPSTREAM: &str = "127.0.0.1:8008";

/// Everything the operator may tell us. Text fields are kept exactly as typed
/// so that validation can point at the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    pub server_name: String,
    /// The delegated host; may be left empty for `none`.
    pub host: String,
    /// The federation port; empty means the strategy's default.
    pub port: String,
    pub strategy: Strategy,
    /// Empty means `https://<host>/`.
    pub client_url: String,
    pub support_page: String,
    pub support_role: String,
    pub support_email: String,
    pub support_mxid: String,
    pub deployment: Deployment,
    pub proxy: Proxy,
    /// Where the reverse proxy reaches the homeserver.
    pub upstream: String,
}

impl Default for Answers {
    fn default() -> Self {
        Answers {
            server_name: String::new(),
            host: String::new(),
            port: String::new(),
            strategy: Strategy::WellKnown,
            client_url: String::new(),
            support_page: String::new(),
            support_role: String::new(),
            support_email: String::new(),
            support_mxid: String::new(),
            deployment: Deployment::ConfigFile,
            proxy: Proxy::Caddy,
            upstream: DEFAULT_UPSTREAM.to_string(),
        }
    }
}

impl Answers {
    /// The answers of the seed document's example: `@user:example.com`,
    /// homeserver at `matrix.example.com`, everything on 443.
    pub fn example() -> Answers {
        Answers {
            server_name: "example.com".into(),
            host: "matrix.example.com".into(),
            ..Answers::default()
        }
    }
}

/// The answer a message is about; the CLI maps it to a flag, the wizard to a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    ServerName,
    Host,
    Port,
    Strategy,
    ClientUrl,
    SupportPage,
    SupportRole,
    SupportEmail,
    SupportMxid,
    Deployment,
    Proxy,
    Upstream,
}

impl Field {
    /// The `generate` flag that sets this answer.
    pub fn flag(self) -> &'static str {
        match self {
            Field::ServerName => "--server-name",
            Field::Host => "--host",
            Field::Port => "--port",
            Field::Strategy => "--strategy",
            Field::ClientUrl => "--client-url",
            Field::SupportPage => "--support-page",
            Field::SupportRole => "--support-role",
            Field::SupportEmail => "--support-email",
            Field::SupportMxid => "--support-mxid",
            Field::Deployment => "--deployment",
            Field::Proxy => "--proxy",
            Field::Upstream => "--upstream",
        }
    }

    /// A human label for the wizard.
    pub fn label(self) -> &'static str {
        match self {
            Field::ServerName => "server name",
            Field::Host => "delegated host",
            Field::Port => "federation port",
            Field::Strategy => "strategy",
            Field::ClientUrl => "client base URL",
            Field::SupportPage => "support page",
            Field::SupportRole => "support role",
            Field::SupportEmail => "support e-mail",
            Field::SupportMxid => "support Matrix ID",
            Field::Deployment => "deployment",
            Field::Proxy => "reverse proxy",
            Field::Upstream => "homeserver address",
        }
    }
}
