//! The plain values the wizard exchanges with its services: what a
//! [`super::Cmd`] asks for (a check run and what it is compared with) and
//! what comes back in a [`super::Msg`] (the config file found, a diff, what
//! was written or saved). No I/O and no tokio here, so that the state, the
//! messages and the commands can hold them.

use std::path::PathBuf;

use crate::check::expect::Expectations;
use crate::check::model::RunId;
use crate::domain::plan::WellKnownSection;
use crate::domain::{Plan, ServerName};

/// A homeserver config file, as the config reader reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigInfo {
    pub path: PathBuf,
    /// Why this file, in a few words (`named by the environment variable
    /// CONTINUWUITY_CONFIG`).
    pub why: String,
    /// The `server_name` the homeserver runs with (environment over file),
    /// if set. Raw file text: shown through [`crate::safe_text::display`].
    pub server_name: Option<String>,
    /// The `[global.well_known]` values in effect (environment over file).
    pub well_known: WellKnownSection,
    /// What the operator should know: other candidate files, problems and
    /// warnings found in this one (raw text, shown through `safe_text`).
    pub notes: Vec<String>,
    /// Where the homeserver listens by this config, as the proxy reaches
    /// it (`address`, `port`, `unix_socket_path`); `None` when the file
    /// says nothing about it.
    pub listener: Option<Listener>,
}

/// The homeserver's listener as the config sets it: the wizard's default
/// for "Homeserver address".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// `127.0.0.1:6167`, `[::1]:8008` or `unix:/run/continuwuity/continuwuity.sock`.
    pub upstream: String,
    /// Where that comes from, in words: `from your config, line 12`,
    /// `from CONTINUWUITY_PORT`.
    pub origin: String,
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

/// How an install the wizard asked for ended (`apply::Outcome`, as the
/// wizard tells it apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallEnd {
    /// Installed, already installed, or a dry run the proxy accepts.
    Done,
    /// Certificates first: only the port-80 part went live, for certbot;
    /// the install is finished by running it again once the certificates
    /// exist.
    CertificateStep,
    /// Nothing installed (the tree is as it was).
    NotDone,
}

impl InstallEnd {
    pub fn of(outcome: &crate::apply::Outcome) -> InstallEnd {
        if outcome.succeeded() {
            InstallEnd::Done
        } else if *outcome == crate::apply::Outcome::CertificatesPending {
            InstallEnd::CertificateStep
        } else {
            InstallEnd::NotDone
        }
    }
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

/// The homeserver's self-check after the config file was written: how to
/// restart it on this machine and what it answers locally (the same
/// judgement as `matrix-delegate selfcheck`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfCheckAnswer {
    /// The command that restarts it (`systemctl restart continuwuity`, or
    /// the choices when no unit was found).
    pub restart: String,
    pub check: crate::selfcheck::SelfCheck,
}
