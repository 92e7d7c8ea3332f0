//! The report of a check run: what the JSON output, the text and Markdown
//! renderings and the TUI panels show. Built from the federation path, the
//! client verdict and the check results, or folded incrementally from the
//! event stream ([`fold::ReportState`]).

pub mod changes;
pub mod fold;
pub mod json;
pub mod markdown;
pub mod peers;
pub mod text;

use std::collections::HashMap;

use serde::Serialize;

use crate::check::causality;
use crate::check::evaluate::{Observations, evaluate};
use crate::check::expect::Expectations;
use crate::matrix::client_discovery::ClientWellKnown;

use crate::check::model::{CheckId, CheckResult, Panel, Status};
use crate::matrix::client_discovery::ClientVerdict;
use crate::matrix::discovery::types::{FederationPath, NotProbed, Step, Unresolved};
use crate::matrix::peers::PeerSummary;

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
    /// True only when the spec's path works (at least one address, and
    /// every resolved address passes TLS, version and keys, or is one that
    /// peers fall back from) AND every modelled peer in `peers` reaches
    /// the server.
    pub ok: bool,
    /// The spec step (`"1"`, `"2"`, `"3.1"`..`"3.5"`, `"4"`..`"6"`); `null`
    /// only while discovery has not finished.
    pub step: Option<Step>,
    pub targets: Vec<TargetSummary>,
    /// Target hosts without any address (extra field).
    pub unresolved: Vec<Unresolved>,
    /// An SRV record declared "no service" (extra field).
    pub no_service: bool,
    /// SRV targets and addresses found beyond the caps and not probed
    /// (extra field, present only when something was left out).
    #[serde(skip_serializing_if = "NotProbed::is_none")]
    pub not_probed: NotProbed,
    /// How each modelled implementation resolves and reaches the server
    /// (additive field; `server.peers` judges it). Empty until they ran.
    pub peers: Vec<PeerSummary>,
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
    /// Where each (check, target) sits in `checks`.
    #[serde(skip)]
    index: HashMap<(CheckId, Option<String>), usize>,
    /// `checks` is in report order and `ok` is up to date.
    #[serde(skip)]
    settled: bool,
}

/// Report order: root causes first, then check order, the address's
/// place in the path, target text.
type SortKey = (bool, usize, usize, Option<String>);

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
                not_probed: NotProbed::default(),
                peers: Vec::new(),
            },
            client: ClientSummary {
                verdict: None,
                base_url: None,
            },
            checks: Vec::new(),
            index: HashMap::new(),
            settled: true,
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
        r.settle();
        r
    }

    pub fn set_path(&mut self, path: &FederationPath) {
        self.federation.step = Some(path.step);
        self.federation.no_service = path.no_service;
        self.federation.not_probed = path.not_probed;
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
        self.settled = false;
    }

    /// Adds a result; one with the same id and target replaces the old one.
    /// Constant time: the order, `ok` and the targets' `ok` are computed
    /// once, by [`Report::settle`] (every renderer reads a settled report).
    pub fn add(&mut self, result: CheckResult) {
        let key = (result.id, result.target.clone());
        match self.index.get(&key) {
            Some(&i) if i < self.checks.len() => self.checks[i] = result,
            _ => {
                self.index.insert(key, self.checks.len());
                self.checks.push(result);
            }
        }
        self.settled = false;
    }

    /// Is the report in its final order, with `ok` and the targets' `ok`
    /// computed from every result added so far?
    pub fn is_settled(&self) -> bool {
        self.settled
    }

    /// Puts the results in report order and computes `ok`, the targets'
    /// `ok` and the federation verdict: O(n log n), once per render rather
    /// than once per result. Nothing to do when nothing changed.
    pub fn settle(&mut self) {
        if self.settled {
            return;
        }
        causality::attribute(&mut self.checks);
        self.sort();
        self.recompute();
        self.settled = true;
    }

    /// A settled copy (for callers holding a shared reference).
    pub fn settled(&self) -> Report {
        let mut r = self.clone();
        r.settle();
        r
    }

    /// Stable order: root causes first ([`causality::root_causes`]), then
    /// by check id (panel order), by the address's place in the federation
    /// path, and by target text. Every result caused by another comes
    /// after its cause.
    fn sort(&mut self) {
        let roots = causality::root_causes(&self.checks);
        let places: HashMap<&str, usize> = self
            .federation
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| (t.address.as_str(), i))
            .collect();
        let mut keyed: Vec<(SortKey, CheckResult)> = self
            .checks
            .drain(..)
            .zip(roots)
            .map(|(c, root)| {
                let place = c
                    .target
                    .as_deref()
                    .and_then(|t| places.get(t).copied())
                    .unwrap_or(usize::MAX);
                ((!root, c.id.order(), place, c.target.clone()), c)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        self.checks = keyed.into_iter().map(|(_, c)| c).collect();
        self.index = self
            .checks
            .iter()
            .enumerate()
            .map(|(i, c)| ((c.id, c.target.clone()), i))
            .collect();
    }

    fn recompute(&mut self) {
        self.ok = !self.checks.iter().any(|c| c.status.is_failure());
        let index = &self.index;
        let checks = &self.checks;
        let mut fallen_back = 0;
        for t in &mut self.federation.targets {
            let result = |id: CheckId| {
                index
                    .get(&(id, Some(t.address.clone())))
                    .and_then(|&i| checks.get(i))
            };
            // An address nothing answers on, which peers skip for a working
            // one, does not work itself but does not break federation.
            let skipped_by_peers = result(CheckId::ServerTls)
                .is_some_and(crate::check::verdict::federation::peers_fall_back_from);
            t.ok = !skipped_by_peers
                && [
                    CheckId::ServerTls,
                    CheckId::ServerVersion,
                    CheckId::ServerKeys,
                ]
                .iter()
                .all(|id| result(*id).is_some_and(|c| works(c.status)));
            fallen_back += usize::from(skipped_by_peers);
        }
        // The spec's path, and every modelled implementation's.
        let working = self.federation.targets.iter().filter(|t| t.ok).count();
        self.federation.ok = !self.federation.no_service
            && working > 0
            && working + fallen_back == self.federation.targets.len()
            && self.federation.peers.iter().all(|p| p.ok);
    }

    /// The results shown in a panel, in report order.
    pub fn panel(&self, panel: Panel) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(move |c| c.id.panel() == panel)
    }

    /// The root causes, in report order (the problems that follow from no
    /// other check, and the checks others follow from), each with how many
    /// results follow from it.
    pub fn root_causes(&self) -> Vec<(&CheckResult, usize)> {
        let mut follow: HashMap<(CheckId, Option<&str>), usize> = HashMap::new();
        for k in self.checks.iter().filter_map(|c| c.caused_by.as_ref()) {
            *follow.entry((k.id, k.target.as_deref())).or_default() += 1;
        }
        let roots = causality::root_causes(&self.checks);
        self.checks
            .iter()
            .zip(roots)
            .filter(|(_, root)| *root)
            .map(|(c, _)| {
                let n = follow
                    .get(&(c.id, c.target.as_deref()))
                    .copied()
                    .unwrap_or(0);
                (c, n)
            })
            .collect()
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
    let mut report = Report::build(
        obs.resolution.server_name.as_str(),
        Some(&obs.resolution.path()),
        // The base URL found, even when it proved unusable (FAIL_ERROR).
        Some((conclusion.verdict, wk.base_url.clone())),
        evaluate(obs, ex),
    );
    report.federation.peers = crate::check::verdict::peers::summaries(
        &obs.peers,
        &obs.resolution.server_name,
        obs.now_ms,
    );
    report.recompute();
    report
}
