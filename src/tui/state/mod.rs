//! Everything the wizard knows. Plain data: [`super::update()`] changes it,
//! [`super::view`] reads it.

pub mod checks;
pub mod demo;
pub mod deployment;
pub mod feedback;
pub mod names;
pub mod review;

use std::path::PathBuf;
use std::time::Duration;

use tui_input::Input;

use crate::domain::{Answers, Field, Plan, ServerName, Strategy};

use super::data::{ConfigPreview, ConfigStatus, Expected, SelfCheckAnswer};

pub use checks::{ChecksState, RunPhase, Watch};
pub use demo::{DemoState, Pick, Then};
pub use deployment::{DeployForm, DeployRow, cycle};
pub use feedback::{Level, Note};
pub use names::NamesForm;
pub use review::{InstallState, PreviewState, ReviewState, Tab, TabKind};

/// The wizard's screens, in flow order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// `demo` only: pick a simulated deployment (not one of the numbered steps).
    Demo,
    Welcome,
    Names,
    Strategy,
    Deployment,
    Review,
    Checks,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Welcome,
        Step::Names,
        Step::Strategy,
        Step::Deployment,
        Step::Review,
        Step::Checks,
    ];

    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Demo => "Demo",
            Step::Welcome => "Welcome",
            Step::Names => "Names",
            Step::Strategy => "Strategy",
            Step::Deployment => "Deployment",
            Step::Review => "Review",
            Step::Checks => "Checks",
        }
    }

    /// The step where an answer is given (and where its error is shown).
    pub fn of_field(field: Field) -> Step {
        match field {
            Field::ServerName | Field::Host | Field::Port | Field::ClientUrl => Step::Names,
            Field::Strategy => Step::Strategy,
            _ => Step::Deployment,
        }
    }
}

/// Whether this is the whole wizard or only the checks screen
/// (`check <name> --tui`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Wizard,
    CheckOnly,
}

/// The three paths offered on the welcome screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    SetUp,
    CheckExisting,
    Learn,
}

impl Path {
    pub const ALL: [Path; 3] = [Path::SetUp, Path::CheckExisting, Path::Learn];

    pub fn title(self) -> &'static str {
        match self {
            Path::SetUp => "Set up delegation",
            Path::CheckExisting => "Check an existing setup",
            Path::Learn => "Learn the options",
        }
    }

    pub fn explain(self) -> &'static str {
        match self {
            Path::SetUp => "a few questions, then config, proxy and DNS",
            Path::CheckExisting => "the live checks for a server name, now",
            Path::Learn => "the six ways to delegate, step by step",
        }
    }
}

/// A question asked on top of the current screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    SaveDir,
    ExportBase,
    ConfigPath,
    CheckServerName,
}

impl PromptKind {
    pub fn question(self) -> &'static str {
        match self {
            PromptKind::SaveDir => "Save every file into this folder",
            PromptKind::ExportBase => "Export the report as <name>.md and <name>.json",
            PromptKind::ConfigPath => "Path of your Continuwuity config file",
            PromptKind::CheckServerName => "Server name to check (the part after the colon)",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help,
    Prompt(Prompt),
    /// Shows the diff and asks before writing.
    ConfirmWrite {
        preview: ConfigPreview,
        plan: Box<Plan>,
        scroll: u16,
    },
    /// After the config file was written: how to restart the homeserver
    /// and what it answers locally, until a key closes it.
    SelfCheck(SelfCheckDialog),
}

/// The step after writing the config file (`w`, `y`): the homeserver reads
/// its config file only when it starts, so before any public check it is
/// asked locally whether it serves what was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfCheckDialog {
    /// The config file just written; its `address`, `port` and
    /// `unix_socket_path` say where the homeserver is asked.
    pub config: PathBuf,
    /// What was written, with the backup's name (the status line's words
    /// move here while the dialog is open).
    pub wrote: String,
    /// `Warn` when the write came with a warning; Esc puts `wrote` back
    /// on the status line at this level.
    pub wrote_level: Level,
    /// The values written.
    pub expected: crate::selfcheck::Expected,
    /// The homeserver is being asked (the last answer, if any, stays shown).
    pub asking: bool,
    /// The last answer (or why it could not be asked).
    pub answer: Option<Result<SelfCheckAnswer, String>>,
}

/// The result of an action, above the key bar. It stays until the next key.
/// A message longer than the status row, or one with a next step, is drawn
/// as a box over the bottom of the screen, wrapped, the next step on a line
/// of its own: nothing of it is ever cut off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub level: Level,
    pub text: String,
    /// What the operator does next ("Restart Continuwuity, then Enter runs
    /// the checks"), shown on its own line.
    pub next: Option<String>,
}

#[derive(Debug, Clone)]
pub struct State {
    pub mode: Mode,
    pub step: Step,
    /// `NO_COLOR` was set when the program started.
    pub no_color: bool,
    /// The terminal size, from [`super::Msg::Resize`].
    pub width: u16,
    pub height: u16,
    pub config: ConfigStatus,
    pub welcome_choice: usize,
    pub names: NamesForm,
    pub strategy_choice: usize,
    /// Scroll offset of the teaching panel.
    pub lesson_scroll: u16,
    /// Reached from "learn the options": Enter starts the set-up with the choice.
    pub learning: bool,
    /// Why Enter was refused on the strategy step.
    pub strategy_problem: Option<String>,
    pub deploy: DeployForm,
    pub review: ReviewState,
    pub checks: ChecksState,
    /// `demo` only: the deployment picker.
    pub demo: Option<DemoState>,
    pub overlay: Option<Overlay>,
    pub status: Option<StatusLine>,
    /// Editing a step from review: Enter goes back to review.
    pub return_to_review: bool,
    /// Set by update when something visible changed; the runtime draws and clears it.
    pub dirty: bool,
    /// Left by Ctrl-C or a signal: the program exits with status 130.
    pub interrupted: bool,
}

impl State {
    /// The wizard at its welcome screen. `config` is what the runtime found
    /// before starting; its values pre-fill the answers.
    pub fn wizard(config: ConfigStatus, no_color: bool) -> State {
        let mut state = State {
            mode: Mode::Wizard,
            step: Step::Welcome,
            no_color,
            width: 80,
            height: 24,
            config,
            welcome_choice: 0,
            names: NamesForm::default(),
            strategy_choice: 0,
            lesson_scroll: 0,
            learning: false,
            strategy_problem: None,
            deploy: DeployForm::default(),
            review: ReviewState::default(),
            checks: ChecksState::default(),
            demo: None,
            overlay: None,
            status: None,
            return_to_review: false,
            dirty: true,
            interrupted: false,
        };
        if let Some(info) = state.config.found().cloned() {
            state.names = NamesForm::from_config(&info);
            if let Some(listener) = &info.listener {
                state.deploy.set(Field::Upstream, &listener.upstream);
            }
        }
        state
    }

    /// The wizard with every answer filled in (for `demo`, or to resume).
    pub fn with_answers(mut self, answers: &Answers) -> State {
        self.set_answers(answers);
        self
    }

    /// Replaces every answer (a demo pick).
    pub fn set_answers(&mut self, answers: &Answers) {
        self.names = NamesForm::from_answers(answers);
        self.strategy_choice = strategy_index(answers.strategy);
        self.deploy = DeployForm::from_answers(answers);
    }

    /// `demo`: the deployment picker. No config file of this machine is
    /// involved.
    pub fn demo(no_color: bool) -> State {
        let mut state = State::wizard(ConfigStatus::NotFound, no_color);
        state.step = Step::Demo;
        state.demo = Some(DemoState::default());
        state
    }

    /// Straight into the checks screen for `server_name` (the re-check path,
    /// `check <name> --tui`); the commands start the first run.
    pub fn check_screen(
        server_name: ServerName,
        expected: Expected,
        no_color: bool,
    ) -> (State, Vec<super::Cmd>) {
        let mut state = State::wizard(ConfigStatus::NotFound, no_color);
        state.mode = Mode::CheckOnly;
        state.step = Step::Checks;
        state.checks.target = Some(server_name);
        state.checks.expected = expected;
        let cmds = state.checks.start_run();
        (state, cmds)
    }

    pub fn strategy(&self) -> Strategy {
        Strategy::ALL[self.strategy_choice.min(Strategy::ALL.len() - 1)]
    }

    /// The answers as typed so far.
    pub fn answers(&self) -> Answers {
        let mut a = Answers {
            strategy: self.strategy(),
            ..Answers::default()
        };
        self.names.fill(&mut a);
        self.deploy.fill(&mut a);
        a
    }

    pub fn plan(&self) -> Option<Plan> {
        crate::domain::plan(&self.answers()).ok()
    }

    /// Whether the runtime should send [`super::Msg::Tick`]s.
    pub fn wants_ticks(&self) -> bool {
        self.tick_every().is_some()
    }

    /// How often the runtime sends [`super::Msg::Tick`]s: often while a run
    /// is in progress (the spinner and the run clock), once a second while
    /// a DNS cache wait or watch mode's next run counts down, never otherwise.
    pub fn tick_every(&self) -> Option<Duration> {
        if self.step != Step::Checks {
            return None;
        }
        if self.checks.phase == RunPhase::Running {
            return Some(checks::TICK);
        }
        // Between runs: the DNS wait and watch mode's "next run in" count
        // down once a second.
        (self.checks.watch.on || self.checks.dns_wait_left().is_some())
            .then_some(Duration::from_secs(1))
    }

    pub fn watch_interval(&self) -> Duration {
        self.checks.watch.every
    }
}

pub fn strategy_index(s: Strategy) -> usize {
    Strategy::ALL.iter().position(|x| *x == s).unwrap_or(0)
}
