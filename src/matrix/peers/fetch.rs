//! How each peer fetches `/.well-known/matrix/server`: how many redirects
//! it follows, whether it follows one from https to plain http, and how
//! much body it reads. The runner fetches once as the most permissive peer
//! does ([`FetchPolicy::WIDEST`]: the whole redirect chain, plain-http hops
//! included, recorded hop by hop) and each peer decides from that record
//! with its own limit and scheme rule ([`FetchPolicy::view`]).

use super::path::Redirect;
use crate::observe::{BodyEnd, FetchFailure, HttpObservation, RedirectProblem};

/// The redirects of a fetch as a peer made it ([`FetchPolicy::view`]):
/// each hop's target, followed unless the fetch ended on that redirect
/// (past the limit, to a scheme not followed, a loop, a bad `Location`).
pub fn redirects(obs: &HttpObservation) -> Vec<Redirect> {
    let ended_on_redirect = obs
        .error
        .as_ref()
        .is_some_and(FetchFailure::is_redirect_failure);
    let n = obs.hops.len();
    (0..n)
        .filter_map(|i| {
            let last = i + 1 == n;
            let to = match obs.hops.get(i + 1) {
                Some(next) => next.url.clone(),
                None => match obs.hops[i].location() {
                    // The final request's URL, or (ended here) where the
                    // Location pointed, resolved as the fetcher did.
                    _ if obs.final_url != obs.hops[i].url => obs.final_url.clone(),
                    Some(loc) => url::Url::parse(&obs.hops[i].url)
                        .and_then(|base| base.join(loc))
                        .map_or_else(|_| loc.to_string(), |u| u.to_string()),
                    None => return None,
                },
            };
            Some(Redirect {
                to,
                followed: !(last && ended_on_redirect),
            })
        })
        .collect()
}

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

    /// The widest of the peers' fetches: Synapse's 20 redirects (Twisted's
    /// `RedirectAgent`), a redirect to plain http followed (Synapse and
    /// reqwest both do), resolvematrix's 256 KiB. A fetch made with it
    /// records enough for [`FetchPolicy::view`] to give every peer's answer.
    pub const WIDEST: FetchPolicy = FetchPolicy {
        max_redirects: 20,
        follows_https_to_http: true,
        body_cap: 256 * 1024,
    };

    /// What a fetch with this policy would have observed, from `wide`, a
    /// fetch of the same URL made with a policy at least as wide (more
    /// redirects, plain http followed if this one follows it, a larger
    /// body cap). The hops are walked as the fetcher walks them: past this
    /// policy's limit the fetch ends in "more than N redirects" at the hop
    /// that redirected once too often; a redirect to `http://` that this
    /// policy does not follow ends it there as an unusable redirect (the
    /// URL recorded); otherwise `wide`'s own ending stands, its body cut
    /// at this policy's cap.
    pub fn view(&self, wide: &HttpObservation) -> HttpObservation {
        // The URL each hop redirected to: the next hop's, or the final one.
        let next_url = |i: usize| -> &str {
            wide.hops
                .get(i + 1)
                .map_or(wide.final_url.as_str(), |h| h.url.as_str())
        };
        for i in 0..wide.hops.len() {
            let here = wide.hops[i].url.clone();
            if i + 1 > self.max_redirects {
                return cut(
                    wide,
                    i + 1,
                    FetchFailure::TooManyRedirects(self.max_redirects),
                    &here,
                );
            }
            // The last hop's redirect may have failed before anything was
            // fetched (a bad Location, a loop): `final_url` is then the
            // URL of the hop itself, not a redirect target.
            let is_last = i + 1 == wide.hops.len();
            if is_last
                && wide
                    .error
                    .as_ref()
                    .is_some_and(FetchFailure::is_redirect_failure)
                && wide.final_url == here
            {
                break;
            }
            let next = next_url(i);
            if !self.follows_https_to_http && next.starts_with("http://") {
                let failure = FetchFailure::BadRedirect(RedirectProblem::NotHttps {
                    url: next.to_string(),
                    scheme: "http".into(),
                });
                return cut(wide, i + 1, failure, next);
            }
        }
        let mut obs = wide.clone();
        if obs.body.len() > self.body_cap {
            obs.body.truncate(self.body_cap);
            obs.body_end = BodyEnd::OverCap;
        }
        obs
    }

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

/// `wide` ended after its first `hops` hops with `failure` at `url`:
/// nothing of the final response.
fn cut(wide: &HttpObservation, hops: usize, failure: FetchFailure, url: &str) -> HttpObservation {
    HttpObservation {
        hops: wide.hops[..hops].to_vec(),
        final_url: url.to_string(),
        status: None,
        headers: Vec::new(),
        exchange: None,
        body: Vec::new(),
        body_end: BodyEnd::Complete,
        error: Some(failure),
        ..wide.clone()
    }
}
