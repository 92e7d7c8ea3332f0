use std::process::ExitCode;

use clap::Parser;
use matrix_delegate::cli::{Cli, Command, check, config, demo, generate};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let exit = match cli.command {
        Some(Command::Generate(args)) => generate::run(&args),
        Some(Command::Config(args)) => config::run(&args),
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Demo(args)) => demo::run(&args),
        None => matrix_delegate::tui::run_wizard(config::process_env()),
    };
    exit.into()
}
