//! Taking the real terminal: checks that there is one, enters raw mode and
//! the alternate screen (`ratatui::init` also installs the restore-on-panic
//! hook), and restores it on every way out — normal quit, error, panic,
//! Ctrl-C (a key in raw mode), SIGINT/SIGTERM/SIGHUP.

use std::future::Future;
use std::io::{self, IsTerminal};
use std::sync::Arc;

use crossterm::event::EventStream;
use ratatui::DefaultTerminal;

use crate::domain::ServerName;
use crate::exit::Exit;
use crate::tui::cmd::Cmd;
use crate::tui::data::{ConfigStatus, Expected};
use crate::tui::services::Services;
use crate::tui::state::State;

use super::{Stats, run};

/// `NO_COLOR` set to anything non-empty turns colour off (no-color.org).
/// Read once, here; the state carries the answer.
pub fn no_color_from_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// The wizard: looks for the config file, then runs on this terminal.
pub fn wizard(services: Arc<dyn Services>, named: Option<&std::path::Path>) -> Exit {
    let config = services.load_config(named);
    // A file named on the command line that cannot be used is a usage
    // error, said before the screen is taken over.
    if let (Some(path), false) = (named, matches!(config, ConfigStatus::Found(_))) {
        let why = match &config {
            ConfigStatus::Problem(why) => why.clone(),
            _ => format!("{}: no such file", path.display()),
        };
        eprintln!("error: --config {}: {why}", path.display());
        return Exit::Usage;
    }
    let state = State::wizard(config, no_color_from_env());
    launch(state, Vec::new(), services)
}

/// Straight into the checks screen (`check <name> --tui`).
pub fn check_screen(
    services: Arc<dyn Services>,
    server_name: ServerName,
    expected: Expected,
) -> Exit {
    let (state, cmds) = State::check_screen(server_name, expected, no_color_from_env());
    launch(state, cmds, services)
}

/// Runs `state` on the real terminal until the operator leaves.
pub fn launch(state: State, cmds: Vec<Cmd>, services: Arc<dyn Services>) -> Exit {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        eprintln!(
            "matrix-delegate: the wizard needs an interactive terminal; for scripts use \
             `matrix-delegate check <server-name>` or `matrix-delegate generate`"
        );
        return Exit::Failed;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("matrix-delegate: cannot start: {e}");
            return Exit::Failed;
        }
    };
    let result = runtime.block_on(async {
        let mut guard = TerminalGuard::enter()?;
        let shutdown = shutdown_signal()?;
        let stats = Stats::new();
        let mut stdout = io::stdout();
        run(
            &mut guard.terminal,
            state,
            cmds,
            services,
            EventStream::new(),
            shutdown,
            &mut stdout,
            &stats,
        )
        .await
        // `guard` drops here: the terminal is restored before anything is printed.
    });
    // Do not wait for blocking work still in flight (a slow write is atomic by design).
    runtime.shutdown_background();
    match result {
        Ok(state) if state.interrupted => Exit::Interrupted,
        Ok(_) => Exit::Ok,
        Err(e) => {
            eprintln!("matrix-delegate: {e}");
            Exit::Failed
        }
    }
}

/// Owns the terminal; dropping it restores the screen, on errors too.
struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    fn enter() -> io::Result<TerminalGuard> {
        match ratatui::try_init() {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                // Raw mode may be on even though the rest failed.
                ratatui::restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.terminal.show_cursor();
        ratatui::restore();
    }
}

/// Resolves when the process is asked to stop. In raw mode Ctrl-C arrives
/// as a key, but `kill -INT` / `-TERM` and a closed terminal (HUP) come as
/// signals; registering them here replaces the default "die at once", so
/// the loop can restore the terminal first.
#[cfg(unix)]
fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
            _ = hup.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
