//! Keys while an overlay is open: help, a prompt, or the write confirmation.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::to_input_request;

use crate::domain::validate::check_server_name;
use crate::tui::cmd::Cmd;
use crate::tui::data::Expected;
use crate::tui::data::SelfCheckAnswer;
use crate::tui::keys::{ConfirmAction, PromptAction, SelfCheckAction};
use crate::tui::layout;
use crate::tui::panes;
use crate::tui::state::{Level, Overlay, PromptKind, SelfCheckDialog, State};

use super::flow::{self, Scroll};
use super::{Handled, checks, done, review, say, say_then};

/// Any key closes help; the key itself does nothing else.
pub(super) fn close_help(state: &mut State) -> Handled {
    state.overlay = None;
    done()
}

pub(super) fn on_prompt(state: &mut State, action: PromptAction, key: KeyEvent) -> Handled {
    let mut prompt = match state.overlay.take() {
        Some(Overlay::Prompt(prompt)) => prompt,
        other => {
            state.overlay = other;
            return None;
        }
    };
    match action {
        PromptAction::Cancel => done(),
        PromptAction::Submit => {
            let value = prompt.input.value().to_string();
            match submit(state, prompt.kind, &value) {
                Ok(cmds) => Some(cmds),
                Err(e) => {
                    prompt.error = Some(e);
                    state.overlay = Some(Overlay::Prompt(prompt));
                    done()
                }
            }
        }
        PromptAction::Edit => {
            let changed = to_input_request(&Event::Key(key))
                .and_then(|r| prompt.input.handle(r))
                .is_some();
            if changed {
                prompt.error = None;
            }
            state.overlay = Some(Overlay::Prompt(prompt));
            changed.then(Vec::new)
        }
    }
}

pub(super) fn on_confirm(state: &mut State, action: ConfirmAction) -> Handled {
    let (preview, plan, scroll) = match state.overlay.take() {
        Some(Overlay::ConfirmWrite {
            preview,
            plan,
            scroll,
        }) => (preview, plan, scroll),
        other => {
            state.overlay = other;
            return None;
        }
    };
    let by = match action {
        ConfirmAction::Write => {
            say(
                state,
                Level::Info,
                format!("Writing {}…", preview.path.display()),
            );
            return Some(vec![Cmd::WriteConfig { plan, preview }]);
        }
        ConfirmAction::Cancel => {
            say(state, Level::Info, "Nothing was written.");
            return done();
        }
        ConfirmAction::LineUp => Scroll::LineUp,
        ConfirmAction::LineDown => Scroll::LineDown,
        ConfirmAction::PageUp => Scroll::PageUp,
        ConfirmAction::PageDown => Scroll::PageDown,
        ConfirmAction::Top => Scroll::Top,
        ConfirmAction::Bottom => Scroll::Bottom,
    };
    let area = layout::confirm_text(state);
    let rows = panes::diff_lines(&preview.diff, area.width, false).len();
    let max = u16::try_from(rows.saturating_sub(usize::from(area.height))).unwrap_or(u16::MAX);
    let next = flow::scrolled(by, scroll, area.height, max);
    state.overlay = Some(Overlay::ConfirmWrite {
        preview,
        plan,
        scroll: next,
    });
    (next != scroll).then(Vec::new)
}

/// The self-check dialog: Enter goes on to the public checks, `r` asks
/// the homeserver again (after the operator restarted it), Esc closes.
pub(super) fn on_self_check(state: &mut State, action: SelfCheckAction) -> Handled {
    let mut dialog = match state.overlay.take() {
        Some(Overlay::SelfCheck(dialog)) => dialog,
        other => {
            state.overlay = other;
            return None;
        }
    };
    match action {
        SelfCheckAction::RunChecks => {
            let plan = state.review.plan.clone()?;
            let name = plan.server_name.clone();
            Some(flow::open_checks(
                state,
                name,
                Expected::Plan(Box::new(plan)),
            ))
        }
        SelfCheckAction::AskAgain => {
            let cmd = Cmd::SelfCheck {
                config: dialog.config.clone(),
                expected: dialog.expected.clone(),
            };
            dialog.asking = true;
            state.overlay = Some(Overlay::SelfCheck(dialog));
            Some(vec![cmd])
        }
        SelfCheckAction::Close => {
            say_then(
                state,
                dialog.wrote_level,
                dialog.wrote,
                "Next: restart the homeserver, then Enter runs the checks.",
            );
            done()
        }
    }
}

/// The homeserver's answer: shown in the dialog that asked for it; an
/// answer for a dialog already closed (or another file) is dropped.
pub(super) fn on_self_checked(
    state: &mut State,
    config: &std::path::Path,
    result: Result<SelfCheckAnswer, String>,
) -> Handled {
    match &mut state.overlay {
        Some(Overlay::SelfCheck(SelfCheckDialog {
            config: asked,
            asking,
            answer,
            ..
        })) if asked.as_path() == config && *asking => {
            *asking = false;
            *answer = Some(result);
            done()
        }
        _ => None,
    }
}

fn submit(state: &mut State, kind: PromptKind, value: &str) -> Result<Vec<Cmd>, String> {
    match kind {
        PromptKind::SaveDir | PromptKind::ConfigPath => review::submit_prompt(state, kind, value),
        PromptKind::ExportBase => checks::submit_export(state, value),
        PromptKind::CheckServerName => {
            let name = check_server_name(value)?;
            let expected = match state.plan() {
                Some(plan) if plan.server_name == name => Expected::Plan(Box::new(plan)),
                _ => Expected::Nothing,
            };
            Ok(flow::open_checks(state, name, expected))
        }
    }
}
