//! The seam between the wizard's runtime and the rest of the program: every
//! effect a [`super::Cmd`] asks for is executed through [`Services`], so the
//! real config writer and check runner plug in without touching the TUI, and
//! tests use a fake.
//!
//! [`BuiltinServices`] is real throughout: the config file is found, read,
//! diffed and written by [`crate::config_file`] (the same code as
//! `generate --write-config`), artifacts are saved and reports exported with
//! the shared renderers, and the live checks are the real check runner
//! ([`check_net`]), against the system's network, the options of
//! `check --tui`, or the simulated internet of `demo`.

mod builtin;
pub mod check_net;
mod config;
mod error;
mod files;
mod selfcheck;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;

use crate::check::model::{CheckEvent, RunId};
use crate::domain::Plan;
use crate::generate::Artifact;
use crate::report::Report;

use super::data::{
    CheckRequest, ConfigPreview, ConfigStatus, SavedFiles, SelfCheckAnswer, WriteOutcome,
};
use super::msg::Msg;

pub use builtin::{BuiltinServices, Environment};
pub use check_net::NetSource;
pub use config::{load_config, preview_config_write, write_config};
pub use error::ServiceError;
pub use files::{export_report, save_artifacts};
pub use selfcheck::ask_homeserver;

/// Where a check run sends its events; each is stamped with its arrival time.
#[derive(Debug, Clone)]
pub struct CheckSink {
    tx: UnboundedSender<Msg>,
}

impl CheckSink {
    pub fn new(tx: UnboundedSender<Msg>) -> CheckSink {
        CheckSink { tx }
    }

    /// Returns `false` once the wizard is gone (the run should stop).
    pub fn send(&self, event: CheckEvent) -> bool {
        let msg = Msg::Check {
            event,
            at: Instant::now(),
        };
        self.tx.send(msg).is_ok()
    }

    /// Reports that the run could not continue (the wizard shows why).
    pub fn fail(&self, run: RunId, error: &ServiceError) -> bool {
        let msg = Msg::ChecksFailed {
            run,
            reason: error.to_string(),
        };
        self.tx.send(msg).is_ok()
    }
}

/// A running check suite; cancelling or dropping it stops the run.
pub struct RunHandle {
    cancel: Option<Box<dyn FnOnce() + Send>>,
}

impl RunHandle {
    pub fn new(cancel: impl FnOnce() + Send + 'static) -> RunHandle {
        RunHandle {
            cancel: Some(Box::new(cancel)),
        }
    }

    /// A run with nothing to stop (it already finished).
    pub fn finished() -> RunHandle {
        RunHandle { cancel: None }
    }

    pub fn cancel(mut self) {
        if let Some(cancel) = self.cancel.take() {
            cancel();
        }
    }
}

impl Drop for RunHandle {
    fn drop(&mut self) {
        if let Some(cancel) = self.cancel.take() {
            cancel();
        }
    }
}

impl std::fmt::Debug for RunHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RunHandle")
    }
}

/// The effects the wizard needs. The runtime calls the blocking methods on
/// tokio's blocking pool, never on the UI loop; `start_checks` is called
/// inside the tokio runtime, so implementations may `tokio::spawn`.
pub trait Services: Send + Sync + 'static {
    /// Finds the homeserver config (`path: None`: the usual places and the
    /// `CONTINUWUITY_CONFIG`-style variables) or reads the one named.
    fn load_config(&self, path: Option<&Path>) -> ConfigStatus;

    /// Starts a run: every event carries `request.run` and goes to `sink`.
    /// `Err` says why no run could start.
    fn start_checks(
        &self,
        request: CheckRequest,
        sink: CheckSink,
    ) -> Result<RunHandle, ServiceError>;

    /// `demo`: starts the simulated deployment `scenario` (stopping the one
    /// running before) so that later runs check it. Runs on the tokio
    /// runtime; `token` orders the picks (an older one never wins).
    fn start_demo(
        &self,
        token: u64,
        scenario: String,
    ) -> Pin<Box<dyn Future<Output = Result<(), ServiceError>> + Send>> {
        let _ = (token, scenario);
        Box::pin(async { Err(ServiceError::NoSimulation) })
    }

    /// The diff writing `plan`'s `[global.well_known]` section would make.
    fn preview_config_write(&self, path: &Path, plan: &Plan)
    -> Result<ConfigPreview, ServiceError>;

    /// Writes the section (backup, atomic replace, mode kept), refusing when
    /// the file no longer matches `preview`.
    fn write_config(
        &self,
        plan: &Plan,
        preview: &ConfigPreview,
    ) -> Result<WriteOutcome, ServiceError>;

    /// Asks the running homeserver of `config` for its well-known files
    /// where that file says it listens, compares them with `expected`, and
    /// says how to restart it on this machine. Runs on the tokio runtime.
    fn self_check(
        &self,
        config: PathBuf,
        expected: crate::selfcheck::Expected,
    ) -> Pin<Box<dyn Future<Output = Result<SelfCheckAnswer, ServiceError>> + Send>> {
        let _ = (config, expected);
        Box::pin(async { Err(ServiceError::NoSelfCheck) })
    }

    /// Installs `plan`'s proxy configuration into this machine's proxy the
    /// way `matrix-delegate apply` does, returning the report it printed
    /// and how it ended (`dry_run`: nothing written).
    fn install_proxy(
        &self,
        plan: &Plan,
        dry_run: bool,
    ) -> Result<(String, crate::tui::data::InstallEnd), ServiceError> {
        let _ = (plan, dry_run);
        Err(ServiceError::NoInstall)
    }

    /// Writes every artifact into `dir`, losing nothing that is already there.
    fn save_artifacts(
        &self,
        dir: &Path,
        artifacts: &[Artifact],
    ) -> Result<SavedFiles, ServiceError>;

    /// Writes `<base>.md` and `<base>.json` (never over an existing file).
    fn export_report(&self, base: &Path, report: &Report) -> Result<Vec<PathBuf>, ServiceError>;
}
