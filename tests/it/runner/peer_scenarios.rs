//! The `peers-*` scenarios through the real runner: what each modelled
//! peer (`federation.peers`) concludes, and how `server.peers` tells the
//! operator why a peer fails where the spec path works.

use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::matrix::peers::PeerSummary;

use crate::support::runner::*;

fn peer<'a>(peers: &'a [PeerSummary], name: &str) -> &'a PeerSummary {
    peers
        .iter()
        .find(|p| p.peer == name)
        .unwrap_or_else(|| panic!("no {name} in federation.peers"))
}

#[tokio::test]
async fn an_exact_host_rule_is_caught_with_the_host_that_gets_the_404() {
    let out = builtin("peers-exact-host-proxy").await;
    let peers = &out.report.federation.peers;
    assert!(peer(peers, "spec").ok && peer(peers, "synapse").ok);
    let continuwuity = peer(peers, "continuwuity");
    assert!(!continuwuity.ok);
    assert_eq!(continuwuity.targets[0].host_header, "matrix.example.com");
    let failure = continuwuity.failure.as_deref().unwrap_or_default();
    assert!(
        failure.contains("Host matrix.example.com)") && failure.contains("version: 404"),
        "{failure}"
    );
    assert_eq!(one(&out.report, CheckId::ServerPeers).status, Status::Fail);
}

#[tokio::test]
async fn a_peer_on_another_path_says_how_it_got_there() {
    let out = builtin("peers-redirect-chain-5").await;
    let r = one(&out.report, CheckId::ServerPeers);
    let line = r
        .evidence
        .iter()
        .find(|e| e.asked.starts_with("continuwuity"))
        .map(|e| e.got.as_str())
        .unwrap_or_default();
    assert!(line.contains("step 6"), "{line}");
    assert!(
        line.contains("more than 4 redirects: no delegation"),
        "{line}"
    );
    // Synapse follows the five redirects.
    assert_eq!(
        peer(&out.report.federation.peers, "synapse").step,
        Some("3.2")
    );
}

#[tokio::test]
async fn each_peer_keeps_a_short_lived_answer_for_its_own_time() {
    let out = builtin("peers-short-cache").await;
    let peers = &out.report.federation.peers;
    assert_eq!(peer(peers, "spec").keeps_answer_s, Some(60));
    assert_eq!(peer(peers, "synapse").keeps_answer_s, Some(300));
    assert_eq!(peer(peers, "continuwuity").keeps_answer_s, Some(86_400));
    assert!(peers.iter().all(|p| p.ok));
}
