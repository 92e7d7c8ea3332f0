//! How each peer fetches `/.well-known/matrix/server`: how many redirects
//! it follows, whether it follows one from https to plain http, and how
//! much body it reads. The runner fetches with the policy the need carries.

use crate::observe::{BodyEnd, HttpObservation};

/// The fetch a peer makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FetchPolicy {
    /// Redirects followed at most; one more is a failure.
    pub max_redirects: usize,
    /// A redirect from `https://` to `http://` is followed.
    pub follows_https_to_http: bool,
    /// Bytes of body read at most; more is a failure.
    pub body_cap: usize,
}

impl FetchPolicy {
    /// What `check` itself does (`probe::fetch`): 10 redirects, never to
    /// plain http, 50 KiB.
    pub const CHECK: FetchPolicy = FetchPolicy {
        max_redirects: 10,
        follows_https_to_http: false,
        body_cap: 50 * 1024,
    };

    /// Synapse wraps its well-known agent in Twisted's `RedirectAgent`,
    /// whose `redirectLimit` defaults to 20 and which follows any
    /// `Location` scheme; `WELL_KNOWN_MAX_SIZE` is 50 KiB
    /// (`well_known_resolver.py`).
    pub const SYNAPSE: FetchPolicy = FetchPolicy {
        max_redirects: 20,
        follows_https_to_http: true,
        body_cap: 50 * 1024,
    };

    /// Continuwuity's well-known client is built with
    /// `redirect::Policy::limited(4)` (`service/client/mod.rs`); reqwest
    /// follows https→http (it only drops the Referer); resolvematrix reads
    /// at most `MAX_WELL_KNOWN_SIZE` = 256 KiB (`server.rs`).
    pub const CONTINUWUITY: FetchPolicy = FetchPolicy {
        max_redirects: 4,
        follows_https_to_http: true,
        body_cap: 256 * 1024,
    };

    /// The older resolver: the same `limited(4)` reqwest client, and
    /// `limit_read_text(8192)` (`resolver/well_known.rs` of Continuwuity
    /// 0.5.11; tuwunel 1.9.0 reads 12288).
    pub const CONDUWUIT: FetchPolicy = FetchPolicy {
        max_redirects: 4,
        follows_https_to_http: true,
        body_cap: 8192,
    };

    /// Whether a fetch made with `fetched_with` gives exactly what a fetch
    /// with this policy would have given, so the runner need not fetch
    /// again: neither policy stopped at a redirect or at the body cap.
    pub fn answered_by(&self, obs: &HttpObservation, fetched_with: &FetchPolicy) -> bool {
        if obs.error.as_ref().is_some_and(|e| e.is_redirect_failure()) {
            return false;
        }
        let hops = obs.hops.len();
        if hops > self.max_redirects.min(fetched_with.max_redirects) {
            return false;
        }
        let downgraded = obs
            .hops
            .iter()
            .map(|h| h.url.as_str())
            .chain(std::iter::once(obs.final_url.as_str()))
            .any(|u| u.starts_with("http://"));
        if downgraded && !(self.follows_https_to_http && fetched_with.follows_https_to_http) {
            return false;
        }
        let cap = self.body_cap.min(fetched_with.body_cap);
        obs.body_end != BodyEnd::OverCap && obs.body.len() <= cap
    }
}
