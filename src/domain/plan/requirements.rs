//! What a plan requires to exist outside the homeserver: DNS records and
//! certificates.

use crate::domain::plan::{BaseDomainRole, CertRequirement, DnsRecord, Plan};
use crate::domain::strategy::Strategy;

impl Plan {
    /// DNS records that must exist, addresses first.
    pub fn dns_records(&self) -> Vec<DnsRecord> {
        let mut out = Vec::new();
        let name = self.base_domain();
        let host = self.host_str();
        if !self.server_name.host.is_ip() {
            let role = match self.base_domain_role() {
                BaseDomainRole::SameAsHost => "the homeserver (federation and clients)",
                _ => "the web server that answers /.well-known/matrix/* for the base domain",
            };
            out.push(DnsRecord::Address {
                name: name.clone(),
                role: role.into(),
            });
        }
        if !self.host.is_ip() && host != name {
            out.push(DnsRecord::Address {
                name: host.clone(),
                role: "the reverse proxy in front of the homeserver".into(),
            });
        }
        let client_host = self.client_host();
        if client_host != host && client_host != name {
            out.push(DnsRecord::Address {
                name: client_host,
                role: "the client API (the host of the client base URL)".into(),
            });
        }
        let srv = |owner: &str, port: u16, target: &str| DnsRecord::Srv {
            name: owner.to_string(),
            priority: 10,
            weight: 10,
            port,
            target: target.to_string(),
        };
        match self.strategy {
            Strategy::Srv => out.push(srv(&name, self.port, &host)),
            Strategy::SrvWellKnown => out.push(srv(&host, self.port, &host)),
            Strategy::WellKnownSrvFallback => out.push(srv(&name, 443, &name)),
            _ => {}
        }
        out
    }

    /// Certificates that must exist for the deployment to work.
    pub fn certificates(&self) -> Vec<CertRequirement> {
        let name = self.base_domain();
        let host = self.host_str();
        let ep = self.federation_endpoint();
        let mut out = vec![CertRequirement {
            serve_host: ep.connect_host.clone(),
            port: ep.port,
            name: ep.cert_name.clone(),
            why: format!("federation (spec step {})", ep.step),
        }];
        let mut push = |serve_host: &str, port: u16, cert: &str, why: &str| {
            let dup = out
                .iter()
                .any(|c| c.serve_host == serve_host && c.port == port && c.name == cert);
            if !dup {
                out.push(CertRequirement {
                    serve_host: serve_host.to_string(),
                    port,
                    name: cert.to_string(),
                    why: why.to_string(),
                });
            }
        };
        if self.strategy != Strategy::None {
            push(
                &name,
                443,
                &name,
                "HTTPS for /.well-known/matrix/* on the base domain",
            );
        }
        let client_host = self.client_host();
        push(
            &client_host,
            443,
            &client_host,
            "the client API (client base URL)",
        );
        if self.strategy == Strategy::WellKnownSrvFallback {
            push(
                &name,
                443,
                &name,
                "the SRV fallback target (spec step 4: certificate for the server name)",
            );
        }
        if self.strategy == Strategy::None && self.server_name.port.is_none() && host == name {
            push(&name, 443, &name, "the client API");
        }
        out
    }
}
