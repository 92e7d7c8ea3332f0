//! "What do the authoritative servers say now, and what do resolvers still
//! cache?": find the zone's nameservers (NS of the name, or of the zone
//! named by the SOA of a negative answer), ask them directly without
//! recursion, and hand the answer to the DNS verdicts, which compare it with
//! the resolver's and say how long the old answer may live on. When they
//! cannot be asked (no NS records, no address, no answer), the checks say
//! so rather than fail.
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use futures::StreamExt;
use futures::future::join_all;
use futures::stream::FuturesUnordered;

use super::ctx::{Ctx, dns_key};
use super::tasks::Pending;
use crate::check::model::CheckId;
use crate::check::verdict::dns;
use crate::observe::{
    AddressLookup, AuthorityGap, AuthorityGapReason, DnsLookup, RecordKind, SrvLookup,
};

/// At most this many nameserver addresses are asked (at the same time).
const MAX_SERVERS: usize = 3;

/// The authoritative A/AAAA answer for `host` (started now if new).
pub(crate) fn addresses(
    ctx: &Arc<Ctx>,
    host: &str,
) -> Pending<Result<AddressLookup, AuthorityGap>> {
    let (c, name) = (ctx.clone(), dns_key(host));
    ctx.authority_addresses.get_or_spawn(
        &ctx.tasks,
        name.clone(),
        move || async move {
            let (a, aaaa) = futures::join!(
                ask(&c, &name, RecordKind::A),
                ask(&c, &name, RecordKind::Aaaa)
            );
            Ok(AddressLookup::from_lookups(&a?, &aaaa?))
        },
        died::<AddressLookup>,
    )
}

/// The A/AAAA answer federation uses for `host`, as peers elsewhere get
/// it: the authoritative one when it differs from this machine's resolver
/// ([`dns::public_answer`] decides), else the resolver's. The resolver's
/// answer comes first: when it failed, that failure is the answer, without
/// waiting for the zone's servers; they get one timeout, then the
/// resolver's answer stands (the DNS check still waits for them).
pub(crate) async fn as_peers_see(ctx: &Arc<Ctx>, host: &str) -> AddressLookup {
    let auth = (host.parse::<IpAddr>().is_err()).then(|| addresses(ctx, host));
    let local = ctx.addresses(host).await;
    let Some(auth) = auth else {
        return local;
    };
    if !dns::is_definite(&local) {
        return local;
    }
    let auth = match tokio::time::timeout(ctx.timeout(), auth).await {
        Ok(Ok(auth)) => auth,
        Ok(Err(_)) | Err(_) => return local,
    };
    match dns::replaced_by(&local, Some(&auth)) {
        Some(public) => AddressLookup {
            name: local.name.clone(),
            ..public.clone()
        },
        None => local,
    }
}

/// The authoritative SRV answer for `owner` (started now if new).
pub(crate) fn srv(ctx: &Arc<Ctx>, owner: &str) -> Pending<Result<SrvLookup, AuthorityGap>> {
    let (c, name) = (ctx.clone(), dns_key(owner));
    ctx.authority_srv.get_or_spawn(
        &ctx.tasks,
        name.clone(),
        move || async move {
            Ok(SrvLookup::from_lookup(
                &ask(&c, &name, RecordKind::Srv).await?,
            ))
        },
        died::<SrvLookup>,
    )
}

fn died<T>(why: String) -> Result<T, AuthorityGap> {
    Err(AuthorityGap {
        name: String::new(),
        why: AuthorityGapReason::Stopped(format!("the lookup stopped: {why}")),
    })
}

/// The zone's nameserver addresses (port 53): NS of the name itself, else
/// NS of the zone the negative answer's SOA names.
async fn nameservers(
    ctx: &Ctx,
    name: &str,
) -> Result<(String, Vec<SocketAddr>), AuthorityGapReason> {
    let mut zone = dns_key(name);
    let hosts = loop {
        let lookup = ctx.lookup(&zone, RecordKind::Ns).await;
        let hosts = lookup.ns();
        if !hosts.is_empty() {
            break hosts;
        }
        let failure = lookup.failure();
        match failure.and_then(|f| f.soa.as_ref()) {
            Some(soa) if dns_key(&soa.zone) != zone => zone = dns_key(&soa.zone),
            _ => {
                return Err(AuthorityGapReason::NoNameservers {
                    zone,
                    error: failure.map(|f| f.error.clone()),
                });
            }
        }
    };
    let lookups = join_all(hosts.iter().map(|h| ctx.addresses(h))).await;
    let servers: Vec<SocketAddr> = lookups
        .iter()
        .flat_map(|l| l.addresses())
        .map(|ip| SocketAddr::new(ip, 53))
        .take(MAX_SERVERS)
        .collect();
    if servers.is_empty() {
        return Err(AuthorityGapReason::NameserversWithoutAddress { zone, hosts });
    }
    Ok((zone, servers))
}

/// A definite answer: records, or "none" (NXDOMAIN / NODATA).
fn definite(lookup: &DnsLookup) -> bool {
    lookup
        .failure()
        .is_none_or(|f| f.error.is_negative_answer())
}

/// Asks the zone's nameservers directly, without recursion; the first
/// definite answer wins.
async fn ask(ctx: &Ctx, name: &str, kind: RecordKind) -> Result<DnsLookup, AuthorityGap> {
    let gap = |why: AuthorityGapReason| AuthorityGap {
        name: name.to_string(),
        why,
    };
    let (zone, servers) = nameservers(ctx, name).await.map_err(gap)?;
    let mut asked: FuturesUnordered<_> = servers
        .iter()
        .map(|server| ctx.net.dns().query_server(*server, name, kind, false))
        .collect();
    let mut last = None;
    while let Some(lookup) = asked.next().await {
        if definite(&lookup) {
            return Ok(lookup);
        }
        last = lookup.failure().map(|f| f.detail.clone());
    }
    Err(gap(AuthorityGapReason::NoAnswer { zone, last }))
}

/// Splits authoritative results into answers and gaps.
pub(crate) fn split<T: Clone>(results: &[Result<T, AuthorityGap>]) -> (Vec<T>, Vec<AuthorityGap>) {
    let mut ok = Vec::new();
    let mut gaps = Vec::new();
    for r in results {
        match r {
            Ok(v) => ok.push(v.clone()),
            Err(g) => gaps.push(g.clone()),
        }
    }
    (ok, gaps)
}

/// `dns.server-name`: the server name's A/AAAA from the resolver and from
/// its authoritative servers. Returns both for the final observations.
pub(crate) async fn server_name(
    ctx: &Arc<Ctx>,
) -> (
    Option<AddressLookup>,
    Vec<Result<AddressLookup, AuthorityGap>>,
) {
    if ctx.name.host.is_ip() {
        ctx.emit.finish(dns::server_name(
            &ctx.name,
            None,
            None,
            &ctx.ex,
            ctx.net.options().private_addresses,
        ));
        return (None, Vec::new());
    }
    ctx.emit.start(CheckId::DnsServerName, None);
    let host = ctx.name.host_str();
    let (lookup, auth) = futures::join!(ctx.addresses(&host), addresses(ctx, &host));
    let (ok, gaps) = split(std::slice::from_ref(&auth));
    let r = dns::server_name(
        &ctx.name,
        Some(&lookup),
        ok.first(),
        &ctx.ex,
        ctx.net.options().private_addresses,
    );
    ctx.emit.finish(dns::note_authority_gaps(r, &[host], &gaps));
    (Some(lookup), vec![auth])
}
