//! `matrix-delegate check <SERVER_NAME> --tui`: straight into the wizard's
//! checks screen (the re-check path after a DNS change), with the same
//! expectations and network options as the text report.

use std::process::ExitCode;
use std::sync::Arc;

use crate::check::expect::Expectations;
use crate::cli::check::{CheckArgs, EXIT_PROBLEMS, net_options, setup_exit};
use crate::probe::Net;
use crate::tui::data::Expected;
use crate::tui::runtime::launch::check_screen;
use crate::tui::services::{BuiltinServices, Environment, NetSource};

/// Opens the checks screen; returns the exit code (0 after a normal quit).
/// `env` is the environment the homeserver runs with (for a config file
/// the operator names on the screen).
pub fn run(args: &CheckArgs, ex: Expectations, env: Environment) -> u8 {
    let source = match &args.sim {
        Some(scenario) => NetSource::Sim {
            scenario: scenario.clone(),
            timeout: args.timeout,
            resolve: args.resolve.clone(),
        },
        None => {
            let options = net_options(args);
            // Refuse unusable options (an unreadable --ca-file, ...) here,
            // with the text command's message and code, not inside the screen.
            if let Err(code) = validate(&options) {
                return code;
            }
            NetSource::Options(options)
        }
    };
    let services = Arc::new(BuiltinServices::with_net(source, env));
    let expected = Expected::Given(Box::new(ex));
    let code = check_screen(services, args.server_name.clone(), expected);
    if code == ExitCode::SUCCESS {
        0
    } else {
        EXIT_PROBLEMS
    }
}

fn validate(options: &crate::probe::NetOptions) -> Result<(), u8> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            EXIT_PROBLEMS
        })?;
    // The resolver is set up inside a runtime, as it is for a real run.
    runtime.block_on(async {
        Net::new(options.clone()).map(drop).map_err(|e| {
            eprintln!("error: {e}");
            setup_exit(&e)
        })
    })
}
