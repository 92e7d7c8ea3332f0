//! The peer implementations modelled, with stable names and the version each
//! model restates.

use std::fmt;

/// An implementation whose resolution is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Peer {
    /// The text of the spec (server-server API, "Resolving server names").
    Spec,
    /// Synapse's federation agent.
    Synapse,
    /// Continuwuity's current resolver, the `resolvematrix` crate.
    Continuwuity,
    /// The older conduwuit resolver (older Continuwuity releases, tuwunel).
    Conduwuit,
}

impl Peer {
    pub const ALL: [Peer; 4] = [
        Peer::Spec,
        Peer::Synapse,
        Peer::Continuwuity,
        Peer::Conduwuit,
    ];

    /// The stable name the JSON report writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Peer::Spec => "spec",
            Peer::Synapse => "synapse",
            Peer::Continuwuity => "continuwuity",
            Peer::Conduwuit => "conduwuit",
        }
    }

    /// Which version of the implementation the model restates.
    pub fn basis(self) -> &'static str {
        match self {
            Peer::Spec => "Matrix spec v1.16, server-server API, Resolving server names",
            Peer::Synapse => {
                "Synapse 1.163.2 (read at 1.157.1, a58ad44e; the federation code is the same): \
                 matrix_federation_agent.py, well_known_resolver.py, srv_resolver.py, \
                 config/server.py"
            }
            Peer::Continuwuity => {
                "Continuwuity 26.8.0-alpha.1+68 (09073235) with resolvematrix 1.4.0 (read at \
                 1.3.0, 1ad83bbf) and its A-first DNS resolver, Continuwuity's resolver since \
                 v26.6.0"
            }
            Peer::Conduwuit => {
                "Continuwuity 0.5.11 (7003e4a8) src/service/resolver, the conduwuit resolver \
                 that tuwunel 1.9.0 still carries"
            }
        }
    }

    /// The name to show people.
    pub fn title(self) -> &'static str {
        match self {
            Peer::Spec => "the spec",
            Peer::Synapse => "Synapse",
            Peer::Continuwuity => "Continuwuity",
            Peer::Conduwuit => "conduwuit (older Continuwuity, tuwunel)",
        }
    }
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
