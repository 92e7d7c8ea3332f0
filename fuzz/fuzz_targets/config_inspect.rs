//! The config inspector (`config_file::inspect`, what `config show`,
//! `check --config` and the wizard read a homeserver config with) on any
//! text and environment: it never panics, and what it reports is in the
//! input. Time is bounded by libFuzzer's `-timeout`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use matrix_delegate::config_file::{
    ConfigError, ConfigReport, ServerNameInFile, Setting, Source, inspect,
};
use matrix_delegate_fuzz::input::{self, InspectChoices};
use matrix_delegate_fuzz::view::{self, KNOWN_KEYS};
use matrix_delegate_fuzz::{BOM, body};

fuzz_target!(|data: &[u8]| {
    let (text, mut u) = input::split(data);
    let choices: InspectChoices = input::choices(&mut u);
    let env = input::env(&choices.env);
    let body = body(&text);
    let lines = view::line_count(body);
    match inspect(&text, &env) {
        Err(ConfigError::InvalidToml { line, column, .. }) => {
            assert!(
                view::values(body).is_none(),
                "refused as invalid TOML, but the text parses"
            );
            assert!((1..=lines).contains(&line), "error line {line} of {lines}");
            assert!(column >= 1);
        }
        Ok(report) => check_report(&text, body, lines, &env, &report),
    }
});

fn check_report(text: &str, body: &str, lines: usize, env: &[(String, String)], r: &ConfigReport) {
    let doc = view::values(body).expect("the inspector read a text that does not parse");
    assert_eq!(r.bom, text.starts_with(BOM));
    if r.crlf {
        assert!(body.contains("\r\n"), "CRLF reported in a file without one");
    }
    let in_range = |line: usize, what: &str| {
        assert!(
            (1..=lines).contains(&line),
            "{what}: line {line} of {lines}"
        );
    };
    let check_source = |s: &Setting, what: &str| match &s.source {
        Source::File { line } => in_range(*line, what),
        Source::Env { var } => assert!(
            env.iter().any(|(name, _)| name == var),
            "{what}: comes from {var}, which is not in the environment"
        ),
        Source::Default => {}
    };

    // server_name: set in the file exactly when [global] holds a value for it.
    let global = view::global(&doc);
    // A value of its own: an inline table is one (of the wrong type), a
    // `[global.server_name]` table or dotted keys under the name are not.
    let is_value = view::global_item_is_value(body, "server_name");
    let file_value = global
        .and_then(|g| g.get("server_name"))
        .filter(|_| is_value);
    match (&r.server_name_in_file, file_value) {
        (ServerNameInFile::Set { value, line }, Some(v)) => {
            in_range(*line, "server_name");
            match v.as_str() {
                Some(s) => assert_eq!(value, s, "server_name's value"),
                None => assert!(body.contains(value.as_str()), "server_name's raw value"),
            }
            let l = view::line(body, *line).unwrap_or("");
            assert!(
                l.contains("server_name") || l.contains(['"', '\'']),
                "server_name reported on line {line}: {l:?}"
            );
        }
        (ServerNameInFile::Set { .. }, None) => panic!("server_name reported but not in [global]"),
        (_, Some(_)) => panic!("server_name is in [global] but reported missing"),
        (ServerNameInFile::Commented { line }, None) => {
            in_range(*line, "commented server_name");
            let l = view::line(body, *line).unwrap_or("");
            assert!(l.trim_start().starts_with('#') && l.contains("server_name"));
        }
        (ServerNameInFile::Missing, None) => {}
    }
    for (what, s) in [
        ("server_name", r.server_name.as_ref()),
        ("address", Some(&r.address)),
        ("port", Some(&r.port)),
        ("unix_socket_path", r.unix_socket_path.as_ref()),
        ("allow_federation", Some(&r.allow_federation)),
    ] {
        if let Some(s) = s {
            check_source(s, what);
        }
    }

    // Every known key: the file's value is the parsed section's value.
    let section = view::section(&doc).and_then(|s| s.as_table());
    assert_eq!(r.keys.len(), KNOWN_KEYS.len());
    for (report, key) in r.keys.iter().zip(KNOWN_KEYS) {
        assert_eq!(report.key, key);
        let parsed = section.and_then(|t| t.get(key));
        match (&report.in_file, parsed) {
            (Some(s), Some(v)) => {
                assert!(matches!(s.source, Source::File { .. }), "{key}: {s:?}");
                check_source(s, key);
                match v.as_str() {
                    Some(expected) => assert_eq!(&s.value, expected, "{key}"),
                    None => assert!(body.contains(s.value.as_str()), "{key}: {s:?}"),
                }
            }
            (Some(s), None) => panic!("{key} = {s:?} reported, but the section has no {key}"),
            (None, Some(v)) => assert!(
                !v.is_str(),
                "{key} is the string {v} in the section but reported unset"
            ),
            (None, None) => {}
        }
        if let Some(line) = report.placeholder_line {
            in_range(line, "placeholder");
            let l = view::line(body, line).unwrap_or("");
            assert!(
                l.trim_start().starts_with('#') && l.contains(key),
                "{key}'s placeholder on line {line}: {l:?}"
            );
        }
        match &report.effective {
            Some(s) => check_source(s, key),
            None => assert!(report.in_file.is_none(), "{key}: file value lost"),
        }
        if report
            .effective
            .as_ref()
            .is_some_and(|s| matches!(s.source, Source::File { .. }))
        {
            assert_eq!(report.effective, report.in_file, "{key}");
        }
    }
    for f in &r.findings {
        if let Some(line) = f.line {
            in_range(line, "finding");
        }
    }
    for e in &r.env {
        assert!(
            env.iter()
                .any(|(name, raw)| *name == e.var && *raw == e.raw)
        );
    }
}
