//! `matrix-delegate selfcheck [--config PATH]`: asks the running homeserver
//! on the address its config file names for `/.well-known/matrix/server`
//! and `/client`, and compares the answers with the config file, so that a
//! homeserver not restarted since the edit is named as such before any
//! public check runs. `generate --write-config` ends with the same step
//! (after offering the restart when someone can answer).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use clap::Args;

use crate::apply::program::homeserver_units;
use crate::config_file::inspect_file;
use crate::config_file::locate::locate_here;
use crate::exit::Exit;
use crate::probe::local::ask_both;
use crate::probe::parse_timeout;
use crate::safe_text::printable;
use crate::selfcheck::listen::endpoints;
use crate::selfcheck::{Expected, compare, render, restart};

#[derive(Debug, Args)]
pub struct SelfcheckArgs {
    /// The homeserver config file (default: CONTINUWUITY_CONFIG, CONDUWUIT_CONFIG,
    /// CONDUIT_CONFIG, TUWUNEL_CONFIG, then the packaged locations, as `config show`)
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Seconds to wait for each answer; fractions allowed
    #[arg(long, value_name = "SECS", value_parser = timeout, default_value = "5")]
    pub timeout: Duration,
}

fn timeout(text: &str) -> Result<Duration, String> {
    parse_timeout(text).map_err(|e| e.message)
}

pub fn after_help() -> String {
    "Where it asks: the config file's `unix_socket_path`, else every `address` with every \
     `port` (default 127.0.0.1 and ::1, port 8008; 0.0.0.0 and :: are asked on loopback), \
     environment overrides applied. It compares `m.server` and `m.homeserver.base_url` with \
     `server` and `client` in [global.well_known] (unset: no file).\n\n\
     Exit codes: 0 the homeserver answers what its config file says; 1 it answers older \
     values or none (restart it), it does not answer, or the config file cannot be read; \
     2 usage error.\n\n\
     Example:\n  matrix-delegate selfcheck --config /etc/continuwuity.toml"
        .to_string()
}

/// Runs the command with the process environment, printing to stdout.
pub fn run(args: &SelfcheckArgs) -> Exit {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let located = match locate_here(args.config.as_deref()) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(out, "error: {}", printable(&e.to_string()));
            return Exit::Failed;
        }
    };
    let env = super::config::process_env();
    selfcheck(&located.path, None, &env, args.timeout, &mut out)
}

/// Asks the homeserver configured in `config` for both files and prints
/// the verdicts. `expected` is what it should answer (the plan just
/// written); `None` takes the config file's own section, environment
/// overrides applied.
pub fn selfcheck(
    config: &Path,
    expected: Option<&Expected>,
    env: &[(String, String)],
    timeout: Duration,
    out: &mut dyn Write,
) -> Exit {
    let shown = printable(&config.display().to_string());
    let report = match inspect_file(config, env) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(out, "error: {}", printable(&e.to_string()));
            return Exit::Failed;
        }
    };
    let places = match endpoints(
        &report.address.value,
        &report.port.value,
        report.unix_socket_path.as_ref().map(|s| s.value.as_str()),
    ) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(out, "error: {shown}: {}", printable(&e.to_string()));
            return Exit::Failed;
        }
    };
    let expected = expected
        .cloned()
        .unwrap_or_else(|| Expected::from_section(&report.effective_section()));
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(out, "error: cannot start the async runtime: {e}");
            return Exit::Failed;
        }
    };
    let asked = runtime.block_on(ask_both(&places, timeout));
    let check = compare(&expected, &asked);
    let _ = writeln!(
        out,
        "Self-check: the running homeserver of {shown}, asked where it listens:"
    );
    for line in render(&check, &restart::advice(&homeserver_units())) {
        let _ = writeln!(out, "  {}", printable(&line));
    }
    if check.passed() {
        Exit::Ok
    } else {
        Exit::Failed
    }
}

/// The step after `--write-config` wrote (or found) the settings: how to
/// restart the homeserver, the restart itself when one systemd unit is
/// installed and the operator says yes, then the self-check against the
/// plan's values. Without a terminal it only says what to run.
pub fn after_write(
    config: &Path,
    expected: &Expected,
    interactive: bool,
    out: &mut dyn Write,
    confirm: &mut dyn FnMut(&str) -> bool,
) -> Exit {
    let units = homeserver_units();
    let advice = restart::advice(&units);
    let shown = printable(&config.display().to_string());
    if !interactive {
        let _ = writeln!(
            out,
            "Next: restart the homeserver ({advice}), then `matrix-delegate selfcheck --config \
             {shown}` asks it whether it answers the new values."
        );
        return Exit::Ok;
    }
    if let [unit] = units.as_slice() {
        let name = unit.trim_end_matches(".service");
        if confirm(&format!(
            "Restart {name} now (systemctl restart {name})? [y/N] "
        )) {
            match Command::new("systemctl").args(["restart", unit]).output() {
                Ok(o) if o.status.success() => {
                    let _ = writeln!(out, "Restarted {name}.");
                    // Give it a moment to bind its listeners again.
                    std::thread::sleep(Duration::from_secs(2));
                }
                Ok(o) => {
                    let _ = writeln!(
                        out,
                        "systemctl restart {name} failed: {}",
                        printable(String::from_utf8_lossy(&o.stderr).trim())
                    );
                }
                Err(e) => {
                    let _ = writeln!(out, "cannot run systemctl: {e}");
                }
            }
        }
    } else {
        let _ = writeln!(out, "Restart the homeserver now: {advice}.");
        let _ = confirm("Press Enter once it runs again to ask it for its well-known files. ");
    }
    let env = super::config::process_env();
    selfcheck(
        config,
        Some(expected),
        &env,
        crate::probe::DEFAULT_TIMEOUT,
        out,
    )
}
