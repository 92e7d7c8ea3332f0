//! The per-address checks: for every resolved address (each IPv4 and IPv6
//! address of each target) a TLS inspection, `GET
//! /_matrix/federation/v1/version`, `GET /_matrix/key/v2/server` and the
//! routing probe, all at once and each reported as soon as it is in; then
//! `server.consistency` over all of them.

use std::net::SocketAddr;
use std::sync::Arc;

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use super::ctx::Ctx;
use super::requests;
use super::tasks::Pending;
use crate::check::model::CheckId;
use crate::check::model::{CheckResult, Status};
use crate::check::verdict::federation::{
    AddressProbe, AddressResults, consistency_of, fall_back_between_addresses, federation_checks,
};
use crate::check::verdict::{keys, routing, tls, version};
use crate::matrix::discovery::{Resolution, Target};
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
    Routing(usize, HttpObservation),
}

const PER_ADDRESS: [CheckId; 4] = [
    CheckId::ServerTls,
    CheckId::ServerVersion,
    CheckId::ServerKeys,
    CheckId::ServerRouting,
];

/// Probes every endpoint of the resolution, emitting each result as it
/// arrives, then `server.consistency`. Returns the probes in endpoint order.
pub(crate) async fn probe_all(ctx: &Arc<Ctx>, res: &Resolution) -> Vec<AddressProbe> {
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
            as std::pin::Pin<
                Box<dyn std::future::Future<Output = Piece> + Send>,
            >);
        let v = set.version.clone();
        pieces.push(Box::pin(async move { Piece::Version(i, v.await) }));
        let k = set.keys.clone();
        pieces.push(Box::pin(async move { Piece::Keys(i, k.await) }));
        let r = set.routing.clone();
        pieces.push(Box::pin(async move { Piece::Routing(i, r.await) }));
    }
    while let Some(piece) = pieces.next().await {
        let i = match &piece {
            Piece::Tls(i, _) | Piece::Version(i, _) | Piece::Keys(i, _) | Piece::Routing(i, _) => {
                *i
            }
        };
        let (addr, target) = endpoints[i];
        let probe = &mut probes[i];
        let results = &mut judged[i];
        match piece {
            Piece::Tls(_, obs) => {
                let r = tls::server_tls(addr, target, res.step, &obs, &ctx.ex);
                ctx.emit.finish_took(r.clone(), obs.duration);
                results.tls = r;
                probe.tls = obs;
            }
            Piece::Version(_, obs) => {
                let r = version::server_version(addr, target, &obs, &ctx.ex);
                ctx.emit.finish_took(r.clone(), obs.duration);
                results.version = r;
                probe.version = Some(obs);
            }
            Piece::Keys(_, obs) => {
                let (r, info) =
                    keys::server_keys(addr, target, &obs, &res.server_name, ctx.now_ms, &ctx.ex);
                ctx.emit.finish_took(r.clone(), obs.duration);
                results.keys = r;
                results.keys_info = info;
                probe.keys = Some(obs);
            }
            Piece::Routing(_, obs) => {
                let r = routing::server_routing(addr, target, &obs, &ctx.ex);
                ctx.emit.finish_took(r.clone(), obs.duration);
                results.routing = r;
                probe.routing = Some(obs);
            }
        }
    }
    // Consistency compares the addresses as they answered; then a dead
    // address that peers fall back from is reported again as a warning.
    let pairs: Vec<(&AddressProbe, &AddressResults)> = probes.iter().zip(&judged).collect();
    let consistency = consistency_of(&pairs);
    let probe_refs: Vec<&AddressProbe> = probes.iter().collect();
    let targets: Vec<&Target> = endpoints.iter().map(|(_, t)| *t).collect();
    for i in fall_back_between_addresses(&probe_refs, &targets, &mut judged) {
        let (probe, r) = (&probes[i], &judged[i]);
        let took = |obs: &Option<HttpObservation>| obs.as_ref().map(|o| o.duration);
        for (result, duration) in [
            (&r.tls, Some(probe.tls.duration)),
            (&r.version, took(&probe.version)),
            (&r.keys, took(&probe.keys)),
            (&r.routing, took(&probe.routing)),
        ] {
            match duration {
                Some(d) => ctx.emit.finish_took(result.clone(), d),
                None => ctx.emit.finish(result.clone()),
            }
        }
    }
    // The consistency verdict is the last of the federation checks.
    ctx.emit.finish(consistency);
    probes
}

/// A placeholder for a result not in yet (replaced as each answer arrives;
/// the run's deadline reports the ones that never do).
fn not_yet(id: CheckId, addr: SocketAddr) -> CheckResult {
    CheckResult::new(id, Status::Error, "no answer yet").target(addr.to_string())
}
