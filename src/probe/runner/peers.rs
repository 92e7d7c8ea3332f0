//! The peer implementations' resolutions ([`crate::matrix::peers`]), each
//! need answered from the run's memo — the lookups and the well-known fetch
//! the spec path made are shared, addresses as peers elsewhere get them
//! ([`super::authority::as_peers_see`]) — and the federation probes (TLS, version,
//! keys) of every endpoint they would use, with each endpoint's `Host` and
//! SNI; then `server.peers` and the report's `federation.peers`.

use std::sync::Arc;

use futures::future::join_all;

use super::authority::as_peers_see;
use super::ctx::Ctx;
use super::discover::answer;
use super::requests;
use crate::check::model::CheckId;
use crate::check::verdict::peers::{
    EndpointProbe, PeersObserved, server_peers, summaries, target_of,
};
use crate::check::verdict::version;
use crate::matrix::discovery::Input;
use crate::matrix::discovery::types::MAX_SRV_TARGETS;
use crate::matrix::peers::{
    Context, FetchPolicy, Peer, PeerEndpoint, PeerNeed, PeerPath, PeerProgress, PeerResolver,
};
use crate::observe::{AddressLookup, DnsError, LocalProblem};
use crate::probe::WELL_KNOWN_BODY_CAP;

/// Endpoints probed for one peer at most: a peer walks its endpoints only
/// until one accepts a connection, and real deployments have a handful;
/// the spec path's caps (8 SRV targets, 8 addresses per host) bound the
/// rest. An endpoint beyond it counts as not reached.
const MAX_ENDPOINTS_PER_PEER: usize = 8;

/// More needs than any model has (a well-known, two SRV lookups and the
/// address lookups of every step): a model that asks for more is cut off.
const MAX_NEEDS: usize = 32;

/// Every peer's path (and this machine's problem in any answer they got),
/// shared by `server.peers` and the routing probes of each `Host` form
/// ([`super::probes`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Resolved {
    pub paths: Arc<Vec<PeerPath>>,
    pub local_problem: Option<LocalProblem>,
}

/// Runs every peer model.
pub(crate) async fn resolve_all(ctx: &Arc<Ctx>) -> Resolved {
    let context = Context {
        now_unix: ctx.now_ms / 1000,
        previous_valid: false,
        private_addresses: ctx.net.options().private_addresses,
    };
    let resolved = join_all(Peer::ALL.iter().map(|p| resolve(ctx, *p, context))).await;
    let local_problem = resolved.iter().find_map(|(_, local)| *local);
    let paths: Vec<PeerPath> = resolved.into_iter().filter_map(|(path, _)| path).collect();
    Resolved {
        paths: Arc::new(paths),
        local_problem,
    }
}

/// Waits for the peer models ([`resolve_all`]), probes their endpoints and
/// emits `server.peers` and `federation.peers`.
pub(crate) async fn peers(
    ctx: &Arc<Ctx>,
    resolved: impl std::future::Future<Output = Resolved>,
) -> PeersObserved {
    ctx.emit.start(CheckId::ServerPeers, None);
    let Resolved {
        paths,
        local_problem,
    } = resolved.await;
    let paths: Vec<PeerPath> = paths.as_ref().clone();
    let mut endpoints: Vec<PeerEndpoint> = Vec::new();
    for path in &paths {
        for e in path.endpoints().into_iter().take(MAX_ENDPOINTS_PER_PEER) {
            if !endpoints.contains(&e) {
                endpoints.push(e);
            }
        }
    }
    let probes = join_all(endpoints.into_iter().map(|e| probe(ctx, e))).await;
    let observed = PeersObserved {
        paths,
        probes,
        local_problem,
    };
    ctx.emit
        .finish(server_peers(&observed, &ctx.name, ctx.now_ms));
    ctx.emit.peers(summaries(&observed, &ctx.name, ctx.now_ms));
    observed
}

/// One peer's resolution, its needs answered from the run's memo (`None`
/// when the model asks for more than any model should), and this
/// machine's problem in any answer it got.
async fn resolve(
    ctx: &Arc<Ctx>,
    peer: Peer,
    context: Context,
) -> (Option<PeerPath>, Option<LocalProblem>) {
    let mut resolver = PeerResolver::new(peer, ctx.name.clone(), context);
    let mut hosts_looked_up = 0;
    let mut local = None;
    for _ in 0..MAX_NEEDS {
        let need = match resolver.progress() {
            PeerProgress::Resolved(path) => return (Some(path), local),
            PeerProgress::Need(need) => need,
        };
        let input = match &need {
            // The spec path's cap on SRV targets, for every peer: hosts
            // beyond it are not looked up (nor probed).
            PeerNeed::Addresses { hosts } => {
                let (asked, beyond) = hosts.split_at(
                    hosts
                        .len()
                        .min(MAX_SRV_TARGETS.saturating_sub(hosts_looked_up)),
                );
                hosts_looked_up += asked.len();
                let mut lookups = join_all(asked.iter().map(|h| as_peers_see(ctx, h))).await;
                let why = format!("not looked up: at most {MAX_SRV_TARGETS} targets are followed");
                lookups.extend(beyond.iter().map(|h| AddressLookup {
                    name: h.clone(),
                    cnames: Vec::new(),
                    a: Err(DnsError::Stopped(why.clone())),
                    aaaa: Err(DnsError::Stopped(why.clone())),
                }));
                Input::Addresses(lookups)
            }
            _ => peer_answer(ctx, &need).await,
        };
        local = local.or_else(|| local_problem_in(&input));
        if resolver.feed(input).is_err() {
            // Built from the need itself, so this cannot happen; the spec's
            // "this lookup failed" keeps the model going all the same.
            let _ = resolver.feed(Input::failed(&need.as_need(), "internal error"));
        }
    }
    (None, local)
}

/// This machine's problem, when the answer carries one.
fn local_problem_in(input: &Input) -> Option<LocalProblem> {
    match input {
        Input::WellKnown(obs) => obs.local_problem(),
        Input::Srv(lookup) | Input::LegacySrv(lookup) => match &lookup.records {
            Err(DnsError::Local(problem)) => Some(*problem),
            _ => None,
        },
        Input::Addresses(lookups) => lookups.iter().find_map(AddressLookup::local_problem),
    }
}

/// The observation that answers a peer's need: lookups as the spec path
/// makes them; the well-known file as this peer fetches it, decided by
/// [`FetchPolicy::view`] from one fetch as wide as any peer's (up to 20
/// redirects, a redirect to plain http followed and recorded with its
/// address) — the spec path's own fetch when it already recorded all of
/// it, so that the spec model sees exactly what the spec path saw.
async fn peer_answer(ctx: &Arc<Ctx>, need: &PeerNeed) -> Input {
    let PeerNeed::WellKnown { url, policy } = need else {
        return answer(ctx, &need.as_need()).await;
    };
    let as_check = ctx.fetch(&requests::well_known(url)).await;
    if *policy == FetchPolicy::CHECK {
        return Input::WellKnown(Box::new(as_check));
    }
    if FetchPolicy::WIDEST.answered_by(&as_check, &FetchPolicy::CHECK) {
        return Input::WellKnown(Box::new(policy.view(&as_check)));
    }
    let wide = ctx.fetch(&requests::well_known_as_peers(url)).await;
    Input::WellKnown(Box::new(policy.view(&wide)))
}

/// TLS, then version and keys, at one endpoint with its `Host` and SNI
/// (shared with the spec path's probes when they are the same requests).
async fn probe(ctx: &Ctx, endpoint: PeerEndpoint) -> EndpointProbe {
    let target = target_of(&endpoint);
    let addr = endpoint.address;
    let tls = ctx.inspect_tls(&requests::tls(addr, &target)).await;
    if tls.connect_error.is_some() {
        return EndpointProbe {
            endpoint,
            tls,
            version: None,
            keys: None,
        };
    }
    let (version, keys) = futures::join!(
        ctx.fetch(&requests::federation(
            addr,
            &target,
            version::PATH,
            WELL_KNOWN_BODY_CAP,
        )),
        ctx.fetch(&requests::keys(addr, &target)),
    );
    EndpointProbe {
        endpoint,
        tls,
        version: Some(version),
        keys: Some(keys),
    }
}
