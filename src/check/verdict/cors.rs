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

/// Every value of a response header, in the order received.
fn values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Why an ACAO header (all its copies) does not let [`PROBE_ORIGIN`] read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    Missing,
    /// Sent more than once, or one header holding a comma list: the Fetch
    /// standard's CORS check needs exactly one value, and browsers report
    /// "contains multiple values ..., but only one is allowed".
    Multiple(Vec<String>),
    OtherOrigin(String),
}

impl Refusal {
    fn words(&self) -> String {
        match self {
            Refusal::Missing => "no Access-Control-Allow-Origin".into(),
            Refusal::Multiple(all) => format!(
                "Access-Control-Allow-Origin with more than one value ({}; browsers allow \
                 only one)",
                all.iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Refusal::OtherOrigin(v) => {
                format!("Access-Control-Allow-Origin is `{v}`, which does not admit other sites")
            }
        }
    }
}

/// Whether the ACAO header lets [`PROBE_ORIGIN`] read the answer.
fn allows(all: &[&str]) -> Result<(), Refusal> {
    match all {
        [] => Err(Refusal::Missing),
        [one] if one.contains(',') => Err(Refusal::Multiple(vec![(*one).to_string()])),
        [one] => match one.trim() {
            "*" => Ok(()),
            v if v == PROBE_ORIGIN => Ok(()),
            v => Err(Refusal::OtherOrigin(v.to_string())),
        },
        several => Err(Refusal::Multiple(
            several.iter().map(|v| (*v).to_string()).collect(),
        )),
    }
}

fn header_line(all: &[&str]) -> String {
    match all {
        [] => "no Access-Control-Allow-Origin".into(),
        several => several
            .iter()
            .map(|v| format!("Access-Control-Allow-Origin: {v}"))
            .collect::<Vec<_>>()
            .join(" + "),
    }
}

/// How a preflight's `Access-Control-Allow-Headers` treats the real
/// request's `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthorizationAllowed {
    /// Named.
    Named,
    /// Only through `*`. The Fetch standard excludes `Authorization` from
    /// the wildcard (a "CORS non-wildcard request-header name"); Chromium
    /// still lets it through.
    WildcardOnly,
    No,
}

fn authorization_allowed(p: &HttpObservation) -> AuthorizationAllowed {
    let names: Vec<&str> = values(&p.headers, "access-control-allow-headers")
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    if names
        .iter()
        .any(|h| h.eq_ignore_ascii_case("authorization"))
    {
        AuthorizationAllowed::Named
    } else if names.contains(&"*") {
        AuthorizationAllowed::WildcardOnly
    } else {
        AuthorizationAllowed::No
    }
}

/// `client.cors`.
pub fn client_cors(obs: &ClientObservations, ex: &Expectations, site: &str) -> CheckResult {
    let mut r = CheckResult::new(CheckId::ClientCors, Status::Pass, String::new()).spec(SPEC);
    let mut findings: Vec<Finding> = Vec::new();
    let wk = &obs.well_known;
    let mut wk_stripped = false;
    // Hosts where the header went out more than once.
    let mut doubled: Vec<String> = Vec::new();
    let host_of = |url: &str| {
        url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| site.to_string())
    };

    for hop in &wk.hops {
        let v = values(&hop.headers, "access-control-allow-origin");
        r = r.evidence(
            format!("GET {} ({} redirect)", hop.url, hop.status),
            header_line(&v),
        );
        if let Err(e) = allows(&v) {
            findings.push(Finding {
                status: Status::Fail,
                text: format!(
                    "redirect {} → {}: {}; browsers stop at it",
                    hop.status,
                    hop.header("location").unwrap_or("?"),
                    e.words()
                ),
            });
            if matches!(e, Refusal::Multiple(_)) {
                doubled.push(host_of(&hop.url));
            } else {
                wk_stripped = true;
            }
        }
    }
    if wk.error.is_none() {
        let v = values(&wk.headers, "access-control-allow-origin");
        let status = wk.status.unwrap_or(0);
        r = r.evidence(
            format!("GET {} (Origin {PROBE_ORIGIN})", wk.final_url),
            format!("{status}, {}", header_line(&v)),
        );
        if let Err(e) = allows(&v) {
            let (s, text) = if status == 404 {
                (
                    Status::Warn,
                    format!(
                        "the 404 of the client file has {}: web clients see a network error instead of \"no file\"",
                        e.words()
                    ),
                )
            } else {
                (
                    Status::Fail,
                    format!(
                        "the client file has {}: web clients cannot read it",
                        e.words()
                    ),
                )
            };
            findings.push(Finding { status: s, text });
            if matches!(e, Refusal::Multiple(_)) {
                doubled.push(host_of(&wk.final_url));
            } else {
                wk_stripped = true;
            }
        }
    }
    let mut file_preflight_failed = false;
    if let Some(p) = &obs.preflight {
        let failed;
        (r, failed) = check_preflight(r, &mut findings, p, Status::Warn, "client file", false);
        file_preflight_failed = failed.is_some();
        if failed == Some(PreflightProblem::Multiple) {
            doubled.push(host_of(&p.url));
        } else if failed.is_some() {
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
    let mut api_without_authorization = false;
    if let Some(v) = obs.versions.as_ref().filter(|v| v.error.is_none()) {
        let value = values(&v.headers, "access-control-allow-origin");
        r = r.evidence(
            format!("GET {} (Origin {PROBE_ORIGIN})", v.final_url),
            format!("{}, {}", v.status.unwrap_or(0), header_line(&value)),
        );
        if let Err(e) = allows(&value) {
            findings.push(Finding {
                status: Status::Fail,
                text: format!(
                    "/_matrix/client/versions has {}: web clients cannot use the API",
                    e.words()
                ),
            });
            if matches!(e, Refusal::Multiple(_)) {
                doubled.push(host_of(&v.final_url));
            } else {
                api_stripped = true;
            }
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
            true,
        );
        match failed {
            Some(PreflightProblem::Multiple) => doubled.push(host_of(&p.url)),
            Some(PreflightProblem::NoAuthorization) => api_without_authorization = true,
            Some(PreflightProblem::Refused) => api_stripped = true,
            None => {}
        }
    }
    // A plain-http client API: a web client served over https (Element
    // Web) may not call it at all (mixed content, blocked before any
    // request); native clients are not affected.
    let plain_http_api = obs
        .versions
        .as_ref()
        .and_then(|v| url::Url::parse(&v.url).ok())
        .filter(|u| u.scheme() == "http");
    if let Some(u) = &plain_http_api {
        findings.push(Finding {
            status: Status::Warn,
            text: format!(
                "the client API is plain http ({}): web clients served over https block it as \
                 mixed content before any request; native clients work",
                u.origin().ascii_serialization()
            ),
        });
    }

    // Every problem is on the client API, which does not work at all (no
    // answer, or not the homeserver's): that is client.versions' finding,
    // and CORS follows once the API answers.
    let api_broken = obs
        .versions
        .as_ref()
        .is_none_or(|v| v.error.is_some() || !v.status.is_some_and(|s| (200..300).contains(&s)));
    if api_stripped
        && api_broken
        && !wk_stripped
        && !file_preflight_failed
        && doubled.is_empty()
        && !api_without_authorization
    {
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
    let api_host = || {
        obs.versions
            .as_ref()
            .map(|v| host_of(&v.final_url))
            .unwrap_or_else(|| site.to_string())
    };
    if api_stripped {
        r = add_remedy(r, remedy::cors_client_api(ex.proxy, &api_host()));
    }
    if api_without_authorization {
        r = add_remedy(r, remedy::cors_allow_authorization(ex.proxy, &api_host()));
    }
    doubled.dedup();
    for host in &doubled {
        r = add_remedy(r, remedy::cors_once(ex.proxy, host));
    }
    if plain_http_api.is_some() {
        r = add_remedy(
            r,
            "Give the client API an https:// base_url (the proxy's https site for the \
             homeserver): web clients cannot use a plain-http one.",
        );
    }
    r
}

/// Why a preflight does not let the real request through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PreflightProblem {
    /// No answer, not 2xx, or no usable single ACAO.
    Refused,
    /// ACAO more than once (or a list).
    Multiple,
    /// `Authorization` is not among the allowed request headers.
    NoAuthorization,
}

/// A preflight must succeed (2xx) and carry exactly one ACAO that admits
/// the origin; with `needs_authorization` (the client API, where every
/// signed-in request carries an access token) its
/// `Access-Control-Allow-Headers` must name `Authorization`.
fn check_preflight(
    r: CheckResult,
    findings: &mut Vec<Finding>,
    p: &HttpObservation,
    status: Status,
    what: &str,
    needs_authorization: bool,
) -> (CheckResult, Option<PreflightProblem>) {
    let v = values(&p.headers, "access-control-allow-origin");
    let code = p.status.unwrap_or(0);
    let got = match &p.error {
        Some(e) => e.to_string(),
        None => format!(
            "{code}, {}{}{}",
            header_line(&v),
            p.header("access-control-allow-methods")
                .map(|m| format!(", methods {m}"))
                .unwrap_or_default(),
            if needs_authorization {
                let allowed = values(&p.headers, "access-control-allow-headers");
                if allowed.is_empty() {
                    ", no Access-Control-Allow-Headers".to_string()
                } else {
                    format!(", headers {}", allowed.join(", "))
                }
            } else {
                String::new()
            }
        ),
    };
    let r = r.evidence(
        format!("OPTIONS {} (preflight, Origin {PROBE_ORIGIN})", p.url),
        got,
    );
    let problem = if p.error.is_some() {
        Some((PreflightProblem::Refused, "no answer".to_string()))
    } else if !(200..300).contains(&code) {
        Some((PreflightProblem::Refused, format!("answers {code}")))
    } else {
        match allows(&v) {
            Err(e @ Refusal::Multiple(_)) => Some((PreflightProblem::Multiple, e.words())),
            Err(e) => Some((PreflightProblem::Refused, e.words())),
            Ok(()) if needs_authorization => match authorization_allowed(p) {
                AuthorizationAllowed::Named => None,
                AuthorizationAllowed::No => Some((
                    PreflightProblem::NoAuthorization,
                    "Access-Control-Allow-Headers does not name Authorization, so browsers \
                     send no request that carries an access token: every signed-in request \
                     fails"
                        .to_string(),
                )),
                AuthorizationAllowed::WildcardOnly => {
                    findings.push(Finding {
                        status: Status::Warn,
                        text: format!(
                            "the CORS preflight for the {what} allows Authorization only through \
                             `Access-Control-Allow-Headers: *`: Chromium accepts that, but the \
                             Fetch standard does not count Authorization in the wildcard, and \
                             browsers that follow it fail every signed-in request"
                        ),
                    });
                    return (r, Some(PreflightProblem::NoAuthorization));
                }
            },
            Ok(()) => None,
        }
    };
    match problem {
        Some((kind, why)) => {
            findings.push(Finding {
                status,
                text: format!("the CORS preflight for the {what} fails: {why}"),
            });
            (r, Some(kind))
        }
        None => (r, None),
    }
}
