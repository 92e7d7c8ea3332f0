//! What the operator intends, when known: from the wizard's plan, from the
//! `[global.well_known]` section of a config file, or from
//! `--expect-server` / `--expect-client`. Verdicts compare every observed
//! value with these and say which side is wrong.

use crate::domain::answers::DEFAULT_UPSTREAM;
use crate::domain::plan::WellKnownSection;
use crate::domain::{
    Deployment, DnsRecord, FederationEndpoint, Plan, Proxy, ServerName, SrvService, Strategy,
};
use crate::matrix::client_discovery::parse_http_url;

/// Where the expectations come from (decides how a mismatch is worded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The wizard's answers.
    Plan,
    /// A homeserver config file (its path, when known).
    Config(Option<String>),
    /// `--expect-server` / `--expect-client`.
    Flags,
}

/// An expected SRV record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedSrv {
    /// The owner, e.g. `_matrix-fed._tcp.example.com`.
    pub owner: String,
    pub port: u16,
    pub target: String,
}

/// The intended end state. Every field is optional: unknown means "do not compare".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectations {
    pub source: Option<Source>,
    /// The homeserver's `server_name` (config or plan).
    pub server_name: Option<String>,
    /// The `m.server` the base domain must serve.
    pub m_server: Option<String>,
    /// The strategy serves no server file (`srv`, `none`): a 404 is right.
    pub no_server_file: bool,
    /// `m.homeserver.base_url` clients must receive.
    pub base_url: Option<String>,
    pub strategy: Option<Strategy>,
    pub proxy: Option<Proxy>,
    pub deployment: Option<Deployment>,
    /// Where the proxy reaches the homeserver.
    pub upstream: Option<String>,
    /// Where federation must end up.
    pub endpoint: Option<FederationEndpoint>,
    pub srv: Vec<ExpectedSrv>,
    /// The support file the plan implies.
    pub support: Option<serde_json::Value>,
}

impl Expectations {
    /// Nothing known: verdicts judge by the spec alone.
    pub fn none() -> Expectations {
        Expectations::default()
    }

    pub fn from_plan(plan: &Plan) -> Expectations {
        let srv = plan
            .dns_records()
            .into_iter()
            .filter_map(|r| match r {
                DnsRecord::Srv {
                    name, port, target, ..
                } => Some(ExpectedSrv {
                    owner: SrvService::Federation.owner(&name),
                    port,
                    target,
                }),
                DnsRecord::Address { .. } => None,
            })
            .collect();
        Expectations {
            source: Some(Source::Plan),
            server_name: Some(plan.server_name.as_str().to_string()),
            m_server: plan.m_server(),
            no_server_file: plan.m_server().is_none(),
            base_url: Some(plan.base_url()),
            strategy: Some(plan.strategy),
            proxy: Some(plan.proxy),
            deployment: Some(plan.deployment),
            upstream: Some(plan.upstream.clone()),
            endpoint: Some(plan.federation_endpoint()),
            srv,
            support: plan.support_file(),
        }
    }

    /// From a config file: its `server_name` and `[global.well_known]`.
    /// An unset `server` says nothing (the operator may serve static files).
    pub fn from_config(
        server_name: Option<&str>,
        section: &WellKnownSection,
        path: Option<&str>,
    ) -> Expectations {
        Expectations {
            source: Some(Source::Config(path.map(str::to_string))),
            server_name: server_name.map(str::to_string),
            m_server: section.server.clone(),
            base_url: section.client.clone(),
            deployment: Some(Deployment::ConfigFile),
            ..Expectations::default()
        }
    }

    /// From `--expect-server HOST[:PORT]` and `--expect-client URL`.
    pub fn from_flags(server: Option<&str>, client: Option<&str>) -> Result<Expectations, String> {
        if let Some(s) = server {
            ServerName::parse(s).map_err(|e| format!("--expect-server `{s}`: {e}"))?;
        }
        if let Some(c) = client {
            parse_http_url(c).map_err(|e| format!("--expect-client `{c}`: {e}"))?;
        }
        Ok(Expectations {
            source: Some(Source::Flags),
            m_server: server.map(str::to_string),
            base_url: client.map(str::to_string),
            ..Expectations::default()
        })
    }

    pub fn with_proxy(mut self, proxy: Option<Proxy>) -> Expectations {
        self.proxy = proxy.or(self.proxy);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.source.is_none()
    }

    pub fn upstream(&self) -> &str {
        self.upstream.as_deref().unwrap_or(DEFAULT_UPSTREAM)
    }

    /// SRV owners worth looking up beyond the discovery path (e.g. the
    /// fallback record of `well-known+srv-fallback`, never consulted while
    /// the well-known file works). The runner adds these lookups.
    pub fn extra_srv_names(&self) -> Vec<String> {
        self.srv.iter().map(|s| s.owner.clone()).collect()
    }

    /// The intent in words, for "X says ..., the live file says ...".
    pub fn intent_words(&self) -> String {
        match &self.source {
            Some(Source::Plan) => "your plan".into(),
            Some(Source::Config(Some(path))) => format!("your config ({path})"),
            Some(Source::Config(None)) => "your config".into(),
            Some(Source::Flags) => "the expected value you gave".into(),
            None => "the intended value".into(),
        }
    }

    /// Which side is probably wrong when a live value differs from the intent.
    pub fn which_side(&self, what: &str) -> String {
        match &self.source {
            Some(Source::Config(_)) => format!(
                "The live side is wrong: the {what} being served does not come from this config. \
                 Restart the homeserver after editing, and check that the proxy routes the request \
                 to it rather than serving an old static file."
            ),
            Some(Source::Plan) => format!(
                "The deployment does not match the plan yet: apply the generated files (and \
                 restart/reload), or, if the live {what} is what you want, change the plan."
            ),
            Some(Source::Flags) => {
                format!(
                    "Either the deployment or the expectation is outdated; fix the {what} that is not intended."
                )
            }
            None => String::new(),
        }
    }

    /// `m.server` values are compared as the spec compares server names:
    /// exactly, as strings.
    pub fn m_server_matches(&self, observed: &str) -> Option<bool> {
        self.m_server.as_deref().map(|e| e == observed)
    }

    /// Base URLs are compared ignoring one trailing `/` (clients must accept both).
    pub fn base_url_matches(&self, observed: &str) -> Option<bool> {
        self.base_url
            .as_deref()
            .map(|e| e.trim_end_matches('/') == observed.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Answers, plan};

    #[test]
    fn from_plan_carries_the_intent() {
        let p = plan(&Answers::example()).expect("example plan");
        let ex = Expectations::from_plan(&p);
        assert_eq!(ex.server_name.as_deref(), Some("example.com"));
        assert_eq!(ex.m_server.as_deref(), Some("matrix.example.com:443"));
        assert_eq!(ex.base_url.as_deref(), Some("https://matrix.example.com/"));
        assert!(!ex.no_server_file);
        assert_eq!(ex.endpoint.as_ref().map(|e| e.step), Some("3.2"));
        assert!(ex.srv.is_empty());

        let srv = plan(&Answers {
            strategy: Strategy::WellKnownSrvFallback,
            ..Answers::example()
        })
        .expect("plan");
        let ex = Expectations::from_plan(&srv);
        assert_eq!(ex.extra_srv_names(), vec!["_matrix-fed._tcp.example.com"]);

        let none = plan(&Answers {
            strategy: Strategy::Srv,
            ..Answers::example()
        })
        .expect("plan");
        assert!(Expectations::from_plan(&none).no_server_file);
    }

    #[test]
    fn flags_are_validated() {
        assert!(Expectations::from_flags(Some("matrix.example.com:443"), None).is_ok());
        let e = Expectations::from_flags(Some("https://m.example.com"), None).expect_err("scheme");
        assert!(e.contains("--expect-server"), "{e}");
        let e = Expectations::from_flags(None, Some("matrix.example.com")).expect_err("no scheme");
        assert!(e.contains("--expect-client"), "{e}");
    }

    #[test]
    fn comparisons() {
        let ex = Expectations::from_flags(Some("m.example.com:443"), Some("https://m.example.com"))
            .expect("valid");
        assert_eq!(ex.m_server_matches("m.example.com:443"), Some(true));
        assert_eq!(ex.m_server_matches("M.example.com:443"), Some(false));
        assert_eq!(ex.base_url_matches("https://m.example.com/"), Some(true));
        assert_eq!(Expectations::none().m_server_matches("x"), None);
        assert!(Expectations::none().is_empty());
    }

    #[test]
    fn config_source_blames_the_live_side() {
        let section = WellKnownSection {
            server: Some("m.example.com:443".into()),
            ..WellKnownSection::default()
        };
        let ex = Expectations::from_config(Some("example.com"), &section, Some("/etc/c.toml"));
        assert_eq!(ex.intent_words(), "your config (/etc/c.toml)");
        assert!(ex.which_side("m.server").contains("Restart the homeserver"));
    }
}
