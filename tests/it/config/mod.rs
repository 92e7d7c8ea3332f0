//! Homeserver config files: reading, editing, the invariants of every edit,
//! writing safely, `generate --write-config` and `config show`.

mod edit;
mod inspect;
mod invariants;
mod selfcheck;
mod show;
mod write;
mod write_config;
