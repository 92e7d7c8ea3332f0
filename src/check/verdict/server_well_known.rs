//! `server.well-known`: `/.well-known/matrix/server` on the server name
//! (server-server API, "Resolving server names", step 3, and "GET
//! /.well-known/matrix/server"), compared with the intent, with the classic
//! mistakes named.

use super::{add_remedy, with_mistakes};
use crate::check::expect::Expectations;
use crate::check::mistakes::{self, Mistake};
use crate::check::model::{CheckId, CheckResult, Status};
use crate::check::remedy;
use crate::matrix::discovery::Resolution;
use crate::matrix::well_known_server::{ServerWellKnown, WellKnownInvalid};
use crate::observe::{BodyEnd, HttpObservation};

const SPEC: &str =
    "server-server API, Resolving server names, step 3; GET /.well-known/matrix/server";

/// How big a body excerpt evidence keeps.
pub const EXCERPT: usize = 512;

/// The request, each redirect, and the final answer as evidence lines.
pub fn http_evidence(mut r: CheckResult, obs: &HttpObservation) -> CheckResult {
    for hop in &obs.hops {
        let to = hop.location().unwrap_or("(no Location)");
        r = r.evidence(
            format!("{} {}", obs.method, hop.url),
            format!("{} → {to}", hop.status),
        );
    }
    let mut got = obs.outcome_line();
    if obs.error.is_none() && !obs.body.is_empty() {
        got.push(' ');
        got.push_str(&obs.body_excerpt(EXCERPT));
    }
    if obs.body_truncated() {
        got.push_str(" (body cut at the size limit)");
    }
    if let Some(why) = obs.body_incomplete() {
        got.push_str(&format!(" (body incomplete: {why})"));
    }
    // A redirect the fetch refused to follow was never requested: say so
    // rather than show a GET of its target.
    let refused_redirect = obs.error.as_ref().is_some_and(|e| e.is_redirect_failure())
        && obs.hops.last().is_some_and(|h| h.url != obs.final_url);
    if refused_redirect {
        return r.evidence(
            format!("redirect to {}", obs.final_url),
            format!("not followed: {got}"),
        );
    }
    r.evidence(format!("{} {}", obs.method, obs.final_url), got)
}

/// Who reads a well-known file: the peers named when it has duplicate keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readers {
    /// `/.well-known/matrix/server`: homeservers.
    Servers,
    /// `/.well-known/matrix/client` and `support`: clients.
    Clients,
}

/// A warning (at least) when a well-known file that arrived in full has
/// duplicate keys: RFC 8259 leaves their meaning open, and the peers whose
/// parser rejects duplicates refuse the whole file while others take the
/// last value.
pub fn duplicate_keys(mut r: CheckResult, obs: &HttpObservation, readers: Readers) -> CheckResult {
    if obs.error.is_some() || obs.status != Some(200) || obs.body_end != BodyEnd::Complete {
        return r;
    }
    let found = crate::matrix::duplicate_keys::find(&obs.body);
    if found.is_empty() {
        return r;
    }
    let who = match readers {
        Readers::Servers => {
            "homeservers whose JSON parser rejects duplicate fields (those built on Rust's serde: \
             Conduit, conduwuit, continuwuity) refuse the file; others (Synapse, Dendrite) use \
             the last value"
        }
        Readers::Clients => {
            "clients whose JSON parser rejects duplicate fields (those built on Rust's serde, \
             such as matrix-rust-sdk and Element X) refuse the file; others (Element Web) use \
             the last value"
        }
    };
    let line = format!("duplicate keys {found}: {who}");
    r = r.evidence("duplicate keys", line.clone());
    if r.status == Status::Pass {
        r.summary = format!("{}, but {line}", r.summary);
    }
    r.status = super::worse(r.status, Status::Warn);
    add_remedy(r, "Keep each key once in the file.")
}

/// `server.well-known`.
pub fn server_well_known(res: &Resolution, ex: &Expectations) -> CheckResult {
    let name = &res.server_name;
    let site = name.host_str();
    let Some(wk) = &res.well_known else {
        let why = if res.server_name.host.is_ip() {
            "the server name is an IP address"
        } else {
            "the server name carries a port"
        };
        return CheckResult::new(
            CheckId::ServerWellKnown,
            Status::Skipped,
            format!("not consulted: {why} (step {})", res.step),
        )
        .spec(SPEC);
    };
    let found = mistakes::in_server_file(wk, name, ex);
    let r = http_evidence(
        CheckResult::new(CheckId::ServerWellKnown, Status::Pass, String::new()).spec(SPEC),
        &wk.observation,
    );
    if let Some(problem) = wk.observation.local_problem() {
        return super::local::could_not_test(r, problem);
    }
    let mut r = match wk.m_server() {
        Some(m) => valid(r, m.as_str(), &found, ex, &site),
        None => invalid(r, wk, &found, ex, &site),
    };
    // Not asked: every address of the name is refused by the rule on
    // private addresses (Synapse's well-known lookup goes through the same
    // blocklisting agent, `http/client.py`), which the DNS check of the
    // name fails for.
    if let Some(crate::observe::FetchFailure::RefusedAddress { addresses }) = &wk.observation.error
    {
        r = r.fault(crate::check::model::Fault::NotConnected {
            addresses: addresses.iter().map(|a| a.ip()).collect(),
        });
    }
    duplicate_keys(r, &wk.observation, Readers::Servers)
}

fn valid(
    mut r: CheckResult,
    m_server: &str,
    found: &[Mistake],
    ex: &Expectations,
    site: &str,
) -> CheckResult {
    r.summary = format!("m.server = {m_server}");
    for m in found {
        let status = match m {
            Mistake::PortMissing { .. } => Status::Fail,
            // `{"m.server": "<name>:443"}` on the name itself is the usual
            // way to say "no delegation, port 443". Only the keys prove
            // whether the homeserver there is this name, and server.keys
            // blames a mismatch; the file itself is fine.
            Mistake::SelfDelegation { checked } => {
                r = r.evidence(
                    "m.server names the server name itself",
                    format!(
                        "no delegation: peers connect to {checked} itself; server.keys shows \
                         whether the homeserver there calls itself {checked}"
                    ),
                );
                continue;
            }
            _ => Status::Warn,
        };
        r = with_mistakes(r, std::slice::from_ref(m), status, ex, site);
        if r.status == status {
            r.summary = format!("m.server = {m_server}, but {}", m.title());
        }
    }
    if ex.m_server_matches(m_server) == Some(false) {
        let expected = ex.m_server.clone().unwrap_or_default();
        r.status = Status::Fail;
        let port_missing = found
            .iter()
            .any(|m| matches!(m, Mistake::PortMissing { .. }));
        let what = if port_missing { " (port missing)" } else { "" };
        r.summary = format!(
            "m.server = {m_server}{what}, but {} says {expected}",
            ex.intent_words()
        );
        r = r.evidence("expected m.server", expected.clone());
        r = add_remedy(r, ex.which_side("m.server"));
        r = add_remedy(
            r,
            remedy::well_known_key(ex.deployment, "server", &expected),
        );
    } else if ex.no_server_file {
        r.status = super::worse(r.status, Status::Warn);
        r.summary = format!(
            "m.server = {m_server}, although the strategy uses no server file: it takes \
             precedence over any SRV record of {site}"
        );
    }
    r
}

fn invalid(
    mut r: CheckResult,
    wk: &ServerWellKnown,
    found: &[Mistake],
    ex: &Expectations,
    site: &str,
) -> CheckResult {
    let Some(why) = wk.invalid() else {
        return r;
    };
    let fallback =
        "servers skip to step 4 (SRV, then port 8448) and cache that failure for up to 1 h";
    let expected_server = ex.m_server.clone();
    let (status, summary) = match why {
        _ if why.is_absent() && ex.no_server_file => (
            Status::Pass,
            "no server file (404), as the strategy intends".to_string(),
        ),
        _ if why.is_absent() && expected_server.is_some() => (
            Status::Fail,
            format!(
                "no server file (404), but {} expects one",
                ex.intent_words()
            ),
        ),
        _ if why.is_absent() && found.is_empty() => (
            Status::Pass,
            "no server file (404): servers use SRV records or port 8448 (steps 4 to 6)".to_string(),
        ),
        _ if why.is_absent() => (
            Status::Warn,
            "the homeserver answers 404 M_NOT_FOUND: no `server` in its [global.well_known]"
                .to_string(),
        ),
        // A file that never arrives stalls every peer's resolution until
        // its own timeout, on every new lookup, before it falls back: a
        // failure even when no server file is intended.
        _ if stall(&wk.observation).is_some() => {
            let what = stall(&wk.observation).unwrap_or_default();
            (
                Status::Fail,
                format!(
                    "{what}, given up after {}: every server resolving {site} waits until its own \
                     timeout before it falls back to step 4",
                    seconds(wk.observation.duration)
                ),
            )
        }
        // No server at all may be intended (SRV or no delegation); a server
        // whose redirects lead nowhere is broken, like a non-200 answer.
        WellKnownInvalid::Fetch(f) if expected_server.is_none() && !f.is_redirect_failure() => {
            (Status::Warn, format!("{}: {fallback}", why.describe()))
        }
        _ => (Status::Fail, format!("{}: {fallback}", why.describe())),
    };
    r.status = status;
    r.summary = summary;
    if stall(&wk.observation).is_some() {
        r = r.evidence(
            "timing",
            format!(
                "no complete answer within {} (this check's deadline); peers wait their own \
                 timeout on every resolution of {site} before trying step 4",
                seconds(wk.observation.duration)
            ),
        );
        r = add_remedy(
            r,
            format!(
                "Make https://{site}/.well-known/matrix/server answer at once (a small static \
                 file served by the proxy itself, not by a slow or unreachable upstream), or \
                 answer 404 at once if you delegate with SRV or do not delegate."
            ),
        );
    }
    for m in found {
        let s = match m {
            Mistake::SchemeInMServer { .. } | Mistake::FederationDisabled => Status::Fail,
            Mistake::WellKnownUnset { .. } if ex.no_server_file => Status::Pass,
            Mistake::WellKnownUnset { .. } if expected_server.is_some() => Status::Fail,
            _ => Status::Warn,
        };
        r = with_mistakes(r, std::slice::from_ref(m), s, ex, site);
    }
    if let Some(expected) = &expected_server {
        r = r.evidence("expected m.server", expected.clone());
        if why.is_absent()
            && !found
                .iter()
                .any(|m| matches!(m, Mistake::WellKnownUnset { .. }))
        {
            r = add_remedy(r, remedy::route_well_known(ex.proxy, site, ex.upstream()));
        }
        if !found.iter().any(|m| {
            matches!(
                m,
                Mistake::SchemeInMServer { .. } | Mistake::WellKnownUnset { .. }
            )
        }) {
            r = add_remedy(r, remedy::well_known_key(ex.deployment, "server", expected));
        }
    } else if r.status == Status::Fail && r.remedy.is_none() {
        r = r.remedy(format!(
            "Serve {{\"m.server\": \"<host>:<port>\"}} at https://{site}/.well-known/matrix/server \
             with status 200, or remove the file entirely if you delegate with SRV or do not \
             delegate."
        ));
    }
    r
}

/// How the fetch of a well-known file stalled, when it did: it timed out
/// (connecting, waiting for the headers, or across redirects) or its body
/// trickled in past the deadline.
pub fn stall(obs: &HttpObservation) -> Option<&'static str> {
    use crate::observe::{FetchFailure, TimeoutPhase};
    match (&obs.error, &obs.body_end) {
        (Some(FetchFailure::Timeout(TimeoutPhase::Connect)), _) => {
            Some("connecting to the server file timed out (TCP and TLS)")
        }
        (Some(FetchFailure::Timeout(TimeoutPhase::Headers)), _) => {
            Some("the server file hangs: the request timed out waiting for an answer")
        }
        (Some(FetchFailure::Timeout(TimeoutPhase::Deadline)), _) => {
            Some("the server file's redirects timed out (past the deadline)")
        }
        (None, BodyEnd::TimedOut) => {
            Some("the server file trickles in: its body timed out before it was complete")
        }
        _ => None,
    }
}

/// A duration in whole seconds (`5 s`): the deadline it hit, without the
/// scheduling noise of a few milliseconds.
fn seconds(d: std::time::Duration) -> String {
    crate::words::duration(d.as_secs())
}
