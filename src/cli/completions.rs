//! `matrix-delegate completions SHELL`: the shell completion script, made
//! from the same clap definitions as the parser, so it always knows every
//! command and option.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;
use crate::exit::Exit;

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

/// Text after the options in `completions --help`: where each script goes.
pub fn after_help() -> &'static str {
    "Where to put the script (the Debian package installs bash, zsh and fish for you):\n  \
     bash  matrix-delegate completions bash > ~/.local/share/bash-completion/completions/matrix-delegate\n  \
     zsh   matrix-delegate completions zsh > ~/.zfunc/_matrix-delegate   (with ~/.zfunc in $fpath)\n  \
     fish  matrix-delegate completions fish > ~/.config/fish/completions/matrix-delegate.fish"
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut command = visible(&Cli::command());
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "matrix-delegate", &mut out);
    if shell == Shell::Bash {
        return bash_case_labels_fixed(&out);
    }
    out
}

/// clap_complete's bash script names each command's state after the
/// binary with `-` turned into `__` where it sets the state, but into
/// `__subcmd__` in the `case` labels that read it, so for a binary name
/// with a hyphen no subcommand's options would ever complete. The labels
/// are rewritten to the names the script sets.
fn bash_case_labels_fixed(script: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(script)
        .replace("matrix__subcmd__delegate", "matrix__delegate")
        .into_bytes()
}

/// `command` without what `--help` hides (the testing aid `--sim`, the
/// packaging aid `man`): clap_complete's scripts would offer them.
fn visible(command: &clap::Command) -> clap::Command {
    let mut out = clap::Command::new(command.get_name().to_string());
    if let Some(about) = command.get_about() {
        out = out.about(about.clone());
    }
    if let Some(version) = command.get_version() {
        out = out.version(version.to_string());
    }
    out.args(
        command
            .get_arguments()
            .filter(|a| !a.is_hide_set())
            .cloned(),
    )
    .subcommands(
        command
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(visible),
    )
}

/// Prints the script: [`Exit::Failed`] only when standard output fails (a
/// reader that stops early, `| head`, is not a failure).
pub fn run(args: &CompletionsArgs) -> Exit {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(&script(args.shell))
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Exit::Ok,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
        Err(e) => {
            eprintln!("error: writing the completion script: {e}");
            Exit::Failed
        }
    }
}
