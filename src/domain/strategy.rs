//! The delegation strategies. Ids are stable: the CLI,
//! the JSON report and saved answers use them.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Base domain reverse-proxies `/.well-known/matrix/*` to the homeserver.
    WellKnown,
    /// Base domain serves the well-known JSON files itself.
    Static,
    /// `_matrix-fed._tcp.<server_name>` SRV only (federation only).
    Srv,
    /// `m.server` without port, SRV on the delegated host announces the port.
    SrvWellKnown,
    /// `well-known` plus an SRV record on the base domain as a fallback.
    WellKnownSrvFallback,
    /// No delegation: the server name is the host, federation on 8448.
    None,
}

impl Strategy {
    pub const ALL: [Strategy; 6] = [
        Strategy::WellKnown,
        Strategy::Static,
        Strategy::Srv,
        Strategy::SrvWellKnown,
        Strategy::WellKnownSrvFallback,
        Strategy::None,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Strategy::WellKnown => "well-known",
            Strategy::Static => "static",
            Strategy::Srv => "srv",
            Strategy::SrvWellKnown => "srv+well-known",
            Strategy::WellKnownSrvFallback => "well-known+srv-fallback",
            Strategy::None => "none",
        }
    }

    /// A short human title.
    pub fn title(self) -> &'static str {
        match self {
            Strategy::WellKnown => "well-known",
            Strategy::Static => "static files",
            Strategy::Srv => "SRV only",
            Strategy::SrvWellKnown => "SRV + well-known",
            Strategy::WellKnownSrvFallback => "well-known + SRV fallback",
            Strategy::None => "no delegation",
        }
    }

    /// A tag shown next to the title in lists.
    pub fn tag(self) -> Option<&'static str> {
        match self {
            Strategy::WellKnown => Some("recommended"),
            Strategy::Srv => Some("not recommended"),
            _ => None,
        }
    }

    /// One line for `--help` and lists.
    pub fn one_line(self) -> &'static str {
        match self {
            Strategy::WellKnown => {
                "(recommended) the base domain proxies /.well-known/matrix/* to the homeserver"
            }
            Strategy::Static => {
                "the base domain (maybe another machine) serves the well-known JSON files itself"
            }
            Strategy::Srv => {
                "(not recommended) _matrix-fed._tcp SRV record only; federation only, \
                 the target needs a certificate for the server name"
            }
            Strategy::SrvWellKnown => {
                "m.server names the host without a port; an SRV record on the host gives the port"
            }
            Strategy::WellKnownSrvFallback => {
                "well-known plus an SRV record so peers never fall back to :8448 while you are down"
            }
            Strategy::None => "no delegation: the server name is the host, federation on port 8448",
        }
    }

    /// Whether `[global.well_known] server` is set, and whether it carries a port.
    pub fn uses_well_known_server(self) -> bool {
        !matches!(self, Strategy::Srv | Strategy::None)
    }

    /// Whether remote servers will look up an SRV record we publish.
    pub fn publishes_srv(self) -> bool {
        matches!(
            self,
            Strategy::Srv | Strategy::SrvWellKnown | Strategy::WellKnownSrvFallback
        )
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStrategy(pub String);

impl fmt::Display for UnknownStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = Strategy::ALL.iter().map(|s| s.id()).collect();
        let hint = crate::words::closest(&self.0, &ids)
            .map(|c| format!("did you mean `{c}`? "))
            .unwrap_or_default();
        write!(
            f,
            "unknown strategy `{}`; {hint}choose one of: {}",
            self.0,
            ids.join(", ")
        )
    }
}

impl std::error::Error for UnknownStrategy {}

impl FromStr for Strategy {
    type Err = UnknownStrategy;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Strategy::ALL
            .into_iter()
            .find(|st| st.id() == s)
            .ok_or_else(|| UnknownStrategy(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        for s in Strategy::ALL {
            assert_eq!(s.id().parse::<Strategy>(), Ok(s));
        }
        let mut ids: Vec<_> = Strategy::ALL.iter().map(|s| s.id()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 6);
        let e = "wellknown".parse::<Strategy>().expect_err("unknown");
        assert!(e.to_string().contains("well-known+srv-fallback"));
    }
}
