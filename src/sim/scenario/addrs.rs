//! The addresses and ports a scenario involves: what the simulated internet
//! must serve, refuse, or answer DNS on.

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::Scenario;

impl Scenario {
    /// Every IP address the scenario mentions (DNS, hosts, servers, an IP
    /// server name, expected targets).
    pub fn addresses(&self) -> BTreeSet<IpAddr> {
        let mut ips = BTreeSet::new();
        for addrs in self.hosts.values() {
            ips.extend(addrs.addrs());
        }
        for entry in &self.dns {
            ips.extend(entry.a.iter().map(|ip| IpAddr::V4(*ip)));
            ips.extend(entry.aaaa.iter().map(|ip| IpAddr::V6(*ip)));
            if let Some(cached) = &entry.cached {
                ips.extend(cached.a.iter().map(|ip| IpAddr::V4(*ip)));
                ips.extend(cached.aaaa.iter().map(|ip| IpAddr::V6(*ip)));
            }
        }
        ips.extend(self.servers.iter().map(|s| s.address.ip()));
        if let Ok(ip) = self.server_name.trim_matches(['[', ']']).parse::<IpAddr>() {
            ips.insert(ip);
        }
        if let Some(expect) = &self.expect {
            ips.extend(expect.targets.iter().map(|t| t.address.ip()));
        }
        ips
    }

    /// The addresses of the hosts named in NS records: where the zone's
    /// authoritative servers are (the simulation serves DNS on port 53 there).
    pub fn nameserver_addresses(&self) -> BTreeSet<IpAddr> {
        let ns_hosts: BTreeSet<String> = self
            .dns
            .iter()
            .flat_map(|e| e.ns.iter())
            .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
            .collect();
        let mut ips = BTreeSet::new();
        for (name, addrs) in &self.hosts {
            if ns_hosts.contains(&name.trim_end_matches('.').to_ascii_lowercase()) {
                ips.extend(addrs.addrs());
            }
        }
        for entry in &self.dns {
            if ns_hosts.contains(&entry.name.trim_end_matches('.').to_ascii_lowercase()) {
                ips.extend(entry.a.iter().map(|ip| IpAddr::V4(*ip)));
                ips.extend(entry.aaaa.iter().map(|ip| IpAddr::V6(*ip)));
            }
        }
        ips
    }

    /// Every port the scenario's clients may try: 443, 8448, SRV ports and
    /// server ports.
    pub fn ports(&self) -> BTreeSet<u16> {
        let mut ports = BTreeSet::from([443, 8448]);
        if let Some((_, port)) = self.server_name.rsplit_once(':')
            && let Ok(port) = port.parse()
        {
            ports.insert(port);
        }
        ports.extend(self.dns.iter().flat_map(|e| e.srv.iter().map(|s| s.port)));
        ports.extend(self.servers.iter().map(|s| s.address.port()));
        if let Some(expect) = &self.expect {
            ports.extend(expect.targets.iter().map(|t| t.address.port()));
        }
        ports
    }
}
