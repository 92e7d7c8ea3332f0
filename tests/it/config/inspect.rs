//! Reading every shape of config file: each fixture's
//! report says where each value comes from and what is wrong.

use crate::support::config::fixture;
use matrix_delegate::config_file::env::EnvMeaning;
use matrix_delegate::config_file::{
    ConfigReport, SectionForm, ServerNameInFile, Severity, Source, inspect,
};

fn report(name: &str) -> ConfigReport {
    report_env(name, &[])
}

fn report_env(name: &str, env: &[(&str, &str)]) -> ConfigReport {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    inspect(&fixture(name), &env).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `(severity, line, start of message)` of every finding.
fn findings(r: &ConfigReport) -> Vec<(Severity, Option<usize>, String)> {
    r.findings
        .iter()
        .map(|f| (f.severity, f.line, f.message.chars().take(40).collect()))
        .collect()
}

fn has(r: &ConfigReport, severity: Severity, line: Option<usize>, text: &str) -> bool {
    r.findings
        .iter()
        .any(|f| f.severity == severity && f.line == line && f.message.contains(text))
}

fn file(line: usize) -> Source {
    Source::File { line }
}

#[test]
fn table_form_values_and_their_lines() {
    let r = report("table.toml");
    assert_eq!(r.form, SectionForm::Table { line: 15 });
    assert_eq!(r.server_name(), Some("example.com"));
    assert_eq!(
        r.server_name_in_file,
        ServerNameInFile::Set {
            value: "example.com".into(),
            line: 5
        }
    );
    assert_eq!(r.client(), Some("https://old.example.com"));
    assert_eq!(r.server(), Some("old.example.com:443"));
    let email = r.key("support_email").and_then(|k| k.effective.clone());
    assert_eq!(
        email.map(|s| (s.value, s.source)),
        Some(("admin@example.com".into(), file(21)))
    );
    assert_eq!(r.address.value, "[\"127.0.0.1\", \"::1\"]");
    assert_eq!(r.port.source, file(8));
    assert_eq!(r.allow_federation.source, Source::Default);
    assert!(r.federation_enabled());
    assert!(r.findings.is_empty(), "{:?}", r.findings);
}

#[test]
fn commented_keys_under_a_live_header_are_placeholders() {
    let r = report("placeholders.toml");
    assert_eq!(r.form, SectionForm::Table { line: 34 });
    let placeholders: Vec<_> = r.keys.iter().map(|k| (k.key, k.placeholder_line)).collect();
    assert_eq!(
        &placeholders[..6],
        &[
            ("client", Some(40)),
            ("server", Some(47)),
            ("support_page", Some(51)),
            ("support_role", Some(55)),
            ("support_email", Some(59)),
            ("support_mxid", Some(63)),
        ]
    );
    assert_eq!(r.client(), None);
    assert!(has(&r, Severity::Info, None, "client is not set"));
    assert!(has(&r, Severity::Info, None, "server is not set"));
}

#[test]
fn commented_header_means_nothing_is_set() {
    let r = report("commented_header.toml");
    assert_eq!(r.form, SectionForm::Missing);
    assert_eq!(r.client(), None);
    assert!(has(
        &r,
        Severity::Info,
        Some(8),
        "`#[global.well_known]` is commented out: nothing"
    ));
    assert_eq!(r.port.value, "6167");
}

#[test]
fn inline_table_in_global_is_read() {
    let r = report("inline_table.toml");
    assert_eq!(r.form, SectionForm::InlineTable { line: 4 });
    assert_eq!(r.client(), Some("https://chat.example.com"));
    assert_eq!(r.server(), Some("chat.example.com:443"));
    assert_eq!(
        r.effective_section().support_email.as_deref(),
        Some("ops@example.com")
    );
    assert!(r.findings.is_empty(), "{:?}", r.findings);
}

#[test]
fn dotted_keys_in_global_are_read() {
    let r = report("dotted_keys.toml");
    assert_eq!(r.form, SectionForm::DottedKeys { line: 6 });
    assert_eq!(r.client(), Some("https://chat.example.com"));
    let page = r.key("support_page").and_then(|k| k.in_file.clone());
    assert_eq!(page.map(|s| s.source), Some(file(7)));
    assert_eq!(r.server(), None);
}

#[test]
fn top_level_table_is_ignored_and_said_so() {
    let r = report("top_level_table.toml");
    assert_eq!(r.form, SectionForm::Missing);
    assert_eq!(r.client(), None, "a top-level [well_known] is not read");
    assert!(has(
        &r,
        Severity::Problem,
        Some(6),
        "top-level [well_known] table (client, server)"
    ));
    let f = r
        .findings
        .iter()
        .find(|f| f.line == Some(6))
        .expect("finding");
    assert_eq!(
        f.suggestion.as_deref(),
        Some("rename the header to [global.well_known]")
    );
}

#[test]
fn deprecated_global_keys_are_ignored_but_timeouts_are_not_deprecated() {
    let r = report("deprecated_keys.toml");
    assert_eq!(r.client(), None);
    assert_eq!(
        findings(&r)
            .iter()
            .filter(|f| f.0 == Severity::Problem)
            .count(),
        2,
        "{:?}",
        findings(&r)
    );
    assert!(has(
        &r,
        Severity::Problem,
        Some(5),
        "`well_known_client` is deprecated"
    ));
    assert!(has(
        &r,
        Severity::Problem,
        Some(6),
        "`well_known_server` is deprecated"
    ));
    assert!(
        !r.findings
            .iter()
            .any(|f| f.message.contains("well_known_timeout"))
    );
}

#[test]
fn removed_rtc_key_is_reported_with_its_replacement() {
    let r = report("removed_rtc.toml");
    assert!(has(
        &r,
        Severity::Problem,
        Some(9),
        "`rtc_focus_server_urls` was removed"
    ));
    let f = r
        .findings
        .iter()
        .find(|f| f.line == Some(9))
        .expect("finding");
    assert!(
        f.suggestion
            .as_deref()
            .is_some_and(|s| s.contains("[global.matrix_rtc]"))
    );
    assert_eq!(r.client(), Some("https://matrix.example.com"));
}

#[test]
fn unknown_keys_get_the_nearest_known_key() {
    let r = report("unknown_keys.toml");
    let suggestion = |line| {
        r.findings
            .iter()
            .find(|f| f.line == Some(line))
            .and_then(|f| f.suggestion.clone())
    };
    assert_eq!(suggestion(5).as_deref(), Some("did you mean `client`?"));
    assert_eq!(
        suggestion(7).as_deref(),
        Some("did you mean `support_email`?")
    );
    assert!(suggestion(8).is_some_and(|s| s.starts_with("the keys Continuwuity knows are")));
    assert!(has(
        &r,
        Severity::Info,
        Some(10),
        "`rtc_transports` is a tuwunel setting"
    ));
    assert_eq!(r.client(), None, "a misspelt key sets nothing");
}

#[test]
fn commented_server_name_probably_comes_from_the_environment() {
    let r = report("server_name_commented.toml");
    assert_eq!(
        r.server_name_in_file,
        ServerNameInFile::Commented { line: 3 }
    );
    assert_eq!(r.server_name(), None);
    assert!(has(
        &r,
        Severity::Warning,
        Some(3),
        "server_name is commented out"
    ));
    assert_eq!(r.key("server").and_then(|k| k.placeholder_line), Some(9));
    assert_eq!(r.address.value, "0.0.0.0");

    let r = report_env(
        "server_name_commented.toml",
        &[("CONTINUWUITY_SERVER_NAME", "example.com")],
    );
    assert_eq!(r.server_name(), Some("example.com"));
    assert_eq!(
        r.server_name.map(|s| s.source),
        Some(Source::Env {
            var: "CONTINUWUITY_SERVER_NAME".into()
        })
    );
    assert!(!r.findings.iter().any(|f| f.message.contains("server_name")));
}

#[test]
fn the_classic_value_mistakes() {
    let r = report("wrong_values.toml");
    assert!(!r.federation_enabled());
    assert!(has(
        &r,
        Severity::Warning,
        Some(3),
        "federation is disabled"
    ));
    assert!(has(&r, Severity::Warning, Some(6), "does not use https"));
    assert!(has(
        &r,
        Severity::Problem,
        Some(7),
        "must be host:port, without a scheme"
    ));
    assert!(has(&r, Severity::Warning, Some(8), "support_mxid"));
}

#[test]
fn live_keys_under_a_commented_header_belong_to_the_table_above() {
    let r = report("live_keys_under_commented_header.toml");
    assert_eq!(r.form, SectionForm::Missing);
    assert!(has(
        &r,
        Severity::Problem,
        Some(7),
        "belongs to [global.tls]"
    ));
    assert!(has(
        &r,
        Severity::Problem,
        Some(8),
        "belongs to [global.tls]"
    ));
}

#[test]
fn file_format_is_recognised() {
    let r = report("crlf.toml");
    assert!(r.crlf && !r.bom);
    assert_eq!(r.server(), Some("old.example.com:8448"));
    assert_eq!(r.key("client").and_then(|k| k.placeholder_line), Some(6));
    let r = report("bom_tabs.toml");
    assert!(r.bom && !r.crlf);
    assert_eq!(r.client(), Some("https://matrix.example.com"));
    assert_eq!(r.server_name(), Some("example.com"));
}

#[test]
fn invalid_toml_reports_line_and_column() {
    let err = inspect(&fixture("invalid.toml"), &[]).expect_err("invalid");
    let msg = err.to_string();
    assert!(msg.contains("line 5, column"), "{msg}");
}

#[test]
fn environment_overrides_and_their_wrong_shapes() {
    let r = report_env(
        "table.toml",
        &[
            ("CONTINUWUITY_WELL_KNOWN__CLIENT", "https://env.example.com"),
            ("CONDUWUIT_WELL_KNOWN__CLIENT", "https://weaker.example.com"),
            (
                "CONDUIT_WELL_KNOWN",
                "{ server=env.example.com:443, support_page=https://example.com/help }",
            ),
            ("CONTINUWUITY_WELL_KNOWN_SUPPORT_MXID", "@a:example.com"),
            (
                "CONDUWUIT_WELL_KNOWN",
                "{\"server\": \"json.example.com:443\"}",
            ),
            ("CONTINUWUITY_WELL_KNOWN__SUPORT_ROLE", "m.role.admin"),
            ("TUWUNEL_WELL_KNOWN__CLIENT", "https://tuwunel.example.com"),
            ("PATH", "/usr/bin"),
        ],
    );
    // The strongest prefix wins; the file's values lose.
    assert_eq!(r.client(), Some("https://env.example.com"));
    assert_eq!(
        r.key("client")
            .and_then(|k| k.effective.clone())
            .map(|s| s.source),
        Some(Source::Env {
            var: "CONTINUWUITY_WELL_KNOWN__CLIENT".into()
        })
    );
    // The figment dict form overrides the file key by key.
    assert_eq!(r.server(), Some("env.example.com:443"));
    assert_eq!(
        r.effective_section().support_page.as_deref(),
        Some("https://example.com/help")
    );
    assert_eq!(
        r.file_section().client.as_deref(),
        Some("https://old.example.com")
    );
    assert_eq!(r.env.len(), 7, "PATH is not relevant: {:?}", r.env);
    let json = r
        .env
        .iter()
        .find(|s| s.var == "CONDUWUIT_WELL_KNOWN")
        .map(|s| s.meaning.clone());
    assert_eq!(
        json,
        Some(EnvMeaning::SectionJson {
            entries: vec![("server".into(), "json.example.com:443".into())]
        })
    );
    assert!(has(
        &r,
        Severity::Problem,
        None,
        "CONDUWUIT_WELL_KNOWN holds JSON"
    ));
    assert!(has(
        &r,
        Severity::Problem,
        None,
        "CONTINUWUITY_WELL_KNOWN_SUPPORT_MXID has a single underscore"
    ));
    assert!(has(
        &r,
        Severity::Problem,
        None,
        "unknown key `suport_role`"
    ));
    assert!(has(
        &r,
        Severity::Info,
        None,
        "TUWUNEL_WELL_KNOWN__CLIENT is read by tuwunel only"
    ));
    assert!(has(
        &r,
        Severity::Info,
        None,
        "CONTINUWUITY_WELL_KNOWN__CLIENT sets client"
    ));
}

#[test]
fn inspect_file_reads_from_disk() {
    let path = crate::support::config::fixture_dir().join("table.toml");
    let r = matrix_delegate::config_file::inspect_file(&path, &[]).expect("reads");
    assert_eq!(r.server(), Some("old.example.com:443"));
    let bad = crate::support::config::fixture_dir().join("invalid.toml");
    let err = matrix_delegate::config_file::inspect_file(&bad, &[]).expect_err("invalid");
    assert!(
        err.to_string()
            .contains("invalid.toml: the file is not valid TOML: line 5"),
        "{err}"
    );
}

/// Texts the TOML parser under the editor (toml_edit 0.23) panics on are
/// refused as invalid TOML, with the line, by the reader and the editor
/// alike. (Found by the `config_edit` fuzz target.)
#[test]
fn texts_that_crash_toml_edit_are_refused_as_invalid() {
    use matrix_delegate::config_file::{ConfigError, EditError, EditOptions, edit_for_plan};
    for text in ["==\n.=", "[global]\nserver_name = \"example.com\"\n==\n.="] {
        let line = text.lines().count() - 1;
        match inspect(text, &[]) {
            Err(ConfigError::InvalidToml { line: l, .. }) => assert_eq!(l, line, "{text:?}"),
            other => panic!("{text:?}: {other:?}"),
        }
        let err = edit_for_plan(
            text,
            &crate::support::config::seed_plan(),
            EditOptions::default(),
            &[],
        )
        .expect_err("refused");
        assert!(
            matches!(err, EditError::Config(ConfigError::InvalidToml { .. })),
            "{err:?}"
        );
    }
}

/// A `server_name` that is not a string (a number, an inline table, even
/// one spread over lines) is reported as set on its line with a problem
/// (Continuwuity refuses to start); dotted keys under the name make it a
/// table, which is not a server name at all. (Found by the
/// `config_inspect` fuzz target: `server_name = {` newline `}`.)
#[test]
fn a_server_name_that_is_not_a_string_is_a_problem() {
    for (text, shown) in [
        ("[global]\nserver_name = 5\n", "5"),
        ("[global]\nserver_name = {}\n", "{}"),
        ("[global]\nserver_name = {\n}\n", "{\n}"),
    ] {
        let r = inspect(text, &[]).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(
            r.server_name_in_file,
            ServerNameInFile::Set {
                value: shown.to_string(),
                line: 2
            },
            "{text:?}"
        );
        assert!(
            has(
                &r,
                Severity::Problem,
                Some(2),
                "server_name must be a string"
            ),
            "{text:?}: {:?}",
            findings(&r)
        );
    }
    let r = inspect("[global]\nserver_name = \"example.com\"\n", &[]).expect("valid");
    assert!(!has(&r, Severity::Problem, Some(2), "must be a string"));
    let r = inspect("[global]\nserver_name.x = \"a\"\n", &[]).expect("valid");
    assert_eq!(r.server_name_in_file, ServerNameInFile::Missing);
}
