//! What went wrong in a TLS handshake, named from the rustls error itself
//! (never from message text).

use rustls::{AlertDescription, CertificateError};

use crate::observe::TlsErrorKind;

/// The kind of a rustls error.
pub(crate) fn tls_error_kind(err: &rustls::Error) -> TlsErrorKind {
    match err {
        rustls::Error::InvalidCertificate(cert) => from_cert_error(cert),
        rustls::Error::AlertReceived(alert) => TlsErrorKind::AlertReceived(alert_name(*alert)),
        _ => TlsErrorKind::Other,
    }
}

fn from_cert_error(err: &CertificateError) -> TlsErrorKind {
    match err {
        CertificateError::UnknownIssuer => TlsErrorKind::UnknownIssuer,
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            TlsErrorKind::Expired
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            TlsErrorKind::NotYetValid
        }
        CertificateError::NotValidForName => TlsErrorKind::NameMismatch {
            presented: Vec::new(),
        },
        CertificateError::NotValidForNameContext { presented, .. } => TlsErrorKind::NameMismatch {
            presented: presented.iter().map(|p| plain_name(p)).collect(),
        },
        CertificateError::BadSignature => TlsErrorKind::BadSignature,
        CertificateError::Revoked => TlsErrorKind::Revoked,
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            TlsErrorKind::InvalidPurpose
        }
        CertificateError::BadEncoding => TlsErrorKind::BadEncoding,
        _ => TlsErrorKind::Other,
    }
}

/// rustls reports presented names in Debug form (`DnsName("a.example.com")`,
/// `IpAddress(192.0.2.1)`); keep just the name.
fn plain_name(presented: &str) -> String {
    let inner = presented
        .strip_prefix("DnsName(")
        .or_else(|| presented.strip_prefix("IpAddress("))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or(presented);
    inner.trim_matches('"').to_string()
}

fn alert_name(alert: AlertDescription) -> String {
    // Debug gives the RFC 8446 names in CamelCase (`UnrecognisedName`).
    format!("{alert:?}")
}

/// Walks an error's source chain to the rustls error inside, if any. reqwest
/// and tokio-rustls wrap it in `io::Error`, whose payload is reached through
/// `get_ref()`, not `source()`.
pub(crate) fn find_rustls_error<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    for _ in 0..32 {
        let e = current?;
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        current = match e.downcast_ref::<std::io::Error>() {
            // io::Error::source() skips its payload; get_ref() returns it.
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

/// The most specific `io::Error` kind in an error's source chain (an
/// `io::Error` that only wraps another error counts as a fallback).
pub(crate) fn find_io_kind(err: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut fallback = None;
    for _ in 0..32 {
        let Some(e) = current else { break };
        current = match e.downcast_ref::<std::io::Error>() {
            Some(io) => match io.get_ref() {
                None => return Some(io.kind()),
                Some(inner) => {
                    fallback.get_or_insert(io.kind());
                    Some(inner as &(dyn std::error::Error + 'static))
                }
            },
            None => e.source(),
        };
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presented_names_lose_their_debug_wrapping() {
        assert_eq!(plain_name("DnsName(\"a.example.com\")"), "a.example.com");
        assert_eq!(plain_name("IpAddress(192.0.2.1)"), "192.0.2.1");
        assert_eq!(plain_name("something else"), "something else");
    }

    #[test]
    fn rustls_errors_are_found_inside_io_errors() {
        let tls = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        let found = find_rustls_error(&io).map(tls_error_kind);
        assert_eq!(found, Some(TlsErrorKind::UnknownIssuer));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(
            find_io_kind(&refused),
            Some(std::io::ErrorKind::ConnectionRefused)
        );
        assert_eq!(find_rustls_error(&refused), None);
    }
}
