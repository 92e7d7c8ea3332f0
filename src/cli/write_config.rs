//! `generate ... --write-config PATH [--dry-run] [--yes] [--normalise]`:
//! shows the diff of the config edit, asks, writes safely. The `generate`
//! command wires these flags in; this file owns what they do.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use crate::config_file::{EditOptions, FileError, PrepareError, prepare, write};
use crate::domain::Plan;
use crate::exit::Exit;
use crate::safe_text::printable;
use crate::selfcheck::Expected;

use super::selfcheck::after_write;

/// The flags, ready to `#[command(flatten)]` into a command's arguments.
#[derive(Debug, Clone, Default, Args)]
pub struct WriteConfigFlags {
    /// Edit the [global.well_known] section of this homeserver config file.
    #[arg(long, value_name = "PATH")]
    pub write_config: Option<PathBuf>,
    /// With --write-config: print the diff, write nothing.
    #[arg(long, requires = "write_config")]
    pub dry_run: bool,
    /// With --write-config: write without asking.
    #[arg(long, requires = "write_config")]
    pub yes: bool,
    /// With --write-config: move an inline `well_known = {..}` or dotted
    /// `well_known.*` keys into one [global.well_known] table and comment out
    /// the forms the homeserver ignores.
    #[arg(long, requires = "write_config")]
    pub normalise: bool,
}

/// How to run one config write.
#[derive(Debug, Clone, Copy)]
pub struct WriteConfigRequest<'a> {
    pub path: &'a Path,
    pub dry_run: bool,
    pub yes: bool,
    pub normalise: bool,
    /// Whether a person can answer a question (stdin is a terminal). When
    /// not, and `yes` is false, the write is refused instead of hanging.
    pub interactive: bool,
}

/// Edits the config at `req.path` to hold `plan`'s well-known settings.
/// `env` is the environment the homeserver runs with (for override
/// warnings and the server-name guard); `confirm` asks the question it is
/// given and says whether the answer was yes. [`Exit::Ok`] when written,
/// already right, or a dry run; [`Exit::Failed`] when refused or failed.
/// Everything printed that may quote the file (errors, notes, changes, the
/// diff) or name it goes through [`printable`].
pub fn write_config(
    req: &WriteConfigRequest,
    plan: &Plan,
    env: &[(String, String)],
    out: &mut dyn Write,
    confirm: &mut dyn FnMut(&str) -> bool,
) -> Exit {
    let shown = printable(&req.path.display().to_string());
    let options = EditOptions {
        normalise: req.normalise,
    };
    let prepared = match prepare(req.path, plan, options, env) {
        Ok(p) => p,
        // `generate` has no --config: name the flag it does have.
        Err(PrepareError::File(FileError::NotFound { .. })) => {
            let _ = writeln!(
                out,
                "error: {shown}: no such file. Check the path given to --write-config \
                 (`matrix-delegate config show` says where the homeserver's config is)"
            );
            return Exit::Failed;
        }
        Err(e) => {
            let _ = writeln!(out, "error: {}", printable(&e.to_string()));
            return Exit::Failed;
        }
    };
    let edit = &prepared.edit;
    for note in &edit.notes {
        let _ = writeln!(out, "note: {}", printable(note));
    }
    if edit.is_noop() {
        let _ = writeln!(
            out,
            "{shown} already has these settings: nothing to change."
        );
        return Exit::Ok;
    }
    let _ = write!(out, "{}", prepared.diff());
    let _ = writeln!(out, "\nChanges:");
    for c in &edit.changes {
        let _ = writeln!(out, "  line {}: {}", c.line, printable(&c.description));
    }
    if req.dry_run {
        let _ = writeln!(out, "\nDry run: nothing was written.");
        return Exit::Ok;
    }
    if !req.yes {
        if !req.interactive {
            let _ = writeln!(
                out,
                "\nNot written: confirmation needed but stdin is not a terminal. Run again \
                 with --yes to write, or --dry-run to only see the diff."
            );
            return Exit::Failed;
        }
        if !confirm(&format!("Write these changes to {shown}? [y/N] ")) {
            let _ = writeln!(out, "Not written.");
            return Exit::Failed;
        }
    }
    match write::write(&prepared.loaded, &edit.after) {
        Ok(w) => {
            let target = w.target.display().to_string();
            let _ = writeln!(out, "\nWritten: {}", printable(&target));
            let _ = writeln!(
                out,
                "Backup:  {}",
                printable(&w.backup.display().to_string())
            );
            if let Some(warning) = w.warning {
                let _ = writeln!(out, "warning: {}", printable(&warning.to_string()));
            }
            let _ = writeln!(out, "Restart the homeserver for the change to take effect.");
            Exit::Ok
        }
        Err(e) => {
            let _ = writeln!(out, "error: {}", printable(&e.to_string()));
            Exit::Failed
        }
    }
}

/// Runs `--write-config` when the flag was given (`None` otherwise), with
/// the process environment and a question on the terminal, reporting to
/// `out`: the one call `generate` needs.
pub fn run_from_flags(flags: &WriteConfigFlags, plan: &Plan, out: &mut dyn Write) -> Option<Exit> {
    let path = flags.write_config.as_deref()?;
    let req = WriteConfigRequest {
        path,
        dry_run: flags.dry_run,
        yes: flags.yes,
        normalise: flags.normalise,
        interactive: stdin_is_interactive(),
    };
    let env = super::config::process_env();
    let written = write_config(&req, plan, &env, out, &mut confirm_on_terminal);
    if written != Exit::Ok || flags.dry_run {
        return Some(written);
    }
    // The homeserver reads the file only when it starts: restart it, then
    // ask it locally before any public check.
    let _ = writeln!(out);
    let expected = Expected::from_section(&plan.well_known_section());
    Some(after_write(
        path,
        &expected,
        req.interactive && !flags.yes,
        out,
        &mut confirm_on_terminal,
    ))
}

/// Whether stdin is a terminal a person can answer on.
pub fn stdin_is_interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks `question` on stderr and reads one line from stdin: `y`/`yes` is yes.
pub fn confirm_on_terminal(question: &str) -> bool {
    let mut err = std::io::stderr();
    let _ = write!(err, "{question}");
    let _ = err.flush();
    let mut answer = String::new();
    match std::io::stdin().lock().read_line(&mut answer) {
        Ok(_) => matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
        Err(_) => false,
    }
}
