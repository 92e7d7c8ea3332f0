//! `generate --write-config PATH [--dry-run] [--yes] [--normalise]` as the
//! lead wires it: `cli::write_config::write_config`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::config::{fixture, seed_plan};
use matrix_delegate::cli::write_config::{WriteConfigRequest, write_config};
use matrix_delegate::domain::Plan;
use matrix_delegate::exit::Exit;

fn setup(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("conduwuit.toml");
    fs::write(&path, fixture(name)).expect("write fixture");
    (dir, path)
}

fn backups(dir: &Path) -> usize {
    fs::read_dir(dir)
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".bak."))
        .count()
}

struct Run {
    code: Exit,
    out: String,
    asked: Vec<String>,
}

fn run(
    path: &Path,
    plan: &Plan,
    flags: (bool, bool, bool),
    interactive: bool,
    answer: bool,
) -> Run {
    let (dry_run, yes, normalise) = flags;
    let req = WriteConfigRequest {
        path,
        dry_run,
        yes,
        normalise,
        interactive,
    };
    let mut out = Vec::new();
    let mut asked = Vec::new();
    let code = write_config(&req, plan, &[], &mut out, &mut |q| {
        asked.push(q.to_string());
        answer
    });
    Run {
        code,
        out: String::from_utf8_lossy(&out).into_owned(),
        asked,
    }
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let (dir, path) = setup("placeholders.toml");
    let r = run(&path, &seed_plan(), (true, false, false), false, false);
    assert_eq!(r.code, Exit::Ok, "{}", r.out);
    assert!(
        r.out
            .contains("\n-#client =\n+client = \"https://matrix.example.com\"\n"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("line 40: client = `https://matrix.example.com` (was commented out)")
    );
    assert!(r.out.ends_with("Dry run: nothing was written.\n"));
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        fixture("placeholders.toml")
    );
    assert_eq!(backups(dir.path()), 0);
    assert!(r.asked.is_empty());
}

#[test]
fn without_yes_and_without_a_terminal_it_refuses_instead_of_hanging() {
    let (dir, path) = setup("placeholders.toml");
    let r = run(&path, &seed_plan(), (false, false, false), false, true);
    assert_eq!(r.code, Exit::Failed);
    assert!(r.out.contains("stdin is not a terminal"), "{}", r.out);
    assert!(r.asked.is_empty(), "nobody is asked");
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        fixture("placeholders.toml")
    );
    assert_eq!(backups(dir.path()), 0);
}

#[test]
fn a_no_answer_writes_nothing() {
    let (dir, path) = setup("placeholders.toml");
    let r = run(&path, &seed_plan(), (false, false, false), true, false);
    assert_eq!(r.code, Exit::Failed);
    assert_eq!(r.asked.len(), 1);
    assert!(r.asked[0].starts_with("Write these changes to "));
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        fixture("placeholders.toml")
    );
    assert_eq!(backups(dir.path()), 0);
}

#[test]
fn yes_writes_with_a_backup_and_a_second_run_changes_nothing() {
    let (dir, path) = setup("placeholders.toml");
    let r = run(&path, &seed_plan(), (false, false, false), true, true);
    assert_eq!(r.code, Exit::Ok, "{}", r.out);
    assert!(r.out.contains("\nWritten: "), "{}", r.out);
    assert!(r.out.contains("\nBackup:  "), "{}", r.out);
    let written = fs::read_to_string(&path).expect("read");
    assert!(written.contains("\nclient = \"https://matrix.example.com\"\n"));
    assert_eq!(backups(dir.path()), 1);

    let r = run(&path, &seed_plan(), (false, true, false), false, false);
    assert_eq!(r.code, Exit::Ok);
    assert!(
        r.out
            .contains("already has these settings: nothing to change"),
        "{}",
        r.out
    );
    assert_eq!(fs::read_to_string(&path).expect("read"), written);
    assert_eq!(backups(dir.path()), 1, "no second backup");
}

#[test]
fn refusals_are_explained_and_change_nothing() {
    let (_dir, path) = setup("server_name_mismatch.toml");
    let r = run(&path, &seed_plan(), (false, true, false), false, false);
    assert_eq!(r.code, Exit::Failed);
    assert!(r.out.contains("cannot change without wiping"), "{}", r.out);
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        fixture("server_name_mismatch.toml")
    );

    let (_dir, path) = setup("invalid.toml");
    let r = run(&path, &seed_plan(), (false, true, false), false, false);
    assert_eq!(r.code, Exit::Failed);
    assert!(r.out.contains("line 5, column"), "{}", r.out);
    assert!(r.out.contains("Nothing was changed"), "{}", r.out);

    let r = run(
        Path::new("/nonexistent/dir/x.toml"),
        &seed_plan(),
        (false, true, false),
        false,
        false,
    );
    assert_eq!(r.code, Exit::Failed);
    assert!(r.out.contains("no such file"), "{}", r.out);
    // The flag `generate` has, not one it does not.
    assert!(r.out.contains("--write-config"), "{}", r.out);
    assert!(!r.out.contains("--config PATH"), "{}", r.out);
}

#[test]
fn normalise_is_passed_through() {
    let (_dir, path) = setup("inline_table.toml");
    let r = run(&path, &seed_plan(), (false, true, true), false, false);
    assert_eq!(r.code, Exit::Ok, "{}", r.out);
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains("[global.well_known] # delegation\n"));
    assert!(!text.contains("well_known = {"));
}

#[test]
fn the_diff_shows_bidi_overrides_and_invisible_characters_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("conduwuit.toml");
    // A comment next to the changed key (so in the diff's context) and the
    // old value itself carry the characters, raw.
    fs::write(
        &path,
        "[global]\nserver_name = \"example.com\"\n\n[global.well_known]\n\
         # owner: admin\u{202e}moc.elpmaxe\n\
         client = \"https://old\u{200b}.example.com\"\n",
    )
    .expect("write");
    let r = run(&path, &seed_plan(), (true, false, false), false, false);
    assert_eq!(r.code, Exit::Ok, "{}", r.out);
    assert!(!r.out.contains(['\u{202e}', '\u{200b}']), "{}", r.out);
    assert!(
        r.out.contains("\n # owner: admin\\u{202e}moc.elpmaxe\n"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("\n-client = \"https://old\\u{200b}.example.com\"\n"),
        "{}",
        r.out
    );
}

#[test]
fn the_flags_flatten_into_a_command() {
    use clap::Parser;
    use matrix_delegate::cli::write_config::{WriteConfigFlags, run_from_flags};

    #[derive(Debug, Parser)]
    struct Generate {
        #[command(flatten)]
        config: WriteConfigFlags,
    }

    let g = Generate::try_parse_from([
        "generate",
        "--write-config",
        "/x.toml",
        "--dry-run",
        "--yes",
    ])
    .expect("parses");
    assert_eq!(g.config.write_config, Some(PathBuf::from("/x.toml")));
    assert!(g.config.dry_run && g.config.yes && !g.config.normalise);
    let err =
        Generate::try_parse_from(["generate", "--dry-run"]).expect_err("needs --write-config");
    assert_eq!(err.exit_code(), 2, "a usage error");
    assert_eq!(
        run_from_flags(&WriteConfigFlags::default(), &seed_plan(), &mut Vec::new()),
        None
    );
}
