//! `cache.well-known`: what `Cache-Control` / `Expires` / `Age` of the
//! well-known files mean for when other servers notice a change.
//! Server-server API "Resolving server names", step 3: respect cache
//! headers, default 24 h, cap 48 h, cache errors up to 1 h. Synapse
//! (well_known_resolver.py): `no-store` → 0, else `max-age`, else
//! `Expires`; clamped to 5 min–48 h; no header → 24 h ± 10 %; failures 1 h.

use super::add_remedy;
use crate::check::expect::Expectations;
use crate::check::model::{CheckId, CheckResult, Status};
use crate::check::remedy;
use crate::matrix::peers::synapse_header_period;
use crate::matrix::well_known_server::ServerWellKnown;
use crate::observe::HttpObservation;
use crate::words::duration;

pub const DEFAULT_SECS: u64 = 24 * 3600;
pub const MIN_SECS: u64 = 5 * 60;
pub const MAX_SECS: u64 = 48 * 3600;
pub const FAILURE_SECS: u64 = 3600;
const SPEC: &str =
    "server-server API, Resolving server names, step 3 (caching of /.well-known responses)";

/// How long Synapse keeps a result, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachePeriod {
    pub secs: u64,
    pub why: String,
    /// Headers asked for something outside 5 min–48 h.
    pub clamped: bool,
    /// No caching header: the default applies.
    pub default: bool,
}

/// Every value of a response header, in the order received (a header sent
/// several times counts as one list, as HTTP says).
fn all_values<'a>(obs: &'a HttpObservation, name: &'a str) -> impl Iterator<Item = &'a str> {
    obs.headers
        .iter()
        .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The period Synapse caches a *valid* well-known response, read as
/// Synapse reads the headers ([`synapse_header_period`]): every
/// `Cache-Control` header, a later directive replacing an earlier one; a
/// quoted `max-age="7200"` is not a number to Synapse and is ignored; the
/// last `Expires`. `now`: Unix seconds.
pub fn synapse_period(obs: &HttpObservation, now: i64) -> CachePeriod {
    let clamp = |secs: i64, why: String| {
        let raw = u64::try_from(secs).unwrap_or(0);
        let secs = raw.clamp(MIN_SECS, MAX_SECS);
        CachePeriod {
            clamped: secs != raw,
            secs,
            why,
            default: false,
        }
    };
    let cache_control: Vec<(String, String)> = obs
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("cache-control"))
        .cloned()
        .collect();
    let directives = || {
        all_values(obs, "cache-control")
            .flat_map(|v| v.split(','))
            .map(|d| {
                d.split('=')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            })
    };
    if let Some(asked) = synapse_header_period(&cache_control, now) {
        let why = if directives().any(|d| d == "no-store") {
            "Cache-Control: no-store".to_string()
        } else {
            format!("Cache-Control: max-age={asked}")
        };
        return clamp(asked, why);
    }
    if let Some(asked) = synapse_header_period(&obs.headers, now) {
        let expires = all_values(obs, "expires").last().unwrap_or_default();
        // An invalid date (notably "0") means "already expired".
        return clamp(asked, format!("Expires: {expires}"));
    }
    let why = if directives().any(|d| d == "max-age") {
        let sent: Vec<&str> = all_values(obs, "cache-control").collect();
        format!(
            "Cache-Control: {}, whose max-age Synapse cannot read as a number (a quoted or \
             malformed value is ignored)",
            sent.join(", ")
        )
    } else {
        "no Cache-Control or Expires".into()
    };
    CachePeriod {
        secs: DEFAULT_SECS,
        why,
        clamped: false,
        default: true,
    }
}

fn headers_line(obs: &HttpObservation) -> String {
    let parts: Vec<String> = ["cache-control", "expires", "age"]
        .iter()
        .flat_map(|h| all_values(obs, h).map(move |v| format!("{h}: {v}")))
        .collect();
    if parts.is_empty() {
        "no caching headers".into()
    } else {
        parts.join(" · ")
    }
}

/// `cache.well-known`. `server` is the server file as fetched during
/// discovery, `client` the client file; `now` is Unix seconds.
pub fn cache_well_known(
    server: Option<&HttpObservation>,
    client: Option<&HttpObservation>,
    now: i64,
    ex: &Expectations,
    site: &str,
) -> CheckResult {
    let mut r = CheckResult::new(CheckId::CacheWellKnown, Status::Pass, String::new()).spec(SPEC);
    for obs in [server, client].into_iter().flatten() {
        r = r.evidence(
            format!("{} {}", obs.method, obs.final_url),
            headers_line(obs),
        );
    }
    let Some(server) = server else {
        r.status = Status::Skipped;
        r.summary =
            "no server file was fetched (the server name needs no well-known lookup)".into();
        return r;
    };
    let flush = "Peers running Continuwuity cache too; an admin there can run `!admin query resolver flush-cache <name>`.";
    // Valid as peers read it: a 200 with a usable `m.server` (a `{}` is
    // an invalid file, cached as a failure).
    let valid = ServerWellKnown::read(server.clone()).m_server().is_some();
    if !valid {
        r.summary = format!(
            "the server file fails, and servers cache that failure for about {} (Synapse) before trying again",
            duration(FAILURE_SECS)
        );
        return r.evidence(
            "other servers",
            format!(
                "a fix is noticed within about {} ({flush})",
                duration(FAILURE_SECS)
            ),
        );
    }
    let p = synapse_period(server, now);
    let notice = format!(
        "other servers (Synapse) keep the answer {} ({}), so they notice a change within that time",
        duration(p.secs),
        p.why
    );
    r = r.evidence("other servers", format!("{notice}. {flush}"));
    if let Some(age) = server
        .header("age")
        .and_then(|a| a.trim().parse::<u64>().ok())
    {
        r = r.evidence(
            "a cache in front",
            format!("a shared cache (CDN) served a copy {} old: changes reach peers only after that cache refreshes too", duration(age)),
        );
    }
    if p.default {
        r.status = Status::Warn;
        r.summary = if server.header("cache-control").is_some() {
            format!(
                "{}: peers keep the old answer up to ~{}",
                p.why,
                duration(DEFAULT_SECS)
            )
        } else {
            format!(
                "no Cache-Control: peers keep the old answer up to ~{}",
                duration(DEFAULT_SECS)
            )
        };
        r = add_remedy(
            r,
            format!(
                "While you are still changing the setup, send a short lifetime so peers notice changes sooner:\n{}",
                remedy::cache_control(ex.proxy, site, 3600)
            ),
        );
    } else if p.clamped {
        r.summary = format!("{}: Synapse clamps it to {}", p.why, duration(p.secs));
    } else {
        r.summary = format!(
            "{}: peers notice a change within {}",
            p.why,
            duration(p.secs)
        );
    }
    r
}
