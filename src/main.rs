use std::process::ExitCode;

use clap::Parser;
use matrix_delegate::cli::{Cli, Command, generate};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Generate(args)) => generate::run(&args),
        None => {
            println!("matrix-delegate: see --help");
            ExitCode::SUCCESS
        }
    }
}
