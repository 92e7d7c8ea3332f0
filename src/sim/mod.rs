//! The simulated internet: an authoritative DNS server and HTTPS servers
//! with their own certificate authority, all on loopback, described by a
//! [`Scenario`]. The tests and `demo` use it instead of the real internet.
//!
//! ```no_run
//! # async fn demo() -> Result<(), matrix_delegate::sim::SimError> {
//! use matrix_delegate::sim::{Scenario, Sim};
//! let sim = Sim::start(&Scenario::builtin("healthy-well-known")?).await?;
//! let net = matrix_delegate::probe::Net::new(sim.net_options())
//!     .map_err(|e| matrix_delegate::sim::SimError::Pki(e.to_string()))?;
//! # Ok(()) }
//! ```

pub mod adversarial;
mod builtin;
mod ca;
mod dns;
pub mod expect;
pub mod fleet;
mod homeserver;
mod http_util;
mod https_server;
pub mod log;
mod routes;
pub mod scenario;
pub mod signing;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use ed25519_dalek::VerifyingKey;
use tokio::net::TcpSocket;
use tokio::task::JoinSet;

use scenario::ServerMode;

use crate::matrix::peers::PrivateAddresses;
use crate::probe::{NetOptions, install_crypto_provider};

pub use builtin::{BUILTIN_SCENARIOS, StartBuiltinError};
pub use fleet::{Fleet, FleetDeployment, FleetSpec, Template};
pub use log::{LoggedDnsQuery, LoggedHello, LoggedRequest, SimLog};
pub use scenario::Scenario;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimError {
    /// The scenario file is malformed or inconsistent.
    Scenario(String),
    /// No built-in scenario has that name.
    UnknownScenario(String),
    /// Certificates or keys could not be made.
    Pki(String),
    /// A loopback socket could not be bound.
    Bind(String),
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::Scenario(m) => write!(f, "bad scenario: {m}"),
            SimError::UnknownScenario(name) => write!(
                f,
                "no built-in scenario `{name}` (known: {})",
                BUILTIN_SCENARIOS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            SimError::Pki(m) => write!(f, "simulated PKI: {m}"),
            SimError::Bind(m) => write!(f, "cannot listen on loopback: {m}"),
        }
    }
}

impl std::error::Error for SimError {}

/// Where the simulated servers listen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Listen {
    /// Random high ports on the logical IPs, joined to the logical
    /// addresses by the dial map; only this crate's own network layer (with
    /// [`Sim::net_options`]) finds them. Needs no privileges, and any number
    /// of simulations can run at once.
    #[default]
    RandomPorts,
    /// The logical addresses themselves (`127.0.0.11:443`, `[::1]:8448`)
    /// and DNS on `127.0.0.1:53` (and on port 53 of every nameserver
    /// address the zone names), so that programs outside this crate reach
    /// the simulation through the system resolver pointed at `127.0.0.1`.
    /// Ports below 1024 need root (or a lowered
    /// `net.ipv4.ip_unprivileged_port_start`); the ports are fixed, so only
    /// one such simulation can run on a machine at a time. Addresses the
    /// scenario serves nothing on are simply not bound: connections to them
    /// are refused by the kernel.
    LogicalAddresses,
}

/// The DNS address programs outside this crate use in
/// [`Listen::LogicalAddresses`] mode (`nameserver 127.0.0.1` in a
/// `resolv.conf`; the system resolver knows no other port than 53).
pub const LOGICAL_NAMESERVER: SocketAddr =
    SocketAddr::new(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 53);

/// In [`Listen::LogicalAddresses`] mode, a second resolver: one elsewhere
/// on the internet, which holds no answer this machine's resolver has of
/// its own (a scenario's `cached` records: a local zone, a hosts file, a
/// stale cache) and answers the zone's current records. Programs standing
/// for peers elsewhere (the federation oracles) use it.
pub const ELSEWHERE_NAMESERVER: SocketAddr =
    SocketAddr::new(IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 253)), 53);

/// A running simulated internet. Everything stops when it is dropped.
pub struct Sim {
    scenario: Scenario,
    nameserver: SocketAddr,
    ca_pem: String,
    dial_map: HashMap<SocketAddr, SocketAddr>,
    keys: HashMap<String, (String, VerifyingKey)>,
    log: Arc<SimLog>,
    tasks: JoinSet<()>,
    /// Bound, never listening: the "connection refused" ports, held so that
    /// no other socket can take them while the simulation runs.
    _closed_ports: Vec<TcpSocket>,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("scenario", &self.scenario.name)
            .field("nameserver", &self.nameserver)
            .finish()
    }
}

impl Sim {
    /// Starts the DNS server and every HTTPS server of the scenario on
    /// random ports ([`Listen::RandomPorts`]). Must be called inside a tokio
    /// runtime.
    pub async fn start(scenario: &Scenario) -> Result<Sim, SimError> {
        Sim::start_listening(scenario, Listen::RandomPorts).await
    }

    /// Starts the scenario listening as `listen` says. Must be called
    /// inside a tokio runtime.
    pub async fn start_listening(scenario: &Scenario, listen: Listen) -> Result<Sim, SimError> {
        install_crypto_provider();
        let logical = listen == Listen::LogicalAddresses;
        let log = Arc::new(SimLog::default());
        let mut tasks = JoinSet::new();
        let pki = ca::Pki::new()?;

        let zone = Arc::new(dns::zone::Zone::new(scenario));
        let nameserver = if logical {
            let elsewhere = Arc::new(dns::zone::Zone::new(scenario).elsewhere());
            dns::server::start_at(ELSEWHERE_NAMESERVER, elsewhere, log.clone(), &mut tasks).await?;
            dns::server::start_at(LOGICAL_NAMESERVER, zone.clone(), log.clone(), &mut tasks).await?
        } else {
            dns::server::start(zone.clone(), log.clone(), &mut tasks).await?
        };

        let mut homeservers = HashMap::new();
        let mut keys = HashMap::new();
        for (id, spec) in &scenario.homeservers {
            let key = signing::ServerKey::generate(&spec.key_id)?;
            keys.insert(id.clone(), (key.key_id().to_string(), key.verifying_key()));
            homeservers.insert(
                id.clone(),
                homeserver::Homeserver {
                    spec: spec.clone(),
                    key,
                },
            );
        }
        let homeservers = Arc::new(homeservers);

        let mut dial_map = HashMap::new();
        let mut closed = ClosedPorts::default();
        for spec in &scenario.servers {
            if spec.mode == ServerMode::Refuse {
                if !logical {
                    dial_map.insert(spec.address, closed.port_on(spec.address.ip()));
                }
                continue;
            }
            let certs = spec
                .certs
                .iter()
                .map(|c| Ok((c.names.clone(), pki.issue(c)?)))
                .collect::<Result<Vec<_>, SimError>>()?;
            let ctx = https_server::ServerCtx {
                spec: spec.clone(),
                certs,
                homeservers: homeservers.clone(),
                latency: Duration::from_millis(scenario.latency.http_ms),
                log: log.clone(),
            };
            let real = https_server::start(ctx, logical, &mut tasks).await?;
            if !logical {
                dial_map.insert(spec.address, real);
            }
        }
        // The zone's nameservers (NS records) are this DNS server.
        for ip in scenario.nameserver_addresses() {
            let address = SocketAddr::new(ip, 53);
            if !logical {
                dial_map.insert(address, nameserver);
            } else if address != nameserver {
                dns::server::start_at(address, zone.clone(), log.clone(), &mut tasks).await?;
            }
        }
        // On the logical addresses nothing else listens: no need to reserve
        // closed ports.
        for ip in scenario.addresses().into_iter().filter(|_| !logical) {
            for port in scenario.ports() {
                dial_map
                    .entry(SocketAddr::new(ip, port))
                    .or_insert_with(|| closed.port_on(ip));
            }
        }

        Ok(Sim {
            scenario: scenario.clone(),
            nameserver,
            ca_pem: pki.trusted_pem().to_string(),
            dial_map,
            keys,
            log,
            tasks,
            _closed_ports: closed.sockets,
        })
    }

    /// Network options that reach this simulated internet and nothing else:
    /// its DNS server only, its CA only, its dial map. The timeout is the
    /// default; tests shorten it.
    pub fn net_options(&self) -> NetOptions {
        NetOptions {
            nameservers: vec![self.nameserver],
            extra_roots_pem: vec![self.ca_pem.clone()],
            ca_only: true,
            dial_map: self.dial_map.clone(),
            // Everything here is on loopback, which real peers refuse; a
            // scenario that keeps the rule on has its loopback addresses
            // stand in for public ones.
            private_addresses: if self.scenario.refuse_private_addresses {
                PrivateAddresses::LoopbackStandsForPublic
            } else {
                PrivateAddresses::Allowed
            },
            ..NetOptions::default()
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The DNS server (UDP and TCP).
    pub fn nameserver(&self) -> SocketAddr {
        self.nameserver
    }

    /// The trusted CA certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The real address behind a logical one.
    pub fn real_address(&self, logical: SocketAddr) -> Option<SocketAddr> {
        self.dial_map.get(&logical).copied()
    }

    /// The key id and public key of homeserver `id` (its `[homeserver.<id>]`).
    pub fn server_key(&self, id: &str) -> Option<(&str, &VerifyingKey)> {
        self.keys
            .get(id)
            .map(|(key_id, key)| (key_id.as_str(), key))
    }

    pub fn log(&self) -> &SimLog {
        &self.log
    }

    /// Stops every server and waits until their sockets are closed
    /// (dropping stops them too, without waiting).
    pub async fn shutdown(mut self) {
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        self.tasks.abort_all();
    }
}

/// Ports where nothing listens, one per IP address. Every address and port
/// a scenario mentions but serves nothing on is mapped to one, so a check
/// that tries it gets "connection refused" from loopback — and never reaches
/// whatever the machine really runs on, say, 127.0.0.1:443.
#[derive(Default)]
struct ClosedPorts {
    by_ip: HashMap<IpAddr, SocketAddr>,
    sockets: Vec<TcpSocket>,
}

impl ClosedPorts {
    fn port_on(&mut self, ip: IpAddr) -> SocketAddr {
        if let Some(addr) = self.by_ip.get(&ip) {
            return *addr;
        }
        // A bound socket that never listens answers connections with RST.
        // Without SO_REUSEADDR nobody else can bind the port meanwhile. A
        // logical address off loopback (a scenario's private address) gets
        // a closed port on 127.0.0.1: tests never leave loopback.
        let local = match ip {
            IpAddr::V4(v4) if !v4.is_loopback() => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            IpAddr::V6(v6) if !v6.is_loopback() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            _ => ip,
        };
        let reserved = match local {
            IpAddr::V4(_) => TcpSocket::new_v4(),
            IpAddr::V6(_) => TcpSocket::new_v6(),
        }
        .and_then(|socket| {
            socket.bind(SocketAddr::new(local, 0))?;
            let addr = socket.local_addr()?;
            Ok((socket, addr))
        });
        let addr = match reserved {
            Ok((socket, addr)) => {
                self.sockets.push(socket);
                addr
            }
            // The address family is unusable here (no IPv6 loopback): port 9
            // (discard), which nothing serves on loopback.
            Err(_) => SocketAddr::new(local, 9),
        };
        self.by_ip.insert(ip, addr);
        addr
    }
}
