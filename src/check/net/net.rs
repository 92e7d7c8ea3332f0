//! [`Net`]: the network layer's context — options, resolver and trusted
//! roots set up once, shared by every lookup, fetch and TLS inspection of a
//! run. Cheap to clone; clones share everything.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;

use super::dns::Dns;
use super::fetch_types::{FetchObservation, FetchRequest};
use super::options::NetOptions;
use super::tls_inspect::{TlsObservation, TlsTarget};
use super::trust::{SetupError, Trust};

#[derive(Clone, Debug)]
pub struct Net {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    options: NetOptions,
    dns: Dns,
    trust: Trust,
    webpki: Arc<WebPkiServerVerifier>,
}

impl Net {
    /// Reads the trusted roots and sets up the resolver. Fails only on
    /// configuration problems (unreadable `--ca-file`, no roots at all,
    /// unreadable system resolver configuration).
    pub fn new(options: NetOptions) -> Result<Net, SetupError> {
        let trust = Trust::load(&options)?;
        let webpki = trust.webpki().map_err(|e| SetupError::ExtraRoot {
            message: e.to_string(),
        })?;
        let dns = Dns::new(&options)?;
        Ok(Net {
            inner: Arc::new(Inner {
                options,
                dns,
                trust,
                webpki,
            }),
        })
    }

    pub fn options(&self) -> &NetOptions {
        &self.inner.options
    }

    pub fn dns(&self) -> &Dns {
        &self.inner.dns
    }

    pub fn trust(&self) -> &Trust {
        &self.inner.trust
    }

    pub(crate) fn webpki(&self) -> Arc<WebPkiServerVerifier> {
        self.inner.webpki.clone()
    }

    /// One HTTPS fetch, redirects followed hop by hop when asked.
    pub async fn fetch(&self, request: FetchRequest) -> FetchObservation {
        super::fetch::fetch(self, request).await
    }

    /// A TLS handshake of its own that records the certificate chain.
    pub async fn inspect_tls(&self, target: TlsTarget) -> TlsObservation {
        super::tls_inspect::inspect(self, target).await
    }
}
