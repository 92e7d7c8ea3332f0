//! `demo`: the deployment picker's state. The list itself is
//! [`crate::tui::demo::DEMOS`].

use crate::tui::demo::{DEMOS, DemoDeployment};

/// Where a pick goes once its simulated deployment runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Through the wizard, answers pre-filled (names step first).
    Walk,
    /// Straight to the checks (via the review, so Esc shows the artifacts).
    Checks,
}

/// A pick whose simulated deployment is being started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    /// Index into [`DEMOS`].
    pub index: usize,
    pub then: Then,
    /// Identifies the start; an answer with another token is stale.
    pub token: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoState {
    /// The highlighted row of the picker.
    pub choice: usize,
    pub starting: Option<Pick>,
    /// The deployment whose simulated internet runs now (index into [`DEMOS`]).
    pub running: Option<usize>,
    /// The last token handed out.
    pub token: u64,
    /// Why the last pick could not start.
    pub error: Option<String>,
}

impl DemoState {
    pub fn selected(&self) -> &'static DemoDeployment {
        &DEMOS[self.choice.min(DEMOS.len() - 1)]
    }

    pub fn running(&self) -> Option<&'static DemoDeployment> {
        self.running.and_then(|i| DEMOS.get(i))
    }
}
