//! The server side of a run: discovery (see [`super::discover`]), then, at
//! the same time, the DNS results that needed the path (`dns.delegated-host`,
//! `dns.srv`, with the authoritative answers) and the per-address probes.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::join_all;

use super::authority::{self, split};
use super::ctx::Ctx;
use super::discover::discover;
use super::probes::probe_all;
use crate::check::model::CheckId;
use crate::check::verdict::dns;
use crate::check::verdict::federation::AddressProbe;
use crate::check::verdict::peers::PeersObserved;
use crate::check::verdict::resolution::server_resolution;
use crate::check::verdict::server_well_known::server_well_known;
use crate::matrix::discovery::Resolution;
use crate::observe::{AddressLookup, AuthorityGap, RecordKind, SrvLookup};

/// What the server side observed, for the final observations.
pub(crate) struct ServerSide {
    pub resolution: Resolution,
    pub peers: PeersObserved,
    pub probes: Vec<AddressProbe>,
    pub extra_srv: Vec<SrvLookup>,
    pub authoritative: Vec<Result<AddressLookup, AuthorityGap>>,
    pub authoritative_srv: Vec<Result<SrvLookup, AuthorityGap>>,
}

pub(crate) async fn server(ctx: &Arc<Ctx>) -> ServerSide {
    for id in [
        CheckId::ServerWellKnown,
        CheckId::ServerResolution,
        CheckId::DnsSrv,
    ] {
        ctx.emit.start(id, None);
    }
    // Off-path SRV records the intent publishes (e.g. the fallback record of
    // well-known+srv-fallback): looked up now, judged with the path.
    let extra_names = ctx.ex.extra_srv_names();
    for owner in &extra_names {
        drop(ctx.lookup(owner, RecordKind::Srv));
        drop(authority::srv(ctx, owner));
    }
    let res = discover(ctx).await;
    if res.well_known.is_none() {
        // Steps 1 and 2 never fetch the file: the verdict says why.
        ctx.emit.finish(server_well_known(&res, &ctx.ex));
    }
    ctx.emit.resolved(res.path());
    ctx.emit.finish(server_resolution(
        &res,
        &ctx.ex,
        ctx.net.options().private_addresses,
    ));
    // The peer models' paths feed both server.peers and the routing probe
    // with each Host form peers send to the spec's addresses.
    let resolved = super::peers::resolve_all(ctx).shared();
    let (dns_side, probes, peers) = futures::join!(
        dns_results(ctx, &res, &extra_names),
        probe_all(ctx, &res, resolved.clone()),
        super::peers::peers(ctx, resolved)
    );
    let (extra_srv, authoritative, authoritative_srv) = dns_side;
    ServerSide {
        resolution: res,
        peers,
        probes,
        extra_srv,
        authoritative,
        authoritative_srv,
    }
}

type DnsSide = (
    Vec<SrvLookup>,
    Vec<Result<AddressLookup, AuthorityGap>>,
    Vec<Result<SrvLookup, AuthorityGap>>,
);

/// `dns.delegated-host` and `dns.srv`.
async fn dns_results(ctx: &Arc<Ctx>, res: &Resolution, extra_names: &[String]) -> DnsSide {
    ctx.emit.start(CheckId::DnsDelegatedHost, None);
    // IP literals (steps 1 and 3.1) have no zone to ask.
    let hosts: Vec<String> = res
        .target_hosts()
        .iter()
        .filter(|h| h.parse::<std::net::IpAddr>().is_err())
        .map(|h| h.to_string())
        .collect();
    let owners: Vec<String> = res
        .srv_lookups
        .iter()
        .map(|l| l.name.clone())
        .chain(extra_names.iter().cloned())
        .collect();
    let host_side = async {
        let auth = join_all(hosts.iter().map(|h| authority::addresses(ctx, h))).await;
        let (ok, gaps) = split(&auth);
        let r = dns::delegated_host(res, &ok, ctx.net.options().private_addresses);
        let names = dns::authority_names(CheckId::DnsDelegatedHost, res, &[]);
        ctx.emit.finish(dns::note_authority_gaps(r, &names, &gaps));
        auth
    };
    let srv_side = async {
        let (extra, auth) = futures::join!(
            join_all(extra_names.iter().map(|o| ctx.lookup(o, RecordKind::Srv))),
            join_all(owners.iter().map(|o| authority::srv(ctx, o)))
        );
        let extra: Vec<SrvLookup> = extra.iter().map(SrvLookup::from_lookup).collect();
        let (ok, gaps) = split(&auth);
        let r = dns::srv_records(res, &extra, &ok, &ctx.ex);
        let names = dns::authority_names(CheckId::DnsSrv, res, &extra);
        ctx.emit.finish(dns::note_authority_gaps(r, &names, &gaps));
        (extra, auth)
    };
    let (auth_hosts, (extra, auth_srv)) = futures::join!(host_side, srv_side);
    (extra, auth_hosts, auth_srv)
}
