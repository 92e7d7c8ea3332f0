//! `dns.srv`: the SRV records consulted on the discovery path (and those the
//! intent publishes off the path), with TTLs; `.` targets, CNAME targets,
//! failed lookups, deprecated records and expected records that differ.

use super::{add_remedy, worse};
use crate::check::expect::Expectations;
use crate::check::model::{CheckId, CheckResult, Status};
use crate::matrix::discovery::Resolution;
use crate::matrix::srv::{self, SrvOutcome};
use crate::observe::{DnsError, SrvLookup};
use crate::words::duration;

/// Invalid targets named in the summary; the rest are counted.
const SHOWN_INVALID: usize = 3;

fn describe_srv(l: &SrvLookup) -> String {
    match &l.records {
        Ok(records) if !records.is_empty() => srv::order(records)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "),
        Ok(_) => DnsError::NoData { negative_ttl: None }.to_string(),
        Err(e) => e.to_string(),
    }
}

/// `dns.srv`: every SRV record consulted on the discovery path, plus
/// `extra` lookups the runner made for the intent (e.g. a fallback record).
pub fn srv_records(
    res: &Resolution,
    extra: &[SrvLookup],
    authoritative: &[SrvLookup],
    ex: &Expectations,
) -> CheckResult {
    let spec = "server-server API, Resolving server names, steps 3.3, 3.4, 4 and 5; RFC 2782";
    let mut lookups: Vec<&SrvLookup> = res.srv_lookups.iter().collect();
    for e in extra {
        if !lookups.iter().any(|l| l.name == e.name) {
            lookups.push(e);
        }
    }
    if lookups.is_empty() {
        return CheckResult::new(
            CheckId::DnsSrv,
            Status::Skipped,
            format!(
                "not consulted: step {} ({}) needs no SRV record",
                res.step,
                res.step.title()
            ),
        )
        .spec(spec);
    }
    let mut r = CheckResult::new(CheckId::DnsSrv, Status::Pass, String::new()).spec(spec);
    let mut found = Vec::new();
    let mut problems: Vec<(Status, String)> = Vec::new();
    for l in &lookups {
        r = r.evidence(format!("SRV {}", l.name), describe_srv(l));
        match srv::classify(l) {
            SrvOutcome::Targets(records) => {
                found.push(format!(
                    "{} → {}",
                    l.name,
                    records
                        .iter()
                        .map(|x| format!("{}:{}", x.target_host(), x.port))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                let invalid: Vec<String> = records
                    .iter()
                    .filter_map(|x| {
                        srv::invalid_target(x).map(|why| format!("`{}` ({why})", x.target_host()))
                    })
                    .collect();
                if !invalid.is_empty() {
                    // A peer cannot connect to a name that is not a host
                    // name: with no valid target, federation cannot work.
                    let status = if invalid.len() == records.len() {
                        Status::Fail
                    } else {
                        Status::Warn
                    };
                    let what = if invalid.len() == records.len() {
                        "every SRV target of"
                    } else {
                        "some SRV targets of"
                    };
                    problems.push((
                        status,
                        format!(
                            "{what} {} is not a valid host name: {}{}",
                            l.name,
                            invalid[..invalid.len().min(SHOWN_INVALID)].join(", "),
                            if invalid.len() > SHOWN_INVALID {
                                format!(" and {} more", invalid.len() - SHOWN_INVALID)
                            } else {
                                String::new()
                            }
                        ),
                    ));
                    r = add_remedy(
                        r,
                        format!(
                            "Point the SRV records of {} at real host names (letters, digits, hyphens).",
                            l.name
                        ),
                    );
                }
                if srv::stray_dots(l) > 0 {
                    problems.push((
                        Status::Warn,
                        format!("{} mixes `.` with real targets", l.name),
                    ));
                }
            }
            SrvOutcome::NoService(_) => problems.push((
                Status::Fail,
                format!("{} says \"no service\" (target `.`)", l.name),
            )),
            SrvOutcome::Failed(e) => {
                let s = if e == DnsError::Timeout || matches!(e, DnsError::Local(_)) {
                    Status::Error
                } else {
                    Status::Fail
                };
                problems.push((s, format!("the lookup of {} failed: {e}", l.name)));
            }
            SrvOutcome::NotFound(_) => {}
        }
        if let Some(auth) = authoritative.iter().find(|a| a.name == l.name) {
            r = r.evidence(
                format!("SRV {} at its authoritative servers", l.name),
                describe_srv(auth),
            );
            if describe_srv(auth) != describe_srv(l) {
                let left = match &l.records {
                    Ok(v) => v.iter().map(|x| x.ttl).max(),
                    Err(e) => e.negative_ttl(),
                };
                let when = left
                    .map(|t| {
                        format!(
                            "; the resolver's answer expires in {}",
                            duration(u64::from(t))
                        )
                    })
                    .unwrap_or_default();
                problems.push((
                    Status::Warn,
                    format!("{}: a DNS change is still spreading{when}", l.name),
                ));
                if let Some(left) = left {
                    r = r.cache_expires_in(u64::from(left));
                }
            }
        }
    }
    for t in res.targets.iter().filter(|t| t.srv.is_some()) {
        if let Some(alias) = &t.cname {
            // A spec violation, not a broken path: Synapse, Continuwuity
            // and Dendrite look the alias up like any other name.
            problems.push((
                Status::Warn,
                format!(
                    "the SRV target {} is a CNAME (to {alias}): RFC 2782 forbids aliases as \
                     targets, although Synapse, Continuwuity and Dendrite follow them",
                    t.connect_host
                ),
            ));
            r = add_remedy(
                r,
                format!(
                    "Point the SRV record at {alias} (the real host), not at the alias {}: RFC 2782 forbids aliases as targets, and a stricter resolver may refuse it.",
                    t.connect_host
                ),
            );
        }
    }
    if res.step.is_deprecated() {
        problems.push((
            Status::Warn,
            format!(
                "only the deprecated _matrix._tcp record is used (step {})",
                res.step
            ),
        ));
        r = add_remedy(
            r,
            "Publish the same data as _matrix-fed._tcp.<name>: newer servers look for that first and the _matrix form is deprecated.",
        );
    }
    for want in &ex.srv {
        let Some(l) = lookups.iter().find(|l| l.name == want.owner) else {
            continue;
        };
        let records = l.records.as_deref().unwrap_or_default();
        let matches = records.iter().any(|x| {
            x.port == want.port
                && x.target_host()
                    .eq_ignore_ascii_case(want.target.trim_end_matches('.'))
        });
        if !matches {
            problems.push((
                Status::Fail,
                format!(
                    "{} should point to {}:{} ({})",
                    want.owner,
                    want.target,
                    want.port,
                    ex.intent_words()
                ),
            ));
            r = add_remedy(
                r,
                format!(
                    "At your DNS provider create: {} SRV 10 10 {} {}.\n{}",
                    want.owner,
                    want.port,
                    want.target.trim_end_matches('.'),
                    ex.which_side("SRV record")
                ),
            );
        }
    }
    let worst = problems.iter().map(|(s, _)| *s).fold(Status::Pass, worse);
    r.status = worst;
    r.summary = if let Some((_, text)) = problems.iter().find(|(s, _)| *s == worst) {
        text.clone()
    } else if found.is_empty() {
        format!("no SRV records (fine: step {} is used)", res.step)
    } else {
        found.join("; ")
    };
    if res.no_service.is_some() {
        r = add_remedy(
            r,
            "Delete the SRV record with target `.` (it declares that this domain has no Matrix federation), or replace it with the real target.",
        );
    }
    r
}
