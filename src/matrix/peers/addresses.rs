//! Which addresses each peer refuses to contact, as data: the ranges, and
//! where each peer applies them.
//!
//! Synapse (`config/server.py`, `DEFAULT_IP_RANGE_BLOCKLIST`, the same in
//! 1.157.1 and 1.163.2, plus `0.0.0.0` and `::` always added; its
//! `generate_ip_set` adds the mapped, compatible and 6to4 IPv6 forms of
//! every IPv4 range) uses the list for
//! federation unless the operator configured another; its
//! `_IPBlockingResolver` (`http/client.py`) drops *every* address of a name
//! when *any* of them is in the list, and the federation agent resolves IP
//! literals through the same resolver. Continuwuity's default
//! `ip_range_denylist` (`core/config/mod.rs`, `default_ip_range_denylist`)
//! is the same list; it is applied only to a literal IP in the request URL
//! (`federation/execute.rs`, `validate_url`), never to DNS answers, and the
//! `ipaddress` crate it parses with does not read the bracketed IPv6 form
//! that a URL host has, so IPv6 literals pass. The older conduwuit resolver
//! also checks an IP-literal server name (`resolver/actual.rs`,
//! `validate_dest`).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::peer::Peer;

/// Why an address is refused: the kind of range it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    Loopback,
    Private,
    CarrierGradeNat,
    /// 192.0.0.0/24 (IETF protocol assignments).
    ProtocolAssignments,
    LinkLocal,
    /// 192.88.99.0/24, the former 6to4 relay anycast.
    SixToFourRelay,
    /// 198.18.0.0/15, benchmarking.
    Benchmarking,
    /// 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32.
    Documentation,
    Multicast,
    /// fc00::/7.
    UniqueLocal,
    /// fec0::/10.
    SiteLocal,
    /// 0.0.0.0 and `::`.
    Unspecified,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Loopback => "loopback",
            Refusal::Private => "private",
            Refusal::CarrierGradeNat => "carrier-grade NAT",
            Refusal::ProtocolAssignments => "IETF protocol assignments",
            Refusal::LinkLocal => "link-local",
            Refusal::SixToFourRelay => "former 6to4 relay",
            Refusal::Benchmarking => "benchmarking",
            Refusal::Documentation => "documentation",
            Refusal::Multicast => "multicast",
            Refusal::UniqueLocal => "unique local",
            Refusal::SiteLocal => "site-local",
            Refusal::Unspecified => "unspecified",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} address", self.as_str())
    }
}

/// One range: network address, prefix length, kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub network: IpAddr,
    pub prefix: u8,
    pub kind: Refusal,
}

impl Range {
    /// Same family and the first `prefix` bits equal. An IPv4-mapped IPv6
    /// address is IPv6 here, as in netaddr's `IPSet` and the `ipaddress` crate.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8, kind: Refusal) -> Range {
    Range {
        network: IpAddr::V4(Ipv4Addr::new(a, b, c, d)),
        prefix,
        kind,
    }
}

const fn v6(first: u16, second: u16, prefix: u8, kind: Refusal) -> Range {
    Range {
        network: IpAddr::V6(Ipv6Addr::new(first, second, 0, 0, 0, 0, 0, 0)),
        prefix,
        kind,
    }
}

/// The default list both Synapse (`DEFAULT_IP_RANGE_BLOCKLIST`) and
/// Continuwuity (`default_ip_range_denylist`) ship, in their order.
pub const DEFAULT_BLOCKLIST: [Range; 19] = [
    v4(127, 0, 0, 0, 8, Refusal::Loopback),
    v4(10, 0, 0, 0, 8, Refusal::Private),
    v4(172, 16, 0, 0, 12, Refusal::Private),
    v4(192, 168, 0, 0, 16, Refusal::Private),
    v4(100, 64, 0, 0, 10, Refusal::CarrierGradeNat),
    v4(192, 0, 0, 0, 24, Refusal::ProtocolAssignments),
    v4(169, 254, 0, 0, 16, Refusal::LinkLocal),
    v4(192, 88, 99, 0, 24, Refusal::SixToFourRelay),
    v4(198, 18, 0, 0, 15, Refusal::Benchmarking),
    v4(192, 0, 2, 0, 24, Refusal::Documentation),
    v4(198, 51, 100, 0, 24, Refusal::Documentation),
    v4(203, 0, 113, 0, 24, Refusal::Documentation),
    v4(224, 0, 0, 0, 4, Refusal::Multicast),
    Range {
        network: IpAddr::V6(Ipv6Addr::LOCALHOST),
        prefix: 128,
        kind: Refusal::Loopback,
    },
    v6(0xfe80, 0, 10, Refusal::LinkLocal),
    v6(0xfc00, 0, 7, Refusal::UniqueLocal),
    v6(0x2001, 0x0db8, 32, Refusal::Documentation),
    v6(0xff00, 0, 8, Refusal::Multicast),
    v6(0xfec0, 0, 10, Refusal::SiteLocal),
];

/// What Synapse adds to any list (`generate_ip_set(..., ["0.0.0.0", "::"])`).
pub const ALWAYS_BLOCKED_BY_SYNAPSE: [Range; 2] = [
    v4(0, 0, 0, 0, 32, Refusal::Unspecified),
    Range {
        network: IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        prefix: 128,
        kind: Refusal::Unspecified,
    },
];

/// The range of the default list `ip` is in.
pub fn in_default_blocklist(ip: IpAddr) -> Option<Refusal> {
    DEFAULT_BLOCKLIST
        .iter()
        .find(|r| r.contains(ip))
        .map(|r| r.kind)
}

/// Whether the refused ranges apply to a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrivateAddresses {
    /// The real internet: every peer's list applies (the default).
    #[default]
    Refused,
    /// A lab or staging network (`--allow-private-addresses`, `demo`,
    /// `--sim`): no peer's refusal applies.
    Allowed,
    /// A simulated internet on loopback that keeps the rule on: its
    /// loopback addresses stand in for public ones, every other listed
    /// range (RFC 1918, CGNAT, link-local, ...) is refused as on the real
    /// internet.
    LoopbackStandsForPublic,
}

impl PrivateAddresses {
    /// The range `ip` is in, if any peer refuses it in this setting: the
    /// widest list, Synapse's (the default list, `0.0.0.0`, `::` and the
    /// IPv6 forms of the IPv4 ranges), since one peer refusing an address
    /// is enough for federation with it to fail.
    pub fn refusal(self, ip: IpAddr) -> Option<Refusal> {
        match self {
            PrivateAddresses::Allowed => None,
            _ => AddressPolicy::in_context(Peer::Synapse, self).listed(ip),
        }
    }

    /// The addresses of `ips` that some peer refuses, with their range.
    pub fn refused(self, ips: &[IpAddr]) -> Vec<(IpAddr, Refusal)> {
        ips.iter()
            .filter_map(|ip| self.refusal(*ip).map(|r| (*ip, r)))
            .collect()
    }
}

/// Loopback, the simulation's stand-in for public addresses
/// ([`PrivateAddresses::LoopbackStandsForPublic`]).
fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|m| m.is_loopback()),
    }
}

/// Where a peer applies its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Addresses from DNS answers are checked.
    pub dns_answers: bool,
    /// One refused address drops all addresses of that name (Synapse's
    /// `_IPBlockingResolver` reports "no results" then).
    pub one_refused_drops_all: bool,
    /// An IPv4 literal (server name, `m.server`) is checked.
    pub ipv4_literals: bool,
    /// An IPv6 literal is checked.
    pub ipv6_literals: bool,
    /// `0.0.0.0` and `::` are refused too.
    pub unspecified: bool,
    /// The IPv6 forms of every listed IPv4 range are refused too: mapped
    /// (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`) and 6to4
    /// (`2002:aabb:ccdd::/48`), which Synapse's `generate_ip_set` adds to
    /// the set for each IPv4 entry.
    pub ipv6_forms_of_ipv4: bool,
    /// Loopback addresses are taken as public ones (the simulated internet
    /// with the rule on, [`PrivateAddresses::LoopbackStandsForPublic`]).
    pub loopback_is_public: bool,
}

/// The IPv4 address an IPv6 address carries in one of the forms
/// `generate_ip_set` adds: IPv4-mapped (`::ffff:0:0/96`, RFC 4291 2.5.5.2),
/// IPv4-compatible (`::/96`, RFC 4291 2.5.5.1) or 6to4 (`2002::/16`,
/// RFC 3056 2).
pub fn embedded_ipv4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let o = ip.octets();
    let mapped_or_compatible =
        o[..10].iter().all(|b| *b == 0) && matches!((o[10], o[11]), (0, 0) | (0xff, 0xff));
    if mapped_or_compatible {
        Some(Ipv4Addr::new(o[12], o[13], o[14], o[15]))
    } else if o[0] == 0x20 && o[1] == 0x02 {
        Some(Ipv4Addr::new(o[2], o[3], o[4], o[5]))
    } else {
        None
    }
}

impl AddressPolicy {
    /// The policy of `peer` with its default configuration.
    pub fn of(peer: Peer) -> AddressPolicy {
        match peer {
            // The spec names no address the sender must refuse.
            Peer::Spec => AddressPolicy {
                dns_answers: false,
                one_refused_drops_all: false,
                ipv4_literals: false,
                ipv6_literals: false,
                unspecified: false,
                ipv6_forms_of_ipv4: false,
                loopback_is_public: false,
            },
            Peer::Synapse => AddressPolicy {
                dns_answers: true,
                one_refused_drops_all: true,
                ipv4_literals: true,
                ipv6_literals: true,
                unspecified: true,
                ipv6_forms_of_ipv4: true,
                loopback_is_public: false,
            },
            Peer::Continuwuity | Peer::Conduwuit => AddressPolicy {
                dns_answers: false,
                one_refused_drops_all: false,
                ipv4_literals: true,
                ipv6_literals: false,
                unspecified: false,
                ipv6_forms_of_ipv4: false,
                loopback_is_public: false,
            },
        }
    }

    /// The policy of `peer` in a run's setting
    /// ([`super::Context::private_addresses`]): none at all where private
    /// addresses are allowed.
    pub fn in_context(peer: Peer, private_addresses: PrivateAddresses) -> AddressPolicy {
        match private_addresses {
            PrivateAddresses::Refused => AddressPolicy::of(peer),
            PrivateAddresses::Allowed => AddressPolicy::of(Peer::Spec),
            PrivateAddresses::LoopbackStandsForPublic => AddressPolicy {
                loopback_is_public: true,
                ..AddressPolicy::of(peer)
            },
        }
    }

    fn listed(&self, ip: IpAddr) -> Option<Refusal> {
        if self.loopback_is_public && is_loopback(ip) {
            return None;
        }
        let direct = |ip: IpAddr| {
            in_default_blocklist(ip).or_else(|| {
                self.unspecified
                    .then(|| ALWAYS_BLOCKED_BY_SYNAPSE.iter().find(|r| r.contains(ip)))
                    .flatten()
                    .map(|r| r.kind)
            })
        };
        direct(ip).or_else(|| match ip {
            IpAddr::V6(v6) if self.ipv6_forms_of_ipv4 => {
                embedded_ipv4(v6).and_then(|v4| direct(IpAddr::V4(v4)))
            }
            _ => None,
        })
    }

    /// Whether the peer refuses `ip` written as a literal.
    pub fn refuses_literal(&self, ip: IpAddr) -> Option<Refusal> {
        let checked = match ip {
            IpAddr::V4(_) => self.ipv4_literals,
            IpAddr::V6(_) => self.ipv6_literals,
        };
        if checked { self.listed(ip) } else { None }
    }

    /// Splits the addresses a name resolved to into the ones the peer uses
    /// and the ones it refuses.
    pub fn filter_answers(&self, ips: &[IpAddr]) -> (Vec<IpAddr>, Vec<(IpAddr, Refusal)>) {
        if !self.dns_answers {
            return (ips.to_vec(), Vec::new());
        }
        let refused: Vec<(IpAddr, Refusal)> = ips
            .iter()
            .filter_map(|ip| self.listed(*ip).map(|r| (*ip, r)))
            .collect();
        if refused.is_empty() {
            return (ips.to_vec(), refused);
        }
        if self.one_refused_drops_all {
            return (Vec::new(), refused);
        }
        let kept = ips
            .iter()
            .filter(|ip| !refused.iter().any(|(r, _)| r == *ip))
            .copied()
            .collect();
        (kept, refused)
    }
}
