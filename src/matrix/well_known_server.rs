//! Reading `/.well-known/matrix/server` (server-server API "Resolving
//! server names", step 3, and "GET /.well-known/matrix/server"): the body is
//! parsed as JSON whatever the content type; anything but a `200` with a
//! JSON object whose `m.server` is a valid server name is "invalid", and
//! discovery skips to step 4.

use crate::domain::ServerName;
use crate::observe::{FetchFailure, HttpObservation, MatrixError};

/// Why the file does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WellKnownInvalid {
    Fetch(FetchFailure),
    /// A status other than 200 (404 means "absent").
    Status {
        status: u16,
        matrix: Option<MatrixError>,
        html: bool,
    },
    /// The body exceeded the size cap (treated as a failure, like Synapse).
    TooLarge,
    /// The body did not arrive completely (too slow, or the connection broke).
    Incomplete(String),
    Empty,
    /// Not JSON; `html` when it is a web page (a catch-all route?).
    NotJson {
        error: String,
        html: bool,
    },
    NotObject,
    MissingMServer,
    MServerNotString,
    MServerInvalid {
        value: String,
        error: String,
    },
}

impl WellKnownInvalid {
    /// One line for summaries and evidence.
    pub fn describe(&self) -> String {
        match self {
            WellKnownInvalid::Fetch(f) => format!("the request failed: {f}"),
            WellKnownInvalid::Status {
                status,
                matrix: Some(m),
                ..
            } => format!("HTTP {status} {}", m.errcode),
            WellKnownInvalid::Status {
                status, html: true, ..
            } => format!("HTTP {status} (an HTML page)"),
            WellKnownInvalid::Status { status, .. } => format!("HTTP {status}"),
            WellKnownInvalid::TooLarge => "the body is larger than the 50 KiB limit".into(),
            WellKnownInvalid::Incomplete(why) => {
                format!("the body did not arrive completely: {why}")
            }
            WellKnownInvalid::Empty => "the body is empty".into(),
            WellKnownInvalid::NotJson { html: true, .. } => {
                "the body is an HTML page, not JSON".into()
            }
            WellKnownInvalid::NotJson { error, .. } => format!("the body is not JSON ({error})"),
            WellKnownInvalid::NotObject => "the JSON is not an object".into(),
            WellKnownInvalid::MissingMServer => "the JSON has no `m.server` key".into(),
            WellKnownInvalid::MServerNotString => "`m.server` is not a string".into(),
            WellKnownInvalid::MServerInvalid { value, error } => {
                format!("`m.server` is `{value}`, not a valid server name: {error}")
            }
        }
    }

    /// `404`: the file simply is not there.
    pub fn is_absent(&self) -> bool {
        matches!(self, WellKnownInvalid::Status { status: 404, .. })
    }
}

/// The outcome of reading the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WellKnownOutcome {
    Valid { m_server: ServerName },
    Invalid(WellKnownInvalid),
}

/// The file as fetched and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerWellKnown {
    pub observation: HttpObservation,
    pub outcome: WellKnownOutcome,
    /// The raw `m.server` string when there was one (even if invalid).
    pub raw_m_server: Option<String>,
    /// `Content-Type` is not `application/json` (allowed, but warned about).
    pub content_type_not_json: bool,
}

impl ServerWellKnown {
    pub fn read(observation: HttpObservation) -> ServerWellKnown {
        let content_type_not_json =
            observation.status == Some(200) && !observation.is_json_content_type();
        let (outcome, raw_m_server) = match interpret(&observation) {
            Ok(raw) => match ServerName::parse(&raw) {
                Ok(m_server) => (WellKnownOutcome::Valid { m_server }, Some(raw)),
                Err(e) => (
                    WellKnownOutcome::Invalid(WellKnownInvalid::MServerInvalid {
                        value: raw.clone(),
                        error: e.to_string(),
                    }),
                    Some(raw),
                ),
            },
            Err(invalid) => (WellKnownOutcome::Invalid(invalid), None),
        };
        ServerWellKnown {
            observation,
            outcome,
            raw_m_server,
            content_type_not_json,
        }
    }

    pub fn m_server(&self) -> Option<&ServerName> {
        match &self.outcome {
            WellKnownOutcome::Valid { m_server } => Some(m_server),
            WellKnownOutcome::Invalid(_) => None,
        }
    }

    pub fn invalid(&self) -> Option<&WellKnownInvalid> {
        match &self.outcome {
            WellKnownOutcome::Valid { .. } => None,
            WellKnownOutcome::Invalid(i) => Some(i),
        }
    }
}

/// The `m.server` string, or why there is none.
fn interpret(obs: &HttpObservation) -> Result<String, WellKnownInvalid> {
    if let Some(f) = &obs.error {
        return Err(WellKnownInvalid::Fetch(f.clone()));
    }
    let status = obs.status.unwrap_or(0);
    if status != 200 {
        return Err(WellKnownInvalid::Status {
            status,
            matrix: obs.matrix_error(),
            html: obs.is_html(),
        });
    }
    if obs.body_truncated() {
        return Err(WellKnownInvalid::TooLarge);
    }
    if let Some(why) = obs.body_incomplete() {
        return Err(WellKnownInvalid::Incomplete(why));
    }
    if obs.body.iter().all(u8::is_ascii_whitespace) {
        return Err(WellKnownInvalid::Empty);
    }
    let value: serde_json::Value =
        serde_json::from_slice(&obs.body).map_err(|e| WellKnownInvalid::NotJson {
            error: e.to_string(),
            html: obs.is_html(),
        })?;
    let object = value.as_object().ok_or(WellKnownInvalid::NotObject)?;
    match object.get("m.server") {
        None => Err(WellKnownInvalid::MissingMServer),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(WellKnownInvalid::MServerNotString),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::{BodyEnd, TimeoutPhase};

    const URL: &str = "https://example.com/.well-known/matrix/server";
    const JSON: &[(&str, &str)] = &[("content-type", "application/json")];

    fn read(status: u16, headers: &[(&str, &str)], body: &str) -> ServerWellKnown {
        ServerWellKnown::read(HttpObservation::get(URL).respond(status, headers, body.as_bytes()))
    }

    #[test]
    fn valid_files() {
        let cases = [
            (
                r#"{"m.server":"matrix.example.com:443"}"#,
                "matrix.example.com:443",
            ),
            (r#"{"m.server":"matrix.example.com"}"#, "matrix.example.com"),
            (
                r#"{"m.server":"[2001:db8::1]:8448","x":1}"#,
                "[2001:db8::1]:8448",
            ),
            (r#" {"m.server":"10.0.0.1"} "#, "10.0.0.1"),
        ];
        for (body, want) in cases {
            let wk = read(200, JSON, body);
            assert_eq!(wk.m_server().map(|m| m.as_str()), Some(want), "{body}");
            assert!(!wk.content_type_not_json);
        }
    }

    #[test]
    fn json_whatever_the_content_type_but_noted() {
        let wk = read(
            200,
            &[("content-type", "text/plain")],
            r#"{"m.server":"m.example.com:443"}"#,
        );
        assert!(wk.m_server().is_some());
        assert!(wk.content_type_not_json);
        let wk = read(200, &[], r#"{"m.server":"m.example.com:443"}"#);
        assert!(wk.content_type_not_json);
        let wk = read(
            200,
            &[("content-type", "Application/JSON; charset=utf-8")],
            "{}",
        );
        assert!(!wk.content_type_not_json);
    }

    #[test]
    fn invalid_files_table() {
        type Check = fn(&WellKnownInvalid) -> bool;
        let cases: Vec<(ServerWellKnown, Check)> = vec![
            (read(404, &[], "Not Found"), |i| i.is_absent()),
            (
                read(
                    404,
                    JSON,
                    r#"{"errcode":"M_NOT_FOUND","error":"Not found"}"#,
                ),
                |i| matches!(i, WellKnownInvalid::Status { matrix: Some(m), .. } if m.errcode == "M_NOT_FOUND"),
            ),
            (
                read(
                    403,
                    JSON,
                    r#"{"errcode":"M_FORBIDDEN","error":"Federation is disabled."}"#,
                ),
                |i| {
                    matches!(
                        i,
                        WellKnownInvalid::Status {
                            status: 403,
                            matrix: Some(_),
                            ..
                        }
                    )
                },
            ),
            (
                read(
                    502,
                    &[("content-type", "text/html")],
                    "<html>Bad Gateway</html>",
                ),
                |i| {
                    matches!(
                        i,
                        WellKnownInvalid::Status {
                            status: 502,
                            html: true,
                            ..
                        }
                    )
                },
            ),
            (read(200, JSON, ""), |i| *i == WellKnownInvalid::Empty),
            (read(200, JSON, "  \n"), |i| *i == WellKnownInvalid::Empty),
            (read(200, JSON, "{\"m.server\":"), |i| {
                matches!(i, WellKnownInvalid::NotJson { html: false, .. })
            }),
            (
                read(
                    200,
                    &[("content-type", "text/html")],
                    "<!DOCTYPE html><html></html>",
                ),
                |i| matches!(i, WellKnownInvalid::NotJson { html: true, .. }),
            ),
            (read(200, JSON, "[1]"), |i| {
                *i == WellKnownInvalid::NotObject
            }),
            (read(200, JSON, "{}"), |i| {
                *i == WellKnownInvalid::MissingMServer
            }),
            (read(200, JSON, r#"{"m.server":443}"#), |i| {
                *i == WellKnownInvalid::MServerNotString
            }),
            (
                read(200, JSON, r#"{"m.server":"https://matrix.example.com"}"#),
                |i| {
                    matches!(i, WellKnownInvalid::MServerInvalid { value, error }
                    if value == "https://matrix.example.com" && error.contains("scheme"))
                },
            ),
            (
                read(200, JSON, r#"{"m.server":"matrix.example.com:99999"}"#),
                |i| matches!(i, WellKnownInvalid::MServerInvalid { .. }),
            ),
            (read(200, JSON, r#"{"m.server":""}"#), |i| {
                matches!(i, WellKnownInvalid::MServerInvalid { .. })
            }),
        ];
        for (wk, check) in cases {
            let invalid = wk
                .invalid()
                .unwrap_or_else(|| panic!("{wk:?} should be invalid"));
            assert!(check(invalid), "{invalid:?}");
            assert!(!invalid.describe().is_empty());
        }
    }

    #[test]
    fn failures_and_caps() {
        let timeout = FetchFailure::Timeout(TimeoutPhase::Headers);
        let wk = ServerWellKnown::read(HttpObservation::get(URL).fail(timeout.clone()));
        assert_eq!(wk.invalid(), Some(&WellKnownInvalid::Fetch(timeout)));
        let mut obs = HttpObservation::get(URL).respond(200, JSON, br#"{"m.server":"a.b:443"}"#);
        obs.body_end = BodyEnd::OverCap;
        assert_eq!(
            ServerWellKnown::read(obs).invalid(),
            Some(&WellKnownInvalid::TooLarge)
        );
        let obs = HttpObservation::get(URL).respond(200, JSON, b"\xff\xfe{}");
        assert!(matches!(
            ServerWellKnown::read(obs).invalid(),
            Some(WellKnownInvalid::NotJson { .. })
        ));
    }
}
