//! `matrix-delegate check` as a program, against the built-in simulated
//! internet (`--sim`): exit codes, the JSON contract field by field,
//! expectations from `--config` and `--expect-*`, and usage errors.

use std::net::SocketAddr;
use std::process::{Command, Output};

use crate::support::output::{code, stderr, stdout};
use serde_json::Value;

/// The stable check ids, written out: scripts depend
/// on exactly these strings.
const IDS: [&str; 16] = [
    "dns.server-name",
    "dns.delegated-host",
    "dns.srv",
    "server.well-known",
    "server.resolution",
    "server.tls",
    "server.version",
    "server.keys",
    "server.routing",
    "server.consistency",
    "server.peers",
    "client.well-known",
    "client.cors",
    "client.versions",
    "support.well-known",
    "cache.well-known",
];
const STEPS: [&str; 10] = ["1", "2", "3.1", "3.2", "3.3", "3.4", "3.5", "4", "5", "6"];

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_matrix-delegate"))
        .arg("check")
        .args(args)
        .env_clear()
        .output()
        .expect("the binary runs")
}

fn json_of(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).expect("stdout is one JSON document")
}

fn str_or_null(v: &Value, what: &str) {
    assert!(v.is_string() || v.is_null(), "{what}: {v}");
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

/// The contract, every field: types, allowed values, stable ids,
/// and the rules tying `ok` values together.
fn validate(v: &Value) {
    for k in ["server_name", "ok", "federation", "client", "checks"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert!(v["server_name"].is_string());
    let ok = v["ok"].as_bool().expect("ok is a bool");
    let fed = &v["federation"];
    let fed_ok = fed["ok"].as_bool().expect("federation.ok is a bool");
    let step = fed["step"].as_str().expect("federation.step is a string");
    assert!(STEPS.contains(&step), "step {step}");
    let targets = fed["targets"].as_array().expect("targets is a list");
    for t in targets {
        assert_eq!(
            keys(t),
            ["address", "cert_name", "host_header", "ok", "sni"]
        );
        let addr = t["address"].as_str().expect("address");
        addr.parse::<SocketAddr>().expect("address is IP:PORT");
        assert!(t["host_header"].is_string() && t["cert_name"].is_string());
        str_or_null(&t["sni"], "sni");
        assert!(t["ok"].is_boolean());
    }
    let client = &v["client"];
    let verdict = client["verdict"].as_str().expect("verdict is a string");
    assert!(["OK", "IGNORE", "FAIL_PROMPT", "FAIL_ERROR"].contains(&verdict));
    str_or_null(&client["base_url"], "base_url");
    let checks = v["checks"].as_array().expect("checks is a list");
    let mut failing = false;
    for c in checks {
        for k in [
            "id",
            "status",
            "target",
            "summary",
            "evidence",
            "remedy",
            "spec",
            "duration_ms",
        ] {
            assert!(c.get(k).is_some(), "check without {k}: {c}");
        }
        let id = c["id"].as_str().expect("id");
        assert!(IDS.contains(&id), "unknown id {id}");
        let status = c["status"].as_str().expect("status");
        assert!(
            ["pass", "warn", "fail", "skipped", "error"].contains(&status),
            "{status}"
        );
        failing |= status == "fail" || status == "error";
        str_or_null(&c["target"], "target");
        assert!(c["summary"].is_string());
        for e in c["evidence"].as_array().expect("evidence is a list") {
            assert!(e["asked"].is_string() && e["got"].is_string(), "{e}");
        }
        str_or_null(&c["remedy"], "remedy");
        str_or_null(&c["spec"], "spec");
        assert!(
            c["duration_ms"].is_u64(),
            "duration_ms: {}",
            c["duration_ms"]
        );
    }
    for id in IDS {
        assert!(checks.iter().any(|c| c["id"] == id), "{id} missing");
    }
    assert_eq!(
        ok, !failing,
        "ok is false exactly when a check fails or errors"
    );
    // A target is ok when TLS, version and keys work there; an address
    // nothing answers on, which peers skip for a working one, is not ok
    // (its server.tls warns) but does not break federation.
    let status_at = |id: &str, addr: &Value| {
        checks
            .iter()
            .find(|c| c["id"] == id && c["target"] == *addr)
            .and_then(|c| c["status"].as_str())
    };
    let mut fallen_back = 0;
    for t in targets {
        let addr = &t["address"];
        let works = ["server.tls", "server.version", "server.keys"]
            .iter()
            .all(|id| matches!(status_at(id, addr), Some("pass" | "warn")));
        let skipped_by_peers = works && t["ok"] == false;
        if skipped_by_peers {
            assert_eq!(status_at("server.tls", addr), Some("warn"), "{t}");
            fallen_back += 1;
        } else {
            assert_eq!(t["ok"].as_bool(), Some(works), "{t}");
        }
    }
    let working = targets.iter().filter(|t| t["ok"] == true).count();
    let all_ok = working > 0 && working + fallen_back == targets.len();
    assert_eq!(fed_ok, all_ok);
}

#[test]
fn json_follows_the_contract_for_healthy_and_broken_deployments() {
    let cases = [
        ("healthy-well-known", "example.com", 0),
        // Nothing listens on one of two addresses: peers fall back, so a warning.
        ("aaaa-nothing-listening", "example.com", 0),
        ("healthy-ip-literal", "127.0.0.40", 0),
        ("escape-sequences", "example.com", 1),
        ("dns-nxdomain-delegated-host", "example.com", 1),
    ];
    for (scenario, name, want) in cases {
        let o = check(&["--sim", scenario, name, "--json"]);
        assert_eq!(code(&o), want, "{scenario}: {}", stderr(&o));
        let v = json_of(&o);
        validate(&v);
        assert_eq!(v["server_name"], name);
        assert_eq!(v["ok"], want == 0);
    }
    let ip = json_of(&check(&[
        "--sim",
        "healthy-ip-literal",
        "127.0.0.40",
        "--json",
    ]));
    assert_eq!(
        ip["federation"]["targets"][0]["sni"],
        Value::Null,
        "IP literal: no SNI"
    );
    let v6 = json_of(&check(&[
        "--sim",
        "aaaa-nothing-listening",
        "example.com",
        "--json",
    ]));
    assert_eq!(v6["federation"]["targets"][1]["address"], "[::1]:443");
    assert_eq!(v6["federation"]["targets"][1]["ok"], false);
    assert_eq!(v6["federation"]["targets"][0]["ok"], true);
    // Nothing listens on [::1]:443, but peers fall back to 127.0.0.11:443.
    assert_eq!(v6["federation"]["ok"], true);
}

#[test]
fn text_and_markdown_reports() {
    let o = check(&["--sim", "healthy-well-known", "example.com"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("matrix-delegate check example.com: ✔ pass nothing failed"),
        "{text}"
    );
    assert!(text.contains("spec step 3.2"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    let hostile = stdout(&check(&["--sim", "escape-sequences", "example.com"]));
    assert!(
        !hostile.contains('\u{1b}') && !hostile.contains('\u{7}'),
        "{hostile}"
    );
    let md = check(&["--sim", "healthy-well-known", "example.com", "--markdown"]);
    assert_eq!(code(&md), 0);
    assert!(stdout(&md).contains("dns.server-name"), "{}", stdout(&md));
}

fn write_config(dir: &tempfile::TempDir, server_name: &str, m_server: &str) -> String {
    let path = dir.path().join("continuwuity.toml");
    let text = format!(
        "[global]\nserver_name = \"{server_name}\"\n\n[global.well_known]\nserver = \"{m_server}\"\n\
         client = \"https://matrix.example.com/\"\n"
    );
    std::fs::write(&path, text).expect("config written");
    path.display().to_string()
}

fn find<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no {id}"))
}

#[test]
fn config_expectations() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = write_config(&dir, "example.com", "matrix.example.com:443");
    let o = check(&[
        "--sim",
        "healthy-well-known",
        "example.com",
        "--config",
        &good,
    ]);
    assert_eq!(
        code(&o),
        0,
        "the live files match the config: {}",
        stdout(&o)
    );
    // The classic mistake: the delegated host typed instead of the server name.
    let o = check(&[
        "--sim",
        "healthy-well-known",
        "matrix.example.com",
        "--config",
        &good,
        "--json",
    ]);
    assert_eq!(code(&o), 1);
    let v = json_of(&o);
    let r = find(&v, "server.resolution");
    assert_eq!(r["status"], "fail");
    assert!(
        r["summary"].as_str().is_some_and(
            |s| s.contains("the delegated host was checked instead of the server name")
        ),
        "{r}"
    );
    let other = write_config(&dir, "example.com", "matrix.example.com:8448");
    let v = json_of(&check(&[
        "--sim",
        "healthy-well-known",
        "example.com",
        "--config",
        &other,
        "--json",
    ]));
    let wk = find(&v, "server.well-known");
    assert_eq!(wk["status"], "fail");
    let summary = wk["summary"].as_str().expect("summary");
    assert!(
        summary.contains("your config") && summary.contains("matrix.example.com:8448"),
        "{summary}"
    );
    assert!(
        wk["remedy"]
            .as_str()
            .is_some_and(|r| r.contains("The live side is wrong")),
        "{wk}"
    );
}

#[test]
fn expect_server_mismatch_says_which_side_is_wrong() {
    let o = check(&[
        "--sim",
        "healthy-well-known",
        "example.com",
        "--expect-server",
        "matrix.example.com:8448",
        "--proxy",
        "nginx",
        "--json",
    ]);
    assert_eq!(code(&o), 1);
    let v = json_of(&o);
    validate(&v);
    let wk = find(&v, "server.well-known");
    assert_eq!(wk["status"], "fail");
    assert_eq!(
        wk["summary"],
        "m.server = matrix.example.com:443, but the expected value you gave says matrix.example.com:8448"
    );
    let remedy = wk["remedy"].as_str().expect("a remedy");
    assert!(
        remedy.contains("Either the deployment or the expectation is outdated"),
        "{remedy}"
    );
    let o = check(&[
        "--sim",
        "healthy-well-known",
        "example.com",
        "--expect-client",
        "https://matrix.example.com",
    ]);
    assert_eq!(
        code(&o),
        0,
        "a trailing slash does not matter: {}",
        stdout(&o)
    );
}

#[test]
fn resolve_overrides_the_addresses_federation_connects_to() {
    // The broken AAAA address of matrix.example.com is bypassed.
    let o = check(&[
        "--sim",
        "aaaa-nothing-listening",
        "example.com",
        "--resolve",
        "matrix.example.com:443:127.0.0.11",
        "--json",
    ]);
    let v = json_of(&o);
    validate(&v);
    let targets = v["federation"]["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 1, "{targets:?}");
    assert_eq!(targets[0]["address"], "127.0.0.11:443");
    assert_eq!(v["federation"]["ok"], true);
    let res = find(&v, "server.resolution");
    let said = res["evidence"].to_string();
    assert!(
        said.contains("--resolve: matrix.example.com:443 connects to 127.0.0.11:443"),
        "{said}"
    );
}

#[test]
fn usage_errors_exit_2_naming_the_option() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nope.pem").display().to_string();
    let missing_config = dir.path().join("nope.toml").display().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["https://example.com"], "<SERVER_NAME>"),
        (vec!["example.com", "--timeout", "0"], "--timeout"),
        (vec!["example.com", "--timeout", "soon"], "--timeout"),
        (
            vec!["example.com", "--nameserver", "dns.example.com"],
            "--nameserver",
        ),
        (
            vec!["example.com", "--resolve", "example.com:443"],
            "--resolve",
        ),
        (vec!["example.com", "--proxy", "lighttpd"], "--proxy"),
        (
            vec!["example.com", "--expect-server", "https://m.example.com"],
            "--expect-server",
        ),
        (
            vec!["example.com", "--expect-client", "matrix.example.com"],
            "--expect-client",
        ),
        (vec!["example.com", "--config", &missing_config], "--config"),
        (vec!["example.com", "--ca-file", &missing], "--ca-file"),
        (vec!["example.com", "--ca-only"], "--ca-file"),
        (vec!["example.com", "--sim", "no-such-scenario"], "--sim"),
        (vec!["example.com", "--json", "--markdown"], "--markdown"),
        (vec![], "<SERVER_NAME>"),
    ];
    for (args, option) in cases {
        let o = check(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(option), "{args:?} should name {option}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}

#[test]
fn help_describes_every_option() {
    let o = check(&["--help"]);
    assert_eq!(code(&o), 0);
    let help = stdout(&o);
    for opt in [
        "--json",
        "--markdown",
        "--config",
        "--expect-server",
        "--expect-client",
        "--proxy",
        "--nameserver",
        "--ca-file",
        "--ca-only",
        "--resolve",
        "--timeout",
        "Exit codes",
    ] {
        assert!(help.contains(opt), "--help lacks {opt}:\n{help}");
    }
    assert!(!help.contains("--sim"), "the testing aid stays hidden");
}

/// The status of check `id` (the first result of it) in a JSON report.
fn status_of(v: &Value, id: &str) -> String {
    v["checks"]
        .as_array()
        .expect("checks is a list")
        .iter()
        .find(|c| c["id"] == id)
        .and_then(|c| c["status"].as_str())
        .unwrap_or_else(|| panic!("{id} missing"))
        .to_string()
}

#[test]
fn allow_private_addresses_turns_the_refusal_rule_off() {
    let on = check(&["--sim", "private-address-ddns", "example.com", "--json"]);
    assert_eq!(code(&on), 1, "{}", stderr(&on));
    let on = json_of(&on);
    validate(&on);
    assert_eq!(status_of(&on, "dns.delegated-host"), "fail");
    let off = check(&[
        "--sim",
        "private-address-ddns",
        "example.com",
        "--json",
        "--allow-private-addresses",
    ]);
    let off = json_of(&off);
    validate(&off);
    assert_eq!(status_of(&off, "dns.delegated-host"), "pass");

    let literal = json_of(&check(&[
        "--sim",
        "private-address-m-server",
        "example.com",
        "--json",
    ]));
    assert_eq!(status_of(&literal, "server.resolution"), "fail");
    let allowed = json_of(&check(&[
        "--sim",
        "private-address-m-server",
        "example.com",
        "--json",
        "--allow-private-addresses",
    ]));
    assert_eq!(status_of(&allowed, "server.resolution"), "pass");
}
