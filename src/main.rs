use std::process::ExitCode;

use clap::Parser;
use matrix_delegate::cli::{Cli, Command, check, config, demo, generate};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Generate(args)) => generate::run(&args),
        Some(Command::Config(args)) => exit_code(config::run(&args)),
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Demo(args)) => demo::run(&args),
        None => matrix_delegate::tui::run_wizard(config::process_env()),
    }
}

fn exit_code(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
