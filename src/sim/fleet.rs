//! Many generated deployments on one simulated internet: `count` server
//! names (`name-0001.example.net`, ...), each set up after one of a few
//! [`Template`]s (healthy and broken, modelled on the built-in scenarios),
//! all answered by the one DNS server and two shared HTTPS servers, the way
//! a hosting provider serves many customers from one address: the base
//! domains share `127.0.0.10:443` and the delegated hosts
//! `matrix.name-NNNN.example.net` share `127.0.0.11:443`, certificates
//! chosen by SNI and routes by `Host`. The result is an ordinary
//! [`Scenario`], started with [`Sim::start`](super::Sim::start) like any
//! other, so latency injection works the same way.
//!
//! ```no_run
//! # async fn demo() -> Result<(), matrix_delegate::sim::SimError> {
//! use matrix_delegate::sim::{Fleet, FleetSpec, Sim};
//! use matrix_delegate::sim::scenario::Latency;
//! let fleet = Fleet::generate(&FleetSpec { count: 1000, latency: Latency { dns_ms: 50, http_ms: 100 } });
//! let sim = Sim::start(&fleet.scenario).await?;
//! for d in &fleet.deployments {
//!     // check d.server_name against sim.net_options()
//! #   let _ = (&d.server_name, d.template.broken());
//! }
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use serde_json::json;

use super::scenario::{
    CertKind, CertSpec, DnsBehaviour, DnsEntry, HomeserverSpec, Latency, OneOrMany, PathMatch,
    Preflight, ProxyMode, RouteSpec, Scenario, ServerMode, ServerSpec,
};

/// Where every base domain is served (one shared web server).
pub const BASE_ADDRESS: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 10)), 443);
/// Where every delegated host is served (one shared reverse proxy).
pub const HOMESERVER_ADDRESS: SocketAddr =
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 11)), 443);
/// The hosting provider's nameserver, authoritative for every zone.
const NAMESERVER_HOST: &str = "ns1.example.net";
const NAMESERVER_IP: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 35);

/// How one generated deployment is set up (each after the built-in
/// scenario of the same name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Template {
    /// `healthy-well-known`: the base domain proxies `/.well-known/matrix/`
    /// to the homeserver, which answers from its `[global.well_known]`.
    HealthyWellKnown,
    /// `healthy-static`: the base domain serves the files itself.
    HealthyStatic,
    /// `m-server-without-port`: peers go to port 8448, where nothing listens.
    MServerWithoutPort,
    /// `expired-certificate`: the delegated host's certificate expired.
    ExpiredCertificate,
    /// `client-without-cors`: the static client file lacks CORS.
    ClientWithoutCors,
    /// `federation-disabled`: `allow_federation = false`.
    FederationDisabled,
    /// `dns-nxdomain-delegated-host`: the delegated host has no DNS records.
    DelegatedHostMissing,
}

/// The order templates are handed out in: half of the deployments healthy.
pub const TEMPLATE_CYCLE: [Template; 8] = [
    Template::HealthyWellKnown,
    Template::MServerWithoutPort,
    Template::HealthyStatic,
    Template::ExpiredCertificate,
    Template::HealthyWellKnown,
    Template::ClientWithoutCors,
    Template::HealthyStatic,
    Template::FederationDisabled,
];

impl Template {
    /// The built-in scenario it follows.
    pub fn scenario_name(self) -> &'static str {
        match self {
            Template::HealthyWellKnown => "healthy-well-known",
            Template::HealthyStatic => "healthy-static",
            Template::MServerWithoutPort => "m-server-without-port",
            Template::ExpiredCertificate => "expired-certificate",
            Template::ClientWithoutCors => "client-without-cors",
            Template::FederationDisabled => "federation-disabled",
            Template::DelegatedHostMissing => "dns-nxdomain-delegated-host",
        }
    }

    /// Whether the check is meant to fail for it.
    pub fn broken(self) -> bool {
        !matches!(self, Template::HealthyWellKnown | Template::HealthyStatic)
    }

    /// For deployment `index` (from 0): [`TEMPLATE_CYCLE`], except that
    /// every sixteenth (the 12th, 28th, ...) has no DNS records for its
    /// delegated host instead of an expired certificate.
    pub fn for_index(index: usize) -> Template {
        if index % 16 == 11 {
            return Template::DelegatedHostMissing;
        }
        TEMPLATE_CYCLE[index % TEMPLATE_CYCLE.len()]
    }
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FleetSpec {
    /// How many deployments (server names).
    pub count: usize,
    /// Injected into every DNS answer and every HTTP response.
    pub latency: Latency,
}

/// One generated deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetDeployment {
    /// The server name to check (`name-0001.example.net`).
    pub server_name: String,
    pub template: Template,
}

/// The generated deployments and the one scenario that serves them all.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub scenario: Scenario,
    pub deployments: Vec<FleetDeployment>,
}

impl Fleet {
    pub fn generate(spec: &FleetSpec) -> Fleet {
        let digits = spec.count.to_string().len().max(4);
        let mut scenario = Scenario {
            name: format!("fleet-{}", spec.count),
            description: format!(
                "{} generated deployments on one shared web server, one shared reverse proxy \
                 and one nameserver",
                spec.count
            ),
            server_name: String::new(),
            latency: spec.latency,
            soa_minimum: 300,
            hosts: BTreeMap::from([(
                NAMESERVER_HOST.to_string(),
                OneOrMany::One(IpAddr::V4(NAMESERVER_IP)),
            )]),
            dns: Vec::new(),
            homeservers: BTreeMap::new(),
            servers: Vec::new(),
            refuse_private_addresses: false,
            expect: None,
        };
        let mut base = server(BASE_ADDRESS);
        let mut proxy = server(HOMESERVER_ADDRESS);
        let mut deployments = Vec::with_capacity(spec.count);
        for index in 0..spec.count {
            let name = format!("name-{:0digits$}.example.net", index + 1);
            let template = Template::for_index(index);
            add(&mut scenario, &mut base, &mut proxy, &name, index, template);
            deployments.push(FleetDeployment {
                server_name: name,
                template,
            });
        }
        if let Some(first) = deployments.first() {
            scenario.server_name = first.server_name.clone();
        }
        scenario.servers = vec![base, proxy];
        Fleet {
            scenario,
            deployments,
        }
    }
}

fn server(address: SocketAddr) -> ServerSpec {
    ServerSpec {
        address,
        mode: ServerMode::Serve,
        proxy: ProxyMode::None,
        certs: Vec::new(),
        routes: Vec::new(),
    }
}

fn route(host: &str, path: &str, matching: PathMatch) -> RouteSpec {
    RouteSpec {
        host: Some(host.to_string()),
        host_header: None,
        path: path.to_string(),
        matching,
        status: None,
        headers: BTreeMap::new(),
        json: None,
        body: None,
        body_base64: None,
        redirect: None,
        huge_body: None,
        slow_body: None,
        homeserver: None,
        delay_ms: 0,
        preflight: Preflight::Ok,
    }
}

fn cert(name: &str, kind: CertKind) -> CertSpec {
    CertSpec {
        names: vec![name.to_string()],
        kind,
        days_left: None,
    }
}

/// Adds one deployment's DNS records, homeserver, certificates and routes.
fn add(
    scenario: &mut Scenario,
    base: &mut ServerSpec,
    proxy: &mut ServerSpec,
    name: &str,
    index: usize,
    template: Template,
) {
    let host = format!("matrix.{name}");
    let hs_id = format!("hs{index}");
    let m_server = match template {
        Template::MServerWithoutPort => host.clone(),
        _ => format!("{host}:443"),
    };
    let base_url = format!("https://{host}/");
    let static_files = matches!(
        template,
        Template::HealthyStatic | Template::ClientWithoutCors
    );

    scenario.hosts.insert(
        name.to_string(),
        OneOrMany::One(IpAddr::V4(ip_of(BASE_ADDRESS))),
    );
    if template != Template::DelegatedHostMissing {
        scenario.hosts.insert(
            host.clone(),
            OneOrMany::One(IpAddr::V4(ip_of(HOMESERVER_ADDRESS))),
        );
    }
    scenario.dns.push(DnsEntry {
        name: name.to_string(),
        ttl: 300,
        a: Vec::new(),
        aaaa: Vec::new(),
        cname: None,
        srv: Vec::new(),
        ns: vec![NAMESERVER_HOST.to_string()],
        cached: None,
        behaviour: DnsBehaviour::Answer,
        behaviour_types: Vec::new(),
        delay_ms: 0,
    });

    // Support contacts as in the built-in scenarios: only the healthy ones
    // publish them.
    let support = template == Template::HealthyWellKnown;
    scenario.homeservers.insert(
        hs_id.clone(),
        HomeserverSpec {
            server_name: name.to_string(),
            well_known_server: (!static_files).then(|| m_server.clone()),
            well_known_client: (!static_files).then(|| base_url.clone()),
            support_page: support.then(|| format!("https://{name}/support")),
            support_role: None,
            support_email: support.then(|| format!("admin@{name}")),
            support_mxid: support.then(|| format!("@admin:{name}")),
            federation: template != Template::FederationDisabled,
            key_validity_hours: 24 * 7,
            key_id: "ed25519:sim1".to_string(),
        },
    );

    base.certs.push(cert(name, CertKind::Valid));
    if static_files {
        let mut server_file = route(name, "/.well-known/matrix/server", PathMatch::Exact);
        server_file.json = Some(json!({ "m.server": m_server }));
        let mut client_file = route(name, "/.well-known/matrix/client", PathMatch::Exact);
        client_file.json = Some(json!({ "m.homeserver": { "base_url": base_url } }));
        if template == Template::HealthyStatic {
            let mut support_file = route(name, "/.well-known/matrix/support", PathMatch::Exact);
            support_file.json = Some(json!({
                "contacts": [{ "matrix_id": format!("@admin:{name}"), "role": "m.role.admin" }],
                "support_page": format!("https://{name}/support"),
            }));
            for r in [&mut client_file, &mut support_file] {
                r.headers
                    .insert("Access-Control-Allow-Origin".into(), "*".into());
            }
            for r in [&mut server_file, &mut client_file, &mut support_file] {
                r.headers
                    .insert("Cache-Control".into(), "max-age=3600".into());
            }
            base.routes.push(support_file);
        }
        base.routes.extend([server_file, client_file]);
    } else {
        let mut well_known = route(name, "/.well-known/matrix/", PathMatch::Prefix);
        well_known.homeserver = Some(hs_id.clone());
        base.routes.push(well_known);
    }

    if template != Template::DelegatedHostMissing {
        let kind = match template {
            Template::ExpiredCertificate => CertKind::Expired,
            _ => CertKind::Valid,
        };
        proxy.certs.push(cert(&host, kind));
        let mut everything = route(&host, "/", PathMatch::Prefix);
        everything.homeserver = Some(hs_id);
        proxy.routes.push(everything);
    }
}

fn ip_of(address: SocketAddr) -> Ipv4Addr {
    match address.ip() {
        IpAddr::V4(v4) => v4,
        IpAddr::V6(_) => Ipv4Addr::LOCALHOST,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_templates_cycle() {
        let fleet = Fleet::generate(&FleetSpec {
            count: 20,
            latency: Latency::default(),
        });
        assert_eq!(fleet.deployments.len(), 20);
        assert_eq!(fleet.deployments[0].server_name, "name-0001.example.net");
        assert_eq!(fleet.deployments[19].server_name, "name-0020.example.net");
        assert_eq!(fleet.scenario.server_name, "name-0001.example.net");
        assert_eq!(
            fleet.deployments[11].template,
            Template::DelegatedHostMissing
        );
        assert_eq!(fleet.deployments[1].template, Template::MServerWithoutPort);
        let broken = fleet
            .deployments
            .iter()
            .filter(|d| d.template.broken())
            .count();
        assert!(broken > 5 && broken < 15, "{broken}");
        assert_eq!(fleet.scenario.homeservers.len(), 20);
        // Twenty base domains and the delegated hosts that exist, one certificate each.
        assert_eq!(fleet.scenario.servers[0].certs.len(), 20);
        assert_eq!(fleet.scenario.servers[1].certs.len(), 19);
        assert!(
            !fleet
                .scenario
                .hosts
                .contains_key("matrix.name-0012.example.net")
        );
    }

    #[test]
    fn wide_fleets_number_with_more_digits() {
        let fleet = Fleet::generate(&FleetSpec {
            count: 10_000,
            latency: Latency::default(),
        });
        assert_eq!(
            fleet.deployments[9_999].server_name,
            "name-10000.example.net"
        );
        assert_eq!(fleet.deployments[0].server_name, "name-00001.example.net");
    }
}
