use clap::Parser;
use matrix_delegate::cli::Cli;

fn main() {
    let cli = Cli::parse();
    match cli.command {
        None => println!("matrix-delegate: see --help"),
        Some(matrix_delegate::cli::Command::Config(a)) => {
            std::process::exit(matrix_delegate::cli::config::run(&a))
        }
    }
}
