//! Differences between a peer and `check`'s spec path on the healthy
//! scenarios that are known, each with its reason and an exact rule for the
//! value the peer sends instead. Anything else is a failing test. (Every
//! scenario's comparison is in `tests/oracles/RESULTS.md`.)

use super::models::{ModelSide, oracle_cut_off};
use super::view::PeerView;
use super::{Oracle, OracleRun, ScenarioRow, SpecSide};

/// A known difference: which peer, which compared field, why.
pub struct Known {
    pub oracle: Oracle,
    pub what: &'static str,
    pub why: &'static str,
}

pub const KNOWN_DIFFERENCES: &[Known] = &[
    Known {
        oracle: Oracle::Resolvematrix,
        what: "host",
        why: "resolvematrix turns a resolution into a URL (`https://host:port`) and its HTTP client \
          derives `Host` from that URL: `:443` is dropped and any other port is added \
          (`matrix.example.com` at step 3.2, `example.org:8448` at step 6, \
          `matrix.example.com:8443` at 3.3 with an SRV port). The spec (server-server API, \
          \"Resolving server names\") sends `host:port` at steps 2, 3.1 and 3.2 and no port at \
          3.3-3.5 and 4-6. A proxy that matches `Host` exactly sees both forms.",
    },
    Known {
        oracle: Oracle::Chromium,
        what: "client.cors",
        why: "`check` warns when a client-API preflight allows `Authorization` only through \
          `Access-Control-Allow-Headers: *`; Chromium lets the request through. The Fetch \
          standard does not count `Authorization` in the wildcard (a \"CORS non-wildcard \
          request-header name\"), so browsers that follow it fail every signed-in request: \
          stricter than Chromium on purpose (scenario cors-allow-headers-wildcard).",
    },
    Known {
        oracle: Oracle::Chromium,
        what: "client.cors (client-file preflight)",
        why: "`check` warns when an OPTIONS preflight for the client file gets no \
          `Access-Control-Allow-Origin` (a static file server answering 405); the page reads the \
          file with a simple GET, which browsers send without a preflight (Fetch standard, \
          CORS-safelisted requests), so Chromium reads it. Clients that add a header to that \
          request are stopped: a warning, stricter than the page on purpose (scenario \
          cors-missing-on-preflight). Rule: every client.cors result warns for the client \
          file's preflight and the browser read both.",
    },
    Known {
        oracle: Oracle::Chromium,
        what: "client.cors (unusable base_url)",
        why: "With a base_url that is not a URL (client.well-known FAIL_ERROR, client.versions \
          skipped) `check` has no client API to ask, so client.cors judges the client file \
          alone; the page still tries the base_url and its fetch fails before any request \
          (\"Failed to parse URL\"), for a reason that is not CORS (scenario escape-sequences). \
          Rule: client.versions skipped, the browser read the client file, and its versions \
          fetch failed to parse the URL.",
    },
];

/// The host part of a `Host` value (`[::1]:443` → `[::1]`, `a.b:8448` → `a.b`).
fn host_part(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) && !h.contains(':') => h,
        _ => host,
    }
}

/// The `Host` a URL-building client sends to `address` for the spec
/// target's host: the port only when it is not 443.
pub fn url_authority_host(spec_host: &str, address: &str) -> String {
    let port = address.rsplit_once(':').map_or("", |(_, p)| p);
    let host = host_part(spec_host);
    if port == "443" || port.is_empty() {
        host.to_string()
    } else {
        format!("{host}:{port}")
    }
}

/// Whether `what` differing for `oracle` is a known difference, and the
/// peer sent exactly what the difference's rule says.
pub fn explained(
    oracle: Oracle,
    what: &str,
    spec: &SpecSide,
    requests: &[(String, String, Option<String>)],
) -> bool {
    if !KNOWN_DIFFERENCES
        .iter()
        .any(|k| k.oracle == oracle && k.what == what)
    {
        return false;
    }
    match (oracle, what) {
        (Oracle::Resolvematrix, "host") => requests.iter().all(|(address, host, _)| {
            spec.targets()
                .iter()
                .find(|(a, _, _)| a == address)
                .is_some_and(|(_, spec_host, _)| *host == url_authority_host(spec_host, address))
        }),
        _ => false,
    }
}

/// Differences between a peer model (`federation.peers`) and the oracle
/// running that peer's code that are deliberate, each with its reason and
/// an exact rule ([`model_explained`]). Anything else is a failing test.
pub const KNOWN_MODEL_DIFFERENCES: &[Known] = &[Known {
    oracle: Oracle::Synapse,
    what: "step",
    why: "The oracle's driver stops waiting after 6 s; Synapse itself waits for the well-known \
          file up to its federation request timeout (60 s by default) and only then goes on to \
          SRV and port 8448. When the well-known host accepts the connection and never answers \
          (`blackholed`, `slow-body`), the oracle ends with no step and no request while the \
          model, which knows `check`'s shorter fetch failed, names the fallback step. Both fail; \
          rule: the oracle was cut off by its deadline before any request, and the model fails too.",
}];

/// Whether `what` differing between `model` and the oracle is a listed
/// model difference whose rule holds here.
pub fn model_explained(
    oracle: Oracle,
    what: &str,
    model: &ModelSide,
    view: &PeerView,
    run: &OracleRun,
) -> bool {
    if !KNOWN_MODEL_DIFFERENCES
        .iter()
        .any(|k| k.oracle == oracle && k.what == what)
    {
        return false;
    }
    match (oracle, what) {
        (Oracle::Synapse, "step") => {
            !model.ok
                && run
                    .output
                    .as_ref()
                    .is_some_and(|out| oracle_cut_off(view, out))
        }
        _ => false,
    }
}

/// Chromium's outcome differs from `client.cors` as a listed difference
/// says: `check` warned only because a client-API preflight allows
/// `Authorization` through `Access-Control-Allow-Headers: *`, or only for
/// the client file's preflight, and the browser read everything
/// (`readable`); or the base_url is not a URL, so `check` judged the
/// client file alone and the browser's versions fetch never left the page.
pub fn chromium_difference_is_known(row: &ScenarioRow, readable: bool) -> bool {
    let listed = |what: &str| {
        KNOWN_DIFFERENCES
            .iter()
            .any(|k| k.oracle == Oracle::Chromium && k.what == what)
    };
    let checks = |id: &str| -> Vec<&serde_json::Value> {
        row.spec.report["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["id"] == id)
            .collect()
    };
    let cors = checks("client.cors");
    let all_warn_for = |needle: &str| {
        !cors.is_empty()
            && cors.iter().all(|c| {
                c["status"] == "warn" && c["summary"].as_str().is_some_and(|s| s.contains(needle))
            })
    };
    if readable {
        return (listed("client.cors")
            && all_warn_for("only through `Access-Control-Allow-Headers: *`"))
            || (listed("client.cors (client-file preflight)")
                && all_warn_for("the CORS preflight for the client file fails"));
    }
    let versions_skipped = {
        let v = checks("client.versions");
        !v.is_empty() && v.iter().all(|c| c["status"] == "skipped")
    };
    let browser = row
        .run(Oracle::Chromium)
        .and_then(|run| run.output.as_ref());
    let file_read =
        browser.is_some_and(|out| out["well_known"]["readable"].as_bool() == Some(true));
    let url_unparsable = browser.is_some_and(|out| {
        out["versions"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("Failed to parse URL"))
    });
    listed("client.cors (unusable base_url)") && versions_skipped && file_read && url_unparsable
}
