//! What the simulated internet saw: DNS queries, TLS ClientHellos (with the
//! SNI), HTTP requests (with the `Host` header). Tests use it to prove that
//! the checks sent what they claim to send.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedDnsQuery {
    pub name: String,
    pub kind: String,
    pub transport: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedHello {
    /// The logical address the client connected to.
    pub address: SocketAddr,
    pub sni: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub address: SocketAddr,
    pub sni: Option<String>,
    pub host: Option<String>,
    pub method: String,
    /// Path and query exactly as received (escapes intact).
    pub target: String,
    pub origin: Option<String>,
}

/// Everything seen, in order.
#[derive(Debug, Default)]
pub struct SimLog {
    dns: Mutex<Vec<LoggedDnsQuery>>,
    hellos: Mutex<Vec<LoggedHello>>,
    requests: Mutex<Vec<LoggedRequest>>,
    connections: Gauge,
    dns_in_flight: Gauge,
}

/// How many of something are open now, the most ever open at once, and
/// how many were opened in all.
#[derive(Debug, Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
    total: AtomicUsize,
}

impl Gauge {
    fn open(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        self.total.fetch_add(1, Ordering::SeqCst);
    }

    fn close(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts one open connection (or DNS query in flight) until dropped.
#[derive(Debug)]
pub(crate) struct Held<'a>(&'a Gauge);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

impl SimLog {
    pub(crate) fn dns_query(&self, query: LoggedDnsQuery) {
        if let Ok(mut log) = self.dns.lock() {
            log.push(query);
        }
    }

    pub(crate) fn hello(&self, hello: LoggedHello) {
        if let Ok(mut log) = self.hellos.lock() {
            log.push(hello);
        }
    }

    pub(crate) fn request(&self, request: LoggedRequest) {
        if let Ok(mut log) = self.requests.lock() {
            log.push(request);
        }
    }

    /// A TCP connection to a simulated HTTPS server was accepted; it counts
    /// as open until the returned guard is dropped.
    pub(crate) fn connection(&self) -> Held<'_> {
        self.connections.open();
        Held(&self.connections)
    }

    /// A DNS query arrived; it counts as in flight until the guard is
    /// dropped (answered, or never answered by design).
    pub(crate) fn dns_in_flight(&self) -> Held<'_> {
        self.dns_in_flight.open();
        Held(&self.dns_in_flight)
    }

    /// The most TCP connections the simulated HTTPS servers held open at
    /// once (what the checker's connection limit bounds).
    pub fn peak_connections(&self) -> usize {
        self.connections.peak.load(Ordering::SeqCst)
    }

    /// Every TCP connection the simulated HTTPS servers accepted.
    pub fn total_connections(&self) -> usize {
        self.connections.total.load(Ordering::SeqCst)
    }

    /// The most DNS queries the simulated DNS server had in hand at once.
    pub fn peak_dns_in_flight(&self) -> usize {
        self.dns_in_flight.peak.load(Ordering::SeqCst)
    }

    pub fn dns_queries(&self) -> Vec<LoggedDnsQuery> {
        self.dns.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn hellos(&self) -> Vec<LoggedHello> {
        self.hellos.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.requests.lock().map(|l| l.clone()).unwrap_or_default()
    }
}
