//! Hostile and broken answers through the real runner: an address with
//! nothing listening, a 10 MiB body, a redirect loop, a body that trickles,
//! terminal escape sequences inside well-known values.

use crate::support::runner::*;
use matrix_delegate::check::model::{CheckId, Status};
use matrix_delegate::report::{json, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_answers_get_clear_verdicts() {
    let (aaaa, huge, redirect, slow) = tokio::join!(
        builtin("aaaa-nothing-listening"),
        builtin("huge-body"),
        builtin("redirect-loop"),
        builtin("slow-body"),
    );
    let tls = results(&aaaa.report, CheckId::ServerTls);
    let v4 = tls
        .iter()
        .find(|r| r.target.as_deref() == Some("127.0.0.11:443"));
    let v6 = tls
        .iter()
        .find(|r| r.target.as_deref() == Some("[::1]:443"));
    assert_eq!(v4.map(|r| r.status), Some(Status::Pass));
    let v6 = v6.expect("the AAAA address is probed on its own");
    // Nothing listens there: peers fall back to the IPv4 address.
    assert_eq!(v6.status, Status::Warn);
    assert!(v6.summary.contains("refused"), "{v6:#?}");
    assert!(
        v6.summary.contains("peers fall back to 127.0.0.11:443"),
        "{v6:#?}"
    );
    assert_eq!(
        one(&aaaa.report, CheckId::ServerConsistency).status,
        Status::Warn
    );

    let wk = one(&huge.report, CheckId::ServerWellKnown);
    assert!(
        wk.summary.contains("larger than the 50 KiB limit"),
        "{wk:#?}"
    );
    let obs = huge.observations.as_ref().expect("finished");
    let body = &obs
        .resolution
        .well_known
        .as_ref()
        .expect("fetched")
        .observation;
    assert!(
        body.body_truncated() && body.body.len() <= 50 * 1024,
        "{}",
        body.body.len()
    );

    let loop_ = one(&redirect.report, CheckId::ServerWellKnown);
    assert_eq!(loop_.status, Status::Fail);
    assert!(loop_.summary.contains("redirect loop"), "{loop_:#?}");

    let s = one(&slow.report, CheckId::ServerWellKnown);
    assert_eq!(s.status, Status::Fail);
    assert!(
        s.summary
            .contains("the server file trickles in: its body timed out before it was complete"),
        "{s:#?}"
    );
    assert!(s.evidence.iter().any(|e| e.asked == "timing"), "{s:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_sequences_never_reach_the_terminal() {
    let out = builtin("escape-sequences").await;
    let shown = text::render(&out.report, &text::TextOptions::default());
    for c in shown.chars() {
        assert!(
            c == '\n' || !(c.is_control() || ('\u{80}'..='\u{9f}').contains(&c)),
            "raw control character {c:?} in:\n{shown}"
        );
    }
    assert!(
        shown.contains("\\x1b"),
        "the escape is shown as text:\n{shown}"
    );
    let js = json::render(&out.report);
    assert!(
        !js.bytes().any(|b| b == 0x1b || b == 0x07),
        "raw ESC/BEL in JSON"
    );
    let value: serde_json::Value = serde_json::from_str(&js).expect("valid JSON");
    // The escape survives as data, escaped.
    assert!(js.contains("\\u001b"), "{js}");
    assert_eq!(value["server_name"], "example.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cname_loop_is_called_a_loop() {
    // The SRV target is an alias of an alias of itself: no address at the
    // end, whatever a resolver follows.
    let scenario = matrix_delegate::sim::Scenario::from_toml(
        r#"
name = "cname-loop"
description = "the SRV target's CNAME chain comes back to itself"
server_name = "example.com"

[hosts]
"example.com" = "127.0.0.10"

[[dns]]
name = "_matrix-fed._tcp.example.com"
srv = [{ priority = 10, weight = 10, port = 8448, target = "matrix.example.com" }]

[[dns]]
name = "matrix.example.com"
cname = "hop.example.com"

[[dns]]
name = "hop.example.com"
cname = "matrix.example.com"
"#,
    )
    .expect("scenario");
    let out = check(
        &scenario,
        None,
        matrix_delegate::check::expect::Expectations::none(),
        std::time::Duration::from_secs(10),
    )
    .await;
    let host = one(&out.report, CheckId::DnsDelegatedHost);
    assert_eq!(host.status, Status::Fail, "{host:#?}");
    assert!(
        host.summary
            .contains("CNAME loop: matrix.example.com → hop.example.com → matrix.example.com"),
        "{host:#?}"
    );
    assert!(!host.summary.contains("NODATA"), "{host:#?}");
    assert!(
        host.remedy.as_deref().unwrap_or_default().contains("loop"),
        "{host:#?}"
    );
}
