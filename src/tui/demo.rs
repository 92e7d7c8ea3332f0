//! `matrix-delegate demo`: the deployments offered in the picker. Each is a
//! built-in simulated deployment (`assets/scenarios/<scenario>.toml`) plus
//! the answers its operator would have given the wizard — so the checks
//! compare what the simulated internet serves with what was intended, as
//! they would for a real operator. The names must match the scenario's own
//! (`server_name`, the hosts it serves); `tests/it/tui/demo_services.rs`
//! runs every entry against its scenario.

use crate::domain::{Answers, Deployment, Proxy, Strategy};
use crate::sim::Scenario;

/// One deployment in the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoDeployment {
    /// The built-in scenario (`assets/scenarios/<scenario>.toml`).
    pub scenario: &'static str,
    /// A few words for the list.
    pub title: &'static str,
    /// One line: what is wrong (or right) with it.
    pub line: &'static str,
    /// Everything passes (no failure to find).
    pub healthy: bool,
    server_name: &'static str,
    host: &'static str,
    port: &'static str,
    strategy: Strategy,
    proxy: Proxy,
    /// The support contacts the operator gave (mxid, email, page).
    support: Option<(&'static str, &'static str, &'static str)>,
}

const fn deployment(
    scenario: &'static str,
    title: &'static str,
    line: &'static str,
    strategy: Strategy,
    proxy: Proxy,
) -> DemoDeployment {
    DemoDeployment {
        scenario,
        title,
        line,
        healthy: false,
        server_name: "example.com",
        host: "matrix.example.com",
        port: "",
        strategy,
        proxy,
        support: None,
    }
}

/// The picker's list: healthy ones first, then the classic mistakes.
pub const DEMOS: &[DemoDeployment] = &[
    DemoDeployment {
        healthy: true,
        support: Some((
            "@admin:example.com",
            "admin@example.com",
            "https://example.com/support",
        )),
        ..deployment(
            "healthy-well-known",
            "Healthy well-known delegation",
            "example.com hands /.well-known/matrix/* to Continuwuity: servers and clients work",
            Strategy::WellKnown,
            Proxy::Caddy,
        )
    },
    DemoDeployment {
        healthy: true,
        port: "8443",
        ..deployment(
            "healthy-srv-well-known",
            "Healthy SRV + well-known",
            "m.server without a port; an SRV record on matrix.example.com says 8443",
            Strategy::SrvWellKnown,
            Proxy::Caddy,
        )
    },
    deployment(
        "m-server-without-port",
        "Port missing in m.server",
        "m.server says matrix.example.com: peers try port 8448, where nothing listens",
        Strategy::WellKnown,
        Proxy::Caddy,
    ),
    deployment(
        "client-without-cors",
        "Client file without CORS",
        "static files on example.com, no Access-Control-Allow-Origin: Element Web fails",
        Strategy::Static,
        Proxy::Static,
    ),
    deployment(
        "srv-only-wrong-cert",
        "SRV only, cert for the wrong name",
        "SRV to matrix.example.com, whose certificate does not cover example.com",
        Strategy::Srv,
        Proxy::Caddy,
    ),
    deployment(
        "mangling-proxy-decoded-path",
        "Proxy that decodes paths",
        "nginx proxy_pass with a URI part turns %2F into /: some federation calls break",
        Strategy::WellKnown,
        Proxy::Nginx,
    ),
    deployment(
        "expired-certificate",
        "Expired certificate",
        "matrix.example.com's certificate expired two days ago",
        Strategy::WellKnown,
        Proxy::Caddy,
    ),
    deployment(
        "federation-disabled",
        "Federation disabled",
        "allow_federation = false: 403 M_FORBIDDEN on the server file and federation",
        Strategy::WellKnown,
        Proxy::Caddy,
    ),
    // Peers fall back from the dead address to the IPv4 one: warnings only.
    DemoDeployment {
        healthy: true,
        ..deployment(
            "aaaa-nothing-listening",
            "IPv6 address, nothing behind it",
            "an AAAA record for matrix.example.com, but nothing listens on [::1]:443",
            Strategy::WellKnown,
            Proxy::Caddy,
        )
    },
    deployment(
        "dns-change-spreading",
        "DNS change still spreading",
        "matrix.example.com moved; resolvers keep the old address 30 min (w: watch it)",
        Strategy::WellKnown,
        Proxy::Caddy,
    ),
    // The spec's path works; some peers' paths do not (`server.peers`).
    deployment(
        "peers-exact-host-proxy",
        "Proxy routes one exact Host only",
        "federation routed only for Host matrix.example.com:443: Continuwuity sends no :443",
        Strategy::WellKnown,
        Proxy::Nginx,
    ),
    deployment(
        "peers-redirect-chain-5",
        "Server file behind 5 redirects",
        "Synapse follows 20 redirects, Continuwuity 4: it misses the delegation",
        Strategy::WellKnown,
        Proxy::Caddy,
    ),
];

impl DemoDeployment {
    /// The entry for a scenario name.
    pub fn find(scenario: &str) -> Option<&'static DemoDeployment> {
        DEMOS.iter().find(|d| d.scenario == scenario)
    }

    /// Every scenario offered, for messages (`a, b, c`).
    pub fn names() -> String {
        DEMOS
            .iter()
            .map(|d| d.scenario)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The scenario's own story, on one line (embedded text, parsed here:
    /// no I/O); the list's line if the scenario cannot be read.
    pub fn story(&self) -> String {
        Scenario::builtin(self.scenario)
            .map(|s| {
                s.description
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_else(|_| self.line.to_string())
    }

    /// The answers this deployment's operator would have typed.
    pub fn answers(&self) -> Answers {
        let mut a = Answers {
            server_name: self.server_name.into(),
            host: self.host.into(),
            port: self.port.into(),
            strategy: self.strategy,
            proxy: self.proxy,
            deployment: Deployment::ConfigFile,
            ..Answers::default()
        };
        if let Some((mxid, email, page)) = self.support {
            a.support_mxid = mxid.into();
            a.support_email = email.into();
            a.support_page = page.into();
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_a_builtin_scenario_with_its_names_and_valid_answers() {
        for d in DEMOS {
            let scenario =
                Scenario::builtin(d.scenario).unwrap_or_else(|e| panic!("{}: {e}", d.scenario));
            assert_eq!(scenario.server_name, d.server_name, "{}", d.scenario);
            let plan = crate::domain::plan(&d.answers())
                .unwrap_or_else(|e| panic!("{}: {e:?}", d.scenario));
            assert_eq!(plan.server_name.as_str(), d.server_name);
            let expect = scenario.expect.expect("every built-in has [expect]");
            assert_eq!(
                d.healthy,
                expect.fail.is_empty() && expect.federation_ok,
                "{}: healthy flag vs [expect]",
                d.scenario
            );
        }
    }

    #[test]
    fn the_issue_s_deployments_are_offered() {
        for name in [
            "healthy-well-known",
            "m-server-without-port",
            "client-without-cors",
            "srv-only-wrong-cert",
            "mangling-proxy-decoded-path",
        ] {
            assert!(DemoDeployment::find(name).is_some(), "{name}");
        }
        assert!(DemoDeployment::find("no-such-thing").is_none());
    }
}
