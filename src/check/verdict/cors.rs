//! `client.cors`: web clients (Element Web) can only read answers that carry
//! `Access-Control-Allow-Origin` (client-server API, "Web Browser Clients";
//! "Well-known URIs": servers hosting the file SHOULD offer CORS headers).
//! Checked on the client file, on every redirect hop to it, on its 404, on
//! an `OPTIONS` preflight, and the same for `/_matrix/client/versions`.

use super::add_remedy;
use super::client::ClientObservations;
use crate::check::expect::Expectations;
use crate::check::mistakes::Mistake;
use crate::check::model::{CheckId, CheckResult, Fault, Status};
use crate::check::remedy;
use crate::domain::Strategy;
use crate::observe::HttpObservation;

/// The `Origin` the runner sends on every CORS probe.
pub const PROBE_ORIGIN: &str = "https://app.element.io";
const SPEC: &str =
    "client-server API, Web Browser Clients (CORS); Server Discovery, Well-known URIs";

/// One finding: status and what it is about.
struct Finding {
    status: Status,
    text: String,
}

/// Whether an ACAO value lets [`PROBE_ORIGIN`] read the answer.
fn allows(value: Option<&str>) -> Result<(), String> {
    match value.map(str::trim) {
        None => Err("no Access-Control-Allow-Origin".into()),
        Some("*") => Ok(()),
        Some(v) if v == PROBE_ORIGIN => Ok(()),
        Some(v) => Err(format!(
            "Access-Control-Allow-Origin is `{v}`, which does not admit other sites"
        )),
    }
}

fn header_line(value: Option<&str>) -> String {
    match value {
        Some(v) => format!("Access-Control-Allow-Origin: {v}"),
        None => "no Access-Control-Allow-Origin".into(),
    }
}

/// `client.cors`.
pub fn client_cors(obs: &ClientObservations, ex: &Expectations, site: &str) -> CheckResult {
    let mut r = CheckResult::new(CheckId::ClientCors, Status::Pass, String::new()).spec(SPEC);
    let mut findings: Vec<Finding> = Vec::new();
    let wk = &obs.well_known;
    let mut wk_stripped = false;

    for hop in &wk.hops {
        let v = hop.header("access-control-allow-origin");
        r = r.evidence(
            format!("GET {} ({} redirect)", hop.url, hop.status),
            header_line(v),
        );
        if let Err(e) = allows(v) {
            findings.push(Finding {
                status: Status::Fail,
                text: format!(
                    "redirect {} → {}: {e}; browsers stop at it",
                    hop.status,
                    hop.header("location").unwrap_or("?")
                ),
            });
            wk_stripped = true;
        }
    }
    if wk.error.is_none() {
        let v = wk.header("access-control-allow-origin");
        let status = wk.status.unwrap_or(0);
        r = r.evidence(
            format!("GET {} (Origin {PROBE_ORIGIN})", wk.final_url),
            format!("{status}, {}", header_line(v)),
        );
        if let Err(e) = allows(v) {
            let (s, text) = if status == 404 {
                (
                    Status::Warn,
                    format!(
                        "the 404 of the client file has {e}: web clients see a network error instead of \"no file\""
                    ),
                )
            } else {
                (
                    Status::Fail,
                    format!("the client file has {e}: web clients cannot read it"),
                )
            };
            findings.push(Finding { status: s, text });
            wk_stripped = true;
        }
    }
    let mut file_preflight_failed = false;
    if let Some(p) = &obs.preflight {
        let failed;
        (r, failed) = check_preflight(r, &mut findings, p, Status::Warn, "client file");
        file_preflight_failed = failed;
        if failed {
            r = add_remedy(
                r,
                format!(
                    "Answer OPTIONS requests for https://{site}/.well-known/matrix/ with 204 and \
                     `Access-Control-Allow-Origin: *` (static file servers often answer 405): \
                     clients that send extra headers preflight first."
                ),
            );
        }
    }
    let mut api_stripped = false;
    if let Some(v) = obs.versions.as_ref().filter(|v| v.error.is_none()) {
        let value = v.header("access-control-allow-origin");
        r = r.evidence(
            format!("GET {} (Origin {PROBE_ORIGIN})", v.final_url),
            format!("{}, {}", v.status.unwrap_or(0), header_line(value)),
        );
        if let Err(e) = allows(value) {
            findings.push(Finding {
                status: Status::Fail,
                text: format!("/_matrix/client/versions has {e}: web clients cannot use the API"),
            });
            api_stripped = true;
        }
    }
    if let Some(p) = &obs.versions_preflight {
        let failed;
        (r, failed) = check_preflight(
            r,
            &mut findings,
            p,
            Status::Fail,
            "/_matrix/client/versions",
        );
        api_stripped |= failed;
    }

    // Every problem is on the client API, which does not work at all (no
    // answer, or not the homeserver's): that is client.versions' finding,
    // and CORS follows once the API answers.
    let api_broken = obs
        .versions
        .as_ref()
        .is_none_or(|v| v.error.is_some() || !v.status.is_some_and(|s| (200..300).contains(&s)));
    if api_stripped && api_broken && !wk_stripped && !file_preflight_failed {
        let at = obs
            .versions_preflight
            .as_ref()
            .and_then(|p| url::Url::parse(&p.url).ok());
        if let Some(u) = at {
            r = r.fault(Fault::FollowsApi {
                host: u.host_str().unwrap_or_default().to_string(),
                port: u.port_or_known_default().unwrap_or(443),
            });
        }
    }
    let worst = findings
        .iter()
        .map(|f| f.status)
        .fold(Status::Pass, super::worse);
    r.status = worst;
    r.summary = match findings.iter().find(|f| f.status == worst) {
        Some(f) => f.text.clone(),
        None if obs.versions.is_some() => {
            "Access-Control-Allow-Origin present on the client file and the client API".into()
        }
        None => "Access-Control-Allow-Origin present on the client file".into(),
    };
    if wk_stripped {
        let proxied = matches!(
            ex.strategy,
            Some(Strategy::WellKnown | Strategy::SrvWellKnown | Strategy::WellKnownSrvFallback)
        );
        if proxied {
            let m = Mistake::CorsStripped {
                url: wk.final_url.clone(),
            };
            r = r.evidence(format!("classic mistake: {}", m.title()), m.explain());
        } else if ex.strategy.is_none() {
            r = r.evidence(
                "note",
                "Continuwuity sends `Access-Control-Allow-Origin: *` itself: if this file comes from the homeserver, something in front removes the header; if you serve it as a static file, add the header there.",
            );
        }
        r = add_remedy(r, remedy::cors_well_known(ex.proxy, site));
    }
    if api_stripped {
        let host = obs
            .versions
            .as_ref()
            .and_then(|v| url::Url::parse(&v.final_url).ok())
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| site.to_string());
        r = add_remedy(r, remedy::cors_client_api(ex.proxy, &host));
    }
    r
}

/// A preflight must succeed (2xx) and carry ACAO. True when it failed.
fn check_preflight(
    r: CheckResult,
    findings: &mut Vec<Finding>,
    p: &HttpObservation,
    status: Status,
    what: &str,
) -> (CheckResult, bool) {
    let v = p.header("access-control-allow-origin");
    let code = p.status.unwrap_or(0);
    let got = match &p.error {
        Some(e) => e.to_string(),
        None => format!(
            "{code}, {}{}",
            header_line(v),
            p.header("access-control-allow-methods")
                .map(|m| format!(", methods {m}"))
                .unwrap_or_default()
        ),
    };
    let r = r.evidence(
        format!("OPTIONS {} (preflight, Origin {PROBE_ORIGIN})", p.url),
        got,
    );
    let problem = if p.error.is_some() {
        Some("no answer".to_string())
    } else if !(200..300).contains(&code) {
        Some(format!("answers {code}"))
    } else {
        allows(v).err()
    };
    match problem {
        Some(why) => {
            findings.push(Finding {
                status,
                text: format!("the CORS preflight for the {what} fails: {why}"),
            });
            (r, true)
        }
        None => (r, false),
    }
}
