//! `server.resolution`: the path server discovery took (spec step, address,
//! `Host` header, SNI, certificate name), and whether it matches the intent.

use super::refused::{self, Source};
use super::{add_remedy, worse};
use crate::check::expect::Expectations;
use crate::check::mistakes;
use crate::check::model::{CheckId, CheckResult, Fault, Status};
use crate::matrix::discovery::{Resolution, Step};
use crate::matrix::peers::PrivateAddresses;
use crate::words::count;

/// One line for a target: `203.0.113.7:443 · Host matrix.example.com:443 ·
/// SNI matrix.example.com · certificate for matrix.example.com`.
pub fn describe_connection(addr: &str, host: &str, sni: Option<&str>, cert: &str) -> String {
    format!(
        "{addr} · Host {host} · SNI {} · certificate for {cert}",
        sni.unwrap_or("none (IP address)")
    )
}

/// `server.resolution`.
/// An IP literal (the server name, step 2, or `m.server`, step 3.1) that
/// peers refuse fails here; addresses from DNS fail the `dns.*` check of
/// their name ([`refused`]).
pub fn server_resolution(
    res: &Resolution,
    ex: &Expectations,
    mode: PrivateAddresses,
) -> CheckResult {
    let mut r = CheckResult::new(CheckId::ServerResolution, Status::Pass, String::new())
        .spec(res.step.spec());
    r.evidence.extend(res.trail.iter().cloned());
    let endpoints = res.endpoints();
    for (addr, t) in &endpoints {
        r = r.evidence(
            format!("connect {addr}"),
            describe_connection(
                &addr.to_string(),
                &t.host_header,
                t.sni.as_deref(),
                &t.cert_name,
            ),
        );
    }
    for t in res.targets.iter().filter(|t| t.addresses.is_empty()) {
        let why = t
            .lookup_failure
            .clone()
            .unwrap_or_else(|| "no addresses".into());
        r = r.evidence(
            format!("connect {}:{}", t.connect_host, t.port),
            format!("impossible: {why}"),
        );
    }
    let first = endpoints.first();
    r.summary = match first {
        Some((addr, t)) => {
            let more = if endpoints.len() > 1 {
                format!(
                    " (and {})",
                    count(endpoints.len() - 1, "more address", "more addresses")
                )
            } else {
                String::new()
            };
            format!(
                "step {} ({}) → {}{more}",
                res.step,
                res.step.title(),
                describe_connection(
                    &addr.to_string(),
                    &t.host_header,
                    t.sni.as_deref(),
                    &t.cert_name
                )
            )
        }
        None => format!("step {} ({})", res.step, res.step.title()),
    };
    for note in &res.notes {
        r = r.evidence("note", note.text.clone());
        r.status = worse(r.status, note.status);
    }
    if res.no_service.is_some() {
        r.status = Status::Fail;
        r.summary = format!(
            "step {}: the SRV record declares there is no federation service",
            res.step
        );
    } else if let Some(problem) = endpoints
        .is_empty()
        .then(|| res.address_lookups.iter().find_map(|l| l.local_problem()))
        .flatten()
    {
        // No address because this machine could not ask: nothing is known.
        return super::local::could_not_test(r, problem);
    } else if endpoints.is_empty() {
        r.status = Status::Fail;
        let hosts: Vec<String> = res.targets.iter().map(|t| t.connect_host.clone()).collect();
        r.summary = format!(
            "step {} ({}) leads to {}, which has no address",
            res.step,
            res.step.title(),
            hosts.join(", ")
        );
        r = r.fault(Fault::HostsWithoutAddress { hosts });
        if res.step.is_delegated() {
            r = add_remedy(
                r,
                "m.server is valid, so servers never fall back to step 4: the delegated host \
                 itself needs A/AAAA records (see dns.delegated-host).",
            );
        }
    }
    if let Some(m) = mistakes::checked_name(&res.server_name, ex, None) {
        r = r.evidence(format!("classic mistake: {}", m.title()), m.explain());
        r = add_remedy(r, m.remedy(ex, &res.server_name.host_str()));
        r.status = Status::Fail;
        r.summary = format!("{}: {}", m.title(), r.summary);
    }
    if matches!(res.step, Step::IpLiteral | Step::DelegatedIp) {
        let literals: Vec<std::net::IpAddr> = endpoints.iter().map(|(a, _)| a.ip()).collect();
        r = refused::apply(r, Source::Literal, &literals, mode);
    }
    compare_with_intent(r, res, ex)
}

fn compare_with_intent(mut r: CheckResult, res: &Resolution, ex: &Expectations) -> CheckResult {
    let Some(want) = &ex.endpoint else {
        return r;
    };
    let got_step = res.step.as_str();
    let port_ok = |p: u16| res.targets.iter().any(|t| t.port == p);
    let header_ok = res
        .targets
        .iter()
        .any(|t| same_authority(&t.host_header, &want.host_header));
    let cert_ok = res
        .targets
        .iter()
        .any(|t| same_host(&t.cert_name, &want.cert_name));
    let host_ok = res
        .targets
        .iter()
        .any(|t| same_host(&t.connect_host, &want.connect_host));
    let expected = format!(
        "step {} → {}:{} · Host {} · certificate for {}",
        want.step, want.connect_host, want.port, want.host_header, want.cert_name
    );
    r = r.evidence(
        format!("expected ({})", ex.intent_words()),
        expected.clone(),
    );
    if got_step == want.step && port_ok(want.port) && header_ok && cert_ok && host_ok {
        return r;
    }
    r.status = Status::Fail;
    r.summary = format!(
        "step {got_step}, but {} intends {expected}",
        ex.intent_words()
    );
    let why = match (Step::ALL.iter().find(|s| s.as_str() == want.step), res.step) {
        (Some(w), got) if w.is_delegated() && !got.is_delegated() => {
            "The server file is missing or invalid, so servers fall back to step 4 and beyond: \
             fix /.well-known/matrix/server first (see server.well-known)."
                .to_string()
        }
        _ => ex.which_side("federation path"),
    };
    add_remedy(r, why)
}

/// The host part in one form: no IPv6 brackets, no trailing dot.
fn bare_host(host: &str) -> &str {
    let host = host.trim_end_matches('.');
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// Two spellings of one host: DNS names compared without case or a
/// trailing dot, IP literals as addresses, so that a plan's
/// `[2001:db8::7]` and discovery's `2001:db8::7` (or `2001:db8:0::7`) are
/// the same host.
pub fn same_host(a: &str, b: &str) -> bool {
    let (a, b) = (bare_host(a), bare_host(b));
    match (a.parse::<std::net::IpAddr>(), b.parse::<std::net::IpAddr>()) {
        (Ok(x), Ok(y)) => x == y,
        (Err(_), Err(_)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

/// Two spellings of one `Host` header value (`host` or `host:port`, an
/// IPv6 host in brackets): the hosts as [`same_host`], the ports equal.
pub fn same_authority(a: &str, b: &str) -> bool {
    fn split(v: &str) -> (&str, Option<&str>) {
        if let Some(rest) = v.strip_prefix('[') {
            return match rest.split_once(']') {
                Some((host, tail)) => (host, tail.strip_prefix(':')),
                None => (v, None),
            };
        }
        match v.rsplit_once(':') {
            // More than one colon: a bare IPv6 address without a port.
            Some((host, port)) if !host.contains(':') => (host, Some(port)),
            _ => (v, None),
        }
    }
    let ((ha, pa), (hb, pb)) = (split(a), split(b));
    pa == pb && same_host(ha, hb)
}
