//! The manual pages: one per command, each with the exit status, the
//! check page with the JSON schema pointer, examples; written by the hidden
//! `man --out DIR` the safe way.

use std::os::unix::fs::symlink;

use matrix_delegate::cli::manual::{README_INSTALLED, pages};

use crate::support::local_paths::{run, snapshot, stderr, stdout};

fn page(name: &str) -> String {
    pages()
        .into_iter()
        .find(|(file, _)| file == name)
        .map(|(_, text)| text)
        .unwrap_or_else(|| panic!("no page {name}"))
}

#[test]
fn one_page_per_command_with_exit_status_and_examples() {
    let names: Vec<String> = pages().into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        [
            "matrix-delegate.1",
            "matrix-delegate-generate.1",
            "matrix-delegate-apply.1",
            "matrix-delegate-config.1",
            "matrix-delegate-config-show.1",
            "matrix-delegate-selfcheck.1",
            "matrix-delegate-check.1",
            "matrix-delegate-demo.1",
            "matrix-delegate-completions.1",
        ]
    );
    for (name, text) in pages() {
        assert!(text.starts_with(".ie \\n(.g .ds Aq"), "{name}: roff");
        let title = format!(".TH {} 1", name.trim_end_matches(".1"));
        assert!(text.contains(&title), "{name}: {title}");
        assert!(text.contains(".SH \"EXIT STATUS\""), "{name}");
        assert!(text.contains(".SH \"SEE ALSO\""), "{name}");
        assert!(text.is_ascii(), "{name}: roff escapes for the rest");
        assert!(
            !text.contains("\\-\\-sim"),
            "{name}: the testing aid stays hidden"
        );
    }
}

#[test]
fn the_check_page_carries_options_exit_codes_schema_and_examples() {
    let check = page("matrix-delegate-check.1");
    for part in [
        "\\-\\-ca\\-file",
        "\\-\\-json",
        "\\-\\-timeout",
        "a check failed (fail) or could not run (error)",
        ".SH \"JSON REPORT\"",
        &README_INSTALLED.replace('-', "\\-"),
        "matrix\\-delegate check example.com \\-\\-json",
        "(@alice:example.com \\[u2192] example.com)",
        "\\-\\-names\\-from",
        "\\fB130\\fR",
        "interrupted (Ctrl\\-C)",
        "JSON Lines",
    ] {
        assert!(check.contains(part), "`{part}` missing:\n{check}");
    }
    let main = page("matrix-delegate.1");
    assert!(main.contains(&README_INSTALLED.replace('-', "\\-")));
    assert!(main.contains(".SH EXAMPLES"));
    assert!(main.contains("matrix\\-delegate\\-check(1)"), "{main}");
}

#[test]
fn man_writes_every_page_and_never_through_a_symlink() {
    let out = tempfile::tempdir().expect("out");
    let elsewhere = tempfile::tempdir().expect("elsewhere");
    let dir = out.path().to_str().expect("utf-8");
    let o = run(&["man", "--out", dir], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), pages().len());
    assert_eq!(
        std::fs::read_to_string(out.path().join("matrix-delegate-check.1")).expect("page"),
        page("matrix-delegate-check.1")
    );
    // Again: pages are replaced; a symlink in place of one is refused.
    std::fs::remove_file(out.path().join("matrix-delegate.1")).expect("rm");
    symlink(
        elsewhere.path().join("x"),
        out.path().join("matrix-delegate.1"),
    )
    .expect("link");
    let before = snapshot(out.path());
    let o = run(&["man", "--out", dir], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is a symbolic link"), "{}", stderr(&o));
    assert_eq!(snapshot(out.path()), before);
    assert!(snapshot(elsewhere.path()).is_empty());
}
