//! `matrix-delegate demo`: the wizard against the built-in simulated
//! internet (DNS and HTTPS servers on loopback with their own certificate
//! authority). Works with no network at all.

use std::sync::Arc;

use clap::Args;

use super::config::process_env;
use crate::exit::Exit;
use crate::tui::demo::DemoDeployment;
use crate::tui::runtime::launch::{launch, no_color_from_env};
use crate::tui::services::BuiltinServices;
use crate::tui::state::State;
use crate::tui::update::demo_picked;

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Skip the picker: open this deployment's checks at once (e.g.
    /// client-without-cors; the picker lists them all)
    #[arg(long, value_name = "NAME", value_parser = deployment)]
    pub scenario: Option<String>,
}

fn deployment(text: &str) -> Result<String, String> {
    DemoDeployment::find(text)
        .map(|d| d.scenario.to_string())
        .ok_or_else(|| {
            format!(
                "no demo deployment `{text}` (known: {})",
                DemoDeployment::names()
            )
        })
}

/// Text after the options list in `demo --help`.
pub fn after_help() -> String {
    format!(
        "Deployments: {}.\nKeys in the picker: ↑↓ choose, Enter walk through the wizard with \
         the answers filled in, c straight to the checks, q quit. On the checks screen, p goes \
         back to the picker.",
        DemoDeployment::names()
    )
}

pub fn run(args: &DemoArgs) -> Exit {
    let no_color = no_color_from_env();
    let (state, cmds) = match &args.scenario {
        None => (State::demo(no_color), Vec::new()),
        Some(name) => match demo_picked(name, no_color) {
            Some(picked) => picked,
            None => {
                // The value parser already refused unknown names.
                eprintln!("error: no demo deployment `{name}`");
                return Exit::Usage;
            }
        },
    };
    launch(state, cmds, Arc::new(BuiltinServices::demo(process_env())))
}
