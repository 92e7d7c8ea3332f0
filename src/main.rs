use std::process::ExitCode;

use clap::Parser;
use matrix_delegate::cli::{
    Cli, Command, apply, check, completions, config, demo, generate, manual, selfcheck,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let exit = match cli.command {
        Some(Command::Generate(args)) => generate::run(&args),
        Some(Command::Apply(args)) => apply::run(&args),
        Some(Command::Config(args)) => config::run(&args),
        Some(Command::Selfcheck(args)) => selfcheck::run(&args),
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Demo(args)) => demo::run(&args),
        Some(Command::Completions(args)) => completions::run(&args),
        Some(Command::Man(args)) => manual::run(&args),
        None => matrix_delegate::tui::run_wizard(config::process_env(), cli.config.as_deref()),
    };
    exit.into()
}
