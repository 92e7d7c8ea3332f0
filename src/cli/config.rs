//! `matrix-delegate config show [--config PATH]`: which config file, why,
//! and what it says about delegation.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::config_file::locate::{Located, locate_here};
use crate::config_file::render::render_report;
use crate::config_file::{inspect, write};
use crate::exit::Exit;
use crate::safe_text::printable;

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show the homeserver config file in use, its server name, its
    /// well-known settings with their source, and any problems.
    Show {
        /// The config file (default: CONTINUWUITY_CONFIG, CONDUWUIT_CONFIG,
        /// CONDUIT_CONFIG, TUWUNEL_CONFIG, then the packaged locations).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
}

/// Runs the subcommand: [`Exit::Ok`] when shown, [`Exit::Failed`] otherwise.
pub fn run(args: &ConfigArgs) -> Exit {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match &args.command {
        ConfigCommand::Show { config } => show(config.as_deref(), &process_env(), &mut out),
    }
}

/// The process environment as (name, value) pairs, lossily decoded.
pub fn process_env() -> Vec<(String, String)> {
    std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect()
}

fn show(flag: Option<&std::path::Path>, env: &[(String, String)], out: &mut dyn Write) -> Exit {
    let located = match locate_here(flag) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(out, "error: {}", printable(&e.to_string()));
            return Exit::Failed;
        }
    };
    show_located(&located, env, out)
}

/// `config show` for an already located file (the testable core). Paths
/// (from the environment, a symlink) and errors (which may quote the file)
/// are outside text: they are printed through [`printable`], like the
/// report's values.
pub fn show_located(located: &Located, env: &[(String, String)], out: &mut dyn Write) -> Exit {
    let shown = printable(&located.path.display().to_string());
    let _ = writeln!(out, "Config file:  {shown}");
    let _ = writeln!(out, "              ({})", printable(&located.explain()));
    for note in &located.notes {
        let _ = writeln!(out, "              note: {}", printable(note));
    }
    let loaded = match write::read(&located.path) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(out, "error: {}", printable(&e.to_string()));
            return Exit::Failed;
        }
    };
    if loaded.target != located.path && loaded.target.is_absolute() && located.path.is_symlink() {
        let _ = writeln!(
            out,
            "              (a symlink to {})",
            printable(&loaded.target.display().to_string())
        );
    }
    match inspect(&loaded.text, env) {
        Ok(report) => {
            let _ = write!(out, "\n{}", render_report(&report));
            Exit::Ok
        }
        Err(e) => {
            let _ = writeln!(out, "error: {shown}: {}", printable(&e.to_string()));
            Exit::Failed
        }
    }
}
