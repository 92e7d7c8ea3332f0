//! What the simulated internet saw: DNS queries, TLS ClientHellos (with the
//! SNI), HTTP requests (with the `Host` header). Tests use it to prove that
//! the checks sent what they claim to send.

use std::net::SocketAddr;
use std::sync::Mutex;

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
