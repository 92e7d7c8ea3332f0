//! Editing every shape of config file, checked against
//! the exact text that must come out.

use crate::support::config::{fixture, plan_with, seed_plan, support_plan};
use matrix_delegate::config_file::{
    ConfigError, Edit, EditError, EditOptions, edit_for_plan, inspect,
};
use matrix_delegate::domain::{Plan, Strategy};

fn run(name: &str, plan: &Plan, normalise: bool) -> Edit {
    edit_for_plan(&fixture(name), plan, EditOptions { normalise }, &[])
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The lines of `after` that are not in `before` and vice versa, in order.
fn changed_lines(e: &Edit) -> (Vec<String>, Vec<String>) {
    let diff = similar::TextDiff::from_lines(&e.before, &e.after);
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for c in diff.iter_all_changes() {
        let line = c.value().trim_end_matches(['\n', '\r']).to_string();
        match c.tag() {
            similar::ChangeTag::Delete => removed.push(line),
            similar::ChangeTag::Insert => added.push(line),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

#[test]
fn values_are_replaced_in_place_keeping_trailing_comments() {
    let e = run("table.toml", &seed_plan(), false);
    let (removed, added) = changed_lines(&e);
    assert_eq!(
        removed,
        vec![
            "client = \"https://old.example.com\"  # set during the 2023 migration",
            "server = \"old.example.com:443\"    # keep the port!",
        ]
    );
    assert_eq!(
        added,
        vec![
            "client = \"https://matrix.example.com\"  # set during the 2023 migration",
            "server = \"matrix.example.com:443\"    # keep the port!",
        ]
    );
    // support_email is not in the plan: left as it is.
    assert!(e.after.contains("support_email = \"admin@example.com\"\n"));
    assert_eq!(e.changes.len(), 2);
    assert_eq!(e.changes[0].line, 17);
}

#[test]
fn new_keys_follow_the_documented_order() {
    let e = run("table.toml", &support_plan(), false);
    let section: Vec<&str> = e
        .after
        .lines()
        .skip_while(|l| *l != "[global.well_known]")
        .take_while(|l| !l.starts_with("[global.matrix_rtc]"))
        .collect();
    assert_eq!(
        section,
        vec![
            "[global.well_known]",
            "# Where clients should connect.",
            "client = \"https://matrix.example.com\"  # set during the 2023 migration",
            "",
            "# Federation endpoint, port is mandatory.",
            "server = \"matrix.example.com:443\"    # keep the port!",
            "support_page = \"https://example.com/support\"",
            "support_role = \"m.role.security\"",
            "support_email = \"security@example.com\"",
            "support_mxid = \"@admin:example.com\"",
            "",
        ]
    );
}

#[test]
fn commented_placeholders_become_live_lines_where_they_are() {
    let before = fixture("placeholders.toml");
    let e = run("placeholders.toml", &seed_plan(), false);
    let expected = before
        .replace(
            "\n#client =\n",
            "\nclient = \"https://matrix.example.com\"\n",
        )
        .replace("\n#server =\n", "\nserver = \"matrix.example.com:443\"\n");
    assert_eq!(e.after, expected);
    let lines: Vec<usize> = e.changes.iter().map(|c| c.line).collect();
    assert_eq!(lines, vec![40, 47]);
}

#[test]
fn a_placeholder_with_a_default_value_is_replaced_too() {
    let e = run("placeholders.toml", &support_plan(), false);
    assert!(e.after.contains("\nsupport_role = \"m.role.security\"\n"));
    assert!(!e.after.contains("#support_role"));
}

#[test]
fn a_missing_section_goes_right_after_global_tls() {
    let e = run("missing_with_tls.toml", &seed_plan(), false);
    let expected = fixture("missing_with_tls.toml").replace(
        "#key = \"/etc/ssl/matrix.key\"\n\n",
        "#key = \"/etc/ssl/matrix.key\"\n\n[global.well_known]\nclient = \
         \"https://matrix.example.com\"\nserver = \"matrix.example.com:443\"\n\n",
    );
    assert_eq!(e.after, expected);
    assert_eq!(
        e.changes[0].description,
        "[global.well_known] created after [global.tls] with 2 line(s)"
    );
}

#[test]
fn a_missing_section_goes_after_the_global_tables_before_other_ones() {
    let e = run("top_level_table.toml", &seed_plan(), false);
    let expected = fixture("top_level_table.toml").replace(
        "\n\n# This table is outside",
        "\n\n[global.well_known]\nclient = \"https://matrix.example.com\"\nserver = \
         \"matrix.example.com:443\"\n\n# This table is outside",
    );
    assert_eq!(e.after, expected);
}

#[test]
fn a_commented_example_below_stays_byte_identical() {
    let before = fixture("missing_no_tls.toml");
    let e = run("missing_no_tls.toml", &seed_plan(), false);
    assert!(
        e.after.starts_with(&before),
        "the whole original text is kept as it was"
    );
    assert_eq!(
        &e.after[before.len()..],
        "\n[global.well_known]\nclient = \"https://matrix.example.com\"\nserver = \
         \"matrix.example.com:443\"\n"
    );
}

#[test]
fn a_commented_header_is_left_alone_and_a_live_section_added() {
    let before = fixture("commented_header.toml");
    let e = run("commented_header.toml", &seed_plan(), false);
    assert!(e.after.starts_with(&before));
    assert!(e.after.ends_with("\n\n[global.well_known]\nclient = \"https://matrix.example.com\"\nserver = \"matrix.example.com:443\"\n"));
}

#[test]
fn inline_table_is_edited_in_place() {
    let e = run("inline_table.toml", &seed_plan(), false);
    let (removed, added) = changed_lines(&e);
    assert_eq!(removed.len(), 1);
    assert_eq!(
        added,
        vec![
            "well_known = { client = \"https://matrix.example.com\", server = \
             \"matrix.example.com:443\", support_email = \"ops@example.com\" } # delegation"
        ]
    );
}

#[test]
fn inline_table_is_normalised_when_asked() {
    let e = run("inline_table.toml", &seed_plan(), true);
    assert_eq!(
        e.after,
        "[global]\nserver_name = \"example.com\"\ndatabase_path = \"/var/lib/continuwuity\"\n\
         allow_federation = true\n\n[global.tls]\n\n[global.well_known] # delegation\n\
         client = \"https://matrix.example.com\"\nserver = \"matrix.example.com:443\"\n\
         support_email = \"ops@example.com\"\n"
    );
}

#[test]
fn dotted_keys_are_edited_in_place_or_normalised() {
    let e = run("dotted_keys.toml", &seed_plan(), false);
    let (removed, added) = changed_lines(&e);
    assert_eq!(
        removed,
        vec!["well_known.client = \"https://chat.example.com\"   # clients"]
    );
    assert_eq!(
        added,
        vec![
            "well_known.client = \"https://matrix.example.com\"   # clients",
            "well_known.server = \"matrix.example.com:443\"",
        ]
    );
    let e = run("dotted_keys.toml", &seed_plan(), true);
    assert!(!e.after.contains("well_known."));
    assert!(e.after.ends_with(
        "new_user_displayname_suffix = \"\"\n\n[global.well_known]\nclient = \
         \"https://matrix.example.com\"\nserver = \"matrix.example.com:443\"\n\
         support_page = \"https://example.com/help\"\n"
    ));
}

#[test]
fn dotted_keys_with_a_sub_table_header_get_new_keys_among_the_dotted_lines() {
    // A table made of dotted keys may still have `[global.well_known.<key>]`
    // sub-tables; a new key goes after the last dotted line, never under
    // the sub-table's header (where it would become a key of the sub-table).
    let text = "global.well_known.support_page = \"https://example.com/help\"\n\
                [global.well_known.extra]\nx = 1\n";
    let e = edit_for_plan(text, &seed_plan(), EditOptions::default(), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        e.after,
        "global.well_known.support_page = \"https://example.com/help\"\n\
         global.well_known.client = \"https://matrix.example.com\"\n\
         global.well_known.server = \"matrix.example.com:443\"\n\
         [global.well_known.extra]\nx = 1\n"
    );
    let e = edit_for_plan(text, &seed_plan(), EditOptions { normalise: true }, &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        e.after,
        "[global.well_known]\nclient = \"https://matrix.example.com\"\n\
         server = \"matrix.example.com:443\"\nsupport_page = \"https://example.com/help\"\n\n\
         [global.well_known.extra]\nx = 1\n"
    );
}

#[test]
fn normalising_comments_out_what_continuwuity_ignores() {
    let e = run("top_level_table.toml", &seed_plan(), true);
    assert!(
        e.after
            .contains("\n#[well_known]\n#client = \"https://matrix.example.com\"\n")
    );
    let e = run("deprecated_keys.toml", &seed_plan(), true);
    assert!(e.after.contains("\n#well_known_client = "));
    assert!(e.after.contains("\n#well_known_server = "));
    assert!(
        e.after.contains("\nwell_known_timeout = 10\n"),
        "a real setting stays"
    );
    let e = run("removed_rtc.toml", &seed_plan(), true);
    assert!(e.after.contains(
        "#rtc_focus_server_urls = [\n    #{ type = \"livekit\", livekit_service_url = \
         \"https://livekit.example.com\" },\n#]\n"
    ));
    // Without --normalise they stay as they are.
    let e = run("removed_rtc.toml", &seed_plan(), false);
    assert!(e.is_noop(), "{}", e.after);
}

#[test]
fn strategy_without_m_server_comments_out_a_stale_server() {
    let srv = plan_with(Strategy::Srv);
    let e = run("table.toml", &srv, false);
    assert!(
        e.after
            .contains("\n#server = \"old.example.com:443\"    # keep the port!\n")
    );
    let report = inspect(&e.after, &[]).expect("parses");
    assert_eq!(report.server(), None);
    let e = run("inline_table.toml", &srv, false);
    assert!(e.after.contains(
        "well_known = { client = \"https://matrix.example.com\", support_email = \
         \"ops@example.com\" } # delegation"
    ));
    let e = run("placeholders.toml", &srv, false);
    assert!(
        e.after.contains("\n#server =\n"),
        "an unset placeholder stays unset"
    );
}

#[test]
fn crlf_bom_and_tabs_are_kept() {
    let e = run("crlf.toml", &support_plan(), false);
    assert_eq!(
        e.after.matches('\n').count(),
        e.after.matches("\r\n").count()
    );
    assert!(e.after.contains("\r\nclient = \"https://matrix.example.com\"\r\nserver = \"matrix.example.com:443\"\r\nsupport_page"));
    let e = run("bom_tabs.toml", &seed_plan(), false);
    assert!(e.after.starts_with("\u{feff}[global]\n\tserver_name"));
    assert!(e.after.contains(
        "\tclient = \"https://matrix.example.com\"\t# tabbed\n\tserver = \"matrix.example.com:443\"\n"
    ));
}

#[test]
fn files_without_a_final_newline() {
    let e = run("no_trailing_newline.toml", &seed_plan(), false);
    assert_eq!(
        e.after,
        "[global]\nserver_name = \"example.com\"\naddress = \"127.0.0.1\"\n\n[global.well_known]\n\
         client = \"https://matrix.example.com\"\nserver = \"matrix.example.com:443\"\n"
    );
    let e = run("empty_section_eof.toml", &seed_plan(), false);
    assert_eq!(
        e.after,
        "[global]\nserver_name = \"example.com\"\n\n[global.well_known]\n\
         client = \"https://matrix.example.com\"\nserver = \"matrix.example.com:443\"\n"
    );
}

#[test]
fn unknown_keys_are_left_for_the_operator() {
    let e = run("unknown_keys.toml", &seed_plan(), false);
    let (removed, added) = changed_lines(&e);
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(added, vec!["client = \"https://matrix.example.com\""]);
    assert!(e.after.contains("clinet = "));
    assert!(e.after.contains("[[global.well_known.rtc_transports]]"));
}

#[test]
fn another_server_name_is_refused() {
    let err = edit_for_plan(
        &fixture("server_name_mismatch.toml"),
        &seed_plan(),
        EditOptions::default(),
        &[],
    )
    .expect_err("refused");
    match &err {
        EditError::ServerNameMismatch {
            found,
            wanted,
            line,
        } => {
            assert_eq!(
                (found.as_str(), wanted.as_str(), *line),
                ("chat.example.org", "example.com", 2)
            );
        }
        other => panic!("expected a server name mismatch, got {other:?}"),
    }
    assert!(err.to_string().contains("cannot change without wiping"));

    let env = vec![(
        "CONTINUWUITY_SERVER_NAME".to_string(),
        "example.org".to_string(),
    )];
    let err = edit_for_plan(
        &fixture("table.toml"),
        &seed_plan(),
        EditOptions::default(),
        &env,
    )
    .expect_err("refused");
    assert!(
        matches!(err, EditError::ServerNameMismatchEnv { .. }),
        "{err:?}"
    );
}

#[test]
fn a_commented_server_name_is_not_guessed() {
    let e = run("server_name_commented.toml", &seed_plan(), false);
    assert_eq!(e.notes.len(), 1);
    assert!(e.notes[0].contains("make sure the homeserver's server_name is `example.com`"));
    let env = vec![(
        "CONTINUWUITY_SERVER_NAME".to_string(),
        "example.com".to_string(),
    )];
    let e = edit_for_plan(
        &fixture("server_name_commented.toml"),
        &seed_plan(),
        EditOptions::default(),
        &env,
    )
    .expect("same name in the environment");
    assert!(e.notes.is_empty(), "{:?}", e.notes);
}

#[test]
fn environment_overrides_are_pointed_out() {
    let env = vec![(
        "CONTINUWUITY_WELL_KNOWN__CLIENT".to_string(),
        "https://elsewhere.example.com".to_string(),
    )];
    let e = edit_for_plan(
        &fixture("table.toml"),
        &seed_plan(),
        EditOptions::default(),
        &env,
    )
    .expect("edits");
    assert_eq!(e.notes.len(), 1, "{:?}", e.notes);
    assert!(e.notes[0].starts_with("CONTINUWUITY_WELL_KNOWN__CLIENT sets client"));
}

#[test]
fn unusable_input_is_refused_with_the_reason() {
    let err = edit_for_plan(
        &fixture("invalid.toml"),
        &seed_plan(),
        EditOptions::default(),
        &[],
    )
    .expect_err("invalid");
    assert!(
        matches!(
            err,
            EditError::Config(ConfigError::InvalidToml { line: 5, .. })
        ),
        "{err:?}"
    );
    let text = "[global]\nserver_name = \"example.com\"\nwell_known = \"https://x\"\n";
    let err = edit_for_plan(text, &seed_plan(), EditOptions::default(), &[]).expect_err("refused");
    assert!(
        matches!(err, EditError::Unsupported { line: 3, .. }),
        "{err:?}"
    );
}

/// A key the plan sets (or comments out) that the file holds as a table has
/// no `key = value` line to change; adding one would define it twice.
/// (Found by the `config_edit` fuzz target: the editor's own last check
/// caught the duplicate key and asked for a bug report.)
#[test]
fn a_key_held_as_a_table_is_refused_with_its_line() {
    let head = "[global]\nserver_name = \"example.com\"\n";
    let cases = [
        (
            "[global.well_known.client]\nx = 1\n[global.well_known]\nserver = \"s:443\"\n",
            3,
        ),
        ("[global.well_known]\nclient.x = 1\n", 4),
        ("[[global.well_known.client]]\nx = 1\n", 3),
        (
            "well_known.server = \"s:443\"\nwell_known.client.x = 1\n",
            4,
        ),
        ("well_known = { server = \"s:443\", client.x = 1 }\n", 3),
        ("[global.well_known.client]\n", 3),
    ];
    for (section, line) in cases {
        let text = format!("{head}{section}");
        for normalise in [false, true] {
            let err = edit_for_plan(&text, &seed_plan(), EditOptions { normalise }, &[])
                .expect_err("refused");
            match &err {
                EditError::Unsupported { line: l, message } => {
                    assert_eq!(*l, line, "{text:?}: {err}");
                    assert!(message.contains("`client`"), "{message}");
                }
                other => panic!("{text:?} (normalise={normalise}): {other:?}"),
            }
        }
    }
    // The srv strategy comments `server` out: a table `server` is refused too.
    let text = format!("{head}[global.well_known.server]\nx = 1\n");
    let err = edit_for_plan(
        &text,
        &plan_with(Strategy::Srv),
        EditOptions::default(),
        &[],
    )
    .expect_err("refused");
    assert!(
        matches!(&err, EditError::Unsupported { line: 3, message } if message.contains("`server`")),
        "{err:?}"
    );
    // A plain `client = { .. }` value is a line to replace: edited as usual.
    let text = format!("{head}[global.well_known]\nclient = {{ x = 1 }}\n");
    let e = edit_for_plan(&text, &seed_plan(), EditOptions::default(), &[]).expect("edits");
    assert!(e.after.contains("client = \"https://"), "{}", e.after);
}

/// Removing entries from an inline table takes each comma once, whichever
/// entries go and whatever is added. (Found by the `config_edit` fuzz
/// target: two adjacent removals at the end both took the comma between
/// them, and removing the only entry before adding others left `{, `.)
#[test]
fn inline_removals_take_each_comma_once() {
    use matrix_delegate::config_file::{EditTarget, edit};
    use matrix_delegate::domain::plan::WellKnownSection;
    let head = "[global]\nserver_name = \"example.com\"\n";
    let target = |section: WellKnownSection, unset: Vec<&'static str>| EditTarget {
        server_name: None,
        section,
        unset,
    };
    let cases = [
        (
            "well_known = { client = \"c\", server = \"s:443\", support_role = \"r\" } # x\n",
            target(WellKnownSection::default(), vec!["server", "support_role"]),
            "well_known = { client = \"c\" } # x\n",
        ),
        (
            "well_known = { client = \"c\", server = \"s:443\", support_role = \"r\" }\n",
            target(WellKnownSection::default(), vec!["client", "server"]),
            "well_known = { support_role = \"r\" }\n",
        ),
        (
            "well_known = { client = \"c\", server = \"s:443\", support_role = \"r\" }\n",
            target(WellKnownSection::default(), vec!["server"]),
            "well_known = { client = \"c\", support_role = \"r\" }\n",
        ),
        (
            "well_known ={client= \"\"}\n",
            target(
                WellKnownSection {
                    server: Some("m.example.com:443".into()),
                    ..WellKnownSection::default()
                },
                vec!["client"],
            ),
            "well_known ={server = \"m.example.com:443\"}\n",
        ),
        (
            "well_known = { client = \"c\", server = \"s:443\" }\n",
            target(WellKnownSection::default(), vec!["client", "server"]),
            "well_known = {  }\n",
        ),
    ];
    for (section, target, expected) in cases {
        let text = format!("{head}{section}");
        let e = edit(&text, &target, EditOptions::default(), &[])
            .unwrap_or_else(|err| panic!("{text:?}: {err}"));
        assert_eq!(e.after, format!("{head}{expected}"), "{text:?}");
        let again = edit(&e.after, &target, EditOptions::default(), &[]).expect("again");
        assert!(again.is_noop(), "{}", again.after);
    }
    // Dotted keys inside the inline table: no comma arithmetic, a refusal.
    let text = format!("{head}well_known = {{ server = \"s:443\", x.y = 1 }}\n");
    let err = edit(
        &text,
        &target(WellKnownSection::default(), vec!["server"]),
        EditOptions::default(),
        &[],
    )
    .expect_err("refused");
    assert!(
        matches!(err, EditError::Unsupported { line: 3, .. }),
        "{err:?}"
    );
    // Nor does --normalise move such a table: its dotted entries have no
    // `key = value` text of their own to carry over. (Found by the fuzz
    // target too: the moved table lost the value of `l.e`.)
    let text = format!("{head}well_known ={{ l.e=\"\"}}\n");
    let err = edit(
        &text,
        &target(WellKnownSection::default(), vec!["server"]),
        EditOptions { normalise: true },
        &[],
    )
    .expect_err("refused");
    assert!(
        matches!(err, EditError::Unsupported { line: 3, .. }),
        "{err:?}"
    );
}

/// `global` written as a value (a string, an inline table) cannot take a
/// `[global.well_known]` header: refused with its line. (Found by the
/// `config_edit` fuzz target: the editor appended a header that made the
/// file invalid, and its own last check caught it.)
#[test]
fn global_written_as_a_value_is_refused() {
    for (text, what) in [
        ("global=\"\"", "string"),
        (
            "# c\nglobal = { server_name = \"example.com\" }\n",
            "inline table",
        ),
        (
            "global = { server_name = \"example.com\", well_known = { client = \"x\" } }\n",
            "inline table",
        ),
    ] {
        let err =
            edit_for_plan(text, &seed_plan(), EditOptions::default(), &[]).expect_err("refused");
        match &err {
            EditError::Unsupported { line, message } => {
                assert_eq!(*line, text.lines().count(), "{text:?}");
                assert!(message.contains(what), "{message}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn a_bare_section_can_be_applied_without_a_plan() {
    use matrix_delegate::config_file::{EditTarget, edit};
    use matrix_delegate::domain::plan::WellKnownSection;
    let section = WellKnownSection {
        support_mxid: Some("@ops:example.com".into()),
        ..WellKnownSection::default()
    };
    let e = edit(
        &fixture("table.toml"),
        &EditTarget::from_section(section),
        EditOptions::default(),
        &[],
    )
    .expect("edits");
    let (removed, added) = changed_lines(&e);
    assert!(removed.is_empty());
    assert_eq!(added, vec!["support_mxid = \"@ops:example.com\""]);
}

/// TOML 1.1 allows a comma after an inline table's last entry, and a
/// comment or line break after it: entries are added before that comma,
/// and removing every entry takes it too. (Found by the `config_edit`
/// fuzz target: `well_known ={client= "",}` became `{,}` or `"",, server`.)
#[test]
fn inline_tables_with_a_trailing_comma_stay_valid() {
    use matrix_delegate::config_file::{EditTarget, edit};
    use matrix_delegate::domain::plan::WellKnownSection;
    let head = "[global]\nserver_name = \"example.com\"\n";
    let server = || WellKnownSection {
        server: Some("m.example.com:443".into()),
        ..WellKnownSection::default()
    };
    let target = |section: WellKnownSection, unset: Vec<&'static str>| EditTarget {
        server_name: None,
        section,
        unset,
    };
    let cases = [
        (
            "well_known ={client= \"\",}\n",
            target(WellKnownSection::default(), vec!["client"]),
            "well_known ={}\n",
        ),
        (
            "well_known ={client= \"\",}\n",
            target(server(), vec!["client"]),
            "well_known ={server = \"m.example.com:443\"}\n",
        ),
        (
            "well_known ={client= \"\",}\n",
            target(server(), vec![]),
            "well_known ={client= \"\", server = \"m.example.com:443\",}\n",
        ),
        (
            "well_known = { client = \"c\", support_role = \"r\", }\n",
            target(server(), vec!["support_role"]),
            "well_known = { client = \"c\", server = \"m.example.com:443\", }\n",
        ),
        (
            "well_known = {\n  client = \"c\", # the web client\n}\n",
            target(server(), vec![]),
            "well_known = {\n  client = \"c\", server = \"m.example.com:443\", # the web client\n}\n",
        ),
    ];
    for (section, target, expected) in cases {
        let text = format!("{head}{section}");
        let e = match edit(&text, &target, EditOptions::default(), &[]) {
            Ok(e) => e,
            // TOML 1.0 parsers may refuse the input itself: not the case here.
            Err(err) => panic!("{text:?}: {err}"),
        };
        assert_eq!(e.after, format!("{head}{expected}"), "{text:?}");
        assert!(e.after.parse::<toml::Table>().is_ok(), "{}", e.after);
        let again = edit(&e.after, &target, EditOptions::default(), &[]).expect("again");
        assert!(again.is_noop(), "{}", again.after);
    }
}

/// A dotted key inside the inline table (`{ server = "s", x.y = 1 }`) is
/// not a value of its own, but new entries still go after the values
/// under it, wherever they end. (Found by the `config_edit` fuzz target:
/// the new entries landed between `x` and `.y`, which does not parse.)
#[test]
fn inline_tables_with_dotted_keys_get_entries_after_their_values() {
    use matrix_delegate::config_file::{EditTarget, edit};
    use matrix_delegate::domain::plan::WellKnownSection;
    let head = "[global]\nserver_name = \"example.com\"\n";
    let target = EditTarget {
        server_name: Some("example.com".into()),
        section: WellKnownSection {
            client: Some("https://matrix.example.com".into()),
            server: Some("matrix.example.com:443".into()),
            ..WellKnownSection::default()
        },
        unset: vec![],
    };
    let cases = [
        (
            "well_known = { server = \"s:443\",lient.x = 1 }\n",
            "well_known = { server = \"matrix.example.com:443\",lient.x = 1, \
             client = \"https://matrix.example.com\" }\n",
        ),
        (
            "well_known = { a.x = 1, server = \"s:443\", a.y.z = 2, }\n",
            "well_known = { a.x = 1, server = \"matrix.example.com:443\", a.y.z = 2, \
             client = \"https://matrix.example.com\", }\n",
        ),
    ];
    for (section, expected) in cases {
        let text = format!("{head}{section}");
        let e = match edit(&text, &target, EditOptions::default(), &[]) {
            Ok(e) => e,
            Err(err) => panic!("{text:?}: {err}"),
        };
        assert_eq!(e.after, format!("{head}{expected}"), "{text:?}");
        let parsed: toml::Table = match e.after.parse() {
            Ok(t) => t,
            Err(err) => panic!("{err}\n{}", e.after),
        };
        let well_known = &parsed["global"]["well_known"];
        assert_eq!(
            well_known["client"].as_str(),
            Some("https://matrix.example.com")
        );
        let again = edit(&e.after, &target, EditOptions::default(), &[]).expect("again");
        assert!(again.is_noop(), "{}", again.after);
    }
}

#[test]
fn an_array_of_tables_for_the_section_is_refused_before_any_change() {
    let text = "[global]\nserver_name = \"example.com\"\n\n[[global.well_known]]\nclient = \"x\"\n";
    match edit_for_plan(text, &seed_plan(), EditOptions::default(), &[]) {
        Err(EditError::Unsupported { line, message }) => {
            assert_eq!(line, 4);
            assert!(message.contains("array of tables"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn nan_values_elsewhere_do_not_stop_the_edit() {
    // TOML has NaN literals; NaN is unequal to itself, and the editor's
    // own last check once called an untouched `nan` a change.
    let text = "[global]\nserver_name = \"example.com\"\nratio = nan\n\
                [global.well_known]\nlimits = [nan, { x = -nan }]\n";
    let e = edit_for_plan(text, &seed_plan(), EditOptions::default(), &[])
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(e.after.contains("ratio = nan\n"), "{}", e.after);
    assert!(
        e.after.contains("limits = [nan, { x = -nan }]"),
        "{}",
        e.after
    );
    assert!(e.after.contains("server = "), "{}", e.after);
    let again = edit_for_plan(&e.after, &seed_plan(), EditOptions::default(), &[])
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(again.is_noop(), "{}", again.after);
}

#[test]
fn normalising_an_inline_table_puts_each_key_and_value_on_one_line() {
    // The reader takes line breaks between `=` and the value inside an
    // inline table; a table's key/value pair must be on one line.
    let text = "[global]\nserver_name = \"example.com\"\n\
                well_known = { client = \"https://m.example.com\", extra =\n\n\"x\" }\n";
    let e = edit_for_plan(text, &seed_plan(), EditOptions { normalise: true }, &[])
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(e.after.contains("[global.well_known]"), "{}", e.after);
    assert!(e.after.contains("\nextra = \"x\"\n"), "{}", e.after);
    let doc: toml::Table = e.after.parse().unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(doc["global"]["well_known"]["extra"].as_str(), Some("x"));
    let again = edit_for_plan(&e.after, &seed_plan(), EditOptions { normalise: true }, &[])
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(again.is_noop(), "{}", again.after);
}

#[test]
fn a_new_key_before_an_unset_one_stays_a_live_line() {
    // support_mxid goes after support_email, which is exactly where the
    // support_role line to comment out starts: the new line must not
    // receive the `#`.
    use matrix_delegate::config_file::{EditTarget, edit};
    use matrix_delegate::domain::plan::WellKnownSection;
    let text = "[global.well_known]\nsupport_email = \"admin@example.com\"\n\
                support_role = \"m.role.security\"\n";
    let target = EditTarget {
        server_name: None,
        section: WellKnownSection {
            support_mxid: Some("@admin:example.com".into()),
            ..WellKnownSection::default()
        },
        unset: vec!["support_role"],
    };
    let e = edit(text, &target, EditOptions::default(), &[]).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        e.after,
        "[global.well_known]\nsupport_email = \"admin@example.com\"\n\
         support_mxid = \"@admin:example.com\"\n#support_role = \"m.role.security\"\n"
    );
    let again = edit(&e.after, &target, EditOptions::default(), &[]).expect("again");
    assert!(again.is_noop(), "{}", again.after);
}

#[test]
fn global_as_an_array_of_tables_is_refused_before_any_change() {
    // `[[global]]` then `[global.well_known]` would extend the array's last
    // element, which the homeserver does not read as [global].
    let text = "[[global]]\nserver_name = \"example.com\"\n\n[[global]]\nport = 1\n";
    match edit_for_plan(text, &seed_plan(), EditOptions::default(), &[]) {
        Err(EditError::Unsupported { line, message }) => {
            assert_eq!(line, 1);
            assert!(message.contains("[[global]]"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}
