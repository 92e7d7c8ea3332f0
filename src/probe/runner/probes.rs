//! The per-address checks: for every resolved address (each IPv4 and IPv6
//! address of each target) a TLS inspection, `GET
//! /_matrix/federation/v1/version`, `GET /_matrix/key/v2/server` and the
//! routing probe, all at once and each reported as soon as it is in; then
//! `server.consistency` over all of them. The routing probe also goes out
//! with every other `Host` form the peer models send to the address, once
//! their paths are known.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use futures::future::{Shared, join_all};
use futures::stream::FuturesUnordered;

use super::ctx::Ctx;
use super::peers::Resolved;
use super::requests;
use super::tasks::Pending;
use crate::check::model::CheckId;
use crate::check::model::{CheckResult, Status};
use crate::check::verdict::federation::{
    AddressProbe, AddressResults, connection_level, consistency_of, fall_back_between_addresses,
    federation_checks,
};
use crate::check::verdict::resolution::same_host;
use crate::check::verdict::routing::HostFormProbe;
use crate::check::verdict::{keys, routing, tls, version};
use crate::matrix::discovery::{Resolution, Target};
use crate::matrix::peers::Peer;
use crate::observe::{HttpObservation, TlsObservation};
use crate::probe::{FetchRequest, WELL_KNOWN_BODY_CAP};

/// The four requests made to one address, started (or shared, when
/// speculation started them already).
pub(crate) struct ProbeSet {
    tls: Pending<TlsObservation>,
    version: Pending<HttpObservation>,
    keys: Pending<HttpObservation>,
    routing: Pending<HttpObservation>,
}

impl ProbeSet {
    pub(crate) fn start(ctx: &Ctx, addr: SocketAddr, target: &Target) -> ProbeSet {
        let fetch = |request: FetchRequest| ctx.fetch(&request);
        ProbeSet {
            tls: ctx.inspect_tls(&requests::tls(addr, target)),
            version: fetch(requests::federation(
                addr,
                target,
                version::PATH,
                WELL_KNOWN_BODY_CAP,
            )),
            keys: fetch(requests::keys(addr, target)),
            routing: fetch(requests::federation(
                addr,
                target,
                routing::PROBE_PATH,
                WELL_KNOWN_BODY_CAP,
            )),
        }
    }
}

/// One finished piece of one address's probe.
enum Piece {
    Tls(usize, TlsObservation),
    Version(usize, HttpObservation),
    Keys(usize, HttpObservation),
    /// The spec form's routing probe, the peers that send that form, and
    /// the probe with every other form peers send to the address.
    Routing(usize, HttpObservation, Vec<Peer>, Vec<HostFormProbe>),
}

/// The routing probe with every `Host` form the peer models send to `addr`
/// other than the spec target's (once their paths are known), and the
/// peers that send the spec target's form.
async fn other_forms(
    ctx: &Ctx,
    addr: SocketAddr,
    target: &Target,
    resolved: impl Future<Output = Resolved> + Send,
) -> (Vec<Peer>, Vec<HostFormProbe>) {
    let resolved = resolved.await;
    let (same, forms) = routing::host_forms(addr, target, &resolved.paths);
    let probes = join_all(forms.into_iter().map(|form| {
        let request = requests::federation(
            addr,
            &form.target(target),
            routing::PROBE_PATH,
            WELL_KNOWN_BODY_CAP,
        );
        let pending = ctx.fetch(&request);
        async move {
            HostFormProbe {
                form,
                obs: pending.await,
            }
        }
    }))
    .await;
    (same, probes)
}

const PER_ADDRESS: [CheckId; 4] = [
    CheckId::ServerTls,
    CheckId::ServerVersion,
    CheckId::ServerKeys,
    CheckId::ServerRouting,
];

/// Probes every endpoint of the resolution, emitting each result as it
/// arrives, then `server.consistency`. Returns the probes in endpoint order.
pub(crate) async fn probe_all(
    ctx: &Arc<Ctx>,
    res: &Resolution,
    resolved: Shared<impl Future<Output = Resolved> + Send>,
) -> Vec<AddressProbe> {
    let endpoints = res.endpoints();
    if endpoints.is_empty() {
        // Skipped per-address checks and consistency, as the logic words them.
        for r in federation_checks(res, &[], ctx.now_ms, &ctx.ex) {
            ctx.emit.finish(r);
        }
        return Vec::new();
    }
    ctx.emit.start(CheckId::ServerConsistency, None);
    let sets: Vec<ProbeSet> = endpoints
        .iter()
        .map(|(addr, target)| {
            for id in PER_ADDRESS {
                ctx.emit.start(id, Some(addr.to_string()));
            }
            ProbeSet::start(ctx, *addr, target)
        })
        .collect();
    let mut probes: Vec<AddressProbe> = endpoints
        .iter()
        .map(|(addr, _)| AddressProbe {
            addr: *addr,
            tls: TlsObservation::default(),
            version: None,
            keys: None,
            routing: None,
            routing_peers: Vec::new(),
            routing_forms: Vec::new(),
        })
        .collect();
    // Each address's results as judged when its answers arrived, so that
    // server.consistency compares them without judging anything twice.
    let mut judged: Vec<AddressResults> = endpoints
        .iter()
        .map(|(addr, _)| {
            let pending = |id| not_yet(id, *addr);
            AddressResults {
                tls: pending(CheckId::ServerTls),
                version: pending(CheckId::ServerVersion),
                keys: pending(CheckId::ServerKeys),
                keys_info: None,
                routing: pending(CheckId::ServerRouting),
            }
        })
        .collect();
    let mut pieces = FuturesUnordered::new();
    for (i, set) in sets.iter().enumerate() {
        let tls = set.tls.clone();
        pieces.push(Box::pin(async move { Piece::Tls(i, tls.await) })
            as std::pin::Pin<Box<dyn Future<Output = Piece> + Send + '_>>);
        let v = set.version.clone();
        pieces.push(Box::pin(async move { Piece::Version(i, v.await) }));
        let k = set.keys.clone();
        pieces.push(Box::pin(async move { Piece::Keys(i, k.await) }));
        let r = set.routing.clone();
        let resolved = resolved.clone();
        let (addr, target) = endpoints[i];
        pieces.push(Box::pin(async move {
            let (obs, (same, forms)) = futures::join!(r, other_forms(ctx, addr, target, resolved));
            Piece::Routing(i, obs, same, forms)
        }));
    }
    // An address of a host with several addresses may turn out to be one
    // nothing answers on, whose results become warnings when another
    // address works: its results wait until its TLS outcome is known, and
    // a dead address's until every address has answered, so that each
    // result is reported once, as it stands.
    let targets: Vec<&Target> = endpoints.iter().map(|(_, t)| *t).collect();
    let has_sibling: Vec<bool> = (0..endpoints.len())
        .map(|i| {
            (0..endpoints.len()).any(|j| {
                j != i
                    && targets[j].port == targets[i].port
                    && same_host(&targets[j].connect_host, &targets[i].connect_host)
            })
        })
        .collect();
    let mut tls_known = vec![false; endpoints.len()];
    let mut held: Vec<Vec<(CheckId, Duration)>> = vec![Vec::new(); endpoints.len()];
    while let Some(piece) = pieces.next().await {
        let i = match &piece {
            Piece::Tls(i, _)
            | Piece::Version(i, _)
            | Piece::Keys(i, _)
            | Piece::Routing(i, _, _, _) => *i,
        };
        let (addr, target) = endpoints[i];
        let probe = &mut probes[i];
        let results = &mut judged[i];
        let (id, took) = match piece {
            Piece::Tls(_, obs) => {
                results.tls = tls::server_tls(addr, target, res.step, &obs, &ctx.ex);
                tls_known[i] = true;
                let took = obs.duration;
                probe.tls = obs;
                (CheckId::ServerTls, took)
            }
            Piece::Version(_, obs) => {
                results.version = version::server_version(addr, target, &obs, &ctx.ex);
                let took = obs.duration;
                probe.version = Some(obs);
                (CheckId::ServerVersion, took)
            }
            Piece::Keys(_, obs) => {
                let (r, info) =
                    keys::server_keys(addr, target, &obs, &res.server_name, ctx.now_ms, &ctx.ex);
                results.keys = r;
                results.keys_info = info;
                let took = obs.duration;
                probe.keys = Some(obs);
                (CheckId::ServerKeys, took)
            }
            Piece::Routing(_, obs, same, forms) => {
                results.routing =
                    routing::server_routing_forms(addr, target, &obs, &same, &forms, &ctx.ex);
                let took = obs.duration;
                probe.routing = Some(obs);
                probe.routing_peers = same;
                probe.routing_forms = forms;
                (CheckId::ServerRouting, took)
            }
        };
        held[i].push((id, took));
        let wait = has_sibling[i] && (!tls_known[i] || connection_level(&probe.tls));
        if !wait {
            for (id, took) in held[i].drain(..) {
                ctx.emit
                    .finish_took(result_of(&judged[i], id).clone(), took);
            }
        }
    }
    // Consistency compares the addresses as they answered; then a dead
    // address that peers fall back from becomes a warning.
    let pairs: Vec<(&AddressProbe, &AddressResults)> = probes.iter().zip(&judged).collect();
    let consistency = consistency_of(&pairs);
    let probe_refs: Vec<&AddressProbe> = probes.iter().collect();
    fall_back_between_addresses(&probe_refs, &targets, &mut judged);
    for (i, waiting) in held.iter_mut().enumerate() {
        for (id, took) in waiting.drain(..) {
            ctx.emit
                .finish_took(result_of(&judged[i], id).clone(), took);
        }
    }
    // The consistency verdict is the last of the federation checks.
    ctx.emit.finish(consistency);
    probes
}

/// One address's result of a per-address check.
fn result_of(results: &AddressResults, id: CheckId) -> &CheckResult {
    match id {
        CheckId::ServerVersion => &results.version,
        CheckId::ServerKeys => &results.keys,
        CheckId::ServerRouting => &results.routing,
        _ => &results.tls,
    }
}

/// A placeholder for a result not in yet (replaced as each answer arrives;
/// the run's deadline reports the ones that never do).
fn not_yet(id: CheckId, addr: SocketAddr) -> CheckResult {
    CheckResult::new(id, Status::Error, "no answer yet").target(addr.to_string())
}
