//! The built-in scenarios: they parse, start, stay inside documentation
//! names and loopback, cover every spec step, and what each `[expect]`
//! table says about its federation targets is what the servers really do.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::time::Duration;

use matrix_delegate::check::model::CheckId;
use matrix_delegate::matrix::peers::PrivateAddresses;
use matrix_delegate::observe::{HttpObservation, RecordKind, TlsFailureKind};
use matrix_delegate::probe::*;
use matrix_delegate::sim::scenario::ServerMode;
use matrix_delegate::sim::{BUILTIN_SCENARIOS, Scenario, Sim, SimError};

const STEPS: [&str; 10] = ["1", "2", "3.1", "3.2", "3.3", "3.4", "3.5", "4", "5", "6"];

fn all() -> Vec<Scenario> {
    BUILTIN_SCENARIOS
        .iter()
        .map(|(name, _)| Scenario::builtin(name).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect()
}

#[test]
fn every_builtin_parses_and_is_named_after_its_file() {
    let scenarios = all();
    assert!(scenarios.len() >= 40, "{} scenarios", scenarios.len());
    for (scenario, (file, _)) in scenarios.iter().zip(BUILTIN_SCENARIOS) {
        assert_eq!(&scenario.name, file);
        assert!(!scenario.description.trim().is_empty(), "{file}");
        assert!(
            scenario.expect.is_some(),
            "{file} says what a checker should conclude"
        );
    }
}

#[test]
fn every_spec_step_has_a_scenario_ending_there() {
    let reached: BTreeSet<String> = all()
        .iter()
        .filter_map(|s| s.expect.as_ref().map(|e| e.step.clone()))
        .collect();
    for step in STEPS {
        assert!(reached.contains(step), "no scenario ends at step {step}");
    }
}

#[test]
fn expectations_use_known_values() {
    let ids: Vec<&str> = CheckId::ALL.iter().map(|id| id.as_str()).collect();
    for s in all() {
        let e = s.expect.as_ref().expect("checked above");
        assert!(
            STEPS.contains(&e.step.as_str()),
            "{}: step {}",
            s.name,
            e.step
        );
        assert!(
            ["OK", "IGNORE", "FAIL_PROMPT", "FAIL_ERROR"].contains(&e.client.as_str()),
            "{}: client {}",
            s.name,
            e.client
        );
        for id in e.fail.iter().chain(&e.warn) {
            assert!(
                ids.contains(&id.as_str()),
                "{}: unknown check id {id}",
                s.name
            );
        }
        if e.federation_ok {
            assert!(
                !e.targets.is_empty(),
                "{}: ok federation needs a target",
                s.name
            );
        }
    }
}

fn documentation_name(name: &str) -> bool {
    let host = name.trim_start_matches("*.").trim_end_matches('.');
    let host = host.rsplit_once(':').map_or(host, |(h, p)| {
        if p.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        || ["example.com", "example.org", "example.net"]
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

#[test]
fn only_documentation_names_and_loopback_addresses() {
    for s in all() {
        assert!(
            documentation_name(&s.server_name),
            "{}: {}",
            s.name,
            s.server_name
        );
        let served: BTreeSet<IpAddr> = s.servers.iter().map(|x| x.address.ip()).collect();
        for ip in s.addresses() {
            // A scenario that keeps the refusal rule on may publish a private
            // address, which is never served (nothing connects to it).
            let private_stand_in = s.refuse_private_addresses
                && PrivateAddresses::LoopbackStandsForPublic
                    .refusal(ip)
                    .is_some()
                && !served.contains(&ip);
            assert!(
                ip.is_loopback() || private_stand_in,
                "{}: {ip} is not loopback",
                s.name
            );
        }
        let mut names: Vec<String> = s.hosts.keys().cloned().collect();
        for entry in &s.dns {
            names.push(
                entry
                    .name
                    .trim_start_matches("_matrix-fed._tcp.")
                    .to_string(),
            );
            names.extend(entry.cname.clone());
            names.extend(entry.srv.iter().map(|r| r.target.clone()));
        }
        for server in &s.servers {
            names.extend(server.certs.iter().flat_map(|c| c.names.clone()));
            names.extend(server.routes.iter().filter_map(|r| r.host.clone()));
            names.extend(server.routes.iter().filter_map(|r| {
                r.redirect
                    .as_ref()
                    .and_then(|u| url::Url::parse(u).ok()?.host_str().map(str::to_string))
            }));
        }
        for hs in s.homeservers.values() {
            names.push(hs.server_name.clone());
        }
        for name in names {
            let name = name
                .trim_start_matches("_matrix-fed._tcp.")
                .trim_start_matches("_matrix._tcp.");
            assert!(
                name == "." || documentation_name(name),
                "{}: `{name}` is not an example.com/.org/.net name",
                s.name
            );
        }
    }
}

/// A target is healthy when TLS verifies for its certificate name and the
/// federation version and key endpoints answer — what `federation.ok`
/// means in the JSON contract.
async fn target_is_healthy(
    net: &Net,
    scenario: &Scenario,
    t: &matrix_delegate::sim::scenario::ExpectedTarget,
) -> bool {
    let tls = net
        .inspect_tls(TlsTarget {
            address: t.address,
            sni: t.sni.clone(),
            required_name: t.cert_name.clone(),
        })
        .await;
    if tls.connect_error.is_some() || !tls.chain_valid {
        return false;
    }
    let host = match t.cert_name.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => format!("[{v6}]"),
        _ => t.cert_name.clone(),
    };
    assert_eq!(
        t.sni.as_deref().unwrap_or(&host),
        host,
        "SNI is the certificate name"
    );
    let fetch = |path: &str| {
        net.fetch(
            FetchRequest::get(format!("https://{host}{path}"))
                .connect_to(t.address)
                .host_header(t.host_header.clone())
                .body_cap(API_BODY_CAP)
                .follow_redirects(false),
        )
    };
    let (version, keys) = tokio::join!(
        fetch("/_matrix/federation/v1/version"),
        fetch("/_matrix/key/v2/server")
    );
    let json = |obs: &HttpObservation| -> Option<serde_json::Value> {
        (obs.status == Some(200))
            .then(|| obs.body_text().and_then(|t| serde_json::from_str(t).ok()))
            .flatten()
    };
    let (Some(_), Some(keys)) = (json(&version), json(&keys)) else {
        return false;
    };
    // Keys for another name (a homeserver installed with the wrong
    // server_name) are rejected by every peer.
    keys["server_name"] == scenario.server_name.as_str()
}

#[tokio::test]
async fn every_builtin_starts_and_its_targets_match_its_expectations() {
    for scenario in all() {
        let sim = Sim::start(&scenario)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
        let mut opts = sim.net_options();
        opts.timeout = Duration::from_millis(700);
        let net = Net::new(opts).expect("network layer sets up");
        let expect = scenario.expect.as_ref().expect("checked above");
        let mut healthy = Vec::new();
        for target in &expect.targets {
            assert!(
                sim.real_address(target.address).is_some(),
                "{}: target {} is neither served nor refused by the sim",
                scenario.name,
                target.address
            );
            healthy.push(target_is_healthy(&net, &scenario, target).await);
        }
        // Peers go on from an address where nothing listens to the next
        // address of the same host: such a target does not break
        // federation when a sibling works.
        let refuses = |a: std::net::SocketAddr| {
            scenario
                .servers
                .iter()
                .find(|s| s.address == a)
                .is_none_or(|s| s.mode == matrix_delegate::sim::scenario::ServerMode::Refuse)
        };
        let skipped_by_peers = |i: usize| {
            let t = &expect.targets[i];
            refuses(t.address)
                && expect
                    .targets
                    .iter()
                    .zip(&healthy)
                    .any(|(o, h)| *h && o.address != t.address && o.cert_name == t.cert_name)
        };
        let all_healthy = healthy.iter().any(|h| *h)
            && (0..healthy.len()).all(|i| healthy[i] || skipped_by_peers(i));
        let spec_ok = expect.spec_ok.unwrap_or(expect.federation_ok);
        assert_eq!(
            all_healthy, spec_ok,
            "{}: targets healthy {healthy:?}, expected the spec path ok {spec_ok}",
            scenario.name
        );
        sim.shutdown().await;
    }
}

#[test]
fn scenario_files_load_from_a_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.toml");
    let (_, text) = BUILTIN_SCENARIOS[0];
    std::fs::write(&path, text).expect("written");
    let loaded = Scenario::load(&path).expect("loads");
    assert_eq!(loaded.name, BUILTIN_SCENARIOS[0].0);
    let missing = Scenario::load(&dir.path().join("nope.toml")).unwrap_err();
    assert!(missing.to_string().contains("nope.toml"), "{missing}");
}

#[test]
fn scenario_errors_are_clear() {
    let base = "name = \"x\"\ndescription = \"d\"\nserver_name = \"example.com\"\n";
    let err = |extra: &str| {
        Scenario::from_toml(&format!("{base}{extra}"))
            .unwrap_err()
            .to_string()
    };
    assert!(err("colour = 1\n").contains("unknown field `colour`"));
    assert!(err("[[server]]\naddress = \"127.0.0.1:443\"\n").contains("has no certs"));
    assert!(
        err("[[server]]\naddress = \"127.0.0.1:443\"\nmode = \"refuse\"\n[[server]]\naddress = \"127.0.0.1:443\"\nmode = \"refuse\"\n")
            .contains("listed twice")
    );
    assert!(
        err("[[server]]\naddress = \"127.0.0.1:443\"\ncerts = [{ names = [\"a.example.com\"] }]\n[[server.route]]\npath = \"/\"\nbody = \"a\"\njson = {}\n")
            .contains("more than one of")
    );
    assert!(
        err("[[server]]\naddress = \"127.0.0.1:443\"\ncerts = [{ names = [\"a.example.com\"] }]\n[[server.route]]\npath = \"/\"\nhomeserver = \"nope\"\n")
            .contains("unknown homeserver `nope`")
    );
    assert!(
        err("[[dns]]\nname = \"a.example.com\"\nbehaviour = \"explode\"\n")
            .contains("unknown variant `explode`")
    );
    let unknown = Scenario::builtin("no-such-scenario").unwrap_err();
    assert!(matches!(unknown, SimError::UnknownScenario(_)));
    assert!(
        unknown.to_string().contains("healthy-well-known"),
        "{unknown}"
    );
}

#[tokio::test]
async fn latency_is_injected_into_dns_and_http_answers() {
    let mut scenario = Scenario::builtin("healthy-well-known").expect("built-in");
    scenario.latency.dns_ms = 60;
    scenario.latency.http_ms = 80;
    let sim = Sim::start(&scenario).await.expect("sim starts");
    let net = Net::new(sim.net_options()).expect("network layer sets up");
    let lookup = net.dns().lookup("matrix.example.com", RecordKind::A).await;
    assert!(
        lookup.duration >= Duration::from_millis(60),
        "{:?}",
        lookup.duration
    );
    let obs = net
        .fetch(FetchRequest::get(
            "https://example.com/.well-known/matrix/server",
        ))
        .await;
    let hop = obs.exchange.expect("a response");
    assert!(
        hop.elapsed >= Duration::from_millis(80),
        "{:?}",
        hop.elapsed
    );
}

#[tokio::test]
async fn shutdown_closes_every_socket() {
    let sim = Sim::start(&Scenario::builtin("healthy-well-known").expect("built-in"))
        .await
        .expect("sim starts");
    let real = sim
        .real_address("127.0.0.11:443".parse().expect("addr"))
        .expect("served");
    assert!(tokio::net::TcpStream::connect(real).await.is_ok());
    sim.shutdown().await;
    assert!(tokio::net::TcpStream::connect(real).await.is_err());
}

#[tokio::test]
async fn blackholes_and_refusals_are_what_they_say() {
    let sim = Sim::start(&Scenario::builtin("blackholed").expect("built-in"))
        .await
        .expect("sim starts");
    for server in &sim.scenario().servers {
        assert_eq!(server.mode, ServerMode::Blackhole);
    }
    let mut opts = sim.net_options();
    opts.timeout = Duration::from_millis(300);
    let net = Net::new(opts).expect("network layer sets up");
    let tls = net
        .inspect_tls(TlsTarget {
            address: "127.0.0.10:8448".parse().expect("addr"),
            sni: Some("example.com".into()),
            required_name: "example.com".into(),
        })
        .await;
    assert_eq!(
        tls.connect_error.map(|f| f.kind),
        Some(TlsFailureKind::HandshakeTimeout)
    );
}

#[tokio::test]
async fn a_sim_can_be_started_on_a_spawned_task() {
    let scenario = Scenario::builtin("healthy-static").expect("built-in");
    let sim = tokio::spawn(async move { Sim::start(&scenario).await })
        .await
        .expect("task ran")
        .expect("sim starts");
    assert_eq!(sim.scenario().name, "healthy-static");
}

#[tokio::test]
async fn a_private_address_of_a_scenario_dials_loopback_and_keeps_the_rule_on() {
    let scenario = Scenario::builtin("private-address-ddns").expect("built-in");
    let sim = Sim::start(&scenario).await.expect("starts");
    let logical: std::net::SocketAddr = "192.168.1.20:443".parse().expect("addr");
    let real = sim.real_address(logical).expect("mapped");
    assert!(real.ip().is_loopback(), "{real}");
    assert_eq!(
        sim.net_options().private_addresses,
        PrivateAddresses::LoopbackStandsForPublic
    );
    let other = Sim::start(&Scenario::builtin("healthy-well-known").expect("built-in"))
        .await
        .expect("starts");
    assert_eq!(
        other.net_options().private_addresses,
        PrivateAddresses::Allowed
    );
}
