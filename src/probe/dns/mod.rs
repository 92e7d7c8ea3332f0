//! DNS lookups with hickory-resolver: A and AAAA (each its own query),
//! CNAME chains, SRV, NS; every lookup becomes a [`DnsLookup`] observation.
//!
//! The cache is off (`cache_size = 0`) so a re-run sees what the servers say
//! now; with `--nameserver` only those servers are asked and `/etc/hosts` is
//! ignored.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::lookup::Lookup;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError as ResolverError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};

use super::options::NetOptions;
use super::trust::SetupError;
use crate::observe::{
    AddressLookup, CnameRecord, DnsAnswer, DnsError, DnsFailure, DnsLookup, DnsRecord,
    LocalProblem, RecordData, RecordKind, SoaRecord, SrvData,
};

/// The DNS side of the network layer. Cheap to clone.
#[derive(Clone)]
pub struct Dns {
    resolver: Arc<TokioResolver>,
    timeout: Duration,
    /// [`NetOptions::dial_map`]: where [`Dns::query_server`] really sends
    /// its queries (the simulated internet's nameservers).
    dial_map: Arc<HashMap<SocketAddr, SocketAddr>>,
    /// [`NetOptions::max_dns_queries`]: queries in flight at once, shared
    /// by every clone (every run using one `Net`).
    queries: Arc<Semaphore>,
    /// Queries in flight now, and the most ever at once.
    in_flight: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

/// A query slot: held while the query is in flight.
struct QuerySlot {
    _permit: Option<OwnedSemaphorePermit>,
    in_flight: Arc<AtomicUsize>,
}

impl Drop for QuerySlot {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dns")
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Dns {
    pub fn new(opts: &NetOptions) -> Result<Dns, SetupError> {
        let resolver = if opts.nameservers.is_empty() {
            system_resolver(opts.timeout)?
        } else {
            resolver_for(&opts.nameservers, opts.timeout, true)
                .map_err(|message| SetupError::Resolver { message })?
        };
        Ok(Dns {
            resolver: Arc::new(resolver),
            timeout: opts.timeout,
            dial_map: Arc::new(opts.dial_map.clone()),
            queries: Arc::new(Semaphore::new(opts.max_dns_queries.max(1))),
            in_flight: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Looks up one name and type with the configured resolvers.
    pub async fn lookup(&self, name: &str, kind: RecordKind) -> DnsLookup {
        let _slot = self.slot().await;
        let lookup = run_lookup(&self.resolver, self.budget(), name, kind, None).await;
        self.name_cname_loop(lookup, Instant::now() + self.budget())
            .await
    }

    /// A lookup that ended without records after following CNAMEs (the
    /// resolver stops after a few and says NODATA; servers say SERVFAIL)
    /// may have met a loop: walk the chain one CNAME query at a time, at
    /// most [`MAX_CNAME_WALK`] of them, and name the loop when a name
    /// comes back.
    async fn name_cname_loop(&self, mut lookup: DnsLookup, deadline: Instant) -> DnsLookup {
        let suspicious = match &lookup.result {
            // NODATA after a CNAME the resolver names (`failed_name`), or
            // any NODATA for A: a loop that comes back to the asked name
            // looks like plain NODATA. AAAA and SRV NODATA are common and
            // cost no extra query; the A lookup of the same name names it.
            Err(f) => match f.error {
                DnsError::NoData { .. } => f.failed_name.is_some() || lookup.kind == RecordKind::A,
                DnsError::ServFail => true,
                _ => false,
            },
            Ok(_) => false,
        };
        if !suspicious || lookup.kind == RecordKind::Cname {
            return lookup;
        }
        let mut chain = vec![lookup.name.to_ascii_lowercase()];
        for _ in 0..MAX_CNAME_WALK {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(current) = chain.last().cloned() else {
                break;
            };
            let step = run_lookup(&self.resolver, left, &current, RecordKind::Cname, None).await;
            let next = step.result.ok().and_then(|answer| {
                answer.records.iter().find_map(|r| match &r.data {
                    RecordData::Cname(target) => Some(strip_dot(target).to_ascii_lowercase()),
                    _ => None,
                })
            });
            let Some(next) = next else {
                break;
            };
            let repeated = chain.contains(&next);
            chain.push(next);
            if repeated {
                if let Err(f) = &mut lookup.result {
                    f.detail = format!("{} (the resolver said: {})", chain.join(" → "), f.detail);
                    f.error = DnsError::CnameLoop(chain);
                }
                break;
            }
        }
        lookup
    }

    /// Waits until fewer than the limit of queries are in flight. A query's
    /// own timeout starts after this.
    async fn slot(&self) -> QuerySlot {
        let permit = self.queries.clone().acquire_owned().await.ok();
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        QuerySlot {
            _permit: permit,
            in_flight: self.in_flight.clone(),
        }
    }

    /// The most queries ever in flight at once (never more than
    /// [`NetOptions::max_dns_queries`]).
    pub fn peak_queries(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Like [`Dns::lookup`], but giving up at `deadline` at the latest.
    pub async fn lookup_until(&self, name: &str, kind: RecordKind, deadline: Instant) -> DnsLookup {
        let _slot = self.slot().await;
        let left = deadline.saturating_duration_since(Instant::now());
        let lookup = run_lookup(&self.resolver, self.budget().min(left), name, kind, None).await;
        let until = deadline.min(Instant::now() + self.budget());
        self.name_cname_loop(lookup, until).await
    }

    /// A and AAAA at the same time, giving up at `deadline` at the latest.
    pub async fn addresses_until(&self, name: &str, deadline: Instant) -> AddressLookup {
        let (a, aaaa) = tokio::join!(
            self.lookup_until(name, RecordKind::A, deadline),
            self.lookup_until(name, RecordKind::Aaaa, deadline)
        );
        AddressLookup::from_lookups(&a, &aaaa)
    }

    /// The most one lookup may take: the per-request timeout.
    fn budget(&self) -> Duration {
        self.timeout
    }

    /// A and AAAA for `name`, asked at the same time.
    pub async fn addresses(&self, name: &str) -> AddressLookup {
        let (a, aaaa) = tokio::join!(
            self.lookup(name, RecordKind::A),
            self.lookup(name, RecordKind::Aaaa)
        );
        AddressLookup::from_lookups(&a, &aaaa)
    }

    /// Asks one specific server directly, e.g. a zone's authoritative server
    /// (`recursion_desired = false`) to compare with what resolvers cache.
    /// `server` is a logical address: the dial map applies, the lookup
    /// records the logical one.
    pub async fn query_server(
        &self,
        server: SocketAddr,
        name: &str,
        kind: RecordKind,
        recursion_desired: bool,
    ) -> DnsLookup {
        let real = self.dial_map.get(&server).copied().unwrap_or(server);
        let _slot = self.slot().await;
        match resolver_for(&[real], self.timeout, recursion_desired) {
            Ok(resolver) => run_lookup(&resolver, self.budget(), name, kind, Some(server)).await,
            Err(detail) => DnsLookup {
                name: strip_dot(name).to_string(),
                kind,
                server: Some(server),
                result: Err(DnsFailure::new(DnsError::Other(detail.clone()), detail)),
                duration: Duration::ZERO,
            },
        }
    }
}

fn base_options(timeout: Duration) -> ResolverOpts {
    let mut opts = ResolverOpts::default();
    opts.cache_size = 0;
    // Two tries of half the timeout each: a lost UDP packet is not a broken
    // zone, and the whole lookup still fits in one request's timeout.
    opts.timeout = (timeout / 2).max(Duration::from_millis(50));
    opts.attempts = 1;
    // Names are always asked fully qualified; no search list.
    opts.ndots = 0;
    opts.preserve_intermediates = true;
    opts
}

fn resolver_for(
    servers: &[SocketAddr],
    timeout: Duration,
    recursion: bool,
) -> Result<TokioResolver, String> {
    let name_servers = servers
        .iter()
        .map(|addr| {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            NameServerConfig::new(addr.ip(), true, vec![udp, tcp])
        })
        .collect();
    let mut opts = base_options(timeout);
    opts.use_hosts_file = ResolveHosts::Never;
    opts.recursion_desired = recursion;
    let mut builder = TokioResolver::builder_with_config(
        ResolverConfig::from_name_servers(name_servers),
        TokioRuntimeProvider::default(),
    );
    *builder.options_mut() = opts;
    builder.build().map_err(|e| e.to_string())
}

fn system_resolver(timeout: Duration) -> Result<TokioResolver, SetupError> {
    let mut builder = TokioResolver::builder_tokio().map_err(|e| SetupError::Resolver {
        message: e.to_string(),
    })?;
    let mut opts = base_options(timeout);
    // Peers never see this machine's /etc/hosts (a Debian `127.0.1.1
    // matrix.example.com` line would pass for a public answer): the
    // verdicts are based on DNS only.
    opts.use_hosts_file = ResolveHosts::Never;
    *builder.options_mut() = opts;
    builder.build().map_err(|e| SetupError::Resolver {
        message: e.to_string(),
    })
}

async fn run_lookup(
    resolver: &TokioResolver,
    budget: Duration,
    name: &str,
    kind: RecordKind,
    server: Option<SocketAddr>,
) -> DnsLookup {
    let started = Instant::now();
    let shown = strip_dot(name).to_string();
    let result = match fqdn(name) {
        Err(detail) => Err(DnsFailure::new(
            DnsError::InvalidName(detail.clone()),
            detail,
        )),
        Ok(fq) => {
            match tokio::time::timeout(budget, resolver.lookup(fq, record_type(kind))).await {
                Ok(Ok(lookup)) => answer_from(&lookup, &shown, kind),
                Ok(Err(err)) => Err(failure_from(&err, &shown)),
                Err(_) => Err(DnsFailure::new(
                    DnsError::Timeout,
                    format!("no answer within {} ms", budget.as_millis()),
                )),
            }
        }
    };
    DnsLookup {
        name: shown,
        kind,
        server,
        result,
        duration: started.elapsed(),
    }
}

fn fqdn(name: &str) -> Result<Name, String> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.len() > 253 || trimmed.chars().any(|c| c.is_control()) {
        return Err(format!("`{}` is not a valid DNS name", name.escape_debug()));
    }
    let mut parsed = Name::from_ascii(trimmed)
        .map_err(|e| format!("`{}` is not a valid DNS name ({e})", name.escape_debug()))?;
    parsed.set_fqdn(true);
    Ok(parsed)
}

fn record_type(kind: RecordKind) -> RecordType {
    match kind {
        RecordKind::A => RecordType::A,
        RecordKind::Aaaa => RecordType::AAAA,
        RecordKind::Cname => RecordType::CNAME,
        RecordKind::Srv => RecordType::SRV,
        RecordKind::Ns => RecordType::NS,
    }
}

pub(crate) fn strip_dot(name: &str) -> &str {
    if name.len() > 1 {
        name.strip_suffix('.').unwrap_or(name)
    } else {
        name
    }
}

fn name_text(name: &Name) -> String {
    strip_dot(&name.to_ascii()).to_string()
}

fn answer_from(lookup: &Lookup, asked: &str, kind: RecordKind) -> Result<DnsAnswer, DnsFailure> {
    let mut chain = Vec::new();
    let mut current = asked.to_ascii_lowercase();
    let answers = lookup.answers();
    // Follow the chain in order; the answer section may list it in any order.
    if kind != RecordKind::Cname {
        for _ in 0..answers.len() {
            let next = answers.iter().find_map(|r| match &r.data {
                RData::CNAME(target) if name_text(&r.name).eq_ignore_ascii_case(&current) => {
                    Some(CnameRecord {
                        name: name_text(&r.name),
                        target: name_text(&target.0),
                        ttl: r.ttl,
                    })
                }
                _ => None,
            });
            match next {
                Some(hop) => {
                    current = hop.target.to_ascii_lowercase();
                    chain.push(hop);
                }
                None => break,
            }
        }
    }
    let wanted = record_type(kind);
    let records: Vec<DnsRecord> = answers
        .iter()
        .filter(|r| r.record_type() == wanted)
        .filter_map(record_from)
        .collect();
    if records.is_empty() {
        let mut f = DnsFailure::new(
            DnsError::NoData { negative_ttl: None },
            format!("no {} record in the answer", kind.as_str()),
        );
        if !chain.is_empty() {
            f.failed_name = Some(current);
        }
        return Err(f);
    }
    Ok(DnsAnswer {
        cnames: chain,
        records,
        authoritative: lookup.message().metadata.authoritative,
    })
}

fn record_from(record: &Record) -> Option<DnsRecord> {
    let data = match &record.data {
        RData::A(a) => RecordData::A(a.0),
        RData::AAAA(aaaa) => RecordData::Aaaa(aaaa.0),
        RData::CNAME(c) => RecordData::Cname(name_text(&c.0)),
        RData::NS(ns) => RecordData::Ns(name_text(&ns.0)),
        RData::SRV(srv) => RecordData::Srv(SrvData {
            priority: srv.priority,
            weight: srv.weight,
            port: srv.port,
            target: name_text(&srv.target),
        }),
        _ => return None,
    };
    Some(DnsRecord {
        name: name_text(&record.name),
        ttl: record.ttl,
        data,
    })
}

fn failure_from(err: &NetError, asked: &str) -> DnsFailure {
    let detail = err.to_string();
    let local = match err {
        NetError::Io(io) => LocalProblem::of_io(io),
        // The resolver could not reach any nameserver and keeps no cause:
        // when this machine cannot open a socket right now, that is why.
        NetError::NoConnections => local_socket_problem(),
        other => LocalProblem::in_chain(other),
    };
    if let Some(problem) = local {
        return DnsFailure::new(DnsError::Local(problem), detail);
    }
    match err {
        NetError::Dns(ResolverError::NoRecordsFound(nr)) => {
            let failed = name_text(nr.query.name());
            let soa = nr.soa.as_ref().map(|soa| SoaRecord {
                zone: name_text(&soa.name),
                mname: name_text(&soa.data.mname),
                rname: name_text(&soa.data.rname),
                serial: soa.data.serial,
                minimum: soa.data.minimum,
                ttl: soa.ttl,
            });
            // RFC 2308: the SOA minimum, bounded by the SOA's own TTL.
            let negative_ttl = nr
                .negative_ttl
                .or_else(|| soa.as_ref().map(|s| s.minimum.min(s.ttl)));
            let (error, detail) = if nr.response_code == ResponseCode::NXDomain {
                (
                    DnsError::NxDomain { negative_ttl },
                    format!("{failed}: no such name (NXDOMAIN)"),
                )
            } else {
                (
                    DnsError::NoData { negative_ttl },
                    format!("{failed}: the name exists but has no record of this type"),
                )
            };
            DnsFailure {
                error,
                detail,
                soa: soa.map(Box::new),
                failed_name: (!failed.eq_ignore_ascii_case(asked)).then_some(failed),
            }
        }
        NetError::Dns(ResolverError::ResponseCode(code)) => {
            let detail = format!("server answered {code}");
            let error = match code {
                ResponseCode::ServFail => DnsError::ServFail,
                ResponseCode::Refused => DnsError::Refused,
                ResponseCode::NXDomain => DnsError::NxDomain { negative_ttl: None },
                _ => DnsError::Other(detail.clone()),
            };
            DnsFailure::new(error, detail)
        }
        NetError::Timeout => DnsFailure::new(DnsError::Timeout, "no answer in time"),
        NetError::Truncated => DnsFailure::new(
            DnsError::Truncated,
            "the answer was truncated and TCP did not deliver it",
        ),
        _ => DnsFailure::new(DnsError::Other(detail.clone()), detail),
    }
}

/// CNAME queries made to tell a loop from a chain that just does not end
/// in an address (the resolver follows 8; real chains are 1 or 2 long).
const MAX_CNAME_WALK: usize = 16;

/// Whether this machine can open a socket at all (nothing is sent): the
/// local problem when it cannot.
fn local_socket_problem() -> Option<LocalProblem> {
    match std::net::UdpSocket::bind((std::net::Ipv4Addr::UNSPECIFIED, 0)) {
        Ok(_) => None,
        Err(e) => LocalProblem::of_io(&e),
    }
}
