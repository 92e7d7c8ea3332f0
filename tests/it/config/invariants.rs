//! The invariants of every edit, over every fixture, several plans, with
//! and without --normalise: the result parses; nothing outside the
//! well-known settings changes (values and bytes); re-reading gives the
//! plan's values; a second run changes nothing.

use crate::support::config::{plan_with, seed_plan, support_plan, valid_fixtures};
use matrix_delegate::config_file::{
    Edit, EditError, EditOptions, EditTarget, edit, edit_for_plan, inspect,
};
use matrix_delegate::domain::{Plan, Strategy};
use proptest::prelude::*;
use proptest::strategy::Strategy as _;

const BOM: &str = "\u{feff}";

fn plans() -> Vec<(&'static str, Plan)> {
    vec![
        ("seed", seed_plan()),
        ("support", support_plan()),
        ("srv", plan_with(Strategy::Srv)),
        ("srv+well-known", plan_with(Strategy::SrvWellKnown)),
    ]
}

/// The document's values with every well-known setting removed (the ones
/// normalising comments out too, when it ran).
fn values_outside(text: &str, normalise: bool) -> toml::Table {
    let mut doc: toml::Table = text
        .strip_prefix(BOM)
        .unwrap_or(text)
        .parse()
        .expect("the text parses");
    if let Some(global) = doc.get_mut("global").and_then(|g| g.as_table_mut()) {
        global.remove("well_known");
        if normalise {
            global.retain(|k, _| {
                !(k.starts_with("well_known_")
                    && k != "well_known_timeout"
                    && k != "well_known_conn_timeout")
                    && k != "rtc_focus_server_urls"
            });
        }
    }
    if normalise {
        doc.remove("well_known");
    }
    if doc
        .get("global")
        .and_then(|g| g.as_table())
        .is_some_and(|g| g.is_empty())
    {
        doc.remove("global");
    }
    doc
}

/// A line the edit may touch: a well-known key (live or commented), a
/// header or key mentioning well_known, a line of a multi-line removed RTC
/// array, a blank separator (added only).
fn may_change(line: &str, in_rtc_array: bool) -> bool {
    let t = line.trim_start().trim_start_matches('#').trim_start();
    let keys = [
        "client",
        "server",
        "support_page",
        "support_role",
        "support_email",
        "support_mxid",
        "rtc_focus_server_urls",
    ];
    let is_key = keys.iter().any(|k| {
        t.strip_prefix(k)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    });
    is_key || t.contains("well_known") || in_rtc_array
}

/// The lines no edit may touch, in order, byte for byte (a CR of CRLF
/// included), and how many blank lines there are.
fn untouched_lines(text: &str) -> (Vec<&str>, usize) {
    let mut in_rtc = false;
    let mut kept = Vec::new();
    let mut blank = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let bare = line.trim_end_matches('\r');
        let uncommented = bare.trim_start().trim_start_matches('#');
        let starts_rtc = uncommented.starts_with("rtc_focus_server_urls");
        if bare.trim().is_empty() {
            blank += 1;
        } else if !may_change(bare, in_rtc) {
            kept.push(line);
        }
        if starts_rtc && bare.trim_end().ends_with('[') {
            in_rtc = true;
        } else if in_rtc && uncommented.trim_start().starts_with(']') {
            in_rtc = false;
        }
    }
    (kept, blank)
}

fn check_untouched_lines(name: &str, e: &Edit) {
    let (before, blank_before) = untouched_lines(&e.before);
    let (after, blank_after) = untouched_lines(&e.after);
    assert_eq!(
        before.len(),
        after.len(),
        "{name}: lines outside the section were added or removed"
    );
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        assert_eq!(b, a, "{name}: untouched line #{i} differs");
    }
    assert!(
        blank_after >= blank_before && blank_after <= blank_before + 2,
        "{name}: blank lines {blank_before} -> {blank_after}"
    );
}

fn check_format_kept(name: &str, e: &Edit) {
    assert_eq!(
        e.before.starts_with(BOM),
        e.after.starts_with(BOM),
        "{name}: BOM"
    );
    let crlf = |t: &str| t.matches("\r\n").count() * 2 > t.matches('\n').count();
    if crlf(&e.before) {
        assert_eq!(
            e.after.matches('\n').count(),
            e.after.matches("\r\n").count(),
            "{name}: a line lost its CRLF"
        );
    } else {
        assert!(
            !e.after.contains('\r') || e.before.contains('\r'),
            "{name}: CR added"
        );
    }
}

fn check_values(name: &str, e: &Edit, target: &EditTarget) {
    let before = inspect(&e.before, &[])
        .expect("before parses")
        .file_section();
    let after = inspect(&e.after, &[]).expect("after parses").file_section();
    let pairs = [
        (
            "client",
            &before.client,
            &after.client,
            &target.section.client,
        ),
        (
            "server",
            &before.server,
            &after.server,
            &target.section.server,
        ),
        (
            "support_page",
            &before.support_page,
            &after.support_page,
            &target.section.support_page,
        ),
        (
            "support_role",
            &before.support_role,
            &after.support_role,
            &target.section.support_role,
        ),
        (
            "support_email",
            &before.support_email,
            &after.support_email,
            &target.section.support_email,
        ),
        (
            "support_mxid",
            &before.support_mxid,
            &after.support_mxid,
            &target.section.support_mxid,
        ),
    ];
    for (key, old, new, wanted) in pairs {
        match wanted {
            Some(v) => assert_eq!(new.as_deref(), Some(v.as_str()), "{name}: {key}"),
            None if target.unset.contains(&key) => assert_eq!(*new, None, "{name}: {key} unset"),
            None => assert_eq!(new, old, "{name}: {key} must be kept"),
        }
    }
}

#[test]
fn every_fixture_every_plan() {
    let mut edits = 0;
    for (name, text) in valid_fixtures() {
        for (plan_name, plan) in plans() {
            for normalise in [false, true] {
                let label = format!("{name} / {plan_name} / normalise={normalise}");
                let options = EditOptions { normalise };
                let e = match edit_for_plan(&text, &plan, options, &[]) {
                    Ok(e) => e,
                    Err(EditError::ServerNameMismatch { .. })
                        if name == "server_name_mismatch.toml" =>
                    {
                        continue;
                    }
                    Err(err) => panic!("{label}: {err}"),
                };
                edits += 1;
                let target = EditTarget::from_plan(&plan);
                if let Err(err) = e
                    .after
                    .strip_prefix(BOM)
                    .unwrap_or(&e.after)
                    .parse::<toml_edit::DocumentMut>()
                {
                    panic!("{label}: result does not parse: {err}");
                }
                assert_eq!(
                    values_outside(&e.before, normalise),
                    values_outside(&e.after, normalise),
                    "{label}: a value outside the section changed"
                );
                check_untouched_lines(&label, &e);
                check_format_kept(&label, &e);
                check_values(&label, &e, &target);
                let again = edit_for_plan(&e.after, &plan, options, &[])
                    .unwrap_or_else(|err| panic!("{label}: second run: {err}"));
                assert!(
                    again.is_noop(),
                    "{label}: a second run changed:\n{}",
                    again.after
                );
                assert!(again.changes.is_empty(), "{label}: {:?}", again.changes);
            }
        }
    }
    assert!(edits >= 150, "only {edits} edits ran");
}

#[test]
fn the_large_file_keeps_every_untouched_byte() {
    let text = crate::support::config::fixture("large_generated.toml");
    assert!(
        text.lines().count() >= 2000,
        "the large fixture has ~2000 lines"
    );
    let e = edit_for_plan(&text, &support_plan(), EditOptions::default(), &[]).expect("edits");
    let marker = text.find("### APPENDED REFERENCE").expect("marker");
    let tail = &text[marker - 80..];
    assert!(
        e.after.ends_with(tail),
        "the appended example must stay byte-identical"
    );
    let first_change = text
        .find("client = \"https://example.com\"")
        .expect("client line");
    assert_eq!(&e.after[..first_change], &text[..first_change]);
    let diff = similar::TextDiff::from_lines(&e.before, &e.after);
    let changed = diff
        .iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Delete)
        .count();
    assert_eq!(changed, 6, "client replaced, five placeholders uncommented");
    assert_eq!(e.before.lines().count(), e.after.lines().count());
}

proptest! {
    #![proptest_config(crate::support::proptest_config::with_cases(64))]

    /// Any string value survives the trip into TOML and back, in every form.
    #[test]
    fn any_value_round_trips(client in "\\PC{0,40}", email in "[ -~]{0,30}", pick in 0usize..5) {
        let fixtures = ["table.toml", "placeholders.toml", "inline_table.toml", "dotted_keys.toml", "missing_with_tls.toml"];
        let text = crate::support::config::fixture(fixtures[pick]);
        let mut target = EditTarget::from_plan(&seed_plan());
        target.server_name = None;
        target.section.client = Some(client.clone());
        target.section.support_email = Some(email.clone());
        let e = edit(&text, &target, EditOptions::default(), &[]).expect("edits");
        let r = inspect(&e.after, &[]).expect("parses");
        prop_assert_eq!(r.file_section().client, Some(client));
        prop_assert_eq!(r.file_section().support_email, Some(email));
        prop_assert!(edit(&e.after, &target, EditOptions::default(), &[]).expect("again").is_noop());
    }
}

/// Config-like text: lines drawn from the shapes this module deals with
/// (many combinations are invalid TOML, which is fine too).
fn toml_soup() -> impl proptest::strategy::Strategy<Value = String> {
    let lines = prop::sample::select(vec![
        "[global]",
        "[global.well_known]",
        "[global.tls]",
        "[global.ldap]",
        "[well_known]",
        "#[global.well_known]",
        "[[global.well_known.rtc_transports]]",
        "server_name = \"example.com\"",
        "port = 8008",
        "client = \"https://old.example.com\" # c",
        "server = 'old.example.com:443'",
        "support_email = \"a@example.com\"",
        "clinet = 1",
        "well_known = { client = \"https://x\", server = \"x:443\" }",
        "well_known = {}",
        "well_known.client = \"https://d\"",
        "well_known.support_page = \"https://p\"",
        "well_known_client = \"https://dep\"",
        "rtc_focus_server_urls = [",
        "  { type = \"livekit\" },",
        "]",
        "type = \"livekit\"",
        "#client =",
        "#server =",
        "# server = \"doc:443\"",
        "# a comment",
        "\tenable = false",
        "",
        "",
    ]);
    let eol = prop::sample::select(vec!["\n", "\r\n"]);
    (
        prop::collection::vec(lines, 0..24),
        eol,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, eol, bom, final_eol)| {
            let mut text = if bom {
                "\u{feff}".to_string()
            } else {
                String::new()
            };
            text.push_str(&lines.join(eol));
            if final_eol && !lines.is_empty() {
                text.push_str(eol);
            }
            text
        })
}

proptest! {
    #![proptest_config(crate::support::proptest_config::with_cases(512))]

    /// Whatever the text, reading and editing never panic, and an edit that
    /// is offered parses and is stable.
    #[test]
    fn arbitrary_text_never_panics(text in toml_soup(), normalise in any::<bool>(), pick in 0usize..4) {
        let _ = inspect(&text, &[]);
        let mut target = EditTarget::from_plan(&plans()[pick].1);
        target.server_name = None;
        let result = edit(&text, &target, EditOptions { normalise }, &[]);
        if let Err(err @ EditError::Internal { .. }) = &result {
            prop_assert!(false, "an editor bug on {:?}: {}", text, err);
        }
        if let Ok(e) = result {
            let body = e.after.strip_prefix(BOM).unwrap_or(&e.after);
            prop_assert!(body.parse::<toml_edit::DocumentMut>().is_ok());
            let again = edit(&e.after, &target, EditOptions { normalise }, &[]);
            prop_assert!(again.is_ok_and(|a| a.is_noop()));
        }
    }
}
