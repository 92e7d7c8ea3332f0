//! `matrix-delegate check <SERVER_NAME> --tui`: straight into the wizard's
//! checks screen (the re-check path after a DNS change), with the same
//! expectations and network options as the text report.

use std::sync::Arc;

use crate::check::expect::Expectations;
use crate::cli::check::{CheckArgs, setup_exit};
use crate::domain::ServerName;
use crate::exit::Exit;
use crate::probe::{Net, NetOptions};
use crate::safe_text::printable;
use crate::tui::data::Expected;
use crate::tui::runtime::launch::check_screen;
use crate::tui::services::{BuiltinServices, Environment, NetSource};

/// Opens the checks screen: [`Exit::Ok`] after a normal quit. `env` is the
/// environment the homeserver runs with (for a config file the operator
/// names on the screen).
/// `options`: the network options from the flags (`None` with `--sim`).
pub(super) fn run(
    args: &CheckArgs,
    server_name: &ServerName,
    ex: Expectations,
    options: Option<NetOptions>,
    env: Environment,
) -> Exit {
    let source = match &args.sim {
        Some(scenario) => NetSource::Sim {
            scenario: scenario.clone(),
            timeout: args.timeout,
            resolve: args.resolve.clone(),
            allow_private_addresses: args.allow_private_addresses,
        },
        None => {
            let options = options.unwrap_or_default();
            // Refuse unusable options (an unreadable --ca-file, ...) here,
            // with the text command's message and code, not inside the screen.
            if let Err(exit) = validate(&options) {
                return exit;
            }
            NetSource::Options(options)
        }
    };
    let services = Arc::new(BuiltinServices::with_net(source, env));
    let expected = Expected::Given(Box::new(ex));
    check_screen(services, server_name.clone(), expected)
}

fn validate(options: &NetOptions) -> Result<(), Exit> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            Exit::Failed
        })?;
    // The resolver is set up inside a runtime, as it is for a real run.
    runtime.block_on(async {
        Net::new(options.clone()).map(drop).map_err(|e| {
            eprintln!("error: {}", printable(&e.to_string()));
            setup_exit(&e)
        })
    })
}
