//! TLS inspection against the simulated internet: the chain is read even
//! when it is invalid, and the WebPKI verdict is recorded with its cause.

use std::net::SocketAddr;
use std::time::Duration;

use matrix_delegate::observe::{TlsErrorKind, TlsFailureKind, TlsHandshake, TlsObservation};
use matrix_delegate::probe::*;
use matrix_delegate::sim::{Scenario, Sim};

const SCENARIO: &str = r#"
name = "tls-test"
description = "certificates of every kind"
server_name = "example.com"

[[server]]
address = "127.0.0.30:443"
certs = [
  { names = ["matrix.example.com"] },
  { names = ["soon.example.com"], days_left = 5 },
  { names = ["expired.example.com"], kind = "expired" },
  { names = ["future.example.com"], kind = "not-yet-valid" },
  { names = ["unknown.example.com"], kind = "unknown-ca" },
  { names = ["self.example.com"], kind = "self-signed" },
  { names = ["*.wild.example.com"] },
]

[[server]]
address = "127.0.0.31:8448"
certs = [{ names = ["127.0.0.31"] }]

[[server]]
address = "127.0.0.32:443"
mode = "blackhole"

[[server]]
address = "127.0.0.33:443"
mode = "refuse"
"#;

async fn start() -> (Sim, Net) {
    let scenario = Scenario::from_toml(SCENARIO).expect("test scenario parses");
    let sim = Sim::start(&scenario).await.expect("sim starts");
    let mut opts = sim.net_options();
    opts.timeout = Duration::from_millis(400);
    (sim, Net::new(opts).expect("network layer sets up"))
}

fn target(addr: &str, sni: Option<&str>, required: &str) -> TlsTarget {
    TlsTarget {
        address: addr.parse::<SocketAddr>().expect("test address"),
        sni: sni.map(str::to_string),
        required_name: required.to_string(),
    }
}

/// A completed handshake with `name`, and what it showed.
async fn session(net: &Net, name: &str) -> (TlsObservation, TlsHandshake) {
    let obs = net
        .inspect_tls(target("127.0.0.30:443", Some(name), name))
        .await;
    completed(obs)
}

fn completed(obs: TlsObservation) -> (TlsObservation, TlsHandshake) {
    let handshake = obs
        .handshake
        .clone()
        .unwrap_or_else(|| panic!("the handshake failed: {:?}", obs.connect_error));
    (obs, handshake)
}

#[tokio::test]
async fn a_valid_certificate_with_its_details() {
    let (sim, net) = start().await;
    let (obs, s) = session(&net, "matrix.example.com").await;
    assert_eq!(obs.verify_error, None);
    assert!(obs.chain_valid);
    assert!(obs.covers_required_name);
    assert_eq!(
        obs.names,
        vec!["matrix.example.com"],
        "the leaf's, for the verdicts"
    );
    assert_eq!(s.protocol, "TLSv1_3");
    assert_eq!(s.alpn.as_deref(), Some("http/1.1"));
    assert_eq!(s.chain.len(), 2, "leaf and issuer");
    let leaf = s.leaf().expect("a leaf");
    assert_eq!(leaf.dns_names, vec!["matrix.example.com"]);
    assert_eq!(leaf.common_name.as_deref(), Some("matrix.example.com"));
    assert!(
        leaf.issuer.contains("Simulated Trusted Root CA"),
        "{}",
        leaf.issuer
    );
    assert!((59..=60).contains(&leaf.days_left), "{}", leaf.days_left);
    assert!(!leaf.is_ca && !leaf.self_issued);
    assert!(s.chain[1].is_ca);
    assert_eq!(leaf.not_after_text.len(), "2026-01-01T00:00:00Z".len());
    assert_eq!(
        sim.log().hellos()[0].sni.as_deref(),
        Some("matrix.example.com")
    );
}

#[tokio::test]
async fn expiry_in_days() {
    let (_sim, net) = start().await;
    let (obs, s) = session(&net, "soon.example.com").await;
    assert!(obs.chain_valid);
    assert!((4..=5).contains(&s.chain[0].days_left));
    assert_eq!(obs.days_left, Some(s.chain[0].days_left));
}

#[tokio::test]
async fn an_expired_certificate_is_still_read() {
    let (_sim, net) = start().await;
    let (obs, s) = session(&net, "expired.example.com").await;
    assert_eq!(obs.verify_error, Some(TlsErrorKind::Expired));
    assert!(!obs.chain_valid);
    assert!(s.verify_detail.is_some());
    assert!(
        obs.covers_required_name,
        "the name is right, the date is not"
    );
    assert!(s.chain[0].days_left < 0);
}

#[tokio::test]
async fn a_certificate_not_yet_valid() {
    let (_sim, net) = start().await;
    let (obs, _) = session(&net, "future.example.com").await;
    assert_eq!(obs.verify_error, Some(TlsErrorKind::NotYetValid));
}

#[tokio::test]
async fn unknown_ca_and_self_signed() {
    let (_sim, net) = start().await;
    let (obs, s) = session(&net, "unknown.example.com").await;
    assert_eq!(obs.verify_error, Some(TlsErrorKind::UnknownIssuer));
    assert!(s.chain[0].issuer.contains("Simulated Unknown CA"));
    let (obs, s) = session(&net, "self.example.com").await;
    assert_eq!(obs.verify_error, Some(TlsErrorKind::UnknownIssuer));
    assert_eq!(s.chain.len(), 1);
    assert!(s.chain[0].self_issued);
}

#[tokio::test]
async fn wrong_name_falls_back_to_the_default_certificate() {
    let (_sim, net) = start().await;
    // No certificate for other.example.com: the server sends its first one.
    let obs = net
        .inspect_tls(target(
            "127.0.0.30:443",
            Some("other.example.com"),
            "other.example.com",
        ))
        .await;
    let (obs, s) = completed(obs);
    assert!(
        matches!(&obs.verify_error, Some(TlsErrorKind::NameMismatch { presented }) if presented.iter().any(|p| p.contains("matrix.example.com"))),
        "{:?}",
        obs.verify_error
    );
    assert!(!obs.covers_required_name);
    assert_eq!(s.chain[0].dns_names, vec!["matrix.example.com"]);
}

#[tokio::test]
async fn sni_and_required_name_may_differ() {
    // Spec step 4: connect to the SRV target, certificate for the server name.
    let (_sim, net) = start().await;
    let obs = net
        .inspect_tls(target(
            "127.0.0.30:443",
            Some("matrix.example.com"),
            "example.com",
        ))
        .await;
    let (obs, _) = completed(obs);
    assert!(matches!(
        obs.verify_error,
        Some(TlsErrorKind::NameMismatch { .. })
    ));
    assert!(!obs.covers_required_name);
}

#[tokio::test]
async fn wildcards() {
    let (_sim, net) = start().await;
    let (obs, s) = session(&net, "matrix.wild.example.com").await;
    assert!(obs.chain_valid);
    assert!(obs.covers_required_name);
    assert!(s.chain[0].covers("x.wild.example.com"));
    assert!(!s.chain[0].covers("wild.example.com"));
    assert!(!s.chain[0].covers("a.b.wild.example.com"));
}

#[tokio::test]
async fn ip_literal_without_sni() {
    let (sim, net) = start().await;
    let obs = net
        .inspect_tls(target("127.0.0.31:8448", None, "127.0.0.31"))
        .await;
    let (obs, s) = completed(obs);
    assert!(obs.chain_valid);
    assert!(obs.covers_required_name);
    assert_eq!(
        s.chain[0].ip_addresses,
        vec!["127.0.0.31".parse::<std::net::IpAddr>().unwrap()]
    );
    assert_eq!(sim.log().hellos()[0].sni, None);
}

#[tokio::test]
async fn refused_and_blackholed() {
    let (_sim, net) = start().await;
    let (refused, silent) = tokio::join!(
        net.inspect_tls(target(
            "127.0.0.33:443",
            Some("a.example.com"),
            "a.example.com"
        )),
        net.inspect_tls(target(
            "127.0.0.32:443",
            Some("a.example.com"),
            "a.example.com"
        )),
    );
    assert_eq!(
        refused.connect_error.map(|f| f.kind),
        Some(TlsFailureKind::Refused)
    );
    assert_eq!(
        silent.connect_error.map(|f| f.kind),
        Some(TlsFailureKind::HandshakeTimeout)
    );
}
