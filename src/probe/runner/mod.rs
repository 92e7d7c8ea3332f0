//! The check runner: runs every check against one server name, as
//! concurrently as the dependencies allow, and streams [`CheckEvent`]s as
//! results become available. The text report, the JSON report and the TUI
//! panels all consume the same stream ([`crate::report::fold`]).
//!
//! What starts at once (a run takes about its longest dependency chain, not
//! the sum of its requests):
//!
//! ```text
//! server discovery   GET /.well-known/matrix/server ─┬─ SRV / A/AAAA (per spec step) ─ per-address probes
//!                    (steps 4–6 lookups speculatively │   TLS · version · keys · routing (all at once,
//!                     alongside, see `discover`)      │   every IPv4 and IPv6 address) → consistency
//!                                                     └─ authoritative answers for dns.delegated-host / dns.srv
//! client discovery   GET client file + OPTIONS preflight ─ GET /_matrix/client/versions + preflight, identity server
//! support file       GET /.well-known/matrix/support
//! server name DNS    A/AAAA + the zone's nameservers asked directly (dns.server-name)
//! intent             extra SRV records the plan publishes (dns.srv)
//! caching            (shares the two well-known fetches)
//! ```
//!
//! Every request has the per-request timeout of [`NetOptions`]
//! (`--timeout`); the run as a whole has a deadline ([`default_deadline`]),
//! after which every unfinished check ends as `error`. Dropping the future
//! returned by [`run`] cancels everything it started (tasks included), and
//! every event carries the run id, so a consumer drops stale events.
//!
//! ```no_run
//! # async fn demo(net: matrix_delegate::probe::Net) {
//! use matrix_delegate::check::expect::Expectations;
//! use matrix_delegate::probe::runner::{CheckRequest, run};
//! use matrix_delegate::domain::ServerName;
//!
//! let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
//! let request = CheckRequest {
//!     server_name: ServerName::parse("example.com").expect("valid"),
//!     expectations: Expectations::none(),
//! };
//! // The TUI: spawn it, keep the handle, `handle.abort()` to cancel.
//! let handle = tokio::spawn(run(net, request, 7, tx));
//! while let Some(event) = rx.recv().await {
//!     // state.apply(event) ... redraw
//! #   let _ = event;
//! }
//! # let _ = handle;
//! # }
//! ```
//!
//! [`NetOptions`]: crate::probe::NetOptions

mod authority;
mod client;
mod ctx;
mod discover;
mod emit;
mod peers;
mod probes;
mod requests;
mod server;
mod tasks;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use self::authority::split;
use self::ctx::Ctx;
use self::emit::Emitter;
use super::Net;
use crate::check::evaluate::Observations;
use crate::check::expect::Expectations;
use crate::check::model::{CheckEvent, RunId};
use crate::domain::ServerName;
use crate::observe::{AddressLookup, AuthorityGap};
use crate::report::Report;
use crate::report::fold::ReportState;

/// What to check, and against which intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRequest {
    pub server_name: ServerName,
    pub expectations: Expectations,
}

/// The whole run's deadline for a per-request timeout: the longest chain
/// the spec allows (a redirected well-known fetch, an SRV lookup, an address
/// lookup, a TLS connect and handshake: about six timeouts) plus a second.
pub fn default_deadline(timeout: Duration) -> Duration {
    timeout
        .saturating_mul(6)
        .saturating_add(Duration::from_secs(1))
}

/// Runs every check for `request`, sending events on `events` as results
/// arrive, and `Done` last. Returns everything observed (for callers that
/// want [`crate::check::evaluate`]), or `None` when the deadline cut the run
/// short (then every unfinished check was reported as `error`) or when the
/// receiver of `events` was dropped (then the run stops at once).
pub async fn run(
    net: Net,
    request: CheckRequest,
    run: RunId,
    events: UnboundedSender<CheckEvent>,
) -> Option<Observations> {
    let deadline = default_deadline(net.options().timeout);
    run_with_deadline(net, request, run, events, deadline).await
}

/// [`run`] with a deadline of the caller's choosing.
pub async fn run_with_deadline(
    net: Net,
    request: CheckRequest,
    run: RunId,
    events: UnboundedSender<CheckEvent>,
    deadline: Duration,
) -> Option<Observations> {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let ctx = Arc::new(Ctx::new(
        net,
        request.server_name,
        request.expectations,
        Emitter::new(run, events),
        now_ms,
    ));
    // Dropping this (the run ends, or its future is dropped) aborts every
    // task the run started, speculative ones included.
    let _guard = ctx.tasks.guard();
    let outcome = tokio::select! {
        outcome = tokio::time::timeout(deadline, everything(&ctx)) => outcome,
        // Nobody listens any more (a view that went away): stop all work.
        () = ctx.emit.closed() => return None,
    };
    let observations = match outcome {
        Ok(obs) => Some(obs),
        Err(_) => {
            ctx.emit.cut(&format!(
                "the run's deadline ({} s) passed first",
                deadline.as_secs_f64()
            ));
            None
        }
    };
    ctx.emit.done();
    observations
}

/// Runs the checks and folds the events into the finished report (what
/// `matrix-delegate check` prints).
pub async fn run_to_report(net: Net, request: CheckRequest, run: RunId) -> Report {
    let deadline = default_deadline(net.options().timeout);
    run_to_report_within(net, request, run, deadline).await
}

/// [`run_to_report`] with a deadline of the caller's choosing (what is left
/// of `check --wait`'s time, say): what finished by then is reported, the
/// rest as `error`.
pub async fn run_to_report_within(
    net: Net,
    request: CheckRequest,
    run: RunId,
    deadline: Duration,
) -> Report {
    let (tx, mut rx) = unbounded_channel();
    let mut state = ReportState::new(request.server_name.as_str());
    // Events fold while the run goes on (each in constant time), so the
    // report is assembled inside the run's deadline, not after it.
    let running = self::run_with_deadline(net, request, run, tx, deadline);
    tokio::pin!(running);
    loop {
        tokio::select! {
            Some(event) = rx.recv() => {
                state.apply(event);
            }
            _ = &mut running => break,
        }
    }
    while let Ok(event) = rx.try_recv() {
        state.apply(event);
    }
    state.settle();
    state.report
}

/// Every branch at once; their I/O runs in spawned tasks.
async fn everything(ctx: &Arc<Ctx>) -> Observations {
    let ((name_lookup, name_auth), server, client, support, ()) = futures::join!(
        authority::server_name(ctx),
        server::server(ctx),
        client::client(ctx),
        client::support(ctx),
        client::caching(ctx),
    );
    let mut all_auth = name_auth;
    all_auth.extend(server.authoritative);
    let (authoritative, mut authority_gaps) = split(&all_auth);
    let (authoritative_srv, srv_gaps) = split(&server.authoritative_srv);
    authority_gaps.extend(srv_gaps);
    Observations {
        resolution: server.resolution,
        name_lookup,
        authoritative: dedup_lookups(authoritative),
        extra_srv: server.extra_srv,
        authoritative_srv,
        authority_gaps: dedup_gaps(authority_gaps),
        probes: server.probes,
        peers: server.peers,
        client,
        support,
        now_ms: ctx.now_ms,
        private_addresses: ctx.net.options().private_addresses,
    }
}

fn dedup_lookups(all: Vec<AddressLookup>) -> Vec<AddressLookup> {
    let mut out: Vec<AddressLookup> = Vec::new();
    for l in all {
        if !out.iter().any(|o| o.name.eq_ignore_ascii_case(&l.name)) {
            out.push(l);
        }
    }
    out
}

fn dedup_gaps(all: Vec<AuthorityGap>) -> Vec<AuthorityGap> {
    let mut out: Vec<AuthorityGap> = Vec::new();
    for g in all {
        if !out.iter().any(|o| o.name.eq_ignore_ascii_case(&g.name)) {
            out.push(g);
        }
    }
    out
}
