//! How long each peer keeps its answer: Synapse's header rules, clamps and
//! failure rules; Continuwuity's fixed 24 h; conduwuit's random 18–36 h; the
//! spec text's rules.

use crate::support::check::world::World;
use crate::support::peers::run_with;
use matrix_delegate::matrix::peers::keeps;
use matrix_delegate::matrix::peers::{
    Context, FileOutcome, Peer, PrivateAddresses, RetentionRule, synapse_header_period,
};
use matrix_delegate::observe::{FetchFailure, HttpObservation};

fn headers(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Response headers as written in a case.
type Headers = &'static [(&'static str, &'static str)];

const NOW: i64 = 1_764_900_000; // 2025-12-05 02:00:00 UTC

#[test]
fn synapse_reads_cache_headers_its_own_way() {
    let cases: &[(Headers, Option<i64>)] = &[
        (&[("cache-control", "max-age=7200")], Some(7200)),
        // Quoted: Python's int() refuses it, so Synapse ignores it.
        (&[("cache-control", "max-age=\"7200\"")], None),
        (&[("cache-control", "public, MAX-AGE = 600")], Some(600)),
        (&[("cache-control", "max-age=7_200")], Some(7200)),
        (&[("cache-control", "max-age=")], None),
        (&[("cache-control", "no-store, max-age=7200")], Some(0)),
        // Every header counts and a later directive wins.
        (
            &[
                ("cache-control", "max-age=60"),
                ("cache-control", "max-age=7200"),
            ],
            Some(7200),
        ),
        // The last Expires counts; an unreadable one means 0.
        (
            &[
                ("expires", "Fri, 05 Dec 2025 03:00:00 GMT"),
                ("expires", "Fri, 05 Dec 2025 04:00:00 GMT"),
            ],
            Some(7200),
        ),
        (&[("expires", "0")], Some(0)),
        (
            &[
                ("cache-control", "max-age=\"7200\""),
                ("expires", "Fri, 05 Dec 2025 02:10:00 GMT"),
            ],
            Some(600),
        ),
        (&[], None),
    ];
    for (list, want) in cases {
        assert_eq!(
            synapse_header_period(&headers(list), NOW),
            *want,
            "{list:?}"
        );
    }
}

#[test]
fn synapse_clamps_a_valid_file_to_five_minutes_and_48_hours() {
    let keep = |list: &[(&str, &str)]| {
        let h = headers(list);
        keeps::synapse(FileOutcome::Valid(&h), false, NOW)
    };
    assert_eq!(
        keep(&[("cache-control", "max-age=60")]).keeps_answer_s(),
        Some(300)
    );
    assert_eq!(
        keep(&[("cache-control", "max-age=60")]).rule,
        RetentionRule::Headers {
            asked_s: 60,
            clamped: true
        }
    );
    assert_eq!(
        keep(&[("cache-control", "max-age=999999")]).keeps_answer_s(),
        Some(172_800)
    );
    assert_eq!(
        keep(&[("cache-control", "max-age=-5")]).keeps_answer_s(),
        Some(300)
    );
    assert_eq!(
        keep(&[("cache-control", "no-store")]).keeps_answer_s(),
        Some(300)
    );
    assert_eq!(
        keep(&[("cache-control", "no-store")]).rule,
        RetentionRule::NoStore
    );
    let default = keep(&[("cache-control", "max-age=\"7200\"")]);
    assert_eq!(default.rule, RetentionRule::Default);
    assert_eq!((default.min_s, default.max_s), (Some(77_760), Some(95_040)));
}

#[test]
fn synapse_failures_depend_on_the_previous_answer() {
    let permanent = FileOutcome::Failed { temporary: false };
    let temporary = FileOutcome::Failed { temporary: true };
    let fresh = keeps::synapse(permanent, false, NOW);
    assert_eq!((fresh.min_s, fresh.max_s), (Some(3240), Some(3960)));
    let after_valid = keeps::synapse(permanent, true, NOW);
    assert_eq!(
        (after_valid.min_s, after_valid.max_s),
        (Some(108), Some(132))
    );
    assert_eq!(after_valid.rule, RetentionRule::FailureAfterValid);
    let kept = keeps::synapse(temporary, true, NOW);
    assert_eq!(kept.rule, RetentionRule::KeepsPrevious);
    assert_eq!(kept.keeps_answer_s(), None);
    assert_eq!(
        keeps::synapse(temporary, false, NOW).keeps_answer_s(),
        Some(3960)
    );
}

#[test]
fn synapse_calls_5xx_connection_errors_and_oversized_bodies_temporary() {
    let url = "https://example.com/.well-known/matrix/server";
    let temporary = |obs: HttpObservation| keeps::synapse_failure_is_temporary(&obs);
    assert!(temporary(HttpObservation::get(url).respond(503, &[], b"")));
    assert!(temporary(
        HttpObservation::get(url).fail(FetchFailure::Refused { address: None })
    ));
    let mut big = HttpObservation::get(url).respond(200, &[], b"{");
    big.body_end = matrix_delegate::observe::BodyEnd::OverCap;
    assert!(temporary(big));
    assert!(!temporary(HttpObservation::get(url).respond(404, &[], b"")));
}

#[test]
fn the_spec_text_accepts_quoted_max_age_and_has_no_minimum() {
    let keep = |list: &[(&str, &str)]| {
        let h = headers(list);
        keeps::spec(FileOutcome::Valid(&h), NOW).keeps_answer_s()
    };
    assert_eq!(keep(&[("cache-control", "max-age=\"7200\"")]), Some(7200));
    assert_eq!(keep(&[("cache-control", "max-age=60")]), Some(60));
    assert_eq!(keep(&[("cache-control", "max-age=999999")]), Some(172_800));
    assert_eq!(keep(&[]), Some(86_400));
    assert_eq!(
        keeps::spec(FileOutcome::Failed { temporary: true }, NOW).keeps_answer_s(),
        Some(3600)
    );
}

fn world_with(headers: &[(&str, &str)], status: u16) -> World {
    let url = "https://example.com/.well-known/matrix/server";
    let mut w = World::default().host("matrix.example.com", &["11.0.0.5"]);
    w.well_known.insert(
        url.into(),
        HttpObservation::get(url).respond(
            status,
            headers,
            br#"{"m.server":"matrix.example.com:443"}"#,
        ),
    );
    w
}

#[test]
fn each_peer_keeps_the_same_answer_for_its_own_time() {
    let ctx = Context {
        now_unix: NOW,
        previous_valid: false,
        private_addresses: PrivateAddresses::Refused,
    };
    let short = [("cache-control", "max-age=60")];
    let keep = |peer| run_with(peer, &mut world_with(&short, 200), "example.com", ctx).retention;
    assert_eq!(keep(Peer::Spec).keeps_answer_s(), Some(60));
    assert_eq!(keep(Peer::Synapse).keeps_answer_s(), Some(300));
    assert_eq!(keep(Peer::Continuwuity).keeps_answer_s(), Some(86_400));
    assert_eq!(keep(Peer::Conduwuit).min_s, Some(64_800));
    assert_eq!(keep(Peer::Conduwuit).keeps_answer_s(), Some(129_600));
}

#[test]
fn continuwuity_keeps_the_fallback_taken_while_the_file_was_broken_for_24_hours() {
    let ctx = Context {
        now_unix: NOW,
        previous_valid: true,
        private_addresses: PrivateAddresses::Refused,
    };
    let mut world = world_with(&[], 503).host("example.com", &["11.0.0.4"]);
    let path = run_with(Peer::Continuwuity, &mut world, "example.com", ctx);
    assert_eq!(path.step.map(|s| s.as_str()), Some("6"));
    assert_eq!(path.retention.keeps_answer_s(), Some(86_400));
    // Synapse keeps its previous answer through a 5xx instead.
    let mut world = world_with(&[], 503).host("example.com", &["11.0.0.4"]);
    let synapse = run_with(Peer::Synapse, &mut world, "example.com", ctx);
    assert_eq!(synapse.retention.rule, RetentionRule::KeepsPrevious);
}

#[test]
fn synapse_reads_expires_in_all_three_http_date_forms() {
    use matrix_delegate::matrix::peers::{parse_imf_fixdate, twisted_http_date};
    let want = parse_imf_fixdate("Fri, 05 Dec 2025 04:00:00 GMT");
    assert_eq!(want, Some(NOW + 7200));
    for form in [
        "Fri, 05 Dec 2025 04:00:00 GMT",
        "Friday, 05-Dec-25 04:00:00 GMT",
        "Fri Dec  5 04:00:00 2025",
        "05 Dec 2025 04:00:00 GMT",
        "Fri, 05 Dec 2025 04:00:00",
        "Fri, 05 dec 2025 04:00:00 CET",
    ] {
        assert_eq!(twisted_http_date(form), want, "{form}");
    }
    for bad in ["0", "", "yesterday", "Fri, 05 Dec 1969 04:00:00 GMT"] {
        assert_eq!(twisted_http_date(bad), None, "{bad}");
    }
    // The spec side reads only the IMF-fixdate form here.
    assert_eq!(parse_imf_fixdate("Friday, 05-Dec-25 04:00:00 GMT"), None);
    assert_eq!(
        parse_imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777)
    );
    // Not a calendar date: refused, not rolled over into March.
    assert_eq!(parse_imf_fixdate("Sun, 31 Feb 1994 08:49:37 GMT"), None);
    assert_eq!(parse_imf_fixdate("0"), None);
    let h = headers(&[("expires", "Friday, 05-Dec-25 04:00:00 GMT")]);
    assert_eq!(synapse_header_period(&h, NOW), Some(7200));
}
