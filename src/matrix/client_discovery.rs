//! Client discovery (client-server API, "Server Discovery" → "Well-known
//! URIs"): the verdict a client reaches from `/.well-known/matrix/client`.
//!
//! ```text
//! 3    GET https://<hostname>/.well-known/matrix/client
//! 3.1    404                                   → IGNORE
//! 3.2    not 200, or empty body                → FAIL_PROMPT
//! 3.3.1  not JSON                              → FAIL_PROMPT
//! 3.4.1  no m.homeserver.base_url              → FAIL_PROMPT
//! 3.5.1  base_url not a URL                    → FAIL_ERROR
//! 3.5.2  /_matrix/client/versions unusable     → FAIL_ERROR
//! 3.6    m.identity_server without base_url, invalid URL or
//!        /_matrix/identity/v2 unusable         → FAIL_PROMPT for the identity
//!                                                server only; the homeserver
//!                                                stays OK
//!        otherwise                             → OK
//! ```
//!
//! Step 3.6: since spec v1.1 (MSC2284, "Making the identity server
//! optional during discovery") a broken identity server no longer stops
//! the sign-in: the identity server alone gets FAIL_PROMPT and the
//! homeserver's verdict stands (matrix-js-sdk's `AutoDiscovery` keeps
//! `m.homeserver` at `SUCCESS`, and Element Web signs in).

use std::fmt;

use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::observe::HttpObservation;

/// The spec section client results cite.
pub const SPEC: &str = "client-server API, Server Discovery, Well-known URIs";

/// What a client concludes (the spec's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientVerdict {
    Ok,
    Ignore,
    FailPrompt,
    FailError,
}

impl ClientVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientVerdict::Ok => "OK",
            ClientVerdict::Ignore => "IGNORE",
            ClientVerdict::FailPrompt => "FAIL_PROMPT",
            ClientVerdict::FailError => "FAIL_ERROR",
        }
    }

    /// What it means for a user signing in.
    pub fn meaning(self) -> &'static str {
        match self {
            ClientVerdict::Ok => "clients find the homeserver by themselves",
            ClientVerdict::Ignore => {
                "clients find no delegation and fall back to asking for the homeserver URL or \
                 trying the server name itself"
            }
            ClientVerdict::FailPrompt => {
                "clients report invalid discovery data and ask the user for the homeserver URL"
            }
            ClientVerdict::FailError => {
                "clients stop the sign-in: the advertised homeserver is unusable"
            }
        }
    }
}

impl fmt::Display for ClientVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ClientVerdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `m.identity_server` as found in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityServer {
    Absent,
    /// Present, but without a string `base_url`.
    NoBaseUrl,
    BaseUrl(String),
}

/// A verdict, the spec step that produced it, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conclusion {
    /// The homeserver's verdict: what decides whether clients sign in.
    pub verdict: ClientVerdict,
    pub step: &'static str,
    pub reason: String,
    /// Why the identity server named in `m.identity_server` is unusable
    /// (step 3.6): FAIL_PROMPT for the identity server only, the homeserver
    /// verdict unaffected (spec v1.1+, MSC2284). None: no identity server,
    /// or a working one.
    pub identity_problem: Option<String>,
}

impl Conclusion {
    fn new(verdict: ClientVerdict, step: &'static str, reason: impl Into<String>) -> Self {
        Conclusion {
            verdict,
            step,
            reason: reason.into(),
            identity_problem: None,
        }
    }

    pub fn spec(&self) -> String {
        format!("{SPEC}, step {}", self.step)
    }
}

/// The client file as read, before the base URL is validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientWellKnown {
    pub observation: HttpObservation,
    /// The parsed JSON object (when the body is one).
    pub json: Option<Value>,
    /// `m.homeserver.base_url`, raw.
    pub base_url: Option<String>,
    pub identity_server: IdentityServer,
    /// A verdict already reached from the file alone (steps 3.1 to 3.5.1).
    pub early: Option<Conclusion>,
}

impl ClientWellKnown {
    pub fn read(observation: HttpObservation) -> ClientWellKnown {
        let json = observation
            .json()
            .filter(|v| v.is_object() && observation.status == Some(200));
        let base_url = json
            .as_ref()
            .and_then(|v| v.get("m.homeserver"))
            .and_then(|h| h.get("base_url"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let identity_server = match json.as_ref().and_then(|v| v.get("m.identity_server")) {
            None => IdentityServer::Absent,
            Some(is) => match is.get("base_url").and_then(Value::as_str) {
                Some(url) => IdentityServer::BaseUrl(url.to_string()),
                None => IdentityServer::NoBaseUrl,
            },
        };
        let early = early_verdict(&observation, json.as_ref(), base_url.as_deref());
        ClientWellKnown {
            observation,
            json,
            base_url,
            identity_server,
            early,
        }
    }

    /// Where to validate the homeserver (step 3.5.2), when it comes to that.
    pub fn versions_url(&self) -> Option<String> {
        if self.early.is_some() {
            return None;
        }
        self.base_url
            .as_deref()
            .map(|b| join(b, "_matrix/client/versions"))
    }

    /// Where to validate the identity server (step 3.6), when there is one.
    pub fn identity_url(&self) -> Option<String> {
        match (&self.early, &self.identity_server) {
            (None, IdentityServer::BaseUrl(url)) if parse_http_url(url).is_ok() => {
                Some(join(url, "_matrix/identity/v2"))
            }
            _ => None,
        }
    }

    /// The file carries `m.server` (it belongs in the server file).
    pub fn carries_m_server(&self) -> bool {
        self.json
            .as_ref()
            .is_some_and(|v| v.get("m.server").is_some())
    }

    /// The final verdict, given the `/_matrix/client/versions` answer and
    /// (when `m.identity_server` is set) the `/_matrix/identity/v2` answer.
    /// A missing answer counts as unusable.
    pub fn conclude(
        &self,
        versions: Option<&HttpObservation>,
        identity: Option<&HttpObservation>,
    ) -> Conclusion {
        if let Some(early) = &self.early {
            return early.clone();
        }
        if let Err(why) = versions_usable(versions) {
            return Conclusion::new(
                ClientVerdict::FailError,
                "3.5.2",
                format!("/_matrix/client/versions is unusable: {why}"),
            );
        }
        let base = self.base_url.clone().unwrap_or_default();
        let ok = Conclusion::new(
            ClientVerdict::Ok,
            "3.5.2",
            format!("base_url {base} answers /_matrix/client/versions"),
        );
        let identity_problem = match &self.identity_server {
            IdentityServer::Absent => None,
            IdentityServer::NoBaseUrl => {
                Some("m.identity_server is present but has no base_url".to_string())
            }
            IdentityServer::BaseUrl(url) => match parse_http_url(url) {
                Err(why) => Some(format!(
                    "m.identity_server.base_url `{url}` is not a usable URL: {why}"
                )),
                Ok(_) => http_ok(identity)
                    .err()
                    .map(|why| format!("{url} does not answer /_matrix/identity/v2: {why}")),
            },
        };
        match identity_problem {
            None => ok,
            Some(problem) => Conclusion {
                step: "3.6",
                reason: format!("{}; identity server FAIL_PROMPT: {problem}", ok.reason),
                identity_problem: Some(problem),
                ..ok
            },
        }
    }
}

fn early_verdict(
    obs: &HttpObservation,
    json: Option<&Value>,
    base_url: Option<&str>,
) -> Option<Conclusion> {
    use ClientVerdict::*;
    if let Some(e) = &obs.error {
        // The spec names statuses only; a client that gets no answer at all
        // cannot tell it from an error status (matrix-js-sdk: FAIL_PROMPT).
        return Some(Conclusion::new(
            FailPrompt,
            "3.2",
            format!("no answer: {e}"),
        ));
    }
    let status = obs.status.unwrap_or(0);
    if status == 404 {
        return Some(Conclusion::new(
            Ignore,
            "3.1",
            "404: no client well-known file",
        ));
    }
    if status != 200 {
        return Some(Conclusion::new(
            FailPrompt,
            "3.2",
            format!("HTTP {status}, not 200"),
        ));
    }
    if obs.body_truncated() {
        return Some(Conclusion::new(
            FailPrompt,
            "3.2",
            "the body is larger than the 50 KiB clients accept",
        ));
    }
    if let Some(why) = obs.body_incomplete() {
        return Some(Conclusion::new(
            FailPrompt,
            "3.2",
            format!("the body did not arrive completely: {why}"),
        ));
    }
    if obs.body.iter().all(u8::is_ascii_whitespace) {
        return Some(Conclusion::new(FailPrompt, "3.2", "the body is empty"));
    }
    if json.is_none() {
        let what = if obs.is_html() {
            "an HTML page"
        } else {
            "not a JSON object"
        };
        return Some(Conclusion::new(
            FailPrompt,
            "3.3.1",
            format!("the body is {what}"),
        ));
    }
    let Some(base_url) = base_url else {
        return Some(Conclusion::new(
            FailPrompt,
            "3.4.1",
            "no m.homeserver.base_url in the file",
        ));
    };
    if let Err(why) = parse_http_url(base_url) {
        return Some(Conclusion::new(
            FailError,
            "3.5.1",
            format!("base_url `{base_url}` is not a usable URL: {why}"),
        ));
    }
    None
}

/// `https://<hostname>/.well-known/matrix/client` for a server name (the
/// port, if any, is not part of it: spec step 2 "extract the hostname").
pub fn well_known_url(name: &crate::domain::ServerName) -> String {
    format!("https://{}/.well-known/matrix/client", name.host_str())
}

/// `https://<hostname>/.well-known/matrix/support`.
pub fn support_url(name: &crate::domain::ServerName) -> String {
    format!("https://{}/.well-known/matrix/support", name.host_str())
}

/// A URL a client can use: parses, and is http or https.
pub fn parse_http_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| e.to_string())?;
    match url.scheme() {
        "https" | "http" if url.host().is_some() => Ok(url),
        "https" | "http" => Err("it has no host".into()),
        other => Err(format!("the scheme `{other}` is not http or https")),
    }
}

/// `base` (with or without trailing `/`) joined with a path.
pub fn join(base: &str, path: &str) -> String {
    format!("{}/{path}", base.trim_end_matches('/'))
}

fn http_ok(obs: Option<&HttpObservation>) -> Result<&HttpObservation, String> {
    let obs = obs.ok_or("it was not fetched")?;
    if let Some(e) = &obs.error {
        return Err(e.to_string());
    }
    if let Some(why) = obs.body_incomplete() {
        return Err(format!("the body did not arrive completely: {why}"));
    }
    match obs.status {
        Some(200) => Ok(obs),
        Some(s) => Err(format!("HTTP {s}")),
        None => Err("no response".into()),
    }
}

/// `/_matrix/client/versions` answers `200` with `{"versions": [..strings..]}`.
/// Returns the versions on success.
pub fn versions_usable(obs: Option<&HttpObservation>) -> Result<Vec<String>, String> {
    let obs = http_ok(obs)?;
    let json = obs.json().ok_or_else(|| {
        if obs.is_html() {
            "an HTML page instead of JSON".to_string()
        } else {
            "the body is not JSON".to_string()
        }
    })?;
    let versions = json
        .get("versions")
        .and_then(Value::as_array)
        .ok_or("no `versions` list in the answer")?;
    let out: Vec<String> = versions
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    if out.is_empty() || out.len() != versions.len() {
        return Err("`versions` must be a non-empty list of strings".into());
    }
    Ok(out)
}
