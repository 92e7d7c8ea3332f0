//! Each oracle's output read into the terms `check` reports in: for a
//! federation peer the step, whether it worked, and the address, `Host`
//! header and SNI of the federation requests it sent (from the simulation's
//! log); for a client the verdict or whether the browser could read.

use serde_json::Value;

use super::{Oracle, OracleRun};

/// What a federation peer did, in `check`'s terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerView {
    pub ok: bool,
    /// The spec step its path corresponds to (None: it never got a path).
    pub step: Option<String>,
    /// `(address, Host, SNI)` of each federation request a server received.
    pub requests: Vec<(String, String, Option<String>)>,
    /// Why it did not work: the first failed request, a non-200 answer or
    /// a key response for another server name.
    pub failure: Option<String>,
}

/// The spec step of a `resolvematrix` `ResolutionStep` (its variants are
/// named after the spec's steps, one each).
pub fn resolvematrix_step(name: &str) -> Option<&'static str> {
    Some(match name {
        "IPLiteral" => "1",
        "HostPort" => "2",
        "WellKnownIPLiteral" => "3.1",
        "WellKnownHostPort" => "3.2",
        "WellKnownSrvMatrixFed" => "3.3",
        "WellKnownSrvMatrix" => "3.4",
        "WellKnownDefaultPort" => "3.5",
        "SrvMatrixFed" => "4",
        "SrvMatrix" => "5",
        "DefaultPort" => "6",
        _ => return None,
    })
}

fn request_failure(
    requests: &Value,
    server_name: &str,
    keys_server_name: &Value,
) -> Option<String> {
    for r in requests.as_array()? {
        let path = r["path"].as_str().unwrap_or("?");
        if r["ok"].as_bool() != Some(true) {
            return Some(format!(
                "{path}: {} {}",
                r["failure"]["type"].as_str().unwrap_or("?"),
                r["failure"]["text"].as_str().unwrap_or("?")
            ));
        }
        if r["status"].as_u64() != Some(200) {
            return Some(format!("{path}: HTTP {}", r["status"]));
        }
    }
    match keys_server_name.as_str() {
        Some(name) if name == server_name => None,
        Some(other) => Some(format!("keys name server_name {other}")),
        None => Some("key response without server_name".into()),
    }
}

impl OracleRun {
    pub fn peer_view(&self, server_name: &str) -> Option<PeerView> {
        let out = self.output.as_ref()?;
        let step = match self.oracle {
            Oracle::Synapse => out["step"].as_str().map(str::to_string),
            Oracle::Resolvematrix => out["resolution"]["resolution_step"]
                .as_str()
                .and_then(resolvematrix_step)
                .map(str::to_string),
            Oracle::JsSdk | Oracle::Chromium => return None,
        };
        let failure = match self.oracle {
            Oracle::Resolvematrix if out["resolution"].is_null() => Some(format!(
                "resolution: {}",
                out["resolution_error"]["text"].as_str().unwrap_or("?")
            )),
            _ => request_failure(&out["requests"], server_name, &out["keys_server_name"]),
        };
        Some(PeerView {
            ok: out["ok"].as_bool() == Some(true),
            step,
            requests: self
                .federation_requests()
                .iter()
                .map(|r| {
                    (
                        r.address.to_string(),
                        r.host.clone().unwrap_or_default(),
                        r.sni.clone(),
                    )
                })
                .collect(),
            failure,
        })
    }

    /// matrix-js-sdk's homeserver state in `check`'s words (`SUCCESS` is
    /// `OK`, `PROMPT` is `IGNORE`; the spec names both).
    pub fn client_verdict(&self) -> Option<String> {
        let out = self.output.as_ref()?;
        let state = out["homeserver"]["state"].as_str()?;
        Some(
            match state {
                "SUCCESS" => "OK",
                "PROMPT" => "IGNORE",
                other => other,
            }
            .to_string(),
        )
    }

    /// Chromium: whether the page could read the client file and
    /// `/versions` (with `Authorization`), and the browser's reason if not.
    pub fn browser_outcome(&self) -> Option<(bool, String)> {
        let out = self.output.as_ref()?;
        let part = |v: &Value| -> String {
            if v.is_null() {
                "not asked".into()
            } else if v["readable"].as_bool() == Some(true) {
                format!("read {}", v["status"])
            } else {
                format!("blocked ({})", v["error"].as_str().unwrap_or("?"))
            }
        };
        let mut text = format!(
            "client file {}; versions {}",
            part(&out["well_known"]),
            part(&out["versions"])
        );
        if let Some(console) = out["console"].as_str().filter(|c| !c.is_empty()) {
            text.push_str("; console: ");
            text.push_str(&console.replace('\n', " | "));
        }
        Some((out["ok"].as_bool() == Some(true), text))
    }
}
