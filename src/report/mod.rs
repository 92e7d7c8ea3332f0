//! The report of a check run: what the JSON output, the text and Markdown
//! renderings and the TUI panels show. Built from the federation path, the
//! client verdict and the check results, or folded incrementally from the
//! event stream ([`fold::ReportState`]).

pub mod fold;
pub mod json;
pub mod markdown;
pub mod text;

use serde::Serialize;

use crate::check::evaluate::{Observations, evaluate};
use crate::check::expect::Expectations;
use crate::matrix::client_discovery::ClientWellKnown;

use crate::check::model::{CheckId, CheckResult, Panel, Status};
use crate::matrix::client_discovery::ClientVerdict;
use crate::matrix::discovery::types::{FederationPath, Step, Unresolved};

/// One resolved address, as the JSON contract names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetSummary {
    /// `IP:PORT`.
    pub address: String,
    pub host_header: String,
    pub sni: Option<String>,
    pub cert_name: String,
    /// TLS, version and keys all pass at this address.
    pub ok: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FederationSummary {
    /// True only when there is at least one address and every resolved
    /// address passes TLS, version and keys.
    pub ok: bool,
    /// The spec step (`"1"`, `"2"`, `"3.1"`..`"3.5"`, `"4"`..`"6"`); `null`
    /// only while discovery has not finished.
    pub step: Option<Step>,
    pub targets: Vec<TargetSummary>,
    /// Target hosts without any address (extra field).
    pub unresolved: Vec<Unresolved>,
    /// An SRV record declared "no service" (extra field).
    pub no_service: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientSummary {
    /// `null` only while client discovery has not finished.
    pub verdict: Option<ClientVerdict>,
    pub base_url: Option<String>,
}

/// The whole report (the JSON contract's top level).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub server_name: String,
    /// False when any check is `fail` or `error`.
    pub ok: bool,
    pub federation: FederationSummary,
    pub client: ClientSummary,
    pub checks: Vec<CheckResult>,
}

/// "Passes" for the federation verdict: a warning still works.
fn works(status: Status) -> bool {
    matches!(status, Status::Pass | Status::Warn)
}

impl Report {
    /// An empty report (nothing known yet).
    pub fn new(server_name: impl Into<String>) -> Report {
        Report {
            server_name: server_name.into(),
            ok: true,
            federation: FederationSummary {
                ok: false,
                step: None,
                targets: Vec::new(),
                unresolved: Vec::new(),
                no_service: false,
            },
            client: ClientSummary {
                verdict: None,
                base_url: None,
            },
            checks: Vec::new(),
        }
    }

    /// A report from everything at once.
    pub fn build(
        server_name: impl Into<String>,
        path: Option<&FederationPath>,
        client: Option<(ClientVerdict, Option<String>)>,
        checks: Vec<CheckResult>,
    ) -> Report {
        let mut r = Report::new(server_name);
        if let Some(p) = path {
            r.set_path(p);
        }
        if let Some((verdict, base_url)) = client {
            r.client = ClientSummary {
                verdict: Some(verdict),
                base_url,
            };
        }
        for c in checks {
            r.add(c);
        }
        r
    }

    pub fn set_path(&mut self, path: &FederationPath) {
        self.federation.step = Some(path.step);
        self.federation.no_service = path.no_service;
        self.federation.unresolved = path.unresolved.clone();
        self.federation.targets = path
            .targets
            .iter()
            .map(|t| TargetSummary {
                address: t.address.to_string(),
                host_header: t.host_header.clone(),
                sni: t.sni.clone(),
                cert_name: t.cert_name.clone(),
                ok: false,
            })
            .collect();
        self.recompute();
    }

    /// Adds a result; one with the same id and target replaces the old one.
    pub fn add(&mut self, result: CheckResult) {
        match self
            .checks
            .iter_mut()
            .find(|c| c.id == result.id && c.target == result.target)
        {
            Some(old) => *old = result,
            None => self.checks.push(result),
        }
        self.sort();
        self.recompute();
    }

    /// Stable order: by check id (panel order), then by the address's place
    /// in the federation path, then by target text.
    fn sort(&mut self) {
        let order = |id: CheckId| {
            CheckId::ALL
                .iter()
                .position(|c| *c == id)
                .unwrap_or(usize::MAX)
        };
        let targets: Vec<String> = self
            .federation
            .targets
            .iter()
            .map(|t| t.address.clone())
            .collect();
        let place = |t: &Option<String>| {
            t.as_ref()
                .and_then(|t| targets.iter().position(|a| a == t))
                .unwrap_or(usize::MAX)
        };
        self.checks.sort_by(|a, b| {
            order(a.id)
                .cmp(&order(b.id))
                .then_with(|| place(&a.target).cmp(&place(&b.target)))
                .then_with(|| a.target.cmp(&b.target))
        });
    }

    fn recompute(&mut self) {
        self.sort();
        self.ok = !self.checks.iter().any(|c| c.status.is_failure());
        let checks = &self.checks;
        for t in &mut self.federation.targets {
            t.ok = [
                CheckId::ServerTls,
                CheckId::ServerVersion,
                CheckId::ServerKeys,
            ]
            .iter()
            .all(|id| {
                checks.iter().any(|c| {
                    c.id == *id
                        && c.target.as_deref() == Some(t.address.as_str())
                        && works(c.status)
                })
            });
        }
        self.federation.ok = !self.federation.no_service
            && !self.federation.targets.is_empty()
            && self.federation.targets.iter().all(|t| t.ok);
    }

    /// The results shown in a panel, in report order.
    pub fn panel(&self, panel: Panel) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(move |c| c.id.panel() == panel)
    }

    /// How many results have each failing status.
    pub fn problems(&self) -> usize {
        self.checks.iter().filter(|c| c.status.is_failure()).count()
    }
}

/// Panels in display order.
pub const PANELS: [Panel; 5] = [
    Panel::Dns,
    Panel::Server,
    Panel::Client,
    Panel::Support,
    Panel::Caching,
];

/// The finished report of one complete set of observations (what
/// [`evaluate`] judges, with the federation path and client verdict).
pub fn from_observations(obs: &Observations, ex: &Expectations) -> Report {
    let wk = ClientWellKnown::read(obs.client.well_known.clone());
    let conclusion = wk.conclude(obs.client.versions.as_ref(), obs.client.identity.as_ref());
    Report::build(
        obs.resolution.server_name.as_str(),
        Some(&obs.resolution.path()),
        // The base URL found, even when it proved unusable (FAIL_ERROR).
        Some((conclusion.verdict, wk.base_url.clone())),
        evaluate(obs, ex),
    )
}
