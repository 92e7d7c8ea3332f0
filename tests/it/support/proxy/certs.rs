//! A test certificate authority and leaf certificates made with rcgen,
//! written in the layouts the generated configurations expect.

use std::path::Path;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

pub struct TestCa {
    pub cert_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
}

impl TestCa {
    pub fn new() -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "matrix-delegate test CA");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("CA key");
        let cert = params.self_signed(&key).expect("CA certificate");
        TestCa {
            cert_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A certificate for one DNS name, signed by this CA.
    pub fn leaf(&self, name: &str) -> Leaf {
        let mut params = CertificateParams::new(vec![name.to_string()]).expect("leaf params");
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().expect("leaf key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("leaf certificate");
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    pub fn reqwest_root(&self) -> reqwest::Certificate {
        reqwest::Certificate::from_pem(self.cert_pem.as_bytes()).expect("CA PEM")
    }
}

/// Writes `<dir>/live/<name>/{fullchain,privkey}.pem` (certbot's layout, which
/// the nginx and Apache templates use), `<dir>/haproxy-certs/<name>.pem`
/// (certificate then key, HAProxy's layout) and `<dir>/caddy-certs/<name>.pem`.
pub fn write_all(ca: &TestCa, dir: &Path, names: &[String]) {
    for name in names {
        let leaf = ca.leaf(name);
        let live = dir.join("live").join(name);
        std::fs::create_dir_all(&live).expect("create live dir");
        std::fs::write(live.join("fullchain.pem"), &leaf.cert_pem).expect("write cert");
        std::fs::write(live.join("privkey.pem"), &leaf.key_pem).expect("write key");
        let bundle = format!("{}{}", leaf.cert_pem, leaf.key_pem);
        for sub in ["haproxy-certs", "caddy-certs"] {
            let d = dir.join(sub);
            std::fs::create_dir_all(&d).expect("create cert dir");
            std::fs::write(d.join(format!("{name}.pem")), &bundle).expect("write bundle");
        }
    }
}
