//! The wizard: from the first question to the live-check panels.
//!
//! Shape (the pure state-machine pattern, effects as data):
//!
//! ```text
//!   terminal / services ──Msg──▶ update(&mut State, Msg) ──Vec<Cmd>──▶ runtime ──▶ Services
//!                                      │                                   │
//!                                      └──────── view::render(&State) ◀────┘ (only after a change)
//! ```
//!
//! - [`update::update`] is pure: no I/O, no tokio, no terminal, no clock
//!   (time arrives inside messages).
//! - [`view::render`] only reads the state.
//! - [`runtime`] owns the terminal, the event stream, the service channels and
//!   the spawned work; it executes [`Cmd`]s through the [`services::Services`]
//!   trait and redraws only when a message changed something.

pub mod cmd;
pub mod data;
pub mod demo;
pub mod keys;
pub mod layout;
pub mod msg;
pub mod panes;
pub mod runtime;
pub mod services;
pub mod state;
pub mod teaching;
pub mod text;
pub mod theme;
pub mod update;
pub mod view;

pub use cmd::Cmd;
pub use msg::Msg;
pub use state::State;
pub use update::update;
pub use view::render;

/// `matrix-delegate` with no subcommand: runs the wizard on this terminal.
/// `env` is the environment the homeserver would run with (it names the
/// config file and overrides its settings); the caller reads it.
/// `config`: the file named with `--config`, read instead of looking for one.
pub fn run_wizard(
    env: services::Environment,
    config: Option<&std::path::Path>,
) -> crate::exit::Exit {
    runtime::launch::wizard(
        std::sync::Arc::new(services::BuiltinServices::system(env)),
        config,
    )
}
