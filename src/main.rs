use std::process::ExitCode;

use clap::Parser;
use matrix_delegate::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => matrix_delegate::tui::run_wizard(),
    }
}
