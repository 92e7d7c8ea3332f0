//! [`Net`]: the network layer's context — options, resolver and trusted
//! roots set up once, shared by every lookup, fetch and TLS inspection of a
//! run. Cheap to clone; clones share everything. Its requests are methods
//! defined where they are made: [`Net::fetch`] in `fetch`, [`Net::inspect_tls`]
//! in `tls`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rustls::client::WebPkiServerVerifier;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::dns::Dns;
use super::options::NetOptions;
use super::trust::{SetupError, Trust};

#[derive(Clone, Debug)]
pub struct Net {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    options: NetOptions,
    dns: Dns,
    trust: Trust,
    webpki: Arc<WebPkiServerVerifier>,
    limits: Limits,
}

/// How many connections a `Net` has open at once, overall and per address
/// ([`NetOptions::max_connections`], [`NetOptions::max_connections_per_address`]).
/// The DNS limit lives in [`Dns`], which every lookup goes through. Shared by
/// every run using this `Net`, so several names checked at once share them.
#[derive(Debug)]
struct Limits {
    connections: Arc<Semaphore>,
    per_address_max: usize,
    per_address: Mutex<HashMap<SocketAddr, Arc<Semaphore>>>,
    /// Slots held now, and the most ever held at once.
    in_use: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

/// Per-address semaphores kept before unused ones are dropped.
const PER_ADDRESS_KEPT: usize = 1024;

/// A connection slot: held while the connection is open.
#[derive(Debug)]
pub(crate) struct ConnectionSlot {
    _global: Option<OwnedSemaphorePermit>,
    _address: Option<OwnedSemaphorePermit>,
    in_use: Arc<AtomicUsize>,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.in_use.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Net {
    /// Reads the trusted roots and sets up the resolver. Fails only on
    /// configuration problems (unreadable `--ca-file`, no roots at all,
    /// unreadable system resolver configuration).
    pub fn new(options: NetOptions) -> Result<Net, SetupError> {
        let trust = Trust::load(&options)?;
        let webpki = trust.webpki().map_err(|e| SetupError::ExtraRoot {
            message: e.to_string(),
        })?;
        let dns = Dns::new(&options)?;
        let limits = Limits {
            connections: Arc::new(Semaphore::new(options.max_connections.max(1))),
            per_address_max: options.max_connections_per_address.max(1),
            per_address: Mutex::new(HashMap::new()),
            in_use: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        };
        Ok(Net {
            inner: Arc::new(Inner {
                options,
                dns,
                trust,
                webpki,
                limits,
            }),
        })
    }

    pub fn options(&self) -> &NetOptions {
        &self.inner.options
    }

    pub fn dns(&self) -> &Dns {
        &self.inner.dns
    }

    pub fn trust(&self) -> &Trust {
        &self.inner.trust
    }

    pub(crate) fn webpki(&self) -> Arc<WebPkiServerVerifier> {
        self.inner.webpki.clone()
    }

    /// Waits for a connection slot (global limit), then for one at
    /// `address` when it is known. A request's own timeout starts after this,
    /// so waiting in line never counts as the server's slowness.
    pub(crate) async fn connection_slot(&self, address: Option<SocketAddr>) -> ConnectionSlot {
        let limits = &self.inner.limits;
        let global = limits.connections.clone().acquire_owned().await.ok();
        let at_address = match address {
            Some(addr) => self.address_semaphore(addr).acquire_owned().await.ok(),
            None => None,
        };
        let now = limits.in_use.fetch_add(1, Ordering::SeqCst) + 1;
        limits.peak.fetch_max(now, Ordering::SeqCst);
        ConnectionSlot {
            _global: global,
            _address: at_address,
            in_use: limits.in_use.clone(),
        }
    }

    /// The one gate every socket of a TLS inspection or fetch passes
    /// (`tls::inspect`, `fetch::hop::exchange`): splits the logical
    /// addresses into the ones a connection may be opened to and the ones
    /// the run's rule on private addresses ([`NetOptions::private_addresses`])
    /// refuses. The issue's rule "never connect to a private-range address
    /// unless allowed": Synapse's federation client and its well-known
    /// lookup (`http/client.py`, `BlocklistingAgentWrapper` and
    /// `_IPBlockingResolver`) never connect there either. With the rule off
    /// (`--allow-private-addresses`, `demo`, `--sim`) nothing is refused;
    /// in a simulation that keeps it on, loopback stands for public.
    pub(crate) fn permitted(&self, addresses: &[SocketAddr]) -> (Vec<SocketAddr>, Vec<SocketAddr>) {
        let rule = self.inner.options.private_addresses;
        addresses
            .iter()
            .partition(|a| rule.refusal(a.ip()).is_none())
    }

    /// The most connection slots ever held at once by runs on this `Net`
    /// (never more than [`NetOptions::max_connections`]).
    pub fn peak_connections(&self) -> usize {
        self.inner.limits.peak.load(Ordering::SeqCst)
    }

    /// A slot at one address only (the global one is already held).
    pub(crate) async fn address_slot(&self, address: SocketAddr) -> Option<OwnedSemaphorePermit> {
        self.address_semaphore(address).acquire_owned().await.ok()
    }

    fn address_semaphore(&self, address: SocketAddr) -> Arc<Semaphore> {
        let limits = &self.inner.limits;
        let fresh = || Arc::new(Semaphore::new(limits.per_address_max));
        let Ok(mut map) = limits.per_address.lock() else {
            // Poisoned only if another thread panicked: no per-address limit.
            return fresh();
        };
        if map.len() >= PER_ADDRESS_KEPT {
            // Drop the semaphores nobody holds (bounded memory over long runs).
            map.retain(|_, s| Arc::strong_count(s) > 1);
        }
        map.entry(address).or_insert_with(fresh).clone()
    }
}
