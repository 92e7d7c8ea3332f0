//! Deployments built in code rather than read from TOML: too large for a
//! scenario file, they are what a hostile or badly misconfigured server
//! answers. The benchmark `bounded_cost` and the runner tests check them.
//!
//! Every address of such a deployment is served by ONE real HTTPS server
//! per port: [`Adversarial::net_options`] sends every logical address there
//! through the dial map, so thousands of addresses cost one listener, and
//! the simulation's connection counters ([`super::SimLog::peak_connections`])
//! count what the checker opened at once over all of them.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use ed25519_dalek::SigningKey;
use serde_json::{Value, json};

use super::scenario::{RouteSpec, Scenario};
use super::{Sim, SimError};
use crate::matrix::signed_json::{encode_base64, sign};
use crate::probe::NetOptions;

/// The server name of every adversarial deployment.
pub const SERVER_NAME: &str = "example.com";

/// One DNS message holds at most 65,535 bytes, and the resolver takes in
/// answers of about 32 KB over TCP: addresses beyond the first 2,000 of a
/// name are published as AAAA records (IPv4-mapped loopback,
/// `::ffff:127.2.x.y`, dial-mapped like every other address).
pub const MAX_A_RECORDS: usize = 2000;

/// What an adversarial deployment answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adversarial {
    /// The server name has this many addresses; no well-known file, no SRV
    /// (spec step 6 on every address).
    Addresses(usize),
    /// `_matrix-fed._tcp` of the server name has this many SRV targets, each
    /// its own host with one address.
    SrvTargets(usize),
    /// Every address (this many) serves a key response with `keys`
    /// verify_keys and as many signatures, only the first of which verifies.
    Signatures { keys: usize, addresses: usize },
}

/// The i-th loopback address (127.1.0.1 and up; never 127.0.0.1, where the
/// machine's own services listen).
pub fn loopback(i: usize) -> Ipv4Addr {
    let i = u32::try_from(i).unwrap_or(u32::MAX) & 0x00ff_ffff;
    Ipv4Addr::from(u32::from(Ipv4Addr::new(127, 1, 0, 1)).saturating_add(i))
}

/// The i-th address of the server name: A records first, then AAAA.
pub fn name_address(i: usize) -> IpAddr {
    if i < MAX_A_RECORDS {
        IpAddr::V4(loopback(i))
    } else {
        let i = u32::try_from(i).unwrap_or(u32::MAX) & 0x00ff_ffff;
        let v4 = u32::from(Ipv4Addr::new(127, 2, 0, 1)).saturating_add(i);
        IpAddr::V6(Ipv4Addr::from(v4).to_ipv6_mapped())
    }
}

impl Adversarial {
    /// The scenario (to start with [`Sim::start`]).
    pub fn scenario(self) -> Result<Scenario, SimError> {
        let text = match self {
            Adversarial::Addresses(n) | Adversarial::Signatures { addresses: n, .. } => {
                let addrs: Vec<IpAddr> = (0..n.max(1)).map(name_address).collect();
                scenario_toml(&addrs, "")
            }
            Adversarial::SrvTargets(n) => {
                let mut dns = format!("[[dns]]\nname = \"_matrix-fed._tcp.{SERVER_NAME}\"\n");
                for i in 0..n {
                    dns.push_str(&format!(
                        "[[dns.srv]]\npriority = 10\nweight = 5\nport = 8448\n\
                         target = \"t{i}.{SERVER_NAME}\"\n"
                    ));
                }
                for i in 0..n {
                    dns.push_str(&format!(
                        "[[dns]]\nname = \"t{i}.{SERVER_NAME}\"\na = [\"{}\"]\n",
                        loopback(i + 1)
                    ));
                }
                scenario_toml(&[IpAddr::V4(loopback(0))], &dns)
            }
        };
        let mut scenario = Scenario::from_toml(&text)?;
        if let Adversarial::Signatures { keys, .. } = self {
            let mut route: RouteSpec = toml::from_str("path = \"/_matrix/key/v2/server\"")
                .map_err(|e| SimError::Scenario(e.to_string()))?;
            route.json = Some(signature_bomb(keys)?);
            if let Some(server) = scenario
                .servers
                .iter_mut()
                .find(|s| s.address.port() == 8448)
            {
                server.routes.insert(0, route);
            }
        }
        Ok(scenario)
    }

    /// Every address the deployment publishes.
    pub fn addresses(self) -> Vec<IpAddr> {
        match self {
            Adversarial::Addresses(n) | Adversarial::Signatures { addresses: n, .. } => {
                (0..n.max(1)).map(name_address).collect()
            }
            Adversarial::SrvTargets(n) => (0..=n).map(|i| IpAddr::V4(loopback(i))).collect(),
        }
    }

    /// The simulation's network options, with every address of the
    /// deployment on ports 443 and 8448 sent to the one server there.
    pub fn net_options(self, sim: &Sim) -> NetOptions {
        let mut options = sim.net_options();
        let first = IpAddr::V4(loopback(0));
        for port in [443, 8448] {
            let Some(real) = sim.real_address(SocketAddr::new(first, port)) else {
                continue;
            };
            for ip in self.addresses() {
                options.dial_map.insert(SocketAddr::new(ip, port), real);
            }
        }
        options
    }
}

/// A deployment whose server name has `name_addrs`, with a homeserver at
/// the first one (port 443: no well-known file; port 8448: federation).
fn scenario_toml(name_addrs: &[IpAddr], extra_dns: &str) -> String {
    let list: Vec<String> = name_addrs.iter().map(|a| format!("\"{a}\"")).collect();
    let first = name_addrs
        .first()
        .copied()
        .unwrap_or(IpAddr::V4(loopback(0)));
    format!(
        r#"
name = "adversarial"
description = "built in code (sim::adversarial)"
server_name = "{SERVER_NAME}"

[hosts]
"{SERVER_NAME}" = [{list}]
"ns1.{SERVER_NAME}" = "127.0.53.1"

[[dns]]
name = "{SERVER_NAME}"
ns = ["ns1.{SERVER_NAME}"]
{extra_dns}

[homeserver.hs]
server_name = "{SERVER_NAME}"

[[server]]
address = "{first}:443"
[[server.certs]]
names = ["{SERVER_NAME}"]

[[server]]
address = "{first}:8448"
[[server.certs]]
names = ["{SERVER_NAME}"]
[[server.route]]
path = "/_matrix/"
match = "prefix"
homeserver = "hs"
"#,
        list = list.join(", ")
    )
}

/// A key response with `n` verify_keys and `n` signatures, valid in form;
/// only the first signature (`ed25519:k0`) verifies, the others claim the
/// same signature for other keys: each costs a full verification to reject.
fn signature_bomb(n: usize) -> Result<Value, SimError> {
    let n = n.max(1);
    let keys: Vec<SigningKey> = (0..n)
        .map(|i| {
            let mut seed = [7u8; 32];
            seed[..8].copy_from_slice(&u64::try_from(i).unwrap_or(u64::MAX).to_le_bytes());
            SigningKey::from_bytes(&seed)
        })
        .collect();
    let mut verify_keys = serde_json::Map::new();
    for (i, k) in keys.iter().enumerate() {
        verify_keys.insert(
            format!("ed25519:k{i}"),
            json!({ "key": encode_base64(k.verifying_key().as_bytes()) }),
        );
    }
    let mut body = json!({
        "server_name": SERVER_NAME,
        "valid_until_ts": 4_102_444_800_000_i64,
        "old_verify_keys": {},
        "verify_keys": verify_keys,
    });
    let pki = |e: crate::matrix::signed_json::SignedJsonError| SimError::Pki(e.to_string());
    sign(&mut body, SERVER_NAME, "ed25519:k0", &keys[0]).map_err(pki)?;
    let first = body["signatures"][SERVER_NAME]["ed25519:k0"].clone();
    if let Some(mine) = body["signatures"][SERVER_NAME].as_object_mut() {
        for i in 1..n {
            mine.insert(format!("ed25519:k{i}"), first.clone());
        }
    }
    Ok(body)
}
