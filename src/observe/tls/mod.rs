//! TLS observations (see [`crate::observe`] for the conventions): a
//! handshake with one address, the certificate chain it presented (read
//! even when it is invalid), the WebPKI verdict, or why no certificate was
//! obtained.

mod cert;
mod error;

use std::fmt;
use std::time::Duration;

pub use self::cert::{CertInfo, dns_name_matches};
pub use self::error::TlsErrorKind;

/// A TLS handshake with one address, and the certificate it presented. The
/// leaf certificate's fields are what the verdicts read; `handshake` keeps
/// everything else the handshake showed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsObservation {
    /// Why no handshake completed (connection refused, timeout, handshake
    /// alert). `None` when it completed.
    pub connect_error: Option<TlsFailure>,
    /// DNS names and IP addresses the leaf certificate covers (SAN).
    pub names: Vec<String>,
    /// Expiry as text (RFC 3339), for showing.
    pub not_after: Option<String>,
    /// Whole days until expiry (negative when expired).
    pub days_left: Option<i64>,
    pub issuer: Option<String>,
    /// The chain verifies against the trusted roots.
    pub chain_valid: bool,
    /// Why the chain does not verify (unknown CA, expired, not valid for
    /// the name...).
    pub verify_error: Option<TlsErrorKind>,
    /// The certificate covers the name it must cover for this target.
    pub covers_required_name: bool,
    /// What a completed handshake negotiated, and the whole chain.
    pub handshake: Option<TlsHandshake>,
    pub duration: Duration,
}

/// A completed handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsHandshake {
    /// e.g. `TLSv1_3`.
    pub protocol: String,
    pub cipher_suite: String,
    pub alpn: Option<String>,
    /// The chain as the server sent it, leaf first.
    pub chain: Vec<CertInfo>,
    /// The verifier's own words when verification failed.
    pub verify_detail: Option<String>,
}

impl TlsHandshake {
    pub fn leaf(&self) -> Option<&CertInfo> {
        self.chain.first()
    }
}

impl TlsObservation {
    /// The connection failed on this machine, not at the server.
    pub fn local_problem(&self) -> Option<crate::observe::LocalProblem> {
        match self.connect_error.as_ref().map(|e| &e.kind) {
            Some(TlsFailureKind::Local(p)) => Some(*p),
            _ => None,
        }
    }

    /// No connection was opened: the address is one the rule on private
    /// addresses refuses.
    pub fn refused_address(&self) -> bool {
        matches!(
            self.connect_error.as_ref().map(|e| &e.kind),
            Some(TlsFailureKind::RefusedAddress)
        )
    }

    /// A handshake that completed: the leaf certificate as the verdicts read
    /// it, with WebPKI's `verification` for the required name.
    pub fn completed(
        handshake: TlsHandshake,
        verification: Result<(), TlsErrorKind>,
        covers_required_name: bool,
        duration: Duration,
    ) -> TlsObservation {
        let leaf = handshake.leaf();
        TlsObservation {
            connect_error: None,
            names: leaf.map(CertInfo::names).unwrap_or_default(),
            not_after: leaf.map(|c| c.not_after_text.clone()),
            days_left: leaf.map(|c| c.days_left),
            issuer: leaf.map(|c| c.issuer.clone()),
            chain_valid: verification.is_ok(),
            verify_error: verification.err(),
            covers_required_name,
            handshake: Some(handshake),
            duration,
        }
    }

    /// No handshake completed: why, and the names of a certificate that
    /// arrived before the failure, if any.
    pub fn failed(failure: TlsFailure, duration: Duration) -> TlsObservation {
        TlsObservation {
            names: failure
                .chain
                .first()
                .map(CertInfo::names)
                .unwrap_or_default(),
            connect_error: Some(failure),
            duration,
            ..TlsObservation::default()
        }
    }
}

/// Why no handshake completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFailureKind {
    /// Nothing listens there.
    Refused,
    ConnectTimeout,
    /// Another TCP-level failure (reset, unreachable, ...).
    Connect,
    /// TCP connected, but the handshake did not finish in time (a server
    /// that accepts connections and never answers).
    HandshakeTimeout,
    /// The handshake failed (alert, protocol error, bad handshake signature).
    Handshake(TlsErrorKind),
    /// The SNI or required name is not a usable TLS name.
    InvalidName,
    /// The handshake did not run to its end (its task stopped).
    Stopped,
    /// This machine could not open the connection (out of open files,
    /// socket buffers or local ports): not the server's failure.
    Local(crate::observe::local::LocalProblem),
    /// Not connected: the address is in a range peers refuse (private,
    /// loopback, link-local, ...) and the run keeps the rule on private
    /// addresses, which forbids opening a socket there.
    RefusedAddress,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFailure {
    pub kind: TlsFailureKind,
    /// The library's words (or ours, for timeouts and stops).
    pub detail: String,
    /// Certificates received before the failure, if any.
    pub chain: Vec<CertInfo>,
}

impl TlsFailure {
    /// A failure before any certificate arrived.
    pub fn new(kind: TlsFailureKind, detail: impl Into<String>) -> TlsFailure {
        TlsFailure {
            kind,
            detail: detail.into(),
            chain: Vec::new(),
        }
    }
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TlsFailureKind::Refused => f.write_str("connection refused: nothing listens there"),
            TlsFailureKind::Handshake(kind) => {
                write!(f, "TLS handshake failed: {kind} ({})", self.detail)
            }
            TlsFailureKind::ConnectTimeout
            | TlsFailureKind::Connect
            | TlsFailureKind::HandshakeTimeout
            | TlsFailureKind::InvalidName
            | TlsFailureKind::Stopped => f.write_str(&self.detail),
            TlsFailureKind::Local(problem) => write!(f, "could not test: {problem}"),
            TlsFailureKind::RefusedAddress => f.write_str(NOT_CONNECTED),
        }
    }
}

/// How a connection the rule on private addresses forbade is worded, for
/// TLS inspections and fetches alike.
pub const NOT_CONNECTED: &str = "not connected: address refused by the rule on private addresses";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_keep_their_words() {
        let refused = TlsFailure::new(TlsFailureKind::Refused, "Connection refused (os error 111)");
        assert_eq!(
            refused.to_string(),
            "connection refused: nothing listens there"
        );
        let unasked = TlsFailure::new(TlsFailureKind::RefusedAddress, "192.168.1.20:443");
        assert_eq!(
            unasked.to_string(),
            "not connected: address refused by the rule on private addresses"
        );
        let alert = TlsFailure::new(
            TlsFailureKind::Handshake(TlsErrorKind::AlertReceived("UnrecognisedName".into())),
            "received fatal alert: UnrecognisedName",
        );
        assert_eq!(
            alert.to_string(),
            "TLS handshake failed: server refused the handshake (UnrecognisedName) \
             (received fatal alert: UnrecognisedName)"
        );
        let silent = TlsFailure::new(
            TlsFailureKind::HandshakeTimeout,
            "TCP connected, but no TLS handshake within 400 ms",
        );
        assert_eq!(
            silent.to_string(),
            "TCP connected, but no TLS handshake within 400 ms"
        );
        let obs = TlsObservation::failed(refused, Duration::ZERO);
        assert!(!obs.chain_valid);
        assert!(obs.names.is_empty());
    }

    #[test]
    fn a_completed_handshake_is_read_from_its_leaf() {
        let leaf = CertInfo {
            dns_names: vec!["matrix.example.com".into()],
            issuer: "CN=Test CA".into(),
            not_after_text: "2026-03-01T00:00:00Z".into(),
            days_left: -2,
            ..CertInfo::default()
        };
        let handshake = TlsHandshake {
            protocol: "TLSv1_3".into(),
            cipher_suite: "TLS13_AES_128_GCM_SHA256".into(),
            alpn: Some("http/1.1".into()),
            chain: vec![leaf],
            verify_detail: Some("invalid peer certificate: Expired".into()),
        };
        let obs =
            TlsObservation::completed(handshake, Err(TlsErrorKind::Expired), true, Duration::ZERO);
        assert_eq!(obs.names, vec!["matrix.example.com".to_string()]);
        assert_eq!(obs.days_left, Some(-2));
        assert_eq!(obs.issuer.as_deref(), Some("CN=Test CA"));
        assert!(!obs.chain_valid);
        assert_eq!(obs.verify_error, Some(TlsErrorKind::Expired));
        assert_eq!(obs.connect_error, None);
    }
}
