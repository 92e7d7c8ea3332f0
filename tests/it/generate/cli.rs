//! `matrix-delegate generate`, run as a program: exit codes, errors that
//! name the flag, warnings on stderr, --out and its refusal to overwrite.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::output::{stderr, stdout};
use matrix_delegate::domain::{Proxy, Strategy};

fn generate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_matrix-delegate"))
        .arg("generate")
        .args(args)
        .output()
        .expect("run matrix-delegate")
}

const SEED: [&str; 4] = [
    "--server-name",
    "example.com",
    "--host",
    "matrix.example.com",
];

#[test]
fn prints_every_artifact_with_headings() {
    let o = generate(&SEED);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for heading in [
        "===== dns-records.txt: DNS records =====",
        "===== continuwuity-well-known.toml: [global.well_known] for the Continuwuity config file =====",
        "===== Caddyfile: Caddyfile =====",
        "===== NEXT-STEPS.txt: Next steps =====",
    ] {
        assert!(out.contains(heading), "{heading} missing:\n{out}");
    }
    assert!(out.contains("server = \"matrix.example.com:443\""));
    assert!(out.contains("reverse_proxy 127.0.0.1:8008"));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn every_flag_reaches_the_output() {
    let o = generate(&[
        "--server-name",
        "example.org",
        "--host",
        "hs.example.org",
        "--port",
        "8448",
        "--strategy",
        "static",
        "--proxy",
        "nginx",
        "--deployment",
        "docker",
        "--client-url",
        "https://client.example.org",
        "--support-page",
        "https://example.org/help",
        "--support-role",
        "m.role.security",
        "--support-email",
        "sec@example.org",
        "--support-mxid",
        "@sec:example.org",
        "--upstream",
        "127.0.0.1:6167",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for expected in [
        "\"m.server\": \"hs.example.org:8448\"",
        "listen 8448 ssl;",
        "CONTINUWUITY_WELL_KNOWN__CLIENT=https://client.example.org",
        "\"support_page\": \"https://example.org/help\"",
        "\"role\": \"m.role.security\"",
        "\"email_address\": \"sec@example.org\"",
        "\"matrix_id\": \"@sec:example.org\"",
        "proxy_pass http://127.0.0.1:6167;",
    ] {
        assert!(out.contains(expected), "{expected} missing:\n{out}");
    }
}

#[test]
fn invalid_input_names_every_flag_and_exits_2() {
    let o = generate(&[
        "--server-name",
        "https://example.com",
        "--strategy",
        "wellknown",
        "--proxy",
        "iis",
        "--support-email",
        "nobody",
        "--port",
        "99999",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).is_empty(),
        "nothing is generated:\n{}",
        stdout(&o)
    );
    let err = stderr(&o);
    for line in [
        "error: --server-name: `https://` is a URL scheme; the server name is just `example.com`",
        "error: --strategy: unknown strategy `wellknown`; did you mean `well-known`? choose one \
         of: well-known, static, srv",
        "error: --proxy: unknown proxy `iis`; choose one of: caddy, nginx",
        "error: --support-email: `nobody` does not look like an e-mail address",
        "error: --port: `99999` is not a port",
        "error: --host: required",
    ] {
        assert!(err.contains(line), "{line} missing:\n{err}");
    }
}

#[test]
fn slips_get_the_right_flag_and_a_suggestion_in_command_line_words() {
    let o = generate(&[
        "--server-name",
        "bücher.de",
        "--host",
        "matrix.example.com:8448",
        "--proxy",
        "ngnix",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for line in [
        "error: --server-name: `ü` is not allowed: internationalised names are written in \
         their punycode form; for `bücher.de` that is `xn--bcher-kva.de`",
        "error: --host: a host name takes no port here; the port is asked for separately \
         (--port, or the Federation port field)",
        "error: --proxy: unknown proxy `ngnix`; did you mean `nginx`?",
    ] {
        assert!(err.contains(line), "{line} missing:\n{err}");
    }
    assert!(!err.contains("in its own field"), "{err}");
    // The port is in the server name: that flag is named, not --strategy.
    let o = generate(&[
        "--server-name",
        "example.com:8448",
        "--host",
        "matrix.example.com",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("error: --server-name: `example.com:8448` has an explicit port"),
        "{err}"
    );
    assert!(!err.contains("--strategy:"), "{err}");
    let o = generate(&[
        "--server-name",
        "example.com",
        "--host",
        "matrix.example.com",
        "--client-url",
        "/element",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            "error: --client-url: `/element` is not a full URL: it needs `https://` and a \
             host, e.g. `https://matrix.example.com/`"
        ),
        "{err}"
    );
    assert!(!err.contains("relative URL without a base"), "{err}");
}

#[test]
fn a_missing_server_name_is_named() {
    let o = generate(&["--host", "matrix.example.com"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error: --server-name: required"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_flags_are_usage_errors() {
    let o = generate(&["--server-nam", "example.com"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--server-nam"));
}

#[test]
fn warnings_go_to_stderr_and_do_not_fail() {
    let o = generate(&["--server-name", "example.com", "--host", "example.com"]);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        err.starts_with("warning: --host: the delegated host is the server name itself"),
        "{err}"
    );
    assert!(!stdout(&o).contains("warning:"));
}

#[test]
fn help_documents_every_strategy_and_proxy() {
    let o = generate(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for s in Strategy::ALL {
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{} ", s.id())))
            .unwrap_or_else(|| panic!("no line for {s}:\n{out}"));
        assert!(line.contains(s.one_line()), "{line}");
    }
    for p in Proxy::ALL {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with(&format!("{} ", p.id()))),
            "no line for proxy {p}:\n{out}"
        );
    }
    for flag in [
        "--server-name",
        "--host",
        "--port",
        "--strategy",
        "--proxy",
        "--deployment",
        "--client-url",
        "--support-page",
        "--support-role",
        "--support-email",
        "--support-mxid",
        "--upstream",
        "--out",
        "--force",
    ] {
        assert!(out.contains(flag), "{flag} missing from --help");
    }
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(dir)
                        .expect("prefix")
                        .display()
                        .to_string(),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn out_writes_one_file_per_artifact_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("matrix");
    let t = target.to_str().expect("utf-8 path");
    let args = [
        &SEED[..],
        &["--strategy", "static", "--proxy", "apache", "--out", t],
    ]
    .concat();

    let o = generate(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expected = [
        "NEXT-STEPS.txt",
        "apache-matrix.conf",
        "continuwuity-well-known.toml",
        "dns-records.txt",
        "well-known/matrix/client",
        "well-known/matrix/server",
    ];
    assert_eq!(files_under(&target), expected);
    for f in expected {
        assert!(
            stdout(&o).contains(&format!("wrote {}", target.join(f).display())),
            "{}",
            stdout(&o)
        );
    }
    let server = std::fs::read_to_string(target.join("well-known/matrix/server")).expect("read");
    assert_eq!(server, "{\n  \"m.server\": \"matrix.example.com:443\"\n}\n");

    // Again: every file exists, nothing is touched, exit code 1.
    std::fs::write(target.join("dns-records.txt"), "mine").expect("write");
    let o = generate(&args);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("refusing to overwrite"), "{err}");
    assert!(
        err.contains("dns-records.txt") && err.contains("apache-matrix.conf"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
    assert_eq!(
        std::fs::read_to_string(target.join("dns-records.txt")).expect("read"),
        "mine"
    );

    // With --force the files are replaced.
    let forced = [&args[..], &["--force"]].concat();
    let o = generate(&forced);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dns = std::fs::read_to_string(target.join("dns-records.txt")).expect("read");
    assert!(dns.starts_with("; DNS records"), "{dns}");
}

#[test]
fn force_needs_out() {
    let o = generate(&[&SEED[..], &["--force"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
}

/// `generate --write-config`: the diff first, a dry run writes nothing, `--yes`
/// writes with a backup, and a second run finds nothing to change.
#[test]
fn write_config_edits_the_file_in_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("continuwuity.toml");
    let original = "# my server\n[global]\nserver_name = \"example.com\" # never change\nport = 8008\n\n[global.tls]\n";
    std::fs::write(&path, original).expect("write fixture");
    let p = path.to_str().expect("utf-8 temp path");

    let o = generate(&[&SEED[..], &["--write-config", p, "--dry-run"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("+server = \"matrix.example.com:443\""),
        "{out}"
    );
    assert!(out.contains("Dry run: nothing was written."), "{out}");
    assert!(
        !out.contains("====="),
        "artifacts are not printed with --write-config:\n{out}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), original);

    let o = generate(&[&SEED[..], &["--write-config", p, "--yes"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Backup:"), "{}", stdout(&o));
    let edited = std::fs::read_to_string(&path).expect("read");
    assert!(
        edited.starts_with("# my server\n[global]\nserver_name = \"example.com\" # never change\n")
    );
    assert!(edited.contains("[global.well_known]\nclient = \"https://matrix.example.com\"\nserver = \"matrix.example.com:443\"\n"), "{edited}");
    let backups = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".bak."))
        .count();
    assert_eq!(backups, 1);

    let o = generate(&[&SEED[..], &["--write-config", p, "--yes"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("nothing to change"), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), edited);
}

#[test]
fn write_config_refuses_another_server_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("conduwuit.toml");
    let original = "[global]\nserver_name = \"matrix.example.com\"\n";
    std::fs::write(&path, original).expect("write fixture");
    let p = path.to_str().expect("utf-8 temp path");
    let o = generate(&[&SEED[..], &["--write-config", p, "--yes"]].concat());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("cannot change without wiping"),
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), original);
}

#[test]
fn write_config_without_a_terminal_needs_yes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "[global]\nserver_name = \"example.com\"\n").expect("write fixture");
    let p = path.to_str().expect("utf-8 temp path");
    let o = Command::new(env!("CARGO_BIN_EXE_matrix-delegate"))
        .arg("generate")
        .args(SEED)
        .args(["--write-config", p])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run matrix-delegate");
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("--yes"), "{}", stdout(&o));
}
