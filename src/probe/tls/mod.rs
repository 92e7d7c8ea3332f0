//! TLS inspection: a handshake of its own (tokio-rustls) that records the
//! certificate chain even when it is invalid. The verifier runs the real
//! WebPKI verification with the configured roots for the name that must be
//! covered, writes the verdict down, and lets the handshake finish so the
//! certificate can be read; the server's handshake signature is still
//! checked for real. Every inspection becomes a [`TlsObservation`].

pub(crate) mod cert;
pub(crate) mod error;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use self::cert::{now_unix, read_certificate};
use self::error::{find_io_kind, find_rustls_error, tls_error_kind};
use super::net::Net;
use super::trust::{provider, server_name_for};
use crate::observe::{
    CertInfo, LocalProblem, TlsErrorKind, TlsFailure, TlsFailureKind, TlsHandshake, TlsObservation,
};

/// Where to shake hands and what the certificate must cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsTarget {
    /// Logical address (the dial map applies).
    pub address: SocketAddr,
    /// The SNI to send; `None` sends none (IP literals, Matrix spec step 1/3.1).
    pub sni: Option<String>,
    /// The DNS name or IP address the certificate must be valid for.
    pub required_name: String,
}

#[derive(Debug, Default)]
struct Seen {
    chain: Vec<CertificateDer<'static>>,
    verdict: Option<Result<(), rustls::Error>>,
}

#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    required: ServerName<'static>,
    seen: Mutex<Seen>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self
            .inner
            .verify_server_cert(
                end_entity,
                intermediates,
                &self.required,
                ocsp_response,
                now,
            )
            .map(|_| ());
        if let Ok(mut seen) = self.seen.lock() {
            seen.chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
            seen.verdict = Some(verdict);
        }
        // Record, never refuse: the point is to read the certificate.
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

impl Net {
    /// A TLS handshake of its own that records the certificate chain.
    pub async fn inspect_tls(&self, target: TlsTarget) -> TlsObservation {
        inspect(self, target).await
    }
}

async fn inspect(net: &Net, target: TlsTarget) -> TlsObservation {
    // No socket to an address the rule on private addresses refuses.
    if net.permitted(&[target.address]).0.is_empty() {
        let failure = TlsFailure::new(
            TlsFailureKind::RefusedAddress,
            format!("{} was not connected to", target.address),
        );
        return TlsObservation::failed(failure, std::time::Duration::ZERO);
    }
    // The handshake's clock starts once a connection slot is granted.
    let _slot = net.connection_slot(Some(target.address)).await;
    let started = Instant::now();
    match handshake(net, &target).await {
        Ok((done, verification, covers)) => {
            TlsObservation::completed(done, verification, covers, started.elapsed())
        }
        Err(failure) => TlsObservation::failed(failure, started.elapsed()),
    }
}

/// A completed handshake, WebPKI's verdict for the required name, and
/// whether the leaf covers that name; or why no handshake completed.
type Handshaken = (TlsHandshake, Result<(), TlsErrorKind>, bool);

async fn handshake(net: &Net, target: &TlsTarget) -> Result<Handshaken, TlsFailure> {
    let timeout = net.options().timeout;
    let required = server_name_for(&target.required_name)
        .map_err(|d| TlsFailure::new(TlsFailureKind::InvalidName, d))?;
    let (connect_name, send_sni) = match &target.sni {
        Some(sni) => (
            server_name_for(sni).map_err(|d| TlsFailure::new(TlsFailureKind::InvalidName, d))?,
            true,
        ),
        None => (required.clone(), false),
    };
    let verifier = Arc::new(RecordingVerifier {
        inner: net.webpki(),
        required,
        seen: Mutex::new(Seen::default()),
    });
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| {
            TlsFailure::new(
                TlsFailureKind::Handshake(TlsErrorKind::Other),
                e.to_string(),
            )
        })?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    config.enable_sni = send_sni;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];

    let real = net.options().dial(target.address);
    let tcp = match tokio::time::timeout(timeout, TcpStream::connect(real)).await {
        Err(_) => {
            let detail = format!("no TCP connection within {} ms", timeout.as_millis());
            return Err(TlsFailure::new(TlsFailureKind::ConnectTimeout, detail));
        }
        Ok(Err(e)) => {
            let kind = match (LocalProblem::of_io(&e), e.kind()) {
                (Some(problem), _) => TlsFailureKind::Local(problem),
                (None, std::io::ErrorKind::ConnectionRefused) => TlsFailureKind::Refused,
                (None, std::io::ErrorKind::TimedOut) => TlsFailureKind::ConnectTimeout,
                (None, _) => TlsFailureKind::Connect,
            };
            return Err(TlsFailure::new(kind, e.to_string()));
        }
        Ok(Ok(s)) => s,
    };
    let _ = tcp.set_nodelay(true);
    let connector = TlsConnector::from(Arc::new(config));
    let chain_seen = |v: &RecordingVerifier| -> Vec<CertInfo> {
        let now = now_unix();
        v.seen
            .lock()
            .map(|s| {
                s.chain
                    .iter()
                    .filter_map(|c| read_certificate(c, now).ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    let stream = match tokio::time::timeout(timeout, connector.connect(connect_name, tcp)).await {
        Err(_) => {
            let detail = format!(
                "TCP connected, but no TLS handshake within {} ms",
                timeout.as_millis()
            );
            let mut f = TlsFailure::new(TlsFailureKind::HandshakeTimeout, detail);
            f.chain = chain_seen(&verifier);
            return Err(f);
        }
        Ok(Err(e)) => {
            let kind = match find_rustls_error(&e) {
                Some(tls) => TlsFailureKind::Handshake(tls_error_kind(tls)),
                None => match find_io_kind(&e) {
                    Some(std::io::ErrorKind::ConnectionReset)
                    | Some(std::io::ErrorKind::UnexpectedEof) => {
                        TlsFailureKind::Handshake(TlsErrorKind::Other)
                    }
                    _ => TlsFailureKind::Connect,
                },
            };
            let mut f = TlsFailure::new(kind, e.to_string());
            f.chain = chain_seen(&verifier);
            return Err(f);
        }
        Ok(Ok(s)) => s,
    };
    let (_, conn) = stream.get_ref();
    let protocol = conn
        .protocol_version()
        .map(|v| format!("{v:?}"))
        .unwrap_or_default();
    let cipher_suite = conn
        .negotiated_cipher_suite()
        .map(|s| format!("{:?}", s.suite()))
        .unwrap_or_default();
    let alpn = conn
        .alpn_protocol()
        .map(|p| String::from_utf8_lossy(p).into_owned());
    drop(stream);

    let chain = chain_seen(&verifier);
    let verdict = verifier
        .seen
        .lock()
        .ok()
        .and_then(|s| s.verdict.clone())
        .unwrap_or_else(|| Err(rustls::Error::General("no certificate was verified".into())));
    let covers_required_name = chain
        .first()
        .is_some_and(|leaf| leaf.covers(&target.required_name));
    let done = TlsHandshake {
        protocol,
        cipher_suite,
        alpn,
        verify_detail: verdict.as_ref().err().map(|e| e.to_string()),
        chain,
    };
    let verification = verdict.map_err(|e| tls_error_kind(&e));
    Ok((done, verification, covers_required_name))
}
