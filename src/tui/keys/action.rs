//! What a key asks for. One kind of action per screen (and per overlay),
//! so that update handles each screen's actions with an exhaustive match:
//! an action added here does not compile until update handles it, and the
//! key tables' tests fail until a key is bound to it.

/// Declares a kind of action: the enum and [`ALL`](DemoAction::ALL), which
/// lists every variant (the tests walk it).
macro_rules! actions {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every action of this kind.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
        }
    };
}

actions!(
    /// The `demo` picker.
    DemoAction {
        Previous,
        Next,
        First,
        Last,
        /// Start the pick and walk through the wizard with its answers.
        Walk,
        /// Start the pick and go straight to its checks.
        ChecksNow,
    }
);

actions!(
    /// The welcome screen.
    WelcomeAction {
        Previous,
        Next,
        /// Take the highlighted path.
        Go,
        PickSetUp,
        PickCheckExisting,
        PickLearn,
    }
);

actions!(
    /// The names form.
    NamesAction {
        NextField,
        PreviousField,
        /// On to the next step (when the answers allow it).
        Advance,
        Back,
        /// The key goes to the focused text field (tui-input edits it).
        Edit,
    }
);

actions!(
    /// The strategy step and its teaching panel.
    StrategyAction {
        Previous,
        Next,
        Advance,
        Back,
        PageUp,
        PageDown,
        Top,
        Bottom,
    }
);

actions!(
    /// The deployment form.
    DeployAction {
        NextField,
        PreviousField,
        ChoicePrevious,
        ChoiceNext,
        /// On to the review (when the answers allow it).
        Advance,
        Back,
        /// The key goes to the focused text field.
        Edit,
    }
);

actions!(
    /// The review step: tabs, their text, and the write / save / copy actions.
    ReviewAction {
        NextTab,
        PreviousTab,
        LineUp,
        LineDown,
        PageUp,
        PageDown,
        Top,
        Bottom,
        WriteConfig,
        Install,
        SaveAll,
        CopyTab,
        OpenChecks,
        EditNames,
        EditStrategy,
        EditDeployment,
        /// Name another homeserver config file (the one found is not it).
        OtherConfig,
        Back,
    }
);

actions!(
    /// The checks screen.
    ChecksAction {
        Previous,
        Next,
        First,
        Last,
        ToggleDetails,
        CollapseDetails,
        Rerun,
        ToggleWatch,
        WatchLonger,
        WatchShorter,
        Export,
        PageUp,
        PageDown,
        /// Back to the review, collapsing the details first.
        Back,
        /// `demo`: straight back to the deployment picker.
        Picker,
    }
);

actions!(
    /// A one-line question on top of the screen.
    PromptAction {
        Submit,
        Cancel,
        /// The key goes to the answer being typed.
        Edit,
    }
);

actions!(
    /// The write confirmation with the diff.
    ConfirmAction {
        Write,
        Cancel,
        LineUp,
        LineDown,
        PageUp,
        PageDown,
        Top,
        Bottom,
    }
);

actions!(
    /// The self-check after writing the config file.
    SelfCheckAction {
        /// Close the dialog and run the public checks.
        RunChecks,
        /// Ask the homeserver again (after restarting it).
        AskAgain,
        Close,
    }
);

/// One action, of the kind of what has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Leave the wizard (the terminal is restored).
    Quit,
    /// Ctrl-C: leave as [`Action::Quit`] does, exiting with status 130 as
    /// shells expect of an interrupted program.
    Interrupt,
    /// Open the help overlay.
    Help,
    /// Close the help overlay.
    CloseHelp,
    Demo(DemoAction),
    Welcome(WelcomeAction),
    Names(NamesAction),
    Strategy(StrategyAction),
    Deploy(DeployAction),
    Review(ReviewAction),
    Checks(ChecksAction),
    Prompt(PromptAction),
    Confirm(ConfirmAction),
    SelfCheck(SelfCheckAction),
}

impl Action {
    /// Every action there is.
    pub fn all() -> Vec<Action> {
        // A kind missing here fails the key tables' tests: each bound
        // action must be in this list.
        let mut all = vec![
            Action::Quit,
            Action::Interrupt,
            Action::Help,
            Action::CloseHelp,
        ];
        all.extend(DemoAction::ALL.iter().copied().map(Action::Demo));
        all.extend(WelcomeAction::ALL.iter().copied().map(Action::Welcome));
        all.extend(NamesAction::ALL.iter().copied().map(Action::Names));
        all.extend(StrategyAction::ALL.iter().copied().map(Action::Strategy));
        all.extend(DeployAction::ALL.iter().copied().map(Action::Deploy));
        all.extend(ReviewAction::ALL.iter().copied().map(Action::Review));
        all.extend(ChecksAction::ALL.iter().copied().map(Action::Checks));
        all.extend(PromptAction::ALL.iter().copied().map(Action::Prompt));
        all.extend(ConfirmAction::ALL.iter().copied().map(Action::Confirm));
        all.extend(SelfCheckAction::ALL.iter().copied().map(Action::SelfCheck));
        all
    }
}
