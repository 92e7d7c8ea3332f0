//! Driving the server-discovery state machine ([`Discovery`]) with real
//! lookups — concurrently where the spec allows it, and speculatively where
//! it pays:
//!
//! - while `/.well-known/matrix/server` is being fetched, the lookups of
//!   steps 4 to 6 (`_matrix-fed._tcp.<name>`, `_matrix._tcp.<name>`, the
//!   name's A/AAAA) already run;
//! - when the fetch is still pending after a fifth of the timeout (a hedge),
//!   a copy of the machine is told "the file is unusable" and driven to its
//!   step 4–6 targets, whose probes start at once;
//! - an SRV lookup starts the next step's lookups with it.
//!
//! The machine alone decides what counts: speculative answers are used only
//! when it asks for exactly them, the rest is discarded when the run ends.
//! So a blackholed deployment costs about one timeout, not two.

use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;

use super::ctx::Ctx;
use super::{authority, probes, requests};
use crate::check::model::{CheckId, Status};
use crate::check::verdict::dns;
use crate::check::verdict::server_well_known::server_well_known;
use crate::domain::SrvService;
use crate::matrix::discovery::{Discovery, Input, Need, Note, Progress, Resolution, Step};
use crate::matrix::well_known_server::ServerWellKnown;
use crate::observe::{RecordKind, SrvLookup};
use crate::probe::NetOptions;

/// How long the well-known fetch may take before the fallback path is
/// probed speculatively: a fifth of the timeout (1 s at the default 5 s),
/// at least 200 ms, so a healthy file never triggers it.
fn hedge_delay(timeout: Duration) -> Duration {
    (timeout / 5).max(Duration::from_millis(200)).min(timeout)
}

/// The host an SRV owner name is about (`_matrix-fed._tcp.<host>`).
fn srv_host(owner: &str) -> &str {
    SrvService::host_of(owner).unwrap_or(owner)
}

/// Starts, without waiting, the lookups the steps after `need` may ask for.
/// (Dropping a [`super::tasks::Pending`] leaves its task running; the memo
/// keeps it for whoever needs the answer.)
fn prefetch(ctx: &Ctx, need: &Need) {
    let host = match need {
        Need::WellKnown { .. } => {
            let host = ctx.name.host_str();
            drop(ctx.lookup(&SrvService::Federation.owner(&host), RecordKind::Srv));
            host
        }
        Need::Srv { name } => srv_host(name).to_string(),
        Need::LegacySrv { .. } | Need::Addresses { .. } => return,
    };
    drop(ctx.lookup(&SrvService::LegacyFederation.owner(&host), RecordKind::Srv));
    drop(ctx.lookup(&host, RecordKind::A));
    drop(ctx.lookup(&host, RecordKind::Aaaa));
}

/// The observation that answers `need` (from the memo when already started).
pub(crate) async fn answer(ctx: &Arc<Ctx>, need: &Need) -> Input {
    match need {
        Need::WellKnown { url } => {
            Input::WellKnown(Box::new(ctx.fetch(&requests::well_known(url)).await))
        }
        Need::Srv { name } => Input::Srv(srv(ctx, name).await),
        Need::LegacySrv { name } => Input::LegacySrv(srv(ctx, name).await),
        // The one place the addresses of the federation path are chosen:
        // what peers elsewhere get (the authoritative answer when this
        // machine's resolver says otherwise).
        Need::Addresses { hosts } => {
            Input::Addresses(join_all(hosts.iter().map(|h| authority::as_peers_see(ctx, h))).await)
        }
    }
}

async fn srv(ctx: &Ctx, owner: &str) -> SrvLookup {
    SrvLookup::from_lookup(&ctx.lookup(owner, RecordKind::Srv).await)
}

/// Feeds an input; input that does not fit (impossible: it is built from
/// the need) becomes the spec's "this lookup failed".
fn feed(d: &mut Discovery, need: &Need, input: Input) {
    if d.feed(input).is_err() {
        let _ = d.feed(Input::failed(need, "internal error: mismatched answer"));
    }
}

/// Runs discovery to its end, emitting `server.well-known` as soon as the
/// file is in and starting the authoritative lookups of every name it
/// consults.
pub(crate) async fn discover(ctx: &Arc<Ctx>) -> Resolution {
    let mut d = Discovery::new(ctx.name.clone());
    loop {
        let need = match d.progress() {
            Progress::Resolved(res) => {
                let res = with_resolver_answers(ctx, *res).await;
                return with_overrides(res, ctx.net.options());
            }
            Progress::Need(need) => need,
        };
        prefetch(ctx, &need);
        match &need {
            Need::Srv { name } | Need::LegacySrv { name } => {
                drop(authority::srv(ctx, name));
            }
            Need::Addresses { hosts } => {
                ctx.emit.start(CheckId::DnsDelegatedHost, None);
                for h in hosts {
                    drop(authority::addresses(ctx, h));
                }
            }
            Need::WellKnown { .. } => {}
        }
        let input = match &need {
            Need::WellKnown { .. } => {
                let input = hedged(ctx, &d, &need).await;
                if let Input::WellKnown(obs) = &input {
                    let draft = draft_resolution(ctx, ServerWellKnown::read((**obs).clone()));
                    ctx.emit.finish(server_well_known(&draft, &ctx.ex));
                }
                input
            }
            _ => answer(ctx, &need).await,
        };
        feed(&mut d, &need, input);
    }
}

/// Records this machine's own answers where discovery was given the
/// authoritative ones ([`authority::as_peers_see`]), for the DNS checks,
/// and says so in the path. (The lookups are the memo's: nothing is asked
/// again.)
async fn with_resolver_answers(ctx: &Ctx, mut res: Resolution) -> Resolution {
    let locals = join_all(res.address_lookups.iter().map(|l| ctx.addresses(&l.name))).await;
    for (local, used) in locals.into_iter().zip(&res.address_lookups) {
        if local == *used || res.resolver_answers.contains(&local) {
            continue;
        }
        res.notes.push(Note {
            status: Status::Pass,
            text: dns::public::statement(&local, used, dns::Checked::Here)
                + &format!(
                    " ({}, this machine's own answer, is not probed)",
                    dns::public::shown(&local)
                ),
        });
        res.resolver_answers.push(local);
    }
    res
}

/// `--resolve HOST:PORT:ADDR` (curl's meaning): a target on that host and
/// port connects to ADDR instead of what DNS said; the path says so.
fn with_overrides(mut res: Resolution, options: &NetOptions) -> Resolution {
    for t in res.targets.iter_mut().filter(|t| t.sni.is_some()) {
        let Some(addrs) = options.resolve_override(&t.connect_host, t.port) else {
            continue;
        };
        t.addresses = addrs.iter().map(|a| a.ip()).collect();
        t.lookup_failure = None;
        let shown: Vec<String> = addrs.iter().map(ToString::to_string).collect();
        res.notes.push(Note {
            status: Status::Pass,
            text: format!(
                "--resolve: {}:{} connects to {} instead of what DNS says",
                t.connect_host,
                t.port,
                shown.join(", ")
            ),
        });
    }
    res
}

/// `server.well-known` reads only the file and the name: it can be judged
/// before discovery ends.
fn draft_resolution(ctx: &Ctx, wk: ServerWellKnown) -> Resolution {
    Resolution {
        well_known: Some(wk),
        ..Resolution::empty(ctx.name.clone(), Step::Srv)
    }
}

/// Waits for the well-known file; if it is slow, starts probing the path a
/// failed fetch would lead to.
async fn hedged(ctx: &Arc<Ctx>, d: &Discovery, need: &Need) -> Input {
    let fetch = answer(ctx, need);
    tokio::pin!(fetch);
    tokio::select! {
        input = &mut fetch => input,
        () = tokio::time::sleep(hedge_delay(ctx.timeout())) => {
            speculate(ctx, d.clone(), need.clone());
            fetch.await
        }
    }
}

/// Drives a copy of the machine as if the well-known file were unusable,
/// and starts the probes of where that leads. Nobody waits for it.
fn speculate(ctx: &Arc<Ctx>, mut d: Discovery, need: Need) {
    let ctx2 = ctx.clone();
    ctx.tasks.spawn_detached(async move {
        feed(
            &mut d,
            &need,
            Input::failed(&need, "speculation: the file is unusable"),
        );
        let res = loop {
            match d.progress() {
                Progress::Resolved(res) => break with_overrides(*res, ctx2.net.options()),
                Progress::Need(n) => {
                    prefetch(&ctx2, &n);
                    let input = answer(&ctx2, &n).await;
                    feed(&mut d, &n, input);
                }
            }
        };
        for (addr, target) in res.endpoints() {
            let _ = probes::ProbeSet::start(&ctx2, addr, target);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hedge_waits_a_fifth_of_the_timeout_within_bounds() {
        assert_eq!(hedge_delay(Duration::from_secs(5)), Duration::from_secs(1));
        assert_eq!(
            hedge_delay(Duration::from_millis(500)),
            Duration::from_millis(200)
        );
        assert_eq!(
            hedge_delay(Duration::from_millis(100)),
            Duration::from_millis(100)
        );
        assert_eq!(srv_host("_matrix-fed._tcp.example.com"), "example.com");
        assert_eq!(srv_host("_matrix._tcp.m.example.com"), "m.example.com");
    }
}
