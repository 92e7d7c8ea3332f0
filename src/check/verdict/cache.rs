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

/// The directives of `Cache-Control` as `(name, value)` in lower case.
fn directives(value: &str) -> Vec<(String, Option<String>)> {
    value
        .split(',')
        .filter(|d| !d.trim().is_empty())
        .map(|d| match d.split_once('=') {
            Some((k, v)) => (
                k.trim().to_ascii_lowercase(),
                Some(v.trim().trim_matches('"').to_string()),
            ),
            None => (d.trim().to_ascii_lowercase(), None),
        })
        .collect()
}

/// Parses an HTTP date (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`) to Unix seconds.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, clock, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)?;
    let month = time::Month::try_from(u8::try_from(month + 1).ok()?).ok()?;
    let date = time::Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()?;
    let mut hms = clock.split(':').map(|p| p.parse::<u8>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    let t = time::Time::from_hms(h, m, s).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, t)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// The period Synapse caches a *valid* well-known response. `now`: Unix seconds.
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
    if let Some(cc) = obs.header("cache-control") {
        let d = directives(cc);
        if d.iter().any(|(k, _)| k == "no-store") {
            return clamp(0, "Cache-Control: no-store".into());
        }
        if let Some(age) = d
            .iter()
            .find(|(k, _)| k == "max-age")
            .and_then(|(_, v)| v.as_deref()?.parse::<i64>().ok())
        {
            return clamp(age, format!("Cache-Control: max-age={age}"));
        }
    }
    if let Some(expires) = obs.header("expires") {
        // RFC 7234: an invalid date (notably "0") means "already expired".
        let left = parse_http_date(expires).map(|t| t - now).unwrap_or(0);
        return clamp(left, format!("Expires: {expires}"));
    }
    CachePeriod {
        secs: DEFAULT_SECS,
        why: "no Cache-Control or Expires".into(),
        clamped: false,
        default: true,
    }
}

fn headers_line(obs: &HttpObservation) -> String {
    let parts: Vec<String> = ["cache-control", "expires", "age"]
        .iter()
        .filter_map(|h| obs.header(h).map(|v| format!("{h}: {v}")))
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
    let valid = server.error.is_none() && server.status == Some(200) && server.json().is_some();
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
        r.summary = format!(
            "no Cache-Control: peers keep the old answer up to ~{}",
            duration(DEFAULT_SECS)
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784111777)
        );
        assert_eq!(parse_http_date("0"), None);
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"), None);
    }
}
