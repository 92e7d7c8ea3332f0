//! Names for what went wrong in a TLS handshake or certificate check.

use std::fmt;

/// Why a certificate or handshake was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsErrorKind {
    /// Not signed by a trusted authority (self-signed, private or unknown CA).
    UnknownIssuer,
    /// `not_after` is in the past.
    Expired,
    /// `not_before` is in the future.
    NotYetValid,
    /// The certificate does not cover the name (or IP) that was required.
    /// `presented` lists what it does cover, when the verifier reports it.
    NameMismatch {
        presented: Vec<String>,
    },
    /// A signature in the chain is invalid.
    BadSignature,
    Revoked,
    /// Not a server certificate (extended key usage).
    InvalidPurpose,
    /// The certificate could not be parsed.
    BadEncoding,
    /// The server sent a TLS alert (e.g. `unrecognized_name`, `handshake_failure`).
    AlertReceived(String),
    /// Anything else (protocol violations, unsupported parameters, ...).
    Other,
}

/// A short operator-facing phrase.
impl fmt::Display for TlsErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsErrorKind::UnknownIssuer => f.write_str(
                "certificate not signed by a trusted authority (unknown CA or self-signed)",
            ),
            TlsErrorKind::Expired => f.write_str("certificate has expired"),
            TlsErrorKind::NotYetValid => f.write_str("certificate is not valid yet"),
            TlsErrorKind::NameMismatch { presented } if presented.is_empty() => {
                f.write_str("certificate is not valid for the required name")
            }
            TlsErrorKind::NameMismatch { presented } => write!(
                f,
                "certificate is not valid for the required name (it covers {})",
                presented.join(", ")
            ),
            TlsErrorKind::BadSignature => f.write_str("certificate signature is invalid"),
            TlsErrorKind::Revoked => f.write_str("certificate has been revoked"),
            TlsErrorKind::InvalidPurpose => f.write_str("certificate is not for TLS servers"),
            TlsErrorKind::BadEncoding => f.write_str("certificate cannot be parsed"),
            TlsErrorKind::AlertReceived(alert) => {
                write!(f, "server refused the handshake ({alert})")
            }
            TlsErrorKind::Other => f.write_str("TLS handshake failed"),
        }
    }
}
