//! The manual pages, made from the clap definitions (options, commands and
//! their help text) plus what `--help` has no room for: exit status, where
//! the JSON schema is, examples. `matrix-delegate man --out DIR` (hidden)
//! writes them when the package is built.

use std::path::PathBuf;

use clap::{Args, CommandFactory};
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use super::Cli;
use crate::exit::Exit;
use crate::local_file::{NewFile, Replace, write_files};
use crate::safe_text::printable;

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// The folder to write the pages into (created if missing; pages
    /// already there are replaced)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Where the Debian package puts the README, which holds the JSON schema.
pub const README_INSTALLED: &str = "/usr/share/doc/matrix-delegate/README.md";

/// Command lines worth showing, each with what it does. A subcommand's
/// page shows those that start with its name.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "matrix-delegate",
        "The wizard: names, strategy, deployment, review of every file, live checks.",
    ),
    (
        "matrix-delegate demo",
        "The wizard and the checks against a built-in simulated internet; works offline.",
    ),
    (
        "matrix-delegate generate --server-name example.com --host matrix.example.com",
        "Print the config section, the Caddy configuration, DNS records and next steps for \
         users @alice:example.com served by matrix.example.com.",
    ),
    (
        "matrix-delegate generate --server-name example.com --host matrix.example.com --proxy nginx --out ./matrix",
        "Write one file per artifact into ./matrix (never through a symlink; --force replaces \
         regular files).",
    ),
    (
        "matrix-delegate generate --server-name example.com --host matrix.example.com --write-config /etc/conduwuit/conduwuit.toml --dry-run",
        "Show the change to the homeserver config's [global.well_known] section.",
    ),
    (
        "matrix-delegate selfcheck --config /etc/continuwuity.toml",
        "Ask the running homeserver, where its config file says it listens, for its \
         well-known files: does it answer what the file says, or does it need a restart?",
    ),
    (
        "matrix-delegate apply --server-name example.com --host matrix.example.com --proxy nginx --dry-run",
        "Show which nginx file the install writes and why, the diff, and nginx -t's verdict on \
         the changed configuration; write nothing.",
    ),
    (
        "matrix-delegate apply --server-name example.com --host matrix.example.com --proxy nginx",
        "Install it: write with a backup, test the whole configuration, reload nginx, undo \
         everything when the test or the reload fails.",
    ),
    (
        "matrix-delegate config show --config /etc/conduwuit/conduwuit.toml",
        "Which config file, its server_name, the well-known settings and their problems.",
    ),
    (
        "matrix-delegate check example.com",
        "Check the live deployment as other servers and clients see it.",
    ),
    (
        "matrix-delegate check example.com --json | jq '.checks[] | select(.status == \"fail\")'",
        "The failing checks, from the JSON report.",
    ),
    (
        "matrix-delegate check --names-from names.txt --json > reports.jsonl",
        "Check every server name in names.txt (one per line, # comments): a report per line.",
    ),
    (
        "matrix-delegate check example.com example.org",
        "Several names: a summary table, then the reports of the failing ones.",
    ),
    (
        "matrix-delegate check example.com --wait --max-wait 1h",
        "After a DNS change: check again until nothing fails, saying what changed each time.",
    ),
    (
        "matrix-delegate check example.com --tui --config /etc/conduwuit/conduwuit.toml",
        "The checks screen, compared with the config; w watches while DNS changes spread.",
    ),
    (
        "matrix-delegate completions bash > ~/.local/share/bash-completion/completions/matrix-delegate",
        "Install bash completion for one user.",
    ),
];

/// Every page: `matrix-delegate.1` and one per visible subcommand, nested
/// ones too (`matrix-delegate-check.1`, `matrix-delegate-config-show.1`),
/// as (file name, roff text).
pub fn pages() -> Vec<(String, String)> {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    let mut out = Vec::new();
    add_pages(&root, "matrix-delegate", None, &mut out);
    out
}

/// `command`'s page (named `name`, linking back to `parent`) and its
/// subcommands' pages.
fn add_pages(
    command: &clap::Command,
    name: &str,
    parent: Option<&str>,
    out: &mut Vec<(String, String)>,
) {
    let subcommands: Vec<&clap::Command> = command
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .collect();
    let mut see_also: Vec<String> = parent.map(str::to_string).into_iter().collect();
    see_also.extend(
        subcommands
            .iter()
            .map(|s| format!("{name}-{}", s.get_name())),
    );
    let first = name
        .strip_prefix("matrix-delegate-")
        .map(|rest| rest.split('-').next().unwrap_or(rest));
    out.push(page(command, name, first, &see_also));
    for sub in subcommands {
        add_pages(sub, &format!("{name}-{}", sub.get_name()), Some(name), out);
    }
}

/// One page: clap_mangen's sections, then the notes from `--help`, exit
/// status, the JSON schema pointer, examples and related pages.
fn page(
    command: &clap::Command,
    name: &str,
    subcommand: Option<&str>,
    see_also: &[String],
) -> (String, String) {
    let man = Man::new(command.clone())
        .manual("matrix-delegate manual")
        .source(format!("matrix-delegate {}", env!("CARGO_PKG_VERSION")));
    let mut roff = Roff::new();
    let mut text = Vec::new();
    // Rendering into memory cannot fail.
    let _ = man.render_title(&mut text);
    let _ = man.render_name_section(&mut text);
    let _ = man.render_synopsis_section(&mut text);
    let _ = man.render_description_section(&mut text);
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        let _ = man.render_options_section(&mut text);
    }
    if command.get_subcommands().any(|s| !s.is_hide_set()) {
        let _ = man.render_subcommands_section(&mut text);
    }
    if let Some(notes) = command.get_after_help() {
        roff.control("SH", ["NOTES"]);
        preformatted(&mut roff, &notes.to_string());
    }
    exit_status(&mut roff, subcommand);
    if matches!(subcommand, None | Some("check")) {
        roff.control("SH", ["JSON REPORT"]);
        roff.text([roman(format!(
            "check --json prints one JSON object whose fields and stable check ids are \
             documented in {README_INSTALLED} (section \"The JSON report\"; in the source tree, \
             README.md); with several names, one such object per line (JSON Lines), in input \
             order."
        ))]);
    }
    let examples: Vec<&(&str, &str)> = EXAMPLES
        .iter()
        .filter(|(line, _)| match subcommand {
            None => true,
            Some(name) => line.starts_with(&format!("matrix-delegate {name}")),
        })
        .collect();
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for (line, what) in examples {
            roff.control("TP", []);
            roff.text([bold(*line)]);
            roff.text([roman(*what)]);
        }
    }
    roff.control("SH", ["SEE ALSO"]);
    let refs: Vec<String> = see_also.iter().map(|p| format!("{p}(1)")).collect();
    roff.text([roman(refs.join(", "))]);
    let _ = roff.to_writer(&mut text);
    if command.get_version().is_some() {
        let _ = man.render_version_section(&mut text);
    }
    (
        format!("{name}.1"),
        ascii_roff(&String::from_utf8_lossy(&text)),
    )
}

/// The help texts use a few characters beyond ASCII (arrows, dashes).
/// `man` passes pages through `preconv`, but a plain `groff` or `nroff`
/// reads bytes, so each such character is written as the roff escape that
/// names its code point (`\[u2192]`), which groff and mandoc both know.
fn ascii_roff(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

/// `--help`'s after-help text: paragraphs are filled, indented lines (the
/// lists of ids and examples) kept as they are.
fn preformatted(roff: &mut Roff, text: &str) {
    for paragraph in text.split("\n\n") {
        roff.control("PP", []);
        for line in paragraph.lines() {
            if line.starts_with(' ') {
                roff.control("nf", []);
                roff.text([roman(line)]);
                roff.control("fi", []);
            } else {
                roff.text([roman(line)]);
            }
        }
    }
}

fn exit_status(roff: &mut Roff, subcommand: Option<&str>) {
    let failed = match subcommand {
        Some("check") => "a check failed (fail) or could not run (error)",
        Some("generate") => {
            "the files or the config were not written (a file in the way, a refused or failed \
             config write)"
        }
        Some("config") => "the config file could not be found or read",
        Some("selfcheck") => {
            "the homeserver answers older values or none (restart it), does not answer where \
             its config file says it listens, or the config file could not be read"
        }
        Some("apply") => {
            "nothing was installed: a conflicting server or site block, missing certificates, an \
             unknown layout, a configuration that fails already, or a failed test or reload \
             (undone)"
        }
        _ => {
            "the command did not get done: a check failed or could not run, a config write \
             was refused or failed, the files were not written"
        }
    };
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        (Exit::Ok, "done, nothing failed"),
        (Exit::Failed, failed),
        (
            Exit::Usage,
            "usage error: an invalid option value, server name or config file; the message \
             names the option",
        ),
    ] {
        roff.control("TP", []);
        roff.text([bold(code.code().to_string())]);
        roff.text([roman(meaning)]);
    }
    if matches!(subcommand, None | Some("check")) {
        roff.control("TP", []);
        roff.text([bold(Exit::Interrupted.code().to_string())]);
        roff.text([roman(
            "check with several names or --wait: interrupted (Ctrl-C) after printing what had \
             finished",
        )]);
    }
}

/// Writes every page into `args.out`.
pub fn run(args: &ManArgs) -> Exit {
    let pages = pages();
    let files: Vec<NewFile<'_>> = pages
        .iter()
        .map(|(name, text)| NewFile {
            relative: name,
            contents: text.as_bytes(),
        })
        .collect();
    match write_files(&args.out, &files, Replace::RegularFiles) {
        Ok(written) => {
            for path in written {
                println!("wrote {}", printable(&path.display().to_string()));
            }
            Exit::Ok
        }
        Err(e) => {
            eprintln!("error: {}", printable(&e.to_string()));
            Exit::Failed
        }
    }
}
