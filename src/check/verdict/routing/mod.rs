//! `server.routing` (per address): an unauthenticated federation request
//! to a path whose segment carries percent-escapes must reach the
//! homeserver untouched and be refused with a JSON `401` (server-server API,
//! "Request Authentication"; "Unsupported endpoints" gives `404
//! M_UNRECOGNIZED` for unknown paths). This catches proxies that decode or
//! rewrite `/_matrix` paths: version and key requests still work through
//! them, but every signed request with an escape in its path then fails
//! with "Invalid signature". The probe goes out with every `Host` form a
//! modelled peer sends to the address ([`server_routing_forms`]).

mod forms;

pub use self::forms::{HostForm, HostFormProbe, host_forms, server_routing_forms};

use std::net::SocketAddr;

use super::server_well_known::http_evidence;
use crate::check::expect::Expectations;
use crate::check::mistakes::Mistake;
use crate::check::model::{CheckId, CheckResult, Status};
use crate::check::remedy;
use crate::matrix::discovery::Target;
use crate::observe::HttpObservation;

/// The probe: `$probe/slash` as one event-id segment, escaped.
pub const PROBE_PATH: &str = "/_matrix/federation/v1/event/%24probe%2Fslash";
const SPEC: &str = "server-server API, Request Authentication; Unsupported endpoints";

/// `server.routing` for one address.
pub fn server_routing(
    addr: SocketAddr,
    target: &Target,
    obs: &HttpObservation,
    ex: &Expectations,
) -> CheckResult {
    let host = &target.connect_host;
    let upstream = ex.upstream();
    let mut r = http_evidence(
        CheckResult::new(CheckId::ServerRouting, Status::Pass, String::new())
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
    let fix = || remedy::pass_path_unchanged(ex.proxy, host, upstream);
    if let Some(e) = &obs.error {
        r.status = Status::Fail;
        r.summary = format!("no answer to the routing probe: {e}");
        return r;
    }
    let status = obs.status.unwrap_or(0);
    let matrix = obs.matrix_error();
    let (s, summary, remedy): (Status, String, Option<String>) = match (status, &matrix) {
        (401, Some(m)) => (
            Status::Pass,
            format!(
                "an escaped federation path reaches the homeserver intact (401 {})",
                m.errcode
            ),
            None,
        ),
        // Dendrite refuses an unsigned federation request with a JSON
        // `{"message": …}` and no `errcode`: its federation handler matched
        // the path, so the homeserver got it intact.
        (401, None) if message_only_401(obs) => (
            Status::Pass,
            "an escaped federation path reaches the homeserver intact (a Dendrite-style 401 \
             {\"message\": …} without errcode)"
                .into(),
            None,
        ),
        (404, Some(m)) if m.errcode == "M_UNRECOGNIZED" => (
            Status::Fail,
            "404 M_UNRECOGNIZED for an escaped path: the proxy decodes or rewrites /_matrix paths \
             (nginx proxy_pass with a URI part, Apache without nocanon); signed requests with \
             escapes will fail with \"Invalid signature\""
                .into(),
            Some(fix()),
        ),
        (403, Some(m)) if m.errcode == "M_FORBIDDEN" => (
            Status::Fail,
            "403 M_FORBIDDEN: federation is disabled".into(),
            Some(Mistake::FederationDisabled.remedy(ex, host)),
        ),
        (404, None) if obs.is_html() || obs.json().is_none() => (
            Status::Fail,
            "404 from the web server, not the homeserver: /_matrix is not routed to it (or the \
             proxy's path rewriting breaks escaped paths)"
                .into(),
            Some(fix()),
        ),
        (502..=504, _) => (
            Status::Fail,
            format!("{status}: the proxy cannot reach the homeserver"),
            None,
        ),
        (400, Some(m)) => (
            Status::Warn,
            format!(
                "400 {} for an escaped path: the homeserver got a different path than was sent",
                m.errcode
            ),
            Some(fix()),
        ),
        (s, Some(m)) => (
            Status::Warn,
            format!("unexpected {s} {} (a homeserver answers 401)", m.errcode),
            None,
        ),
        (s, None) => (
            Status::Fail,
            format!("{s} without a Matrix error body: something other than the homeserver answers"),
            Some(fix()),
        ),
    };
    r.status = s;
    r.summary = summary;
    r.remedy = remedy;
    r
}

/// A JSON object with a string `message` and no `errcode`: how Dendrite
/// words its `401` for an unauthenticated federation request.
pub fn message_only_401(obs: &HttpObservation) -> bool {
    obs.status == Some(401)
        && obs.json().is_some_and(|v| {
            v.get("errcode").is_none() && v.get("message").is_some_and(serde_json::Value::is_string)
        })
}
