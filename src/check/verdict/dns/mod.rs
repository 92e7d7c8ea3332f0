//! `dns.server-name` and `dns.delegated-host` (`dns.srv` is in
//! [`srv_records`]): the records of every name involved, with TTLs;
//! NXDOMAIN, NODATA, SERVFAIL and timeout told apart; and, when the
//! authoritative answer is known, whether resolvers still hold an older one
//! and when it expires.

pub mod public;
mod srv;

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::refused::{self, Source};
use super::{add_remedy, downgrade, worse};
use crate::check::expect::Expectations;
use crate::check::model::{CheckId, CheckResult, Evidence, Fault, Status};
use crate::domain::{Host, ServerName};
use crate::matrix::discovery::{Resolution, Step};
use crate::matrix::peers::PrivateAddresses;
use crate::observe::{AddressLookup, AuthorityGap, DnsError, SrvLookup};
use crate::words::{and_list, duration};

const SPEC_NAME: &str = "server-server API, Resolving server names, step 3 (the well-known file \
                         is fetched from the server name); client-server API, Server Discovery";

/// The records of one A/AAAA lookup in a line: `A 203.0.113.5 (TTL 300), AAAA ...`.
pub fn describe_addresses(l: &AddressLookup) -> String {
    let mut parts = Vec::new();
    for c in &l.cnames {
        parts.push(format!("CNAME {} (TTL {})", c.target, c.ttl));
    }
    for (kind, answer) in [("A", &l.a), ("AAAA", &l.aaaa)] {
        match answer {
            Ok(records) if !records.is_empty() => {
                let list: Vec<String> = records
                    .iter()
                    .map(|r| format!("{} (TTL {})", r.ip, r.ttl))
                    .collect();
                parts.push(format!("{kind} {}", list.join(", ")));
            }
            Ok(_) => parts.push(format!("{kind}: none")),
            Err(e) => parts.push(format!("{kind}: {e}")),
        }
    }
    parts.join("; ")
}

/// The addresses in a short line for summaries: `A 203.0.113.5, AAAA 2001:db8::5`
/// (`no AAAA` when the family has none).
pub fn short_addresses(l: &AddressLookup) -> String {
    let mut parts = Vec::new();
    for (kind, answer) in [("A", &l.a), ("AAAA", &l.aaaa)] {
        match answer {
            Ok(records) if !records.is_empty() => {
                let list: Vec<String> = records.iter().map(|r| r.ip.to_string()).collect();
                parts.push(format!("{kind} {}", list.join(", ")));
            }
            _ => parts.push(format!("no {kind}")),
        }
    }
    if let Some(c) = l.cnames.last() {
        parts.insert(0, format!("CNAME {}", c.target));
    }
    parts.join(", ")
}

fn failed_families(l: &AddressLookup) -> Vec<(&'static str, &DnsError)> {
    [("A", &l.a), ("AAAA", &l.aaaa)]
        .into_iter()
        .filter_map(|(k, r)| r.as_ref().err().map(|e| (k, e)))
        .collect()
}

/// Status of one name's addresses, and a short reason when not a pass.
fn address_status(l: &AddressLookup) -> (Status, Option<String>) {
    let failed = failed_families(l);
    let has_any = l.records().next().is_some();
    if has_any {
        let broken: Vec<String> = failed
            .iter()
            .filter(|(_, e)| !e.is_negative_answer())
            .map(|(k, e)| format!("{k} {e}"))
            .collect();
        if broken.is_empty() {
            (Status::Pass, None)
        } else {
            (
                Status::Warn,
                Some(format!(
                    "{}: peers that need that family cannot connect",
                    and_list(&broken)
                )),
            )
        }
    } else if failed.iter().any(|(_, e)| **e == DnsError::Timeout) {
        (Status::Error, Some("no DNS answer in time".into()))
    } else if let Some(problem) = l.local_problem() {
        // Not asked at all: this machine's limit, not the zone's failure.
        (Status::Error, Some(format!("could not test: {problem}")))
    } else {
        let why = l.failure().unwrap_or_else(|| "no addresses".into());
        (Status::Fail, Some(why))
    }
}

fn remedy_for(l: &AddressLookup, role: &str) -> String {
    let failed = failed_families(l);
    if let Some((_, DnsError::CnameLoop(chain))) = failed
        .iter()
        .find(|(_, e)| matches!(e, DnsError::CnameLoop(_)))
    {
        return format!(
            "The CNAME records of {} form a loop ({}): point the last of them at a name with A \
             or AAAA records, or replace the CNAME with those records.",
            l.name,
            chain.join(" → ")
        );
    }
    if failed.iter().any(|(_, e)| **e == DnsError::ServFail) {
        return format!(
            "Resolvers get SERVFAIL for {}: the domain's nameservers do not answer correctly or \
             DNSSEC validation fails (a DS record at the registrar that does not match the zone). \
             Check the NS and DS records.",
            l.name
        );
    }
    if failed.iter().any(|(_, e)| **e == DnsError::Timeout) {
        return format!(
            "No DNS answer for {} in time: check that the domain's nameservers respond (or that \
             this machine can reach its resolver).",
            l.name
        );
    }
    format!(
        "Create A (IPv4) and/or AAAA (IPv6) records for {} at your DNS provider, pointing to {role}.",
        l.name
    )
}

/// Compares the resolver's (possibly cached) answer with the authoritative
/// one: what differs, and how long the resolver's outdated answer lives on.
fn propagation(resolver: &AddressLookup, auth: &AddressLookup) -> Option<(String, Option<u64>)> {
    let set = |l: &AddressLookup| l.addresses().into_iter().collect::<BTreeSet<IpAddr>>();
    let (old, new) = (set(resolver), set(auth));
    if old == new {
        return None;
    }
    let show = |s: &BTreeSet<IpAddr>| {
        if s.is_empty() {
            "no address".to_string()
        } else {
            s.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let left = resolver
        .records()
        .map(|r| u64::from(r.ttl))
        .max()
        .or_else(|| {
            failed_families(resolver)
                .iter()
                .filter_map(|(_, e)| e.negative_ttl())
                .map(u64::from)
                .max()
        });
    let full = auth.records().map(|r| u64::from(r.ttl)).max();
    let mut text = format!(
        "the authoritative servers now say {} for {}, but the resolver still answers {}",
        show(&new),
        auth.name,
        show(&old)
    );
    if let Some(left) = left {
        text.push_str(&format!(
            "; that cached answer expires in {}",
            duration(left)
        ));
    }
    if let Some(full) = full {
        text.push_str(&format!(
            "; other resolvers may hold the old answer for up to the record's TTL ({})",
            duration(full)
        ));
    }
    Some((text, left))
}

fn name_result(
    id: CheckId,
    lookup: &AddressLookup,
    authoritative: Option<&AddressLookup>,
    role: &str,
    mode: PrivateAddresses,
    checked: Checked,
) -> CheckResult {
    let (status, why) = address_status(lookup);
    let summary = match &why {
        None => format!("{}: {}", lookup.name, short_addresses(lookup)),
        Some(w) => format!("{}: {w}", lookup.name),
    };
    let mut r = CheckResult::new(id, status, summary).evidence(
        format!("A/AAAA {}", lookup.name),
        describe_addresses(lookup),
    );
    if status != Status::Pass {
        r = r.remedy(remedy_for(lookup, role));
    }
    if status.is_failure() && lookup.records().next().is_none() {
        r = r.fault(Fault::NoAddress {
            names: vec![lookup.name.clone()],
        });
    }
    if let Some(auth) = authoritative {
        r = r.evidence(
            format!("A/AAAA {} at its authoritative servers", auth.name),
            describe_addresses(auth),
        );
        // A private address only this machine's resolver gives is more
        // likely a local override (a local zone, a hosts line) than an old
        // answer that will expire: the remedy says so.
        let local_override =
            refused::local_only(&lookup.name, &lookup.addresses(), &auth.addresses(), mode);
        if let Some((text, left)) = propagation(lookup, auth) {
            let now: BTreeSet<IpAddr> = auth.addresses().into_iter().collect();
            let outdated: Vec<IpAddr> = lookup
                .addresses()
                .into_iter()
                .filter(|ip| !now.contains(ip))
                .collect();
            if !outdated.is_empty() {
                let old = outdated
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                let wait = left.map_or_else(
                    || "until their cached answer expires".to_string(),
                    |l| format!("for at most {} more", duration(l)),
                );
                let advice = if local_override.is_some() {
                    format!(
                        "Nothing to change for federation if the authoritative answer is right: \
                         peers elsewhere get {} for {}, and that is what was checked. This \
                         machine's resolver answers {old}, a private address the zone does not \
                         publish: a local DNS zone (split horizon), a hosts-file line, or a \
                         cached old answer ({wait}). Keep a local override only if it leads to \
                         the same homeserver.",
                        public::shown(auth),
                        lookup.name
                    )
                } else {
                    format!(
                        "Nothing to change if the authoritative answer is right: resolvers still \
                         serve the old address ({old}) of {} {wait}; failures on that address \
                         end by themselves. Check again then. Before the next change, lower the \
                         record's TTL a day ahead.",
                        lookup.name
                    )
                };
                r = add_remedy(r, advice);
                r = r.fault(Fault::DnsSpreading {
                    outdated: outdated
                        .into_iter()
                        .map(|ip| (ip, lookup.name.clone()))
                        .collect(),
                });
            }
            r = downgrade(
                r,
                Status::Warn,
                format!("{}: a DNS change is still spreading", lookup.name),
            );
            r = r.evidence("propagation", text);
            if let Some(left) = left {
                r = r.cache_expires_in(left);
            }
        }
        if let Some((asked, got)) = local_override {
            r = r.evidence(asked, got);
        }
    }
    // The resolver's answer differs from the authoritative one: federation
    // was checked on the authoritative addresses (what peers elsewhere get,
    // see `public`), and the report says so first.
    if let Some(auth) = replaced_by(lookup, authoritative).filter(|_| checked != Checked::NotHere) {
        r.summary = format!(
            "{}: this machine's resolver answers {}, the authoritative servers {} (what peers \
             elsewhere get, and what is checked)",
            lookup.name,
            public::shown(lookup),
            public::shown(auth)
        );
        r.evidence.insert(
            0,
            Evidence {
                asked: format!("{} as peers elsewhere see it", lookup.name),
                got: public::statement(lookup, auth, checked),
            },
        );
    }
    // Peers elsewhere get the authoritative answer when it is known (a
    // local resolver may answer a split-horizon or hosts-file address).
    let judged = authoritative
        .filter(|a| a.records().next().is_some())
        .unwrap_or(lookup);
    refused::apply(r, Source::Dns(&lookup.name), &judged.addresses(), mode)
}

/// `dns.server-name`: the server name's own A/AAAA (the base domain serves
/// the well-known files; without delegation it is the homeserver).
pub fn server_name(
    name: &ServerName,
    lookup: Option<&AddressLookup>,
    authoritative: Option<&AddressLookup>,
    ex: &Expectations,
    mode: PrivateAddresses,
) -> CheckResult {
    let role = if ex.m_server.is_some() || ex.base_url.is_some() {
        "the web server that answers /.well-known/matrix/* for it"
    } else {
        "the web server or homeserver that answers for it"
    };
    match (&name.host, lookup) {
        (Host::Ipv4(_) | Host::Ipv6(_), _) => CheckResult::new(
            CheckId::DnsServerName,
            Status::Skipped,
            format!("{name} is an IP address: nothing to look up"),
        ),
        (Host::Dns(_), None) => CheckResult::new(
            CheckId::DnsServerName,
            Status::Error,
            format!("the addresses of {} were not looked up", name.host_str()),
        ),
        (Host::Dns(_), Some(l)) => name_result(
            CheckId::DnsServerName,
            l,
            authoritative,
            role,
            mode,
            Checked::WhereConnected,
        ),
    }
    .spec(SPEC_NAME)
}

/// `dns.delegated-host`: the addresses of the hosts federation connects to
/// (the `m.server` host or the SRV targets), when that is another name.
pub fn delegated_host(
    res: &Resolution,
    authoritative: &[AddressLookup],
    mode: PrivateAddresses,
) -> CheckResult {
    let skip = |why: String| {
        CheckResult::new(CheckId::DnsDelegatedHost, Status::Skipped, why).spec(res.step.spec())
    };
    match res.step {
        Step::IpLiteral | Step::DelegatedIp => {
            return skip("federation uses an IP address: nothing to look up".into());
        }
        Step::ExplicitPort | Step::DefaultPort => {
            return skip(format!(
                "no delegation (step {}): federation connects to {} itself, see dns.server-name",
                res.step,
                res.server_name.host_str()
            ));
        }
        _ if res.no_service.is_some() => {
            return skip("the SRV record says there is no federation service".into());
        }
        _ => {}
    }
    let hosts = res.target_hosts();
    let mut status = Status::Pass;
    let mut results = Vec::new();
    for host in &hosts {
        // This machine's own answer when discovery was given the
        // authoritative one instead: compared with it here, never probed.
        let replaced = res
            .resolver_answers
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(host));
        let lookup = replaced.or_else(|| {
            res.address_lookups
                .iter()
                .find(|l| l.name.eq_ignore_ascii_case(host))
        });
        // Discovery went on with the resolver's answer when the
        // authoritative one came too late: then that is what was checked.
        let checked = if replaced.is_some() {
            Checked::Here
        } else {
            Checked::NotHere
        };
        let auth = authoritative
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(host));
        if let Some(l) = lookup {
            let r = name_result(
                CheckId::DnsDelegatedHost,
                l,
                auth,
                "the reverse proxy in front of the homeserver",
                mode,
                checked,
            );
            status = worse(status, r.status);
            results.push(r);
        }
    }
    let mut out =
        CheckResult::new(CheckId::DnsDelegatedHost, status, String::new()).spec(res.step.spec());
    let summaries: Vec<String> = results
        .iter()
        .filter(|r| r.status == status)
        .map(|r| r.summary.clone())
        .collect();
    out.summary = match summaries.as_slice() {
        [one] => one.clone(),
        _ if status == Status::Pass => format!("{} all have addresses", and_list(&hosts)),
        many => many.join("; "),
    };
    for r in results {
        if let Some(left) = r.cache_expires_in_s {
            out = out.cache_expires_in(left);
        }
        if let Some(Fault::NoAddress { names }) = r.fault.clone() {
            let mut all = match out.fault.take() {
                Some(Fault::NoAddress { names: before }) => before,
                other => {
                    out.fault = other;
                    Vec::new()
                }
            };
            all.extend(names);
            out = out.fault(Fault::NoAddress { names: all });
        }
        if let Some(Fault::RefusedAddresses { addresses }) = r.fault.clone() {
            let mut all = match out.fault.take() {
                Some(Fault::RefusedAddresses { addresses: before }) => before,
                _ => Vec::new(),
            };
            all.extend(addresses);
            out = out.fault(Fault::RefusedAddresses { addresses: all });
        }
        // Addresses peers refuse are the fault to fix first.
        if let Some(Fault::DnsSpreading { outdated }) = r.fault
            && !matches!(out.fault, Some(Fault::RefusedAddresses { .. }))
        {
            let mut all = match out.fault.take() {
                Some(Fault::DnsSpreading { outdated: before }) => before,
                _ => Vec::new(),
            };
            all.extend(outdated);
            out = out.fault(Fault::DnsSpreading { outdated: all });
        }
        out.evidence.extend(r.evidence);
        if let Some(rem) = r.remedy {
            out = add_remedy(out, rem);
        }
    }
    if hosts.is_empty() {
        out.status = Status::Fail;
        out.summary = "no host to connect to".into();
    }
    out
}

pub use self::public::{Checked, is_definite, public_answer, replaced_by};
pub use self::srv::srv_records;

/// The names a DNS result covers, for [`note_authority_gaps`]: the server
/// name for `dns.server-name`, the target hosts for `dns.delegated-host`,
/// the SRV owners looked up for `dns.srv`.
pub fn authority_names(id: CheckId, res: &Resolution, extra_srv: &[SrvLookup]) -> Vec<String> {
    match id {
        CheckId::DnsServerName => vec![res.server_name.host_str()],
        CheckId::DnsDelegatedHost => res.target_hosts().iter().map(|h| h.to_string()).collect(),
        CheckId::DnsSrv => res
            .srv_lookups
            .iter()
            .chain(extra_srv)
            .map(|l| l.name.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// Adds "could not ask the authoritative servers" evidence to a DNS result
/// for each of `names` whose authoritative servers could not be asked
/// (never a failure: the resolver's answer is still judged).
pub fn note_authority_gaps(
    mut r: CheckResult,
    names: &[String],
    gaps: &[AuthorityGap],
) -> CheckResult {
    if r.status == Status::Skipped {
        return r;
    }
    let mut seen: Vec<&str> = Vec::new();
    for name in names {
        if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            continue;
        }
        seen.push(name);
        if let Some(gap) = gaps.iter().find(|g| g.name.eq_ignore_ascii_case(name)) {
            r = r.evidence(
                format!("{} at its authoritative servers", gap.name),
                format!(
                    "could not ask them: {}; only the resolver's answer is shown, so a recent \
                     change may not be visible yet",
                    gap.why
                ),
            );
        }
    }
    r
}
