//! Everything that can happen to the wizard: keys, resizes, clock ticks, and
//! the answers of the services the runtime called on the state's behalf.
//!
//! A failed service call arrives as the words the wizard shows (the runtime
//! renders the services' typed errors): update only shows them, it never
//! decides anything from them.

use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::{Event, KeyEvent, KeyEventKind};

use crate::check::model::{CheckEvent, RunId};
use crate::domain::Plan;

use super::data::{ConfigPreview, ConfigStatus, SavedFiles, SelfCheckAnswer, WriteOutcome};

/// One input to [`super::update::update`].
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// Sent by the runtime only while checks run (it drives the spinner and
    /// the run clock); never while idle.
    Tick {
        now: Instant,
    },
    /// A streamed check event, stamped with the time it arrived.
    Check {
        event: CheckEvent,
        at: Instant,
    },
    /// The run could not start or broke off (e.g. checks not available in
    /// this build, resolver configuration unusable).
    ChecksFailed {
        run: RunId,
        reason: String,
    },
    /// Answer to [`super::Cmd::LoadConfig`].
    ConfigLoaded(ConfigStatus),
    /// Answer to [`super::Cmd::PreviewConfigWrite`], with the plan it was
    /// asked for (an answer for an older plan is stale).
    ConfigPreviewed {
        plan: Box<Plan>,
        result: Result<ConfigPreview, String>,
    },
    /// Answer to [`super::Cmd::WriteConfig`].
    ConfigWritten(Result<WriteOutcome, String>),
    /// Answer to [`super::Cmd::SelfCheck`] for the config file `config`.
    SelfChecked {
        config: PathBuf,
        result: Result<SelfCheckAnswer, String>,
    },
    /// Answer to [`super::Cmd::InstallProxy`]: the report `apply` printed
    /// and how it ended, for the plan it was asked for.
    ProxyInstalled {
        plan: Box<Plan>,
        dry_run: bool,
        result: Result<(String, crate::tui::data::InstallEnd), String>,
    },
    /// Answer to [`super::Cmd::SaveArtifacts`].
    ArtifactsSaved(Result<SavedFiles, String>),
    /// Answer to [`super::Cmd::CopyToClipboard`]: the number of bytes sent.
    Copied {
        label: String,
        result: Result<usize, String>,
    },
    /// Answer to [`super::Cmd::ExportReport`]: the files written.
    Exported(Result<Vec<PathBuf>, String>),
    /// A timer set by [`super::Cmd::ScheduleRerun`] fired.
    WatchDue {
        token: u64,
    },
    /// Answer to [`super::Cmd::StartDemo`]: the simulated deployment runs
    /// (or why it could not start). An answer with an older token is stale.
    DemoStarted {
        token: u64,
        result: Result<(), String>,
    },
    /// SIGTERM, SIGINT or SIGHUP: leave now, restoring the terminal.
    Terminate,
}

impl Msg {
    /// Translates a terminal event; events the wizard does not use (mouse,
    /// focus, key releases) give `None` so that they never cause a redraw.
    pub fn from_terminal(event: Event) -> Option<Msg> {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
            Event::Resize(width, height) => Some(Msg::Resize { width, height }),
            _ => None,
        }
    }
}
