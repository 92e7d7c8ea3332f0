//! `server.keys` (per address): `GET /_matrix/key/v2/server` (server-server
//! API, "Retrieving server keys" → "Publishing Keys"): `server_name` equals
//! the name checked, `valid_until_ts` lies in the future, and every ed25519
//! signature of the server verifies over canonical JSON (appendix "Signing
//! JSON") with the keys in `verify_keys`.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use serde_json::Value;

use super::server_well_known::http_evidence;
use super::version::explain_failure;
use super::{add_remedy, worse};
use crate::check::expect::Expectations;
use crate::check::mistakes;
use crate::check::model::{CheckId, CheckResult, Status};
use crate::domain::ServerName;
use crate::matrix::discovery::Target;
use crate::matrix::signed_json::{self, SignatureCheck, VerifyKeys};
use crate::observe::HttpObservation;
use crate::words::{count, duration};

pub const PATH: &str = "/_matrix/key/v2/server";
const SPEC: &str = "server-server API, Retrieving server keys (GET /_matrix/key/v2/server); \
                    appendix Signing JSON";

/// What the key response says, as far as it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeysInfo {
    pub server_name: Option<String>,
    pub valid_until_ts: Option<i64>,
    /// Key id → unpadded base64 key.
    pub verify_keys: BTreeMap<String, String>,
    pub signatures: Vec<(String, SignatureCheck)>,
}

/// The findings, worst first is not required: each with its status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeysAnalysis {
    pub info: KeysInfo,
    pub problems: Vec<(Status, String)>,
}

/// `2026-05-01 12:00 UTC` for a Matrix timestamp (ms).
pub fn format_ts(ms: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => format!("{ms} (out of range)"),
    }
}

/// Reads and verifies a key response.
pub fn analyse(value: &Value, checked: &ServerName, now_ms: i64) -> KeysAnalysis {
    let mut a = KeysAnalysis::default();
    let mut problem = |s: Status, t: String| a.problems.push((s, t));
    let Some(obj) = value.as_object() else {
        problem(Status::Fail, "the answer is not a JSON object".into());
        return a;
    };
    let server_name = obj
        .get("server_name")
        .and_then(Value::as_str)
        .map(str::to_string);
    match &server_name {
        None => problem(Status::Fail, "no `server_name` in the key response".into()),
        Some(s) if s != checked.as_str() => problem(
            Status::Fail,
            format!("the keys are for `{s}`, not for `{}`", checked.as_str()),
        ),
        Some(_) => {}
    }
    let valid_until = obj.get("valid_until_ts").and_then(Value::as_i64);
    match valid_until {
        None => problem(Status::Fail, "no integer `valid_until_ts`".into()),
        Some(ts) if ts <= now_ms => problem(
            Status::Fail,
            format!(
                "the keys expired {} ago ({}): servers refuse to use them",
                duration(u64::try_from(now_ms.saturating_sub(ts) / 1000).unwrap_or(0)),
                format_ts(ts)
            ),
        ),
        Some(_) => {}
    }
    let mut keys = VerifyKeys::new();
    let mut raw = BTreeMap::new();
    if let Some(vk) = obj.get("verify_keys").and_then(Value::as_object) {
        for (id, entry) in vk {
            let key = entry.get("key").and_then(Value::as_str);
            if let Some(k) = key {
                raw.insert(id.clone(), k.to_string());
            }
            if id.starts_with("ed25519:") {
                let parsed = key
                    .ok_or_else(|| "no `key` string".to_string())
                    .and_then(signed_json::parse_verify_key);
                if let Err(e) = &parsed {
                    problem(Status::Fail, format!("verify key {id}: {e}"));
                }
                keys.insert(id.clone(), parsed);
            }
        }
    }
    if keys.is_empty() {
        problem(Status::Fail, "no ed25519 key in `verify_keys`".into());
    }
    let signer = server_name
        .clone()
        .unwrap_or_else(|| checked.as_str().to_string());
    match signed_json::check_signatures(value, &signer, &keys) {
        Err(e) => problem(Status::Fail, e.to_string()),
        Ok(checks) => {
            let mut any_valid = false;
            for (id, check) in &checks {
                match check {
                    SignatureCheck::Valid => any_valid = true,
                    SignatureCheck::UnsupportedAlgorithm => {}
                    SignatureCheck::UnknownKey => problem(
                        Status::Warn,
                        format!("signature {id} {} (ignored)", check.describe()),
                    ),
                    _ => problem(Status::Fail, format!("signature {id} {}", check.describe())),
                }
            }
            if !any_valid && !keys.is_empty() {
                problem(
                    Status::Fail,
                    format!("no signature of `{signer}` made with a listed key verifies"),
                );
            }
            a.info.signatures = checks;
        }
    }
    a.info.server_name = server_name;
    a.info.valid_until_ts = valid_until;
    a.info.verify_keys = raw;
    a
}

/// `server.keys` for one address. `now_ms`: the current time (Unix ms).
pub fn server_keys(
    addr: SocketAddr,
    target: &Target,
    obs: &HttpObservation,
    checked: &ServerName,
    now_ms: i64,
    ex: &Expectations,
) -> (CheckResult, Option<KeysInfo>) {
    let mut r = http_evidence(
        CheckResult::new(CheckId::ServerKeys, Status::Pass, String::new())
            .target(addr.to_string())
            .spec(SPEC),
        obs,
    );
    let value = obs
        .json()
        .filter(|_| obs.error.is_none() && obs.status == Some(200));
    let Some(value) = value else {
        let (summary, remedy) = explain_failure(obs, ex, &target.connect_host);
        r.status = Status::Fail;
        r.summary = if obs.status == Some(200) {
            "the key response is not JSON".into()
        } else {
            summary
        };
        r.remedy = remedy;
        return (r, None);
    };
    if obs.body_truncated() {
        r.status = Status::Fail;
        r.summary = "the key response is larger than the 1 MiB limit".into();
        return (r, None);
    }
    let a = analyse(&value, checked, now_ms);
    for (status, text) in &a.problems {
        r = r.evidence("problem", text.clone());
        r.status = worse(r.status, *status);
    }
    let worst = a.problems.iter().find(|(s, _)| *s == r.status);
    r.summary = match worst {
        Some((_, text)) => text.clone(),
        None => {
            let ids: Vec<&str> = a.info.verify_keys.keys().map(String::as_str).collect();
            let until = a
                .info
                .valid_until_ts
                .map(|ts| format!(", valid until {}", format_ts(ts)))
                .unwrap_or_default();
            format!(
                "{} ({}){until}, signatures verify",
                count(ids.len(), "key", "keys"),
                ids.join(", ")
            )
        }
    };
    if let Some(m) = mistakes::checked_name(checked, ex, a.info.server_name.as_deref()) {
        r = r.evidence(format!("classic mistake: {}", m.title()), m.explain());
        r = add_remedy(r, m.remedy(ex, &checked.host_str()));
        r.status = worse(r.status, Status::Fail);
    }
    if a.problems.iter().any(|(_, t)| t.contains("expired")) {
        r = add_remedy(
            r,
            "The homeserver signs a fresh key response on request; an expired one usually \
                           comes from a cache in front of it (a CDN or proxy cache): do not cache /_matrix/key/.",
        );
    }
    if a.problems
        .iter()
        .any(|(_, t)| t.contains("does NOT verify"))
    {
        r = add_remedy(
            r,
            "Something changes the response on the way (a proxy rewriting JSON or \
                           serving another server's keys), or the homeserver's signing key file \
                           does not match what it publishes.",
        );
    }
    (r, Some(a.info))
}
