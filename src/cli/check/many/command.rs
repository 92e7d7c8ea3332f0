//! The command-line side of a many-names run: what the flags mean for it,
//! the names file, Ctrl-C, and the exit code.

use std::io::IsTerminal;

use tokio::sync::mpsc;

use super::input::{NamesFile, spawn_reader};
use super::{Format, Outcome, Settings, check_many, fit_jobs_to_open_files};
use crate::cli::check::{CheckArgs, flag_options, network, runtime};
use crate::exit::Exit;
use crate::safe_text::printable;

/// Names read ahead of the checks: enough to keep every job busy, small
/// enough that a huge list is never held whole.
const READ_AHEAD: usize = 1024;

/// Runs the checks for every name of the command line and `--names-from`.
pub(in crate::cli::check) fn run(args: &CheckArgs) -> Exit {
    if let Err(message) = refuse_single_server_options(args) {
        eprintln!("error: {message}");
        return Exit::Usage;
    }
    let file = match &args.names_from {
        None => None,
        Some(path) => match NamesFile::open(path) {
            Ok(file) => Some(file),
            Err(e) => {
                eprintln!("error: {}", printable(&e.to_string()));
                return Exit::Usage;
            }
        },
    };
    let label = file.as_ref().map(|f| f.label.clone());
    let options = match flag_options(args) {
        Ok(options) => options,
        Err(exit) => return exit,
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    let fit = fit_jobs_to_open_files(args.jobs);
    if fit.jobs < args.jobs {
        eprintln!(
            "note: --jobs {} lowered to {}: this process may hold only {} open files \
             (ulimit -n)",
            args.jobs, fit.jobs, fit.limit
        );
    }
    let outcome = runtime.block_on(async {
        let (net, _sim) = network(args, options, |o| fit.share(o)).await?;
        let (tx, rx) = mpsc::channel(READ_AHEAD);
        if let Err(e) = spawn_reader(args.server_names.clone(), file, tx) {
            eprintln!("error: cannot start reading the names: {e}");
            return Err(Exit::Failed);
        }
        let settings = Settings {
            jobs: fit.jobs,
            format: format(args),
            proxy: args.proxy,
            progress: std::io::stderr().is_terminal(),
        };
        let mut stdout = std::io::stdout().lock();
        let mut stderr = std::io::stderr();
        Ok(check_many(net, settings, rx, interrupted(), &mut stdout, &mut stderr).await)
    });
    // Leave the reader thread behind (it may wait on a terminal).
    runtime.shutdown_background();
    match outcome {
        Ok(outcome) => exit_code(&outcome, label.as_deref()),
        Err(exit) => exit,
    }
}

/// `--config` and `--expect-*` state one server's intent; `--tui` shows one
/// server. Neither can mean anything for a list.
fn refuse_single_server_options(args: &CheckArgs) -> Result<(), String> {
    let one_server = [
        (args.config.is_some(), "--config"),
        (args.expect_server.is_some(), "--expect-server"),
        (args.expect_client.is_some(), "--expect-client"),
    ];
    if let Some((_, flag)) = one_server.iter().find(|(given, _)| *given) {
        return Err(format!(
            "{flag} states the intent for one server; it cannot be used with several names or \
             --names-from (check that server on its own; --proxy applies to every name)"
        ));
    }
    if args.wait {
        return Err(
            "--wait re-checks one server name until it is green; give exactly one SERVER_NAME \
             and no --names-from"
                .to_string(),
        );
    }
    if args.tui {
        return Err(
            "--tui shows the checks of one server name; give exactly one SERVER_NAME and no \
             --names-from"
                .to_string(),
        );
    }
    Ok(())
}

fn format(args: &CheckArgs) -> Format {
    if args.json {
        Format::Json
    } else if args.markdown {
        Format::Markdown
    } else {
        let no_color = std::env::var("NO_COLOR").ok();
        let color = std::io::stdout().is_terminal() && no_color.is_none_or(|v| v.is_empty());
        Format::Text { color }
    }
}

/// Completes on the first Ctrl-C (SIGINT); never when it cannot be watched.
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

fn exit_code(outcome: &Outcome, file: Option<&str>) -> Exit {
    if outcome.write_error.is_some() {
        if let Some(e) = &outcome.write_error
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            eprintln!("error: cannot write the results: {e}");
        }
        return Exit::Failed;
    }
    let tally = &outcome.tally;
    if tally.interrupted {
        eprintln!(
            "interrupted (Ctrl-C): {} names checked, {} stopped unfinished",
            tally.checked, tally.unfinished
        );
        return Exit::Interrupted;
    }
    if outcome.names_read == 0 {
        let source = file.map(printable).unwrap_or_else(|| "the input".into());
        if tally.invalid > 0 {
            eprintln!(
                "error: no valid server name in {source} ({} invalid, see above)",
                tally.invalid
            );
        } else if outcome.read_errors == 0 {
            eprintln!(
                "error: --names-from {source}: no server names in it (it is empty or holds only \
                 comments and blank lines)"
            );
        }
        return Exit::Usage;
    }
    if tally.failing > 0 || tally.invalid > 0 || outcome.read_errors > 0 {
        Exit::Failed
    } else {
        Exit::Ok
    }
}
