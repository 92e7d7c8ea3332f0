//! The owner names Matrix federation looks SRV records up at (Matrix spec,
//! server-server API, "Resolving server names": `_matrix-fed._tcp.<name>`
//! in steps 3.3 and 4, the deprecated `_matrix._tcp.<name>` in steps 3.4
//! and 5). Whatever looks one up, expects one or tells the operator to
//! create one builds the name here.

/// One of the two SRV services of federation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SrvService {
    /// `_matrix-fed._tcp` (spec v1.8 onwards): the one to publish.
    Federation,
    /// `_matrix._tcp`: deprecated, still consulted when `_matrix-fed` has
    /// no record.
    LegacyFederation,
}

impl SrvService {
    /// Both, in the order discovery consults them.
    pub const ALL: [SrvService; 2] = [SrvService::Federation, SrvService::LegacyFederation];

    /// The service and protocol labels that precede the host.
    pub const fn labels(self) -> &'static str {
        match self {
            SrvService::Federation => "_matrix-fed._tcp",
            SrvService::LegacyFederation => "_matrix._tcp",
        }
    }

    /// The owner name for `host`, e.g. `_matrix-fed._tcp.example.com`.
    pub fn owner(self, host: &str) -> String {
        format!("{}.{host}", self.labels())
    }

    /// The host an owner name of either service is about
    /// (`_matrix._tcp.example.com` → `example.com`); `None` for any other
    /// name.
    pub fn host_of(owner: &str) -> Option<&str> {
        SrvService::ALL.iter().find_map(|service| {
            owner
                .strip_prefix(service.labels())
                .and_then(|rest| rest.strip_prefix('.'))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_and_their_hosts() {
        assert_eq!(
            SrvService::Federation.owner("example.com"),
            "_matrix-fed._tcp.example.com"
        );
        assert_eq!(
            SrvService::LegacyFederation.owner("m.example.com"),
            "_matrix._tcp.m.example.com"
        );
        for service in SrvService::ALL {
            let owner = service.owner("m.example.com");
            assert_eq!(SrvService::host_of(&owner), Some("m.example.com"));
        }
        assert_eq!(SrvService::host_of("example.com"), None);
        assert_eq!(SrvService::host_of("_matrix-fed._tcpexample.com"), None);
    }
}
