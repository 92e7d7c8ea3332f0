//! The peer models (`federation.peers` of `check`'s report) next to the
//! oracles that run the same peer's own code: Synapse's model against
//! Synapse's federation agent, Continuwuity's model against the
//! `resolvematrix` crate. Compared: the step (or the failure before one),
//! success, and for every federation request a simulated server received
//! its address (one of the model's targets), `Host` header and SNI; for
//! Synapse also how long it keeps the well-known answer.
//!
//! The simulation runs with `allow_private_addresses` (every address is on
//! loopback), and the Synapse oracle with its IP blocklist emptied: both
//! sides have the blocklist off. The blocklist model is tested on its own
//! (`tests/it/matrix/peers/addresses.rs`).

use serde_json::Value;

use super::view::PeerView;
use super::{Oracle, OracleRun, SpecSide};

/// One model's entry of `federation.peers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSide {
    pub peer: String,
    pub ok: bool,
    pub step: Option<String>,
    /// `(address, Host, SNI)` of each target the model would use.
    pub targets: Vec<(String, String, Option<String>)>,
    pub failure: Option<String>,
    pub keeps_answer_s: Option<u64>,
}

/// The model a federation oracle runs the code of.
pub fn model_of(oracle: Oracle) -> Option<&'static str> {
    match oracle {
        Oracle::Synapse => Some("synapse"),
        Oracle::Resolvematrix => Some("continuwuity"),
        Oracle::JsSdk | Oracle::Chromium => None,
    }
}

impl SpecSide {
    /// The entry of `federation.peers` for `peer`.
    pub fn model(&self, peer: &str) -> Option<ModelSide> {
        let entry = self.report["federation"]["peers"]
            .as_array()?
            .iter()
            .find(|p| p["peer"].as_str() == Some(peer))?;
        Some(ModelSide {
            peer: peer.to_string(),
            ok: entry["ok"].as_bool() == Some(true),
            step: entry["step"].as_str().map(str::to_string),
            targets: entry["targets"]
                .as_array()
                .map(|ts| {
                    ts.iter()
                        .map(|t| {
                            (
                                t["address"].as_str().unwrap_or_default().to_string(),
                                t["host_header"].as_str().unwrap_or_default().to_string(),
                                t["sni"].as_str().map(str::to_string),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            failure: entry["failure"].as_str().map(str::to_string),
            keeps_answer_s: entry["keeps_answer_s"].as_u64(),
        })
    }
}

/// Synapse multiplies its 24 h default and its 1 h and 2 min failure
/// periods by a random factor in 0.9 … 1.1
/// (`WELL_KNOWN_DEFAULT_CACHE_PERIOD_JITTER`); the model reports the upper
/// end of that spread as `keeps_answer_s` (how long at most).
const SYNAPSE_JITTERED_MAXIMA: [u64; 3] = [24 * 3600 * 11 / 10, 3600 * 11 / 10, 120 * 11 / 10];

/// How long the Synapse oracle keeps the well-known answer, if it fetched one.
pub fn oracle_keeps_s(run: &OracleRun) -> Option<f64> {
    run.output.as_ref()?["well_known"]["cache_period_s"].as_f64()
}

/// Whether Synapse's period agrees with the model's: the same number of
/// seconds, or, for the periods Synapse spreads at random, within the
/// spread whose upper end the model reports.
pub fn keeps_agree(model: Option<u64>, oracle: Option<f64>) -> bool {
    match (model, oracle) {
        (Some(m), Some(o)) if SYNAPSE_JITTERED_MAXIMA.contains(&m) => {
            #[allow(clippy::cast_precision_loss)]
            let m = m as f64;
            o >= m * 9.0 / 11.0 - 1.0 && o <= m + 1.0
        }
        #[allow(clippy::cast_precision_loss)]
        (Some(m), Some(o)) => (m as f64 - o).abs() < 1.0,
        // No well-known was fetched (a literal or a name with a port): the
        // model keeps nothing of its own either.
        (_, None) => true,
        (None, Some(_)) => false,
    }
}

/// Where a model differs from its oracle: `step`, `ok`, `address` (a
/// request went to an address that is not one of the model's targets),
/// `host`, `sni`, `keeps` (Synapse's cache period).
pub fn model_differences(model: &ModelSide, view: &PeerView, run: &OracleRun) -> Vec<&'static str> {
    let mut differs = Vec::new();
    if view.step != model.step {
        differs.push("step");
    }
    if view.ok != model.ok {
        differs.push("ok");
    }
    for (address, host, sni) in &view.requests {
        match model.targets.iter().find(|(a, _, _)| a == address) {
            None => {
                if !differs.contains(&"address") {
                    differs.push("address");
                }
            }
            Some((_, model_host, model_sni)) => {
                if model_host != host && !differs.contains(&"host") {
                    differs.push("host");
                }
                if model_sni != sni && !differs.contains(&"sni") {
                    differs.push("sni");
                }
            }
        }
    }
    if run.oracle == Oracle::Synapse && !keeps_agree(model.keeps_answer_s, oracle_keeps_s(run)) {
        differs.push("keeps");
    }
    differs
}

/// The oracle stopped waiting (its driver's deadline) before the peer got
/// anywhere: the peer's own timeouts are longer than the driver's.
pub fn oracle_cut_off(view: &PeerView, out: &Value) -> bool {
    view.step.is_none()
        && view.requests.is_empty()
        && out["requests"].as_array().is_some_and(|rs| {
            rs.iter()
                .any(|r| r["failure"]["type"] == "DeadlineExceeded")
        })
}
