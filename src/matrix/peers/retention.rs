//! How long each peer keeps the answer it got, as pure functions of what
//! the well-known fetch returned (status and headers, already classified by
//! that peer's own rules) and, where the rule depends on it, whether the
//! previous answer was a valid file.

use crate::observe::HttpObservation;

/// Synapse's `WELL_KNOWN_DEFAULT_CACHE_PERIOD`: 24 h.
pub const SYNAPSE_DEFAULT_S: u64 = 24 * 3600;
/// Synapse's `WELL_KNOWN_MIN_CACHE_PERIOD`: 5 min.
pub const SYNAPSE_MIN_S: u64 = 5 * 60;
/// Synapse's `WELL_KNOWN_MAX_CACHE_PERIOD`: 48 h.
pub const SYNAPSE_MAX_S: u64 = 48 * 3600;
/// Synapse's `WELL_KNOWN_INVALID_CACHE_PERIOD`: 1 h.
pub const SYNAPSE_INVALID_S: u64 = 3600;
/// Synapse's `WELL_KNOWN_DOWN_CACHE_PERIOD`: 2 min.
pub const SYNAPSE_DOWN_S: u64 = 2 * 60;
/// resolvematrix's default `cache_ttl` (`MatrixResolverBuilder::build`),
/// which Continuwuity does not override: 24 h.
pub const CONTINUWUITY_TTL_S: u64 = 24 * 3600;
/// The older resolver's `CachedDest::default_expire`: a random time in
/// 18 h..36 h.
pub const CONDUWUIT_MIN_S: u64 = 18 * 3600;
pub const CONDUWUIT_MAX_S: u64 = 36 * 3600;
/// The spec's recommended default and maximum, and its "errors up to an
/// hour" (server-server API, "Resolving server names", step 3).
pub const SPEC_DEFAULT_S: u64 = 24 * 3600;
pub const SPEC_MAX_S: u64 = 48 * 3600;
pub const SPEC_ERROR_S: u64 = 3600;

/// Why a peer keeps its answer as long as it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionRule {
    /// No well-known is involved and the peer caches nothing of its own
    /// (server names with a port or IP literals).
    NothingCached,
    /// The response headers gave the period (`asked_s` as read); `clamped`
    /// when the peer's bounds changed it.
    Headers { asked_s: i64, clamped: bool },
    /// `Cache-Control: no-store` (Synapse still keeps it its minimum).
    NoStore,
    /// No usable caching header: the peer's default.
    Default,
    /// A failed or invalid file, with no valid answer before it.
    Failure,
    /// A failed or invalid file shortly after a valid one (Synapse: 2 min).
    FailureAfterValid,
    /// A temporary failure (5xx, connection error, too large) while a
    /// previous valid answer is cached: Synapse keeps using that answer and
    /// tries again at the next request, for as long as the failure lasts.
    KeepsPrevious,
    /// A fixed time whatever the headers or the outcome.
    Fixed,
    /// A random time in a window whatever the headers or the outcome.
    RandomWindow,
}

/// How long a peer keeps its current answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Shortest (with random jitter); `None` when unbounded or not cached.
    pub min_s: Option<u64>,
    /// Longest: what `keeps_answer_s` reports.
    pub max_s: Option<u64>,
    pub rule: RetentionRule,
}

impl Retention {
    fn exact(s: u64, rule: RetentionRule) -> Retention {
        Retention {
            min_s: Some(s),
            max_s: Some(s),
            rule,
        }
    }

    /// Synapse multiplies defaults and failure periods by a random factor
    /// in 0.9..1.1 (`WELL_KNOWN_DEFAULT_CACHE_PERIOD_JITTER`).
    fn jittered(s: u64, rule: RetentionRule) -> Retention {
        Retention {
            min_s: Some(s * 9 / 10),
            max_s: Some(s * 11 / 10),
            rule,
        }
    }

    pub const NOTHING: Retention = Retention {
        min_s: None,
        max_s: None,
        rule: RetentionRule::NothingCached,
    };

    /// The longest the peer keeps this answer, in seconds (`None`: not
    /// cached, or kept for as long as a temporary failure lasts).
    pub fn keeps_answer_s(&self) -> Option<u64> {
        self.max_s
    }
}

/// How a peer classified the well-known fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileOutcome<'a> {
    /// The peer took an answer from the file; its response headers.
    Valid(&'a [(String, String)]),
    /// The peer got nothing from the file; `temporary` in Synapse's sense
    /// (5xx, no response, body too large or cut).
    Failed { temporary: bool },
}

/// Python's `int()` of a byte string: surrounding ASCII whitespace, an
/// optional sign, digits with single underscores between them.
fn python_int(text: &str) -> Option<i64> {
    let t = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    let mut value: i64 = 0;
    for c in digits.chars().filter(char::is_ascii_digit) {
        value = value
            .saturating_mul(10)
            .saturating_add(i64::from(c as u8 - b'0'));
    }
    Some(if neg { -value } else { value })
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) to Unix seconds.
pub fn parse_imf_fixdate(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, clock, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))?;
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

/// Twisted's `stringToDatetime` (`twisted.web.http`), which Synapse uses
/// for `Expires`: the IMF-fixdate, RFC 850 (`Sunday, 06-Nov-94 08:49:37
/// GMT`, two-digit years below 69 in the 2000s) and asctime (`Sun Nov  6
/// 08:49:37 1994`) forms; the weekday may be left out, the zone word is not
/// read, the day is not range-checked, and years before 1970 fail.
pub fn twisted_http_date(text: &str) -> Option<i64> {
    const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let parts: Vec<&str> = text.split_whitespace().collect();
    let first = parts.first()?;
    let head: String = first.chars().take(3).collect::<String>().to_lowercase();
    if !WEEKDAYS.contains(&head.as_str())
        && let Some(t) = twisted_http_date(&format!("Sun, {text}"))
    {
        return Some(t);
    }
    let (day, month, year, clock) = match parts.len() {
        5 | 6 if parts[1].chars().all(|c| c.is_ascii_digit()) && !parts[1].is_empty() => {
            (parts[1], parts[2], python_int(parts[3])?, parts[4])
        }
        3 | 4 if parts[1].contains('-') => {
            let dmy: Vec<&str> = parts[1].split('-').collect();
            let [d, m, y] = dmy.as_slice() else {
                return None;
            };
            let y = python_int(y)?;
            let y = if y < 69 {
                y + 2000
            } else if y < 100 {
                y + 1900
            } else {
                y
            };
            (*d, *m, y, parts[2])
        }
        5 => (parts[2], parts[1], python_int(parts[4])?, parts[3]),
        _ => return None,
    };
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month.to_lowercase())? + 1;
    let day = python_int(day)?;
    let hms: Vec<i64> = clock.split(':').map(python_int).collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if year < 1970 {
        return None;
    }
    // Twisted's own `timegm`: days before the month, plus the day, unchecked.
    let jan1 =
        time::Date::from_calendar_date(i32::try_from(year).ok()?, time::Month::January, 1).ok()?;
    let month_start = time::Date::from_calendar_date(
        jan1.year(),
        time::Month::try_from(u8::try_from(month).ok()?).ok()?,
        1,
    )
    .ok()?;
    let days = (month_start
        - time::Date::from_calendar_date(1970, time::Month::January, 1).ok()?)
    .whole_days()
        + day
        - 1;
    Some(((days * 24 + h) * 60 + m) * 60 + s)
}

fn all_values<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    headers
        .iter()
        .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Synapse's `_cache_period_from_headers` (`well_known_resolver.py`): every
/// `Cache-Control` header is read and a later directive replaces an earlier
/// one; `no-store` → 0; else a non-empty `max-age` that Python's `int()`
/// reads (so `max-age="7200"`, quoted, is ignored); else the *last*
/// `Expires` minus now, an unreadable date counting as 0; else `None`.
pub fn synapse_header_period(headers: &[(String, String)], now_unix: i64) -> Option<i64> {
    let mut directives: Vec<(String, Option<String>)> = Vec::new();
    for value in all_values(headers, "cache-control") {
        for directive in value.split(',') {
            let mut split = directive.splitn(2, '=');
            let key = split
                .next()
                .unwrap_or_default()
                .trim_matches(|c: char| c.is_ascii_whitespace())
                .to_ascii_lowercase();
            let val = split.next().map(|v| {
                v.trim_matches(|c: char| c.is_ascii_whitespace())
                    .to_string()
            });
            directives.retain(|(k, _)| *k != key);
            directives.push((key, val));
        }
    }
    let get = |name: &str| directives.iter().find(|(k, _)| k == name);
    if get("no-store").is_some() {
        return Some(0);
    }
    if let Some((_, Some(v))) = get("max-age")
        && !v.is_empty()
        && let Some(n) = python_int(v)
    {
        return Some(n);
    }
    if let Some(expires) = all_values(headers, "expires").last() {
        // Twisted's `stringToDatetime` raising ValueError → 0.
        return Some(twisted_http_date(expires).map_or(0, |t| t - now_unix));
    }
    None
}

/// Synapse's rules (`WellKnownResolver.get_well_known` and
/// `_fetch_well_known`): a valid file is kept for the header period clamped
/// to 5 min–48 h, or 24 h ± 10 % without headers; a failure is kept 1 h
/// ± 10 %, or 2 min ± 10 % when a valid file was seen within its period plus
/// 2 h (`WELL_KNOWN_REMEMBER_DOMAIN_HAD_VALID`); a temporary failure while
/// a valid answer is cached keeps that answer.
pub fn synapse(outcome: FileOutcome<'_>, previous_valid: bool, now_unix: i64) -> Retention {
    match outcome {
        FileOutcome::Valid(headers) => match synapse_header_period(headers, now_unix) {
            None => Retention::jittered(SYNAPSE_DEFAULT_S, RetentionRule::Default),
            Some(asked) => {
                let clamped_s = u64::try_from(asked)
                    .unwrap_or(0)
                    .clamp(SYNAPSE_MIN_S, SYNAPSE_MAX_S);
                let no_store = all_values(headers, "cache-control")
                    .flat_map(|v| v.split(','))
                    .any(|d| {
                        d.split('=')
                            .next()
                            .unwrap_or_default()
                            .trim()
                            .eq_ignore_ascii_case("no-store")
                    });
                let rule = if no_store {
                    RetentionRule::NoStore
                } else {
                    RetentionRule::Headers {
                        asked_s: asked,
                        clamped: i64::try_from(clamped_s).ok() != Some(asked),
                    }
                };
                Retention::exact(clamped_s, rule)
            }
        },
        FileOutcome::Failed { temporary: true } if previous_valid => Retention {
            min_s: None,
            max_s: None,
            rule: RetentionRule::KeepsPrevious,
        },
        FileOutcome::Failed { .. } if previous_valid => {
            Retention::jittered(SYNAPSE_DOWN_S, RetentionRule::FailureAfterValid)
        }
        FileOutcome::Failed { .. } => {
            Retention::jittered(SYNAPSE_INVALID_S, RetentionRule::Failure)
        }
    }
}

/// The spec's text: respect the cache headers (RFC 9111: the first
/// `max-age`, token or quoted; `no-store` and `no-cache` mean none; else
/// `Expires`, an invalid date meaning already expired), 24 h without them,
/// 48 h at most; errors up to an hour.
pub fn spec(outcome: FileOutcome<'_>, now_unix: i64) -> Retention {
    let headers = match outcome {
        FileOutcome::Failed { .. } => {
            return Retention {
                min_s: Some(0),
                max_s: Some(SPEC_ERROR_S),
                rule: RetentionRule::Failure,
            };
        }
        FileOutcome::Valid(headers) => headers,
    };
    let mut max_age: Option<i64> = None;
    for value in all_values(headers, "cache-control") {
        for directive in value.split(',') {
            let (k, v) = match directive.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim().trim_matches('"'))),
                None => (directive.trim(), None),
            };
            if k.eq_ignore_ascii_case("no-store") || k.eq_ignore_ascii_case("no-cache") {
                return Retention::exact(0, RetentionRule::NoStore);
            }
            if k.eq_ignore_ascii_case("max-age") && max_age.is_none() {
                max_age = v.and_then(|v| v.parse::<i64>().ok());
            }
        }
    }
    let asked = max_age.or_else(|| {
        all_values(headers, "expires")
            .next()
            .map(|e| parse_imf_fixdate(e).map_or(0, |t| t - now_unix))
    });
    match asked {
        None => Retention::exact(SPEC_DEFAULT_S, RetentionRule::Default),
        Some(asked) => {
            let s = u64::try_from(asked).unwrap_or(0).min(SPEC_MAX_S);
            Retention::exact(
                s,
                RetentionRule::Headers {
                    asked_s: asked,
                    clamped: i64::try_from(s).ok() != Some(asked),
                },
            )
        }
    }
}

/// Continuwuity caches every resolution (`Cache::set` with the builder's
/// `cache_ttl`) for 24 h, whatever the headers or the outcome, the fallback
/// steps taken while the file was broken included.
pub fn continuwuity() -> Retention {
    Retention::exact(CONTINUWUITY_TTL_S, RetentionRule::Fixed)
}

/// The older resolver caches every destination for a random 18–36 h.
pub fn conduwuit() -> Retention {
    Retention {
        min_s: Some(CONDUWUIT_MIN_S),
        max_s: Some(CONDUWUIT_MAX_S),
        rule: RetentionRule::RandomWindow,
    }
}

/// Synapse's temporary failures: no response at all, a 5xx, a body over
/// 50 KiB or one that did not arrive whole (`_make_well_known_request`
/// raises `_FetchWellKnownFailure(temporary=True)` for all of them).
pub fn synapse_failure_is_temporary(obs: &HttpObservation) -> bool {
    use crate::observe::BodyEnd;
    obs.error.is_some()
        || obs.status.is_none()
        || obs.status.is_some_and(|s| (500..600).contains(&s))
        || obs.body_end != BodyEnd::Complete
}
