//! A scenario's `[expect]` table: what a correct resolver and checker
//! conclude about it. Documentation as data — the scenario tests of the
//! checks assert it.

use std::net::SocketAddr;

use serde::Deserialize;

/// What a correct resolver and checker should conclude (documentation as
/// data: the scenario tests of the checks assert it).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The spec step resolution ends at: "1", "2", "3.1".."3.5", "4", "5", "6".
    pub step: String,
    /// `federation.ok`: the spec path and every modelled peer work.
    pub federation_ok: bool,
    /// Whether the spec path alone works (its targets pass TLS, version
    /// and keys); unset: the same as `federation_ok`. Differs only where a
    /// peer implementation fails and the spec path does not.
    #[serde(default)]
    pub spec_ok: Option<bool>,
    /// The modelled peers (`federation.peers`) that cannot reach the
    /// server, exactly, by their stable names; unset: not asserted.
    #[serde(default)]
    pub peers_fail: Option<Vec<String>>,
    /// OK, IGNORE, FAIL_PROMPT or FAIL_ERROR.
    pub client: String,
    #[serde(default)]
    pub targets: Vec<ExpectedTarget>,
    /// Check ids that must fail (or error).
    #[serde(default)]
    pub fail: Vec<String>,
    /// Check ids that must warn.
    #[serde(default)]
    pub warn: Vec<String>,
    /// Check ids that must be skipped at some target (per-address checks
    /// at an address the rule on private addresses left unasked).
    #[serde(default)]
    pub skipped: Vec<String>,
    /// The root causes, in report order, each id once: the problems that
    /// follow from no other check, and the checks others follow from
    /// (`check::causality`). Every built-in scenario states them (`[]`
    /// when nothing fails).
    #[serde(default)]
    pub root_causes: Option<Vec<String>>,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedTarget {
    pub address: SocketAddr,
    pub host_header: String,
    pub sni: Option<String>,
    pub cert_name: String,
}
