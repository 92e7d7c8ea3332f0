//! `client.well-known` and `client.versions` (client-server API, "Server
//! Discovery" → "Well-known URIs", and "GET /_matrix/client/versions").

use super::server_well_known::http_evidence;
use super::{add_remedy, with_mistakes};
use crate::check::expect::Expectations;
use crate::check::mistakes::{self, Mistake};
use crate::check::model::{CheckId, CheckResult, Fault, Status};
use crate::check::remedy;
use crate::domain::ServerName;
use crate::matrix::client_discovery::{
    ClientVerdict, ClientWellKnown, Conclusion, IdentityServer, versions_usable,
};
use crate::observe::{FetchFailure, HttpObservation};

/// Everything fetched for client discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientObservations {
    /// `GET https://<hostname>/.well-known/matrix/client`, sent with
    /// `Origin:` [`super::cors::PROBE_ORIGIN`].
    pub well_known: HttpObservation,
    /// `OPTIONS` on the same URL with `Origin` and
    /// `Access-Control-Request-Method: GET`.
    pub preflight: Option<HttpObservation>,
    /// `GET <base_url>/_matrix/client/versions` with `Origin`
    /// ([`ClientWellKnown::versions_url`]).
    pub versions: Option<HttpObservation>,
    /// `OPTIONS` on the versions URL with `Origin`,
    /// `Access-Control-Request-Method: GET` and
    /// `Access-Control-Request-Headers: authorization`.
    pub versions_preflight: Option<HttpObservation>,
    /// `GET <identity base_url>/_matrix/identity/v2`, when the file names one.
    pub identity: Option<HttpObservation>,
}

/// `client.well-known`: the verdict a client reaches.
pub fn client_well_known(
    name: &ServerName,
    wk: &ClientWellKnown,
    conclusion: &Conclusion,
    versions: Option<&HttpObservation>,
    ex: &Expectations,
) -> CheckResult {
    let site = name.host_str();
    let mut r = http_evidence(
        CheckResult::new(CheckId::ClientWellKnown, Status::Pass, String::new())
            .spec(conclusion.spec()),
        &wk.observation,
    );
    r = r.evidence(
        "verdict",
        format!("{} ({})", conclusion.verdict, conclusion.reason),
    );
    if let Some(problem) = wk.observation.local_problem() {
        return super::local::could_not_test(r, problem);
    }
    if let Some(FetchFailure::Dns(_)) = &wk.observation.error {
        r = r.fault(Fault::Unanswered {
            host: site.clone(),
            port: 443,
        });
    }
    if let Some(FetchFailure::RefusedAddress { addresses }) = &wk.observation.error {
        r = r.fault(Fault::NotConnected {
            addresses: addresses.iter().map(|a| a.ip()).collect(),
        });
    }
    let found = mistakes::in_client_file(wk);
    match conclusion.verdict {
        ClientVerdict::Ok => {
            let base = wk.base_url.clone().unwrap_or_default();
            r.summary = format!("OK: base_url {base}");
            if base.starts_with("http://") {
                r.status = Status::Warn;
                r.summary = format!(
                    "OK, but base_url {base} is plain http: native clients sign in, web clients \
                     on an https page are blocked (mixed content)"
                );
                r = r.remedy("Use an https:// base_url: web clients served over HTTPS cannot call a plain-http API, and passwords would travel unencrypted.");
            }
            if let Some(problem) = &conclusion.identity_problem {
                r.status = super::worse(r.status, Status::Warn);
                let first = if r.summary.starts_with("OK: ") {
                    format!("OK for the homeserver (base_url {base})")
                } else {
                    r.summary.clone()
                };
                r.summary =
                    format!("{first}; the identity server alone gets FAIL_PROMPT: {problem}");
                r = r.evidence(
                    "identity server",
                    format!(
                        "FAIL_PROMPT: {problem}. Clients still sign in; finding users by e-mail \
                         or phone number and inviting by e-mail do not work"
                    ),
                );
                r = add_remedy(r, identity_remedy(&wk.identity_server, &site));
            }
            if ex.base_url_matches(&base) == Some(false) {
                let want = ex.base_url.clone().unwrap_or_default();
                r.status = Status::Fail;
                r.summary = format!("base_url is {base}, but {} says {want}", ex.intent_words());
                r = r.evidence("expected base_url", want.clone());
                r = add_remedy(r, ex.which_side("base_url"));
                r = add_remedy(r, remedy::well_known_key(ex.deployment, "client", &want));
            }
        }
        ClientVerdict::Ignore => {
            let expected = ex.base_url.is_some();
            r.status = if expected { Status::Fail } else { Status::Warn };
            r.summary = format!(
                "IGNORE: no client file (404): {}",
                ClientVerdict::Ignore.meaning()
            );
            if !found
                .iter()
                .any(|m| matches!(m, Mistake::WellKnownUnset { .. }))
            {
                r = add_remedy(r, remedy::route_well_known(ex.proxy, &site, ex.upstream()));
            }
        }
        v @ (ClientVerdict::FailPrompt | ClientVerdict::FailError) => {
            r.status = Status::Fail;
            r.summary = format!("{v}: {}", conclusion.reason);
            if v == ClientVerdict::FailError
                && wk.versions_url().is_some()
                && versions_usable(versions).is_err()
            {
                r = r.fault(Fault::ClientApiUnusable);
            }
            r = add_remedy(r, remedy_for_step(conclusion, wk, ex, &site));
        }
    }
    for m in &found {
        let s = match (m, conclusion.verdict) {
            (Mistake::WellKnownUnset { .. }, _) if ex.base_url.is_some() => Status::Fail,
            _ => Status::Warn,
        };
        r = with_mistakes(r, std::slice::from_ref(m), s, ex, &site);
    }
    if let Some(extra) = ex
        .base_url
        .as_ref()
        .filter(|_| conclusion.verdict != ClientVerdict::Ok)
    {
        r = r.evidence("expected base_url", extra.clone());
    }
    super::server_well_known::duplicate_keys(
        r,
        &wk.observation,
        super::server_well_known::Readers::Clients,
    )
}

/// What to change for the step where client discovery stopped: the file
/// itself (steps 3.2 to 3.5.1), or, when the file is fine, what it points
/// at (3.5.2: the client API; `client.versions` has the details).
fn remedy_for_step(
    conclusion: &Conclusion,
    wk: &ClientWellKnown,
    ex: &Expectations,
    site: &str,
) -> String {
    let want = ex
        .base_url
        .clone()
        .unwrap_or_else(|| "https://<homeserver host>/".into());
    let serve = format!(
        "{{\"m.homeserver\": {{\"base_url\": \"{want}\"}}}} at \
         https://{site}/.well-known/matrix/client"
    );
    match conclusion.step {
        "3.5.2" => {
            let base = wk.base_url.clone().unwrap_or_default();
            format!(
                "The client file is fine; its base_url {base} does not answer GET \
                 /_matrix/client/versions (see client.versions). Make that URL reach the \
                 homeserver's client API, or set base_url to where the client API answers."
            )
        }
        "3.5.1" => format!(
            "base_url must be an absolute http(s) URL with a host, such as \
             https://matrix.example.com/. Serve {serve}."
        ),
        "3.4.1" => format!(
            "The file has no m.homeserver.base_url (a string): clients need it. Serve {serve}."
        ),
        "3.3.1" => format!("The file must be a JSON object. Serve {serve}."),
        _ => format!(
            "Serve {serve} with status 200, where base_url is the URL the client API answers on."
        ),
    }
}

/// What to do about a broken identity server (step 3.6).
fn identity_remedy(identity: &IdentityServer, site: &str) -> String {
    let what = match identity {
        IdentityServer::BaseUrl(url) => format!("the identity server at {url}"),
        IdentityServer::NoBaseUrl | IdentityServer::Absent => {
            "m.identity_server.base_url".to_string()
        }
    };
    format!(
        "Fix {what} (it must answer GET /_matrix/identity/v2 with 200), or remove \
         m.identity_server from https://{site}/.well-known/matrix/client if you run no \
         identity server: clients work without one."
    )
}

/// `client.versions`: the advertised base URL really serves the client API.
pub fn client_versions(
    wk: &ClientWellKnown,
    versions: Option<&HttpObservation>,
    ex: &Expectations,
) -> CheckResult {
    let spec = "client-server API, GET /_matrix/client/versions; Server Discovery, step 3.5.2";
    let Some(url) = wk.versions_url() else {
        return CheckResult::new(
            CheckId::ClientVersions,
            Status::Skipped,
            "no usable base_url to check (see client.well-known)",
        )
        .spec(spec);
    };
    let mut r = CheckResult::new(CheckId::ClientVersions, Status::Pass, String::new()).spec(spec);
    if let Some(obs) = versions {
        r = http_evidence(r, obs);
        if let Some(problem) = obs.local_problem() {
            return super::local::could_not_test(r, problem);
        }
    }
    match versions_usable(versions) {
        Ok(list) => {
            let latest = list.last().cloned().unwrap_or_default();
            r.summary = format!(
                "{url} answers: {} spec versions, latest {latest}",
                list.len()
            );
        }
        Err(why) => {
            r.status = Status::Fail;
            r.summary = format!("{url}: {why}");
            let parsed = url::Url::parse(&url).ok();
            let host = parsed
                .as_ref()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            let port = parsed
                .as_ref()
                .and_then(url::Url::port_or_known_default)
                .unwrap_or(443);
            if let Some(FetchFailure::RefusedAddress { addresses }) =
                versions.and_then(|v| v.error.as_ref())
            {
                return super::refused::unreachable_for_peers(r, &host, addresses);
            }
            let text = match versions.and_then(|v| v.error.as_ref()) {
                Some(FetchFailure::Tls { .. }) => {
                    r = r.fault(Fault::Unanswered {
                        host: host.clone(),
                        port,
                    });
                    format!(
                        "Clients refuse the certificate of {host}:{port}.\n{}",
                        remedy::certificate(ex.proxy, &host)
                    )
                }
                Some(FetchFailure::Refused { address } | FetchFailure::Connect { address, .. }) => {
                    r = r.fault(Fault::Unanswered {
                        host: host.clone(),
                        port,
                    });
                    let ipv6 = address.is_some_and(|a| a.is_ipv6());
                    let protocol = if url.starts_with("http://") {
                        "HTTP"
                    } else {
                        "HTTPS"
                    };
                    format!(
                        "Nothing answers {protocol} on {host}:{port}, where base_url points.\n{}",
                        remedy::listen(ex.proxy, &host, ipv6, port)
                    )
                }
                Some(FetchFailure::Dns(_)) => {
                    r = r.fault(Fault::Unanswered {
                        host: host.clone(),
                        port,
                    });
                    format!(
                        "{host}, where base_url points, has no address: create its A/AAAA \
                         records (see dns.delegated-host)."
                    )
                }
                Some(FetchFailure::Timeout(_)) => {
                    r = r.fault(Fault::Unanswered {
                        host: host.clone(),
                        port,
                    });
                    format!(
                        "{host}:{port} does not answer in time: check that the proxy runs and the \
                         firewall lets port {port} through."
                    )
                }
                None if versions.is_some_and(|v| v.is_html() || v.json().is_none()) => {
                    r = r.fault(Fault::NotRouted {
                        host: host.clone(),
                        port,
                    });
                    format!(
                        "base_url must be where the client API answers. Check that {host} routes \
                         /_matrix/ to the homeserver.\n{}",
                        remedy::pass_path_unchanged(ex.proxy, &host, ex.upstream())
                    )
                }
                _ => format!(
                    "base_url must be where the client API answers. Check that {host} routes \
                     /_matrix/ to the homeserver.\n{}",
                    remedy::pass_path_unchanged(ex.proxy, &host, ex.upstream())
                ),
            };
            r = r.remedy(text);
        }
    }
    r
}
