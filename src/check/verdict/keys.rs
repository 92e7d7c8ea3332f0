//! `server.keys` (per address): `GET /_matrix/key/v2/server` (server-server
//! API, "Retrieving server keys" → "Publishing Keys"): `server_name` equals
//! the name checked, `valid_until_ts` lies in the future, and every ed25519
//! signature of the server verifies over canonical JSON (appendix "Signing
//! JSON") with the keys in `verify_keys`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
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
use crate::matrix::signed_json::{self, SignatureCheck, SignedJsonError, VerifyKeys};
use crate::observe::HttpObservation;
use crate::words::{count, duration};

pub const PATH: &str = "/_matrix/key/v2/server";

/// At most this many `ed25519:` entries of `verify_keys` are examined, and
/// at most this many signatures verified, per key response. A homeserver
/// signs its key response with each of its current keys, and has one (two
/// for a while during a rotation; old keys move to `old_verify_keys`). Each
/// verification hashes the whole signed body, so a response listing
/// thousands of keys and signatures would otherwise cost seconds of CPU per
/// address.
pub const MAX_KEYS_EXAMINED: usize = 4;
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

/// What was read, and what is wrong with it (in the order found).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeysAnalysis {
    pub info: KeysInfo,
    pub problems: Vec<KeyProblem>,
}

/// One thing wrong with a key response (server-server API, "Publishing
/// Keys"; appendix "Signing JSON").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    NotAnObject,
    NoServerName,
    /// The keys are for another server than the one checked.
    WrongServerName {
        found: String,
        checked: String,
    },
    NoValidUntil,
    /// `valid_until_ts` lies in the past: servers refuse to use the keys.
    Expired {
        valid_until_ts: i64,
        now_ms: i64,
    },
    /// An `ed25519:` entry of `verify_keys` is unusable.
    BadVerifyKey {
        id: String,
        why: String,
    },
    NoEd25519Key,
    /// The signatures could not be checked at all.
    Unsigned(SignedJsonError),
    /// A signature whose outcome is not "valid" (and not an ignored
    /// algorithm).
    Signature {
        id: String,
        check: SignatureCheck,
    },
    /// No signature of the signer made with a listed key verifies.
    NoValidSignature {
        signer: String,
    },
    /// More keys or signatures than [`MAX_KEYS_EXAMINED`]: the rest were
    /// not examined.
    NotExamined {
        verify_keys: usize,
        signatures: usize,
    },
}

impl KeyProblem {
    /// A signature made with a key the response does not list is ignored by
    /// servers (only a warning); everything else makes the keys unusable.
    pub fn status(&self) -> Status {
        match self {
            KeyProblem::Signature {
                check: SignatureCheck::UnknownKey,
                ..
            }
            | KeyProblem::NotExamined { .. } => Status::Warn,
            _ => Status::Fail,
        }
    }

    /// What the operator can do about it, when there is something specific.
    fn remedy(&self) -> Option<&'static str> {
        match self {
            KeyProblem::Expired { .. } => Some(
                "The homeserver signs a fresh key response on request; an expired one usually \
                 comes from a cache in front of it (a CDN or proxy cache): do not cache \
                 /_matrix/key/.",
            ),
            KeyProblem::Signature {
                check: SignatureCheck::Invalid,
                ..
            } => Some(
                "Something changes the response on the way (a proxy rewriting JSON or serving \
                 another server's keys), or the homeserver's signing key file does not match \
                 what it publishes.",
            ),
            _ => None,
        }
    }
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyProblem::NotAnObject => f.write_str("the answer is not a JSON object"),
            KeyProblem::NoServerName => f.write_str("no `server_name` in the key response"),
            KeyProblem::WrongServerName { found, checked } => {
                write!(f, "the keys are for `{found}`, not for `{checked}`")
            }
            KeyProblem::NoValidUntil => f.write_str("no integer `valid_until_ts`"),
            KeyProblem::Expired {
                valid_until_ts,
                now_ms,
            } => write!(
                f,
                "the keys expired {} ago ({}): servers refuse to use them",
                duration(u64::try_from(now_ms.saturating_sub(*valid_until_ts) / 1000).unwrap_or(0)),
                format_ts(*valid_until_ts)
            ),
            KeyProblem::BadVerifyKey { id, why } => write!(f, "verify key {id}: {why}"),
            KeyProblem::NoEd25519Key => f.write_str("no ed25519 key in `verify_keys`"),
            KeyProblem::Unsigned(e) => e.fmt(f),
            KeyProblem::Signature {
                id,
                check: check @ SignatureCheck::UnknownKey,
            } => write!(f, "signature {id} {} (ignored)", check.describe()),
            KeyProblem::Signature { id, check } => write!(f, "signature {id} {}", check.describe()),
            KeyProblem::NoValidSignature { signer } => write!(
                f,
                "no signature of `{signer}` made with a listed key verifies"
            ),
            KeyProblem::NotExamined {
                verify_keys,
                signatures,
            } => {
                let mut parts = Vec::new();
                if *verify_keys > 0 {
                    parts.push(count(*verify_keys, "more verify key", "more verify keys"));
                }
                if *signatures > 0 {
                    parts.push(count(*signatures, "more signature", "more signatures"));
                }
                write!(
                    f,
                    "{} not examined (only the first {MAX_KEYS_EXAMINED} of each are; a server \
                     publishes one or two)",
                    parts.join(" and ")
                )
            }
        }
    }
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
    let mut problem = |p: KeyProblem| a.problems.push(p);
    let Some(obj) = value.as_object() else {
        problem(KeyProblem::NotAnObject);
        return a;
    };
    let server_name = obj
        .get("server_name")
        .and_then(Value::as_str)
        .map(str::to_string);
    match &server_name {
        None => problem(KeyProblem::NoServerName),
        Some(s) if s != checked.as_str() => problem(KeyProblem::WrongServerName {
            found: s.clone(),
            checked: checked.as_str().to_string(),
        }),
        Some(_) => {}
    }
    let valid_until = obj.get("valid_until_ts").and_then(Value::as_i64);
    match valid_until {
        None => problem(KeyProblem::NoValidUntil),
        Some(ts) if ts <= now_ms => problem(KeyProblem::Expired {
            valid_until_ts: ts,
            now_ms,
        }),
        Some(_) => {}
    }
    let mut keys = VerifyKeys::new();
    let mut raw = BTreeMap::new();
    let mut unexamined = BTreeSet::new();
    if let Some(vk) = obj.get("verify_keys").and_then(Value::as_object) {
        for (id, entry) in vk {
            if raw.len() >= MAX_KEYS_EXAMINED || keys.len() >= MAX_KEYS_EXAMINED {
                unexamined.insert(id.clone());
                continue;
            }
            let key = entry.get("key").and_then(Value::as_str);
            if let Some(k) = key {
                raw.insert(id.clone(), k.to_string());
            }
            if id.starts_with("ed25519:") {
                let parsed = key
                    .ok_or_else(|| "no `key` string".to_string())
                    .and_then(signed_json::parse_verify_key);
                if let Err(why) = &parsed {
                    problem(KeyProblem::BadVerifyKey {
                        id: id.clone(),
                        why: why.clone(),
                    });
                }
                keys.insert(id.clone(), parsed);
            }
        }
    }
    if keys.is_empty() {
        problem(KeyProblem::NoEd25519Key);
    }
    let signer = server_name
        .clone()
        .unwrap_or_else(|| checked.as_str().to_string());
    let mut signatures_not_examined = 0;
    match signed_json::check_signatures_capped(
        value,
        &signer,
        &keys,
        &unexamined,
        MAX_KEYS_EXAMINED,
    ) {
        Err(e) => problem(KeyProblem::Unsigned(e)),
        Ok(capped) => {
            signatures_not_examined = capped.not_examined;
            let checks = &capped.checked;
            let mut any_valid = false;
            for (id, check) in checks {
                match check {
                    SignatureCheck::Valid => any_valid = true,
                    SignatureCheck::UnsupportedAlgorithm => {}
                    _ => problem(KeyProblem::Signature {
                        id: id.clone(),
                        check: check.clone(),
                    }),
                }
            }
            // With keys or signatures left unexamined, a valid one may be
            // among them: only the examined ones are judged.
            if !any_valid && !keys.is_empty() && capped.not_examined == 0 && unexamined.is_empty() {
                problem(KeyProblem::NoValidSignature { signer });
            }
            a.info.signatures = capped.checked;
        }
    }
    if !unexamined.is_empty() || signatures_not_examined > 0 {
        problem(KeyProblem::NotExamined {
            verify_keys: unexamined.len(),
            signatures: signatures_not_examined,
        });
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
    if let Some(problem) = obs.local_problem() {
        return (super::local::could_not_test(r, problem), None);
    }
    if let Some(crate::observe::FetchFailure::RefusedAddress { addresses }) = &obs.error {
        return (super::refused::not_connected(r, addresses), None);
    }
    if obs.error.is_none() && obs.status == Some(200) && obs.body_truncated() {
        r.status = Status::Fail;
        r.summary = "the key response is larger than the 1 MiB limit".into();
        return (r, None);
    }
    let value = obs
        .json()
        .filter(|_| obs.error.is_none() && obs.status == Some(200));
    let Some(value) = value else {
        let (summary, remedy) = explain_failure(obs, ex, &target.connect_host);
        r.status = Status::Fail;
        r.summary = if let Some(why) = obs.body_incomplete() {
            format!("the key response did not arrive in full: {why}")
        } else if obs.status == Some(200) {
            "the key response is not JSON".into()
        } else {
            summary
        };
        r.remedy = remedy;
        return (r, None);
    };
    let a = analyse(&value, checked, now_ms);
    for p in &a.problems {
        r = r.evidence("problem", p.to_string());
        r.status = worse(r.status, p.status());
    }
    let worst = a.problems.iter().find(|p| p.status() == r.status);
    r.summary = match worst {
        Some(p) => p.to_string(),
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
    // The checked name delegates when the host peers connect to is another
    // name (well-known or SRV delegation).
    let delegated_to = (!super::resolution::same_host(&target.connect_host, &checked.host_str()))
        .then_some(target.connect_host.as_str());
    if let Some(m) =
        mistakes::key_name_mismatch(checked, ex, a.info.server_name.as_deref(), delegated_to)
    {
        r = r.evidence(format!("classic mistake: {}", m.title()), m.explain());
        r = add_remedy(r, m.remedy(ex, &checked.host_str()));
        r.status = worse(r.status, Status::Fail);
    }
    // One paragraph per kind of problem, in the order the kinds were found.
    for remedy in a.problems.iter().filter_map(KeyProblem::remedy) {
        r = add_remedy(r, remedy);
    }
    (r, Some(a.info))
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;
    use serde_json::json;

    use super::*;
    use crate::matrix::signed_json::{encode_base64, sign};

    /// 2026-01-01 00:00 UTC.
    const NOW_MS: i64 = 1_767_225_600_000;
    const DAY_MS: i64 = 86_400_000;

    fn name(s: &str) -> ServerName {
        ServerName::parse(s).expect("valid server name")
    }

    fn signed(server_name: &str, valid_until_ts: i64) -> Value {
        let key = SigningKey::from_bytes(&[7; 32]);
        let mut v = json!({
            "server_name": server_name,
            "valid_until_ts": valid_until_ts,
            "verify_keys": {
                "ed25519:k1": {"key": encode_base64(key.verifying_key().as_bytes())}
            },
        });
        sign(&mut v, server_name, "ed25519:k1", &key).expect("signs");
        v
    }

    fn keys_result(body: &Value, checked: &str) -> CheckResult {
        let target = Target {
            connect_host: "matrix.example.com".into(),
            port: 443,
            host_header: "matrix.example.com".into(),
            sni: Some("matrix.example.com".into()),
            cert_name: "matrix.example.com".into(),
            srv: None,
            addresses: vec![],
            lookup_failure: None,
            cname: None,
        };
        let obs = HttpObservation::get(format!("https://matrix.example.com{PATH}")).respond(
            200,
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
        );
        let addr = "203.0.113.7:443".parse().expect("addr");
        let ex = Expectations::none();
        server_keys(addr, &target, &obs, &name(checked), NOW_MS, &ex).0
    }

    const CACHE_REMEDY: &str = "do not cache /_matrix/key/";
    const TAMPER_REMEDY: &str = "Something changes the response on the way";

    #[test]
    fn expired_keys_point_at_a_cache() {
        let r = keys_result(&signed("example.com", NOW_MS - DAY_MS), "example.com");
        assert_eq!(r.status, Status::Fail);
        assert!(r.summary.starts_with("the keys expired 1 d ago"), "{r:#?}");
        let remedy = r.remedy.unwrap_or_default();
        assert!(remedy.contains(CACHE_REMEDY), "{remedy}");
        assert!(!remedy.contains(TAMPER_REMEDY), "{remedy}");
    }

    #[test]
    fn a_signature_that_does_not_verify_points_at_tampering() {
        let mut body = signed("example.com", NOW_MS + DAY_MS);
        body["valid_until_ts"] = json!(NOW_MS + 2 * DAY_MS);
        let r = keys_result(&body, "example.com");
        assert_eq!(r.status, Status::Fail);
        assert_eq!(r.summary, "signature ed25519:k1 does NOT verify");
        let remedy = r.remedy.unwrap_or_default();
        assert!(remedy.contains(TAMPER_REMEDY), "{remedy}");
        assert!(!remedy.contains(CACHE_REMEDY), "{remedy}");
    }

    /// The remedy follows the kind of problem, never words in it: a server
    /// name (from the network) that says "expired" and "does NOT verify"
    /// is just the wrong name.
    #[test]
    fn words_from_the_network_choose_no_remedy() {
        let r = keys_result(
            &signed("expired.does-NOT-verify.example", NOW_MS + DAY_MS),
            "example.com",
        );
        assert_eq!(r.status, Status::Fail);
        assert_eq!(
            r.summary,
            "the keys are for `expired.does-NOT-verify.example`, not for `example.com`"
        );
        let remedy = r.remedy.unwrap_or_default();
        assert!(!remedy.contains(CACHE_REMEDY), "{remedy}");
        assert!(!remedy.contains(TAMPER_REMEDY), "{remedy}");
    }

    #[test]
    fn problems_have_their_status_and_words() {
        let unknown = KeyProblem::Signature {
            id: "ed25519:old".into(),
            check: SignatureCheck::UnknownKey,
        };
        assert_eq!(unknown.status(), Status::Warn);
        assert_eq!(
            unknown.to_string(),
            "signature ed25519:old made with a key the response does not list (ignored)"
        );
        assert_eq!(unknown.remedy(), None);
        let invalid = KeyProblem::Signature {
            id: "ed25519:k1".into(),
            check: SignatureCheck::Invalid,
        };
        assert_eq!(invalid.status(), Status::Fail);
        assert!(invalid.remedy().is_some_and(|r| r.contains("on the way")));
        let expired = KeyProblem::Expired {
            valid_until_ts: NOW_MS - 90 * 60 * 1000,
            now_ms: NOW_MS,
        };
        assert_eq!(
            expired.to_string(),
            "the keys expired 1 h 30 min ago (2025-12-31 22:30 UTC): servers refuse to use them"
        );
        assert!(expired.remedy().is_some_and(|r| r.contains("cache")));
        let wrong = KeyProblem::WrongServerName {
            found: "expired.example.org".into(),
            checked: "example.com".into(),
        };
        assert_eq!(wrong.remedy(), None);
        assert_eq!(
            KeyProblem::NoValidSignature {
                signer: "example.com".into()
            }
            .to_string(),
            "no signature of `example.com` made with a listed key verifies"
        );
    }
}
