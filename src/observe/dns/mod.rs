//! DNS observations (see [`crate::observe`] for the conventions): one query
//! and what came back ([`DnsLookup`]), the A/AAAA and SRV lookups as server
//! discovery and the DNS verdicts read them ([`AddressLookup`],
//! [`SrvLookup`]), why a query gave no records ([`DnsError`]), and why a
//! zone's authoritative servers could not be asked ([`AuthorityGap`]).

mod addresses;
mod authority;
mod error;
mod lookup;
mod srv;

pub use self::addresses::{AddressLookup, AddressRecord};
pub use self::authority::{AuthorityGap, AuthorityGapReason};
pub use self::error::DnsError;
pub use self::lookup::{
    CnameRecord, DnsAnswer, DnsFailure, DnsLookup, DnsRecord, RecordData, RecordKind, SoaRecord,
    SrvData,
};
pub use self::srv::{SrvLookup, SrvRecord};
