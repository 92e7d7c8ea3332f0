//! The simulated DNS data and how the authoritative server answers from it:
//! CNAME chains followed inside the answer, NXDOMAIN vs NODATA (with the
//! zone's SOA so resolvers learn the negative TTL), and the per-name
//! misbehaviours of a scenario (SERVFAIL, REFUSED, silence, truncation).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CNAME, NS, SOA, SRV};
use hickory_proto::rr::{Name, RData, Record, RecordType};

use crate::sim::scenario::{CachedAnswer, DnsBehaviour, DnsEntry, Scenario};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    Udp,
    Tcp,
}

/// What to do with one query.
#[derive(Debug)]
pub(crate) enum Reply {
    Send {
        bytes: Vec<u8>,
        delay: Duration,
    },
    /// Say nothing (the client times out).
    Silent,
    /// Close the TCP connection without an answer.
    Close,
}

#[derive(Debug)]
pub(crate) struct Zone {
    entries: HashMap<String, DnsEntry>,
    soa_minimum: u32,
    latency: Duration,
    /// When the simulation started: a resolver's cached answer
    /// (`DnsEntry::cached`) is served until its TTL has run out from then,
    /// and the zone's own records after that, as a real resolver's cache
    /// expires.
    started: std::time::Instant,
    /// A resolver elsewhere: it never holds `DnsEntry::cached` (that is
    /// this machine's resolver's local or stale answer), so recursive
    /// queries get the zone's current records.
    elsewhere: bool,
}

pub(crate) fn normalize(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl Zone {
    pub(crate) fn new(scenario: &Scenario) -> Zone {
        let mut entries: HashMap<String, DnsEntry> = HashMap::new();
        for entry in &scenario.dns {
            entries.insert(normalize(&entry.name), entry.clone());
        }
        for (name, addrs) in &scenario.hosts {
            let entry = entries.entry(normalize(name)).or_insert_with(|| DnsEntry {
                name: name.clone(),
                ttl: 300,
                a: Vec::new(),
                aaaa: Vec::new(),
                cname: None,
                srv: Vec::new(),
                ns: Vec::new(),
                cached: None,
                behaviour: DnsBehaviour::Answer,
                behaviour_types: Vec::new(),
                delay_ms: 0,
            });
            for ip in addrs.addrs() {
                match ip {
                    IpAddr::V4(v4) => entry.a.push(v4),
                    IpAddr::V6(v6) => entry.aaaa.push(v6),
                }
            }
        }
        Zone {
            entries,
            soa_minimum: scenario.soa_minimum,
            latency: Duration::from_millis(scenario.latency.dns_ms),
            started: std::time::Instant::now(),
            elsewhere: false,
        }
    }

    /// The same zone as a resolver elsewhere answers it (see `elsewhere`).
    pub(crate) fn elsewhere(mut self) -> Zone {
        self.elsewhere = true;
        self
    }

    /// A name "exists" if it has an entry or something below it does (an
    /// empty non-terminal such as `_tcp.example.com` answers NODATA).
    fn exists(&self, name: &str) -> bool {
        let suffix = format!(".{name}");
        self.entries.contains_key(name) || self.entries.keys().any(|k| k.ends_with(&suffix))
    }

    pub(crate) fn reply(&self, request: &[u8], transport: Transport) -> Reply {
        let Ok(query) = Message::from_vec(request) else {
            return Reply::Silent;
        };
        // Like a real server: a UDP answer larger than the asker accepts
        // (its EDNS payload size, else 512 bytes, RFC 6891 §6.2.5) goes out
        // empty with the TC bit, and the asker retries over TCP.
        let udp_limit = match transport {
            Transport::Udp => Some(
                query
                    .edns
                    .as_ref()
                    .map_or(512, |e| e.max_payload().max(512)),
            ),
            Transport::Tcp => None,
        };
        match self.answer(&query, transport) {
            Reply::Send { bytes, delay }
                if udp_limit.is_some_and(|l| bytes.len() > usize::from(l)) =>
            {
                let mut cut = Message::response(query.metadata.id, query.metadata.op_code);
                cut.metadata.recursion_desired = query.metadata.recursion_desired;
                cut.metadata.recursion_available = true;
                cut.metadata.truncation = true;
                cut.add_queries(query.queries.iter().cloned());
                self.send(cut, delay)
            }
            reply => reply,
        }
    }

    fn answer(&self, query: &Message, transport: Transport) -> Reply {
        let mut response = Message::response(query.metadata.id, query.metadata.op_code);
        response.metadata.recursion_desired = query.metadata.recursion_desired;
        response.metadata.recursion_available = true;
        response.metadata.authoritative = true;
        response.add_queries(query.queries.iter().cloned());
        let (Some(q), true) = (
            query.queries.first(),
            query.metadata.message_type == MessageType::Query
                && query.metadata.op_code == OpCode::Query,
        ) else {
            response.metadata.response_code = ResponseCode::FormErr;
            return self.send(response, Duration::ZERO);
        };
        let qtype = q.query_type();
        // A recursive query comes from "a resolver": it may still hold a
        // stale answer (DnsEntry::cached); direct queries get the zone data.
        let recursive = query.metadata.recursion_desired && !self.elsewhere;
        let mut name = normalize(&q.name().to_ascii());
        let mut delay = self.latency;
        let mut visited: Vec<String> = Vec::new();
        for _ in 0..8 {
            // A CNAME loop: answer the chain as far as it goes without
            // repeating, NOERROR, as BIND and most authoritative servers do.
            if visited.contains(&name) {
                return self.send(response, delay);
            }
            visited.push(name.clone());
            let entry = self.entries.get(&name);
            if let Some(e) = entry {
                delay += Duration::from_millis(e.delay_ms);
                let applies = e.behaviour_types.is_empty()
                    || e.behaviour_types.iter().any(|t| t == &qtype.to_string());
                if applies && e.behaviour != DnsBehaviour::Answer {
                    return self.misbehave(response, e.behaviour, &name, transport, delay);
                }
                if let Some(target) = &e.cname
                    && qtype != RecordType::CNAME
                {
                    response.add_answer(record(&name, e.ttl, RData::CNAME(CNAME(fqdn(target)))));
                    name = normalize(target);
                    continue;
                }
                let still_cached = |c: &CachedAnswer| {
                    self.started.elapsed() < Duration::from_secs(u64::from(c.ttl))
                };
                let records = match (&e.cached, recursive, qtype) {
                    (Some(cached), true, RecordType::A | RecordType::AAAA)
                        if still_cached(cached) =>
                    {
                        // A cache answers, not the zone's server.
                        response.metadata.authoritative = false;
                        cached_records(cached, qtype, &name)
                    }
                    _ => records_of(e, qtype, &name),
                };
                if records.is_empty() {
                    self.add_soa(&mut response, &name);
                } else {
                    response.add_answers(records);
                }
                return self.send(response, delay);
            }
            if !self.exists(&name) {
                response.metadata.response_code = ResponseCode::NXDomain;
            }
            self.add_soa(&mut response, &name);
            return self.send(response, delay);
        }
        // A CNAME chain longer than 8: give up like a real server would.
        response.metadata.response_code = ResponseCode::ServFail;
        self.send(response, delay)
    }

    fn misbehave(
        &self,
        mut response: Message,
        behaviour: DnsBehaviour,
        name: &str,
        transport: Transport,
        delay: Duration,
    ) -> Reply {
        match behaviour {
            DnsBehaviour::Answer => self.send(response, delay),
            DnsBehaviour::Nxdomain => {
                response.metadata.response_code = ResponseCode::NXDomain;
                self.add_soa(&mut response, name);
                self.send(response, delay)
            }
            DnsBehaviour::Servfail => {
                response.metadata.response_code = ResponseCode::ServFail;
                response.metadata.authoritative = false;
                self.send(response, delay)
            }
            DnsBehaviour::Refused => {
                response.metadata.response_code = ResponseCode::Refused;
                response.metadata.authoritative = false;
                self.send(response, delay)
            }
            DnsBehaviour::Timeout => Reply::Silent,
            DnsBehaviour::Truncated => match transport {
                Transport::Udp => {
                    response.metadata.truncation = true;
                    self.send(response, delay)
                }
                Transport::Tcp => Reply::Close,
            },
        }
    }

    fn add_soa(&self, response: &mut Message, name: &str) {
        let apex = apex_of(name);
        let soa = SOA::new(
            fqdn(&format!("ns1.{apex}")),
            fqdn(&format!("hostmaster.{apex}")),
            2_024_010_101,
            3600,
            600,
            86_400,
            self.soa_minimum,
        );
        response.add_authority(record(&apex, self.soa_minimum, RData::SOA(soa)));
    }

    fn send(&self, response: Message, delay: Duration) -> Reply {
        match response.to_vec() {
            Ok(bytes) => Reply::Send { bytes, delay },
            Err(_) => Reply::Silent,
        }
    }
}

/// The zone apex for a name: its last two labels (`example.com`).
fn apex_of(name: &str) -> String {
    let labels: Vec<&str> = name.split('.').filter(|l| !l.is_empty()).collect();
    let start = labels.len().saturating_sub(2);
    labels[start..].join(".")
}

fn fqdn(name: &str) -> Name {
    let mut n = Name::from_ascii(name.trim_end_matches('.')).unwrap_or_else(|_| Name::root());
    n.set_fqdn(true);
    n
}

fn record(name: &str, ttl: u32, data: RData) -> Record {
    Record::from_rdata(fqdn(name), ttl, data)
}

fn records_of(e: &DnsEntry, qtype: RecordType, name: &str) -> Vec<Record> {
    match qtype {
        RecordType::A => {
            e.a.iter()
                .map(|ip| record(name, e.ttl, RData::A(A(*ip))))
                .collect()
        }
        RecordType::AAAA => e
            .aaaa
            .iter()
            .map(|ip| record(name, e.ttl, RData::AAAA(AAAA(*ip))))
            .collect(),
        RecordType::SRV => e
            .srv
            .iter()
            .map(|s| {
                let target = if s.target == "." {
                    Name::root()
                } else {
                    fqdn(&s.target)
                };
                record(
                    name,
                    e.ttl,
                    RData::SRV(SRV::new(s.priority, s.weight, s.port, target)),
                )
            })
            .collect(),
        RecordType::NS => {
            e.ns.iter()
                .map(|host| record(name, e.ttl, RData::NS(NS(fqdn(host)))))
                .collect()
        }
        RecordType::CNAME => e
            .cname
            .iter()
            .map(|t| record(name, e.ttl, RData::CNAME(CNAME(fqdn(t)))))
            .collect(),
        _ => Vec::new(),
    }
}

/// The stale A or AAAA answer of a [`CachedAnswer`].
fn cached_records(cached: &CachedAnswer, qtype: RecordType, name: &str) -> Vec<Record> {
    match qtype {
        RecordType::A => cached
            .a
            .iter()
            .map(|ip| record(name, cached.ttl, RData::A(A(*ip))))
            .collect(),
        RecordType::AAAA => cached
            .aaaa
            .iter()
            .map(|ip| record(name, cached.ttl, RData::AAAA(AAAA(*ip))))
            .collect(),
        _ => Vec::new(),
    }
}
