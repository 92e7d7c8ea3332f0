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
mod files;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;

use crate::check::expect::Expectations;
use crate::check::model::{CheckEvent, RunId};
use crate::domain::plan::WellKnownSection;
use crate::domain::{Plan, ServerName};
use crate::generate::Artifact;

use super::msg::Msg;
use crate::report::Report;

pub use builtin::BuiltinServices;
pub use check_net::NetSource;
pub use config::{load_config, preview_config_write, write_config};
pub use files::{export_report, save_artifacts};

/// A homeserver config file, as the config reader reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigInfo {
    pub path: PathBuf,
    /// Why this file, in a few words (`named by the environment variable
    /// CONTINUWUITY_CONFIG`).
    pub why: String,
    /// The `server_name` the homeserver runs with (environment over file),
    /// if set. Raw file text: shown through [`super::view::safe_text`].
    pub server_name: Option<String>,
    /// The `[global.well_known]` values in effect (environment over file).
    pub well_known: WellKnownSection,
    /// What the operator should know: other candidate files, problems and
    /// warnings found in this one (raw text, shown through `safe_text`).
    pub notes: Vec<String>,
}

/// The outcome of looking for (or reading) a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigStatus {
    Found(Box<ConfigInfo>),
    /// Nothing found where Continuwuity's config usually lives.
    NotFound,
    /// Found (or named) but unusable: missing, unreadable, not TOML. The
    /// message says which file and why.
    Problem(String),
}

impl ConfigStatus {
    pub fn found(&self) -> Option<&ConfigInfo> {
        match self {
            ConfigStatus::Found(info) => Some(info),
            _ => None,
        }
    }
}

/// What writing the plan's section would change, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigPreview {
    pub path: PathBuf,
    /// A unified diff of the file (empty when nothing changes).
    pub diff: String,
    /// Opaque to the wizard: whatever the writer needs to refuse a write when
    /// the file changed on disk after this preview (hash, mtime, ...).
    pub fingerprint: String,
    /// What the operator should know about the edit (e.g. an environment
    /// variable overrides a key the file sets).
    pub notes: Vec<String>,
}

impl ConfigPreview {
    pub fn changes_anything(&self) -> bool {
        !self.diff.trim().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    pub path: PathBuf,
    pub backup: Option<PathBuf>,
    /// Written, but worth knowing (e.g. the directory could not be synced).
    pub warning: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedFiles {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
}

/// What the checks compare the observed deployment with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Nothing known: report what is there.
    Nothing,
    /// The wizard's validated answers.
    Plan(Box<Plan>),
    /// The `[global.well_known]` section of a config file.
    WellKnown(WellKnownSection),
    /// Expectations made elsewhere (`check --tui`: `--config`, `--expect-*`,
    /// `--proxy`, exactly as the text report uses them).
    Given(Box<Expectations>),
}

/// One check run to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRequest {
    pub run: RunId,
    pub server_name: ServerName,
    pub expected: Expected,
}

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

    /// Reports that the run could not continue.
    pub fn fail(&self, run: RunId, reason: impl Into<String>) -> bool {
        let msg = Msg::ChecksFailed {
            run,
            reason: reason.into(),
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
    fn start_checks(&self, request: CheckRequest, sink: CheckSink) -> Result<RunHandle, String>;

    /// `demo`: starts the simulated deployment `scenario` (stopping the one
    /// running before) so that later runs check it. Runs on the tokio
    /// runtime; `token` orders the picks (an older one never wins).
    fn start_demo(
        &self,
        token: u64,
        scenario: String,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> {
        let _ = (token, scenario);
        Box::pin(async { Err("no simulated internet here (only `matrix-delegate demo`)".into()) })
    }

    /// The diff writing `plan`'s `[global.well_known]` section would make.
    fn preview_config_write(&self, path: &Path, plan: &Plan) -> Result<ConfigPreview, String>;

    /// Writes the section (backup, atomic replace, mode kept), refusing when
    /// the file no longer matches `preview`.
    fn write_config(&self, plan: &Plan, preview: &ConfigPreview) -> Result<WriteOutcome, String>;

    /// Writes every artifact into `dir`, losing nothing that is already there.
    fn save_artifacts(&self, dir: &Path, artifacts: &[Artifact]) -> Result<SavedFiles, String>;

    /// Writes `<base>.md` and `<base>.json` (never over an existing file).
    fn export_report(&self, base: &Path, report: &Report) -> Result<Vec<PathBuf>, String>;
}
