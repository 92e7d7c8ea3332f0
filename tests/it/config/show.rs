//! `matrix-delegate config show` for every fixture shape, run as the real
//! binary with a controlled environment, snapshot-tested.

use std::path::Path;
use std::process::Command;

fn show(args: &[&str], env: &[(&str, &str)]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_matrix-delegate"));
    cmd.current_dir(root)
        .env_clear()
        .args(["config", "show"])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("runs the binary");
    format!(
        "exit code: {}\n{}{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn snapshot(name: &str, output: &str) {
    insta::with_settings!({
        snapshot_path => "../../fixtures/config/snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, output);
    });
}

#[test]
fn every_fixture_shape() {
    for name in [
        "table",
        "placeholders",
        "missing_with_tls",
        "missing_no_tls",
        "commented_header",
        "inline_table",
        "dotted_keys",
        "top_level_table",
        "deprecated_keys",
        "removed_rtc",
        "unknown_keys",
        "server_name_commented",
        "server_name_mismatch",
        "wrong_values",
        "live_keys_under_commented_header",
        "crlf",
        "bom_tabs",
        "invalid",
    ] {
        let path = format!("tests/fixtures/config/{name}.toml");
        snapshot(&format!("show_{name}"), &show(&["--config", &path], &[]));
    }
}

#[test]
fn the_environment_names_the_file_and_overrides_it() {
    let out = show(
        &[],
        &[
            ("CONTINUWUITY_CONFIG", "tests/fixtures/config/table.toml"),
            (
                "CONDUWUIT_CONFIG",
                "tests/fixtures/config/placeholders.toml",
            ),
            ("CONTINUWUITY_SERVER_NAME", "example.com"),
            (
                "CONTINUWUITY_WELL_KNOWN__CLIENT",
                "https://matrix.example.com",
            ),
            ("CONTINUWUITY_WELL_KNOWN_SERVER", "matrix.example.com:443"),
            (
                "CONDUWUIT_WELL_KNOWN",
                "{\"client\": \"https://x.example.com\", \"server\": \"x.example.com:443\"}",
            ),
            (
                "CONDUIT_WELL_KNOWN",
                "{ support_page=https://example.com/help, suport_mxid=@a:example.com }",
            ),
            ("TUWUNEL_WELL_KNOWN__SERVER", "t.example.com:443"),
            ("CONTINUWUITY_ALLOW_FEDERATION", "false"),
        ],
    );
    snapshot("show_environment", &out);
}

#[test]
fn a_missing_file_is_an_error() {
    let out = show(
        &["--config", "tests/fixtures/config/does-not-exist.toml"],
        &[],
    );
    assert!(out.starts_with("exit code: 1\n"), "{out}");
    assert!(out.contains("no such file"), "{out}");
}

#[test]
fn terminal_escapes_in_values_are_not_replayed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("evil.toml");
    std::fs::write(
        &path,
        "[global]\nserver_name = \"example.com\"\n[global.well_known]\nclient = \"https://x\\u001b[2J\"\n",
    )
    .expect("write");
    let out = show(&["--config", &path.to_string_lossy()], &[]);
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(out.contains("https://x\\x1b[2J"), "{out}");
}

#[test]
fn bidi_overrides_and_invisible_characters_are_shown_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bidi.toml");
    // Raw in the file: TOML takes both characters inside strings as they are.
    std::fs::write(
        &path,
        "[global]\nserver_name = \"example.com\"\n[global.well_known]\n\
         client = \"https://evil\u{202e}moc.example/\"\n\
         server = \"matrix\u{200b}.example.com:443\"\n",
    )
    .expect("write");
    let out = show(&["--config", &path.to_string_lossy()], &[]);
    assert!(!out.contains(['\u{202e}', '\u{200b}']), "{out}");
    assert!(out.contains("https://evil\\u{202e}moc.example/"), "{out}");
    assert!(out.contains("matrix\\u{200b}.example.com:443"), "{out}");

    // The path itself, named by the environment, is outside text too.
    let named = dir.path().join("conduwuit\u{202e}lmot.toml");
    std::fs::copy(&path, &named).expect("copy");
    let out = show(&[], &[("CONTINUWUITY_CONFIG", &named.to_string_lossy())]);
    assert!(!out.contains(['\u{202e}', '\u{200b}']), "{out}");
    assert!(out.contains("conduwuit\\u{202e}lmot.toml"), "{out}");
}
