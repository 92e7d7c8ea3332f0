//! Which certificate authorities the checks trust, and the rustls pieces
//! built from them: one root store per [`super::Net`], shared by the HTTPS
//! fetcher and the TLS inspector so both reach the same verdict.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Once};

use rustls::RootCertStore;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use super::options::NetOptions;

static INSTALL: Once = Once::new();

/// Installs ring as the process-wide rustls provider (reqwest is built with
/// `rustls-no-provider`). Safe to call any number of times.
pub fn install_crypto_provider() {
    INSTALL.call_once(|| {
        // An error only means another provider is installed already: fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Setting up the network layer failed (before any request was made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupError {
    /// A `--ca-file` could not be read or holds no certificate.
    CaFile { path: String, message: String },
    /// An extra root given as PEM text is unusable.
    ExtraRoot { message: String },
    /// No root at all to trust (e.g. `--ca-only` without `--ca-file`).
    NoRoots,
    /// The system resolver configuration could not be read.
    Resolver { message: String },
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::CaFile { path, message } => write!(f, "--ca-file {path}: {message}"),
            SetupError::ExtraRoot { message } => write!(f, "extra trusted root: {message}"),
            SetupError::NoRoots => f.write_str(
                "no trusted certificate authority: --ca-only needs at least one --ca-file",
            ),
            SetupError::Resolver { message } => {
                write!(f, "cannot set up DNS resolution: {message}")
            }
        }
    }
}

impl std::error::Error for SetupError {}

/// The trusted roots and how many came from where.
#[derive(Debug, Clone)]
pub struct Trust {
    pub(crate) roots: Arc<RootCertStore>,
    pub system_roots: usize,
    pub extra_roots: usize,
}

impl Trust {
    pub fn load(opts: &NetOptions) -> Result<Trust, SetupError> {
        install_crypto_provider();
        let mut store = RootCertStore::empty();
        let mut system_roots = 0;
        if !opts.ca_only {
            // Unreadable individual system certificates are skipped, as
            // every TLS client does.
            let found = rustls_native_certs::load_native_certs();
            let (added, _ignored) = store.add_parsable_certificates(found.certs);
            system_roots = added;
        }
        let mut extra_roots = 0;
        for path in &opts.ca_files {
            extra_roots += add_pem_file(&mut store, path)?;
        }
        for pem in &opts.extra_roots_pem {
            extra_roots += add_pem(&mut store, pem.as_bytes())
                .map_err(|message| SetupError::ExtraRoot { message })?;
        }
        if store.is_empty() {
            return Err(SetupError::NoRoots);
        }
        Ok(Trust {
            roots: Arc::new(store),
            system_roots,
            extra_roots,
        })
    }

    /// The real WebPKI verifier over these roots.
    pub(crate) fn webpki(&self) -> Result<Arc<WebPkiServerVerifier>, rustls::Error> {
        WebPkiServerVerifier::builder_with_provider(self.roots.clone(), provider())
            .build()
            .map_err(|e| rustls::Error::General(e.to_string()))
    }
}

fn add_pem_file(store: &mut RootCertStore, path: &Path) -> Result<usize, SetupError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| SetupError::CaFile {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    add_pem(store, &bytes).map_err(|message| SetupError::CaFile {
        path: shown,
        message,
    })
}

fn add_pem(store: &mut RootCertStore, pem: &[u8]) -> Result<usize, String> {
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| format!("not a PEM certificate file ({e})"))?;
        store
            .add(cert)
            .map_err(|e| format!("a certificate in it is unusable ({e})"))?;
        added += 1;
    }
    if added == 0 {
        return Err("no `BEGIN CERTIFICATE` block found".to_string());
    }
    Ok(added)
}

/// Runs the real WebPKI verification, but always for `name` — whatever
/// name rustls was given to reach the server. The fetcher needs it for IP
/// literals (connected under a placeholder host so the dial map applies,
/// yet verified for the IP, RFC 6125 / Matrix spec step 1 and 3.1).
#[derive(Debug)]
pub(crate) struct PinnedNameVerifier {
    inner: Arc<WebPkiServerVerifier>,
    name: ServerName<'static>,
}

impl PinnedNameVerifier {
    pub(crate) fn new(inner: Arc<WebPkiServerVerifier>, name: ServerName<'static>) -> Self {
        PinnedNameVerifier { inner, name }
    }
}

impl ServerCertVerifier for PinnedNameVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner
            .verify_server_cert(end_entity, intermediates, &self.name, ocsp_response, now)
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

/// The rustls name for a host: an IP address for IP literals (no SNI is
/// sent for those, RFC 6066 section 3), else a DNS name.
pub(crate) fn server_name_for(host: &str) -> Result<ServerName<'static>, String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return Ok(ServerName::IpAddress(ip.into()));
    }
    ServerName::try_from(host.trim_end_matches('.').to_string())
        .map_err(|_| format!("`{host}` is not a valid TLS server name"))
}
