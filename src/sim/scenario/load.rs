//! Reading a scenario file and refusing one that contradicts itself, with
//! the scenario's name and what is wrong.

use std::collections::BTreeSet;
use std::path::Path;

use crate::sim::SimError;
use crate::sim::scenario::{Scenario, ServerMode};

impl Scenario {
    pub fn from_toml(text: &str) -> Result<Scenario, SimError> {
        let scenario: Scenario =
            toml::from_str(text).map_err(|e| SimError::Scenario(e.to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    pub fn load(path: &Path) -> Result<Scenario, SimError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SimError::Scenario(format!("{}: {e}", path.display())))?;
        Scenario::from_toml(&text)
            .map_err(|e| SimError::Scenario(format!("{}: {e}", path.display())))
    }

    fn validate(&self) -> Result<(), SimError> {
        let bad = |msg: String| {
            Err(SimError::Scenario(format!(
                "scenario `{}`: {msg}",
                self.name
            )))
        };
        let mut addresses = BTreeSet::new();
        for server in &self.servers {
            if !addresses.insert(server.address) {
                return bad(format!("server {} is listed twice", server.address));
            }
            let tls = matches!(server.mode, ServerMode::Serve | ServerMode::NotHttp);
            if tls && server.certs.is_empty() {
                return bad(format!("server {} serves but has no certs", server.address));
            }
            for cert in &server.certs {
                if cert.names.is_empty() {
                    return bad(format!("a cert of server {} has no names", server.address));
                }
            }
            for route in &server.routes {
                let kinds = [
                    route.json.is_some(),
                    route.body.is_some(),
                    route.body_base64.is_some(),
                    route.redirect.is_some(),
                    route.huge_body.is_some(),
                    route.slow_body.is_some(),
                    route.homeserver.is_some(),
                ];
                if kinds.iter().filter(|k| **k).count() > 1 {
                    return bad(format!(
                        "route {} on {} has more than one of json/body/body_base64/redirect/huge_body/slow_body/homeserver",
                        route.path, server.address
                    ));
                }
                if let Some(id) = &route.homeserver
                    && !self.homeservers.contains_key(id)
                {
                    return bad(format!(
                        "route {} names unknown homeserver `{id}`",
                        route.path
                    ));
                }
                if let Some(slow) = route.slow_body
                    && (slow.chunk == 0 || slow.interval_ms == 0)
                {
                    return bad(format!(
                        "route {}: slow_body needs chunk and interval_ms > 0",
                        route.path
                    ));
                }
                if !route.path.starts_with('/') {
                    return bad(format!("route path `{}` must start with /", route.path));
                }
            }
        }
        for entry in &self.dns {
            for t in &entry.behaviour_types {
                if !matches!(t.as_str(), "A" | "AAAA" | "CNAME" | "SRV") {
                    return bad(format!(
                        "dns {}: unknown type `{t}` in behaviour_types",
                        entry.name
                    ));
                }
            }
            if entry.cname.is_some()
                && (!entry.a.is_empty()
                    || !entry.aaaa.is_empty()
                    || !entry.srv.is_empty()
                    || !entry.ns.is_empty())
            {
                return bad(format!(
                    "dns {}: a CNAME cannot have other records",
                    entry.name
                ));
            }
        }
        Ok(())
    }
}
