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
async fn the_routing_probe_goes_out_with_each_host_form_and_names_the_peers_it_fails() {
    let out = builtin("peers-exact-host-proxy").await;
    let r = one(&out.report, CheckId::ServerRouting);
    assert_eq!(r.status, Status::Fail, "{}", r.summary);
    assert!(
        r.summary.starts_with(
            "Continuwuity and conduwuit (older Continuwuity, tuwunel) send Host: \
             matrix.example.com; your proxy does not route it"
        ),
        "{}",
        r.summary
    );
    assert!(
        r.summary
            .ends_with("(with Host matrix.example.com:443 it works)"),
        "{}",
        r.summary
    );
    let rows: Vec<(&str, &str)> = r
        .evidence
        .iter()
        .filter(|e| e.asked.starts_with("routing probe with Host"))
        .map(|e| (e.asked.as_str(), e.got.as_str()))
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        rows[0].0,
        "routing probe with Host matrix.example.com:443 (sent by the spec and Synapse)"
    );
    assert!(rows[0].1.starts_with("pass: "), "{}", rows[0].1);
    assert!(
        rows[1]
            .0
            .contains("Host matrix.example.com (sent by Continuwuity")
    );
    assert!(rows[1].1.starts_with("FAIL: 404"), "{}", rows[1].1);
    let remedy = r.remedy.as_deref().unwrap_or_default();
    assert!(
        remedy.contains("`matrix.example.com:443`, `matrix.example.com`"),
        "{remedy}"
    );
    // The routing failure stays in server.routing: it is not why
    // server.peers fails (version and keys fail there on their own).
    let peers = one(&out.report, CheckId::ServerPeers);
    assert!(!peers.summary.contains("routing"), "{}", peers.summary);
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

/// The "How peers see you" block of the text report, joined back into
/// one line per peer.
fn block(report: &matrix_delegate::report::Report) -> Vec<String> {
    lines(report).into_iter().map(|l| l.text).collect()
}

fn lines(
    report: &matrix_delegate::report::Report,
) -> Vec<matrix_delegate::report::peers::PeerLine> {
    matrix_delegate::report::peers::lines(report)
}

#[tokio::test]
async fn the_peers_block_names_the_host_form_that_fails_and_why_it_differs() {
    let out = builtin("peers-exact-host-proxy").await;
    let block = block(&out.report);
    assert_eq!(block.len(), 3, "{block:#?}");
    assert_eq!(
        block[0],
        "The spec: step 3.2 → 127.0.0.11:443 (Host matrix.example.com:443, SNI \
         matrix.example.com); works; keeps its answer 1 d"
    );
    assert!(
        block[1].starts_with("Synapse: works, as the spec;"),
        "{}",
        block[1]
    );
    let c = &block[2];
    assert!(
        c.starts_with("Continuwuity (and conduwuit): fails: "),
        "{c}"
    );
    assert!(c.contains("version: 404"), "{c}");
    assert!(
        c.contains("differs: sends Host matrix.example.com (the URL authority"),
        "{c}"
    );
    assert!(c.ends_with("keeps its answer 1 d"), "{c}");
    assert_eq!(lines(&out.report)[2].status, Status::Fail);
    // The text report carries it, wrapped to 80 columns.
    let text = matrix_delegate::report::text::render(
        &out.report,
        &matrix_delegate::report::text::TextOptions { color: false },
    );
    let at = text
        .find("  How peers see you:")
        .expect("the block is in the text report");
    // The block's lines are indented by 4 under its heading; the check
    // results after it by 2.
    let mut rows = text[at..].lines();
    let heading = rows.next().unwrap_or_default();
    let block: Vec<&str> = rows.take_while(|l| l.starts_with("    ")).collect();
    assert_eq!(heading, "  How peers see you:");
    assert!(block.len() > 3, "{block:#?}");
    for line in std::iter::once(heading).chain(block) {
        assert!(line.chars().count() <= 80, "wider than 80: {line}");
    }
    // Markdown: a list under its own heading, one item per peer.
    let md = matrix_delegate::report::markdown::render(&out.report);
    let at = md
        .find("### How peers see you\n\n")
        .expect("the block is in Markdown");
    let items: Vec<&str> = md[at..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with("- "))
        .collect();
    assert_eq!(items.len(), 3, "{items:#?}");
    assert!(
        items[2].starts_with("- ✘ Continuwuity (and conduwuit): fails: "),
        "{}",
        items[2]
    );
}

#[tokio::test]
async fn the_peers_block_says_a_peer_ends_at_another_step_and_why() {
    let out = builtin("peers-redirect-chain-5").await;
    let block = block(&out.report);
    let c = block
        .iter()
        .find(|l| l.starts_with("Continuwuity"))
        .expect("a Continuwuity line");
    assert!(
        c.contains("differs: step 6 → 127.0.0.10:8448 (Host example.com:8448, SNI example.com) where the spec has 3.2: it does not follow the redirect to https://example.com/moved/5 (Continuwuity stops after 4 redirects; the spec's path follows up to 10 redirects)"),
        "{c}"
    );
    assert!(
        block
            .iter()
            .any(|l| l == "Synapse: works, as the spec; keeps its answer 1 d 2 h"),
        "{block:#?}"
    );
}

#[tokio::test]
async fn conduwuit_gets_its_own_line_only_where_it_differs_from_continuwuity() {
    let out = builtin("peers-invalid-m-server-leftover-srv").await;
    let block = block(&out.report);
    assert_eq!(block.len(), 4, "{block:#?}");
    assert!(
        block[2].starts_with("Continuwuity: fails: "),
        "{}",
        block[2]
    );
    assert!(
        block[3].starts_with("conduwuit: works, as the spec;"),
        "{}",
        block[3]
    );
    let healthy = builtin("healthy-well-known").await;
    assert_eq!(self::block(&healthy.report).len(), 3);
}

#[tokio::test]
async fn the_peers_block_says_which_addresses_a_peer_leaves_out() {
    let out = builtin("healthy-dual-stack").await;
    let block = block(&out.report);
    assert!(block[0].contains("and [::1]:443"), "{}", block[0]);
    let c = &block[2];
    assert!(
        c.contains("uses 127.0.0.11:443 only (A records when there are any, else AAAA)"),
        "{c}"
    );
}
