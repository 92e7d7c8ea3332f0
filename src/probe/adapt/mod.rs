//! The one bridge between the network layer ([`crate::probe`]) and the check
//! logic's plain observations ([`crate::observe`]): the two were written
//! apart, so the runner converts every net observation here and nowhere
//! else. Conversions keep every detail the verdicts read (hops and their
//! headers, raw body bytes, TTLs, negative-answer TTLs, failure kinds) and
//! say in words what the logic's coarser failure kinds cannot carry.

use url::Url;

use crate::observe::{
    self, AddressRecord, CnameRecord, DnsError, FetchFailure, HttpObservation, SrvLookup, SrvRecord,
};
use crate::probe::{
    self, Body, BodyEnd, DnsFailure, DnsFailureKind, DnsLookup, DnsOutcome, FetchError,
    FetchErrorKind, FetchObservation, FetchRequest, MAX_REDIRECTS, RecordData, TlsFailure,
    TlsFailureKind,
};

/// One fetch as the logic sees it. `request` is what was sent (its extra
/// headers, e.g. `Origin`, are shown in the evidence).
pub fn http(obs: &FetchObservation, request: &FetchRequest) -> HttpObservation {
    let response = obs.response();
    let body = obs.body.as_ref();
    HttpObservation {
        method: obs.method.as_str().to_string(),
        url: obs.url.clone(),
        request_headers: request
            .headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
            .collect(),
        hops: obs
            .redirects()
            .iter()
            .map(|h| observe::Hop {
                url: h.url.clone(),
                status: h.status,
                headers: h.headers.0.clone(),
            })
            .collect(),
        final_url: match (response, &obs.error) {
            (Some(hop), _) => hop.url.clone(),
            (None, Some(err)) => err.url.clone(),
            (None, None) => obs.url.clone(),
        },
        status: response.map(|h| h.status),
        headers: response.map(|h| h.headers.0.clone()).unwrap_or_default(),
        body: body.map(|b| b.bytes.clone()).unwrap_or_default(),
        body_truncated: body.is_some_and(|b| b.end == BodyEnd::OverCap),
        body_incomplete: body.and_then(incomplete),
        error: obs.error.as_ref().map(|e| fetch_failure(e, obs)),
    }
}

fn incomplete(body: &Body) -> Option<String> {
    let got = body.bytes.len();
    match &body.end {
        BodyEnd::Complete | BodyEnd::OverCap => None,
        BodyEnd::TimedOut => Some(format!(
            "it was still arriving when the timeout passed ({got} bytes received)"
        )),
        BodyEnd::Broken(why) => Some(format!("the connection broke after {got} bytes ({why})")),
    }
}

/// The logic's failure kind for a net failure, with the details in words.
pub fn fetch_failure(err: &FetchError, obs: &FetchObservation) -> FetchFailure {
    let at = err.address.map(|a| format!(" ({a})")).unwrap_or_default();
    match &err.kind {
        FetchErrorKind::InvalidUrl => FetchFailure::Other(format!("unusable URL: {}", err.detail)),
        FetchErrorKind::NotHttps => FetchFailure::BadRedirect(err.detail.clone()),
        FetchErrorKind::Dns(lookup) => {
            let logic = addresses(lookup);
            let why = logic.failure().unwrap_or_else(|| "no address".to_string());
            FetchFailure::Dns(format!("{}: {why}", logic.name))
        }
        FetchErrorKind::Refused => FetchFailure::Connect(format!("connection refused{at}")),
        FetchErrorKind::Connect => FetchFailure::Connect(format!("{}{at}", err.detail)),
        FetchErrorKind::Timeout(_) => FetchFailure::Timeout,
        FetchErrorKind::Tls(kind) => FetchFailure::Tls(kind.describe()),
        FetchErrorKind::Http => {
            FetchFailure::Other(format!("not a usable HTTP answer: {}", err.detail))
        }
        FetchErrorKind::RedirectLoop => FetchFailure::RedirectLoop(loop_target(obs, err)),
        FetchErrorKind::TooManyRedirects => FetchFailure::TooManyRedirects(MAX_REDIRECTS),
        FetchErrorKind::BadRedirect => FetchFailure::BadRedirect(err.detail.clone()),
        FetchErrorKind::InvalidRequest => FetchFailure::Other(err.detail.clone()),
    }
}

/// The URL a looping redirect pointed back to: the last hop's `Location`,
/// resolved against that hop's URL.
fn loop_target(obs: &FetchObservation, err: &FetchError) -> String {
    obs.hops
        .last()
        .and_then(|hop| {
            let location = hop.location.as_deref()?;
            Url::parse(&hop.url).ok()?.join(location).ok()
        })
        .map(|u| u.to_string())
        .unwrap_or_else(|| err.url.clone())
}

/// A DNS failure in the logic's terms (NXDOMAIN and NODATA keep their
/// negative TTL).
pub fn dns_error(f: &DnsFailure) -> DnsError {
    match f.kind {
        DnsFailureKind::NxDomain => DnsError::NxDomain {
            negative_ttl: f.negative_ttl,
        },
        DnsFailureKind::NoData => DnsError::NoData {
            negative_ttl: f.negative_ttl,
        },
        DnsFailureKind::ServFail => DnsError::ServFail,
        DnsFailureKind::Refused => DnsError::Refused,
        DnsFailureKind::Timeout => DnsError::Timeout,
        DnsFailureKind::Truncated => DnsError::Other(
            "the answer was truncated and could not be fetched over TCP".to_string(),
        ),
        DnsFailureKind::InvalidName | DnsFailureKind::Other => DnsError::Other(f.detail.clone()),
    }
}

fn address_records(lookup: &DnsLookup) -> Result<Vec<AddressRecord>, DnsError> {
    match &lookup.outcome {
        DnsOutcome::Failure(f) => Err(dns_error(f)),
        DnsOutcome::Answer(a) => Ok(a
            .records
            .iter()
            .filter_map(|r| match r.data {
                RecordData::A(ip) => Some(AddressRecord {
                    ip: ip.into(),
                    ttl: r.ttl,
                }),
                RecordData::Aaaa(ip) => Some(AddressRecord {
                    ip: ip.into(),
                    ttl: r.ttl,
                }),
                _ => None,
            })
            .collect()),
    }
}

fn cnames(lookup: &DnsLookup) -> Vec<CnameRecord> {
    lookup
        .answer()
        .map(|a| {
            a.cname_chain
                .iter()
                .map(|c| CnameRecord {
                    name: c.name.clone(),
                    target: c.target.clone(),
                    ttl: c.ttl,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The A and AAAA lookups of one name (the CNAME chain from whichever
/// answered).
pub fn addresses(lookup: &probe::AddressLookup) -> observe::AddressLookup {
    let mut chain = cnames(&lookup.a);
    if chain.is_empty() {
        chain = cnames(&lookup.aaaa);
    }
    observe::AddressLookup {
        name: lookup.a.name.clone(),
        cnames: chain,
        a: address_records(&lookup.a),
        aaaa: address_records(&lookup.aaaa),
    }
}

/// An SRV lookup.
pub fn srv(lookup: &DnsLookup) -> SrvLookup {
    SrvLookup {
        name: lookup.name.clone(),
        records: match &lookup.outcome {
            DnsOutcome::Failure(f) => Err(dns_error(f)),
            DnsOutcome::Answer(_) => Ok(lookup
                .srv()
                .into_iter()
                .map(|(s, ttl)| SrvRecord {
                    priority: s.priority,
                    weight: s.weight,
                    port: s.port,
                    target: s.target,
                    ttl,
                })
                .collect()),
        },
    }
}

/// A TLS inspection: the leaf certificate's names, expiry and issuer, the
/// WebPKI verdict, or why no certificate was obtained.
pub fn tls(obs: &probe::TlsObservation) -> observe::TlsObservation {
    match &obs.result {
        Err(f) => observe::TlsObservation {
            connect_error: Some(tls_failure(f)),
            names: f.chain.first().map(|c| c.names()).unwrap_or_default(),
            ..observe::TlsObservation::default()
        },
        Ok(session) => {
            let leaf = session.leaf();
            observe::TlsObservation {
                connect_error: None,
                names: leaf.map(|c| c.names()).unwrap_or_default(),
                not_after: leaf.map(|c| c.not_after_text.clone()),
                days_left: leaf.map(|c| c.days_left),
                issuer: leaf.map(|c| c.issuer.clone()),
                chain_valid: session.is_valid(),
                verify_error: session.verification.as_ref().err().map(|k| k.describe()),
                covers_required_name: session.covers_required_name,
            }
        }
    }
}

fn tls_failure(f: &TlsFailure) -> String {
    match &f.kind {
        TlsFailureKind::Refused => "connection refused: nothing listens there".to_string(),
        TlsFailureKind::Handshake(kind) => {
            format!("TLS handshake failed: {} ({})", kind.describe(), f.detail)
        }
        TlsFailureKind::ConnectTimeout
        | TlsFailureKind::Connect
        | TlsFailureKind::HandshakeTimeout
        | TlsFailureKind::InvalidName => f.detail.clone(),
    }
}

#[cfg(test)]
mod tests;
