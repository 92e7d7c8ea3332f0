use clap::Parser;
use matrix_delegate::cli::Cli;

fn main() {
    let cli = Cli::parse();
    match cli.command {
        None => println!("matrix-delegate: see --help"),
    }
}
