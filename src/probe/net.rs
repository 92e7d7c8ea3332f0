//! [`Net`]: the network layer's context — options, resolver and trusted
//! roots set up once, shared by every lookup, fetch and TLS inspection of a
//! run. Cheap to clone; clones share everything. Its requests are methods
//! defined where they are made: [`Net::fetch`] in `fetch`, [`Net::inspect_tls`]
//! in `tls`.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;

use super::dns::Dns;
use super::options::NetOptions;
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
}
