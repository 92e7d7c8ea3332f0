//! `matrix-delegate check` with several server names and `--names-from`, as
//! a program, against the built-in simulated internet (`--sim`): the summary
//! table and the failing reports, JSON Lines, duplicates, invalid lines with
//! their numbers, bad files, standard input, a long list, exit codes and
//! Ctrl-C.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::output::{code, stderr, stdout};
use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_matrix-delegate"));
    c.arg("check").env_clear();
    c
}

fn check(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn check_with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).expect("write names");
    drop(stdin);
    child.wait_with_output().expect("finishes")
}

/// The summary table's rows: (name, result word, step, failing checks).
fn rows(out: &str) -> Vec<(String, String, String, String)> {
    let mut lines = out.lines();
    let header = lines.next().expect("a header");
    assert!(header.starts_with("NAME "), "{out}");
    assert!(header.contains("RESULT  STEP  FAILING CHECKS"), "{header}");
    lines
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert!(parts.len() >= 5, "row: {l}");
            (
                parts[0].to_string(),
                parts[2].to_string(),
                parts[3].to_string(),
                parts[4..].join(" "),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

#[test]
fn several_names_print_a_summary_then_the_failing_reports_only() {
    let o = check(&[
        "--sim",
        "healthy-well-known",
        "example.com",
        "matrix.example.com",
        "nope.example.com",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    let rows = rows(&out);
    assert_eq!(
        rows,
        vec![
            (
                "example.com".into(),
                "pass".into(),
                "3.2".into(),
                "-".into()
            ),
            (
                "matrix.example.com".into(),
                "FAIL".into(),
                "3.2".into(),
                "server.keys, server.peers".into()
            ),
            (
                "nope.example.com".into(),
                "FAIL".into(),
                "6".into(),
                "dns.server-name, server.resolution, server.peers, client.well-known".into()
            ),
        ],
        "{out}"
    );
    assert!(
        out.contains("\n3 names checked: 1 ok, 2 failing\n"),
        "{out}"
    );
    // The failing names' full reports, in input order; none for the passing one.
    let first = out
        .find("matrix-delegate check matrix.example.com: ✘ FAIL")
        .expect("matrix.example.com's report");
    let second = out
        .find("matrix-delegate check nope.example.com: ✘ FAIL")
        .expect("nope.example.com's report");
    assert!(first < second);
    assert!(!out.contains("matrix-delegate check example.com:"), "{out}");
    assert!(out.contains("the keys are for `example.com`, not for `matrix.example.com`"));
}

#[test]
fn all_passing_exits_0_and_a_name_given_twice_is_checked_once() {
    let o = check(&[
        "--sim",
        "healthy-well-known",
        "example.com",
        "EXAMPLE.com",
        "example.com",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(rows(&out).len(), 1, "{out}");
    assert!(
        out.contains("1 name checked: 1 ok, 0 failing; 2 duplicates skipped (checked once)"),
        "{out}"
    );
}

#[test]
fn json_lines_one_report_per_name_in_input_order() {
    let o = check(&[
        "--sim",
        "healthy-well-known",
        "--json",
        "nope.example.com",
        "example.com",
        "matrix.example.com",
        "nope.example.com",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    let docs: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON document"))
        .collect();
    let names: Vec<&str> = docs
        .iter()
        .map(|d| d["server_name"].as_str().expect("server_name"))
        .collect();
    assert_eq!(
        names,
        ["nope.example.com", "example.com", "matrix.example.com"]
    );
    let oks: Vec<bool> = docs
        .iter()
        .map(|d| d["ok"].as_bool().expect("ok"))
        .collect();
    assert_eq!(oks, [false, true, false]);
    for d in &docs {
        for k in ["federation", "client", "checks"] {
            assert!(d.get(k).is_some(), "{k} in {d}");
        }
        assert_eq!(d["checks"].as_array().expect("checks").len(), 16);
    }
    // The closing line goes to stderr, so stdout stays JSON Lines.
    assert!(
        stderr(&o).contains("3 names checked: 1 ok, 2 failing; 1 duplicate skipped"),
        "{}",
        stderr(&o)
    );
}

/// The checks and statuses of a report, and its discovery results: what
/// must not change between a run of one name and a run of many (the
/// simulated keys and timings differ from process to process).
fn shape(report: &Value) -> Value {
    let checks: Vec<Value> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| serde_json::json!([c["id"], c["status"], c["target"]]))
        .collect();
    serde_json::json!({
        "server_name": report["server_name"],
        "ok": report["ok"],
        "federation": report["federation"],
        "client": report["client"],
        "checks": checks,
    })
}

#[test]
fn a_json_line_is_the_single_name_report() {
    let many = check(&[
        "--sim",
        "healthy-well-known",
        "--json",
        "example.com",
        "matrix.example.com",
    ]);
    let lines: Vec<Value> = stdout(&many)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    for (line, name) in lines.iter().zip(["example.com", "matrix.example.com"]) {
        let one = check(&["--sim", "healthy-well-known", "--json", name]);
        let single: Value = serde_json::from_str(&stdout(&one)).expect("one document");
        assert_eq!(shape(line), shape(&single), "{name}");
    }
}

#[test]
fn markdown_summary_then_failing_reports() {
    let o = check(&[
        "--sim",
        "healthy-well-known",
        "--markdown",
        "example.com",
        "matrix.example.com",
    ]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.starts_with("# matrix-delegate check: 2 names\n"),
        "{out}"
    );
    assert!(out.contains("| name | result | step | failing checks |"));
    assert!(
        out.contains("| `example.com` | ✔ pass | 3.2 | - |"),
        "{out}"
    );
    assert!(out.contains("| `matrix.example.com` | ✘ FAIL | 3.2 | server.keys, server.peers |"));
    assert!(out.contains("# matrix-delegate check: matrix.example.com\n"));
    assert!(!out.contains("# matrix-delegate check: example.com\n"));
}

#[test]
fn names_file_comments_duplicates_and_invalid_lines_with_their_numbers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let long = "a".repeat(5000);
    let file = write(
        dir.path(),
        "names.txt",
        &format!(
            "# our servers\n\
             example.com\n\
             \n\
             https://matrix.example.com/\n\
             Example.COM   # again, other case\r\n\
             matrix.example.com # the delegated host, by mistake\n\
             bad name\n\
             {long}\n\
             nope.example.com\n"
        ),
    );
    let o = check(&["--sim", "healthy-well-known", "--names-from", &file]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "error: {file}:4: `https://matrix.example.com/`: `https://` is a URL scheme"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("error: {file}:7: `bad name`: contains a space")),
        "{err}"
    );
    assert!(
        err.contains(&format!("error: {file}:8: `")) && err.contains("longer than 4096 bytes"),
        "{err}"
    );
    assert_eq!(err.matches("error:").count(), 3, "{err}");
    let out = stdout(&o);
    let names: Vec<String> = rows(&out).into_iter().map(|r| r.0).collect();
    assert_eq!(
        names,
        ["example.com", "matrix.example.com", "nope.example.com"]
    );
    assert!(
        out.contains(
            "3 names checked: 1 ok, 2 failing; 1 duplicate skipped (checked once); \
             3 invalid names not checked (see the errors on stderr)"
        ),
        "{out}"
    );
}

#[test]
fn an_invalid_line_fails_the_run_even_when_every_name_passes() {
    // Every valid name passes, but a line could not be checked: not a success.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(
        dir.path(),
        "names.txt",
        "example.com\nhttp://x.example.com\n",
    );
    let o = check(&["--sim", "healthy-well-known", "--names-from", &file]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains(":2: `http://x.example.com`"));
}

#[test]
fn no_valid_name_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "names.txt", "https://a.example.com\nb c\n");
    let o = check(&["--sim", "healthy-well-known", "--names-from", &file]);
    assert_eq!(code(&o), 2);
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains(":1: `https://a.example.com`"), "{err}");
    assert!(err.contains(":2: `b c`"), "{err}");
    assert!(
        err.contains(&format!(
            "error: no valid server name in {file} (2 invalid, see above)"
        )),
        "{err}"
    );
}

#[test]
fn an_empty_file_or_one_with_only_comments_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in [
        ("empty.txt", ""),
        ("comments.txt", "# nothing yet\n\n   \n"),
    ] {
        let file = write(dir.path(), name, text);
        let o = check(&["--sim", "healthy-well-known", "--names-from", &file]);
        assert_eq!(code(&o), 2, "{name}");
        assert!(o.stdout.is_empty());
        assert!(
            stderr(&o).contains(&format!(
                "error: --names-from {file}: no server names in it (it is empty or holds only \
                 comments and blank lines)"
            )),
            "{name}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn a_directory_a_missing_file_and_a_fifo_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let shown = dir.path().display().to_string();
    let o = check(&["--sim", "healthy-well-known", "--names-from", &shown]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(&format!("error: --names-from {shown}: is a directory")),
        "{}",
        stderr(&o)
    );

    let missing = dir.path().join("nope.txt").display().to_string();
    let o = check(&["--sim", "healthy-well-known", "--names-from", &missing]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(&format!("error: --names-from {missing}: no such file")));

    let fifo = dir.path().join("names.fifo");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let fifo = fifo.display().to_string();
    // Refused before it is opened: opening a FIFO without a writer would block.
    let o = check(&["--sim", "healthy-well-known", "--names-from", &fifo]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(&format!(
            "error: --names-from {fifo}: is a FIFO (named pipe), not a regular file; to read \
             names from a pipe, use `--names-from -`"
        )),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn names_from_standard_input_combine_with_arguments() {
    let o = check_with_stdin(
        &[
            "--sim",
            "healthy-well-known",
            "--json",
            "example.com",
            "--names-from",
            "-",
        ],
        b"# piped\nmatrix.example.com\nexample.com\nexample.com:99999\n",
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let names: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("JSON");
            v["server_name"].as_str().expect("name").to_string()
        })
        .collect();
    assert_eq!(names, ["example.com", "matrix.example.com"]);
    assert!(
        stderr(&o).contains("error: <stdin>:4: `example.com:99999`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_long_list_is_streamed_through() {
    // 100,000 lines: comments, blank lines and duplicates around three names.
    let mut text = String::with_capacity(3_000_000);
    for i in 0..100_000 {
        match i % 4 {
            0 => text.push_str("example.com\n"),
            1 => text.push_str("# a comment line\n"),
            2 => text.push_str("EXAMPLE.COM  # the same, shouted\n"),
            _ => text.push('\n'),
        }
        if i == 50_000 {
            text.push_str("matrix.example.com\n");
        }
    }
    text.push_str("nope.example.com");
    let o = check_with_stdin(
        &["--sim", "healthy-well-known", "--names-from", "-"],
        text.as_bytes(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    let names: Vec<String> = rows(&out).into_iter().map(|r| r.0).collect();
    assert_eq!(
        names,
        ["example.com", "matrix.example.com", "nope.example.com"]
    );
    assert!(
        out.contains("3 names checked: 1 ok, 2 failing; 49999 duplicates skipped"),
        "{out}"
    );
}

#[test]
fn one_server_options_and_the_checks_screen_are_refused_with_several_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = write(
        dir.path(),
        "c.toml",
        "[global]\nserver_name = \"example.com\"\n",
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--config", &config], "--config"),
        (
            vec!["--expect-server", "matrix.example.com:443"],
            "--expect-server",
        ),
        (
            vec!["--expect-client", "https://matrix.example.com/"],
            "--expect-client",
        ),
        (vec!["--tui"], "--tui"),
    ];
    for (extra, flag) in cases {
        let mut args = vec![
            "--sim",
            "healthy-well-known",
            "example.com",
            "matrix.example.com",
        ];
        args.extend(extra);
        let o = check(&args);
        assert_eq!(code(&o), 2, "{flag}");
        let err = stderr(&o);
        assert!(err.starts_with(&format!("error: {flag} ")), "{flag}: {err}");
        assert!(o.stdout.is_empty());
    }
    // --proxy applies to every name.
    let o = check(&[
        "--sim",
        "m-server-without-port",
        "--proxy",
        "nginx",
        "example.com",
        "nope.example.com",
    ]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("nginx"), "{}", stdout(&o));
}

#[test]
fn jobs_must_be_a_sensible_number() {
    for bad in ["0", "many", "100000"] {
        let o = check(&["--jobs", bad, "example.com", "example.org"]);
        assert_eq!(code(&o), 2, "{bad}");
        assert!(stderr(&o).contains("--jobs"), "{}", stderr(&o));
    }
    let o = check(&["--help"]);
    let help = stdout(&o);
    for text in [
        "--names-from",
        "--jobs",
        "[default: 32]",
        "JSON Lines",
        "130",
    ] {
        assert!(help.contains(text), "--help lacks {text}:\n{help}");
    }
}

fn interrupt(pid: u32) {
    let sent = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
}

#[test]
fn ctrl_c_prints_the_json_lines_that_finished_and_exits_130() {
    // The blackholed name never answers (about 13 s here); the two names
    // before it do not exist and finish at once, and stream out first.
    let mut child = bin()
        .args([
            "--sim",
            "blackholed",
            "--json",
            "--timeout",
            "2",
            "nope.example.com",
            "none.example.com",
            "example.com",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut lines = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        out.read_line(&mut line).expect("a line");
        lines.push(line);
    }
    interrupt(child.id());
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("the rest");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    let status = child.wait().expect("ends");
    assert_eq!(status.code(), Some(130), "{err}");
    let names: Vec<String> = lines
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("JSON");
            v["server_name"].as_str().expect("name").to_string()
        })
        .collect();
    assert_eq!(names, ["nope.example.com", "none.example.com"]);
    assert_eq!(rest, "", "nothing for the unfinished name");
    assert!(err.contains("INTERRUPTED: 1 name unfinished"), "{err}");
    assert!(
        err.contains("interrupted (Ctrl-C): 2 names checked, 1 stopped unfinished"),
        "{err}"
    );
}

#[test]
fn ctrl_c_prints_the_summary_of_what_finished() {
    let child = bin()
        .args([
            "--sim",
            "blackholed",
            "example.com",
            "nope.example.com",
            "none.example.com",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // The two names that do not exist take milliseconds; example.com takes
    // the run's whole deadline (31 s at the default timeout).
    std::thread::sleep(std::time::Duration::from_secs(3));
    interrupt(child.id());
    let o = child.wait_with_output().expect("ends");
    assert_eq!(code(&o), 130, "{}", stderr(&o));
    let out = stdout(&o);
    let names: Vec<String> = rows(&out).into_iter().map(|r| r.0).collect();
    assert_eq!(names, ["nope.example.com", "none.example.com"], "{out}");
    assert!(
        out.contains(
            "2 names checked: 0 ok, 2 failing; INTERRUPTED: 1 name unfinished, the rest of the \
             input not started"
        ),
        "{out}"
    );
    assert!(out.contains("matrix-delegate check nope.example.com: ✘ FAIL"));
}
