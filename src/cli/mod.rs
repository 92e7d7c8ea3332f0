//! Command-line definitions. Each subcommand keeps its arguments and its
//! `run` function in its own file.

pub mod apply;
pub mod check;
pub mod completions;
pub mod config;
pub mod demo;
pub mod generate;
pub mod manual;
pub mod selfcheck;
pub mod write_config;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "matrix-delegate",
    version,
    about = "Set up and verify Matrix homeserver delegation (Continuwuity, conduwuit, tuwunel)",
    after_help = "Without a command, matrix-delegate opens the wizard: names, strategy (with a \
                  teaching panel), deployment, review of every generated file, then the live \
                  checks in panels. `matrix-delegate demo` runs it offline against a simulated \
                  internet.\n\nThe wizard reads the homeserver config file named by --config, \
                  else by CONTINUWUITY_CONFIG (or CONDUWUIT_CONFIG, CONDUIT_CONFIG), else the \
                  first of the packaged locations that exists.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// The wizard: read this homeserver config file (server_name, the
    /// [global.well_known] section, address/port/unix_socket_path) instead
    /// of looking for one
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print (or write with --out) the config section, proxy configuration,
    /// DNS records, well-known files and next steps for a delegation setup;
    /// with --write-config, edit the homeserver config file in place
    #[command(after_help = generate::after_help())]
    Generate(Box<generate::GenerateArgs>),
    /// Install the proxy configuration (nginx, Caddy, Apache, HAProxy) into the proxy's own files: find the layout,
    /// stop on a conflicting server block or missing certificates, write with a backup,
    /// test the whole configuration, reload, undo everything when the test or reload fails
    #[command(after_help = apply::after_help())]
    Apply(Box<apply::ApplyArgs>),
    /// Inspect the homeserver config file
    Config(config::ConfigArgs),
    /// Ask the running homeserver where its config file says it listens for
    /// /.well-known/matrix/server and /client, and compare them with the config
    /// file: names a homeserver not restarted since the edit
    #[command(after_help = selfcheck::after_help())]
    Selfcheck(selfcheck::SelfcheckArgs),
    /// Check the live deployment the way other Matrix servers and clients see it:
    /// server discovery (spec step, addresses, TLS, version, keys, routing),
    /// client discovery and CORS, the support file, DNS and caching
    #[command(after_help = check::after_help())]
    Check(Box<check::CheckArgs>),
    /// The wizard and the live checks against a built-in simulated internet:
    /// pick a deployment (healthy or broken), walk through the wizard with its
    /// answers filled in, and see every check run for real. Works offline
    #[command(after_help = demo::after_help())]
    Demo(demo::DemoArgs),
    /// Print the shell completion script for bash, zsh, fish, elvish or
    /// powershell
    #[command(after_help = completions::after_help())]
    Completions(completions::CompletionsArgs),
    /// Write the manual pages into a folder (for packaging)
    #[command(hide = true)]
    Man(manual::ManArgs),
}
