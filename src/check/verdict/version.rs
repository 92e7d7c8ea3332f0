//! `server.version` (per address): `GET /_matrix/federation/v1/version`
//! (server-server API, "GET /_matrix/federation/v1/version"), the first
//! federation request any server makes, and what each failure means.

use std::net::SocketAddr;

use super::server_well_known::http_evidence;
use crate::check::expect::Expectations;
use crate::check::mistakes::Mistake;
use crate::check::model::{CheckId, CheckResult, Fault, Status};
use crate::check::remedy;
use crate::matrix::discovery::Target;
use crate::observe::HttpObservation;

pub const PATH: &str = "/_matrix/federation/v1/version";
const SPEC: &str = "server-server API, GET /_matrix/federation/v1/version";

/// What the server says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    pub name: Option<String>,
    pub version: Option<String>,
}

impl VersionInfo {
    pub fn label(&self) -> String {
        match (&self.name, &self.version) {
            (Some(n), Some(v)) => format!("{n} {v}"),
            (Some(n), None) => n.clone(),
            (None, Some(v)) => format!("version {v}"),
            (None, None) => "an unnamed server".into(),
        }
    }
}

/// The server's answer, if it is a usable version response.
pub fn parse(obs: &HttpObservation) -> Option<VersionInfo> {
    if obs.error.is_some() || obs.status != Some(200) {
        return None;
    }
    let json = obs.json().filter(serde_json::Value::is_object)?;
    let field = |k: &str| {
        json.get("server")
            .and_then(|s| s.get(k))
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    Some(VersionInfo {
        name: field("name"),
        version: field("version"),
    })
}

/// Explains a failed federation request (shared with the key check).
pub fn explain_failure(
    obs: &HttpObservation,
    ex: &Expectations,
    host: &str,
) -> (String, Option<String>) {
    if let Some(e) = &obs.error {
        return (format!("no answer: {e}"), None);
    }
    let status = obs.status.unwrap_or(0);
    // A body cut short says nothing about routing: say what happened to it.
    if obs.body_truncated() {
        return (
            format!("{status}: the answer is larger than this check reads; reading stopped there"),
            None,
        );
    }
    if let Some(why) = obs.body_incomplete() {
        return (
            format!("{status}: the answer did not arrive in full: {why}"),
            None,
        );
    }
    let upstream = ex.upstream();
    match (status, obs.matrix_error()) {
        (403, Some(m)) if m.errcode == "M_FORBIDDEN" => {
            let m = Mistake::FederationDisabled;
            (
                format!("403 M_FORBIDDEN: {}", m.title()),
                Some(m.remedy(ex, host)),
            )
        }
        (404, Some(m)) if m.errcode == "M_UNRECOGNIZED" => (
            "404 M_UNRECOGNIZED: the homeserver does not serve the federation API here".into(),
            Some(format!(
                "The request reaches a Matrix server that does not know the route: federation may \
                 be disabled, or the path was altered on the way.\n{}",
                remedy::pass_path_unchanged(ex.proxy, host, upstream)
            )),
        ),
        (502..=504, _) => (
            format!("{status}: the proxy cannot reach the homeserver"),
            Some(format!(
                "The proxy for {host} answers but cannot reach the homeserver at {upstream}: check \
                 that the homeserver runs and listens there, and the proxy's upstream address."
            )),
        ),
        (s, None) if obs.is_html() || obs.json().is_none() => (
            format!(
                "{s} {}: /_matrix is not routed to the homeserver",
                if obs.is_html() {
                    "HTML page"
                } else {
                    "non-JSON answer"
                }
            ),
            Some(format!(
                "The web server for {host} answers itself instead of passing /_matrix/ to the \
                 homeserver (a missing route, or a virtual host that does not match the Host \
                 header).\n{}",
                remedy::pass_path_unchanged(ex.proxy, host, upstream)
            )),
        ),
        (s, Some(m)) => (format!("{s} {}", m.errcode), None),
        (s, None) => (format!("HTTP {s}"), None),
    }
}

/// `server.version` for one address.
pub fn server_version(
    addr: SocketAddr,
    target: &Target,
    obs: &HttpObservation,
    ex: &Expectations,
) -> CheckResult {
    let mut r = http_evidence(
        CheckResult::new(CheckId::ServerVersion, Status::Pass, String::new())
            .target(addr.to_string())
            .spec(SPEC),
        obs,
    );
    if let Some(problem) = obs.local_problem() {
        return super::local::could_not_test(r, problem);
    }
    if let Some(crate::observe::FetchFailure::RefusedAddress { addresses }) = &obs.error {
        return super::refused::not_connected(r, addresses);
    }
    match parse(obs) {
        Some(info) => {
            r.summary = format!("{} answers (Host {})", info.label(), target.host_header);
            r
        }
        None => {
            let (summary, remedy) = explain_failure(obs, ex, &target.connect_host);
            if obs.error.is_none()
                && obs.matrix_error().is_none()
                && (obs.is_html() || obs.json().is_none())
            {
                r = r.fault(Fault::NotRouted {
                    host: target.connect_host.clone(),
                    port: target.port,
                });
            }
            r.status = Status::Fail;
            r.summary = summary;
            r.remedy = remedy;
            r
        }
    }
}
