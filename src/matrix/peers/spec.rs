//! The spec's path: the existing discovery machine, answered from the same
//! observations as the other peers, summarised as a [`PeerPath`].

use super::answers::{Answers, Context, PeerNeed, peer_need};
use super::fetch::{self, FetchPolicy};
use super::path::{PeerFailure, PeerPath, PeerTarget};
use super::peer::Peer;
use super::retention::{self, FileOutcome, Retention};
use crate::domain::ServerName;
use crate::matrix::discovery::{Discovery, Input, Need, Progress};
use crate::matrix::well_known_server::WellKnownOutcome;

/// The spec's path to `name`.
pub(super) fn resolve(
    name: &ServerName,
    answers: &Answers,
    ctx: Context,
) -> Result<PeerPath, PeerNeed> {
    let mut discovery = Discovery::new(name.clone());
    let resolution = loop {
        let need = match discovery.progress() {
            Progress::Resolved(r) => break *r,
            Progress::Need(n) => n,
        };
        let input = match &need {
            Need::WellKnown { url } => Input::WellKnown(Box::new(
                answers.well_known(url, FetchPolicy::CHECK)?.clone(),
            )),
            Need::Srv { name } => Input::Srv(answers.srv(name, false)?.clone()),
            Need::LegacySrv { name } => Input::LegacySrv(answers.srv(name, true)?.clone()),
            Need::Addresses { hosts } => {
                Input::Addresses(answers.addresses(hosts)?.into_iter().cloned().collect())
            }
        };
        // Each input is built for its own need, so the machine takes it.
        if discovery.feed(input).is_err() {
            return Err(peer_need(&need));
        }
    };
    let retention = match &resolution.well_known {
        None => Retention::NOTHING,
        Some(wk) => match &wk.outcome {
            WellKnownOutcome::Valid { .. } => {
                retention::spec(FileOutcome::Valid(&wk.observation.headers), ctx.now_unix)
            }
            WellKnownOutcome::Invalid(_) => {
                retention::spec(FileOutcome::Failed { temporary: false }, ctx.now_unix)
            }
        },
    };
    let failure = resolution
        .no_service
        .as_ref()
        .map(|owner| PeerFailure::NoService {
            owner: owner.clone(),
        });
    let targets = resolution
        .targets
        .iter()
        .map(|t| PeerTarget {
            connect_host: t.connect_host.clone(),
            port: t.port,
            host_header: t.host_header.clone(),
            sni: t.sni.clone(),
            cert_name: t.cert_name.clone(),
            addresses: t.addresses.clone(),
            refused: Vec::new(),
            lookup_failure: t.lookup_failure.clone(),
        })
        .collect();
    Ok(PeerPath {
        peer: Peer::Spec,
        step: Some(resolution.step),
        targets,
        failure,
        retention,
        trail: resolution.trail.clone(),
        redirects: resolution
            .well_known
            .as_ref()
            .map(|wk| fetch::redirects(&wk.observation))
            .unwrap_or_default(),
    }
    .settle())
}
