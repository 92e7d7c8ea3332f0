//! Effects as data: what [`super::update::update`] asks the runtime to do.

use std::path::PathBuf;
use std::time::Duration;

use crate::check::model::RunId;
use crate::domain::Plan;
use crate::generate::Artifact;
use crate::report::Report;

use super::data::{CheckRequest, ConfigPreview};

#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// Start a check run; its events come back as [`super::Msg::Check`].
    StartChecks(CheckRequest),
    /// Stop a run (its late events are dropped by run id anyway).
    CancelChecks { run: RunId },
    /// Read a config file the operator named.
    LoadConfig { path: PathBuf },
    /// Compute the diff writing the plan's section into `path` would make.
    PreviewConfigWrite { path: PathBuf, plan: Box<Plan> },
    /// Write the section (backup kept; refused if the file changed since the preview).
    WriteConfig {
        plan: Box<Plan>,
        preview: ConfigPreview,
    },
    /// Ask the running homeserver of `config`, where that file says it
    /// listens, for its well-known files and compare them with `expected`
    /// (the values just written); the answer is [`super::Msg::SelfChecked`].
    SelfCheck {
        config: PathBuf,
        expected: crate::selfcheck::Expected,
    },
    /// Install the plan's proxy configuration as `matrix-delegate apply`
    /// does (`dry_run`: decide, diff and test a copy, write nothing).
    InstallProxy { plan: Box<Plan>, dry_run: bool },
    /// Write every artifact into `dir`.
    SaveArtifacts {
        dir: PathBuf,
        artifacts: Vec<Artifact>,
    },
    /// Put `text` on the clipboard (OSC 52, written by the runtime to the terminal).
    CopyToClipboard { label: String, text: String },
    /// Write `<base>.md` and `<base>.json` (the shared report renderers).
    ExportReport { base: PathBuf, report: Report },
    /// Send [`super::Msg::WatchDue`] with `token` after `after`.
    ScheduleRerun { token: u64, after: Duration },
    /// `demo`: start the simulated deployment `scenario` (replacing the one
    /// running); the answer is [`super::Msg::DemoStarted`] with `token`.
    StartDemo { token: u64, scenario: String },
    /// Leave the wizard (the runtime restores the terminal).
    Quit,
}
