//! Redirects and body caps of each peer's well-known fetch, and which
//! fetches the runner may share between peers.

use crate::support::check::hop;
use crate::support::check::world::World;
use crate::support::peers::{run, step};
use matrix_delegate::domain::ServerName;
use matrix_delegate::matrix::peers::reads;
use matrix_delegate::matrix::peers::{
    AddressPolicy, Context, FetchPolicy, Peer, PeerNeed, PeerResolver, SynapseFile,
};
use matrix_delegate::observe::{FetchFailure, HttpObservation, RedirectProblem};

const URL: &str = "https://example.com/.well-known/matrix/server";

#[test]
fn each_peer_asks_for_its_own_redirect_limit_and_downgrade_rule() {
    let name = ServerName::parse("example.com").unwrap();
    let want = [
        (Peer::Spec, 10, false, 50 * 1024),
        (Peer::Synapse, 20, true, 50 * 1024),
        (Peer::Continuwuity, 4, true, 256 * 1024),
        (Peer::Conduwuit, 4, true, 8192),
    ];
    for (peer, redirects, downgrade, cap) in want {
        let need = PeerResolver::new(peer, name.clone(), Context::default()).need();
        let Some(PeerNeed::WellKnown { url, policy }) = need else {
            panic!("{peer}: {need:?}");
        };
        assert_eq!(url, URL);
        assert_eq!(
            (
                policy.max_redirects,
                policy.follows_https_to_http,
                policy.body_cap
            ),
            (redirects, downgrade, cap),
            "{peer}"
        );
    }
}

fn redirected(n: usize, last_scheme: &str) -> HttpObservation {
    let mut obs = HttpObservation::get(URL).respond(
        200,
        &[("content-type", "application/json")],
        br#"{"m.server":"matrix.example.com:443"}"#,
    );
    obs.hops = (0..n)
        .map(|i| hop(&format!("https://example.com/r{i}"), 301, "", &[]))
        .collect();
    obs.final_url = format!("{last_scheme}://example.com/final");
    obs
}

#[test]
fn a_fetch_is_shared_only_when_no_limit_of_either_policy_was_reached() {
    let five = redirected(5, "https");
    assert!(FetchPolicy::SYNAPSE.answered_by(&five, &FetchPolicy::CHECK));
    assert!(!FetchPolicy::CONTINUWUITY.answered_by(&five, &FetchPolicy::CHECK));
    let twelve = redirected(12, "https");
    assert!(FetchPolicy::SYNAPSE.answered_by(&twelve, &FetchPolicy::SYNAPSE));
    assert!(!FetchPolicy::SYNAPSE.answered_by(&twelve, &FetchPolicy::CHECK));
    let downgraded = redirected(1, "http");
    assert!(FetchPolicy::CONTINUWUITY.answered_by(&downgraded, &FetchPolicy::SYNAPSE));
    assert!(!FetchPolicy::CONTINUWUITY.answered_by(&downgraded, &FetchPolicy::CHECK));
    let refused =
        HttpObservation::get(URL).fail(FetchFailure::BadRedirect(RedirectProblem::NotHttps {
            url: "http://example.com/".into(),
            scheme: "http".into(),
        }));
    assert!(!FetchPolicy::SYNAPSE.answered_by(&refused, &FetchPolicy::CHECK));
    let mut big = HttpObservation::get(URL).respond(200, &[], &[b' '; 9000]);
    big.body_end = matrix_delegate::observe::BodyEnd::Complete;
    assert!(!FetchPolicy::CONDUWUIT.answered_by(&big, &FetchPolicy::CHECK));
    assert!(FetchPolicy::SYNAPSE.answered_by(&big, &FetchPolicy::CHECK));
}

#[test]
fn an_https_to_http_redirect_still_delegates_for_synapse_and_continuwuity() {
    let obs = redirected(1, "http");
    assert_eq!(
        reads::synapse(&obs, AddressPolicy::of(Peer::Synapse)),
        SynapseFile::Delegated("matrix.example.com:443".into())
    );
    assert_eq!(
        reads::continuwuity(&obs).as_deref(),
        Ok("matrix.example.com:443")
    );
    assert!(reads::conduwuit(&obs).is_ok());
}

#[test]
fn too_many_redirects_is_a_temporary_failure_for_synapse() {
    let obs = HttpObservation::get(URL).fail(FetchFailure::TooManyRedirects(20));
    assert!(matches!(
        reads::synapse(&obs, AddressPolicy::of(Peer::Synapse)),
        SynapseFile::Failed {
            temporary: true,
            ..
        }
    ));
    assert!(reads::continuwuity(&obs).is_err());
}

#[test]
fn conduwuit_takes_any_2xx_and_at_most_8_kib() {
    let body = br#"{"m.server":"matrix.example.com:443"}"#;
    let created = HttpObservation::get(URL).respond(201, &[], body);
    assert!(reads::conduwuit(&created).is_ok());
    assert!(reads::continuwuity(&created).is_err());
    assert!(matches!(
        reads::synapse(&created, AddressPolicy::of(Peer::Synapse)),
        SynapseFile::Failed {
            temporary: false,
            ..
        }
    ));
    let mut padded = br#"{"m.server":"matrix.example.com:443","pad":""#.to_vec();
    padded.extend(std::iter::repeat_n(b'x', 9000));
    padded.extend(b"\"}");
    let big = HttpObservation::get(URL).respond(200, &[], &padded);
    assert!(reads::conduwuit(&big).is_err());
    assert!(reads::continuwuity(&big).is_ok());
}

#[test]
fn a_201_file_moves_conduwuit_to_step_3_and_the_spec_to_step_4() {
    let world = || {
        let mut w = World::default()
            .host("matrix.example.com", &["11.0.0.5"])
            .host("example.com", &["11.0.0.4"]);
        w.well_known.insert(
            URL.into(),
            HttpObservation::get(URL).respond(
                201,
                &[],
                br#"{"m.server":"matrix.example.com:443"}"#,
            ),
        );
        w
    };
    assert_eq!(step(&run(Peer::Spec, &mut world(), "example.com")), "6");
    assert_eq!(
        step(&run(Peer::Conduwuit, &mut world(), "example.com")),
        "3.2"
    );
}
