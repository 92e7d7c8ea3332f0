//! What every part of a run shares: the network, the request, the event
//! emitter, the spawned tasks, and the memo of lookups and requests (so a
//! speculative lookup and the one discovery needs later are one query).

use std::time::Duration;

use futures::future::{BoxFuture, FutureExt};

use super::emit::Emitter;
use super::tasks::{Memo, Pending, Tasks};
use crate::check::expect::Expectations;
use crate::domain::ServerName;
use crate::observe::{
    AddressLookup, AuthorityGap, DnsError, DnsFailure, DnsLookup, FetchFailure, HttpObservation,
    RecordKind, SrvLookup, TlsFailure, TlsFailureKind, TlsObservation,
};
use crate::probe::{FetchRequest, Net, TlsTarget};

pub(crate) struct Ctx {
    pub net: Net,
    pub name: ServerName,
    pub ex: Expectations,
    pub emit: Emitter,
    pub tasks: Tasks,
    /// The run's clock for key expiry, Unix milliseconds.
    pub now_ms: i64,
    dns: Memo<DnsLookup>,
    fetches: Memo<HttpObservation>,
    handshakes: Memo<TlsObservation>,
    pub(crate) authority_addresses: Memo<Result<AddressLookup, AuthorityGap>>,
    pub(crate) authority_srv: Memo<Result<SrvLookup, AuthorityGap>>,
}

/// Names are compared as DNS compares them: case-insensitively, without
/// the trailing dot.
pub(crate) fn dns_key(name: &str) -> String {
    let trimmed = name.trim();
    let trimmed = if trimmed.len() > 1 {
        trimmed.trim_end_matches('.')
    } else {
        trimmed
    };
    trimmed.to_ascii_lowercase()
}

impl Ctx {
    pub(crate) fn new(
        net: Net,
        name: ServerName,
        ex: Expectations,
        emit: Emitter,
        now_ms: i64,
    ) -> Ctx {
        Ctx {
            net,
            name,
            ex,
            emit,
            tasks: Tasks::default(),
            now_ms,
            dns: Memo::default(),
            fetches: Memo::default(),
            handshakes: Memo::default(),
            authority_addresses: Memo::default(),
            authority_srv: Memo::default(),
        }
    }

    /// The per-request timeout.
    pub(crate) fn timeout(&self) -> Duration {
        self.net.options().timeout
    }

    /// One DNS lookup with the configured resolvers (started now if new).
    pub(crate) fn lookup(&self, name: &str, kind: RecordKind) -> Pending<DnsLookup> {
        let key = format!("{}/{}", dns_key(name), kind.as_str());
        let (net, owned) = (self.net.clone(), name.to_string());
        self.dns.get_or_spawn(
            &self.tasks,
            key,
            move || async move { net.dns().lookup(&owned, kind).await },
            died_lookup,
        )
    }

    /// A and AAAA of a name, both started now (if new).
    pub(crate) fn addresses(&self, name: &str) -> BoxFuture<'static, AddressLookup> {
        let a = self.lookup(name, RecordKind::A);
        let aaaa = self.lookup(name, RecordKind::Aaaa);
        async move {
            let (a, aaaa) = futures::join!(a, aaaa);
            AddressLookup::from_lookups(&a, &aaaa)
        }
        .boxed()
    }

    /// One HTTPS fetch (started now if this exact request is new).
    pub(crate) fn fetch(&self, request: &FetchRequest) -> Pending<HttpObservation> {
        let key = format!("{request:?}");
        let (net, owned) = (self.net.clone(), request.clone());
        self.fetches.get_or_spawn(
            &self.tasks,
            key,
            move || async move { net.fetch(owned).await },
            died_fetch,
        )
    }

    /// One TLS inspection (started now if new).
    pub(crate) fn inspect_tls(&self, target: &TlsTarget) -> Pending<TlsObservation> {
        let key = format!("{target:?}");
        let (net, owned) = (self.net.clone(), target.clone());
        self.handshakes.get_or_spawn(
            &self.tasks,
            key,
            move || async move { net.inspect_tls(owned).await },
            died_tls,
        )
    }
}

fn died_lookup(why: String) -> DnsLookup {
    let why = format!("the lookup stopped: {why}");
    DnsLookup {
        name: String::new(),
        kind: RecordKind::A,
        server: None,
        result: Err(DnsFailure::new(DnsError::Stopped(why.clone()), why)),
        duration: Duration::ZERO,
    }
}

fn died_fetch(why: String) -> HttpObservation {
    HttpObservation::get("").fail(FetchFailure::Stopped(format!("the request stopped: {why}")))
}

fn died_tls(why: String) -> TlsObservation {
    let failure = TlsFailure::new(
        TlsFailureKind::Stopped,
        format!("the handshake stopped: {why}"),
    );
    TlsObservation::failed(failure, Duration::ZERO)
}
