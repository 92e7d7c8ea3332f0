//! What the network layer observed, as plain data: the one family of
//! observation types. [`crate::probe`] returns them, and the pure check
//! logic ([`crate::matrix::discovery`], [`crate::check::verdict`]) reads
//! them, so the verdicts can be tested without a network. Failures are
//! typed; the words the reports show come from their `Display`.
//!
//! Conventions: header names are lower case; bodies are raw bytes (never
//! assumed to be UTF-8); every string that came from the network is stored
//! as received and escaped only when shown ([`crate::safe_text`]). This
//! module depends only on [`crate::words`] (cache times in words, worded
//! like every other duration).

pub mod dns;
pub mod http;
pub mod local;
pub mod tls;

pub use self::dns::{
    AddressLookup, AddressRecord, AuthorityGap, AuthorityGapReason, CnameRecord, DnsAnswer,
    DnsError, DnsFailure, DnsLookup, DnsRecord, RecordData, RecordKind, SoaRecord, SrvData,
    SrvLookup, SrvRecord,
};
pub use self::http::{
    BodyEnd, Exchange, FetchFailure, Hop, HttpObservation, MatrixError, Method, RedirectProblem,
    TimeoutPhase, UrlProblem, excerpt,
};
pub use self::local::LocalProblem;
pub use self::tls::{
    CertInfo, TlsErrorKind, TlsFailure, TlsFailureKind, TlsHandshake, TlsObservation,
    dns_name_matches,
};
