//! Every verdict from one complete set of observations, in one call: what a
//! non-streaming caller (or a test) uses, and a map of how the pieces fit.
//! A streaming runner calls the same verdict functions one by one as its
//! observations arrive and sends each result as a [`super::model::CheckEvent`].

use super::expect::Expectations;
use super::model::CheckResult;
use super::verdict::client::{ClientObservations, client_versions, client_well_known};
use super::verdict::federation::{AddressProbe, federation_checks};
use super::verdict::peers::{PeersObserved, server_peers};
use super::verdict::{cache, cors, dns, resolution, server_well_known, support};
use crate::matrix::client_discovery::ClientWellKnown;
use crate::matrix::discovery::Resolution;
use crate::matrix::peers::PrivateAddresses;
use crate::observe::{AddressLookup, AuthorityGap, HttpObservation, SrvLookup};

/// Everything the runner observed for one server name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observations {
    /// The finished server discovery ([`crate::matrix::discovery::Discovery`]).
    pub resolution: Resolution,
    /// A/AAAA of the server name itself (`None` for IP literals).
    pub name_lookup: Option<AddressLookup>,
    /// The same lookups asked of the authoritative servers, when done.
    pub authoritative: Vec<AddressLookup>,
    /// SRV lookups beyond the discovery path ([`Expectations::extra_srv_names`]).
    pub extra_srv: Vec<SrvLookup>,
    /// SRV lookups asked of the authoritative servers, when done.
    pub authoritative_srv: Vec<SrvLookup>,
    /// Names whose authoritative servers could not be asked, and why.
    pub authority_gaps: Vec<AuthorityGap>,
    /// One probe per address of [`Resolution::endpoints`].
    pub probes: Vec<AddressProbe>,
    /// Each modelled implementation's path and the probes of its endpoints.
    pub peers: PeersObserved,
    pub client: ClientObservations,
    /// `GET https://<hostname>/.well-known/matrix/support`.
    pub support: HttpObservation,
    /// The current time, Unix milliseconds.
    pub now_ms: i64,
    /// Whether addresses peers refuse fail the checks
    /// ([`crate::check::verdict::refused`]).
    pub private_addresses: PrivateAddresses,
}

/// Every check result, in report order.
pub fn evaluate(obs: &Observations, ex: &Expectations) -> Vec<CheckResult> {
    let res = &obs.resolution;
    let name = &res.server_name;
    let site = name.host_str();
    let auth_name = obs.name_lookup.as_ref().and_then(|l| {
        obs.authoritative
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(&l.name))
    });
    let gaps = |r: CheckResult| {
        let names = dns::authority_names(r.id, res, &obs.extra_srv);
        dns::note_authority_gaps(r, &names, &obs.authority_gaps)
    };
    let mut out = vec![
        gaps(dns::server_name(
            name,
            obs.name_lookup.as_ref(),
            auth_name,
            ex,
            obs.private_addresses,
        )),
        gaps(dns::delegated_host(
            res,
            &obs.authoritative,
            obs.private_addresses,
        )),
        gaps(dns::srv_records(
            res,
            &obs.extra_srv,
            &obs.authoritative_srv,
            ex,
        )),
        server_well_known::server_well_known(res, ex),
        resolution::server_resolution(res, ex, obs.private_addresses),
    ];
    out.extend(federation_checks(res, &obs.probes, obs.now_ms, ex));
    out.push(server_peers(&obs.peers, name, obs.now_ms));
    let wk = ClientWellKnown::read(obs.client.well_known.clone());
    let conclusion = wk.conclude(obs.client.versions.as_ref(), obs.client.identity.as_ref());
    out.push(client_well_known(
        name,
        &wk,
        &conclusion,
        obs.client.versions.as_ref(),
        ex,
    ));
    out.push(cors::client_cors(&obs.client, ex, &site));
    out.push(client_versions(&wk, obs.client.versions.as_ref(), ex));
    out.push(support::support_well_known(&obs.support, ex));
    out.push(cache::cache_well_known(
        res.well_known.as_ref().map(|w| &w.observation),
        Some(&obs.client.well_known),
        obs.now_ms.div_euclid(1000),
        ex,
        &site,
    ));
    out
}
