//! Homeserver config files: reading, editing, the invariants of every edit,
//! writing safely, `generate --write-config` and `config show`.

mod edit;
mod inspect;
mod invariants;
pub(crate) mod selfcheck;
mod show;
mod write;
mod write_config;
