//! Throwaway certificate authorities made with rcgen at start: the trusted
//! one (its PEM goes into `NetOptions::extra_roots_pem` with `ca_only`) and
//! an unrelated one for "unknown CA" certificates.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;
use time::{Duration, OffsetDateTime};

use super::SimError;
use super::scenario::{CertKind, CertSpec};

/// One CA: its certificate and what signs with it.
struct Authority {
    cert_der: CertificateDer<'static>,
    cert_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Authority {
    fn new(common_name: &str) -> Result<Authority, SimError> {
        let key = KeyPair::generate().map_err(pki_err)?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(pki_err)?;
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.distinguished_name.push(
            DnType::OrganizationName,
            "matrix-delegate simulated internet",
        );
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(3650);
        let cert = params.self_signed(&key).map_err(pki_err)?;
        Ok(Authority {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        })
    }
}

fn pki_err(e: impl std::fmt::Display) -> SimError {
    SimError::Pki(e.to_string())
}

/// The simulation's PKI.
pub(crate) struct Pki {
    trusted: Authority,
    rogue: Authority,
}

impl Pki {
    pub(crate) fn new() -> Result<Pki, SimError> {
        Ok(Pki {
            trusted: Authority::new("Simulated Trusted Root CA")?,
            rogue: Authority::new("Simulated Unknown CA")?,
        })
    }

    /// The trusted root, PEM.
    pub(crate) fn trusted_pem(&self) -> &str {
        &self.trusted.cert_pem
    }

    /// A leaf certificate and key as the spec asks, ready for rustls. The
    /// chain sent is the leaf and its issuer, as most real servers send.
    pub(crate) fn issue(&self, spec: &CertSpec) -> Result<Arc<CertifiedKey>, SimError> {
        let key = KeyPair::generate().map_err(pki_err)?;
        let mut params = CertificateParams::new(spec.names.clone()).map_err(pki_err)?;
        params
            .distinguished_name
            .push(DnType::CommonName, spec.names[0].as_str());
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let now = OffsetDateTime::now_utc();
        let days_left = spec.days_left.unwrap_or(60);
        let (from, until) = match spec.kind {
            CertKind::Expired => (now - Duration::days(90), now - Duration::days(2)),
            CertKind::NotYetValid => (now + Duration::days(10), now + Duration::days(100)),
            _ => (now - Duration::days(1), now + Duration::days(days_left)),
        };
        params.not_before = from;
        params.not_after = until;
        let (leaf, issuer_der) = match spec.kind {
            CertKind::SelfSigned => (params.self_signed(&key).map_err(pki_err)?, None),
            CertKind::UnknownCa => (
                params
                    .signed_by(&key, &self.rogue.issuer)
                    .map_err(pki_err)?,
                Some(self.rogue.cert_der.clone()),
            ),
            _ => (
                params
                    .signed_by(&key, &self.trusted.issuer)
                    .map_err(pki_err)?,
                Some(self.trusted.cert_der.clone()),
            ),
        };
        let mut chain = vec![leaf.der().clone()];
        chain.extend(issuer_der);
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let signer = rustls::crypto::ring::sign::any_supported_type(&key_der).map_err(pki_err)?;
        Ok(Arc::new(CertifiedKey::new(chain, signer)))
    }
}
